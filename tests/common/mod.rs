//! Shared harness for the integration tests: each test gets its own HOME, PIPELINE_DIR and
//! keyring service prefix, and drives the real binary against the private Secret Service that
//! scripts/test.sh starts. Nothing here reads or writes the user's own keyring or ~/.pipeline.
#![allow(dead_code)]

pub mod api;
pub mod in_process;
#[cfg(target_os = "linux")]
pub mod kernel_keys;
#[cfg(target_os = "linux")]
pub mod other_user;
#[cfg(target_os = "linux")]
pub mod pty;
pub mod replay;
#[cfg(target_os = "linux")]
pub mod secret_services;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_mystic-credential-helper");

/// The private session bus; running the tests any other way is a set-up error, not a skip.
pub fn bus() -> String {
    std::env::var("DBUS_SESSION_BUS_ADDRESS").expect(
        "DBUS_SESSION_BUS_ADDRESS is unset: run the tests with scripts/test.sh, which starts a private Secret Service",
    )
}

/// How long any one process under test may run before it counts as hung.
pub const WATCHDOG: std::time::Duration = std::time::Duration::from_secs(120);

/// A test's own HOME, PIPELINE_DIR and keyring service prefix. Dropping it removes the folder and
/// every kernel key whose name holds the prefix, so no test leaves a key behind.
pub struct Sandbox {
    pub root: tempfile::TempDir,
    pub home: PathBuf,
    pub dir: PathBuf,
    pub prefix: String,
    /// The session bus of its Secret Service (scripts/test.sh's shared gnome-keyring unless
    /// `on` names another).
    pub bus: String,
    extra_env: Vec<(String, String)>,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home");
        std::fs::create_dir(&home).unwrap();
        let dir = home.join(".pipeline");
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let prefix = format!(
            "mystic-test-{}-{}-{nanos}:",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        Sandbox {
            root,
            home,
            dir,
            prefix,
            bus: bus(),
            extra_env: Vec::new(),
        }
    }

    /// Talk to this Secret Service instead of the shared one.
    #[cfg(target_os = "linux")]
    pub fn on(mut self, daemon: &secret_services::Daemon) -> Self {
        self.bus = daemon.bus.clone();
        self
    }

    /// Kernel keys (any keyring the helper uses) whose description holds this sandbox's prefix.
    #[cfg(target_os = "linux")]
    pub fn kernel_keys(&self) -> Vec<String> {
        kernel_keys::matching(&self.prefix)
    }

    /// Use the real `mystic:` prefix (tests that do this use aliases of their own).
    pub fn with_default_prefix(mut self) -> Self {
        self.prefix = "mystic:".into();
        self
    }

    /// Point PIPELINE_DIR somewhere else.
    pub fn with_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.extra_env.push((key.into(), value.into()));
        self
    }

    /// The whole environment a sandboxed process gets (later entries win).
    pub fn envs(&self) -> Vec<(String, String)> {
        let mut vars = vec![
            ("PATH".to_owned(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".to_owned(), self.home.display().to_string()),
            ("PIPELINE_DIR".to_owned(), self.dir.display().to_string()),
            (
                "MYSTIC_KEYRING_SERVICE_PREFIX".to_owned(),
                self.prefix.clone(),
            ),
            ("DBUS_SESSION_BUS_ADDRESS".to_owned(), self.bus.clone()),
        ];
        vars.extend(self.extra_env.iter().cloned());
        vars
    }

    /// Any program with a clean environment: only what this sandbox sets. A watchdog, not a
    /// performance bound: a process that hangs is killed and the test fails instead of hanging.
    pub fn program(&self, program: impl AsRef<std::ffi::OsStr>) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::new(program);
        c.env_clear().envs(self.envs()).timeout(WATCHDOG);
        c
    }

    /// The binary with a clean environment.
    pub fn cmd(&self) -> assert_cmd::Command {
        self.program(BIN)
    }

    pub fn run(&self, args: &[&str], stdin: impl Into<Vec<u8>>) -> Output {
        self.cmd().args(args).write_stdin(stdin).output().unwrap()
    }

    /// Runs a protocol action; returns (stdout JSON, exit code, stderr).
    pub fn call(&self, args: &[&str], stdin: &str) -> (Value, i32, String) {
        let out = self.run(args, stdin);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let json = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {stdout:?}"));
        assert!(
            stdout.ends_with('\n') && stdout.matches('\n').count() == 1,
            "{stdout:?}"
        );
        (
            json,
            out.status.code().unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// Runs an action that must succeed and returns its JSON.
    pub fn ok(&self, args: &[&str], stdin: &str) -> Value {
        let (json, code, stderr) = self.call(args, stdin);
        assert_eq!(code, 0, "{args:?} {stdin} -> {json} {stderr}");
        assert!(stderr.is_empty(), "{stderr}");
        json
    }

    /// Runs an action that must succeed with exactly one warning on stderr; returns both.
    pub fn ok_warned(&self, args: &[&str], stdin: &str) -> (Value, String) {
        let (json, code, stderr) = self.call(args, stdin);
        assert_eq!(code, 0, "{args:?} {stdin} -> {json} {stderr}");
        assert!(
            stderr.lines().count() == 1
                && stderr.starts_with("mystic-credential-helper: warning: "),
            "{stderr:?}"
        );
        (json, stderr)
    }

    /// Runs an action that must fail with `kind` and `code`; returns the message.
    pub fn fails(&self, args: &[&str], stdin: &str, kind: &str, code: i32) -> String {
        let (json, got, stderr) = self.call(args, stdin);
        assert_eq!(json["error"]["kind"], kind, "{args:?} {stdin} -> {json}");
        assert_eq!(got, code, "{json}");
        assert_eq!(json["v"], 1);
        assert_eq!(
            stderr.lines().count(),
            1,
            "one human line on stderr: {stderr:?}"
        );
        json["error"]["message"].as_str().unwrap().to_owned()
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join("config.yaml")
    }

    /// config.yaml's text; the file must exist (so that "does not contain" means something).
    pub fn config(&self) -> String {
        std::fs::read_to_string(self.config_path())
            .unwrap_or_else(|e| panic!("{}: {e}", self.config_path().display()))
    }

    /// config.yaml's text, or `None` when there is no file.
    pub fn config_if_any(&self) -> Option<String> {
        std::fs::read_to_string(self.config_path()).ok()
    }

    pub fn write_config(&self, text: &str) {
        std::fs::create_dir_all(&self.dir).unwrap();
        std::fs::write(self.config_path(), text).unwrap();
    }

    pub fn service(&self, url: &str) -> String {
        format!("{}{url}", self.prefix)
    }

    /// The token as another Secret Service client (libsecret's secret-tool) sees it.
    pub fn lookup(&self, url: &str, alias: &str) -> Option<String> {
        secret_tool_lookup_on(&self.bus, &self.service(url), alias)
    }

    pub fn plant(&self, url: &str, alias: &str, token: &str) {
        secret_tool_store_on(&self.bus, &self.service(url), alias, token);
    }
}

#[cfg(target_os = "linux")]
impl Drop for Sandbox {
    fn drop(&mut self) {
        // Only for prefixes of our own: `mystic:` would match the user's real keys.
        if self.prefix.starts_with("mystic-test-") {
            kernel_keys::remove_matching(&self.prefix);
        }
    }
}

/// The venv Python with the real SDK, PyYAML and keyring (scripts/test.sh makes it).
pub fn python() -> String {
    std::env::var("MYSTIC_TEST_PYTHON").expect(
        "MYSTIC_TEST_PYTHON is unset: run the tests with scripts/test.sh (it installs pipeline-ai, PyYAML and keyring)",
    )
}

/// Runs a command that must succeed; returns its stdout.
pub fn stdout_of(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn secret_tool_lookup(service: &str, user: &str) -> Option<String> {
    secret_tool_lookup_on(&bus(), service, user)
}

pub fn secret_tool_lookup_on(bus: &str, service: &str, user: &str) -> Option<String> {
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .expect("secret-tool is installed by scripts/test.sh");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

pub fn secret_tool_store_on(bus: &str, service: &str, user: &str, secret: &str) {
    let mut child = std::process::Command::new("secret-tool")
        .args([
            "store", "--label", "test", "service", service, "username", user,
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(secret.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// Every file in `dir` with its bytes, to prove an operation changed nothing. The empty lock
/// file is left out: writers create it once and never delete it (see the README).
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_file() && !p.ends_with(".config.yaml.lock") {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

pub const SDK_FIXTURE: &str = include_str!("../fixtures/pipeline-ai-2.8.0-config.yaml");
pub const EXTRA_FIXTURE: &str = include_str!("../fixtures/config-with-extra-keys.yaml");
