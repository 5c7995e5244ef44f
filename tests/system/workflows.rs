//! The small human commands (token, use, logout) and what a newcomer meets first (command-line
//! mistakes, completions and the man page, where the config folder is, the JSON actions at a
//! terminal), on the real binary against the private Secret Service.

use crate::common;
use common::*;
use serde_json::Value;

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
