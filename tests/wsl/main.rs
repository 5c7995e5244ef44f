//! WSL: the Linux build keeps tokens in Windows' Credential Manager by running the Windows
//! build as its keyring. Here the Windows build runs under Wine, through a small script given
//! as MYSTIC_WINDOWS_HELPER that stands in for WSL's interop; scripts/test-windows.sh sets up
//! Wine and builds the .exe. Every item is read back by the Windows build itself, with its own
//! config, so the names on both sides are proven to agree.

#![cfg(all(target_os = "linux", wsl_tests))]

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{Sandbox, URL, text};
use serde_json::{Value, json};

const STORE: &str = "Windows Credential Manager (through WSL)";

/// The Windows build and how to run it (`setarch ... wine64`), from scripts/test-windows.sh.
fn windows_build() -> (PathBuf, String) {
    let exe = std::env::var("MYSTIC_TEST_WINDOWS_EXE")
        .expect("MYSTIC_TEST_WINDOWS_EXE is unset: run scripts/test-windows.sh");
    let wine = std::env::var("MYSTIC_TEST_WINE").expect("MYSTIC_TEST_WINE is unset");
    (PathBuf::from(exe), wine)
}

/// A program that runs the Windows build with its arguments, as WSL's interop runs a .exe;
/// `filter` post-processes its stdout (a shell pipeline stage).
fn interop_script(dir: &Path, name: &str, filter: Option<&str>) -> PathBuf {
    let (exe, wine) = windows_build();
    let run = format!("{wine} '{}' \"$@\"", exe.display());
    let body = match filter {
        None => format!("#!/bin/sh\nexec {run}\n"),
        Some(filter) => format!("#!/bin/sh\n{run} | {filter}\n"),
    };
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).unwrap();
    path
}

/// The Linux build on "WSL": no session bus, Wine's prefix, the Windows build as the keyring.
fn wsl() -> Sandbox {
    let sb = Sandbox::without_bus().with_watchdog(Duration::from_secs(60));
    let helper = interop_script(sb.root.path(), "windows-helper", None);
    with_wine(sb).env("MYSTIC_WINDOWS_HELPER", &helper.display().to_string())
}

fn with_wine(sb: Sandbox) -> Sandbox {
    ["WINEPREFIX", "WINEDEBUG"]
        .iter()
        .filter_map(|k| Some((k, std::env::var(k).ok()?)))
        .fold(sb, |sb, (k, v)| sb.env(k, &v))
}

/// The Windows build itself, with a config folder of its own and the sandbox's item prefix.
fn windows_side(sb: &Sandbox, args: &[&str], stdin: &str) -> (Value, i32) {
    let (exe, wine) = windows_build();
    let dir = sb.root.path().join("windows-pipeline");
    std::fs::create_dir_all(&dir).unwrap();
    let mut words = wine.split_whitespace();
    let out = assert_cmd::Command::new(words.next().unwrap())
        .args(words)
        .arg(&exe)
        .args(args)
        .env_clear()
        .envs(std::env::vars().filter(|(k, _)| k.starts_with("WINE") || k == "PATH"))
        .env(
            "PIPELINE_DIR",
            format!("Z:{}", dir.display()).replace('/', "\\"),
        )
        .env("MYSTIC_KEYRING_SERVICE_PREFIX", &sb.prefix)
        .timeout(Duration::from_secs(60))
        .write_stdin(stdin)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    if out.status.code().is_none() {
        // Seen once: the right answer, then no exit code. Wine's own words, for the next time.
        eprintln!(
            "the Windows build under Wine ended without an exit code ({}); its stderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (json, out.status.code().unwrap_or(-1))
}

/// The remote `alias` at the default URL in the Windows build's own config.yaml.
fn windows_config_has(sb: &Sandbox, alias: &str) {
    let dir = sb.root.path().join("windows-pipeline");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.yaml"),
        format!("remotes:\n- alias: {alias}\n  url: {URL}\n"),
    )
    .unwrap();
}

fn windows_get(sb: &Sandbox, alias: &str) -> Option<String> {
    windows_config_has(sb, alias);
    let (json, code) = windows_side(sb, &["get"], &json!({"alias": alias}).to_string());
    match code {
        0 => Some(json["token"].as_str().unwrap().to_owned()),
        1 => None,
        _ => panic!("the Windows build's get failed: {json}"),
    }
}

#[test]
fn store_get_replace_and_erase_from_linux_land_in_credential_manager() {
    let sb = wsl();
    let stored = sb.ok(
        &["--store", "windows", "store"],
        r#"{"alias":"wsl","token":"pipeline_sk_from_linux"}"#,
    );
    assert_eq!(stored["alias"], "wsl");
    // config.yaml stays on the Linux side, without the token.
    assert!(sb.config().contains("alias: wsl") && !sb.config().contains("pipeline_sk"));
    let got = sb.ok(&["--store", "windows", "get"], r#"{"alias":"wsl"}"#);
    assert_eq!(got["token"], "pipeline_sk_from_linux");
    assert_eq!(
        windows_get(&sb, "wsl").as_deref(),
        Some("pipeline_sk_from_linux")
    );

    sb.ok(
        &["--store", "windows", "store"],
        r#"{"alias":"wsl","token":"pipeline_sk_replaced"}"#,
    );
    assert_eq!(
        windows_get(&sb, "wsl").as_deref(),
        Some("pipeline_sk_replaced")
    );

    sb.ok(&["--store", "windows", "erase"], r#"{"alias":"wsl"}"#);
    assert_eq!(windows_get(&sb, "wsl"), None);
    assert!(!sb.config().contains("wsl"));
}

#[test]
fn linux_reads_what_the_windows_build_stored() {
    let sb = wsl();
    windows_config_has(&sb, "fromwin");
    let (json, code) = windows_side(
        &sb,
        &["store"],
        r#"{"alias":"fromwin","token":"pipeline_sk_from_windows"}"#,
    );
    assert_eq!(code, 0, "{json}");
    sb.write_config(&format!("remotes:\n- alias: fromwin\n  url: {URL}\n"));
    let got = sb.ok(&["--store", "windows", "get"], "");
    assert_eq!(got["token"], "pipeline_sk_from_windows");
    windows_side(&sb, &["erase"], r#"{"alias":"fromwin"}"#);
}

#[test]
fn replies_with_crlf_are_read() {
    let sb = Sandbox::without_bus().with_watchdog(Duration::from_secs(60));
    let helper = interop_script(sb.root.path(), "crlf-helper", Some("sed 's/$/\\r/'"));
    let sb = with_wine(sb).env("MYSTIC_WINDOWS_HELPER", &helper.display().to_string());
    sb.ok(
        &["--store", "windows", "store"],
        r#"{"alias":"crlf","token":"pipeline_sk_crlf"}"#,
    );
    let got = sb.ok(&["--store", "windows", "get"], "");
    assert_eq!(got["token"], "pipeline_sk_crlf");
    sb.ok(&["--store", "windows", "erase"], r#"{"alias":"crlf"}"#);
}

#[test]
fn auto_on_wsl_without_a_secret_service_uses_credential_manager() {
    let sb = Sandbox::without_bus().with_watchdog(Duration::from_secs(60));
    // WSL appends the Windows PATH, where mystic-credential-helper.exe is found.
    let windows_path = sb.root.path().join("windows-path");
    std::fs::create_dir(&windows_path).unwrap();
    interop_script(&windows_path, "mystic-credential-helper.exe", None);
    let path = format!(
        "{}:{}",
        std::env::var("PATH").unwrap(),
        windows_path.display()
    );
    let sb = with_wine(sb)
        .env("PATH", &path)
        .env("WSL_DISTRO_NAME", "Debian")
        .env("WSL_INTEROP", "/run/WSL/1_interop");
    sb.ok(&["store"], r#"{"alias":"auto","token":"pipeline_sk_auto"}"#);
    assert_eq!(
        windows_get(&sb, "auto").as_deref(),
        Some("pipeline_sk_auto")
    );
    let out = sb.run(&["status", "--json"], "");
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["store"], STORE, "{status}");
    assert_eq!(status["remotes"][0]["token"], "keyring", "{status}");
    sb.ok(&["erase"], r#"{"alias":"auto"}"#);

    // Without WSL's markers, auto is the Secret Service (and there is none here).
    let not_wsl = Sandbox::without_bus().env("PATH", &path);
    not_wsl.fails(
        &["store"],
        r#"{"alias":"x","token":"pipeline_sk_x"}"#,
        "store-unavailable",
        3,
    );
}

#[test]
fn a_missing_program_or_interop_that_is_off_is_reported_with_the_fix() {
    let sb = Sandbox::without_bus().env("MYSTIC_WINDOWS_HELPER", "/nonexistent/mystic.exe");
    let message = sb.fails(
        &["--store", "windows", "store"],
        r#"{"alias":"m","token":"pipeline_sk_m"}"#,
        "store-unavailable",
        3,
    );
    assert!(
        message.contains("/nonexistent/mystic.exe does not exist")
            && message.contains("MYSTIC_WINDOWS_HELPER"),
        "{message}"
    );
    assert!(sb.config_if_any().is_none(), "nothing was written");

    let off = Sandbox::without_bus().env("WSL_DISTRO_NAME", "Debian");
    let message = off.fails(
        &["--store", "windows", "get"],
        r#"{"alias":"m"}"#,
        "not-found",
        1,
    );
    assert!(message.contains("no remote"), "{message}");
    off.write_config(&format!("remotes:\n- alias: m\n  url: {URL}\n"));
    let message = off.fails(
        &["--store", "windows", "get"],
        r#"{"alias":"m"}"#,
        "store-unavailable",
        3,
    );
    assert!(message.contains("interop is off"), "{message}");
}

#[test]
fn a_hung_program_fails_within_the_deadline() {
    let sb = Sandbox::without_bus().with_watchdog(Duration::from_secs(30));
    let hung = sb.root.path().join("hung");
    std::fs::write(&hung, "#!/bin/sh\nsleep 120\n").unwrap();
    let mut perms = std::fs::metadata(&hung).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&hung, perms).unwrap();
    let sb = sb.env("MYSTIC_WINDOWS_HELPER", &hung.display().to_string());
    sb.write_config(&format!("remotes:\n- alias: h\n  url: {URL}\n"));
    let message = sb.fails(
        &["--store", "windows", "get"],
        r#"{"alias":"h"}"#,
        "store-unavailable",
        3,
    );
    assert!(message.contains("did not answer within 5s"), "{message}");
    // The program's whole group went with it: no `sleep` of ours is left.
    let left = Command::new("pgrep")
        .args(["-f", "sleep 120"])
        .output()
        .unwrap();
    assert!(
        text(&left.stdout).trim().is_empty(),
        "left running: {}",
        text(&left.stdout)
    );
}

#[test]
fn a_token_too_long_for_credential_manager_is_refused_before_anything_is_written() {
    let sb = wsl();
    let long = format!("pipeline_sk_{}", "x".repeat(1300));
    let message = sb.fails(
        &["--store", "windows", "store"],
        &json!({"alias": "long", "token": long}).to_string(),
        "invalid-request",
        2,
    );
    assert!(message.contains("at most 2560"), "{message}");
    assert!(sb.config_if_any().is_none(), "nothing was written");
    assert_eq!(windows_get(&sb, "long"), None);
    // Exactly the limit fits.
    let fits = format!("pipeline_sk_{}", "y".repeat(1280 - 12));
    sb.ok(
        &["--store", "windows", "store"],
        &json!({"alias": "long", "token": fits}).to_string(),
    );
    assert_eq!(windows_get(&sb, "long").as_deref(), Some(fits.as_str()));
    sb.ok(&["--store", "windows", "erase"], r#"{"alias":"long"}"#);
}

/// Orphans in Credential Manager, listed by the Windows build (`item` with `list`) and pruned
/// from Linux; each item is looked up by the Windows build itself.
#[test]
fn orphans_are_listed_and_pruned_in_credential_manager() {
    let sb = wsl().env("MYSTIC_CREDENTIAL_STORE", "windows");
    common::orphans_pruned_from(&sb, &|url, alias| {
        let request = json!({"action": "get", "service": sb.service(url), "user": alias});
        windows_side(&sb, &["item"], &request.to_string()).0["found"] == true
    });
}
