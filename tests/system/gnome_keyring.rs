//! What gnome-keyring needs from a client, checked against the real daemon on a private bus of
//! the test's own (a daemon that dies here takes no other test with it).
//!
//! gnome-keyring registers a new caller from an idle callback scheduled by its first message;
//! an `OpenSession` served before that aborts the daemon. v1 of this helper opened with
//! `OpenSession` and brought the daemon down within seconds of parallel `get`s.

#![cfg(target_os = "linux")]

use crate::common;
use common::secret_services::{Daemon, Monitor, Service};
use common::*;

fn sandbox(kr: &Daemon) -> Sandbox {
    Sandbox::new().on(kr)
}

/// Runs `n` short-lived helpers one after another; returns the failures (exit code and stderr).
fn loop_of(sb: &Sandbox, n: usize, args: &[&str], stdin: impl Fn(usize) -> String) -> Vec<String> {
    (0..n)
        .filter_map(|i| {
            let out = sb.run(args, stdin(i));
            (!out.status.success()).then(|| {
                format!(
                    "{args:?} #{i}: {:?} {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                )
            })
        })
        .collect()
}

const TWO_REMOTES: &str = "active_remote: hot\nremotes:\n- alias: hot\n  url: https://www.mystic.ai\n- alias: cold\n  url: https://www.mystic.ai\n";

#[test]
fn parallel_short_lived_gets_and_stores_never_crash_the_daemon_or_fail() {
    let kr = Daemon::start(Service::GnomeKeyring);
    let sb = sandbox(&kr);
    sb.ok(&["store"], r#"{"alias":"hot","token":"pipeline_sk_hot"}"#);
    // `hot` has a token (a get opens a session), `cold` has none (a get opens none).
    sb.write_config(TWO_REMOTES);
    let failures: Vec<String> = std::thread::scope(|s| {
        let mut loops = Vec::new();
        for n in 0..6 {
            let sb = &sb;
            loops.push(s.spawn(move || {
                if n < 4 {
                    loop_of(sb, 1000, &["get"], |i| {
                        if i % 2 == 0 { r#"{"alias":"hot"}"# } else { "" }.to_owned()
                    })
                } else {
                    loop_of(sb, 40, &["store"], |i| {
                        format!(
                            r#"{{"alias":"w{n}-{i}","token":"pipeline_sk_{i}","active":false}}"#
                        )
                    })
                }
            }));
            loops.push(s.spawn(move || {
                // Gets that find no item must fail with not-found, nothing else.
                let missed = loop_of(sb, 30, &["get"], |_| r#"{"alias":"cold"}"#.to_owned());
                missed
                    .into_iter()
                    .filter(|f| !f.contains("not-found"))
                    .collect()
            }));
        }
        loops.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(kr.alive(), "gnome-keyring-daemon died");
    assert!(
        failures.is_empty(),
        "{} failed calls: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    // The daemon still serves after the storm, and every store landed.
    assert_eq!(
        sb.ok(&["get"], r#"{"alias":"hot"}"#)["token"],
        "pipeline_sk_hot"
    );
    assert_eq!(
        sb.ok(&["get"], r#"{"alias":"w4-39"}"#)["token"],
        "pipeline_sk_39"
    );
}

#[test]
fn the_first_call_is_search_items_and_a_miss_opens_no_session() {
    let kr = Daemon::start(Service::GnomeKeyring);
    let first = sandbox(&kr);
    first.ok(&["store"], r#"{"alias":"hot","token":"pipeline_sk_order"}"#);
    first.write_config(TWO_REMOTES);
    for algorithm in ["plain", "dh-ietf1024-sha256-aes128-cbc-pkcs7"] {
        let mut sb = sandbox(&kr).with_dir(first.dir.clone());
        sb.prefix = first.prefix.clone();
        if algorithm != "plain" {
            sb = sb.env("MYSTIC_SECRET_SERVICE_ENCRYPTION", "dh");
        }
        let monitor = Monitor::start(&kr);
        sb.fails(&["get"], r#"{"alias":"cold"}"#, "not-found", 1);
        let calls = monitor.stop();
        let only: Vec<&Vec<String>> = calls.values().collect();
        // A miss asks whether the default collection is there and unlocked (a missing or
        // locked one is the cause to report: oo7 hides a locked collection's items), and
        // opens no session.
        assert_eq!(
            only,
            vec![&vec![
                "SearchItems".to_owned(),
                "ReadAlias".to_owned(),
                "Get".to_owned()
            ]],
            "a miss: {calls:?}"
        );

        let monitor = Monitor::start(&kr);
        assert_eq!(
            sb.ok(&["get"], r#"{"alias":"hot"}"#)["token"],
            "pipeline_sk_order"
        );
        sb.ok(
            &["store"],
            r#"{"alias":"c","token":"pipeline_sk_c","active":false}"#,
        );
        sb.ok(&["erase"], r#"{"alias":"c"}"#);
        let calls = monitor.stop();
        assert_eq!(calls.len(), 3, "one client per command: {calls:?}");
        for methods in calls.values() {
            assert_eq!(methods[0], "SearchItems", "{methods:?}");
        }
        let session = format!("OpenSession({algorithm})");
        // The get's client (the erase's reads its item before deleting it, so it has more).
        let get = [String::from("SearchItems"), session, "GetSecret".into()];
        assert!(calls.values().any(|m| *m == get), "{calls:?}");
    }
}

/// Another client deletes the item between a `get`'s search and its read (or a `store`'s search
/// and its write): the helper looks again, so the answer is the token or not-found, never an
/// error.
#[test]
fn gets_racing_erases_answer_token_or_not_found() {
    let kr = Daemon::start(Service::GnomeKeyring);
    let sb = sandbox(&kr);
    let failures: Vec<String> = std::thread::scope(|s| {
        let churn = s.spawn(|| {
            let mut failures = Vec::new();
            for i in 0..150 {
                for (action, stdin) in [
                    (
                        "store",
                        format!(r#"{{"alias":"churn","token":"pipeline_sk_{i}"}}"#),
                    ),
                    ("erase", r#"{"alias":"churn"}"#.to_owned()),
                ] {
                    let out = sb.run(&[action], stdin);
                    if !out.status.success() {
                        failures.push(format!(
                            "{action}: {}",
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                }
            }
            failures
        });
        let readers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    (0..300)
                        .filter_map(|_| {
                            let out = sb.run(&["get"], r#"{"alias":"churn"}"#);
                            let answered = matches!(out.status.code(), Some(0) | Some(1));
                            (!answered).then(|| String::from_utf8_lossy(&out.stderr).into_owned())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all = churn.join().unwrap();
        for r in readers {
            all.extend(r.join().unwrap());
        }
        all
    });
    assert!(kr.alive(), "gnome-keyring-daemon died");
    assert!(
        failures.is_empty(),
        "{} failed: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

/// A gnome-keyring without a login keyring (a fresh account, a session started by hand) has no
/// default collection. A read is a miss (no token of ours can be in a collection that does not
/// exist); a store asks the service to create one, as `secret-tool store` does, and where its
/// password prompt cannot be answered, names the cause with the fix and changes nothing.
#[test]
fn a_missing_default_collection_is_a_miss_for_reads_and_named_by_writes() {
    let kr = Daemon::start_with(Service::GnomeKeyring, &["--no-login"], &[]);
    let sb = sandbox(&kr);
    sb.write_config("remotes:\n- alias: a\n  url: https://www.mystic.ai\n");
    let before = snapshot(&sb.dir);
    sb.fails(&["get"], r#"{"alias":"a"}"#, "not-found", 1);
    let out = sb.run(&["git", "get"], "protocol=https\nhost=www.mystic.ai\n\n");
    assert_eq!(out.status.code(), Some(0), "git's miss: {out:?}");
    assert!(out.stdout.is_empty());
    for input in [
        r#"{"alias":"b","token":"pipeline_sk_b"}"#,
        r#"{"alias":"a","token":"pipeline_sk_a"}"#,
    ] {
        let message = sb.fails(&["store"], input, "store-unavailable", 3);
        assert!(
            message.starts_with("the Secret Service has no default keyring (collection) to keep tokens in. Create one")
                && message.contains("--store keyutils"),
            "{message}"
        );
    }
    assert_eq!(snapshot(&sb.dir), before);
    let status = sb.run(&["status", "--json"], "");
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(report["remotes"][0]["token"], "missing", "{report}");
    // The remote holds no token anywhere: erasing it is a plain erase.
    sb.ok(&["erase"], r#"{"alias":"a"}"#);
}
