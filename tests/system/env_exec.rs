//! `env` and `exec` on the real binary: the token in each output format, round-tripped through a
//! shell, and handed to a child process (with its signals) and to no one else.

use crate::common;
use common::*;
use serde_json::Value;

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
