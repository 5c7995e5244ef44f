//! Many processes at once, and processes killed mid-write: config.yaml and the keyring must stay
//! consistent, and nothing may be lost or left half-done.

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const URL: &str = "https://www.mystic.ai";

fn spawn(sb: &Sandbox, action: &str, stdin: &str) -> Child {
    let mut child = std::process::Command::new(BIN)
        .arg(action)
        .env_clear()
        .envs(sb.envs())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child
}

/// (exit code, stdout JSON)
fn finish(child: Child) -> (i32, Value) {
    let out = child.wait_with_output().unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

fn aliases_in_file(sb: &Sandbox) -> Vec<String> {
    let doc: serde_yaml::Value = serde_yaml::from_str(&sb.config()).expect("config.yaml parses");
    doc["remotes"]
        .as_sequence()
        .map(|s| {
            s.iter()
                .map(|r| r["alias"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn thirty_two_parallel_stores_all_land() {
    let sb = Sandbox::new();
    let children: Vec<Child> = (0..32)
        .map(|i| {
            spawn(
                &sb,
                "store",
                &format!(r#"{{"alias":"p{i}","token":"pipeline_sk_p{i}"}}"#),
            )
        })
        .collect();
    for child in children {
        let (code, json) = finish(child);
        assert_eq!(code, 0, "{json}");
    }
    let mut aliases = aliases_in_file(&sb);
    aliases.sort();
    let mut expected: Vec<String> = (0..32).map(|i| format!("p{i}")).collect();
    expected.sort();
    assert_eq!(aliases, expected);
    for i in 0..32 {
        assert_eq!(
            sb.lookup(URL, &format!("p{i}")),
            Some(format!("pipeline_sk_p{i}"))
        );
    }
    assert_eq!(mode(&sb.config_path()), 0o600);
}

#[derive(Clone, Debug)]
enum Op {
    Store(String),
    Erase,
    Get,
}

#[derive(Clone, Debug)]
struct Done {
    op: Op,
    /// False for not-found.
    ok: bool,
    /// The token a successful get returned.
    got: Option<String>,
    start: Instant,
    end: Instant,
}

/// Is there an order of `ops` that respects real time (an op that ended before another began
/// comes first), gives every op the result it reported, and ends in `last`?
fn linearizable(ops: &[Done], last: &Option<String>) -> bool {
    fn search(
        ops: &[Done],
        used: &mut Vec<bool>,
        state: Option<String>,
        last: &Option<String>,
    ) -> bool {
        if used.iter().all(|u| *u) {
            return state == *last;
        }
        for i in 0..ops.len() {
            if used[i] {
                continue;
            }
            // Every unused op that ended before this one started must go first.
            let blocked = (0..ops.len()).any(|j| !used[j] && j != i && ops[j].end < ops[i].start);
            if blocked {
                continue;
            }
            let (fits, next) = match &ops[i].op {
                Op::Store(t) => (ops[i].ok, Some(t.clone())),
                Op::Erase => (ops[i].ok == state.is_some(), None),
                Op::Get => (
                    ops[i].ok == state.is_some() && ops[i].got == state,
                    state.clone(),
                ),
            };
            if fits {
                used[i] = true;
                if search(ops, used, next, last) {
                    return true;
                }
                used[i] = false;
            }
        }
        false
    }
    search(ops, &mut vec![false; ops.len()], None, last)
}

#[test]
fn parallel_store_erase_get_on_shared_aliases_is_serialisable() {
    let sb = Sandbox::new();
    let aliases = ["s0", "s1", "s2", "s3"];
    let mut plan = Vec::new();
    for round in 0..2 {
        for a in aliases {
            plan.push((a, Op::Store(format!("pipeline_sk_{a}_{round}"))));
            plan.push((a, Op::Get));
            plan.push((a, Op::Erase));
        }
    }
    // Interleave the aliases so processes on one alias really overlap.
    plan.sort_by_key(|(a, op)| (matches!(op, Op::Erase), *a));
    let running: Vec<(&str, Op, Instant, Child)> = plan
        .into_iter()
        .map(|(alias, op)| {
            let (action, stdin) = match &op {
                Op::Store(t) => ("store", format!(r#"{{"alias":"{alias}","token":"{t}"}}"#)),
                Op::Erase => ("erase", format!(r#"{{"alias":"{alias}"}}"#)),
                Op::Get => ("get", format!(r#"{{"alias":"{alias}"}}"#)),
            };
            (alias, op, Instant::now(), spawn(&sb, action, &stdin))
        })
        .collect();
    let mut by_alias: BTreeMap<&str, Vec<Done>> = BTreeMap::new();
    for (alias, op, start, child) in running {
        let (code, json) = finish(child);
        let end = Instant::now();
        // Only documented outcomes: success, or not-found for an alias another process erased.
        assert!(
            code == 0 || (code == 1 && json["error"]["kind"] == "not-found"),
            "{op:?} {json}"
        );
        by_alias.entry(alias).or_default().push(Done {
            op,
            ok: code == 0,
            got: json["token"].as_str().map(str::to_owned),
            start,
            end,
        });
    }
    let in_file = aliases_in_file(&sb);
    for (alias, ops) in by_alias {
        let in_keyring = sb.lookup(URL, alias);
        assert_eq!(
            in_file.contains(&alias.to_owned()),
            in_keyring.is_some(),
            "{alias}: file and keyring agree"
        );
        assert!(
            linearizable(&ops, &in_keyring),
            "{alias}: no serial order explains {ops:#?} ending in {in_keyring:?}"
        );
    }
}

/// On the kernel keyring: gnome-keyring (42 here, 50 too) aborts when a client is killed while
/// its OpenSession call is in flight (`plain_negotiate: assertion 'session' failed`, then
/// GLib-ERROR), which would take the shared test daemon down with it. What is tested here is the
/// file, the lock and the order of keyring write and rename, which do not depend on the backend.
#[test]
fn a_store_killed_at_any_point_leaves_the_old_or_the_new_file() {
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "keyutils");
    sb.write_config(EXTRA_FIXTURE);
    assert!(sb.run(&["migrate"], "").status.success());
    sb.ok(&["store"], r#"{"alias":"base","token":"pipeline_sk_base"}"#);
    // How long one whole store takes on this machine, so that the kills spread over all of it.
    let mut runs: Vec<Duration> = (0..5)
        .map(|j| {
            let start = Instant::now();
            let stdin = format!(r#"{{"alias":"warm{j}","token":"pipeline_sk_warm"}}"#);
            let out = spawn(&sb, "store", &stdin).wait_with_output().unwrap();
            assert!(out.status.success(), "{out:?}");
            start.elapsed()
        })
        .collect();
    runs.sort();
    let window = runs[2].mul_f64(1.25);
    let (mut killed_before, mut committed) = (0, 0);
    for i in 0..120u64 {
        let before = sb.config();
        let before_aliases = aliases_in_file(&sb);
        let child = spawn(
            &sb,
            "store",
            &format!(r#"{{"alias":"k{i}","token":"pipeline_sk_k{i}"}}"#),
        );
        std::thread::sleep(window.mul_f64(((i * 7919) % 1000) as f64 / 1000.0));
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &child.id().to_string()])
            .status();
        let out = child.wait_with_output().unwrap();
        let after = sb.config();
        let after_aliases = aliases_in_file(&sb);
        if after == before {
            killed_before += u32::from(out.status.code().is_none());
        } else {
            committed += 1;
            let mut expected = before_aliases.clone();
            expected.push(format!("k{i}"));
            assert_eq!(
                after_aliases, expected,
                "iteration {i}: a mix of old and new"
            );
            assert!(after.contains("editor_theme") && after.contains("personal account"));
        }
        assert!(!after.contains("pipeline_sk_"), "iteration {i}");
    }
    eprintln!("killed before the rename: {killed_before}; committed: {committed} of 120");
    assert!(
        killed_before > 10 && committed > 10,
        "the kills must land on both sides of the rename often enough to mean something"
    );
    // No stale lock or temp file blocks the next writer (the harness's watchdog fails a store
    // that hangs), and the next write cleans up.
    sb.ok(
        &["store"],
        r#"{"alias":"after","token":"pipeline_sk_after"}"#,
    );
    let leftovers: Vec<String> = std::fs::read_dir(&sb.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(
        sb.ok(&["get"], r#"{"alias":"base"}"#)["token"],
        "pipeline_sk_base"
    );
}

#[test]
fn a_symlinked_config_is_never_written_through() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(&sb.dir).unwrap();
    let elsewhere = sb.root.path().join("elsewhere.yaml");
    std::fs::write(
        &elsewhere,
        "remotes:\n- alias: a\n  url: https://a.example\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&elsewhere, sb.config_path()).unwrap();
    sb.fails(
        &["store"],
        r#"{"alias":"b","token":"pipeline_sk_link"}"#,
        "config",
        4,
    );
    sb.fails(&["erase"], r#"{"alias":"a"}"#, "config", 4);
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap(),
        "remotes:\n- alias: a\n  url: https://a.example\n"
    );
    assert!(
        std::fs::symlink_metadata(sb.config_path())
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(sb.lookup(URL, "b"), None);
    // Reads follow the link.
    assert_eq!(sb.ok(&["list"], "")["remotes"][0]["alias"], "a");
}

#[test]
fn an_unwritable_config_folder_is_an_io_error_and_changes_nothing() {
    // /proc/self refuses new files even to root, which ignores folder permissions.
    let sb = Sandbox::new().with_dir("/proc/self");
    let (json, code, _) = sb.call(&["store"], r#"{"alias":"ro","token":"pipeline_sk_ro"}"#);
    assert_eq!(
        (json["error"]["kind"].as_str(), code),
        (Some("io"), 6),
        "{json}"
    );
    assert_eq!(sb.lookup(URL, "ro"), None);
}
