//! The fast base of the test pyramid: the protocol vectors, the hostile corpus and the main
//! workflows through `run()` in process, with the in-memory store. No D-Bus, no kernel keyring,
//! no Python; `cargo test` runs it anywhere, and mutation testing uses it (scripts/mutants.sh).

#[path = "../common/mod.rs"]
mod common;
mod properties;

use common::Sandbox;
use common::replay;
use mystic_credential_helper::{Config, Ctx, Selector, Settings, Store, StoreOptions, lookup};
use serde_json::json;

fn fresh(env: &[(String, String)]) -> Sandbox {
    env.iter()
        .fold(Sandbox::in_process(), |sb, (k, v)| sb.env(k, v))
}

#[test]
fn vectors_replay_in_process() {
    replay::vectors(&fresh);
}

#[test]
fn hostile_input_corpus_in_process() {
    replay::hostile(&fresh);
}

#[test]
fn store_get_list_erase() {
    let t = Sandbox::in_process();
    let (json, code) = t.json(&["store"], r#"{"alias":"a","token":"pipeline_sk_mem"}"#);
    // A program's store changes the default only when it asks (`"active": true`).
    assert_eq!((json["active"].as_bool(), code), (Some(false), 0));
    assert_eq!(
        t.token("https://www.mystic.ai", "a").as_deref(),
        Some("pipeline_sk_mem")
    );
    assert!(!t.config().contains("pipeline_sk_mem"));
    let (json, code) = t.json(&["get"], "");
    assert_eq!(
        (json["token"].as_str(), json["source"].as_str(), code),
        (Some("pipeline_sk_mem"), Some("keyring"), 0)
    );
    let (json, _) = t.json(&["list"], "");
    assert_eq!(
        json,
        json!({"v":1,"active_remote":null,"remotes":[{"alias":"a","url":"https://www.mystic.ai","active":false}]})
    );
    assert_eq!(t.json(&["erase"], r#"{"alias":"a"}"#).1, 0);
    assert!(t.memory().items().is_empty());
    let (out, code, err) = t.run_text(&["get"], br#"{"alias":"a"}"#);
    assert_eq!(code, 1, "{out}");
    assert_eq!(err.lines().count(), 1);
}

/// Logging in to another url moves the remote: login says it replaced the token, and the old
/// url's item goes.
#[test]
fn a_remote_moved_to_another_url_keeps_no_old_item() {
    let t = Sandbox::in_process();
    let login = |url: &str, token: &[u8]| {
        let args = ["login", "--no-verify", "--alias", "a", "--url", url];
        let (out, code, err) = t.run_text(&args, token);
        assert_eq!(code, 0, "{err}");
        out
    };
    let out = login("https://one.example", b"pipeline_sk_one\n");
    assert!(!out.starts_with("Replaced"), "{out}");
    let out = login("https://two.example", b"pipeline_sk_two\n");
    assert!(
        out.starts_with("Replaced the token of a at https://two.example"),
        "{out}"
    );
    assert_eq!(t.token("https://one.example", "a"), None);
    assert_eq!(
        t.token("https://two.example", "a").as_deref(),
        Some("pipeline_sk_two")
    );
    assert_eq!(t.memory().items().len(), 1);
}

/// git stores what a host asked for under that host: a user name that names a remote at another
/// origin gets a remote of its own (`name-host`), and the other remote is never touched.
#[test]
fn git_never_moves_a_remote() {
    let t = Sandbox::in_process();
    t.json(
        &["store"],
        r#"{"alias":"a","url":"https://one.example","token":"tok_one_1","active":true}"#,
    );
    let git = |action: &str, host: &str, password: &str| {
        let input = format!("protocol=https\nhost={host}\nusername=a\npassword={password}\n\n");
        t.run_text(&["git", action], input.as_bytes())
    };
    assert_eq!(
        git("store", "two.example", "t_two"),
        (String::new(), 0, String::new())
    );
    assert_eq!(
        t.token("https://one.example", "a").as_deref(),
        Some("tok_one_1")
    );
    assert_eq!(
        t.token("https://two.example", "a-two.example").as_deref(),
        Some("t_two")
    );
    let config = Config::load(&t.dir).unwrap();
    assert_eq!(
        config.active_remote.as_deref(),
        Some("a"),
        "git never changes the default"
    );
    // Each host reads its own credential back under the user name git knows.
    let fill = |host: &str| {
        t.run_text(
            &["git", "get"],
            format!("protocol=https\nhost={host}\nusername=a\n").as_bytes(),
        )
        .0
    };
    assert_eq!(fill("one.example"), "username=a\npassword=tok_one_1\n");
    assert_eq!(
        fill("two.example"),
        "username=a-two.example\npassword=t_two\n"
    );
    assert_eq!(git("store", "one.example", "t_new").1, 0);
    assert_eq!(
        t.token("https://one.example", "a").as_deref(),
        Some("t_new")
    );
    assert_eq!(git("erase", "two.example", "t_two").1, 0);
    assert_eq!(t.token("https://two.example", "a-two.example"), None);
    assert_eq!(t.memory().items().len(), 1);
}

/// A keyring item whose remote is gone from config.yaml is erased when named by alias and url,
/// and only then.
#[test]
fn erase_reaches_orphans_by_alias_and_url() {
    let t = Sandbox::in_process();
    t.json(
        &["store"],
        r#"{"alias":"a","url":"https://one.example","token":"tok_one_1"}"#,
    );
    let plant = |url: &str, alias: &str| {
        let token = mystic_credential_helper::Token::new("t_orphan".into()).unwrap();
        t.memory().items().insert(t.key(url, alias), token);
    };
    plant("https://gone.example", "o");
    plant("https://two.example", "a");
    let erase = |input: &str| t.json(&["erase"], input);
    assert_eq!(erase(r#"{"alias":"o"}"#).1, 1);
    assert_eq!(erase(r#"{"url":"https://gone.example"}"#).1, 1);
    assert!(t.token("https://gone.example", "o").is_some());
    let (json, code) = erase(r#"{"alias":"o","url":"https://gone.example"}"#);
    assert_eq!((json["alias"].as_str(), code), (Some("o"), 0), "{json}");
    assert_eq!(t.token("https://gone.example", "o"), None);
    let (json, code) = erase(r#"{"alias":"o","url":"https://gone.example"}"#);
    assert_eq!(
        (json["error"]["kind"].as_str(), code),
        (Some("not-found"), 1)
    );
    // `a` lives at one.example; its stray item at two.example is an orphan too.
    assert_eq!(erase(r#"{"alias":"a","url":"https://two.example"}"#).1, 0);
    assert_eq!(t.token("https://two.example", "a"), None);
    assert_eq!(
        t.token("https://one.example", "a").as_deref(),
        Some("tok_one_1")
    );
    assert!(t.config().contains("alias: a"));
}

#[test]
fn use_switches_the_active_remote() {
    let active = |t: &Sandbox| {
        Config::load(&t.dir)
            .unwrap()
            .active_remote
            .map(|a| a.to_string())
    };
    let t = Sandbox::in_process();
    t.json(
        &["store"],
        r#"{"alias":"a","token":"tok_aaaa","active":true}"#,
    );
    t.json(
        &["store"],
        r#"{"alias":"b","url":"https://b.example","token":"tok_bbbb"}"#,
    );
    assert_eq!(active(&t).as_deref(), Some("a"));
    t.json(
        &["store"],
        r#"{"alias":"b","url":"https://b.example","token":"tok_bbbb","active":false}"#,
    );
    assert_eq!(active(&t).as_deref(), Some("a"));
    assert_eq!(t.run_text(&["use", "b"], b"").1, 0);
    assert_eq!(active(&t).as_deref(), Some("b"));
    let (_, code, err) = t.run_text(&["use", "c"], b"");
    assert_eq!(code, 1, "{err}");
    assert_eq!(active(&t).as_deref(), Some("b"));
}

#[test]
fn migrate_dry_run_changes_nothing() {
    let t = Sandbox::in_process();
    let plain = "remotes:\n- alias: p\n  url: https://p.example\n  token: pipeline_sk_plain\n";
    t.write_config(plain);
    let (out, code, err) = t.run_text(&["migrate", "--dry-run"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("p"), "{out}");
    assert_eq!(t.config_if_any().as_deref(), Some(plain));
    assert!(t.memory().items().is_empty());
    assert_eq!(t.run_text(&["migrate"], b"").1, 0);
    assert!(!t.config().contains("pipeline_sk_plain"));
    assert_eq!(
        t.token("https://p.example", "p").as_deref(),
        Some("pipeline_sk_plain")
    );
}

#[test]
fn login_names_the_store_and_the_shell_line() {
    let t = Sandbox::in_process();
    let (out, code, err) = t.run_text(&["login", "--no-verify"], b"pipeline_sk_login\n");
    assert_eq!(code, 0, "{err}");
    // The keyring that was opened names itself (what `auto` chose).
    assert!(
        out.contains("the token is in the in-memory store."),
        "{out}"
    );
    assert!(out.contains("shell-init bash"), "{out}");
    let (out, _, _) = t.run_text(&["login", "--no-verify"], b"pipeline_sk_again\n");
    assert!(out.starts_with("Replaced the token of mystic-api"), "{out}");
}

#[test]
fn a_locked_store_changes_nothing() {
    let t = Sandbox::in_process();
    t.json(&["store"], r#"{"alias":"a","token":"pipeline_sk_mem"}"#);
    let before = t.config_if_any();
    let locked = t.locked();
    for (action, input) in [
        ("store", r#"{"alias":"b","token":"tok_tttt"}"#),
        ("erase", r#"{"alias":"a"}"#),
        ("get", r#"{"alias":"a"}"#),
    ] {
        let (json, code) = locked.json(&[action], input);
        assert_eq!(
            (json["error"]["kind"].as_str(), code),
            (Some("store-unavailable"), 3),
            "{action}"
        );
    }
    assert_eq!(locked.config_if_any(), before);
    // list never opens the store; nor does erasing an alias config.yaml does not have.
    assert_eq!(locked.json(&["list"], "").1, 0);
    assert_eq!(locked.json(&["erase"], r#"{"alias":"nope"}"#).1, 1);
}

#[test]
fn the_file_store_never_opens_a_keyring() {
    let t = Sandbox::in_process().env("MYSTIC_CREDENTIAL_STORE", "file");
    assert_eq!(
        t.json(&["store"], r#"{"alias":"f","token":"pipeline_sk_f"}"#)
            .1,
        0
    );
    assert!(t.memory().items().is_empty());
    assert!(t.config().contains("pipeline_sk_f"));
    let (json, code) = t.json(&["get"], "");
    assert_eq!((json["source"].as_str(), code), (Some("file"), 0));
}

#[test]
fn an_environment_token_get_never_opens_a_keyring() {
    let t = Sandbox::in_process()
        .locked()
        .env("PIPELINE_API_TOKEN", "pipeline_sk_env");
    let (json, code) = t.json(&["get"], "");
    assert_eq!((json["source"].as_str(), code), (Some("env"), 0), "{json}");
    assert_eq!(t.memory().calls(), 0);
}

#[test]
fn a_plaintext_token_is_served_with_a_warning_when_the_keyring_is_locked() {
    let t = Sandbox::in_process().locked();
    t.write_config("remotes:\n- alias: p\n  url: https://p.example\n  token: pipeline_sk_plain\n");
    let (out, code, err) = t.run_text(&["get"], b"");
    assert_eq!(code, 0, "{out} {err}");
    assert!(out.contains(r#""source":"file""#), "{out}");
    assert!(
        err.starts_with("mystic-credential-helper: warning: ") && err.lines().count() == 1,
        "{err}"
    );
    // Without a plaintext copy, the locked keyring is the answer.
    t.write_config("remotes:\n- alias: p\n  url: https://p.example\n");
    assert_eq!(t.run_text(&["get"], b"").1, 3);
}

#[test]
fn debug_of_operation_results_redacts_tokens() {
    let t = Sandbox::in_process();
    t.json(&["store"], r#"{"alias":"a","token":"pipeline_sk_canary"}"#);
    let store = t.memory().clone();
    let opener = move |_: &StoreOptions| Ok(Box::new(store.clone()) as Box<dyn Store>);
    let settings = Settings::new(t.environment(), None);
    let ctx = Ctx::new(&settings, &opener);
    let found = lookup(&ctx, &Selector::default()).unwrap();
    let config = Config::load(&t.dir).unwrap();
    let items = t.memory().items();
    for debug in [
        format!("{found:?}"),
        format!("{config:?}"),
        format!("{items:?}"),
    ] {
        assert!(!debug.contains("canary"), "{debug}");
    }
}

#[test]
fn help_version_and_usage_errors() {
    let t = Sandbox::in_process();
    let (out, code, _) = t.run_text(&["--version"], b"");
    assert_eq!(code, 0);
    assert!(out.starts_with("mystic-credential-helper "));
    assert_eq!(t.run_text(&["nope"], b"").1, 2);
    assert_eq!(t.run_text(&[], b"").1, 2);
    let (out, code, _) = t.run_text(&["--help"], b"");
    assert_eq!(code, 0);
    assert!(out.contains("Examples:"));
}

/// Shown as the one line a plain `cargo test` prints about the suites it did not run.
#[cfg(not(system_tests))]
#[test]
#[ignore = "the system suites (real Secret Service, kernel keyring, git, the SDK) did not run: run scripts/test.sh"]
fn system_suites() {}

/// docker's `list`: each origin whose remote has a token (in the keyring or in the file), with
/// its alias. A remote without a token is left out; a keyring that fails fails the list rather
/// than hiding remotes.
#[test]
fn docker_list_names_the_origins_that_have_tokens() {
    let config = "remotes:\n- alias: a\n  url: https://a.example\n- alias: none\n  url: https://none.example\n- alias: p\n  url: https://p.example\n  token: pipeline_sk_plain\n";
    let t = Sandbox::in_process();
    t.write_config(config);
    t.ok(
        &["store"],
        r#"{"alias":"a","url":"https://a.example","token":"pipeline_sk_a"}"#,
    );
    let (out, code, err) = t.run_text(&["docker", "list"], b"");
    assert_eq!(code, 0, "{err}");
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        listed,
        json!({"https://a.example": "a", "https://p.example": "p"})
    );
    let locked = Sandbox::in_process().locked();
    locked.write_config(config);
    // docker's helpers report errors on stdout.
    let (out, code, _) = locked.run_text(&["docker", "list"], b"");
    assert_eq!(
        (out.as_str(), code),
        ("store-unavailable: memory store is locked\n", 1)
    );
}

/// git's `erase` names the rejected password: only a remote that still holds that token loses
/// it (another client may have stored a new one since).
#[test]
fn git_erase_removes_only_the_rejected_token() {
    let t = Sandbox::in_process();
    t.ok(&["store"], r#"{"alias":"a","token":"pipeline_sk_current"}"#);
    let erase = |password: &str| {
        let request =
            format!("protocol=https\nhost=www.mystic.ai\nusername=a\npassword={password}\n\n");
        let (_, code, err) = t.run_text(&["git", "erase"], request.as_bytes());
        assert_eq!(code, 0, "{err}");
    };
    erase("pipeline_sk_old");
    assert_eq!(
        t.token("https://www.mystic.ai", "a").as_deref(),
        Some("pipeline_sk_current")
    );
    erase("pipeline_sk_current");
    assert_eq!(t.token("https://www.mystic.ai", "a"), None);
    // A remote without a token has nothing to erase, and that is no error; a keyring that
    // fails is one.
    let request = "protocol=https\nhost=www.mystic.ai\nusername=a\npassword=pipeline_sk_x\n\n";
    let tokenless = "remotes:\n- alias: a\n  url: https://www.mystic.ai\n";
    let empty = Sandbox::in_process();
    empty.write_config(tokenless);
    let (_, code, err) = empty.run_text(&["git", "erase"], request.as_bytes());
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(empty.config(), tokenless);
    let locked = Sandbox::in_process().locked();
    locked.write_config(tokenless);
    let (_, code, err) = locked.run_text(&["git", "erase"], request.as_bytes());
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("locked"), "{err}");
}

/// A token typed (or pasted) where an alias, a command or an option's value goes is never
/// printed back, in any command: the error names the remotes there are instead.
#[test]
fn a_token_typed_where_an_alias_goes_is_never_printed_back() {
    let t = Sandbox::in_process();
    t.run_text(
        &["store"],
        br#"{"alias":"prod","url":"https://p.example","token":"pipeline_sk_real"}"#,
    );
    // Valid as an alias, and not: too long, and with a control character.
    let long = format!("pipeline_sk_{}", "x".repeat(140));
    for typed in [
        "pipeline_sk_typed_here_1234",
        long.as_str(),
        "pipeline_sk_\u{7}bell",
    ] {
        let get = format!(r#"{{"alias":"{}"}}"#, typed.replace('\u{7}', "\\u0007"));
        let cases: Vec<(Vec<&str>, &str)> = vec![
            (vec!["token", "--alias", typed], ""),
            (vec!["token", typed], ""),
            (vec!["logout", typed], ""),
            (vec!["use", typed], ""),
            (vec!["exec", "--alias", typed, "--", "true"], ""),
            (vec!["env", "--alias", typed], ""),
            (vec!["get"], &get),
            (vec!["erase"], &get),
            (vec![typed], ""),
            (vec!["--store", typed, "list"], ""),
        ];
        for (args, stdin) in cases {
            let (out, code, err) = t.run_text(&args, stdin.as_bytes());
            assert_ne!(code, 0, "{args:?}");
            let printed = format!("{out}{err}");
            let head = &typed[..typed.len().min(20)];
            assert!(
                !printed.contains(&typed[12..]) && !printed.contains(head),
                "{args:?} printed it back: {printed}"
            );
            if code == 1 {
                assert!(
                    printed.contains("its remotes are prod"),
                    "{args:?}: {printed}"
                );
            }
        }
    }
    // With no remotes at all, the error says so.
    let empty = Sandbox::in_process();
    let (_, code, err) = empty.run_text(&["token", "--alias", "pipeline_sk_typed"], b"");
    assert_eq!(code, 1);
    assert!(err.contains("config.yaml has no remotes"), "{err}");
}

/// A token of fewer than 8 bytes is not a Mystic token, and exec could not conceal it without
/// mangling output: `store`, `login` and `migrate` refuse it (migrate keeps it where it is);
/// git's own store still takes short passwords (its test suite stores `pass1`).
#[test]
fn tokens_too_short_to_conceal_are_refused_where_they_come_in() {
    let t = Sandbox::in_process();
    let (out, code, _) = t.run_text(&["store"], br#"{"alias":"a","token":"7_bytes"}"#);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("shorter than 8 bytes"), "{out}");
    let (_, code, err) = t.run_text(&["login", "--no-verify", "--alias", "a"], b"7_bytes\n");
    assert_eq!(code, 2, "{err}");
    assert!(t.memory().items().is_empty());
    assert_eq!(t.config_if_any(), None);
    // Eight bytes are enough.
    let (_, code, err) = t.run_text(&["store"], br#"{"alias":"a","token":"8_bytes_"}"#);
    assert_eq!(code, 0, "{err}");
    // migrate leaves a short plaintext token in config.yaml and says why.
    t.write_config("remotes:\n- alias: p\n  token: short\n  url: https://p.example\n");
    let (out, code, err) = t.run_text(&["migrate"], b"");
    assert_ne!(code, 0);
    assert!(out.contains("shorter than 8 bytes"), "{out}{err}");
    assert!(t.config().contains("token: short"));
    let git = b"protocol=https\nhost=g.example\nusername=g\npassword=pass1\n\n";
    assert_eq!(t.run_text(&["git", "store"], git).1, 0);
    assert_eq!(t.token("https://g.example", "g").as_deref(), Some("pass1"));
}

#[test]
fn orphans_are_listed_and_pruned() {
    common::orphans_are_listed_and_pruned(&Sandbox::in_process());
}

/// Only items of this prefix are orphans; an item under the alias of a remote config.yaml
/// refuses is not one either (whose it is cannot be told).
#[test]
fn prune_leaves_other_prefixes_and_refused_remotes_alone() {
    let t = Sandbox::in_process();
    t.write_config("remotes:\n- alias: \"bad\\u0007\"\n  url: https://r.example\n");
    let store = t.memory();
    for (service, user) in [
        ("someone-else:https://x.example".to_owned(), "x"),
        (t.service("https://r.example"), "bad\u{7}"),
    ] {
        let key = mystic_credential_helper::Key {
            service,
            user: user.into(),
        };
        store
            .set(
                &key,
                &mystic_credential_helper::Token::new("pipeline_sk_other".into()).unwrap(),
            )
            .unwrap();
    }
    let (out, code, err) = t.run_text(&["prune"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("No orphans"), "{out}");
    assert_eq!(store.items().len(), 2);
}

/// Hosts that read as www.mystic.ai only through IDNA's mapping (ideographic full stops,
/// fullwidth letters) get no token from any front end; punycode is a host as any other.
#[test]
fn lookalike_hosts_get_no_token() {
    let t = Sandbox::in_process();
    t.run_text(
        &["store"],
        br#"{"alias":"prod","url":"https://www.mystic.ai","token":"pipeline_sk_lookalike"}"#,
    );
    for host in [
        "www\u{3002}mystic\u{3002}ai",
        "\u{ff37}\u{ff37}\u{ff37}.mystic.ai",
    ] {
        let json = format!(r#"{{"url":"https://{host}"}}"#);
        let git = format!("protocol=https\nhost={host}\n\n");
        for (args, stdin) in [
            (&["get"][..], json.as_bytes()),
            (&["git", "get"][..], git.as_bytes()),
            (&["docker", "get"][..], host.as_bytes()),
        ] {
            let (out, _, err) = t.run_text(args, stdin);
            assert!(
                !out.contains("pipeline_sk_lookalike"),
                "{args:?} {host}: {out}{err}"
            );
        }
    }
    t.run_text(
        &["store"],
        br#"{"alias":"idn","url":"https://xn--bcher-kva.example","token":"pipeline_sk_punycode"}"#,
    );
    let (out, code, err) = t.run_text(&["get"], br#"{"url":"https://b\u00fccher.example"}"#);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pipeline_sk_punycode"), "{out}");
}

/// exec in process: a bare CMD is found on PATH's absolute folders, a CMD with a `/` is run as
/// given, and one that is nowhere exits 127. The child's stdout is a pipe of the relay unless
/// `--no-mask`, or the token is too short to conceal (then with a warning).
#[cfg(target_os = "linux")]
#[test]
fn exec_finds_cmd_and_relays_only_what_it_can_conceal() {
    use std::io::IsTerminal;
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("seen");
    // Where the child's stdout leads, written by the child itself.
    let probe = format!(
        "l=$(readlink /proc/$$/fd/1); echo \"$l\" >'{}'",
        seen.display()
    );
    let ours = std::fs::read_link("/proc/self/fd/1").unwrap();
    let relayed = |t: &Sandbox, args: &[&str]| {
        let mut argv = vec!["exec"];
        argv.extend_from_slice(args);
        argv.extend(["--", "sh", "-c", &probe]);
        let (_, code, err) = t.run_text(&argv, b"");
        assert_eq!(code, 0, "{err}");
        let link = std::fs::read_to_string(&seen).unwrap();
        (link.trim() != ours.to_string_lossy(), err)
    };
    let long = Sandbox::in_process().env("PIPELINE_API_TOKEN", "pipeline_sk_in_process");
    let short = Sandbox::in_process().env("PIPELINE_API_TOKEN", "abc");
    let terminal = std::io::stdout().is_terminal();
    let (piped, err) = relayed(&long, &[]);
    assert_eq!(
        piped, !terminal,
        "a long token is concealed through the relay"
    );
    assert!(!err.contains("too short"), "{err}");
    let (piped, err) = relayed(&long, &["--no-mask"]);
    assert!(!piped && err.is_empty(), "{err}");
    let (piped, err) = relayed(&short, &[]);
    assert!(!piped, "a short token is relayed unchanged");
    assert!(err.contains("too short to conceal"), "{err}");
    let (_, err) = relayed(&short, &["--no-mask"]);
    assert!(
        !err.contains("too short"),
        "--no-mask asks for no concealing: {err}"
    );

    // A path is run as given (relative to the current folder), a bare name from PATH.
    let tool = dir.path().join("tool");
    std::fs::write(&tool, "#!/bin/sh\nexit 7\n").unwrap();
    std::fs::set_permissions(&tool, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let cwd = std::env::current_dir().unwrap();
    let up = "../".repeat(cwd.components().count() - 1);
    let relative = format!("{up}{}", tool.strip_prefix("/").unwrap().display());
    assert_eq!(long.run_text(&["exec", "--", &relative], b"").1, 7);
    // Relative to the current folder (cargo runs tests in the package's), not to PATH's folders:
    // with no arguments the script exits 1.
    let script = "scripts/check-hardening.sh";
    assert_eq!(long.run_text(&["exec", "--", script], b"").1, 1);
    assert_eq!(long.run_text(&["exec", "--", "true"], b"").1, 0);
    let (_, code, err) = long.run_text(&["exec", "--", "no-such-command-here"], b"");
    assert_eq!(code, 127, "{err}");
    assert!(
        err.contains("not found in any absolute folder on PATH"),
        "{err}"
    );
}

/// A prune that fails part-way says how many orphans went before the one that failed.
#[test]
fn a_prune_that_fails_part_way_says_how_far_it_got() {
    use mystic_credential_helper::Failing;
    let t = Sandbox::in_process();
    for alias in ["a", "b", "c"] {
        let stdin = format!(
            r#"{{"alias":"{alias}","url":"https://{alias}.example","token":"pipeline_sk_{alias}_orphan"}}"#
        );
        t.run_text(&["store"], stdin.as_bytes());
    }
    t.write_config("remotes:\n- alias: a\n  url: https://a.example\n");
    // Call 1 lists, call 2 removes b, call 3 (removing c) fails.
    t.memory().fail(Failing {
        from: Some(3),
        keep: false,
        late: false,
        also: None,
    });
    let (_, code, err) = t.run_text(&["prune"], b"");
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("; 1 of 2 orphans were removed before this one (c at "),
        "{err}"
    );
    assert_eq!(t.memory().items().len(), 2);
}

/// A store refused because the store is full names this folder's orphans first among what to
/// remove; any other failure lists nothing (and asks the store nothing more).
#[test]
fn a_full_store_names_the_orphans_first() {
    let t = Sandbox::in_process();
    for alias in ["a", "orphan"] {
        let stdin = format!(
            r#"{{"alias":"{alias}","url":"https://{alias}.example","token":"pipeline_sk_{alias}_full"}}"#
        );
        t.run_text(&["store"], stdin.as_bytes());
    }
    t.write_config("remotes:\n- alias: a\n  url: https://a.example\n");
    t.memory().fill(true);
    let new = br#"{"alias":"new","url":"https://new.example","token":"pipeline_sk_new_full"}"#;
    let (out, code, _) = t.run_text(&["store"], new);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("To make room: first remove the 1 orphan item(s) that no remote in config.yaml names (orphan at ")
            && out.contains("with `mystic-credential-helper prune`; then remove items"),
        "{out}"
    );
    t.memory().fill(false);
    t.memory().fail(mystic_credential_helper::Failing {
        from: Some(2),
        keep: false,
        late: false,
        also: None,
    });
    let (out, code, _) = t.run_text(&["store"], new);
    assert_eq!(code, 3, "{out}");
    assert!(!out.contains("orphan"), "{out}");
    assert_eq!(
        t.memory().calls(),
        2,
        "a failure that is not for room lists nothing"
    );
}

/// status names at most ten orphans, then how many more.
#[test]
fn status_names_ten_orphans_then_counts_the_rest() {
    for (count, more) in [(10, None), (12, Some("2 more"))] {
        let t = Sandbox::in_process();
        for i in 0..count {
            let stdin = format!(
                r#"{{"alias":"o{i:02}","url":"https://o.example","token":"pipeline_sk_orphan_{i}"}}"#
            );
            t.run_text(&["store"], stdin.as_bytes());
        }
        t.write_config("remotes: []\n");
        let (status, _) = t.json(&["status", "--json"], "");
        let message = status["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(status["orphans"].as_array().unwrap().len(), count);
        let named = (0..count)
            .filter(|i| message.contains(&format!("o{i:02} at ")))
            .count();
        assert_eq!(named, 10, "{message}");
        assert_eq!(
            more.is_some_and(|m| message.contains(m)),
            more.is_some(),
            "{message}"
        );
        assert!(!message.contains("more") || more.is_some(), "{message}");
    }
}

/// `token` and `env` warn about a plaintext token on stderr, as `get` does, and still print it.
#[test]
fn token_and_env_warn_about_a_plaintext_token() {
    let t = Sandbox::in_process();
    t.write_config(
        "remotes:\n- alias: p\n  token: pipeline_sk_plaintext\n  url: https://p.example\n",
    );
    let (get, _, get_err) = t.run_text(&["get"], b"");
    assert!(get.contains("pipeline_sk_plaintext"));
    let warning = get_err
        .lines()
        .find(|l| l.contains("warning"))
        .unwrap()
        .to_owned();
    for args in [
        &["token"][..],
        &["env"][..],
        &["env", "--format", "json"][..],
    ] {
        let (out, code, err) = t.run_text(args, b"");
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(out.contains("pipeline_sk_plaintext"), "{args:?}: {out}");
        assert_eq!(err.trim_end(), warning, "{args:?}");
    }
}

/// status's account of `get` is get's own rule (`ops::choose`): where get answers, status names
/// what it answers; where get fails (an unusable PIPELINE_API_TOKEN), status says none.
#[test]
fn status_tells_what_get_does() {
    let t = Sandbox::in_process();
    t.json(
        &["store"],
        r#"{"alias":"a","url":"https://a.example","token":"pipeline_sk_a","active":true}"#,
    );
    let choice = |t: &Sandbox| t.json(&["status", "--json"], "").0["get"].clone();
    assert_eq!(
        choice(&t),
        json!({"source": "keyring", "alias": "a", "url": "https://a.example"})
    );
    let t = t.env("PIPELINE_API_TOKEN", "pipeline_sk_env");
    assert_eq!(
        choice(&t),
        json!({"source": "env", "alias": null, "url": "https://www.mystic.ai"})
    );
    let t = t.env("PIPELINE_API_TOKEN", "not a token");
    assert_eq!(t.json(&["get"], "").1, 4);
    assert_eq!(
        choice(&t),
        json!({"source": "none", "alias": null, "url": null})
    );
}

/// docker's actions through run(): `store` reads its JSON, `get` and `erase` the raw server URL,
/// and `version` reads nothing (stdin larger than the input cap is not even looked at).
#[test]
fn docker_actions_read_what_docker_sends() {
    let t = Sandbox::in_process();
    let docker = |action: &str, stdin: &[u8]| {
        let (out, code, _) = t.run_text(&["docker", action], stdin);
        (out, code)
    };
    let creds = r#"{"ServerURL":"https://d.example","Username":"d","Secret":"pipeline_sk_docker"}"#;
    assert_eq!(docker("store", creds.as_bytes()), (String::new(), 0));
    let (out, code) = docker("get", b"d.example\n");
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        json!({"ServerURL": "d.example", "Username": "d", "Secret": "pipeline_sk_docker"})
    );
    let (out, code) = docker("version", &vec![b' '; 70_000]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("docker-credential-mystic (mystic-credential-helper) v"));
    assert_eq!(docker("erase", b"https://d.example"), (String::new(), 0));
    assert_eq!(
        docker("get", b"d.example"),
        ("credentials not found in native keychain\n".to_owned(), 1)
    );
    let (out, code) = docker("bogus", b"");
    assert_eq!(code, 1);
    assert!(out.starts_with("Usage: docker-credential-mystic"), "{out}");
}

/// status names a config.yaml or a folder that others can read, with its mode, and nothing when
/// both are private (as the helper makes them).
#[cfg(unix)]
#[test]
fn status_warns_when_others_can_read_the_config() {
    use std::os::unix::fs::PermissionsExt;
    let t = Sandbox::in_process();
    t.json(&["store"], r#"{"alias":"a","token":"pipeline_sk_a"}"#);
    let warnings = || {
        let (status, _) = t.json(&["status", "--json"], "");
        status["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                (
                    w["code"].as_str().unwrap().to_owned(),
                    w["message"].to_string(),
                )
            })
            .filter(|(code, _)| code.ends_with("-readable-by-others"))
            .collect::<Vec<_>>()
    };
    assert_eq!(warnings(), []);
    let chmod = |path: &std::path::Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    chmod(&t.config_path(), 0o640);
    chmod(&t.dir, 0o705);
    let got = warnings();
    let codes: Vec<&str> = got.iter().map(|(code, _)| code.as_str()).collect();
    assert_eq!(
        codes,
        ["config-readable-by-others", "folder-readable-by-others"]
    );
    assert!(got[0].1.contains("(mode 640); chmod 600 it"), "{got:?}");
    assert!(got[1].1.contains("(mode 705); chmod 700 it"), "{got:?}");
    chmod(&t.config_path(), 0o600);
    chmod(&t.dir, 0o700);
}
