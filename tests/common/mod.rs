//! The one test harness: a `Sandbox` is a test's own HOME, PIPELINE_DIR and keyring item
//! prefix, and a runner: the real binary (against the private Secret Service that
//! scripts/test.sh starts, the kernel keyring, or, on Windows under Wine, Credential Manager), or
//! `run()` in this process with the in-memory store. Nothing here reads or writes the user's own
//! keyring or ~/.pipeline.
#![allow(dead_code)]

pub mod api;
#[cfg(target_os = "linux")]
pub mod kernel_keys;
#[cfg(target_os = "linux")]
pub mod other_user;
#[cfg(target_os = "linux")]
pub mod pty;
pub mod replay;
#[cfg(target_os = "linux")]
pub mod secret_services;
#[cfg(target_os = "linux")]
pub mod slow_bus;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mystic_credential_helper::{Environment, Io, Key, MemoryStore, Store, StoreOptions, run};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_mystic-credential-helper");
pub const URL: &str = "https://www.mystic.ai";

/// The private session bus; running the system tests any other way is a set-up error, not a
/// skip.
pub fn bus() -> String {
    std::env::var("DBUS_SESSION_BUS_ADDRESS").expect(
        "DBUS_SESSION_BUS_ADDRESS is unset: run the tests with scripts/test.sh, which starts a private Secret Service",
    )
}

/// How long any one process under test may run before it counts as hung.
pub const WATCHDOG: Duration = Duration::from_secs(120);

/// Lossy text of a process's output.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// How a sandbox runs the helper.
pub enum Runner {
    /// The real binary, as a separate process.
    Binary,
    /// `run()` in this process, with a Cursor for stdin and the in-memory store as the keyring:
    /// no D-Bus, no kernel keys, no Python (plain `cargo test`, mutation testing).
    InProcess(Arc<MemoryStore>),
}

/// A test's own HOME, PIPELINE_DIR and keyring item prefix, and how it runs the helper.
/// Dropping it removes the folder and every kernel key whose name holds the prefix, so no test
/// leaves a key behind.
pub struct Sandbox {
    pub root: tempfile::TempDir,
    pub home: PathBuf,
    pub dir: PathBuf,
    /// Whether PIPELINE_DIR is set (else `dir` is the SDK's default folder).
    dir_set: bool,
    pub prefix: String,
    /// The session bus of its Secret Service (scripts/test.sh's shared gnome-keyring unless
    /// `on` names another); none on Windows and in process.
    pub bus: Option<String>,
    extra_env: Vec<(String, String)>,
    watchdog: Duration,
    runner: Runner,
}

impl Sandbox {
    /// The real binary.
    pub fn new() -> Sandbox {
        let bus = cfg!(target_os = "linux").then(bus);
        Sandbox::with_runner(Runner::Binary, bus)
    }

    /// The real binary with no session bus at all (WSL, a container, a headless server).
    pub fn without_bus() -> Sandbox {
        Sandbox::with_runner(Runner::Binary, None)
    }

    /// `run()` in this process, with an empty in-memory keyring.
    pub fn in_process() -> Sandbox {
        Sandbox::with_runner(Runner::InProcess(Arc::default()), None)
    }

    fn with_runner(runner: Runner, bus: Option<String>) -> Sandbox {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home");
        std::fs::create_dir(&home).unwrap();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let prefix = format!(
            "mystic-test-{}-{}-{nanos}:",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let sandbox = Sandbox {
            root,
            dir: home.join(".pipeline"),
            home,
            dir_set: true,
            prefix,
            bus,
            extra_env: Vec::new(),
            watchdog: WATCHDOG,
            runner,
        };
        std::fs::create_dir_all(sandbox.local_app_data()).unwrap();
        sandbox
    }

    /// The in-process keyring, now locked: every call fails as a locked keyring's would.
    pub fn locked(mut self) -> Self {
        let store = MemoryStore::locked();
        assert!(
            matches!(self.runner, Runner::InProcess(_)),
            "in process only"
        );
        self.runner = Runner::InProcess(Arc::new(store));
        self
    }

    /// The in-memory keyring of an in-process sandbox.
    pub fn memory(&self) -> &Arc<MemoryStore> {
        match &self.runner {
            Runner::InProcess(store) => store,
            Runner::Binary => panic!("a binary sandbox has a real keyring"),
        }
    }

    /// Talk to this Secret Service instead of the shared one.
    #[cfg(target_os = "linux")]
    pub fn on(mut self, daemon: &secret_services::Daemon) -> Self {
        self.bus = Some(daemon.bus.clone());
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

    /// No PIPELINE_DIR: the SDK's default folder (`%LOCALAPPDATA%\.pipeline` on Windows,
    /// `~/.pipeline` elsewhere).
    pub fn with_default_dir(mut self) -> Self {
        self.dir_set = false;
        self.dir = match cfg!(windows) {
            true => self.local_app_data().join(".pipeline"),
            false => self.home.join(".pipeline"),
        };
        self
    }

    /// How long one command may run before the test fails as hung.
    pub fn with_watchdog(mut self, watchdog: Duration) -> Self {
        self.watchdog = watchdog;
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.extra_env.push((key.into(), value.into()));
        self
    }

    /// `%LOCALAPPDATA%` on Windows.
    pub fn local_app_data(&self) -> PathBuf {
        self.home.join("AppData").join("Local")
    }

    /// The whole environment a sandboxed process gets (later entries win).
    pub fn envs(&self) -> Vec<(String, String)> {
        // What a Windows process needs to start.
        let inherited: &[&str] = match cfg!(windows) {
            true => &["SystemRoot", "windir", "PATH", "TEMP", "TMP", "ComSpec"],
            false => &["PATH"],
        };
        let mut vars: Vec<(String, String)> = inherited
            .iter()
            .map(|k| (k.to_string(), std::env::var(k).unwrap_or_default()))
            .collect();
        let home = self.home.display().to_string();
        match cfg!(windows) {
            true => vars.extend([
                ("USERPROFILE".to_owned(), home),
                (
                    "LOCALAPPDATA".to_owned(),
                    self.local_app_data().display().to_string(),
                ),
            ]),
            false => vars.push(("HOME".to_owned(), home)),
        }
        if self.dir_set {
            vars.push(("PIPELINE_DIR".to_owned(), self.dir.display().to_string()));
        }
        vars.push((
            "MYSTIC_KEYRING_SERVICE_PREFIX".to_owned(),
            self.prefix.clone(),
        ));
        if let Some(bus) = &self.bus {
            vars.push(("DBUS_SESSION_BUS_ADDRESS".to_owned(), bus.clone()));
        }
        vars.extend(self.extra_env.iter().cloned());
        vars
    }

    /// `envs()` as the library takes them.
    pub fn environment(&self) -> Environment {
        self.envs().into_iter().collect()
    }

    /// Any program with a clean environment: only what this sandbox sets. A watchdog, not a
    /// performance bound: a process that hangs is killed and the test fails instead of hanging.
    pub fn program(&self, program: impl AsRef<std::ffi::OsStr>) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::new(program);
        c.env_clear().envs(self.envs()).timeout(self.watchdog);
        c
    }

    /// The binary with a clean environment.
    pub fn cmd(&self) -> assert_cmd::Command {
        assert!(
            matches!(self.runner, Runner::Binary),
            "a binary sandbox only"
        );
        self.program(BIN)
    }

    /// Runs the helper with these arguments and stdin, by either runner.
    pub fn run(&self, args: &[&str], stdin: impl Into<Vec<u8>>) -> Output {
        let stdin = stdin.into();
        match &self.runner {
            Runner::Binary => self.cmd().args(args).write_stdin(stdin).output().unwrap(),
            Runner::InProcess(store) => self.run_in_process(store.clone(), args, &stdin),
        }
    }

    fn run_in_process(&self, store: Arc<MemoryStore>, args: &[&str], stdin: &[u8]) -> Output {
        let argv: Vec<OsString> = std::iter::once("mystic-credential-helper")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        let env = self.environment();
        let opener = move |_: &StoreOptions| Ok(Box::new(store.clone()) as Box<dyn Store>);
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let io = Io {
            stdin: &mut std::io::Cursor::new(stdin),
            stdout: &mut stdout,
            stderr: &mut stderr,
            interactive: false,
        };
        let code = run(argv, &env, io, &opener).code();
        Output {
            status: exit_status(code),
            stdout,
            stderr,
        }
    }

    /// (stdout, exit code, stderr) as text; a command still running at the watchdog fails the
    /// test.
    pub fn run_text(&self, args: &[&str], stdin: &[u8]) -> (String, i32, String) {
        let out = self.run(args, stdin);
        let code = out.status.code().unwrap_or_else(|| {
            panic!(
                "{args:?}: killed, or still running after {:?}",
                self.watchdog
            )
        });
        (
            String::from_utf8(out.stdout).unwrap(),
            code,
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// stdout as JSON (`Null` when it is none) and the exit code.
    pub fn json(&self, args: &[&str], stdin: &str) -> (Value, i32) {
        let (stdout, code, _) = self.run_text(args, stdin.as_bytes());
        (serde_json::from_str(&stdout).unwrap_or(Value::Null), code)
    }

    /// Runs a protocol action; returns (stdout JSON, exit code, stderr).
    pub fn call(&self, args: &[&str], stdin: &str) -> (Value, i32, String) {
        let (stdout, code, stderr) = self.run_text(args, stdin.as_bytes());
        let json = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {stdout:?}"));
        assert!(
            stdout.ends_with('\n') && stdout.matches('\n').count() == 1,
            "{stdout:?}"
        );
        (json, code, stderr)
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

    pub fn copy_config(&self, from: &Path) {
        std::fs::create_dir_all(&self.dir).unwrap();
        std::fs::copy(from, self.config_path()).unwrap();
    }

    /// Every file in the config folder with its bytes (see `snapshot`).
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        snapshot(&self.dir)
    }

    pub fn service(&self, url: &str) -> String {
        format!("{}{url}", self.prefix)
    }

    /// The keyring item of (url, alias), as the helper names it.
    pub fn key(&self, url: &str, alias: &str) -> Key {
        Key {
            service: self.service(url),
            user: alias.to_owned(),
        }
    }

    /// The token stored for (url, alias), read by another client: secret-tool on the sandbox's
    /// bus, this test process from Credential Manager, or the in-memory store.
    pub fn token(&self, url: &str, alias: &str) -> Option<String> {
        match &self.runner {
            Runner::InProcess(store) => store
                .items()
                .get(&self.key(url, alias))
                .map(|t| t.expose().to_owned()),
            #[cfg(windows)]
            Runner::Binary => credential_manager(&self.service(url), alias),
            #[cfg(not(windows))]
            Runner::Binary => self.lookup(url, alias),
        }
    }

    /// The token as another Secret Service client (libsecret's secret-tool) sees it.
    pub fn lookup(&self, url: &str, alias: &str) -> Option<String> {
        let bus = self.bus.as_deref().expect("a Secret Service sandbox");
        secret_tool_lookup_on(bus, &self.service(url), alias)
    }

    pub fn plant(&self, url: &str, alias: &str, token: &str) {
        let bus = self.bus.as_deref().expect("a Secret Service sandbox");
        secret_tool_store_on(bus, &self.service(url), alias, token);
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

#[cfg(target_os = "linux")]
impl Drop for Sandbox {
    fn drop(&mut self) {
        // Only for prefixes of our own: `mystic:` would match the user's real keys.
        if self.prefix.starts_with("mystic-test-") && matches!(self.runner, Runner::Binary) {
            kernel_keys::remove_matching(&self.prefix);
        }
    }
}

/// An exit status with this code, for an in-process run.
fn exit_status(code: i32) -> ExitStatus {
    #[cfg(unix)]
    return std::os::unix::process::ExitStatusExt::from_raw((code & 0xff) << 8);
    #[cfg(windows)]
    return std::os::windows::process::ExitStatusExt::from_raw(code as u32);
}

/// A token in Credential Manager, read by this (second) process itself.
#[cfg(windows)]
pub fn credential_manager(service: &str, user: &str) -> Option<String> {
    use keyring_core::api::CredentialStoreApi;
    let store = windows_native_keyring_store::Store::new().unwrap();
    store
        .build(service, user, None)
        .unwrap()
        .get_password()
        .ok()
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

/// secret-tool's reading of an item. A failed read is tried twice more: secret-tool's session is
/// always Diffie-Hellman, and kwalletd5 before the fix for KDE bug 514194 derives a different
/// session key than libsecret for 1 or 2 sessions in 100 (it rejects the key, or the secret
/// does not decrypt). An item that is not there stays not there.
pub fn secret_tool_lookup_on(bus: &str, service: &str, user: &str) -> Option<String> {
    (0..3).find_map(|_| {
        let out = std::process::Command::new("secret-tool")
            .args(["lookup", "service", service, "username", user])
            .env("DBUS_SESSION_BUS_ADDRESS", bus)
            .output()
            .expect("secret-tool is installed by scripts/test.sh");
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).unwrap())
    })
}

pub fn secret_tool_store_on(bus: &str, service: &str, user: &str, secret: &str) {
    let mut command = std::process::Command::new("secret-tool");
    command
        .args([
            "store", "--label", "test", "service", service, "username", user,
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", bus);
    assert!(spawn_fed(&mut command, secret).wait().unwrap().success());
}

/// Starts `command` with `stdin` written to it and closed, so the child sees its end.
pub fn spawn_fed(command: &mut std::process::Command, stdin: impl AsRef<[u8]>) -> Child {
    use std::io::Write;
    let mut child = command.stdin(Stdio::piped()).spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.as_ref()).unwrap();
    child
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

/// Orphans, on any runner's store: two remotes stored, then one dropped from config.yaml as a
/// killed or failed write leaves it. `status` names the orphan (never a token) under the warning
/// `orphan-items`; `prune --dry-run` lists it and removes nothing; `prune` removes it and
/// nothing else, and then finds none. Without a config.yaml, `prune` removes nothing.
pub fn orphans_are_listed_and_pruned(sb: &Sandbox) {
    orphans_pruned_from(sb, &|url, alias| sb.token(url, alias).is_some());
}

/// `orphans_are_listed_and_pruned`, with `exists` telling whether the store holds an item.
pub fn orphans_pruned_from(sb: &Sandbox, exists: &dyn Fn(&str, &str) -> bool) {
    for (alias, url) in [
        ("kept", "https://kept.example"),
        ("gone", "https://gone.example"),
    ] {
        let stdin =
            format!(r#"{{"alias":"{alias}","url":"{url}","token":"pipeline_sk_orphan_{alias}"}}"#);
        sb.ok(&["store"], &stdin);
    }
    sb.write_config("remotes:\n- alias: kept\n  url: https://kept.example\n");
    let (status, code) = sb.json(&["status", "--json"], "");
    assert_eq!(code, 0, "{status}");
    assert_eq!(
        status["orphans"],
        serde_json::json!([{"service": sb.service("https://gone.example"), "user": "gone"}]),
        "{status}"
    );
    let warning = status["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "orphan-items")
        .unwrap_or_else(|| panic!("{status}"));
    assert!(
        warning["message"].as_str().unwrap().contains("gone at"),
        "{warning}"
    );
    assert!(!status.to_string().contains("pipeline_sk_"), "{status}");
    let (out, code, err) = sb.run_text(&["prune", "--dry-run"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Would remove gone at"), "{out}");
    assert!(
        exists("https://gone.example", "gone"),
        "a dry run removes nothing"
    );
    let (out, code, err) = sb.run_text(&["prune"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Removed 1 orphan(s)"), "{out}");
    assert!(!exists("https://gone.example", "gone"));
    assert!(exists("https://kept.example", "kept"));
    let (status, _) = sb.json(&["status", "--json"], "");
    assert!(status.get("orphans").is_none(), "{status}");
    assert!(sb.run_text(&["prune"], b"").0.starts_with("No orphans"));
    // No config.yaml: nothing says which items are orphans, so nothing is removed.
    std::fs::remove_file(sb.config_path()).unwrap();
    let (_, code, err) = sb.run_text(&["prune"], b"");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no config.yaml"), "{err}");
    assert!(exists("https://kept.example", "kept"));
}

/// `status --json`, checked against protocol/schema/status.json.
pub fn status_json(sb: &Sandbox, extra: &[&str]) -> Value {
    let out = sb.run(&[&["status", "--json"], extra].concat(), "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol/schema/status.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{report} violates status.json: {errors:?}"
    );
    report
}
