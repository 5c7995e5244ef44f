//! `migrate` on the real binary: plaintext tokens into the keyring once, between stores and back,
//! and what it advises when the keyring cannot be reached.

use crate::common;
#[cfg(target_os = "linux")]
use crate::status::warning_codes;
#[cfg(target_os = "linux")]
use common::api::Api;
use common::*;

#[cfg(unix)]
#[test]
fn migrate_moves_plaintext_tokens_once_and_loses_none() {
    let sb = Sandbox::new();
    sb.write_config(EXTRA_FIXTURE);
    let original = sb.config();

    let out = sb.run(&["migrate", "--dry-run"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Would move"));
    assert_eq!(sb.config(), original, "--dry-run changes nothing");
    assert_eq!(sb.lookup("https://www.mystic.ai", "mystic-api"), None);

    let out = sb.run(&["migrate"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("pipeline_sk_"));
    assert_eq!(
        sb.lookup("https://www.mystic.ai", "mystic-api").as_deref(),
        Some("pipeline_sk_aaaaaaaaaaaaaaaaaaaaaaaa")
    );
    assert_eq!(
        sb.lookup("https://staging.mystic.ai", "staging").as_deref(),
        Some("pipeline_sk_bbbbbbbbbbbbbbbbbbbbbbbb")
    );
    let after = sb.config();
    assert!(!after.contains("pipeline_sk_"), "{after}");
    assert!(after.contains("editor_theme") && after.contains("personal account"));
    assert_eq!(mode(&sb.config_path()), 0o600);

    let out = sb.run(&["migrate"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("nothing to migrate"));
    assert_eq!(sb.config(), after, "a second run is a no-op");
}

#[test]
fn migrate_and_its_dry_run_fail_alike_when_the_keyring_is_unreachable() {
    let sb = Sandbox::new();
    sb.write_config(SDK_FIXTURE);
    let messages: Vec<String> = [&["migrate", "--dry-run"][..], &["migrate"]]
        .iter()
        .map(|args| {
            let out = sb
                .cmd()
                .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
                .args(*args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(3), "{args:?}");
            assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
            let stderr = text(&out.stderr);
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains("store-unavailable") && !stderr.contains("pipeline_sk_"));
            stderr
        })
        .collect();
    assert_eq!(messages[0], messages[1]);
    assert_eq!(sb.config(), SDK_FIXTURE, "byte-identical");
}

/// Tokens kept in another store are seen (`token-in-other-store`) and moved (`migrate --from`);
/// `--store file migrate` moves them back into config.yaml, where the unchanged SDK reads them.
#[cfg(target_os = "linux")]
#[test]
fn tokens_move_between_stores_and_back_to_plaintext() {
    let api = Api::start(200);
    let sb = Sandbox::new();
    for alias in ["one", "two"] {
        let out = sb.run(
            &["--store", "keyutils", "store"],
            format!(
                r#"{{"alias":"{alias}","url":"{}","token":"pipeline_sk_{alias}_moving"}}"#,
                api.url
            ),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let report = status_json(&sb, &[]);
    let codes = warning_codes(&report);
    assert!(
        codes.contains(&"token-in-other-store".to_owned()),
        "{report}"
    );
    assert!(
        report.to_string().contains("migrate --from keyutils"),
        "{report}"
    );

    // The kernel keyring into the Secret Service.
    let out = sb.run(&["migrate", "--from", "keyutils", "--dry-run"], "");
    assert!(
        text(&out.stdout).contains("Would move the token of one"),
        "{out:?}"
    );
    assert!(
        sb.kernel_keys()
            .iter()
            .any(|k| k.starts_with("keyring:one@"))
    );
    let out = sb.run(&["migrate", "--from", "keyutils"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(sb.kernel_keys().is_empty(), "{:?}", sb.kernel_keys());
    for alias in ["one", "two"] {
        let token = format!("pipeline_sk_{alias}_moving");
        assert_eq!(sb.lookup(&api.url, alias), Some(token));
    }
    let report = status_json(&sb, &[]);
    assert!(!warning_codes(&report).contains(&"token-in-other-store".to_owned()));
    assert!(!sb.config().contains("pipeline_sk_"));

    // Going back: from the Secret Service (auto) into config.yaml.
    let out = sb.run(&["--store", "file", "migrate"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("to config.yaml"), "{out:?}");
    assert_eq!(sb.lookup(&api.url, "one"), None);
    assert!(
        sb.config().contains("token: pipeline_sk_one_moving"),
        "{}",
        sb.config()
    );
    assert_eq!(common::mode(&sb.config_path()) & 0o777, 0o600);
    // The SDK on its own sends the plaintext token again.
    let out = std::process::Command::new(python())
        .args([
            "-c",
            "import pipeline.cloud.http as h; h._get_client().get('/v4/back')",
        ])
        .env_clear()
        .env("PIPELINE_DIR", &sb.dir)
        .env("HOME", &sb.home)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let seen = api.seen();
    assert_eq!(
        seen.last().unwrap().header("authorization"),
        Some("Bearer pipeline_sk_one_moving")
    );
    let out = sb.run(&["migrate", "--from", "auto"], "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "auto is the chosen store: {out:?}"
    );
}

/// Where the keyring cannot be reached, `migrate` gives the step that works here, not the
/// stores' general `--store file` (which for migrate would leave the tokens where they are).
#[cfg(target_os = "linux")]
#[test]
fn migrate_without_a_keyring_advises_what_works_here() {
    let sb = Sandbox::without_bus();
    sb.write_config(
        "remotes:\n- alias: a\n  url: https://www.mystic.ai\n  token: pipeline_sk_plain_advice\n",
    );
    let out = sb.run(&["migrate"], "");
    assert_eq!(out.status.code(), Some(3));
    let message = text(&out.stderr);
    assert!(
        message.starts_with("mystic-credential-helper: store-unavailable: "),
        "{message}"
    );
    assert!(!message.contains("--store file"), "{message}");
    assert!(message.contains("--store keyutils migrate"), "{message}");
    assert!(
        sb.config().contains("pipeline_sk_plain_advice"),
        "nothing moved"
    );
}
