//! The real binary against the shared gnome-keyring (scripts/test.sh): the protocol, config.yaml
//! and its files. What must hold on every Secret Service is in
//! tests/system/every_secret_service.rs.

use crate::common;
use common::*;
use serde_json::json;

#[test]
fn the_keyring_item_is_named_for_other_clients() {
    // The real prefix, so secret-tool and Python keyring read the same item; a unique alias.
    let sb = Sandbox::new().with_default_prefix();
    let alias = format!("naming-{}", std::process::id());
    sb.ok(
        &["store"],
        &json!({"alias": alias, "url": "HTTPS://Staging.Mystic.AI:443/some/path", "token": "pipeline_sk_named"})
            .to_string(),
    );
    assert_eq!(
        secret_tool_lookup("mystic:https://staging.mystic.ai", &alias).as_deref(),
        Some("pipeline_sk_named")
    );
    sb.ok(&["erase"], &json!({"alias": alias}).to_string());
    assert_eq!(
        secret_tool_lookup("mystic:https://staging.mystic.ai", &alias),
        None
    );
}

#[test]
fn same_alias_in_two_folders_with_different_urls_never_collide() {
    let a = Sandbox::new();
    let mut b = Sandbox::new();
    b.prefix = a.prefix.clone();
    a.ok(
        &["store"],
        r#"{"alias":"work","url":"https://a.example","token":"tok_aaaa"}"#,
    );
    b.ok(
        &["store"],
        r#"{"alias":"work","url":"https://b.example","token":"tok_bbbb"}"#,
    );
    assert_eq!(a.ok(&["get"], r#"{"alias":"work"}"#)["token"], "tok_aaaa");
    assert_eq!(b.ok(&["get"], r#"{"alias":"work"}"#)["token"], "tok_bbbb");
}

#[test]
fn selection_rules() {
    let sb = Sandbox::new();
    sb.ok(
        &["store"],
        r#"{"alias":"one","url":"https://shared.example","token":"tok_one1","active":true}"#,
    );
    sb.ok(
        &["store"],
        r#"{"alias":"two","url":"https://shared.example","token":"tok_two2","active":false}"#,
    );
    sb.ok(
        &["store"],
        r#"{"alias":"three","url":"https://other.example","token":"tok_three"}"#,
    );
    // `one` was made active; later stores did not take over.
    assert_eq!(sb.ok(&["get"], "{}")["alias"], "one");
    assert_eq!(sb.ok(&["get"], r#"{"alias":"two"}"#)["token"], "tok_two2");
    // Two aliases share the origin: the active one wins.
    assert_eq!(
        sb.ok(&["get"], r#"{"url":"https://shared.example"}"#)["alias"],
        "one"
    );
    // Make `three` active: now the shared origin is ambiguous, and the error names aliases only.
    sb.ok(
        &["store"],
        r#"{"alias":"three","url":"https://other.example","token":"tok_three","active":true}"#,
    );
    let msg = sb.fails(
        &["get"],
        r#"{"url":"https://shared.example"}"#,
        "ambiguous",
        5,
    );
    assert!(
        msg.contains("one") && msg.contains("two") && !msg.contains("tok_one1"),
        "{msg}"
    );
    // alias + url must agree.
    sb.fails(
        &["get"],
        r#"{"alias":"one","url":"https://other.example"}"#,
        "not-found",
        1,
    );
    sb.fails(
        &["get"],
        r#"{"url":"https://nowhere.example"}"#,
        "not-found",
        1,
    );
}

#[test]
fn environment_token_wins_only_when_the_request_names_nothing() {
    let sb = Sandbox::new()
        .env("PIPELINE_API_TOKEN", "pipeline_sk_env")
        .env("PIPELINE_API_URL", "https://env.example/");
    sb.ok(&["store"], r#"{"alias":"a","token":"pipeline_sk_kept"}"#);
    assert_eq!(
        sb.ok(&["get"], ""),
        json!({"v":1,"alias":null,"url":"https://env.example","token":"pipeline_sk_env","source":"env"})
    );
    assert_eq!(
        sb.ok(&["get"], r#"{"alias":"a"}"#)["token"],
        "pipeline_sk_kept"
    );

    let default_url = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_env");
    assert_eq!(default_url.ok(&["get"], "")["url"], URL);
}

#[test]
fn first_remote_is_used_when_none_is_active() {
    let sb = Sandbox::new();
    sb.write_config("remotes:\n- alias: first\n  url: https://first.example\n  token: tok_first\n- alias: second\n  url: https://second.example\n");
    let (got, warning) = sb.ok_warned(&["get"], "");
    assert!(
        warning.contains("plaintext")
            && warning.contains("migrate")
            && !warning.contains("tok_first")
    );
    assert_eq!(got["alias"], "first");
    assert_eq!(got["source"], "file");
    assert_eq!(got["token"], "tok_first");
    // get never writes.
    assert_eq!(
        sb.config(),
        "remotes:\n- alias: first\n  url: https://first.example\n  token: tok_first\n- alias: second\n  url: https://second.example\n"
    );
    sb.fails(&["get"], r#"{"alias":"second"}"#, "not-found", 1);
}

#[cfg(unix)]
#[test]
fn sdk_file_keeps_unknown_keys_loses_the_token_and_becomes_private() {
    let sb = Sandbox::new();
    sb.write_config(EXTRA_FIXTURE);
    std::fs::set_permissions(
        sb.config_path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    sb.ok(
        &["store"],
        r#"{"alias":"mystic-api","token":"pipeline_sk_new"}"#,
    );
    let text = sb.config();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(doc["editor_theme"], "dark");
    assert_eq!(doc["telemetry"]["enabled"], false);
    assert_eq!(doc["remotes"][0]["note"], "personal account");
    assert_eq!(doc["remotes"][0].get("token"), None, "{text}");
    assert_eq!(doc["active_remote"], "mystic-api");
    assert!(!text.contains("pipeline_sk_new"));
    assert_eq!(mode(&sb.config_path()), 0o600);
    // The other remote was not touched: its plaintext token is still where the SDK reads it.
    assert_eq!(
        doc["remotes"][1]["token"],
        "pipeline_sk_bbbbbbbbbbbbbbbbbbbbbbbb"
    );
    assert_eq!(
        sb.ok_warned(&["get"], r#"{"alias":"staging"}"#).0["source"],
        "file"
    );
}

#[cfg(unix)]
#[test]
fn a_created_folder_is_0700_and_the_file_0600() {
    let sb = Sandbox::new();
    sb.ok(&["store"], r#"{"alias":"a","token":"pipeline_sk_mode"}"#);
    assert_eq!(mode(&sb.dir), 0o700);
    assert_eq!(mode(&sb.config_path()), 0o600);
    assert!(!sb.config().contains("pipeline_sk_mode"));
    let leftovers: Vec<_> = std::fs::read_dir(&sb.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_corrupt_config_is_left_byte_identical() {
    let sb = Sandbox::new();
    let broken = "active_remote: a\nremotes: [ {alias: a, url: \n";
    sb.write_config(broken);
    for (action, input) in [
        ("store", r#"{"alias":"a","token":"pipeline_sk_x"}"#),
        ("erase", r#"{"alias":"a"}"#),
        ("get", "{}"),
        ("list", "{}"),
    ] {
        sb.fails(&[action], input, "config", 4);
        assert_eq!(sb.config(), broken);
    }
    assert_eq!(sb.lookup(URL, "a"), None, "nothing reached the keyring");
}

#[test]
fn malformed_or_oversized_input_changes_nothing() {
    let sb = Sandbox::new();
    sb.ok(&["store"], r#"{"alias":"a","token":"pipeline_sk_keep"}"#);
    let before = snapshot(&sb.dir);
    let padded = format!(
        "{{\"alias\":\"a\",\"token\":\"tok_xxxx\"}}{}",
        " ".repeat(70 * 1024)
    );
    for (input, kind) in [
        ("{\"alias\":\"a\",\"token\":", "invalid-request"),
        (
            r#"{"alias":"a","token":"tok_xxxx","aliass":"b"}"#,
            "invalid-request",
        ),
        (r#"{"alias":"a","token":"x\ny"}"#, "invalid-request"),
        (r#"{"alias":"a","token":""}"#, "invalid-request"),
        (
            r#"{"v":2,"alias":"a","token":"tok_xxxx"}"#,
            "unsupported-version",
        ),
        (padded.as_str(), "invalid-request"),
    ] {
        sb.fails(&["store"], input, kind, 2);
        sb.fails(&["erase"], input, kind, 2);
    }
    assert_eq!(snapshot(&sb.dir), before);
    assert_eq!(sb.lookup(URL, "a").as_deref(), Some("pipeline_sk_keep"));
}

#[test]
fn a_missing_bus_fails_fast_with_advice() {
    let sb = Sandbox::new().env("XDG_RUNTIME_DIR", "/nonexistent");
    let mut cmd = sb.cmd();
    cmd.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    // Fast: a generous bound, far below the 5 s keyring deadline it must not wait for.
    let out = cmd
        .arg("store")
        .write_stdin(r#"{"alias":"a","token":"pipeline_sk_nobus"}"#)
        .timeout(std::time::Duration::from_secs(4))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("\"store-unavailable\""), "{stdout}");
    // Fast: the failed connection is reported, not the keyring deadline running out.
    assert!(!stderr.contains("did not answer within"), "{stderr}");
    assert!(
        stderr.contains("--store keyutils")
            && stderr.contains("--store file")
            && stderr.contains("MYSTIC_CREDENTIAL_STORE"),
        "{stderr}"
    );
    assert!(!stdout.contains("pipeline_sk_nobus") && !stderr.contains("pipeline_sk_nobus"));
    assert!(!sb.config_path().exists(), "nothing was written");
}

/// Runs the binary as if the disk were full: `ulimit -f 0` makes every write to a file fail
/// (EFBIG, with SIGXFSZ ignored), while the keyring daemon, another process, is unaffected.
#[cfg(unix)]
fn store_on_a_full_disk(sb: &Sandbox, input: &str) -> (serde_json::Value, i32) {
    let mut sh = assert_cmd::Command::new("sh");
    sh.args(["-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" store", BIN])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("HOME", &sb.home)
        .env("PIPELINE_DIR", &sb.dir)
        .env("MYSTIC_KEYRING_SERVICE_PREFIX", &sb.prefix)
        .env("DBUS_SESSION_BUS_ADDRESS", bus())
        .write_stdin(input);
    let out = sh.output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (json, out.status.code().unwrap())
}

#[cfg(unix)]
#[test]
fn a_failed_config_write_undoes_the_keyring_change() {
    let sb = Sandbox::new();
    sb.ok(&["store"], r#"{"alias":"a","token":"pipeline_sk_before"}"#);
    // A stale plaintext copy, which a store drops: so replacing the token must rewrite the file.
    sb.write_config("active_remote: a\nremotes:\n- alias: a\n  token: pipeline_sk_plain\n  url: https://www.mystic.ai\n");
    let before = snapshot(&sb.dir);

    // Replacing a token: the old one comes back.
    let (json, code) = store_on_a_full_disk(&sb, r#"{"alias":"a","token":"pipeline_sk_after"}"#);
    assert_eq!(
        (json["error"]["kind"].as_str(), code),
        (Some("io"), 6),
        "{json}"
    );
    assert_eq!(sb.lookup(URL, "a").as_deref(), Some("pipeline_sk_before"));

    // A new alias: its item is removed again.
    let (json, code) = store_on_a_full_disk(&sb, r#"{"alias":"b","token":"pipeline_sk_new"}"#);
    assert_eq!(code, 6, "{json}");
    assert_eq!(sb.lookup(URL, "b"), None);

    // Moving to another url: the item at the old url is restored, the new one removed.
    let (_, code) = store_on_a_full_disk(
        &sb,
        r#"{"alias":"a","url":"https://moved.example","token":"pipeline_sk_moved"}"#,
    );
    assert_eq!(code, 6);
    assert_eq!(sb.lookup(URL, "a").as_deref(), Some("pipeline_sk_before"));
    assert_eq!(sb.lookup("https://moved.example", "a"), None);

    assert_eq!(
        snapshot(&sb.dir),
        before,
        "config.yaml unchanged, no temp file left"
    );
}

#[test]
fn file_store_writes_the_token_where_the_sdk_reads_it() {
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "file");
    sb.ok(
        &["store"],
        r#"{"alias":"plain","token":"pipeline_sk_plain"}"#,
    );
    let doc: serde_yaml::Value = serde_yaml::from_str(&sb.config()).unwrap();
    assert_eq!(doc["remotes"][0]["token"], "pipeline_sk_plain");
    assert_eq!(sb.lookup(URL, "plain"), None, "the keyring is not used");
    assert_eq!(sb.ok(&["get"], "")["source"], "file");
    // --store on the command line wins over the environment.
    sb.fails(
        &["--store", "secret-service", "get"],
        r#"{"alias":"nope"}"#,
        "not-found",
        1,
    );
    sb.ok(&["erase"], r#"{"alias":"plain"}"#);
    assert!(!sb.config().contains("pipeline_sk_plain"));
}

#[test]
fn erase_clears_active_remote_and_keeps_the_rest() {
    let sb = Sandbox::new();
    sb.write_config(SDK_FIXTURE);
    sb.ok(
        &["store"],
        r#"{"alias":"mystic-api","token":"pipeline_sk_k"}"#,
    );
    sb.ok(&["erase"], r#"{"url":"https://www.mystic.ai"}"#);
    let listed = sb.ok(&["list"], "");
    assert_eq!(
        listed,
        json!({"v":1,"active_remote":null,"remotes":[{"alias":"staging","url":"https://staging.mystic.ai","active":false}]})
    );
    sb.fails(&["erase"], r#"{"alias":"mystic-api"}"#, "not-found", 1);
    sb.fails(&["erase"], "{}", "invalid-request", 2);
}

#[test]
fn an_orphaned_keyring_item_can_be_erased_by_full_name() {
    let sb = Sandbox::new();
    sb.plant("https://orphan.example", "lost", "pipeline_sk_orphan");
    sb.ok(
        &["erase"],
        r#"{"alias":"lost","url":"https://orphan.example"}"#,
    );
    assert_eq!(sb.lookup("https://orphan.example", "lost"), None);
}

#[test]
fn list_and_errors_never_show_tokens() {
    let canary = "pipeline_sk_canary_list";
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "remotes:\n- alias: f\n  url: https://f.example\n  token: {canary}\n"
    ));
    sb.ok(
        &["store"],
        &format!(r#"{{"alias":"k","token":"{canary}"}}"#),
    );
    let out = sb.run(&["list"], "");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(canary));
    for input in [
        format!(r#"{{"alias":"k","token":"{canary}","bogus":1}}"#),
        format!(r#"{{"alias":"k","token":"{canary}","active":"{canary}"}}"#),
        format!(r#"{{"alias":"{canary}\u0007","token":"{canary}"}}"#),
        format!(r#"{{"alias":"k","token":"{canary} "}}"#),
        format!(r#"{{"alias":"k","url":"https://{canary}@x.example","token":"tok_tttt"}}"#),
    ] {
        let out = sb.run(&["store"], input);
        assert_eq!(out.status.code(), Some(2));
        let all = [out.stdout, out.stderr].concat();
        assert!(!String::from_utf8_lossy(&all).contains(canary));
    }
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let sb = Sandbox::new();
    let out = sb.run(&["frobnicate"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = sb.run(&["--store", "bogus", "get"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = sb.run(&["--help"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("store"));
    let bad_env = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "floppy");
    bad_env.fails(&["list"], "", "config", 4);
}

#[cfg(unix)]
#[test]
fn storing_what_is_already_there_rewrites_nothing() {
    use std::os::unix::fs::MetadataExt;
    let sb = Sandbox::new();
    sb.ok(&["store"], r#"{"alias":"same","token":"pipeline_sk_same"}"#);
    let inode = std::fs::metadata(sb.config_path()).unwrap().ino();
    sb.ok(&["store"], r#"{"alias":"same","token":"pipeline_sk_same"}"#);
    assert_eq!(
        std::fs::metadata(sb.config_path()).unwrap().ino(),
        inode,
        "no rename"
    );
    // A new token changes only the keyring: config.yaml holds nothing that changed.
    sb.ok(&["store"], r#"{"alias":"same","token":"pipeline_sk_new"}"#);
    assert_eq!(std::fs::metadata(sb.config_path()).unwrap().ino(), inode);
    assert_eq!(sb.lookup(URL, "same").as_deref(), Some("pipeline_sk_new"));
    sb.ok(
        &["store"],
        r#"{"alias":"same","url":"https://moved.example","token":"pipeline_sk_new"}"#,
    );
    assert_ne!(std::fs::metadata(sb.config_path()).unwrap().ino(), inode);
}

#[test]
fn an_unknown_session_encryption_is_a_config_error() {
    let bad = Sandbox::new().env("MYSTIC_SECRET_SERVICE_ENCRYPTION", "rot13");
    bad.fails(
        &["store"],
        r#"{"alias":"x","token":"tok_tttt"}"#,
        "config",
        4,
    );
    let bad = Sandbox::new().env("MYSTIC_PROMPT_TIMEOUT", "soon");
    let message = bad.fails(
        &["store"],
        r#"{"alias":"x","token":"tok_tttt"}"#,
        "config",
        4,
    );
    assert!(message.contains("MYSTIC_PROMPT_TIMEOUT"), "{message}");
}

/// Any alias `pipeline cluster login` takes is a remote like any other, and a remote the helper
/// must refuse (here: a url that is not http) costs only itself: the others are served by every
/// command, list and status name it with the reason, and rewrites keep it byte for byte.
#[test]
fn an_sdk_alias_with_a_space_works_and_a_refused_remote_costs_only_itself() {
    let sb = Sandbox::new();
    let refused = "- alias: broken\n  url: ftp://files.example\n  token: pipeline_sk_broken\n";
    sb.write_config(&format!(
        "active_remote: good\nremotes:\n- alias: my cluster\n  url: https://cluster.example\n  token: pipeline_sk_cluster\n{refused}- alias: good\n  url: https://www.mystic.ai\n  token: pipeline_sk_good\n"
    ));
    let (got, _) = sb.ok_warned(&["get"], r#"{"alias":"my cluster"}"#);
    assert_eq!(got["token"], "pipeline_sk_cluster");
    let (got, _) = sb.ok_warned(&["get"], "");
    assert_eq!(got["token"], "pipeline_sk_good");
    let message = sb.fails(&["get"], r#"{"alias":"broken"}"#, "config", 4);
    assert!(
        message.contains("url must use http or https") && !message.contains("pipeline_sk"),
        "{message}"
    );

    let listed = sb.ok(&["list"], "");
    assert_eq!(
        listed["refused"],
        json!([{"position": 2, "alias": "broken", "reason": "url must use http or https"}])
    );
    assert_eq!(listed["remotes"].as_array().unwrap().len(), 2);

    let out = sb
        .cmd()
        .args([
            "exec",
            "--no-mask",
            "--alias",
            "my cluster",
            "--",
            "sh",
            "-c",
            "printf %s \"$PIPELINE_API_TOKEN\"",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "pipeline_sk_cluster");
    let git = sb.run(&["git", "get"], "protocol=https\nhost=www.mystic.ai\n\n");
    assert_eq!(
        String::from_utf8_lossy(&git.stdout),
        "username=good\npassword=pipeline_sk_good\n"
    );

    let status = sb.run(&["status", "--json"], "");
    assert_eq!(status.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(report["refused"][0]["alias"], "broken");
    assert!(
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "remote-refused"),
        "{report}"
    );

    // migrate moves the two it can; the refused remote stays exactly as it was.
    let out = sb.run(&["migrate"], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sb.lookup("https://cluster.example", "my cluster")
            .as_deref(),
        Some("pipeline_sk_cluster")
    );
    let config = sb.config();
    assert!(config.contains(refused), "{config}");
    assert!(
        !config.contains("pipeline_sk_cluster") && !config.contains("pipeline_sk_good"),
        "{config}"
    );
}
