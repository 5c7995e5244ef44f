//! Leak proof: a canary token goes through every command and every error path we can reach.
//! It may appear only on the stdout of `get`, `token`, `env` (and the $GITHUB_ENV file) and in
//! the `exec` child's output: never on stderr, in any other output, in a panic or backtrace, or in
//! config.yaml (the file store excepted).

mod common;

use common::api::{Api, closed_port_url};
use common::*;

const CANARY: &str = "pipeline_sk_CANARY_7f3a9c";

struct Check {
    sb: Sandbox,
}

impl Check {
    /// Runs a command; its stdout may hold the canary only when `allowed`. Returns stdout.
    fn run(&self, args: &[&str], stdin: &str, allowed: bool) -> String {
        let out = self
            .sb
            .cmd()
            .env("RUST_BACKTRACE", "1")
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        self.judge(args, out, allowed)
    }

    fn judge(&self, args: &[&str], out: std::process::Output, allowed: bool) -> String {
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
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
        assert!(
            !self.sb.config().contains(CANARY),
            "{args:?} leaked into config.yaml"
        );
        stdout
    }
}

#[test]
fn the_canary_appears_only_where_it_belongs() {
    let ok_api = Api::start(200);
    let refusing_api = Api::start(401);
    let c = Check {
        sb: Sandbox::new().env("RUST_BACKTRACE", "1"),
    };
    let store = format!(r#"{{"alias":"a","token":"{CANARY}"}}"#);

    // The happy paths.
    c.run(&["store"], &store, false);
    assert!(c.run(&["get"], "", true).contains(CANARY));
    assert!(c.run(&["get"], r#"{"alias":"a"}"#, true).contains(CANARY));
    assert!(c.run(&["token"], "", true).contains(CANARY));
    for format in ["shell", "dotenv", "json", "github"] {
        assert!(
            c.run(&["env", "--format", format], "", true)
                .contains(CANARY)
        );
    }
    assert!(
        c.run(&["exec", "--", "printenv", "PIPELINE_API_TOKEN"], "", true)
            .contains(CANARY)
    );
    c.run(&["exec", "--", "true"], "", false);
    c.run(&["list"], "", false);
    c.run(&["status"], "", false);
    c.run(&["status", "--json"], "", false);
    c.run(&["use", "a"], "", false);
    c.run(
        &["login", "--alias", "b", "--url", &ok_api.url],
        CANARY,
        false,
    );
    c.run(
        &["login", "--alias", "b", "--url", &ok_api.url, "--no-verify"],
        CANARY,
        false,
    );
    c.run(&["status", "--verify"], "", false);
    c.run(&["logout", "b"], "", false);
    c.run(
        &["store"],
        &format!(
            r#"{{"alias":"r","url":"{}","token":"{CANARY}"}}"#,
            refusing_api.url
        ),
        false,
    );
    c.run(&["status", "--verify", "--json"], "", false);
    c.run(&["erase"], r#"{"alias":"r"}"#, false);

    // The git and docker front ends: only their `get` may answer with the token.
    let git_get = "protocol=https\nhost=www.mystic.ai\nusername=a\n\n";
    assert!(c.run(&["git", "get"], git_get, true).contains(CANARY));
    c.run(
        &["git", "get"],
        "protocol=https\nhost=other.example\n\n",
        false,
    );
    c.run(
        &["git", "store"],
        &format!("protocol=https\nhost=www.mystic.ai\nusername=a\npassword={CANARY}\n\n"),
        false,
    );
    c.run(
        &["git", "store"],
        &format!("protocol=https\nhost=www.mystic.ai\nusername=a\npassword={CANARY}\r\n\n"),
        false,
    );
    c.run(
        &["git", "store"],
        &format!("protocol=https\nhost=www.mystic.ai\nusername=a b\npassword={CANARY} x\n\n"),
        false,
    );
    c.run(
        &["git", "erase"],
        &format!("protocol=https\nhost=www.mystic.ai\nusername=a\npassword={CANARY}x\n\n"),
        false,
    );
    assert!(
        c.run(&["docker", "get"], "www.mystic.ai", true)
            .contains(CANARY)
    );
    c.run(&["docker", "list"], "unused", false);
    c.run(&["docker", "get"], "elsewhere.example", false);
    c.run(
        &["docker", "store"],
        &format!(r#"{{"ServerURL":"www.mystic.ai","Username":"a","Secret":"{CANARY}"}}"#),
        false,
    );
    c.run(
        &["docker", "store"],
        &format!(r#"{{"ServerURL":"www.mystic.ai","Username":"a","Secret":"{CANARY} x"}}"#),
        false,
    );
    c.run(
        &["docker", "store"],
        &format!(r#"{{"ServerURL":"www.mystic.ai","Username":"{CANARY}!","Secret":"{CANARY}"}}"#),
        false,
    );
    c.run(
        &["docker", "store"],
        &format!(r#"{{"ServerURL":"https://{CANARY}@x","Username":"a","Secret":"t"}}"#),
        false,
    );
    c.run(
        &["docker", "store"],
        &format!(r#"{{"ServerURL":"x","Username":"a","Secret":"{CANARY}""#),
        false,
    );
    c.run(&["configure", "docker"], "", false);
    c.run(&["configure", "git"], "", false);

    // Error paths.
    c.run(&["login", "--url", &refusing_api.url], CANARY, false);
    c.run(&["login", "--url", &closed_port_url()], CANARY, false);
    c.run(
        &["login", "--no-verify"],
        &format!("{CANARY} {CANARY}"),
        false,
    );
    for bad in [
        format!(r#"{{"alias":"a","token":"{CANARY}","active":"{CANARY}"}}"#),
        format!(r#"{{"alias":"{CANARY}!","token":"{CANARY}"}}"#),
        format!(r#"{{"alias":"a","token":"{CANARY} "}}"#),
        format!(r#"{{"alias":"a","token":"{CANARY}\n"}}"#),
        format!(r#"{{"alias":"a","url":"https://{CANARY}@x.example","token":"t"}}"#),
        format!(r#"{{"alias":"a","url":"https://x.example/?t={CANARY}","token":"t"}}"#),
        format!(r#"{{"alias":"a","url":"https://x.example/#{CANARY}","token":"t"}}"#),
        format!(r#"{{"alias":"a","token":"t","{CANARY}":1}}"#),
        format!(r#"{{"alias":"a","token":"t","{CANARY}":"{CANARY}"}}"#),
        format!(r#"{{"alias":"a","token":["{CANARY}"]}}"#),
        format!(r#"{{"v":"{CANARY}","alias":"a","token":"t"}}"#),
        format!(r#"{{"alias":"a","token":"{CANARY}"#),
        format!("{}{}", store, " ".repeat(70_000)),
    ] {
        c.run(&["store"], &bad, false);
        c.run(&["get"], &bad, false);
    }
    c.run(&["--store", "file", "get"], r#"{"alias":"a"}"#, false);
    c.run(&["exec", "--", "no-such-command-xyz"], "", false);

    // The keyring is unreachable.
    let out =
        c.sb.cmd()
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .arg("store")
            .write_stdin(store.clone())
            .output()
            .unwrap();
    c.judge(&["store (no bus)"], out, false);

    // The disk is full (see secret_service.rs).
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
    assert_eq!(out.status.code(), Some(6));
    c.judge(&["store (full disk)"], out, false);

    // The environment token's paths.
    let env = Check {
        sb: Sandbox::new().env("PIPELINE_API_TOKEN", CANARY),
    };
    assert!(env.run(&["get"], "", true).contains(CANARY));
    env.run(&["status", "--json"], "", false);
    env.run(&["list"], "", false);
    let bad_env = Check {
        sb: Sandbox::new().env("PIPELINE_API_TOKEN", &format!("{CANARY} x")),
    };
    bad_env.run(&["get"], "", false);
    bad_env.run(&["status"], "", false);
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
    c.run(&["migrate"], "", false);

    // A config.yaml that fails to parse right next to a token must not be quoted back.
    let broken = Check { sb: Sandbox::new() };
    for text in [
        format!("remotes:\n- alias: p\n  url: https://p.example\n  token: {CANARY} x\n"),
        format!("remotes:\n- alias: p\n  url: https://p.example\n  token: [{CANARY}]\n"),
        format!("remotes: {CANARY}\n"),
        format!("active_remote: [{CANARY}]\n"),
        format!("{CANARY}: [\n"),
        format!("remotes:\n- alias: {CANARY}!\n  url: https://{CANARY}@x\n"),
    ] {
        broken.sb.write_config(&text);
        for args in [&["get"][..], &["list"], &["status"], &["store"]] {
            let out = broken
                .sb
                .cmd()
                .args(args)
                .write_stdin(r#"{"alias":"q","token":"t"}"#)
                .output()
                .unwrap();
            let all = String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).into_owned();
            assert!(!all.contains(CANARY), "{args:?} on {text:?}: {all}");
        }
    }
}
