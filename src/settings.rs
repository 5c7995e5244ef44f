//! The environment, read once. `main` copies the real environment into an `Environment`; this
//! is the one place that looks inside it, parsing every variable the helper uses into the value
//! the rest of the program works with (the home folder is resolved here too). A variable that
//! cannot be used keeps its error until a command needs it, so `list` never fails for a bad
//! `PIPELINE_API_TOKEN`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::remote::validate::check_text;
use crate::remote::{Origin, Token};
use crate::store::{self, Encryption, StoreKind, StoreOptions, Wsl};

pub struct Settings {
    /// `--store`, else `MYSTIC_CREDENTIAL_STORE`, else `auto`.
    pub(crate) store: Result<StoreKind>,
    /// Read through `dir()`.
    dir: Result<PathBuf>,
    /// Read through `prefix()`.
    prefix: Result<String>,
    pub(crate) encryption: Result<Encryption>,
    /// The session bus: `DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus` if it exists.
    pub(crate) bus: Option<String>,
    /// Whether a person can answer a keyring's prompt: a desktop session (`DISPLAY`,
    /// `WAYLAND_DISPLAY`) or a terminal.
    pub(crate) person: bool,
    /// How long to wait for that person (`MYSTIC_PROMPT_TIMEOUT` seconds, default 60).
    pub(crate) prompt_wait: Result<Duration>,
    /// WSL: `WSL_DISTRO_NAME` or WSL's kernel; interop: `WSL_INTEROP` or its registration.
    pub(crate) wsl: Wsl,
    /// `PIPELINE_API_TOKEN` and `PIPELINE_API_URL` (default `https://www.mystic.ai`).
    pub(crate) api_token: Result<Option<Token>>,
    pub(crate) api_url: Result<Origin>,
    /// `PIPELINE_API_URL` as given, for `status`.
    pub(crate) api_url_raw: Option<String>,
    pub(crate) github_env: Option<PathBuf>,
    /// docker's config.json (`DOCKER_CONFIG`, else `.docker` in the home folder).
    pub(crate) docker_config: Result<PathBuf>,
    /// The user's shell (`SHELL`), for the `shell-init` line to suggest.
    pub(crate) shell: Option<String>,
    /// That shell's start-up file, where the `shell-init` line goes.
    pub(crate) shell_rc: Option<PathBuf>,
    pub(crate) path: Option<OsString>,
    /// The whole environment, for the programs the helper runs (exec's child, git).
    pub(crate) env: Environment,
}

impl Settings {
    pub fn new(env: Environment, store_flag: Option<StoreKind>) -> Settings {
        let text = |key: &str| env.non_empty(key).map(|v| v.to_string_lossy().into_owned());
        Settings {
            store: store_kind(store_flag, &env),
            dir: pipeline_dir(&env),
            prefix: prefix(&env),
            encryption: encryption(&env),
            bus: bus(&env),
            person: env.terminal
                || env.non_empty("DISPLAY").is_some()
                || env.non_empty("WAYLAND_DISPLAY").is_some(),
            prompt_wait: prompt_wait(&env),
            wsl: wsl(&env),
            api_token: api_token(&env),
            api_url: api_url(&env),
            api_url_raw: text("PIPELINE_API_URL"),
            github_env: env.path("GITHUB_ENV"),
            docker_config: docker_config(&env),
            shell: text("SHELL"),
            shell_rc: shell_rc(&env),
            path: env.get("PATH").map(ToOwned::to_owned),
            env,
        }
    }

    /// The folder of config.yaml (`PIPELINE_DIR`, `HOME`, `LOCALAPPDATA`).
    pub(crate) fn dir(&self) -> Result<&Path> {
        self.dir.as_deref().map_err(Clone::clone)
    }

    /// The start of every keyring item's service name (`MYSTIC_KEYRING_SERVICE_PREFIX`).
    pub(crate) fn prefix(&self) -> Result<&str> {
        self.prefix.as_deref().map_err(Clone::clone)
    }

    /// What opening the chosen keyring needs; only the variables its kind uses are checked.
    pub(crate) fn store_options(&self) -> Result<StoreOptions> {
        let kind = self.store.clone()?;
        let secret_service = matches!(kind, StoreKind::SecretService)
            || (kind == StoreKind::Auto && cfg!(target_os = "linux"));
        Ok(StoreOptions {
            kind,
            bus: self.bus.clone(),
            encryption: match secret_service {
                true => self.encryption.clone()?,
                false => Encryption::Plain,
            },
            person: self.person,
            prompt_wait: match secret_service {
                true => self.prompt_wait.clone()?,
                false => Duration::ZERO,
            },
            wsl: self.wsl,
            windows_helper: self.windows_helper(kind)?,
        })
    }

    /// `MYSTIC_WINDOWS_HELPER` (an absolute path), else on WSL that can run it,
    /// `mystic-credential-helper.exe` in an absolute folder on PATH (which WSL ends with the
    /// Windows PATH). Looked up only for the stores that use it: each folder of the Windows PATH
    /// is slow to ask.
    fn windows_helper(&self, kind: StoreKind) -> Result<Option<PathBuf>> {
        // Only the Linux build runs a Windows program as its keyring.
        if !cfg!(target_os = "linux") || !matches!(kind, StoreKind::Windows | StoreKind::Auto) {
            return Ok(None);
        }
        if let Some(program) = self.env.path("MYSTIC_WINDOWS_HELPER") {
            return match program.is_absolute() {
                true => Ok(Some(program)),
                false => Err(Error::config(
                    "MYSTIC_WINDOWS_HELPER must be an absolute path: a relative one would run whatever the current folder holds",
                )),
            };
        }
        if self.wsl != Wsl::Interop {
            return Ok(None);
        }
        let name = std::ffi::OsStr::new("mystic-credential-helper.exe");
        Ok(crate::sys::find_program(name, self.path.as_deref()))
    }
}

/// The SDK's rule: `$PIPELINE_DIR`, else `%LOCALAPPDATA%/.pipeline` on Windows, else
/// `~/.pipeline`, where `~` is `HOME` or else the password database (Python's `expanduser`).
/// A relative `PIPELINE_DIR` is made absolute here, as the SDK's open() would resolve it, so
/// that a link to it (exec's `files`) leads somewhere from any folder.
fn pipeline_dir(env: &Environment) -> Result<PathBuf> {
    let dir = match env.get("PIPELINE_DIR") {
        Some(dir) if dir.is_empty() => {
            return Err(Error::config(
                "PIPELINE_DIR is set but empty, which makes the SDK use config.yaml in the current folder; set it to a folder, or unset it to use ~/.pipeline",
            ));
        }
        Some(dir) => PathBuf::from(dir),
        None if cfg!(windows) => env
            .path("LOCALAPPDATA")
            .map(|p| p.join(".pipeline"))
            .ok_or_else(|| {
                Error::config("cannot locate the config folder: set PIPELINE_DIR or %LOCALAPPDATA%")
            })?,
        None => home(env)
            .map(|home| home.join(".pipeline"))
            .ok_or_else(|| {
                Error::config("cannot locate your home folder: set PIPELINE_DIR or HOME")
            })?,
    };
    match (dir.is_relative(), &env.cwd) {
        (true, Some(cwd)) => Ok(cwd.join(dir)),
        (true, None) => Err(Error::config(
            "PIPELINE_DIR is a relative path and the current folder is unknown; set it to an absolute path",
        )),
        (false, _) => Ok(dir),
    }
}

/// `HOME` as Python's `expanduser` reads it, which the SDK uses: set at all, it is the home
/// folder, and set but empty, the root folder (`Path.home()` is `/`); unset, the password
/// database's.
fn home(env: &Environment) -> Option<PathBuf> {
    match env.get("HOME") {
        Some(home) if home.is_empty() => Some(PathBuf::from("/")),
        Some(home) => Some(PathBuf::from(home)),
        None => dirs::home_dir(),
    }
}

fn store_kind(flag: Option<StoreKind>, env: &Environment) -> Result<StoreKind> {
    if let Some(kind) = flag {
        return Ok(kind);
    }
    match env.non_empty("MYSTIC_CREDENTIAL_STORE") {
        None => Ok(StoreKind::Auto),
        Some(name) => StoreKind::parse(&name.to_string_lossy())
            .map_err(|e| Error::config(format!("MYSTIC_CREDENTIAL_STORE: {}", e.message))),
    }
}

fn prefix(env: &Environment) -> Result<String> {
    match env.get("MYSTIC_KEYRING_SERVICE_PREFIX") {
        None => Ok(store::DEFAULT_SERVICE_PREFIX.to_owned()),
        Some(p) => p
            .to_str()
            .filter(|p| !p.is_empty() && check_text("", p).is_ok())
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::config("MYSTIC_KEYRING_SERVICE_PREFIX must be non-empty text on one line")
            }),
    }
}

fn wsl(env: &Environment) -> Wsl {
    let wsl = env.non_empty("WSL_DISTRO_NAME").is_some() || env.wsl_kernel;
    let interop = env.non_empty("WSL_INTEROP").is_some() || env.wsl_interop;
    match (wsl, interop) {
        (false, _) => Wsl::No,
        (true, false) => Wsl::InteropOff,
        (true, true) => Wsl::Interop,
    }
}

fn encryption(env: &Environment) -> Result<Encryption> {
    match env
        .non_empty("MYSTIC_SECRET_SERVICE_ENCRYPTION")
        .and_then(|v| v.to_str())
    {
        None | Some("plain") => Ok(Encryption::Plain),
        Some("dh") => Ok(Encryption::Dh),
        Some(_) => Err(Error::config(
            "MYSTIC_SECRET_SERVICE_ENCRYPTION must be plain or dh",
        )),
    }
}

fn prompt_wait(env: &Environment) -> Result<Duration> {
    match env.non_empty("MYSTIC_PROMPT_TIMEOUT") {
        None => Ok(Duration::from_secs(60)),
        Some(v) => v
            .to_str()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|s| (1..=86_400).contains(s))
            .map(Duration::from_secs)
            .ok_or_else(|| {
                Error::config("MYSTIC_PROMPT_TIMEOUT must be a number of seconds from 1 to 86400")
            }),
    }
}

fn bus(env: &Environment) -> Option<String> {
    if let Some(address) = env.non_empty("DBUS_SESSION_BUS_ADDRESS") {
        return Some(address.to_string_lossy().into_owned());
    }
    let socket = env.path("XDG_RUNTIME_DIR")?.join("bus");
    socket
        .exists()
        .then(|| format!("unix:path={}", socket.display()))
}

/// `PIPELINE_API_TOKEN`, validated like any other token.
fn api_token(env: &Environment) -> Result<Option<Token>> {
    let Some(raw) = env.non_empty("PIPELINE_API_TOKEN") else {
        return Ok(None);
    };
    let text = raw
        .to_str()
        .ok_or_else(|| Error::config("PIPELINE_API_TOKEN is not valid UTF-8"))?;
    Token::new(text.to_owned())
        .map(Some)
        .map_err(|e| Error::config(format!("PIPELINE_API_TOKEN: {}", e.message)))
}

/// `PIPELINE_API_URL`, defaulting as the SDK does.
fn api_url(env: &Environment) -> Result<Origin> {
    match env.non_empty("PIPELINE_API_URL") {
        None => Ok(Origin::default_url()),
        Some(raw) => raw
            .to_str()
            .ok_or_else(|| Error::config("PIPELINE_API_URL is not valid UTF-8"))
            .and_then(|s| {
                Origin::parse(s)
                    .map_err(|e| Error::config(format!("PIPELINE_API_URL: {}", e.message)))
            }),
    }
}

/// `~/.bashrc`, `$ZDOTDIR/.zshrc` (else `~/.zshrc`) or `~/.config/fish/config.fish`, for the
/// shell `SHELL` names (bash's for any other).
fn shell_rc(env: &Environment) -> Option<PathBuf> {
    let shell = env.path("SHELL")?;
    let home = home(env)?;
    Some(match shell.file_name()?.to_str()? {
        "fish" => home.join(".config/fish/config.fish"),
        "zsh" => env.path("ZDOTDIR").unwrap_or(home).join(".zshrc"),
        _ => home.join(".bashrc"),
    })
}

fn docker_config(env: &Environment) -> Result<PathBuf> {
    if let Some(dir) = env.path("DOCKER_CONFIG") {
        return Ok(dir.join("config.json"));
    }
    let home = match cfg!(windows) {
        true => env.path("USERPROFILE").or_else(dirs::home_dir),
        false => home(env),
    }
    .ok_or_else(|| Error::config("cannot locate the docker config: set DOCKER_CONFIG or HOME"))?;
    Ok(home.join(".docker").join("config.json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn settings(vars: &[(&str, &str)]) -> Settings {
        Settings::new(vars.iter().copied().collect(), None)
    }

    #[test]
    fn the_shell_start_up_file_is_the_one_shell_names() {
        let rc = |shell: &str, zdotdir: Option<&str>| {
            let mut vars = vec![("SHELL", shell), ("HOME", "/h")];
            vars.extend(zdotdir.map(|z| ("ZDOTDIR", z)));
            settings(&vars).shell_rc
        };
        let path = |p: &str| Some(PathBuf::from(p));
        assert_eq!(rc("/bin/bash", None), path("/h/.bashrc"));
        assert_eq!(rc("/usr/bin/zsh", None), path("/h/.zshrc"));
        assert_eq!(rc("/usr/bin/zsh", Some("/z")), path("/z/.zshrc"));
        assert_eq!(
            rc("/usr/bin/fish", Some("/z")),
            path("/h/.config/fish/config.fish")
        );
        assert_eq!(settings(&[("HOME", "/h")]).shell_rc, None);
    }

    #[test]
    fn each_variable_is_parsed_once_and_its_error_kept() {
        let s = settings(&[
            ("PIPELINE_API_TOKEN", "pipeline_sk_env"),
            ("PIPELINE_API_URL", "https://env.example/x"),
            ("MYSTIC_CREDENTIAL_STORE", "keyutils"),
            ("MYSTIC_SECRET_SERVICE_ENCRYPTION", "dh"),
            ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/x"),
            ("DOCKER_CONFIG", "/d"),
        ]);
        assert_eq!(s.api_token.unwrap().unwrap().expose(), "pipeline_sk_env");
        assert_eq!(s.api_url.unwrap().as_str(), "https://env.example");
        assert_eq!(s.store.unwrap(), StoreKind::Keyutils);
        assert_eq!(s.encryption.unwrap(), Encryption::Dh);
        assert_eq!(s.bus.as_deref(), Some("unix:path=/x"));
        assert_eq!(s.docker_config.unwrap(), PathBuf::from("/d/config.json"));
        assert_eq!(s.prefix.unwrap(), "mystic:");

        let bad = settings(&[
            ("PIPELINE_API_TOKEN", "a b"),
            ("PIPELINE_API_URL", "ftp://x"),
            ("MYSTIC_CREDENTIAL_STORE", "floppy"),
            ("MYSTIC_SECRET_SERVICE_ENCRYPTION", "rot13"),
            ("MYSTIC_KEYRING_SERVICE_PREFIX", ""),
        ]);
        for e in [
            bad.api_token.unwrap_err(),
            bad.api_url.unwrap_err(),
            bad.store.unwrap_err(),
            bad.encryption.unwrap_err(),
            bad.prefix.unwrap_err(),
        ] {
            assert_eq!(e.kind, ErrorKind::Config, "{}", e.message);
            assert!(!e.message.contains("a b"), "{}", e.message);
        }
        let defaults = settings(&[("PIPELINE_API_TOKEN", "")]);
        assert!(defaults.api_token.unwrap().is_none());
        assert_eq!(defaults.api_url.unwrap(), Origin::default_url());
        assert_eq!(defaults.encryption.unwrap(), Encryption::Plain);
        let flag = Settings::new(
            [("MYSTIC_CREDENTIAL_STORE", "floppy")]
                .into_iter()
                .collect(),
            Some(StoreKind::File),
        );
        assert_eq!(flag.store.unwrap(), StoreKind::File, "the flag wins");
    }

    #[test]
    fn the_folder_follows_the_sdk_and_is_absolute() {
        let dir = |vars: &[(&str, &str)], cwd: Option<&str>| {
            let mut env: Environment = vars.iter().copied().collect();
            env.cwd = cwd.map(PathBuf::from);
            Settings::new(env, None).dir
        };
        let (absolute, cwd) = match cfg!(windows) {
            true => (r"C:\some\where", r"C:\work\here"),
            false => ("/some/where", "/work/here"),
        };
        let given = dir(&[("PIPELINE_DIR", absolute), ("HOME", "/home/x")], None);
        assert_eq!(given.unwrap(), PathBuf::from(absolute));
        let relative = dir(&[("PIPELINE_DIR", "pd")], Some(cwd));
        assert_eq!(relative.unwrap(), PathBuf::from(cwd).join("pd"));
        assert_eq!(
            dir(&[("PIPELINE_DIR", "pd")], None).unwrap_err().kind,
            ErrorKind::Config
        );
        let e = dir(&[("PIPELINE_DIR", ""), ("HOME", "/home/x")], None).unwrap_err();
        assert!(e.message.contains("set but empty"), "{}", e.message);
        if cfg!(unix) {
            let home = dir(&[("HOME", "/home/x")], None);
            assert_eq!(home.unwrap(), PathBuf::from("/home/x/.pipeline"));
            let empty = dir(&[("HOME", "")], Some(cwd));
            assert_eq!(empty.unwrap(), PathBuf::from("/.pipeline"));
        }
    }
}
