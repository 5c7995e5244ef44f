//! Replays protocol/vectors and the hostile corpus against sandboxes from `fresh`: the real
//! binary with a real keyring (tests/system/vectors.rs, tests/windows/), or `run()` in process
//! with the in-memory store (tests/in_process). Every request and response is checked against
//! protocol/schema.

use std::path::{Path, PathBuf};

use super::Sandbox;

use serde_json::Value;

pub fn protocol_dir() -> PathBuf {
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
        .find(|a| ["get", "store", "erase", "list", "item"].contains(&a.as_str()))
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

/// Makes a fresh sandbox with these extra environment variables.
pub type Fresh<'a> = &'a dyn Fn(&[(String, String)]) -> Sandbox;

pub fn vectors(fresh: Fresh) {
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
        let env: Vec<(String, String)> = vector
            .get("env")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let target = fresh(&env);
        if let Some(config) = vector.get("config").and_then(Value::as_str) {
            target.write_config(config);
        }
        for (i, step) in vector["steps"].as_array().unwrap().iter().enumerate() {
            replay_step(
                &target,
                step,
                &format!("{name} step {}", i + 1),
                &error_schema,
            );
        }
    }
}

fn replay_step(target: &Sandbox, step: &Value, what: &str, error_schema: &jsonschema::Validator) {
    let args: Vec<String> = serde_json::from_value(step["args"].clone()).unwrap();
    let act = action(&args);
    let expected_exit = step["exit"].as_i64().unwrap() as i32;
    if expected_exit != 2 {
        // Requests the helper refuses are allowed to break the schema; the rest must not.
        assert_valid(
            &schema(&format!("request.{act}.json")),
            &step["stdin"],
            what,
        );
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let (stdout, code, stderr) = target.run_text(&argv, step["stdin"].to_string().as_bytes());
    let actual: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{what}: stdout is not one JSON object ({e}): {stdout:?}"));
    assert!(
        stdout.ends_with('\n') && stdout.matches('\n').count() == 1,
        "{what}: {stdout:?}"
    );
    assert!(
        matches(&step["stdout"], &actual),
        "{what}: expected {} got {actual} ({stderr})",
        step["stdout"]
    );
    assert_eq!(code, expected_exit, "{what}: {actual}");
    if code == 0 {
        assert_valid(&schema(&format!("response.{act}.json")), &actual, what);
        // A step may expect one warning line (a plaintext token served from the file).
        match step.get("warning").and_then(Value::as_str) {
            None => assert!(stderr.is_empty(), "{what}: {stderr}"),
            Some(w) => assert!(
                stderr.lines().count() == 1 && stderr.contains(w),
                "{what}: expected the warning {w:?}, got {stderr:?}"
            ),
        }
    } else {
        assert_valid(error_schema, &actual, what);
        assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
    }
}

/// One case of protocol/vectors/invalid/cases.json.
pub struct Case {
    pub name: String,
    pub action: String,
    pub stdin: Vec<u8>,
    pub config_file: Option<PathBuf>,
    pub kind: String,
    pub secret: Option<String>,
}

pub fn hostile_cases() -> Vec<Case> {
    let dir = protocol_dir().join("vectors").join("invalid");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    cases
        .iter()
        .map(|case| {
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
            let text = |k: &str| case.get(k).and_then(Value::as_str).map(str::to_owned);
            Case {
                name: text("name").unwrap(),
                action: text("action").unwrap(),
                stdin,
                config_file: text("config_file").map(|f| dir.join(f)),
                kind: text("kind").unwrap(),
                secret: text("secret"),
            }
        })
        .collect()
}

/// Every hostile case fails with its kind and exit code, one line on stderr, no panic, no value
/// repeated, and changes nothing in the folder or the keyring.
pub fn hostile(fresh: Fresh) {
    let error_schema = schema("response.error.json");
    for case in hostile_cases() {
        let name = &case.name;
        let target = fresh(&[]);
        let (_, code, stderr) = target.run_text(
            &["store"],
            br#"{"alias":"a","token":"pipeline_sk_hostile"}"#,
        );
        assert_eq!(code, 0, "{name}: set-up: {stderr}");
        if let Some(f) = &case.config_file {
            target.copy_config(f);
        }
        let before = target.snapshot();
        let (stdout, code, stderr) = target.run_text(&[&case.action], &case.stdin);
        let json: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{name}: stdout is not JSON ({e}): {stdout:?}"));
        assert_eq!(json["error"]["kind"], case.kind.as_str(), "{name}: {json}");
        let expected = match case.kind.as_str() {
            "invalid-request" | "unsupported-version" => 2,
            "config" => 4,
            other => panic!("{name}: no exit code for {other}"),
        };
        assert_eq!(code, expected, "{name}");
        assert_valid(&error_schema, &json, name);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        if let Some(secret) = &case.secret {
            assert!(
                !stdout.contains(secret.as_str()) && !stderr.contains(secret.as_str()),
                "{name}: the message repeats the input: {stdout} {stderr}"
            );
        }
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert_eq!(target.snapshot(), before, "{name}: the folder changed");
        assert_eq!(
            target.token("https://www.mystic.ai", "a").as_deref(),
            Some("pipeline_sk_hostile"),
            "{name}: the keyring changed"
        );
        assert_eq!(target.token("https://www.mystic.ai", "b"), None, "{name}");
    }
}
