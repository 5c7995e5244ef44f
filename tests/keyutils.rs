//! The real binary against the kernel keyring (scripts/test.sh runs the tests in a fresh
//! `keyctl session`, so items land in a throwaway session keyring).

mod common;

use common::*;
use serde_json::json;

fn keyctl(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("keyctl")
        .args(args)
        .output()
        .expect("keyctl is installed by scripts/test.sh");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap().trim_end().to_owned())
}

#[test]
fn keyutils_round_trip_is_visible_to_keyctl() {
    let sb = Sandbox::new();
    let store = ["--store", "keyutils"];
    let stored = sb.ok(
        &[&store[..], &["store"]].concat(),
        r#"{"alias":"headless","url":"https://ci.example","token":"pipeline_sk_kernel"}"#,
    );
    assert_eq!(
        stored,
        json!({"v":1,"alias":"headless","url":"https://ci.example","active":true})
    );

    let description = format!("keyring:headless@{}", sb.service("https://ci.example"));
    let id = keyctl(&["search", "@s", "user", &description]).expect("item in the session keyring");
    assert_eq!(
        keyctl(&["pipe", &id]).as_deref(),
        Some("pipeline_sk_kernel")
    );

    let got = sb.ok(&[&store[..], &["get"]].concat(), "");
    assert_eq!(got["token"], "pipeline_sk_kernel");
    assert_eq!(got["source"], "keyring");
    assert!(!sb.config().contains("pipeline_sk_kernel"));
    // The Secret Service does not have it: stores are separate, with no fallback between them.
    assert_eq!(sb.lookup("https://ci.example", "headless"), None);

    sb.ok(
        &[&store[..], &["erase"]].concat(),
        r#"{"alias":"headless"}"#,
    );
    assert_eq!(keyctl(&["search", "@s", "user", &description]), None);
    sb.fails(
        &[&store[..], &["get"]].concat(),
        r#"{"alias":"headless"}"#,
        "not-found",
        1,
    );
}

#[test]
fn the_environment_selects_keyutils() {
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "keyutils");
    sb.ok(
        &["store"],
        r#"{"alias":"envsel","token":"pipeline_sk_envsel"}"#,
    );
    let description = format!("keyring:envsel@{}", sb.service("https://www.mystic.ai"));
    assert!(keyctl(&["search", "@s", "user", &description]).is_some());
    sb.ok(&["erase"], r#"{"alias":"envsel"}"#);
}
