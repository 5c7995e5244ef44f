//! The mirror of the SDK's `config.yaml`: `active_remote` plus `remotes: [{alias, url, token?}]`.
//!
//! The file is edited as a YAML value, so keys the helper does not know survive a rewrite.
//! Reads take no lock: writers replace the file with an atomic rename, so a reader sees either
//! the old or the new file, never a mix. Writers hold an exclusive lock on a separate lock file
//! for the whole read-modify-write (the config file itself cannot carry the lock, because the
//! rename replaces its inode).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_yaml::{Mapping, Value};

use crate::env::Env;
use crate::error::{Error, Result};
use crate::protocol::{Alias, Origin, Token};

pub const FILE_NAME: &str = "config.yaml";
const LOCK_NAME: &str = ".config.yaml.lock";
const TEMP_PREFIX: &str = ".config.yaml.";
const TEMP_SUFFIX: &str = ".tmp";
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// The SDK's rule: `$PIPELINE_DIR`, else `%LOCALAPPDATA%/.pipeline` on Windows, else `~/.pipeline`.
pub fn dir(env: &Env) -> Result<PathBuf> {
    if let Some(dir) = env.path("PIPELINE_DIR") {
        return Ok(dir);
    }
    let (base, name) = if cfg!(windows) {
        ("LOCALAPPDATA", "%LOCALAPPDATA%")
    } else {
        ("HOME", "$HOME")
    };
    env.path(base).map(|p| p.join(".pipeline")).ok_or_else(|| {
        Error::config(format!(
            "cannot locate the config folder: set PIPELINE_DIR or {name}"
        ))
    })
}

/// One remote as read from the file, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Remote {
    pub alias: Alias,
    pub url: Origin,
    /// A plaintext token, as `pipeline cluster login` or `--store file` writes it.
    pub token: Option<Token>,
}

/// The parsed file: the whole YAML document, and the validated view of it that the rest of the
/// program uses. Every edit goes through a method that changes `doc` and re-derives the view.
#[derive(Clone, Default)]
pub struct Config {
    doc: Mapping,
    pub active_remote: Option<String>,
    pub remotes: Vec<Remote>,
}

/// `doc` may hold plaintext tokens, so `Debug` shows only the (redacting) view.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Config {
            doc: _,
            active_remote,
            remotes,
        } = self;
        f.debug_struct("Config")
            .field("active_remote", active_remote)
            .field("remotes", remotes)
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::config("config.yaml is not valid UTF-8"))?;
        // yaml_serde limits alias repetition and nesting, so a "billion laughs" file fails fast.
        let value: Value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_yaml::from_str(text)
                .map_err(|e| Error::config(format!("config.yaml is not valid YAML: {e}")))?
        };
        let doc = match value {
            Value::Null => Mapping::new(),
            Value::Mapping(m) => m,
            _ => return Err(Error::config("config.yaml is not a YAML mapping")),
        };
        let mut config = Config {
            doc,
            ..Config::default()
        };
        config.derive_view()?;
        Ok(config)
    }

    fn derive_view(&mut self) -> Result<()> {
        self.active_remote = match self.doc.get("active_remote") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(Error::config("config.yaml: active_remote is not a string")),
        };
        self.remotes = match self.doc.get("remotes") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| parse_remote(item).map_err(|e| remote_error(i, e)))
                .collect::<Result<_>>()?,
            Some(_) => return Err(Error::config("config.yaml: remotes is not a list")),
        };
        Ok(())
    }

    /// Reads the file without a lock (see the module comment). A missing file is an empty config.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(FILE_NAME);
        match fs::read(&path) {
            Ok(bytes) => Config::parse(&bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::io(path.display(), &e)),
        }
    }

    pub fn to_yaml(&self) -> Result<String> {
        // serde-saphyr quotes every string that YAML 1.1 (PyYAML, which the SDK uses) would read
        // as a bool, null, number or date, so `on`, `no` or `1e3` stay strings.
        serde_saphyr::to_string(&self.doc)
            .map_err(|e| Error::config(format!("cannot serialise config.yaml: {e}")))
    }

    pub fn find(&self, alias: &Alias) -> Option<&Remote> {
        self.remotes.iter().find(|r| &r.alias == alias)
    }

    /// The remote `active_remote` names, if it names one.
    pub fn active(&self) -> Option<&Remote> {
        let name = self.active_remote.as_deref()?;
        self.remotes.iter().find(|r| r.alias.as_str() == name)
    }

    pub fn is_active(&self, alias: &Alias) -> bool {
        self.active_remote.as_deref() == Some(alias.as_str())
    }

    /// Adds the remote, or updates the first one with that alias in place (keeping its other
    /// keys). `token: None` removes any plaintext token.
    pub fn upsert(&mut self, alias: &Alias, url: &Origin, token: Option<&Token>) -> Result<()> {
        let remotes = self
            .doc
            .entry("remotes".into())
            .or_insert(Value::Sequence(Vec::new()));
        if remotes.is_null() {
            *remotes = Value::Sequence(Vec::new());
        }
        let Value::Sequence(items) = remotes else {
            return Err(Error::config("config.yaml: remotes is not a list"));
        };
        let existing = items
            .iter_mut()
            .filter_map(Value::as_mapping_mut)
            .find(|m| m.get("alias").and_then(Value::as_str) == Some(alias.as_str()));
        let remote = match existing {
            Some(m) => m,
            None => {
                items.push(Value::Mapping(Mapping::new()));
                let Some(Value::Mapping(m)) = items.last_mut() else {
                    unreachable!("just pushed a mapping")
                };
                m.insert("alias".into(), alias.as_str().into());
                m
            }
        };
        // Keys in the SDK's (sorted) order for a new remote: alias, token, url.
        match token {
            Some(t) => {
                remote.insert("token".into(), t.expose().into());
            }
            None => {
                remote.shift_remove("token");
            }
        }
        remote.insert("url".into(), url.as_str().into());
        self.derive_view()
    }

    /// Removes every remote with this alias; returns whether there was one.
    pub fn remove(&mut self, alias: &Alias) -> Result<bool> {
        let Some(Value::Sequence(items)) = self.doc.get_mut("remotes") else {
            return Ok(false);
        };
        let before = items.len();
        items.retain(|v| v.get("alias").and_then(Value::as_str) != Some(alias.as_str()));
        let removed = items.len() != before;
        self.derive_view()?;
        Ok(removed)
    }

    /// Sets `active_remote`, or removes the key (as the SDK's `exclude_none` dump does).
    pub fn set_active(&mut self, alias: Option<&Alias>) -> Result<()> {
        match alias {
            Some(a) => {
                self.doc.insert("active_remote".into(), a.as_str().into());
            }
            None => {
                self.doc.shift_remove("active_remote");
            }
        }
        self.derive_view()
    }
}

fn remote_error(index: usize, e: Error) -> Error {
    Error::config(format!("config.yaml: remote #{}: {}", index + 1, e.message))
}

fn parse_remote(item: &Value) -> Result<Remote> {
    let Value::Mapping(m) = item else {
        return Err(Error::config("not a mapping"));
    };
    let text = |key: &str| match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::config(format!("{key} is not a string"))),
    };
    let alias = text("alias")?.ok_or_else(|| Error::config("has no alias"))?;
    let url = text("url")?.ok_or_else(|| Error::config("has no url"))?;
    let token = match text("token")? {
        Some(t) if !t.is_empty() => Some(Token::new(t)?),
        _ => None,
    };
    Ok(Remote {
        alias: Alias::new(alias)?,
        url: Origin::parse(&url)?,
        token,
    })
}

/// The exclusive writer lock. Holding it, a writer may load, change and save the file.
/// The kernel drops the lock when the holder dies, so a crashed writer never blocks the next.
pub struct Locked {
    dir: PathBuf,
    _lock: File,
}

impl Locked {
    pub fn acquire(dir: &Path) -> Result<Locked> {
        create_private_dir(dir)?;
        let lock_path = dir.join(LOCK_NAME);
        let lock = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| Error::io(lock_path.display(), &e))?;
        let deadline = Instant::now() + LOCK_TIMEOUT;
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::new(
                        crate::error::ErrorKind::Io,
                        format!(
                            "{} is held by another process for more than {}s",
                            lock_path.display(),
                            LOCK_TIMEOUT.as_secs()
                        ),
                    ));
                }
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(lock_path.display(), &e)),
            }
        }
        Ok(Locked {
            dir: dir.to_owned(),
            _lock: lock,
        })
    }

    fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Loads the file for a change. A symlinked config.yaml is refused: the rename would replace
    /// the link, not write through it, and writing through it could land outside the folder.
    pub fn load(&self) -> Result<Config> {
        let path = self.path();
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::config(format!(
                "{} is a symbolic link; refusing to replace it (point PIPELINE_DIR at the folder that holds the real file)",
                path.display()
            )));
        }
        Config::load(&self.dir)
    }

    /// Temp file, fsync, rename over config.yaml, fsync the folder. tempfile creates the file with
    /// mode 0600, and the rename keeps it, whatever mode the old file had.
    pub fn save(&self, config: &Config) -> Result<()> {
        let text = config.to_yaml()?;
        self.remove_stale_temps();
        let path = self.path();
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(&self.dir)
            .map_err(|e| Error::io(self.dir.display(), &e))?;
        let written = tmp
            .write_all(text.as_bytes())
            .and_then(|()| tmp.as_file().sync_all());
        written.map_err(|e| Error::io(tmp.path().display(), &e))?;
        tmp.persist(&path)
            .map_err(|e| Error::io(path.display(), &e.error))?;
        sync_dir(&self.dir).map_err(|e| Error::io(self.dir.display(), &e))
    }

    /// Temp files left by a writer that was killed mid-write. Safe to delete: we hold the lock,
    /// so no other writer is using one.
    fn remove_stale_temps(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Creates `dir` (and missing parents) with mode 0700.
#[cfg(unix)]
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(dir.display(), &e))
}

#[cfg(not(unix))]
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), &e))
}

#[cfg(unix)]
fn private_options() -> OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut o = OpenOptions::new();
    o.mode(0o600);
    o
}

#[cfg(not(unix))]
fn private_options() -> OpenOptions {
    OpenOptions::new()
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDK: &str = include_str!("../tests/fixtures/pipeline-ai-2.8.0-config.yaml");
    const EXTRA: &str = include_str!("../tests/fixtures/config-with-extra-keys.yaml");

    fn alias(s: &str) -> Alias {
        Alias::new(s).unwrap()
    }

    #[test]
    fn reads_the_sdk_file() {
        let c = Config::parse(SDK.as_bytes()).unwrap();
        assert_eq!(c.active_remote.as_deref(), Some("mystic-api"));
        assert_eq!(c.remotes.len(), 2);
        assert_eq!(c.remotes[1].url.as_str(), "https://staging.mystic.ai");
        assert!(c.remotes[0].token.is_some());
        assert!(!format!("{c:?}").contains("pipeline_sk_"));
    }

    #[test]
    fn edits_keep_unknown_keys_and_drop_tokens() {
        let mut c = Config::parse(EXTRA.as_bytes()).unwrap();
        let url = Origin::parse("https://eu.mystic.ai/").unwrap();
        c.upsert(&alias("mystic-api"), &url, None).unwrap();
        c.upsert(&alias("on"), &url, None).unwrap();
        let out = c.to_yaml().unwrap();
        let back: Value = serde_yaml::from_str(&out).unwrap();
        assert_eq!(back["editor_theme"], Value::from("dark"));
        assert_eq!(back["telemetry"]["enabled"], Value::from(false));
        assert_eq!(back["remotes"][0]["note"], Value::from("personal account"));
        assert_eq!(
            back["remotes"][0]["url"],
            Value::from("https://eu.mystic.ai")
        );
        assert_eq!(back["remotes"][2]["alias"], Value::from("on"));
        assert!(!out.contains("pipeline_sk_aaaa"));
        assert!(
            out.contains("pipeline_sk_bbbb"),
            "other remotes are untouched"
        );
    }

    #[test]
    fn remove_and_active() {
        let mut c = Config::parse(SDK.as_bytes()).unwrap();
        assert!(c.remove(&alias("staging")).unwrap());
        assert!(!c.remove(&alias("staging")).unwrap());
        c.set_active(None).unwrap();
        assert!(c.active().is_none());
        assert!(!c.to_yaml().unwrap().contains("active_remote"));
    }

    #[test]
    fn broken_files_are_config_errors() {
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
        for bad in [
            "remotes: [",
            "- a\n- b\n",
            "just a string",
            "remotes: oops",
            "active_remote: [1]",
            "remotes:\n- alias: a\n",
            "remotes:\n- alias: bad alias\n  url: https://x\n",
            "remotes:\n- alias: a\n  url: https://x\n  token: has space\n",
            bomb,
        ] {
            let e = Config::parse(bad.as_bytes()).unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::Config, "{bad}");
            assert!(!e.message.contains("has space"));
        }
        assert!(Config::parse(b"\xff").is_err());
        assert!(Config::parse(b"").unwrap().remotes.is_empty());
    }
}
