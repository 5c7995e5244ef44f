//! Leak proof: a canary token goes through every command and every error path we can reach.
//! It may appear only on the stdout of `get`, `token`, `env` (and the $GITHUB_ENV file) and in
//! the output of an `exec --no-mask` child: never on stderr, in any other output (an `exec`
//! child's relayed output included), in a panic or backtrace, or in config.yaml (the file store
//! excepted).

use crate::common;
use common::api::{Api, closed_port_url};
use common::*;

const CANARY: &str = "pipeline_sk_CANARY_7f3a9c";

struct Check {
    sb: Sandbox,
}

impl Check {
    /// Runs a command, which must exit with `code` (so that it reached the path it is meant to
    /// test); its stdout may hold the canary only when `allowed`. Returns stdout.
    fn run(&self, args: &[&str], stdin: &str, code: i32, allowed: bool) -> String {
        let out = self
            .sb
            .cmd()
            .env("RUST_BACKTRACE", "1")
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        self.judge(args, out, code, allowed)
    }

    fn judge(&self, args: &[&str], out: std::process::Output, code: i32, allowed: bool) -> String {
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stdout} {stderr}");
        assert!(
            !stderr.contains(CANARY),
            "{args:?} leaked on stderr: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        if !allowed {
            assert!(
                !stdout.contains(CANARY),
                "{args:?} leaked on stdout: {stdout}"
            );
        }
        // No config.yaml at all (an environment-token sandbox) holds no canary either.
        assert!(
            !self.sb.config_if_any().unwrap_or_default().contains(CANARY),
            "{args:?} leaked into config.yaml"
        );
        stdout
    }
}

#[test]
fn the_canary_appears_only_where_it_belongs() {
    let ok_api = Api::start(200);
    let refusing_api = Api::start(401);
    let github_env = tempfile::NamedTempFile::new().unwrap();
    let c = Check {
        sb: Sandbox::new()
            .env("RUST_BACKTRACE", "1")
            .env("GITHUB_ENV", &github_env.path().display().to_string()),
    };
    let store = format!(r#"{{"alias":"a","token":"{CANARY}"}}"#);

    // The happy paths.
    c.run(&["store"], &store, 0, false);
    assert!(c.run(&["get"], "", 0, true).contains(CANARY));
    assert!(
        c.run(&["get"], r#"{"alias":"a"}"#, 0, true)
            .contains(CANARY)
    );
    assert!(c.run(&["token"], "", 0, true).contains(CANARY));
    for format in ["shell", "dotenv", "json", "github"] {
        assert!(
            c.run(&["env", "--format", format], "", 0, true)
                .contains(CANARY)
        );
    }
    assert!(
        std::fs::read_to_string(github_env.path())
            .unwrap()
            .contains(CANARY)
    );
    // exec's child gets it; what the child prints is concealed unless --no-mask says otherwise.
    assert!(
        c.run(
            &["exec", "--no-mask", "--", "printenv", "PIPELINE_API_TOKEN"],
            "",
            0,
            true
        )
        .contains(CANARY)
    );
    let relayed = c.run(
        &[
            "exec",
            "--",
            "sh",
            "-c",
            "printenv PIPELINE_API_TOKEN; printenv PIPELINE_API_TOKEN >&2; echo \"x${PIPELINE_API_TOKEN}x\"",
        ],
        "",
        0,
        false,
    );
    assert_eq!(
        relayed,
        "<concealed by mystic-credential-helper>\nx<concealed by mystic-credential-helper>x\n"
    );
    c.run(&["exec", "--", "true"], "", 0, false);
    c.run(&["list"], "", 0, false);
    c.run(&["status"], "", 0, false);
    c.run(&["status", "--json"], "", 0, false);
    c.run(&["use", "a"], "", 0, false);
    c.run(
        &["login", "--alias", "b", "--url", &ok_api.url],
        CANARY,
        0,
        false,
    );
    c.run(
        &["login", "--alias", "b", "--url", &ok_api.url, "--no-verify"],
        CANARY,
        0,
        false,
    );
    c.run(&["status", "--verify"], "", 0, false);
    c.run(&["logout", "b"], "", 0, false);
    c.run(
        &["store"],
        &format!(
            r#"{{"alias":"r","url":"{}","token":"{CANARY}"}}"#,
            refusing_api.url
        ),
        0,
        false,
    );
    c.run(&["status", "--verify", "--json"], "", 0, false);
    c.run(&["erase"], r#"{"alias":"r"}"#, 0, false);
}

/// A sandbox holding the canary as remote `a`.
fn with_canary() -> Check {
    let c = Check { sb: Sandbox::new() };
    c.run(
        &["store"],
        &format!(r#"{{"alias":"a","token":"{CANARY}"}}"#),
        0,
        false,
    );
    c
}

#[test]
fn git_answers_only_its_get_with_the_token() {
    let c = with_canary();
    let git_get = "protocol=https\nhost=www.mystic.ai\nusername=a\n\n";
    assert!(c.run(&["git", "get"], git_get, 0, true).contains(CANARY));
    c.run(
        &["git", "get"],
        "protocol=https\nhost=other.example\n\n",
        0,
        false,
    );
    c.run(
        &["git", "store"],
        &format!("protocol=https\nhost=www.mystic.ai\nusername=a\npassword={CANARY}\n\n"),
        0,
        false,
    );
    c.run(
        &["git", "store"],
        &format!("protocol=https\nhost=www.mystic.ai\nusername=a\npassword={CANARY}\r\n\n"),
        2,
        false,
    );
    c.run(
        &["git", "store"],
        &format!("protocol=https\nhost=www.mystic.ai\nusername=a b\npassword={CANARY} x\n\n"),
        2,
        false,
    );
    // Stored quietly in a remote of its own for that host (never another host's).
    c.run(
        &["git", "store"],
        &format!("protocol=https\nhost=other.example\nusername=a\npassword={CANARY}\n\n"),
        0,
        false,
    );
    c.run(
        &["git", "store"],
        &format!("protocol=https\nhost=www.mystic.ai\nusername=a\x07\npassword={CANARY}\n\n"),
        2,
        false,
    );
    c.run(
        &["git", "erase"],
        &format!("protocol=https\nhost=www.mystic.ai\nusername=a\npassword={CANARY}x\n\n"),
        0,
        false,
    );
}

#[test]
fn docker_answers_only_its_get_with_the_token() {
    let c = with_canary();
    assert!(
        c.run(&["docker", "get"], "www.mystic.ai", 0, true)
            .contains(CANARY)
    );
    c.run(&["docker", "list"], "unused", 0, false);
    c.run(&["docker", "get"], "elsewhere.example", 1, false);
    // A url two URL readers would send to different hosts gets no token.
    c.run(
        &["docker", "get"],
        "https://www.mystic.ai\\@evil.example",
        1,
        false,
    );
    for (payload, code) in [
        (
            format!(r#"{{"ServerURL":"www.mystic.ai","Username":"a","Secret":"{CANARY}"}}"#),
            0,
        ),
        (
            format!(r#"{{"ServerURL":"www.mystic.ai","Username":"a","Secret":"{CANARY} x"}}"#),
            1,
        ),
        (
            format!(
                r#"{{"ServerURL":"www.mystic.ai","Username":"{CANARY}\u0007","Secret":"{CANARY}"}}"#
            ),
            1,
        ),
        (
            format!(
                r#"{{"ServerURL":"www.mystic.ai\\@evil.example","Username":"a","Secret":"{CANARY}"}}"#
            ),
            1,
        ),
        (
            format!(r#"{{"ServerURL":"https://{CANARY}@x","Username":"a","Secret":"t"}}"#),
            1,
        ),
        (
            format!(r#"{{"ServerURL":"x","Username":"a","Secret":"{CANARY}""#),
            1,
        ),
        (
            format!(r#"{{"ServerURL":"other.example","Username":"a","Secret":"{CANARY}"}}"#),
            0,
        ),
    ] {
        c.run(&["docker", "store"], &payload, code, false);
    }
    c.run(&["configure", "docker"], "", 0, false);
    c.run(&["configure", "git"], "", 0, false);
}

#[test]
fn error_paths_never_show_the_token() {
    let c = with_canary();
    let refusing_api = Api::start(401);
    let store = format!(r#"{{"alias":"a","token":"{CANARY}"}}"#);
    c.run(&["login", "--url", &refusing_api.url], CANARY, 7, false);
    c.run(&["login", "--url", &closed_port_url()], CANARY, 8, false);
    c.run(
        &["login", "--no-verify"],
        &format!("{CANARY} {CANARY}"),
        2,
        false,
    );
    for bad in [
        format!(r#"{{"alias":"a","token":"{CANARY}","active":"{CANARY}"}}"#),
        format!(r#"{{"alias":"{CANARY}\u0007","token":"{CANARY}"}}"#),
        format!(r#"{{"alias":"a","token":"{CANARY} "}}"#),
        format!(r#"{{"alias":"a","token":"{CANARY}\n"}}"#),
        format!(r#"{{"alias":"a","url":"https://{CANARY}@x.example","token":"tok_tttt"}}"#),
        format!(r#"{{"alias":"a","url":"https://x.example/?t={CANARY}","token":"tok_tttt"}}"#),
        format!(r#"{{"alias":"a","url":"https://x.example/#{CANARY}","token":"tok_tttt"}}"#),
        format!(r#"{{"alias":"a","token":"tok_tttt","{CANARY}":1}}"#),
        format!(r#"{{"alias":"a","token":"tok_tttt","{CANARY}":"{CANARY}"}}"#),
        format!(r#"{{"alias":"a","token":["{CANARY}"]}}"#),
        format!(r#"{{"alias":"a","token":{{"{CANARY}":1}}}}"#),
        format!(r#"{{"alias":"a","token":null,"{CANARY}":null}}"#),
        format!(r#"{{"v":"{CANARY}","alias":"a","token":"tok_tttt"}}"#),
        format!(r#"{{"alias":"a","token":"{CANARY}"#),
        format!(r#""{CANARY}""#),
        format!("{}{}", store, " ".repeat(70_000)),
    ] {
        c.run(&["store"], &bad, 2, false);
        c.run(&["get"], &bad, 2, false);
    }
    c.run(&["--store", "file", "get"], r#"{"alias":"a"}"#, 1, false);
    c.run(&["exec", "--", "no-such-command-xyz"], "", 127, false);

    // The keyring is unreachable.
    let out =
        c.sb.cmd()
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .arg("store")
            .write_stdin(store.clone())
            .output()
            .unwrap();
    c.judge(&["store (no bus)"], out, 3, false);

    // The disk is full (see actions_and_files.rs).
    let out = assert_cmd::Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" store", BIN])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("RUST_BACKTRACE", "1")
        .env("PIPELINE_DIR", &c.sb.dir)
        .env("MYSTIC_KEYRING_SERVICE_PREFIX", &c.sb.prefix)
        .env("DBUS_SESSION_BUS_ADDRESS", bus())
        .write_stdin(format!(r#"{{"alias":"full","token":"{CANARY}"}}"#))
        .output()
        .unwrap();
    c.judge(&["store (full disk)"], out, 6, false);
}

#[test]
fn environment_token_paths_never_show_it_elsewhere() {
    let env = Check {
        sb: Sandbox::new().env("PIPELINE_API_TOKEN", CANARY),
    };
    assert!(env.run(&["get"], "", 0, true).contains(CANARY));
    env.run(&["status", "--json"], "", 0, false);
    env.run(&["list"], "", 0, false);
    let bad_env = Check {
        sb: Sandbox::new().env("PIPELINE_API_TOKEN", &format!("{CANARY} x")),
    };
    bad_env.run(&["get"], "", 4, false);
    bad_env.run(&["status"], "", 0, false);
}

#[test]
fn migrate_and_broken_files_never_leak() {
    let c = Check { sb: Sandbox::new() };
    // Plaintext in the file is the starting point here, so only check outputs.
    c.sb.write_config(&format!(
        "remotes:\n- alias: p\n  url: https://p.example\n  token: {CANARY}\n"
    ));
    for args in [&["migrate", "--dry-run"][..], &["status"], &["list"]] {
        let out = c.sb.cmd().args(args).output().unwrap();
        assert!(
            !String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).contains(CANARY),
            "{args:?}"
        );
    }
    c.run(&["migrate"], "", 0, false);

    // A config.yaml that fails to parse right next to a token must not be quoted back.
    let broken = Check { sb: Sandbox::new() };
    for text in [
        format!("remotes:\n- alias: p\n  url: https://p.example\n  token: {CANARY} x\n"),
        format!("remotes:\n- alias: p\n  url: https://p.example\n  token: [{CANARY}]\n"),
        format!("remotes: {CANARY}\n"),
        format!("active_remote: [{CANARY}]\n"),
        format!("{CANARY}: [\n"),
        // Aliases are shown by design (list, status, errors); a url never is.
        format!("remotes:\n- alias: p\n  url: https://{CANARY}@x\n"),
        format!("remotes:\n- alias: p\n  url: https://x.example/?t={CANARY}\n"),
    ] {
        broken.sb.write_config(&text);
        for args in [&["get"][..], &["list"], &["status"], &["store"]] {
            let out = broken
                .sb
                .cmd()
                .args(args)
                .write_stdin(r#"{"alias":"q","token":"tok_tttt"}"#)
                .output()
                .unwrap();
            let all = String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).into_owned();
            assert!(!all.contains(CANARY), "{args:?} on {text:?}: {all}");
        }
    }
}

/// The helper holds the token in memory, under `exec` for the child's whole life: a crash must
/// not write it to disk in a core file. The child keeps its own default, so it can still dump.
#[cfg(target_os = "linux")]
#[test]
fn a_crashing_helper_writes_no_core_file_but_its_child_still_can() {
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap();
    if pattern.starts_with('|') || pattern.contains('/') {
        eprintln!(
            "SKIPPED: core_pattern {pattern:?} does not write core files into the working folder"
        );
        return;
    }
    let cores = |dir: &std::path::Path| -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("core")
            })
            .count()
    };
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_core_canary");
    for target in ["helper", "child"] {
        let dir = sb.root.path().join(target);
        std::fs::create_dir(&dir).unwrap();
        let mut shell = std::process::Command::new("sh")
            .args([
                "-c",
                "ulimit -c unlimited && exec \"$0\" exec -- sleep 60",
                BIN,
            ])
            .current_dir(&dir)
            .env_clear()
            .envs(sb.envs())
            .spawn()
            .unwrap();
        let helper = shell.id();
        // The helper's child, once it runs.
        let child = (0..500)
            .find_map(|_| {
                std::thread::sleep(std::time::Duration::from_millis(10));
                let children =
                    std::fs::read_to_string(format!("/proc/{helper}/task/{helper}/children"))
                        .ok()?;
                children.split_whitespace().next().map(str::to_owned)
            })
            .expect("exec started its child");
        let victim = if target == "helper" {
            helper.to_string()
        } else {
            child.clone()
        };
        let _ = std::process::Command::new("kill")
            .args(["-ABRT", &victim])
            .status();
        let _ = shell.wait();
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &child])
            .output();
        if target == "helper" {
            // The crashed helper left its private folder; the next exec removes it.
            let left = || {
                std::fs::read_dir(std::env::temp_dir())
                    .unwrap()
                    .flatten()
                    .any(|e| {
                        e.file_name()
                            .to_string_lossy()
                            .starts_with(&format!("mystic-exec-{helper}-"))
                    })
            };
            assert!(left(), "the folder a crash leaves was not found");
            assert_eq!(sb.run(&["exec", "--", "true"], "").status.code(), Some(0));
            assert!(!left(), "the next exec did not remove it");
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        match target {
            "helper" => assert_eq!(cores(&dir), 0, "the helper dumped core"),
            _ => assert_eq!(
                cores(&dir),
                1,
                "the child could not dump core: the test proves nothing"
            ),
        }
    }
}
