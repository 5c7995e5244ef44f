//! What gnome-keyring needs from a client, checked against the real daemon on a private bus of
//! the test's own (a daemon that dies here takes no other test with it).
//!
//! gnome-keyring registers a new caller from an idle callback scheduled by its first message;
//! an `OpenSession` served before that aborts the daemon. v1 of this helper opened with
//! `OpenSession` and brought the daemon down within seconds of parallel `get`s.

#![cfg(system_tests)]
#![cfg(target_os = "linux")]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::*;

fn sandbox(kr: &PrivateKeyring) -> Sandbox {
    Sandbox::new().env("DBUS_SESSION_BUS_ADDRESS", &kr.bus)
}

fn alive(kr: &PrivateKeyring) -> bool {
    Command::new("kill")
        .args(["-0", &kr.pid.to_string()])
        .status()
        .unwrap()
        .success()
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
    let kr = PrivateKeyring::start();
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
    assert!(alive(&kr), "gnome-keyring-daemon died");
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

/// Every method call that each client sent to the Secret Service, as dbus-monitor saw it.
struct Monitor(Child);

impl Monitor {
    fn start(kr: &PrivateKeyring) -> Monitor {
        let mut child = Command::new("dbus-monitor")
            .args([
                "--address",
                &kr.bus,
                "--monitor",
                "type='method_call',destination='org.freedesktop.secrets'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor is installed by scripts/test.sh");
        // Wait until it is listening: it prints its own NameAcquired signal first.
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while out.read_line(&mut line).unwrap() > 0 && !line.contains("NameAcquired") {
            line.clear();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        child.stdout = Some(out.into_inner());
        Monitor(child)
    }

    /// Methods called, per client (unique bus name), in order. An `OpenSession` is written
    /// with its algorithm, as `OpenSession(plain)`.
    fn stop(mut self) -> BTreeMap<String, Vec<String>> {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let _ = self.0.kill();
        let out = self.0.wait_with_output().unwrap();
        let mut calls: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut last: Option<String> = None;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let field = |name: &str| {
                line.split_whitespace()
                    .find_map(|w| w.strip_prefix(name))
                    .map(|v| v.trim_end_matches(';').to_owned())
            };
            if line.starts_with("method call") {
                last = None;
                if let (Some(sender), Some(member)) = (field("sender="), field("member=")) {
                    calls.entry(sender.clone()).or_default().push(member);
                    last = Some(sender);
                }
            } else if let Some(sender) = &last
                && let Some(arg) = line.trim().strip_prefix("string \"")
            {
                let methods = calls.get_mut(sender).unwrap();
                let method = methods.last_mut().unwrap();
                if method == "OpenSession" {
                    *method = format!("OpenSession({})", arg.trim_end_matches('"'));
                }
                last = None;
            }
        }
        calls
    }
}

#[test]
fn the_first_call_is_search_items_and_a_miss_opens_no_session() {
    let kr = PrivateKeyring::start();
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
        // A miss asks whether there is a default collection at all (to name a missing one as
        // the cause), and opens no session.
        assert_eq!(
            only,
            vec![&vec!["SearchItems".to_owned(), "ReadAlias".to_owned()]],
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
    let kr = PrivateKeyring::start();
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
    assert!(alive(&kr), "gnome-keyring-daemon died");
    assert!(
        failures.is_empty(),
        "{} failed: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}
