//! A locked or unresponsive Secret Service: fail with store-unavailable, never hang, and never
//! delete anything (git-credential-manager #694 deleted credentials when the keyring was locked).

mod common;

use std::time::{Duration, Instant};

use common::*;

const URL: &str = "https://www.mystic.ai";

fn with_bus(
    sb: &Sandbox,
    kr: &PrivateKeyring,
    args: &[&str],
    stdin: &str,
) -> (serde_json::Value, i32, Duration) {
    let start = Instant::now();
    let out = sb
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", &kr.bus)
        .args(args)
        .write_stdin(stdin)
        // A watchdog for the test itself, far above the helper's own 5 s deadline.
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{args:?}: no JSON: {:?} {:?}",
            out.stdout,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code().unwrap_or(-1), start.elapsed())
}

#[test]
fn a_locked_collection_gives_store_unavailable_and_keeps_the_item() {
    let kr = PrivateKeyring::start();
    let sb = Sandbox::new();
    let (json, code, _) = with_bus(
        &sb,
        &kr,
        &["store"],
        r#"{"alias":"a","token":"pipeline_sk_locked"}"#,
    );
    assert_eq!(code, 0, "{json}");
    let before = snapshot(&sb.dir);

    kr.dbus_send(&[
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.Lock",
        "array:objpath:/org/freedesktop/secrets/collection/login",
    ]);
    for (action, input) in [
        ("get", r#"{"alias":"a"}"#),
        ("store", r#"{"alias":"a","token":"pipeline_sk_other"}"#),
        ("store", r#"{"alias":"b","token":"pipeline_sk_other"}"#),
        ("erase", r#"{"alias":"a"}"#),
    ] {
        let (json, code, _) = with_bus(&sb, &kr, &[action], input);
        assert_eq!(
            json["error"]["kind"], "store-unavailable",
            "{action}: {json}"
        );
        assert_eq!(code, 3);
    }
    assert_eq!(snapshot(&sb.dir), before, "config.yaml unchanged");
    // The item is still there, locked: SearchItems lists it without unlocking anything.
    let found = kr.dbus_send(&[
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.SearchItems",
        &format!("dict:string:string:service,{},username,a", sb.service(URL)),
    ]);
    assert!(
        found.contains("/org/freedesktop/secrets/collection/login/"),
        "{found}"
    );
}

#[test]
fn a_frozen_daemon_times_out_instead_of_hanging() {
    let kr = PrivateKeyring::start();
    let sb = Sandbox::new();
    let (json, code, _) = with_bus(
        &sb,
        &kr,
        &["store"],
        r#"{"alias":"a","token":"pipeline_sk_frozen"}"#,
    );
    assert_eq!(code, 0, "{json}");
    let before = snapshot(&sb.dir);

    kr.signal("STOP");
    for (action, input) in [
        ("get", r#"{"alias":"a"}"#),
        ("store", r#"{"alias":"a","token":"pipeline_sk_other"}"#),
    ] {
        let (json, code, _) = with_bus(&sb, &kr, &[action], input);
        assert_eq!(
            json["error"]["kind"], "store-unavailable",
            "{action}: {json}"
        );
        assert!(
            json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("did not answer within 5s")
        );
        assert_eq!(code, 3);
    }
    assert_eq!(snapshot(&sb.dir), before);
    kr.signal("CONT");
    let (json, code, _) = with_bus(&sb, &kr, &["get"], r#"{"alias":"a"}"#);
    assert_eq!(
        (code, json["token"].as_str()),
        (0, Some("pipeline_sk_frozen")),
        "{json}"
    );
}
