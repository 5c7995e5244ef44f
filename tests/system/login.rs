//! `login` on the real binary, against the private Secret Service and a real HTTP server on
//! 127.0.0.1: the check, its failures, the prompt on a terminal, and what it says afterwards.

use crate::common;
use common::api::{Api, closed_port_url};
use common::*;

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
