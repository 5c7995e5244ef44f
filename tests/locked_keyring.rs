//! A locked or unresponsive Secret Service: fail with store-unavailable, never hang, and never
//! delete anything (git-credential-manager #694 deleted credentials when the keyring was locked).

mod common;

use std::time::Duration;

use common::*;

const URL: &str = "https://www.mystic.ai";

/// A private keyring and a sandbox whose one remote `a` holds `token`.
fn stored(token: &str) -> (PrivateKeyring, Sandbox) {
    let kr = PrivateKeyring::start();
    let sb = Sandbox::new().env("DBUS_SESSION_BUS_ADDRESS", &kr.bus);
    sb.ok(&["store"], &format!(r#"{{"alias":"a","token":"{token}"}}"#));
    (kr, sb)
}

/// Every case fails with store-unavailable (exit 3), returns a message, and changes no file.
fn all_unavailable(sb: &Sandbox, cases: &[(&str, &str)]) -> Vec<String> {
    let before = snapshot(&sb.dir);
    let messages = cases
        .iter()
        .map(|(action, input)| {
            let out = sb
                .cmd()
                .arg(action)
                .write_stdin(*input)
                // A watchdog for the test itself, far above the helper's own 5 s deadline.
                .timeout(Duration::from_secs(60))
                .output()
                .unwrap();
            let json: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|_| panic!("{action}: {}", String::from_utf8_lossy(&out.stderr)));
            assert_eq!(
                json["error"]["kind"], "store-unavailable",
                "{action}: {json}"
            );
            assert_eq!(out.status.code(), Some(3));
            json["error"]["message"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(snapshot(&sb.dir), before, "config.yaml unchanged");
    messages
}

#[test]
fn a_locked_collection_gives_store_unavailable_and_keeps_the_item() {
    let (kr, sb) = stored("pipeline_sk_locked");
    kr.dbus_send(&[
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.Lock",
        "array:objpath:/org/freedesktop/secrets/collection/login",
    ]);
    let messages = all_unavailable(
        &sb,
        &[
            ("get", r#"{"alias":"a"}"#),
            ("store", r#"{"alias":"a","token":"pipeline_sk_other"}"#),
            ("store", r#"{"alias":"b","token":"pipeline_sk_other"}"#),
            ("erase", r#"{"alias":"a"}"#),
        ],
    );
    assert!(
        messages.iter().all(|m| m.contains("locked")),
        "{messages:?}"
    );
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
    let (kr, sb) = stored("pipeline_sk_frozen");
    kr.signal("STOP");
    let messages = all_unavailable(
        &sb,
        &[
            ("get", r#"{"alias":"a"}"#),
            ("store", r#"{"alias":"a","token":"pipeline_sk_other"}"#),
        ],
    );
    assert!(
        messages
            .iter()
            .all(|m| m.contains("did not answer within 5s")),
        "{messages:?}"
    );
    kr.signal("CONT");
    assert_eq!(
        sb.ok(&["get"], r#"{"alias":"a"}"#)["token"],
        "pipeline_sk_frozen"
    );
}
