//! The human and CI commands (login, logout, use, token, status, migrate, exec, env) on the real
//! binary, against the private Secret Service and a real HTTP server on 127.0.0.1.

use crate::common;
use common::api::{Api, closed_port_url};
use common::*;
use serde_json::Value;

#[test]
fn login_checks_the_token_and_stores_it() {
    let api = Api::start(200);
    let sb = Sandbox::new();
    let out = sb.run(
        &["login", "--alias", "work", "--url", &api.url],
        "pipeline_sk_login\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let all = text(&[out.stdout.clone(), out.stderr.clone()].concat());
    assert!(
        all.contains("Logged in") && !all.contains("pipeline_sk_login"),
        "{all}"
    );

    let seen = api.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].request_line, "GET /v4/tokens/validate HTTP/1.1");
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer pipeline_sk_login")
    );
    assert_eq!(
        sb.lookup(&api.url, "work").as_deref(),
        Some("pipeline_sk_login")
    );
    assert!(!sb.config().contains("pipeline_sk_login"));
    let listed = sb.ok(&["list"], "");
    assert_eq!(listed["active_remote"], "work");
}

#[test]
fn login_refused_by_the_api_stores_nothing() {
    for status in [401, 403] {
        let api = Api::start(status);
        let sb = Sandbox::new();
        let out = sb.run(&["login", "--url", &api.url], "pipeline_sk_refused");
        assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains("unauthorized") && !stderr.contains("pipeline_sk_refused"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
        assert_eq!(
            api.seen()[0].header("authorization"),
            Some("Bearer pipeline_sk_refused")
        );
        assert!(!api.seen()[0].request_line.contains("pipeline_sk_refused"));
        assert!(!sb.config_path().exists());
        assert_eq!(sb.lookup(&api.url, "mystic-api"), None);
    }
}

#[test]
fn login_without_a_network_stores_nothing_and_suggests_no_verify() {
    let sb = Sandbox::new();
    let url = closed_port_url();
    let out = sb.run(&["login", "--url", &url], "pipeline_sk_offline");
    assert_eq!(out.status.code(), Some(8));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("network") && stderr.contains("--no-verify"),
        "{stderr}"
    );
    assert!(!stderr.contains("pipeline_sk_offline"));
    assert!(!sb.config_path().exists());
    assert_eq!(sb.lookup(&url, "mystic-api"), None);

    let out = sb.run(
        &["login", "--url", &url, "--no-verify"],
        "pipeline_sk_offline\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        sb.lookup(&url, "mystic-api").as_deref(),
        Some("pipeline_sk_offline")
    );
}

#[test]
fn login_refuses_a_bad_token_and_argv_has_no_token_option() {
    let sb = Sandbox::new();
    let out = sb.run(&["login", "--no-verify"], "two words\n");
    assert_eq!(out.status.code(), Some(2));
    let out = sb.run(&["login", "--no-verify"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = sb.run(&["login", "--token", "x"], "");
    assert_eq!(out.status.code(), Some(2), "no --token option exists");
}

#[test]
fn token_use_and_logout() {
    let sb = Sandbox::new();
    sb.ok(&["store"], r#"{"alias":"a","token":"pipeline_sk_a"}"#);
    sb.ok(
        &["store"],
        r#"{"alias":"b","url":"https://b.example","token":"pipeline_sk_b"}"#,
    );
    let out = sb.run(&["token"], "");
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "pipeline_sk_a\n".into())
    );
    let out = sb.run(&["use", "b"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&sb.run(&["token"], "").stdout), "pipeline_sk_b\n");
    assert_eq!(
        text(&sb.run(&["token", "--alias", "a"], "").stdout),
        "pipeline_sk_a\n"
    );
    assert_eq!(
        text(&sb.run(&["token", "--url", "https://b.example/"], "").stdout),
        "pipeline_sk_b\n"
    );
    // The alias as a word, as `logout` and `use` take it; not both ways at once.
    assert_eq!(text(&sb.run(&["token", "a"], "").stdout), "pipeline_sk_a\n");
    assert_eq!(
        sb.run(&["token", "a", "--alias", "b"], "").status.code(),
        Some(2)
    );
    let out = sb.run(&["use", "nope"], "");
    assert_eq!(out.status.code(), Some(1));
    let out = sb.run(&["logout", "b"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(sb.lookup("https://b.example", "b"), None);
    let out = sb.run(&["token", "--alias", "b"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(text(&out.stderr).lines().count(), 1);
}

fn warning_codes(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_owned())
        .collect()
}

#[cfg(unix)]
#[test]
fn status_explains_the_sdk_file_and_its_traps() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_env");
    sb.write_config(SDK_FIXTURE);
    std::fs::set_permissions(sb.config_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&sb.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let report = status_json(&sb, &[]);
    let out = sb.run(&["status"], "");
    let table = text(&out.stdout);
    for place in [text(&out.stderr), table.clone(), report.to_string()] {
        assert!(!place.contains("pipeline_sk_"), "{place}");
    }
    assert_eq!(report["remotes"][0]["token"], "file");
    assert_eq!(report["get"]["source"], "env");
    assert_eq!(report["sdk"]["from"], "config");
    assert_eq!(report["sdk"]["token"], "file");
    let codes = warning_codes(&report);
    for code in [
        "plaintext-token",
        "config-readable-by-others",
        "folder-readable-by-others",
        "sdk-ignores-env-token",
    ] {
        assert!(codes.contains(&code.to_owned()), "{code}: {codes:?}");
    }
    assert!(
        table.contains("mystic-api") && table.contains("warning:"),
        "{table}"
    );
}

#[test]
fn status_warns_about_bearer_none_and_a_tokenless_active_remote() {
    let sb = Sandbox::new();
    sb.write_config(
        "active_remote: ghost\nremotes:\n- alias: ghost\n  url: https://ghost.example\n",
    );
    let report = status_json(&sb, &[]);
    assert_eq!(report["remotes"][0]["token"], "missing");
    assert_eq!(report["sdk"]["token"], "none");
    let codes = warning_codes(&report);
    assert!(codes.contains(&"sdk-sends-bearer-none".into()), "{codes:?}");
    assert!(
        codes.contains(&"active-remote-without-token".into()),
        "{codes:?}"
    );

    // After a store, the token lives in the keyring, but the SDK still sees none in the file.
    sb.ok(
        &["store"],
        r#"{"alias":"ghost","url":"https://ghost.example","token":"pipeline_sk_g"}"#,
    );
    let report = status_json(&sb, &[]);
    assert_eq!(report["remotes"][0]["token"], "keyring");
    assert_eq!(report["get"]["source"], "keyring");
    assert!(warning_codes(&report).contains(&"sdk-sends-bearer-none".into()));
}

#[test]
fn status_verify_checks_each_token() {
    let good = Api::start(200);
    let bad = Api::start(401);
    let sb = Sandbox::new();
    sb.ok(
        &["store"],
        &format!(
            r#"{{"alias":"good","url":"{}","token":"pipeline_sk_good"}}"#,
            good.url
        ),
    );
    sb.ok(
        &["store"],
        &format!(
            r#"{{"alias":"bad","url":"{}","token":"pipeline_sk_bad"}}"#,
            bad.url
        ),
    );
    sb.ok(
        &["store"],
        &format!(
            r#"{{"alias":"off","url":"{}","token":"pipeline_sk_off"}}"#,
            closed_port_url()
        ),
    );
    let report = status_json(&sb, &["--verify"]);
    let verdicts: Vec<&str> = report["remotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verified"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["valid", "unauthorized", "network-error"]);
    assert_eq!(
        good.seen()[0].header("authorization"),
        Some("Bearer pipeline_sk_good")
    );
    assert_eq!(
        bad.seen()[0].request_line,
        "GET /v4/tokens/validate HTTP/1.1"
    );
    assert!(!report.to_string().contains("pipeline_sk_"));
}

#[test]
fn status_exits_4_only_for_an_unreadable_config() {
    let sb = Sandbox::new();
    sb.write_config("remotes: [");
    assert_eq!(sb.run(&["status"], "").status.code(), Some(4));
    let missing_bus = Sandbox::new();
    missing_bus.write_config("remotes:\n- alias: a\n  url: https://a.example\n");
    let out = missing_bus
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["remotes"][0]["token"], "unknown");
    assert!(warning_codes(&report).contains(&"store-unavailable".into()));
}

#[cfg(unix)]
#[test]
fn migrate_moves_plaintext_tokens_once_and_loses_none() {
    let sb = Sandbox::new();
    sb.write_config(EXTRA_FIXTURE);
    let original = sb.config();

    let out = sb.run(&["migrate", "--dry-run"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Would move"));
    assert_eq!(sb.config(), original, "--dry-run changes nothing");
    assert_eq!(sb.lookup("https://www.mystic.ai", "mystic-api"), None);

    let out = sb.run(&["migrate"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("pipeline_sk_"));
    assert_eq!(
        sb.lookup("https://www.mystic.ai", "mystic-api").as_deref(),
        Some("pipeline_sk_aaaaaaaaaaaaaaaaaaaaaaaa")
    );
    assert_eq!(
        sb.lookup("https://staging.mystic.ai", "staging").as_deref(),
        Some("pipeline_sk_bbbbbbbbbbbbbbbbbbbbbbbb")
    );
    let after = sb.config();
    assert!(!after.contains("pipeline_sk_"), "{after}");
    assert!(after.contains("editor_theme") && after.contains("personal account"));
    assert_eq!(mode(&sb.config_path()), 0o600);

    let out = sb.run(&["migrate"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("nothing to migrate"));
    assert_eq!(sb.config(), after, "a second run is a no-op");
}

#[test]
fn migrate_and_its_dry_run_fail_alike_when_the_keyring_is_unreachable() {
    let sb = Sandbox::new();
    sb.write_config(SDK_FIXTURE);
    let messages: Vec<String> = [&["migrate", "--dry-run"][..], &["migrate"]]
        .iter()
        .map(|args| {
            let out = sb
                .cmd()
                .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
                .args(*args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(3), "{args:?}");
            assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
            let stderr = text(&out.stderr);
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains("store-unavailable") && !stderr.contains("pipeline_sk_"));
            stderr
        })
        .collect();
    assert_eq!(messages[0], messages[1]);
    assert_eq!(sb.config(), SDK_FIXTURE, "byte-identical");
}

/// Every printable ASCII character but space (whitespace is not allowed in tokens), plus UTF-8.
fn every_allowed_character() -> String {
    let mut s: String = (0x21u8..0x7f).map(char::from).collect();
    s.push_str("é€😀");
    s
}

#[test]
fn env_shell_output_round_trips_through_eval() {
    let token = every_allowed_character();
    let sb = Sandbox::new();
    sb.ok(
        &["store"],
        &serde_json::json!({"alias":"all","token": token}).to_string(),
    );
    let out = sb.run(&["env"], "");
    assert_eq!(out.status.code(), Some(0));
    let script = format!(
        "{}\nprintf %s \"$PIPELINE_API_TOKEN|$PIPELINE_API_URL\"",
        text(&out.stdout)
    );
    // The same output is read back byte for byte by POSIX shells and by fish
    // (`mystic-credential-helper env | source`).
    for shell in ["sh", "bash", "zsh"] {
        let got = std::process::Command::new(shell)
            .args(["-c", &script])
            .output()
            .unwrap();
        assert_eq!(
            text(&got.stdout),
            format!("{token}|https://www.mystic.ai"),
            "{shell}"
        );
    }
    let fish = format!(
        "{}\nprintf %s \"$PIPELINE_API_TOKEN|$PIPELINE_API_URL\"",
        text(&out.stdout)
    );
    let got = std::process::Command::new("fish")
        .args(["--no-config", "-c", &fish])
        .output()
        .unwrap();
    assert_eq!(
        text(&got.stdout),
        format!("{token}|https://www.mystic.ai"),
        "fish: {}",
        text(&got.stderr)
    );

    let json: Value =
        serde_json::from_slice(&sb.run(&["env", "--format", "json"], "").stdout).unwrap();
    assert_eq!(json["PIPELINE_API_TOKEN"], token.as_str());
    // A single quote has no portable dotenv form: refused rather than written wrongly.
    assert_eq!(
        sb.run(&["env", "--format", "dotenv"], "").status.code(),
        Some(2)
    );
}

#[test]
fn env_dotenv_and_github_formats() {
    let sb = Sandbox::new();
    sb.ok(
        &["store"],
        r#"{"alias":"ci","url":"https://ci.example","token":"pipeline_sk_ci$x"}"#,
    );
    let dotenv = text(&sb.run(&["env", "--format", "dotenv"], "").stdout);
    assert_eq!(
        dotenv,
        "PIPELINE_API_TOKEN='pipeline_sk_ci$x'\nPIPELINE_API_URL=https://ci.example\n"
    );

    let github_env = sb.root.path().join("github_env");
    std::fs::write(&github_env, "EXISTING=1\n").unwrap();
    let out = sb
        .cmd()
        .env("GITHUB_ENV", &github_env)
        .args(["env", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "::add-mask::pipeline_sk_ci$x\n");
    let written = std::fs::read_to_string(&github_env).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "EXISTING=1");
    let (name, delimiter) = lines[1].split_once("<<").unwrap();
    assert_eq!(name, "PIPELINE_API_TOKEN");
    assert!(delimiter.starts_with("ghadelimiter_"));
    assert_eq!(lines[2], "pipeline_sk_ci$x");
    assert_eq!(lines[3], delimiter);
    assert_eq!(lines[4], format!("PIPELINE_API_URL<<{delimiter}"));
    assert_eq!(lines[5], "https://ci.example");
    assert_eq!(lines[6], delimiter);

    // The mask is a workflow command: `%`, CR and LF in its data are escaped as GitHub's
    // toolkit does, so the runner masks exactly the token (here one holding `%25`).
    sb.ok(
        &["store"],
        r#"{"alias":"ci","url":"https://ci.example","token":"pipeline_sk_a%25b%"}"#,
    );
    let out = sb
        .cmd()
        .env("GITHUB_ENV", &github_env)
        .args(["env", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "::add-mask::pipeline_sk_a%2525b%25\n");

    // Outside Actions there is nowhere to append: a clear error, and not even the mask line.
    let out = sb.run(&["env", "--format", "github"], "");
    assert_eq!(out.status.code(), Some(4));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("GITHUB_ENV"),
        "{}",
        text(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn exec_hands_the_token_to_the_child_only() {
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_parent");
    sb.write_config(SDK_FIXTURE);
    sb.ok(
        &["store"],
        r#"{"alias":"staging","url":"https://staging.mystic.ai","token":"pipeline_sk_child"}"#,
    );
    let before = sb.config();
    let script = r#"printf '%s|%s|%s|' "$PIPELINE_API_TOKEN" "$PIPELINE_API_URL" "$(stat -c %a "$PIPELINE_DIR")"
        ls "$PIPELINE_DIR"; test -d "$PIPELINE_DIR/files" && echo files-ok; cat; echo "$PIPELINE_DIR" >&2; exit 7"#;
    let out = sb
        .cmd()
        .args([
            "exec",
            "--no-mask",
            "--alias",
            "staging",
            "--",
            "sh",
            "-c",
            script,
        ])
        .write_stdin("from-stdin\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "the child's exit status");
    assert_eq!(
        text(&out.stdout),
        "pipeline_sk_child|https://staging.mystic.ai|700|files\nfiles-ok\nfrom-stdin\n"
    );
    let private = text(&out.stderr).trim().to_owned();
    assert!(
        !std::path::Path::new(&private).exists(),
        "the private folder is removed"
    );
    assert!(
        sb.dir.join("files").is_dir(),
        "the real file cache was created"
    );
    assert_eq!(sb.config(), before, "exec writes nothing to config.yaml");

    let out = sb.run(&["exec", "--", "no-such-command-xyz"], "");
    assert_eq!(out.status.code(), Some(127));
}

#[cfg(unix)]
#[test]
fn exec_forwards_signals_and_reports_them() {
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_sig");
    let marker = sb.root.path().join("got-term");
    let script = format!(
        // Stderr closed: sh reports the `sleep` the signal kills ("Terminated") there.
        "exec 2>/dev/null; trap 'touch {}; exit 42' TERM; echo ready; while :; do sleep 0.05; done",
        marker.display()
    );
    let mut child = std::process::Command::new(BIN)
        .args(["exec", "--", "sh", "-c", &script])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("PIPELINE_API_TOKEN", "pipeline_sk_sig")
        .env("PIPELINE_DIR", &sb.dir)
        .env("HOME", &sb.home)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line, "ready\n");
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(42));
    assert!(marker.exists());

    // A child killed by a signal: 128 + the signal number, as shells report it.
    let out = sb.run(&["exec", "--", "sh", "-c", "kill -KILL $$"], "");
    assert_eq!(out.status.code(), Some(137));
}

/// Typos get a suggestion, and `--store` works after the command as before it.
#[test]
fn command_line_mistakes_get_help() {
    let sb = Sandbox::new();
    let out = sb.run(&["stauts"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("a similar subcommand exists: 'status'"),
        "{}",
        text(&out.stderr)
    );
    let out = sb.run(&["status", "--stor", "keyutils"], "");
    assert!(
        text(&out.stderr).contains("a similar argument exists: '--store'"),
        "{}",
        text(&out.stderr)
    );
    let after = sb.run(&["status", "--json", "--store", "file"], "");
    assert_eq!(after.status.code(), Some(0), "{}", text(&after.stderr));
    let report: Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(report["store"], "config.yaml (plaintext)");
    // A misspelt field is named as such, not as the missing field it was meant to be.
    let message = sb.fails(
        &["store"],
        r#"{"alias":"x","tokn":"pipeline_sk_t"}"#,
        "invalid-request",
        2,
    );
    assert!(message.starts_with("unknown field `tokn`"), "{message}");
}

/// Plain http sends the token readable by anyone on the way: login asks for --allow-http,
/// except for this machine.
#[test]
fn login_over_plain_http_needs_allow_http() {
    let sb = Sandbox::new();
    let args = [
        "--store",
        "file",
        "login",
        "--no-verify",
        "--url",
        "http://api.example",
    ];
    let out = sb.run(&args, "pipeline_sk_http\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("plain http") && text(&out.stderr).contains("--allow-http"),
        "{}",
        text(&out.stderr)
    );
    assert!(sb.config_if_any().is_none(), "nothing was stored");
    let out = sb
        .cmd()
        .args(args)
        .arg("--allow-http")
        .write_stdin("pipeline_sk_http\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("warning: the token goes to http://api.example over plain http"),
        "{}",
        text(&out.stderr)
    );
    let local = [
        "--store",
        "file",
        "login",
        "--no-verify",
        "--alias",
        "local",
        "--url",
        "http://127.0.0.1:9",
    ];
    assert_eq!(sb.run(&local, "pipeline_sk_local\n").status.code(), Some(0));
}

#[test]
fn completions_and_man_page() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = sb.run(&["completions", shell], "");
        assert_eq!(out.status.code(), Some(0));
        let script = text(&out.stdout);
        assert!(
            script.contains("migrate") && script.contains("status"),
            "{shell}"
        );
    }
    let man = text(&sb.run(&["man"], "").stdout);
    assert!(man.contains(".TH mystic-credential-helper") && man.contains("login"));
    // An installed binary has no protocol/ folder to point at: the man page says it all.
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        "store-unavailable",
        "MYSTIC_CREDENTIAL_STORE",
    ] {
        assert!(man.contains(section), "{section}");
    }
    assert!(!man.contains("PROTOCOL.md"));
    // `--store` is a global option: every command's help shows it, and it goes before or after
    // the command.
    let top = text(&sb.run(&["--help"], "").stdout);
    let sub = text(&sb.run(&["get", "--help"], "").stdout);
    assert!(
        top.contains("--store") && sub.contains("--store <STORE>"),
        "{sub}"
    );
    // Each command's help gives --store one line; the stores are described once, at the top.
    let store_lines = sub
        .lines()
        .skip_while(|l| !l.contains("--store <STORE>"))
        .take_while(|l| !l.trim_start().starts_with("-h, --help"));
    assert_eq!(store_lines.count(), 1, "{sub}");
    for store in ["auto", "secret-service", "keyutils", "file", "windows"] {
        assert!(top.contains(&format!("\n  {store} ")), "{store}: {top}");
    }
    // Every command documented, the nested ones and the positional arguments too; status
    // --json's fields are named where its readers are.
    for section in [
        ".SS \"sdk install\"",
        ".SS \"sdk uninstall\"",
        "\\fITOOL\\fR\ngit or docker",
    ] {
        assert!(man.contains(section), "{section}");
    }
    let status = text(&sb.run(&["status", "--help"], "").stdout);
    assert!(status.contains("warnings: [{code, message}]"), "{status}");
    let login = text(&sb.run(&["login", "--help"], "").stdout);
    assert!(
        login.contains("--alias <ALIAS>")
            && login.contains("The name of the remote")
            && login.contains("Examples:"),
        "{login}"
    );
}

/// `login` on a terminal of its own (file store), showing its prompt.
#[cfg(target_os = "linux")]
fn login_at_the_prompt(sb: &Sandbox) -> (common::pty::Pty, std::process::Child) {
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["login", "--no-verify", "--alias", "tty"])
        .env_clear()
        .envs(sb.envs());
    let (mut pty, child) = common::pty::Pty::spawn(cmd);
    pty.wait_for("Mystic API token:");
    (pty, child)
}

#[cfg(target_os = "linux")]
#[test]
fn login_on_a_terminal_prompts_without_echo() {
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "file");
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["login", "--no-verify", "--alias", "tty"])
        .env_clear()
        .envs(sb.envs());
    // The terminal holds the login's first output: echo must already be off at that moment, so
    // nothing typed as soon as the prompt shows can be echoed.
    let (mut pty, mut child) = common::pty::Pty::spawn_held(cmd);
    pty.wait_for_first_write(child.id());
    assert!(!pty.echoes(), "echo is still on when the prompt is written");
    pty.release();
    pty.wait_for("Mystic API token:");
    pty.type_in(b"pipeline_sk_typed\n");
    let screen = pty.wait_for_close();
    assert!(child.wait().unwrap().success(), "{screen}");
    assert!(
        screen.contains("Logged in") && !screen.contains("pipeline_sk_typed"),
        "{screen}"
    );
    assert!(pty.echoes(), "the terminal's echo is restored");
    assert!(
        sb.config().contains("pipeline_sk_typed"),
        "the file store keeps it where the SDK reads it"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_at_the_login_prompt_restores_the_terminal_and_stores_nothing() {
    use std::os::unix::process::ExitStatusExt;
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "file");
    let (mut pty, mut child) = login_at_the_prompt(&sb);
    pty.type_in(b"pipeline_sk_half\x03");
    let screen = pty.wait_for_close();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGINT), "{screen}");
    assert!(pty.echoes(), "Ctrl-C left the terminal without echo");
    assert!(!screen.contains("pipeline_sk_half"), "{screen}");
    assert!(!sb.dir.join("config.yaml").exists(), "nothing was stored");
}

#[cfg(target_os = "linux")]
#[test]
fn an_empty_line_at_the_login_prompt_says_no_token_was_entered() {
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "file");
    let (mut pty, mut child) = login_at_the_prompt(&sb);
    pty.type_in(b"\n");
    let screen = pty.wait_for_close();
    assert_eq!(child.wait().unwrap().code(), Some(2), "{screen}");
    assert!(
        screen.contains("no token was entered; nothing was stored"),
        "{screen}"
    );
    assert!(!sb.dir.join("config.yaml").exists());
}

#[test]
fn login_again_says_it_replaced_the_token() {
    let sb = Sandbox::new();
    let first = sb.run(
        &["login", "--no-verify", "--alias", "again"],
        "pipeline_sk_one\n",
    );
    assert!(
        text(&first.stdout).starts_with("Logged in to https://www.mystic.ai as again (active)"),
        "{}",
        text(&first.stdout)
    );
    let second = sb.run(
        &["login", "--no-verify", "--alias", "again"],
        "pipeline_sk_two\n",
    );
    assert_eq!(second.status.code(), Some(0));
    assert!(
        text(&second.stdout).starts_with("Replaced the token of again at https://www.mystic.ai"),
        "{}",
        text(&second.stdout)
    );
    assert_eq!(
        sb.lookup("https://www.mystic.ai", "again").as_deref(),
        Some("pipeline_sk_two")
    );
}

/// Tokens kept in another store are seen (`token-in-other-store`) and moved (`migrate --from`);
/// `--store file migrate` moves them back into config.yaml, where the unchanged SDK reads them.
#[cfg(target_os = "linux")]
#[test]
fn tokens_move_between_stores_and_back_to_plaintext() {
    let api = Api::start(200);
    let sb = Sandbox::new();
    for alias in ["one", "two"] {
        let out = sb.run(
            &["--store", "keyutils", "store"],
            format!(
                r#"{{"alias":"{alias}","url":"{}","token":"pipeline_sk_{alias}_moving"}}"#,
                api.url
            ),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let report = status_json(&sb, &[]);
    let codes = warning_codes(&report);
    assert!(
        codes.contains(&"token-in-other-store".to_owned()),
        "{report}"
    );
    assert!(
        report.to_string().contains("migrate --from keyutils"),
        "{report}"
    );

    // The kernel keyring into the Secret Service.
    let out = sb.run(&["migrate", "--from", "keyutils", "--dry-run"], "");
    assert!(
        text(&out.stdout).contains("Would move the token of one"),
        "{out:?}"
    );
    assert!(
        sb.kernel_keys()
            .iter()
            .any(|k| k.starts_with("keyring:one@"))
    );
    let out = sb.run(&["migrate", "--from", "keyutils"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(sb.kernel_keys().is_empty(), "{:?}", sb.kernel_keys());
    for alias in ["one", "two"] {
        let token = format!("pipeline_sk_{alias}_moving");
        assert_eq!(sb.lookup(&api.url, alias), Some(token));
    }
    let report = status_json(&sb, &[]);
    assert!(!warning_codes(&report).contains(&"token-in-other-store".to_owned()));
    assert!(!sb.config().contains("pipeline_sk_"));

    // Going back: from the Secret Service (auto) into config.yaml.
    let out = sb.run(&["--store", "file", "migrate"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("to config.yaml"), "{out:?}");
    assert_eq!(sb.lookup(&api.url, "one"), None);
    assert!(
        sb.config().contains("token: pipeline_sk_one_moving"),
        "{}",
        sb.config()
    );
    assert_eq!(common::mode(&sb.config_path()) & 0o777, 0o600);
    // The SDK on its own sends the plaintext token again.
    let out = std::process::Command::new(python())
        .args([
            "-c",
            "import pipeline.cloud.http as h; h._get_client().get('/v4/back')",
        ])
        .env_clear()
        .env("PIPELINE_DIR", &sb.dir)
        .env("HOME", &sb.home)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let seen = api.seen();
    assert_eq!(
        seen.last().unwrap().header("authorization"),
        Some("Bearer pipeline_sk_one_moving")
    );
    let out = sb.run(&["migrate", "--from", "auto"], "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "auto is the chosen store: {out:?}"
    );
}

/// The config folder is where the SDK's own rule (`Path.home() / ".pipeline/"`, as Python reads
/// `HOME`) puts it, for every odd HOME: empty, the root, a trailing slash, relative.
#[cfg(unix)]
#[test]
fn the_config_folder_is_where_python_puts_it_for_any_home() {
    let sb = Sandbox::new();
    let work = sb.root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let sdk_rule =
        "import os; from pathlib import Path; print(os.path.abspath(Path.home() / '.pipeline/'))";
    for home in ["", "/", "/tmp/somebody/", "relative/home", "//double"] {
        let python_says = stdout_of(
            std::process::Command::new(python())
                .args(["-c", sdk_rule])
                .current_dir(&work)
                .env_clear()
                .env("HOME", home),
        );
        let out = sb
            .program(BIN)
            .args(["status", "--json"])
            .current_dir(&work)
            .env_remove("PIPELINE_DIR")
            .env("HOME", home)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let folder = std::path::Path::new(report["config"].as_str().unwrap())
            .parent()
            .unwrap();
        assert_eq!(
            folder.to_str().unwrap(),
            python_says.trim(),
            "HOME={home:?}"
        );
    }
}

/// `get` (and `store`, `erase`) with a terminal on stdin says what it waits for, and how to
/// end it, instead of waiting silently.
#[cfg(target_os = "linux")]
#[test]
fn the_json_actions_at_a_terminal_say_what_they_read() {
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "file");
    sb.ok(&["store"], r#"{"alias":"prod","token":"pipeline_sk_tty"}"#);
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("get").env_clear().envs(sb.envs());
    let (mut pty, mut child) = common::pty::Pty::spawn(cmd);
    pty.wait_for(r#"such as {"alias":"prod"}; end it with Ctrl-D"#);
    pty.type_in(b"{\"alias\":\"prod\"}\n\x04");
    let screen = pty.wait_for_close();
    assert!(child.wait().unwrap().success(), "{screen}");
    assert!(screen.contains(r#""token":"pipeline_sk_tty""#), "{screen}");
    // Piped, as programs call it, nothing but the answer.
    let out = sb.run(&["get"], r#"{"alias":"prod"}"#);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

/// `status` says that the store cannot be reached also when there is no remote yet (the next
/// login needs it).
#[test]
fn status_without_remotes_says_the_store_cannot_be_reached() {
    let sb = Sandbox::without_bus();
    let report = status_json(&sb, &[]);
    assert!(
        warning_codes(&report).contains(&"store-unavailable".to_owned()),
        "{report}"
    );
}

/// The SDK creates ~/.pipeline readable by everyone (0755); a login makes it private and says
/// so; and where the shell's start-up file has the `pipeline` function already, it says that
/// instead of asking for it again.
#[cfg(unix)]
#[test]
fn login_makes_the_folder_private_and_knows_the_shell_is_set_up() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new().env("SHELL", "/bin/bash");
    std::fs::create_dir_all(&sb.dir).unwrap();
    std::fs::set_permissions(&sb.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let login = |alias: &str| {
        let out = sb.run(
            &["login", "--no-verify", "--alias", alias],
            "pipeline_sk_private\n",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let said = login("first");
    assert!(said.contains("private (mode 700)"), "{said}");
    assert_eq!(common::mode(&sb.dir) & 0o777, 0o700);
    assert!(said.contains("shell-init bash"), "{said}");
    std::fs::write(
        sb.home.join(".bashrc"),
        format!("eval \"$('{BIN}' shell-init bash)\"\n"),
    )
    .unwrap();
    let said = login("second");
    assert!(!said.contains("private (mode 700)"), "once only: {said}");
    assert!(
        said.contains("set up already in") && !said.contains("add:"),
        "{said}"
    );
}

/// Where the keyring cannot be reached, `migrate` gives the step that works here, not the
/// stores' general `--store file` (which for migrate would leave the tokens where they are).
#[cfg(target_os = "linux")]
#[test]
fn migrate_without_a_keyring_advises_what_works_here() {
    let sb = Sandbox::without_bus();
    sb.write_config(
        "remotes:\n- alias: a\n  url: https://www.mystic.ai\n  token: pipeline_sk_plain_advice\n",
    );
    let out = sb.run(&["migrate"], "");
    assert_eq!(out.status.code(), Some(3));
    let message = text(&out.stderr);
    assert!(
        message.starts_with("mystic-credential-helper: store-unavailable: "),
        "{message}"
    );
    assert!(!message.contains("--store file"), "{message}");
    assert!(message.contains("--store keyutils migrate"), "{message}");
    assert!(
        sb.config().contains("pipeline_sk_plain_advice"),
        "nothing moved"
    );
}
