//! Many processes at once, and processes killed mid-write: config.yaml and the keyring must stay
//! consistent, and nothing may be lost or left half-done.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use common::*;
use serde_json::Value;

fn spawn(sb: &Sandbox, action: &str, stdin: &str) -> Child {
    spawn_args(sb, &[action], stdin)
}

fn spawn_args(sb: &Sandbox, args: &[&str], stdin: &str) -> Child {
    spawn_fed(
        std::process::Command::new(BIN)
            .args(args)
            .env_clear()
            .envs(sb.envs())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        stdin,
    )
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
/// comes first), gives every op the result it reported, and leads from `first` to `last`?
fn linearizable(ops: &[Done], first: Option<String>, last: &Option<String>) -> bool {
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
    search(ops, &mut vec![false; ops.len()], first, last)
}

/// Runs one operation on `alias` as a process of its own, timing it from spawn to exit.
fn timed(sb: &Sandbox, alias: &str, op: Op) -> Done {
    let (action, stdin) = match &op {
        Op::Store(t) => ("store", format!(r#"{{"alias":"{alias}","token":"{t}"}}"#)),
        Op::Erase => ("erase", format!(r#"{{"alias":"{alias}"}}"#)),
        Op::Get => ("get", format!(r#"{{"alias":"{alias}"}}"#)),
    };
    let start = Instant::now();
    let (code, json) = finish(spawn(sb, action, &stdin));
    let end = Instant::now();
    // Only documented outcomes: success, or not-found for an alias another process erased.
    assert!(
        code == 0 || (code == 1 && json["error"]["kind"] == "not-found"),
        "{op:?} {json}"
    );
    Done {
        op,
        ok: code == 0,
        got: json["token"].as_str().map(str::to_owned),
        start,
        end,
    }
}

#[test]
fn parallel_store_erase_get_on_shared_aliases_is_serialisable() {
    let sb = Sandbox::new();
    let aliases = ["s0", "s1", "s2", "s3"];
    // Each alias starts with a token, so that gets have something to see.
    for a in aliases {
        sb.ok(
            &["store"],
            &format!(r#"{{"alias":"{a}","token":"pipeline_sk_{a}_init"}}"#),
        );
    }
    let plan = |a: &str| {
        vec![
            Op::Get,
            Op::Store(format!("pipeline_sk_{a}_1")),
            Op::Get,
            Op::Erase,
            Op::Get,
            Op::Store(format!("pipeline_sk_{a}_2")),
            Op::Get,
        ]
    };
    // Every operation of every alias at once, each timed by a thread of its own.
    let by_alias: BTreeMap<&str, Vec<Done>> = std::thread::scope(|s| {
        let running: Vec<_> = aliases
            .iter()
            .flat_map(|a| plan(a).into_iter().map(move |op| (*a, op)))
            .map(|(a, op)| (a, s.spawn(|| timed(&sb, a, op))))
            .collect();
        let mut by_alias: BTreeMap<&str, Vec<Done>> = BTreeMap::new();
        for (a, handle) in running {
            by_alias.entry(a).or_default().push(handle.join().unwrap());
        }
        by_alias
    });
    let in_file = aliases_in_file(&sb);
    let mut gets_that_saw_a_token = 0;
    for (alias, ops) in by_alias {
        let in_keyring = sb.lookup(URL, alias);
        assert_eq!(
            in_file.contains(&alias.to_owned()),
            in_keyring.is_some(),
            "{alias}: file and keyring agree"
        );
        let first = Some(format!("pipeline_sk_{alias}_init"));
        assert!(
            linearizable(&ops, first, &in_keyring),
            "{alias}: no serial order explains {ops:#?} ending in {in_keyring:?}"
        );
        gets_that_saw_a_token += ops
            .iter()
            .filter(|d| matches!(d.op, Op::Get) && d.got.is_some())
            .count();
    }
    eprintln!("{gets_that_saw_a_token} of 16 gets saw a token");
    assert!(
        gets_that_saw_a_token > 0,
        "no get saw a token: the check of what gets see never ran"
    );
}

/// Processes SIGKILLed mid-operation, on the kernel keyring (see the first test's comment).
#[cfg(target_os = "linux")]
mod kills {
    use super::*;

    /// The median length of five runs of `action` with `stdin(j)`, each run waited for, so that kills
    /// can be spread over the whole of one.
    fn measured(sb: &Sandbox, setup: impl Fn(usize), stdin: impl Fn(usize) -> String) -> Duration {
        let mut runs: Vec<Duration> = (0..5)
            .map(|j| {
                setup(j);
                let start = Instant::now();
                let out = spawn(sb, "store", &stdin(j)).wait_with_output().unwrap();
                assert!(out.status.success(), "{out:?}");
                start.elapsed()
            })
            .collect();
        runs.sort();
        runs[2]
    }

    /// Starts a store and SIGKILLs it after `delay`.
    fn kill_after(sb: &Sandbox, stdin: &str, delay: Duration) {
        kill_run_after(sb, &["store"], stdin, delay);
    }

    /// Starts the helper with `args` and SIGKILLs it after `delay`.
    fn kill_run_after(sb: &Sandbox, args: &[&str], stdin: &str, delay: Duration) {
        let child = spawn_args(sb, args, stdin);
        std::thread::sleep(delay);
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &child.id().to_string()])
            .status();
        child.wait_with_output().unwrap();
    }

    /// The i-th of `n` delays, spread evenly (in a scrambled order) over 1.25 times `length`.
    fn spread(i: u64, n: u64, length: Duration) -> Duration {
        length.mul_f64(1.25 * ((i * 7919) % n) as f64 / n as f64)
    }

    /// Where `n` or more kills landed: `kill(i, delay)` kills the i-th store after `delay` and
    /// says where it landed. It goes on (up to 3n kills) until `enough`. A store runs slower
    /// when the machine is busier than when it was measured, so every 20 kills of which none
    /// landed `last` (after the whole store) stretch the spread by half.
    fn kills_landed(
        n: u64,
        mut length: Duration,
        last: &'static str,
        enough: impl Fn(&BTreeMap<&'static str, u32>) -> bool,
        mut kill: impl FnMut(u64, Duration) -> &'static str,
    ) -> BTreeMap<&'static str, u32> {
        let mut landed: BTreeMap<&'static str, u32> = BTreeMap::new();
        let mut last_in_round = 0;
        for i in 0..3 * n {
            if i >= n && enough(&landed) {
                break;
            }
            let state = kill(i, spread(i, n, length));
            *landed.entry(state).or_default() += 1;
            last_in_round += u32::from(state == last);
            if i % 20 == 19 {
                if last_in_round == 0 {
                    length = length.mul_f64(1.5);
                }
                last_in_round = 0;
            }
        }
        eprintln!("kills: {landed:?}");
        assert!(
            enough(&landed),
            "the kills must land mid-operation often enough to mean something: {landed:?}"
        );
        landed
    }

    /// How many kills landed `state`.
    fn count(landed: &BTreeMap<&str, u32>, state: &str) -> u32 {
        landed.get(state).copied().unwrap_or(0)
    }

    /// On the kernel keyring: gnome-keyring (42 here, 50 too) aborts when a client is killed while
    /// its OpenSession call is in flight (`plain_negotiate: assertion 'session' failed`, then
    /// GLib-ERROR). What is tested here is the file, the lock and the order of keyring writes and
    /// rename, which do not depend on the backend.
    #[test]
    fn a_store_killed_at_any_point_leaves_the_old_or_the_new_file() {
        let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "keyutils");
        sb.write_config(EXTRA_FIXTURE);
        assert!(sb.run(&["migrate"], "").status.success());
        sb.ok(&["store"], r#"{"alias":"base","token":"pipeline_sk_base"}"#);
        let length = measured(
            &sb,
            |_| {},
            |j| format!(r#"{{"alias":"warm{j}","token":"pipeline_sk_warm"}}"#),
        );
        // Where each kill landed: before the keyring write, between it and the rename, after.
        let enough = |landed: &BTreeMap<&str, u32>| {
            count(landed, "before") >= 5
                && count(landed, "between") >= 5
                && count(landed, "after") >= 10
        };
        kills_landed(120, length, "after", enough, |i, delay| {
            let before = sb.config();
            let before_aliases = aliases_in_file(&sb);
            let stdin = format!(r#"{{"alias":"k{i}","token":"pipeline_sk_k{i}"}}"#);
            kill_after(&sb, &stdin, delay);
            let after = sb.config();
            assert!(!after.contains("pipeline_sk_"), "iteration {i}");
            let key_written = sb
                .kernel_keys()
                .iter()
                .any(|d| d.starts_with(&format!("keyring:k{i}@")));
            if after == before {
                return if key_written { "between" } else { "before" };
            }
            let mut expected = before_aliases;
            expected.push(format!("k{i}"));
            assert_eq!(
                aliases_in_file(&sb),
                expected,
                "iteration {i}: a mix of old and new"
            );
            assert!(
                key_written,
                "iteration {i}: config.yaml names a remote before its token exists"
            );
            assert!(after.contains("editor_theme") && after.contains("personal account"));
            "after"
        });
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

    /// `--store file migrate` (going back to plaintext) killed anywhere: each remote's token is
    /// in the kernel keyring, in config.yaml, or both; never in neither.
    #[test]
    fn going_back_to_plaintext_killed_at_any_point_loses_no_token() {
        let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "keyutils");
        let aliases = ["one", "two", "three"];
        let put = |round: u64| {
            for alias in aliases {
                sb.ok(
                    &["store"],
                    &format!(r#"{{"alias":"{alias}","token":"pipeline_sk_{alias}_{round}"}}"#),
                );
            }
        };
        let back = ["--store", "file", "migrate"];
        let length = {
            let mut runs: Vec<Duration> = (0..5)
                .map(|j| {
                    put(1000 + j);
                    let start = Instant::now();
                    assert!(spawn_args(&sb, &back, "").wait().unwrap().success());
                    start.elapsed()
                })
                .collect();
            runs.sort();
            runs[2]
        };
        let enough = |landed: &BTreeMap<&str, u32>| {
            count(landed, "before") >= 5
                && count(landed, "between") >= 5
                && count(landed, "after") >= 5
        };
        kills_landed(80, length, "after", enough, |i, delay| {
            put(i);
            kill_run_after(&sb, &back, "", delay);
            let config = sb.config();
            let keys = sb.kernel_keys();
            let (mut in_file, mut in_keyring) = (0, 0);
            for alias in aliases {
                let token = format!("pipeline_sk_{alias}_{i}");
                let (got, code, stderr) = sb.call(&["get"], &format!(r#"{{"alias":"{alias}"}}"#));
                assert_eq!(code, 0, "iteration {i}: {alias} lost its token: {stderr}");
                assert_eq!(got["token"], token.as_str(), "iteration {i}: {alias}");
                in_file += usize::from(config.contains(&token));
                in_keyring += usize::from(
                    keys.iter()
                        .any(|k| k.starts_with(&format!("keyring:{alias}@"))),
                );
            }
            match (in_file, in_keyring) {
                (0, 3) => "before",
                (3, 3) => "between",
                (3, 0) => "after",
                (3, _) => "while deleting",
                other => panic!("iteration {i}: a mix {other:?}: {config}"),
            }
        });
    }

    /// A store that moves a remote to a new url, killed anywhere: `get` finds the old url with the
    /// old token, or the new url with the new token; never nothing.
    #[test]
    fn a_store_moving_a_remote_killed_at_any_point_never_loses_its_token() {
        const OLD: &str = "https://old.example";
        const NEW: &str = "https://new.example";
        let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "keyutils");
        let at_old = |alias: &str| {
            sb.ok(
                &["store"],
                &format!(
                    r#"{{"alias":"{alias}","url":"{OLD}","token":"pipeline_sk_old_{alias}"}}"#
                ),
            );
        };
        let moved = |alias: &str| {
            format!(r#"{{"alias":"{alias}","url":"{NEW}","token":"pipeline_sk_new_{alias}"}}"#)
        };
        let length = measured(
            &sb,
            |j| at_old(&format!("warm{j}")),
            |j| moved(&format!("warm{j}")),
        );
        // Where each kill landed, by what is on disk and in the keyring afterwards.
        let enough = |landed: &BTreeMap<&str, u32>| {
            count(landed, "between the new item and the rename") >= 5 && count(landed, "after") >= 5
        };
        kills_landed(80, length, "after", enough, |i, delay| {
            let alias = format!("m{i}");
            at_old(&alias);
            kill_after(&sb, &moved(&alias), delay);
            let (json, code, stderr) = sb.call(&["get"], &format!(r#"{{"alias":"{alias}"}}"#));
            assert_eq!(code, 0, "iteration {i}: the token is lost: {json} {stderr}");
            let pair = (
                json["url"].as_str().unwrap(),
                json["token"].as_str().unwrap(),
            );
            let old_token = format!("pipeline_sk_old_{alias}");
            let new_token = format!("pipeline_sk_new_{alias}");
            assert!(
                pair == (OLD, old_token.as_str()) || pair == (NEW, new_token.as_str()),
                "iteration {i}: {pair:?}"
            );
            let keys = sb.kernel_keys();
            let has = |url: &str| {
                keys.iter()
                    .any(|d| *d == format!("keyring:{alias}@{}", sb.service(url)))
            };
            match (pair.0 == NEW, has(OLD), has(NEW)) {
                (false, true, false) => "before the new item",
                (false, true, true) => "between the new item and the rename",
                (true, true, true) => "between the rename and the old item's deletion",
                (true, false, true) => "after",
                other => panic!("iteration {i}: impossible state {other:?}"),
            }
        });
    }
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

fn mkfifo(path: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// A generous bound for "at once": far below the harness's watchdog, far above any real run.
const AT_ONCE: Duration = Duration::from_secs(10);

/// Runs `args` with `stdin`; it must end within `AT_ONCE` with `kind` and its exit code.
fn fails_at_once(sb: &Sandbox, args: &[&str], stdin: &str, kind: &str, code: i32) -> String {
    let out = sb
        .cmd()
        .args(args)
        .write_stdin(stdin)
        .timeout(AT_ONCE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?} did not end at once: {stderr}"
    );
    assert!(
        stderr.contains(&format!(": {kind}: ")),
        "{args:?}: {stderr}"
    );
    stderr
}

#[test]
fn a_config_that_is_a_fifo_a_device_or_huge_fails_at_once() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(&sb.dir).unwrap();
    mkfifo(&sb.config_path());
    for (action, stdin) in [
        ("get", ""),
        ("list", ""),
        ("store", r#"{"alias":"a","token":"pipeline_sk_fifo"}"#),
        ("erase", r#"{"alias":"a"}"#),
    ] {
        let stderr = fails_at_once(&sb, &[action], stdin, "config", 4);
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
    // The failed store released the lock: with a real file again, the next store goes through.
    std::fs::remove_file(sb.config_path()).unwrap();
    sb.ok(&["store"], r#"{"alias":"a","token":"pipeline_sk_fifo"}"#);

    std::fs::remove_file(sb.config_path()).unwrap();
    std::os::unix::fs::symlink("/dev/zero", sb.config_path()).unwrap();
    for action in ["get", "list"] {
        fails_at_once(&sb, &[action], "", "config", 4);
    }
    std::fs::remove_file(sb.config_path()).unwrap();

    // 5 MiB of comments: valid YAML, but far beyond any real config.yaml; refused unread.
    let huge = "# padding\n".repeat(512 * 1024);
    sb.write_config(&huge);
    for (action, stdin) in [
        ("get", ""),
        ("store", r#"{"alias":"b","token":"pipeline_sk_huge"}"#),
    ] {
        let stderr = fails_at_once(&sb, &[action], stdin, "config", 4);
        assert!(stderr.contains("larger than 4 MiB"), "{stderr}");
    }
    assert_eq!(sb.config().len(), huge.len(), "left as it was");
    assert_eq!(sb.lookup(URL, "b"), None);
}

#[test]
fn github_env_that_is_a_fifo_fails_at_once() {
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_gh");
    let fifo = sb.root.path().join("github_env");
    mkfifo(&fifo);
    let out = sb
        .cmd()
        .env("GITHUB_ENV", &fifo)
        .args(["env", "--format", "github"])
        .timeout(AT_ONCE)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn erasing_an_unknown_alias_needs_no_keyring() {
    // No Secret Service at all: what needs no token must not fail for the keyring's sake.
    let sb = Sandbox::new().env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    sb.write_config("active_remote: a\nremotes:\n- alias: a\n  url: https://www.mystic.ai\n");
    sb.fails(&["erase"], r#"{"alias":"nope"}"#, "not-found", 1);
    sb.fails(&["get"], r#"{"alias":"nope"}"#, "not-found", 1);
    sb.ok(&["list"], "");
    assert!(sb.run(&["use", "a"], "").status.success());
    sb.fails(&["erase"], r#"{"alias":"a"}"#, "store-unavailable", 3);
    assert!(
        sb.config().contains("alias: a"),
        "the failed erase changed nothing"
    );
}
