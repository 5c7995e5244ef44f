//! A locked or unresponsive Secret Service: fail with store-unavailable, never hang, and never
//! delete anything (git-credential-manager #694 deleted credentials when the keyring was locked).

#![cfg(system_tests)]

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

/// Every case fails with store-unavailable (exit 3) within `bound`, returns a message, and
/// changes no file.
fn all_unavailable(sb: &Sandbox, bound: Duration, cases: &[(&str, &str)]) -> Vec<String> {
    let before = snapshot(&sb.dir);
    let messages = cases
        .iter()
        .map(|(action, input)| {
            let out = sb
                .cmd()
                .arg(action)
                .write_stdin(*input)
                .timeout(bound)
                .output()
                .unwrap();
            assert!(
                out.status.code().is_some(),
                "{action} did not end within {bound:?}"
            );
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
    // At once: where no person can answer an unlock prompt (no DISPLAY, no terminal), a locked
    // collection is reported, never waited on (the deadline is 5 s), and no prompt is shown.
    let messages = all_unavailable(
        &sb,
        Duration::from_secs(2),
        &[
            ("get", r#"{"alias":"a"}"#),
            ("store", r#"{"alias":"a","token":"pipeline_sk_other"}"#),
            ("store", r#"{"alias":"b","token":"pipeline_sk_other"}"#),
            ("erase", r#"{"alias":"a"}"#),
        ],
    );
    for m in &messages {
        assert!(
            m.starts_with("the Secret Service keeps the keyring or the item locked")
                && m.contains("no one can answer its prompt here")
                && !m.contains("did not answer"),
            "{m}"
        );
    }
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
        Duration::from_secs(60),
        &[
            ("get", r#"{"alias":"a"}"#),
            ("store", r#"{"alias":"a","token":"pipeline_sk_other"}"#),
        ],
    );
    assert!(
        messages
            .iter()
            .all(|m| m.starts_with("the Secret Service did not answer within 5s")),
        "{messages:?}"
    );
    kr.signal("CONT");
    assert_eq!(
        sb.ok(&["get"], r#"{"alias":"a"}"#)["token"],
        "pipeline_sk_frozen"
    );
}

/// `status` asks the keyring about every remote; against a frozen daemon the whole command
/// still gives up within the one 5-second deadline (plus start-up), not 5 s per remote.
#[test]
fn status_against_a_frozen_daemon_gives_up_within_one_deadline() {
    let (kr, sb) = stored("pipeline_sk_status");
    let mut config =
        "active_remote: a\nremotes:\n- alias: a\n  url: https://www.mystic.ai\n".to_owned();
    for i in 0..7 {
        config.push_str(&format!("- alias: r{i}\n  url: https://r{i}.example\n"));
    }
    sb.write_config(&config);
    kr.signal("STOP");
    let start = std::time::Instant::now();
    let out = sb
        .cmd()
        .args(["status", "--json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let took = start.elapsed();
    kr.signal("CONT");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        took < Duration::from_secs(9),
        "status took {took:?} for 8 remotes"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let remotes = report["remotes"].as_array().unwrap();
    assert_eq!(remotes.len(), 8);
    assert!(remotes.iter().all(|r| r["token"] == "unknown"), "{report}");
}
