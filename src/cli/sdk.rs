//! `sdk install|uninstall [--python PATH]`: the Python part that gives the pipeline-ai SDK its
//! tokens (python/mystic_credential_helper), for installs that did not come from pip. pip's
//! wheel carries the same files; here they are copied into the environment's site-packages,
//! with the path of this binary. `status` asks the Python on PATH whether the part is active.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};

use super::{Run, say, this_program};
use crate::error::{Error, Exit, Result};
use crate::fs;
use crate::ops::Ctx;
use crate::store::StoreKind;
use crate::streams::Io;
use crate::sys;

/// The package's files, as the wheel carries them.
const PACKAGE: &str = "mystic_credential_helper";
const FILES: [(&str, &str); 2] = [
    (
        "__init__.py",
        include_str!("../../python/mystic_credential_helper/__init__.py"),
    ),
    (
        "sdk.py",
        include_str!("../../python/mystic_credential_helper/sdk.py"),
    ),
];
const PTH: (&str, &str) = (
    "mystic_credential_helper.pth",
    include_str!("../../python/mystic_credential_helper.pth"),
);
/// Written by `sdk install` only (pip's install has none): the helper to run, and the mark of
/// what `sdk uninstall` may remove.
const HELPER_PATH: &str = "helper-path";
/// Written by `sdk install` when a store was chosen (`--store`, `MYSTIC_CREDENTIAL_STORE`): a
/// Python started from an IDE or cron has none of the shell's variables.
const HELPER_STORE: &str = "helper-store";
/// How long a Python gets to answer: a cold start of a large environment takes seconds.
const PYTHON_WAIT: Duration = Duration::from_secs(20);

/// Give the pipeline-ai SDK in a Python environment its tokens from here
#[derive(Debug, Args)]
#[command(
    after_help = "pip's route needs none of this: `pip install mystic-credential-helper` \
    in the environment of pipeline-ai does the same. MYSTIC_SDK_INTEGRATION=0 turns it off."
)]
pub(crate) struct Sdk {
    #[command(subcommand)]
    action: SdkAction,
}

#[derive(Debug, Subcommand)]
enum SdkAction {
    /// Make `import pipeline` get its token through this helper, in memory only
    Install(PythonArg),
    /// Remove what `sdk install` added
    Uninstall(PythonArg),
}

#[derive(Debug, Args)]
struct PythonArg {
    /// The environment's Python [default: python3, else python, on PATH]
    #[arg(long, value_name = "PATH")]
    python: Option<PathBuf>,
}

impl Run for Sdk {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let (installing, given) = match self.action {
            SdkAction::Install(p) => (true, p.python),
            SdkAction::Uninstall(p) => (false, p.python),
        };
        let python = python(ctx, given.as_deref())?;
        let site = site_packages(&python)?;
        let by_pip = installed_by_pip(&site)?;
        let ours = site.join(PACKAGE).join(HELPER_PATH).exists();
        let shown = python.display();
        match (installing, by_pip) {
            (true, Some(dist)) => {
                say(
                    io.stdout,
                    &format!(
                        "pip installed it in this environment already ({dist}); nothing to do."
                    ),
                )?;
                return Ok(Exit::Success);
            }
            (false, Some(dist)) => {
                return Err(Error::invalid(format!(
                    "pip installed it in this environment ({dist}): `{shown} -m pip uninstall mystic-credential-helper` removes it"
                )));
            }
            (false, None) if !ours => {
                say(
                    io.stdout,
                    &format!("Not installed for {shown}; nothing to do."),
                )?;
                return Ok(Exit::Success);
            }
            (false, None) => {
                uninstall(&site)?;
                say(
                    io.stdout,
                    &format!("Removed the SDK integration from {}.", site.display()),
                )?;
                return Ok(Exit::Success);
            }
            (true, None) => install(&python, &site, ctx.kind()?)?,
        }
        let state = match probe_python(&python, ctx).map(|p| p.integration) {
            Ok(Integration::Active) => "active",
            Ok(Integration::Off) => "off",
            Ok(Integration::Absent) => "absent",
            Err(_) => "unknown",
        };
        say(
            io.stdout,
            &format!(
                "Installed the SDK integration into {} (integration {state}): `import pipeline` and the `pipeline` CLI of {shown} get their token from the {}, in memory only. `mystic-credential-helper sdk uninstall --python {shown}` removes it.",
                site.display(),
                ctx.store_name()
            ),
        )?;
        Ok(Exit::Success)
    }
}

/// The Python asked for, else `python3` or `python` from an absolute folder on PATH.
fn python(ctx: &Ctx, given: Option<&Path>) -> Result<PathBuf> {
    let path = ctx.settings.path.as_deref();
    let found = match given {
        Some(p) if p.is_absolute() => Some(p.to_owned()),
        Some(p) if p.components().count() == 1 => sys::find_program(p.as_os_str(), path),
        Some(p) => {
            return Err(Error::invalid(format!(
                "--python {}: give an absolute path or a name on PATH",
                p.display()
            )));
        }
        None => ["python3", "python"]
            .iter()
            .find_map(|name| sys::find_program(name.as_ref(), path)),
    };
    found.ok_or_else(|| Error::not_found("no Python: give its path with --python"))
}

/// The environment's site-packages (`purelib`), asked of the Python itself, isolated (`-I`)
/// so that nothing from the current folder runs.
fn site_packages(python: &Path) -> Result<PathBuf> {
    let out = run_python(
        python,
        &[
            "-I",
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        None,
    )?;
    let site = PathBuf::from(out.trim());
    if !site.is_absolute() {
        return Err(Error::config(format!(
            "{} named no site-packages folder",
            python.display()
        )));
    }
    std::fs::create_dir_all(&site).map_err(|e| Error::io(site.display(), &e))?;
    Ok(site)
}

/// pip's record of this package in `site`, if pip installed it.
fn installed_by_pip(site: &Path) -> Result<Option<String>> {
    let entries = std::fs::read_dir(site).map_err(|e| Error::io(site.display(), &e))?;
    Ok(entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|name| name.starts_with("mystic_credential_helper-") && name.ends_with(".dist-info")))
}

fn install(python: &Path, site: &Path, store: StoreKind) -> Result<()> {
    let exe = std::fs::canonicalize(this_program()?)
        .map_err(|e| Error::io("locating this program", &e))?;
    let package = site.join(PACKAGE);
    std::fs::create_dir_all(&package).map_err(|e| Error::io(package.display(), &e))?;
    let exe = exe.to_string_lossy();
    // The package first, the .pth (which Python acts on) last.
    for (name, text) in FILES.into_iter().chain([(HELPER_PATH, exe.as_ref())]) {
        write(&package, name, text)?;
    }
    match store {
        StoreKind::Auto => remove(package.join(HELPER_STORE))?,
        chosen => write(&package, HELPER_STORE, chosen.name())?,
    }
    // Compiled now, as pip does: a Python that cannot write __pycache__ would otherwise compile
    // the package at every start.
    let package = package.to_string_lossy();
    run_python(
        python,
        &["-I", "-m", "compileall", "-q", package.as_ref()],
        None,
    )?;
    write(site, PTH.0, PTH.1)
}

/// Readable by everyone who can run this Python, as pip leaves its files (where files have
/// Unix modes; elsewhere as `replace` makes them).
fn write(dir: &Path, name: &str, text: &str) -> Result<()> {
    let tmp = format!(".{name}.");
    #[cfg(unix)]
    let mode = Some(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    #[cfg(not(unix))]
    let mode = None;
    fs::replace(dir, &dir.join(name), text.as_bytes(), &tmp, mode)
}

/// Removes a file that may not be there.
fn remove(path: PathBuf) -> Result<()> {
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path.display(), &e)),
        _ => Ok(()),
    }
}

fn uninstall(site: &Path) -> Result<()> {
    // The .pth first: once it is gone, no Python loads the rest.
    remove(site.join(PTH.0))?;
    let package = site.join(PACKAGE);
    for (name, _) in FILES {
        remove(package.join(name))?;
    }
    remove(package.join(HELPER_PATH))?;
    remove(package.join(HELPER_STORE))?;
    let _ = std::fs::remove_dir_all(package.join("__pycache__"));
    // Left in place if anything else is in it.
    let _ = std::fs::remove_dir(&package);
    Ok(())
}

/// What a Python says about the integration (`status`'s `python` field).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Probe {
    pub(crate) python: String,
    /// pipeline-ai's version in that environment, if it is there.
    pub(crate) pipeline_ai: Option<String>,
    pub(crate) integration: Integration,
}

/// The SDK integration in one Python environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Integration {
    Active,
    /// Installed, turned off with MYSTIC_SDK_INTEGRATION=0.
    Off,
    Absent,
}

impl Probe {
    pub(crate) fn active(&self) -> bool {
        self.integration == Integration::Active
    }
}

/// Asks the Python as the user runs it (their environment, no `-I`), from the config folder
/// rather than the current one, and without importing the SDK.
const PROBE: &str = "import json, sys, importlib.util\n\
from importlib import metadata\n\
try:\n    sdk = metadata.version('pipeline-ai')\n\
except Exception:\n    sdk = None\n\
on = any(type(f).__name__ == 'Finder' and type(f).__module__ == 'mystic_credential_helper' for f in sys.meta_path)\n\
there = importlib.util.find_spec('mystic_credential_helper') is not None\n\
print(json.dumps({'python': sys.executable, 'pipeline_ai': sdk, 'integration': 'active' if on else 'off' if there else 'absent'}))";

/// The Python on PATH, asked about the integration; `None` when there is none or it fails.
pub(crate) fn probe(ctx: &Ctx) -> Option<Probe> {
    probe_python(&python(ctx, None).ok()?, ctx).ok()
}

fn probe_python(python: &Path, ctx: &Ctx) -> Result<Probe> {
    let out = run_python(python, &["-c", PROBE], ctx.dir().ok())?;
    serde_json::from_str(out.trim())
        .map_err(|_| Error::config(format!("{} answered something else", python.display())))
}

/// Runs `python args`, in `cwd` (else the root), with its stdout, within `PYTHON_WAIT`.
fn run_python(python: &Path, args: &[&str], cwd: Option<&Path>) -> Result<String> {
    let root = PathBuf::from(std::path::MAIN_SEPARATOR_STR);
    let cwd = cwd.filter(|d| d.is_dir()).unwrap_or(&root);
    let mut command = Command::new(python);
    #[cfg(unix)]
    sys::own_process_group(&mut command);
    let mut child = command
        .args(args.iter().map(OsString::from))
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Error::io(python.display(), &e))?;
    let mut stdout = child.stdout.take().expect("piped");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = String::new();
        let _ = send.send(stdout.read_to_string(&mut out).map(|_| out));
    });
    let out = receive.recv_timeout(PYTHON_WAIT);
    let status = match out {
        Ok(_) => child.wait().ok(),
        Err(_) => {
            #[cfg(unix)]
            sys::kill_process_group(&mut child);
            #[cfg(not(unix))]
            let _ = child.kill();
            None
        }
    };
    match (out, status) {
        (Ok(Ok(out)), Some(s)) if s.success() => Ok(out),
        _ => Err(Error::config(format!(
            "{} failed or did not answer within {}s",
            python.display(),
            PYTHON_WAIT.as_secs()
        ))),
    }
}
