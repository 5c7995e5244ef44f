//! A headless machine as a new user meets it: no D-Bus at all (a server over SSH, a container,
//! a CI runner). The advice the helper gives must work and stick, tokens the SDK wrote must keep
//! working, and HOME may be unset.

#![cfg(target_os = "linux")]

use crate::common;
use common::*;

const NO_BUS: &str = "unix:path=/nonexistent/bus";

/// A sandbox with no Secret Service reachable.
fn headless() -> Sandbox {
    Sandbox::new()
        .env("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
        .env("XDG_RUNTIME_DIR", "/nonexistent")
}

#[test]
fn the_advice_in_the_error_works_and_sticks() {
    let sb = headless();
    let message = sb.fails(
        &["store"],
        r#"{"alias":"a","token":"pipeline_sk_h"}"#,
        "store-unavailable",
        3,
    );
    // Short, about the situation, with the advice first and the bus details last.
    assert!(
        message.starts_with("there is no D-Bus session bus here")
            || message.starts_with("cannot connect to the D-Bus session bus"),
        "{message}"
    );
    let advice = message.find("--store keyutils").expect("names keyutils");
    assert!(
        message.contains("MYSTIC_CREDENTIAL_STORE") && message.contains("--store file"),
        "{message}"
    );
    if let Some(detail) = message.find('(') {
        assert!(
            detail > advice,
            "the details come after the advice: {message}"
        );
    }

    // Taking the advice once, for one command...
    sb.ok(
        &["--store", "file", "store"],
        r#"{"alias":"a","token":"pipeline_sk_h"}"#,
    );
    // ...a plain get and token still work: the token is in config.yaml, the keyring is not there.
    let (got, warning) = sb.ok_warned(&["get"], "");
    assert_eq!(
        (got["token"].as_str(), got["source"].as_str()),
        (Some("pipeline_sk_h"), Some("file"))
    );
    assert!(
        warning.contains("plaintext") && warning.contains("migrate"),
        "{warning}"
    );
    let out = sb.run(&["token"], "");
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "pipeline_sk_h\n".to_owned())
    );
    let status: serde_json::Value =
        serde_json::from_slice(&sb.run(&["status", "--json"], "").stdout).unwrap();
    assert_eq!(status["remotes"][0]["token"], "file", "{status}");
    assert_eq!(status["get"]["source"], "file", "{status}");

    // ...and the choice made once, in the environment, holds for every command.
    let once = headless().env("MYSTIC_CREDENTIAL_STORE", "file");
    once.ok(&["store"], r#"{"alias":"b","token":"pipeline_sk_once"}"#);
    assert_eq!(once.ok(&["get"], "")["token"], "pipeline_sk_once");
}

#[test]
fn a_token_written_by_pipeline_cluster_login_is_served_without_a_keyring() {
    let sb = headless();
    // What `pipeline cluster login` leaves: plaintext, mode 0644, written by the real SDK.
    let script = "from pipeline.configuration import current_configuration as c\n\
                  c.add_remote('mystic-api', 'https://www.mystic.ai', 'pipeline_sk_sdk_plain')";
    stdout_of(
        std::process::Command::new(python())
            .args(["-c", script])
            .env_clear()
            .env("PIPELINE_DIR", &sb.dir)
            .env("HOME", &sb.home),
    );
    let (got, warning) = sb.ok_warned(&["get"], "");
    assert_eq!(got["token"], "pipeline_sk_sdk_plain");
    assert_eq!(got["source"], "file");
    let table = text(&sb.run(&["status"], "").stdout);
    assert!(
        table.contains("mystic-api (plaintext in config.yaml)"),
        "{table}"
    );
    assert!(!table.contains("nothing"), "{table}");

    // The advice names a step that works here, where there is no Secret Service: it does.
    let step = "mystic-credential-helper --store keyutils migrate";
    assert!(
        warning.contains(step) && !warning.contains("into the Secret Service"),
        "{warning}"
    );
    assert!(table.contains(step), "{table}");
    let out = sb.run(&["--store", "keyutils", "migrate"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let got = sb.ok(&["--store", "keyutils", "get"], "");
    assert_eq!(
        (got["token"].as_str(), got["source"].as_str()),
        (Some("pipeline_sk_sdk_plain"), Some("keyring"))
    );
    sb.ok(
        &["--store", "keyutils", "erase"],
        r#"{"alias":"mystic-api"}"#,
    );
}

/// With no remote and no token anywhere, status advises storing one, not running SDK commands
/// through exec (which would have nothing to hand over).
#[test]
fn status_advises_only_what_works_here() {
    let sb = headless();
    let report: serde_json::Value =
        serde_json::from_slice(&sb.run(&["status", "--json"], "").stdout).unwrap();
    let bearer = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "sdk-sends-bearer-none")
        .unwrap_or_else(|| panic!("{report}"));
    let message = bearer["message"].as_str().unwrap();
    assert!(
        message.contains("store one first") && !message.contains("exec"),
        "{message}"
    );
    assert_eq!(report["get"]["source"], "none");
}

/// The primary CI recipe: the secret arrives as PIPELINE_API_TOKEN, no store at all, and exec
/// shields the SDK from whatever config.yaml the runner has.
#[test]
fn the_ci_recipe_needs_no_store() {
    let api = common::api::Api::start(200);
    let other = common::api::Api::start(200);
    let sb = headless()
        .env("PIPELINE_API_TOKEN", "pipeline_sk_ci_secret")
        .env("PIPELINE_API_URL", &api.url);
    // A config.yaml left on the runner, whose active remote the SDK would otherwise use.
    sb.write_config(&format!(
        "active_remote: stale\nremotes:\n- alias: stale\n  url: {}\n  token: pipeline_sk_stale\n",
        other.url
    ));
    let probe =
        "import pipeline.cloud.http as h\nprint(h._get_client().get('/v4/probe').status_code)";
    let out = sb.run(&["exec", "--", &python(), "-c", probe], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let seen = api.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer pipeline_sk_ci_secret")
    );
    assert!(other.seen().is_empty());
}

/// cron and some service managers run without HOME: like Python's `expanduser`, the helper
/// then finds the home folder in the password database. The home is a throwaway folder mounted
/// over the real one in a private mount namespace, so the real one is never touched.
#[test]
fn without_home_the_password_database_names_the_home_folder() {
    if std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap()
        != 0
    {
        eprintln!(
            "SKIPPED without_home_the_password_database_names_the_home_folder: needs root for a private mount namespace"
        );
        return;
    }
    let sb = headless();
    let script = format!(
        "home=$(getent passwd \"$(id -u)\" | cut -d: -f6) && mount --bind '{}' \"$home\" && \
         printf '%s' '{{\"alias\":\"nohome\",\"token\":\"pipeline_sk_nohome\"}}' | \
         env -u HOME -u PIPELINE_DIR '{BIN}' --store file store && \
         env -u HOME -u PIPELINE_DIR '{BIN}' --store file token && ls \"$home/.pipeline\"",
        sb.home.display()
    );
    let out = sb
        .program("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("pipeline_sk_nohome\n") && stdout.contains("config.yaml"),
        "{stdout}"
    );
    // It landed in the folder mounted over the home, which is the sandbox's.
    assert!(sb.home.join(".pipeline/config.yaml").exists());
}
