//! Replays protocol/vectors against the real binary and Secret Service, and checks every request
//! and response there against protocol/schema, so the specification cannot drift from the code.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn protocol_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol")
}

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(protocol_dir().join("schema").join(name)).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: {value} violates its schema: {errors:?}"
    );
}

/// The action word in argv (after any --store option).
fn action(args: &[String]) -> &str {
    args.iter()
        .find(|a| ["get", "store", "erase", "list"].contains(&a.as_str()))
        .expect("vector step names an action")
}

/// Expected JSON matches actual; an expected error without "message" accepts any message.
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) if e.contains_key("error") => {
            e.get("v") == a.get("v")
                && e["error"]["kind"] == a["error"]["kind"]
                && e["error"]
                    .get("message")
                    .is_none_or(|m| Some(m) == a["error"].get("message"))
        }
        _ => expected == actual,
    }
}

#[test]
fn vectors_replay() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(protocol_dir().join("vectors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "vectors are missing: {files:?}");
    let error_schema = schema("response.error.json");
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let vector: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let mut sb = Sandbox::new();
        if let Some(env) = vector.get("env").and_then(Value::as_object) {
            for (k, v) in env {
                sb = sb.env(k, v.as_str().unwrap());
            }
        }
        if let Some(config) = vector.get("config").and_then(Value::as_str) {
            sb.write_config(config);
        }
        for (i, step) in vector["steps"].as_array().unwrap().iter().enumerate() {
            let what = format!("{name} step {}", i + 1);
            let args: Vec<String> = serde_json::from_value(step["args"].clone()).unwrap();
            let act = action(&args);
            let stdin = step["stdin"].to_string();
            let expected_exit = step["exit"].as_i64().unwrap() as i32;
            if expected_exit != 2 {
                // Requests the helper refuses are allowed to break the schema; the rest must not.
                assert_valid(
                    &schema(&format!("request.{act}.json")),
                    &step["stdin"],
                    &what,
                );
            }
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let (actual, code, stderr) = sb.call(&argv, &stdin);
            assert!(
                matches(&step["stdout"], &actual),
                "{what}: expected {} got {actual} ({stderr})",
                step["stdout"]
            );
            assert_eq!(code, expected_exit, "{what}: {actual}");
            if code == 0 {
                assert_valid(&schema(&format!("response.{act}.json")), &actual, &what);
                // A step may expect one warning line (a plaintext token served from the file).
                match step.get("warning").and_then(Value::as_str) {
                    None => assert!(stderr.is_empty(), "{what}: {stderr}"),
                    Some(w) => assert!(
                        stderr.lines().count() == 1 && stderr.contains(w),
                        "{what}: expected the warning {w:?}, got {stderr:?}"
                    ),
                }
            } else {
                assert_valid(&error_schema, &actual, &what);
            }
        }
    }
}

#[test]
fn hostile_input_corpus() {
    let dir = protocol_dir().join("vectors").join("invalid");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    let error_schema = schema("response.error.json");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let stdin: Vec<u8> = if let Some(s) = case.get("stdin") {
            s.as_str().unwrap().as_bytes().to_vec()
        } else if let Some(f) = case.get("stdin_file") {
            std::fs::read(dir.join(f.as_str().unwrap())).unwrap()
        } else if let Some(h) = case.get("stdin_hex") {
            let h = h.as_str().unwrap();
            (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                .collect()
        } else {
            let r = &case["stdin_repeat"];
            let mut bytes = r["text"]
                .as_str()
                .unwrap()
                .repeat(r["times"].as_u64().unwrap() as usize)
                .into_bytes();
            bytes.extend_from_slice(r["then"].as_str().unwrap().as_bytes());
            bytes
        };
        let sb = Sandbox::new();
        sb.ok(&["store"], r#"{"alias":"a","token":"pipeline_sk_hostile"}"#);
        if let Some(f) = case.get("config_file") {
            std::fs::copy(dir.join(f.as_str().unwrap()), sb.config_path()).unwrap();
        }
        let before = snapshot(&sb.dir);

        let action = case["action"].as_str().unwrap();
        let out = sb.run(&[action], stdin);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let json: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{name}: stdout is not JSON ({e}): {stdout:?}"));
        let kind = case["kind"].as_str().unwrap();
        assert_eq!(json["error"]["kind"], kind, "{name}: {json}");
        let code = match kind {
            "invalid-request" | "unsupported-version" => 2,
            "config" => 4,
            other => panic!("{name}: no exit code for {other}"),
        };
        assert_eq!(out.status.code(), Some(code), "{name}");
        assert_valid(&error_schema, &json, name);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        if let Some(secret) = case.get("secret").and_then(Value::as_str) {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{name}: the message repeats the input: {stdout} {stderr}"
            );
        }
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert_eq!(snapshot(&sb.dir), before, "{name}: the folder changed");
        assert_eq!(
            sb.lookup("https://www.mystic.ai", "a").as_deref(),
            Some("pipeline_sk_hostile"),
            "{name}: the keyring changed"
        );
        assert_eq!(sb.lookup("https://www.mystic.ai", "b"), None, "{name}");
    }
}
