//! Python clients: config.yaml must read back in PyYAML (YAML 1.1, FullLoader, as the SDK loads it) with every
//! value still a string: an alias like `on` or `1e3` must not become a bool or a number.

use crate::common;
use common::*;
use serde_json::{Value, json};

/// The file as PyYAML's FullLoader reads it, converted to JSON (so types are visible).
fn load_with_pyyaml(path: &std::path::Path) -> Value {
    let script = "import json,sys,yaml\n\
        d=yaml.load(open(sys.argv[1]),Loader=yaml.FullLoader)\n\
        print(json.dumps(d,default=lambda o: {'non-string': repr(o)}))";
    let out = stdout_of(
        std::process::Command::new(python())
            .args(["-c", script])
            .arg(path),
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn yaml_1_1_lookalikes_stay_strings_in_pyyaml() {
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "file");
    let aliases = [
        "on",
        "off",
        "yes",
        "no",
        "y",
        "n",
        "true",
        "False",
        "null",
        "NULL",
        "1e3",
        "1_000",
        "2024-01-01",
        "0x1F",
        "010",
        "0o17",
        "1.0",
        "-1",
        ".inf",
        "-.inf",
        ".nan",
        "0b101",
        "1_0.5",
        "190",
        "Yes",
        "ON",
    ];
    for alias in aliases {
        sb.ok(
            &["store"],
            &json!({"alias": alias, "url": "http://127.0.0.1:8080", "token": "00000000", "active": true})
                .to_string(),
        );
    }
    let doc = load_with_pyyaml(&sb.config_path());
    assert_eq!(doc["active_remote"], json!("ON"), "{doc}");
    let remotes = doc["remotes"].as_array().unwrap();
    assert_eq!(remotes.len(), aliases.len());
    for (remote, alias) in remotes.iter().zip(aliases) {
        assert_eq!(remote["alias"], json!(alias), "{doc}");
        assert_eq!(remote["url"], json!("http://127.0.0.1:8080"));
        // A token of "00000000" (an octal 0 to YAML 1.1) stays that string too.
        assert_eq!(remote["token"], json!("00000000"));
    }
}

#[test]
fn the_sdk_fixture_rewritten_still_loads_in_pyyaml() {
    let sb = Sandbox::new();
    sb.write_config(EXTRA_FIXTURE);
    sb.ok(
        &["store"],
        r#"{"alias":"no","url":"https://www.mystic.ai","token":"pipeline_sk_x"}"#,
    );
    let doc = load_with_pyyaml(&sb.config_path());
    assert_eq!(doc["editor_theme"], "dark");
    assert_eq!(doc["telemetry"]["enabled"], false);
    assert_eq!(doc["remotes"][2]["alias"], "no");
    assert_eq!(doc["active_remote"], "mystic-api");
}
