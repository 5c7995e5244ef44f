//! `status` on the real binary: what it explains about the SDK's file, its warnings, `--verify`
//! against a real HTTP server on 127.0.0.1, and its exit codes.

use crate::common;
use common::api::{Api, closed_port_url};
use common::*;
use serde_json::Value;

pub(crate) fn warning_codes(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_owned())
        .collect()
}

#[cfg(unix)]
#[test]
fn status_explains_the_sdk_file_and_its_traps() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_env");
    sb.write_config(SDK_FIXTURE);
    std::fs::set_permissions(sb.config_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&sb.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let report = status_json(&sb, &[]);
    let out = sb.run(&["status"], "");
    let table = text(&out.stdout);
    for place in [text(&out.stderr), table.clone(), report.to_string()] {
        assert!(!place.contains("pipeline_sk_"), "{place}");
    }
    assert_eq!(report["remotes"][0]["token"], "file");
    assert_eq!(report["get"]["source"], "env");
    assert_eq!(report["sdk"]["from"], "config");
    assert_eq!(report["sdk"]["token"], "file");
    let codes = warning_codes(&report);
    for code in [
        "plaintext-token",
        "config-readable-by-others",
        "folder-readable-by-others",
        "sdk-ignores-env-token",
    ] {
        assert!(codes.contains(&code.to_owned()), "{code}: {codes:?}");
    }
    assert!(
        table.contains("mystic-api") && table.contains("warning:"),
        "{table}"
    );
}

#[test]
fn status_warns_about_bearer_none_and_a_tokenless_active_remote() {
    let sb = Sandbox::new();
    sb.write_config(
        "active_remote: ghost\nremotes:\n- alias: ghost\n  url: https://ghost.example\n",
    );
    let report = status_json(&sb, &[]);
    assert_eq!(report["remotes"][0]["token"], "missing");
    assert_eq!(report["sdk"]["token"], "none");
    let codes = warning_codes(&report);
    assert!(codes.contains(&"sdk-sends-bearer-none".into()), "{codes:?}");
    assert!(
        codes.contains(&"active-remote-without-token".into()),
        "{codes:?}"
    );

    // After a store, the token lives in the keyring, but the SDK still sees none in the file.
    sb.ok(
        &["store"],
        r#"{"alias":"ghost","url":"https://ghost.example","token":"pipeline_sk_g"}"#,
    );
    let report = status_json(&sb, &[]);
    assert_eq!(report["remotes"][0]["token"], "keyring");
    assert_eq!(report["get"]["source"], "keyring");
    assert!(warning_codes(&report).contains(&"sdk-sends-bearer-none".into()));
}

#[test]
fn status_verify_checks_each_token() {
    let good = Api::start(200);
    let bad = Api::start(401);
    let sb = Sandbox::new();
    sb.ok(
        &["store"],
        &format!(
            r#"{{"alias":"good","url":"{}","token":"pipeline_sk_good"}}"#,
            good.url
        ),
    );
    sb.ok(
        &["store"],
        &format!(
            r#"{{"alias":"bad","url":"{}","token":"pipeline_sk_bad"}}"#,
            bad.url
        ),
    );
    sb.ok(
        &["store"],
        &format!(
            r#"{{"alias":"off","url":"{}","token":"pipeline_sk_off"}}"#,
            closed_port_url()
        ),
    );
    let report = status_json(&sb, &["--verify"]);
    let verdicts: Vec<&str> = report["remotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verified"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["valid", "unauthorized", "network-error"]);
    assert_eq!(
        good.seen()[0].header("authorization"),
        Some("Bearer pipeline_sk_good")
    );
    assert_eq!(
        bad.seen()[0].request_line,
        "GET /v4/tokens/validate HTTP/1.1"
    );
    assert!(!report.to_string().contains("pipeline_sk_"));
}

#[test]
fn status_exits_4_only_for_an_unreadable_config() {
    let sb = Sandbox::new();
    sb.write_config("remotes: [");
    assert_eq!(sb.run(&["status"], "").status.code(), Some(4));
    let missing_bus = Sandbox::new();
    missing_bus.write_config("remotes:\n- alias: a\n  url: https://a.example\n");
    let out = missing_bus
        .cmd()
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["remotes"][0]["token"], "unknown");
    assert!(warning_codes(&report).contains(&"store-unavailable".into()));
}

/// `status` says that the store cannot be reached also when there is no remote yet (the next
/// login needs it).
#[test]
fn status_without_remotes_says_the_store_cannot_be_reached() {
    let sb = Sandbox::without_bus();
    let report = status_json(&sb, &[]);
    assert!(
        warning_codes(&report).contains(&"store-unavailable".to_owned()),
        "{report}"
    );
}
