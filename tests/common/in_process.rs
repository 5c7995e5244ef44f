//! The whole program in process: `run()` with a Cursor for stdin, Vecs for stdout and stderr,
//! the in-memory store for the keyring, and a temporary PIPELINE_DIR. No D-Bus, no kernel keys,
//! no Python: this runs under a plain `cargo test` and in mutation testing.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use mystic_credential_helper::environment::Environment;
use mystic_credential_helper::store::memory::MemoryStore;
use mystic_credential_helper::store::{Key, Store, StoreOptions};
use mystic_credential_helper::{Io, run};

pub struct InProcess {
    pub root: tempfile::TempDir,
    pub dir: PathBuf,
    pub store: Rc<MemoryStore>,
    pub env: Environment,
}

impl InProcess {
    pub fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("pipeline");
        let env: Environment = [
            ("PIPELINE_DIR", dir.as_os_str()),
            ("HOME", root.path().as_os_str()),
        ]
        .into_iter()
        .collect();
        InProcess {
            root,
            dir,
            store: Rc::default(),
            env,
        }
    }

    /// The same folder and environment with a keyring that is locked.
    pub fn locked(self) -> Self {
        let store = MemoryStore {
            locked: true,
            ..MemoryStore::default()
        };
        InProcess {
            store: Rc::new(store),
            ..self
        }
    }

    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.set(key, value);
        self
    }

    /// (stdout, exit code, stderr)
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> (String, i32, String) {
        let argv: Vec<OsString> = std::iter::once("mystic-credential-helper")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let store = self.store.clone();
        let opener = move |_: &StoreOptions| Ok(Box::new(store.clone()) as Box<dyn Store>);
        let io = Io {
            stdin: &mut std::io::Cursor::new(stdin),
            stdout: &mut out,
            stderr: &mut err,
            interactive: false,
        };
        let code = run(argv, &self.env, io, &opener).code();
        (
            String::from_utf8(out).unwrap(),
            code,
            String::from_utf8(err).unwrap(),
        )
    }

    pub fn json(&self, args: &[&str], stdin: &str) -> (serde_json::Value, i32) {
        let (out, code, _) = self.run(args, stdin.as_bytes());
        (
            serde_json::from_str(&out).unwrap_or(serde_json::Value::Null),
            code,
        )
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join("config.yaml")
    }

    pub fn config(&self) -> Option<String> {
        std::fs::read_to_string(self.config_path()).ok()
    }

    pub fn key(url: &str, alias: &str) -> Key {
        Key {
            service: format!("mystic:{url}"),
            user: alias.to_owned(),
        }
    }

    pub fn token(&self, url: &str, alias: &str) -> Option<String> {
        self.store
            .items
            .borrow()
            .get(&InProcess::key(url, alias))
            .map(|t| t.expose().to_owned())
    }

    pub fn write_config(&self, text: &str) {
        std::fs::create_dir_all(&self.dir).unwrap();
        std::fs::write(self.config_path(), text).unwrap();
    }

    pub fn copy_config(&self, from: &Path) {
        std::fs::create_dir_all(&self.dir).unwrap();
        std::fs::copy(from, self.config_path()).unwrap();
    }
}

impl Default for InProcess {
    fn default() -> Self {
        InProcess::new()
    }
}
