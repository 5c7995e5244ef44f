//! git's own test suite for external credential helpers (t/t0303-credential-external.sh from
//! git 2.47.3, built by scripts/git-test-suite.sh), run against `git-credential-mystic` on each
//! store. It passes everything except what a Mystic API token store cannot mean, each listed
//! in protocol/PROTOCOL.md.

#![cfg(target_os = "linux")]

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::common;
use common::secret_services::{Daemon, Service};
use common::*;

/// The t0303 cases the helper does not pass, by design.
const DOCUMENTED: [&str; 5] = [
    // Credentials are per origin: git's `credential.useHttpPath` paths are not kept.
    "requires matching path",
    // A Mystic API token is never empty (nor is an alias).
    "can store empty username",
    // Tokens have no expiry the helper keeps, and no OAuth refresh token.
    "gets password_expiry_utc",
    "overwrites when password_expiry_utc changes",
    "gets oauth_refresh_token",
];

/// Runs t0303 with the helper reachable as `mystic`; returns the names of the failed cases and
/// the number of cases run.
fn run_t0303(sb: &Sandbox, extra_setup: &str) -> (BTreeSet<String>, usize) {
    let source = PathBuf::from(std::env::var("MYSTIC_TEST_GIT_SOURCE").expect(
        "MYSTIC_TEST_GIT_SOURCE is unset: run the tests with scripts/test.sh (it builds git's test suite)",
    ));
    let bin = sb.root.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(BIN, bin.join("git-credential-mystic")).unwrap();
    // test-lib.sh resets much of the environment; the setup line sets what the helper needs.
    let mut setup = String::new();
    for (key, value) in sb.envs() {
        if [
            "PIPELINE_DIR",
            "MYSTIC_KEYRING_SERVICE_PREFIX",
            "DBUS_SESSION_BUS_ADDRESS",
        ]
        .contains(&key.as_str())
        {
            setup.push_str(&format!("export {key}={}; ", shell_words(&value)));
        }
    }
    setup.push_str(extra_setup);
    let trash = sb.root.path().join("trash");
    let out = std::process::Command::new("sh")
        .arg("t0303-credential-external.sh")
        .arg("-v")
        .arg(format!("--root={}", trash.display()))
        .current_dir(source.join("t"))
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("GIT_TEST_CREDENTIAL_HELPER", "mystic")
        .env("GIT_TEST_CREDENTIAL_HELPER_SETUP", setup)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut failed = BTreeSet::new();
    let mut ran = 0;
    for line in stdout.lines() {
        let case = |rest: &str| {
            rest.split_once(" - ")
                .map(|(_, name)| name.trim_start_matches("helper (mystic) ").to_owned())
        };
        if let Some(rest) = line.strip_prefix("not ok ") {
            ran += 1;
            failed.insert(case(rest).unwrap());
        } else if line.starts_with("ok ") {
            ran += 1;
        }
    }
    assert!(
        ran >= 21,
        "t0303 did not run: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (failed, ran)
}

fn shell_words(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

fn documented() -> BTreeSet<String> {
    DOCUMENTED.iter().map(|s| s.to_string()).collect()
}

#[test]
fn t0303_on_each_secret_service() {
    for service in Service::ALL {
        let mut daemon = Daemon::for_test(service);
        let mut sb = Sandbox::new().on(&daemon);
        let (mut failed, _) = run_t0303(&sb, "");
        // KeePassXC 2.7.4 sometimes dies of SIGSEGV under a loaded machine (an upstream
        // fault, see docs/design.md): once, with a fresh one, the suite runs again.
        if service == Service::KeePassXc && !daemon.alive() {
            eprintln!("KeePassXC died during t0303; running it again on a fresh one");
            daemon = Daemon::for_test(service);
            sb = Sandbox::new().on(&daemon);
            (failed, _) = run_t0303(&sb, "");
            assert!(daemon.alive(), "KeePassXC died twice during t0303");
        }
        assert_eq!(failed, documented(), "{}", service.name());
        // Nothing left behind: t0303 cleans up after itself, and so does the helper.
        let listed = sb.ok(&["list"], "");
        assert_eq!(
            listed["remotes"],
            serde_json::json!([]),
            "{}: {listed}",
            service.name()
        );
    }
}

#[test]
fn t0303_on_the_kernel_keyring() {
    let sb = Sandbox::new();
    let (failed, _) = run_t0303(&sb, "export MYSTIC_CREDENTIAL_STORE=keyutils; ");
    assert_eq!(failed, documented());
    assert!(sb.kernel_keys().is_empty(), "{:?}", sb.kernel_keys());
}
