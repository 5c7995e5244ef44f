//! The real binary on the kernel keyring, the way headless machines run it: in shells with no
//! session keyring of their own (containers, cron, systemd units, many SSH logins) and in
//! separate login sessions, one after another. Every test ends with no key of its own left.

#![cfg(target_os = "linux")]

use std::os::unix::fs::MetadataExt;
use std::process::Output;

use crate::common;
use common::*;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug)]
enum Session {
    /// The user-session keyring, which the kernel gives a process with no session keyring.
    None,
    /// A new session keyring of its own, as a fresh login gets from pam_keyinit.
    Fresh,
}

fn uid() -> u32 {
    std::fs::metadata("/proc/self").unwrap().uid()
}

/// Runs the helper with `args` in the given kind of session, with the keyutils store.
fn run_in(sb: &Sandbox, session: Session, args: &[&str], stdin: &str) -> Output {
    let keyring = match session {
        Session::None => format!("_uid_ses.{}", uid()),
        Session::Fresh => "-".to_owned(),
    };
    let out = sb
        .program("keyctl")
        .args(["session", &keyring, BIN, "--store", "keyutils"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    // keyctl announces the keyring it joined on stderr; keep only the helper's own stderr.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("Joined session keyring"),
        "{session:?}: {stderr}"
    );
    out
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)))
}

fn token_in(sb: &Sandbox, session: Session) -> Option<String> {
    let out = run_in(sb, session, &["get"], r#"{"alias":"headless"}"#);
    out.status
        .success()
        .then(|| json_of(&out)["token"].as_str().unwrap().to_owned())
}

const URL: &str = "https://ci.example";
const STORE: &str =
    r#"{"alias":"headless","url":"https://ci.example","token":"pipeline_sk_kernel"}"#;

fn round_trip(stored_in: Session, read_in: Session, erased_in: Session) {
    let sb = Sandbox::new();
    let out = run_in(&sb, stored_in, &["store"], STORE);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        json_of(&out),
        json!({"v":1,"alias":"headless","url":URL,"active":false})
    );
    // Found again from another session, and from the storing kind of session.
    for session in [read_in, stored_in] {
        assert_eq!(
            token_in(&sb, session).as_deref(),
            Some("pipeline_sk_kernel"),
            "{session:?}"
        );
    }
    let token = run_in(&sb, read_in, &["token"], "");
    assert_eq!(
        String::from_utf8_lossy(&token.stdout),
        "pipeline_sk_kernel\n"
    );
    let exec = run_in(
        &sb,
        read_in,
        &[
            "exec",
            "--no-mask",
            "--",
            "sh",
            "-c",
            "printf %s \"$PIPELINE_API_TOKEN\"",
        ],
        "",
    );
    assert_eq!(String::from_utf8_lossy(&exec.stdout), "pipeline_sk_kernel");
    let env = run_in(&sb, read_in, &["env", "--format", "json"], "");
    assert_eq!(json_of(&env)["PIPELINE_API_TOKEN"], "pipeline_sk_kernel");
    assert!(!sb.config().contains("pipeline_sk_kernel"));
    // The Secret Service does not have it: stores are separate, with no fallback between them.
    assert_eq!(sb.lookup(URL, "headless"), None);

    let erased = run_in(&sb, erased_in, &["erase"], r#"{"alias":"headless"}"#);
    assert_eq!(erased.status.code(), Some(0));
    assert_eq!(
        sb.kernel_keys(),
        Vec::<String>::new(),
        "erase left a key behind"
    );
    for session in [Session::None, Session::Fresh] {
        assert_eq!(token_in(&sb, session), None, "{session:?}");
    }
}

#[test]
fn stored_without_a_session_keyring_found_in_every_later_session() {
    round_trip(Session::None, Session::Fresh, Session::None);
}

#[test]
fn stored_in_one_login_found_in_another_and_erased_from_a_third() {
    round_trip(Session::Fresh, Session::Fresh, Session::Fresh);
}

#[test]
fn stored_in_a_login_session_found_without_one() {
    round_trip(Session::Fresh, Session::None, Session::Fresh);
}

#[test]
fn keyctl_reads_the_key_from_the_persistent_keyring() {
    let sb = Sandbox::new();
    assert!(
        run_in(&sb, Session::None, &["store"], STORE)
            .status
            .success()
    );
    let description = format!("keyring:headless@{}", sb.service(URL));
    assert_eq!(sb.kernel_keys(), vec![description.clone()]);
    // What the README tells users to run.
    let script = format!(
        "keyctl pipe \"$(keyctl search \"$(keyctl get_persistent @s)\" user '{description}')\""
    );
    let out = sb
        .program("keyctl")
        .args(["session", "-", "sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "pipeline_sk_kernel");
    assert!(
        run_in(&sb, Session::Fresh, &["erase"], r#"{"alias":"headless"}"#)
            .status
            .success()
    );
    assert!(sb.kernel_keys().is_empty());
}

#[test]
fn erase_removes_the_key_from_every_keyring_it_was_linked_into() {
    let sb = Sandbox::new();
    assert!(
        run_in(&sb, Session::Fresh, &["store"], STORE)
            .status
            .success()
    );
    // A copy where version 1 left keys (the session keyring of a shell without one, which links
    // the user keyring), besides the helper's own in the persistent keyring.
    let description = format!("keyring:headless@{}", sb.service(URL));
    let planted = sb
        .program("keyctl")
        .args([
            "session",
            &format!("_uid_ses.{}", uid()),
            "keyctl",
            "padd",
            "user",
            &description,
            "@u",
        ])
        .write_stdin("pipeline_sk_old")
        .output()
        .unwrap();
    assert!(planted.status.success(), "{planted:?}");
    assert_eq!(sb.kernel_keys().len(), 2, "{:?}", sb.kernel_keys());
    assert!(
        run_in(&sb, Session::None, &["erase"], r#"{"alias":"headless"}"#)
            .status
            .success()
    );
    assert_eq!(sb.kernel_keys(), Vec::<String>::new());
}

#[test]
fn the_environment_selects_keyutils() {
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "keyutils");
    sb.ok(
        &["store"],
        r#"{"alias":"envsel","token":"pipeline_sk_envsel"}"#,
    );
    let description = format!("keyring:envsel@{}", sb.service("https://www.mystic.ai"));
    assert_eq!(sb.kernel_keys(), vec![description]);
    assert_eq!(sb.lookup("https://www.mystic.ai", "envsel"), None);
    sb.ok(&["erase"], r#"{"alias":"envsel"}"#);
    assert!(sb.kernel_keys().is_empty());
}

/// Orphans in the kernel keyring: listed from /proc/keys, pruned, and no other key touched.
#[test]
fn orphans_are_listed_and_pruned_in_the_kernel_keyring() {
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "keyutils");
    orphans_pruned_from(&sb, &|url, alias| {
        let description = format!("keyring:{alias}@{}", sb.service(url));
        sb.kernel_keys().contains(&description)
    });
}
