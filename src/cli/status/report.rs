//! What `status` reports, gathered in one pass over config.yaml and the keyring. The field and
//! value names are protocol/schema/status.json.

use serde::Serialize;

use crate::cli::sdk::{self, Probe};
use crate::cli::shell_init;
use crate::config::{self, Config, Refused, Remote};
use crate::error::{Error, ErrorKind, Result};
use crate::ops::{self, Ctx, Tokens};
use crate::remote::{Selector, Source, VERSION};
use crate::resolve;
use crate::settings::Settings;
use crate::store::{Key, StoreKind, Wsl};
use crate::sys;
use crate::verify;

#[derive(Serialize)]
pub(crate) struct Report {
    pub(crate) v: u64,
    pub(crate) config: String,
    pub(crate) store: &'static str,
    pub(crate) remotes: Vec<Row>,
    /// Remotes in config.yaml the helper cannot use, with the reason (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) refused: Vec<Refused>,
    pub(crate) env: EnvVars,
    /// What `get` with an empty request returns.
    pub(crate) get: Choice,
    /// What the SDK finds in config.yaml and the environment by itself.
    pub(crate) sdk: SdkChoice,
    /// The Python on PATH and its SDK integration (`null`: no Python there answered).
    pub(crate) python: Option<Probe>,
    /// Keyring items of this helper's naming scheme that no remote names (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) orphans: Vec<Key>,
    pub(crate) warnings: Vec<Warning>,
}

#[derive(Serialize)]
pub(crate) struct Row {
    pub(crate) alias: String,
    pub(crate) url: String,
    pub(crate) active: bool,
    #[serde(serialize_with = "row_word")]
    pub(crate) token: Whereabouts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verified: Option<Verified>,
}

/// Where a token is, as `status` sees it: where the helper reads it from, nowhere, or unknown
/// (the keyring could not be asked, or the remote cannot be read). One type for the remote rows,
/// `get`'s choice and the SDK's; the rows say `missing` for nowhere, the choices `none` (the
/// schema's words).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Whereabouts {
    At(Source),
    Nowhere,
    Unknown,
}

impl Whereabouts {
    pub(crate) fn word(self, nowhere: &'static str) -> &'static str {
        match self {
            Whereabouts::At(Source::Keyring) => "keyring",
            Whereabouts::At(Source::Env) => "env",
            Whereabouts::At(Source::File) => "file",
            Whereabouts::Nowhere => nowhere,
            Whereabouts::Unknown => "unknown",
        }
    }
}

impl Serialize for Whereabouts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.word("none"))
    }
}

/// A remote row's token: `missing` rather than `none`.
fn row_word<S: serde::Serializer>(w: &Whereabouts, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(w.word("missing"))
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Verified {
    Valid,
    Unauthorized,
    NetworkError,
}

#[derive(Serialize)]
pub(crate) struct EnvVars {
    pub(crate) pipeline_api_token: bool,
    pub(crate) pipeline_api_url: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Choice {
    pub(crate) source: Whereabouts,
    pub(crate) alias: Option<String>,
    pub(crate) url: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct SdkChoice {
    pub(crate) from: SdkFrom,
    pub(crate) alias: Option<String>,
    pub(crate) url: String,
    pub(crate) token: Whereabouts,
}

#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SdkFrom {
    /// config.yaml's active remote (or its first).
    Config,
    /// PIPELINE_API_* variables.
    Env,
}

#[derive(Serialize)]
pub(crate) struct Warning {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl Report {
    pub(crate) fn gather(ctx: &Ctx, check: bool) -> Result<Report> {
        let dir = ctx.dir()?;
        let config = ops::load_config(ctx).map_err(|e| Error::config(e.message))?;
        // What `auto` chose is known once the keyring is opened (on WSL it depends on whether a
        // Secret Service runs); a failure shows in the rows.
        if ctx.kind().is_ok_and(|kind| kind == StoreKind::Auto) {
            let _ = ctx.tokens();
        }
        let mut warnings = Vec::new();
        let (remotes, store_error) = rows(ctx, &config, check);
        // With no remote to ask about, the store is still one that the next login needs.
        let store_error = match (store_error, config.remotes.is_empty()) {
            (None, true) => ctx.tokens().err().map(|e| e.message),
            (error, _) => error,
        };
        let env = EnvVars {
            pipeline_api_token: !matches!(ctx.settings.api_token, Ok(None)),
            pipeline_api_url: ctx.settings.api_url_raw.clone(),
        };
        let get = get_choice(ctx, &config, &remotes);
        let sdk = sdk_choice(ctx, &config);
        let python = sdk::probe(ctx);
        remote_warnings(ctx, &config, &remotes, &mut warnings);
        warnings.extend(elsewhere(ctx, &config, &remotes));
        for refused in &config.refused {
            warnings.push(Warning {
                code: "remote-refused",
                message: resolve::unusable(refused).message,
            });
        }
        let orphans = match (&store_error, dir.join(config::FILE_NAME).exists()) {
            (None, true) => ops::orphans(ctx, &config).unwrap_or_default(),
            _ => Vec::new(),
        };
        if !orphans.is_empty() {
            warnings.push(Warning {
                code: "orphan-items",
                message: format!(
                    "the {} holds {} item(s) that no remote in config.yaml names: {}; `mystic-credential-helper prune` removes them",
                    ctx.store_name(),
                    orphans.len(),
                    ops::describe_orphans(&orphans, 10)
                ),
            });
        }
        if let Some(message) = store_error {
            warnings.push(Warning {
                code: "store-unavailable",
                message,
            });
        }
        permission_warnings(dir, &mut warnings);
        sdk_warnings(ctx, &env, &get, (&sdk, python.as_ref()), &mut warnings)?;
        Ok(Report {
            v: VERSION,
            config: dir.join(config::FILE_NAME).display().to_string(),
            store: ctx.store_name(),
            remotes,
            refused: config.refused,
            env,
            get,
            sdk,
            python,
            orphans,
            warnings,
        })
    }
}

/// One row per remote, asking the keyring once each; the first store error, if any.
fn rows(ctx: &Ctx, config: &Config, check: bool) -> (Vec<Row>, Option<String>) {
    let mut store_error = None;
    let rows = config
        .remotes
        .iter()
        .map(|remote| {
            let (token, verified) = match ops::token_of(ctx, remote) {
                Ok((token, source)) => {
                    let verified = check.then(|| match verify::check(&remote.url, &token) {
                        Ok(()) => Verified::Valid,
                        Err(e) if e.kind == ErrorKind::Unauthorized => Verified::Unauthorized,
                        Err(_) => Verified::NetworkError,
                    });
                    (Whereabouts::At(source), verified)
                }
                Err(e) if e.kind == ErrorKind::NotFound => (Whereabouts::Nowhere, None),
                Err(e) => {
                    store_error.get_or_insert(e.message);
                    (Whereabouts::Unknown, None)
                }
            };
            Row {
                alias: remote.alias.to_string(),
                url: remote.url.to_string(),
                active: config.is_active(&remote.alias),
                token,
                verified,
            }
        })
        .collect();
    (rows, store_error)
}

/// What `get` picks, from the rows already gathered (no second keyring pass).
fn get_choice(ctx: &Ctx, config: &Config, rows: &[Row]) -> Choice {
    let none = Choice {
        source: Whereabouts::Nowhere,
        alias: None,
        url: None,
    };
    let remote = match ops::choose(ctx, &Selector::default(), || Ok(config)) {
        Ok(ops::Choice::Env { url, .. }) => {
            return Choice {
                source: Whereabouts::At(Source::Env),
                alias: None,
                url: Some(url.to_string()),
            };
        }
        Ok(ops::Choice::Remote(remote)) => remote,
        Err(_) => return none,
    };
    let row = rows.iter().find(|r| r.alias == remote.alias.as_str());
    let source = match row.map(|r| r.token) {
        None | Some(Whereabouts::Nowhere) => return none,
        Some(found) => found,
    };
    Choice {
        source,
        alias: Some(remote.alias.to_string()),
        url: Some(remote.url.to_string()),
    }
}

/// What the SDK sends, by its rule (`resolve::sdk_remote`).
fn sdk_choice(ctx: &Ctx, config: &Config) -> SdkChoice {
    match resolve::sdk_remote(config) {
        Some(Ok(Remote {
            alias, url, token, ..
        })) => SdkChoice {
            from: SdkFrom::Config,
            alias: Some(alias.to_string()),
            url: url.to_string(),
            token: match token {
                Some(_) => Whereabouts::At(Source::File),
                None => Whereabouts::Nowhere,
            },
        },
        // A remote the helper cannot read: what the SDK makes of it is not known.
        Some(Err(refused)) => SdkChoice {
            from: SdkFrom::Config,
            alias: refused.alias.clone(),
            url: String::new(),
            token: Whereabouts::Unknown,
        },
        None => SdkChoice {
            from: SdkFrom::Env,
            alias: None,
            url: ctx
                .settings
                .api_url
                .as_ref()
                .map_or_else(|_| "(invalid PIPELINE_API_URL)".into(), |u| u.to_string()),
            token: match ctx.settings.api_token {
                Ok(None) => Whereabouts::Nowhere,
                _ => Whereabouts::At(Source::Env),
            },
        },
    }
}

fn remote_warnings(ctx: &Ctx, config: &Config, rows: &[Row], warnings: &mut Vec<Warning>) {
    for (remote, row) in config.remotes.iter().zip(rows) {
        if remote.token.is_some()
            && let Some(advice) = ctx.migrate_advice()
        {
            warnings.push(Warning {
                code: "plaintext-token",
                message: format!(
                    "config.yaml holds a plaintext token for {}; {advice}",
                    remote.alias
                ),
            });
        }
        if row.active && row.token == Whereabouts::Nowhere {
            warnings.push(Warning {
                code: "active-remote-without-token",
                message: format!(
                    "the active remote {} has no token in the {} or in config.yaml",
                    remote.alias,
                    ctx.store_name()
                ),
            });
        }
    }
    if let Some(name) = &config.active_remote
        && config.active().is_none()
    {
        warnings.push(Warning {
            code: "active-remote-missing",
            message: format!("active_remote {name:?} names no remote in config.yaml"),
        });
    }
}

fn sdk_warnings(
    ctx: &Ctx,
    env: &EnvVars,
    get: &Choice,
    (sdk, python): (&SdkChoice, Option<&Probe>),
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    if env.pipeline_api_token && sdk.from == SdkFrom::Config {
        warnings.push(Warning {
            code: "sdk-ignores-env-token",
            message: format!(
                "PIPELINE_API_TOKEN is set, but the SDK ignores it because config.yaml has an active remote ({}); `get` returns the environment token. Run SDK commands through `mystic-credential-helper exec -- ...` so both agree",
                sdk.alias.as_deref().unwrap_or_default()
            ),
        });
    }
    let integrated = python.is_some_and(Probe::active);
    let from_keyring = get.source == Whereabouts::At(Source::Keyring) && get.alias == sdk.alias;
    if sdk.token == Whereabouts::Nowhere && !(integrated && from_keyring) {
        // Advice that works here: exec only where the helper has a token to hand over.
        let fix = match get.source {
            Whereabouts::At(Source::Keyring) => format!(
                "Install the SDK integration in the SDK's Python environment (`pip install mystic-credential-helper` there, or `mystic-credential-helper sdk install --python PATH`), which gives it the token in memory; or run SDK commands through `mystic-credential-helper exec -- ...`; for the `pipeline` CLI in a shell, add {}",
                shell_init::hint(ctx)?
            ),
            Whereabouts::At(_) => "Run SDK commands through `mystic-credential-helper exec -- ...`, which hands it the token".to_owned(),
            Whereabouts::Unknown => "Once the keyring can be used, run SDK commands through `mystic-credential-helper exec -- ...`, which hands it the token".to_owned(),
            Whereabouts::Nowhere => "There is no token for it here either: store one first with `mystic-credential-helper login`".to_owned(),
        };
        warnings.push(Warning {
            code: "sdk-sends-bearer-none",
            message: format!(
                "the SDK will send `Authorization: Bearer None`: its remote has no token it can read. {fix}"
            ),
        });
    }
    Ok(())
}

/// Tokens the chosen store lacks that another store on this machine holds (Linux: the Secret
/// Service, the kernel keyring, Windows' from WSL), one warning per store. Found by listing
/// items' names, never by reading a secret, so no store prompts; asked only when a remote
/// lacks its token.
fn elsewhere(ctx: &Ctx, config: &Config, rows: &[Row]) -> Vec<Warning> {
    let lacking: Vec<&Remote> = config
        .remotes
        .iter()
        .zip(rows)
        .filter(|(_, row)| matches!(row.token, Whereabouts::Nowhere | Whereabouts::Unknown))
        .map(|(remote, _)| remote)
        .collect();
    let (Ok(chosen), Ok(prefix)) = (ctx.kind(), ctx.settings.prefix()) else {
        return Vec::new();
    };
    if lacking.is_empty() || !cfg!(target_os = "linux") {
        return Vec::new();
    }
    let others = [
        StoreKind::SecretService,
        StoreKind::Keyutils,
        StoreKind::Windows,
    ]
    .into_iter()
    .filter(|kind| *kind != chosen && kind.describe() != ctx.store_name())
    .filter(|kind| *kind != StoreKind::Windows || ctx.settings.wsl == Wsl::Interop);
    let mut warnings = Vec::new();
    for kind in others {
        let settings = Settings::new(ctx.settings.env.clone(), Some(kind));
        let other = ctx.with_settings(&settings);
        let Ok(Tokens::Keyring(store)) = other.tokens() else {
            continue;
        };
        let Ok(keys) = store.list(prefix) else {
            continue;
        };
        let found: Vec<String> = lacking
            .iter()
            .filter(|r| keys.contains(&Key::new(prefix, &r.url, &r.alias)))
            .map(|r| r.alias.to_string())
            .collect();
        if found.is_empty() {
            continue;
        }
        warnings.push(Warning {
            code: "token-in-other-store",
            message: format!(
                "the {} holds the token of {} that the {} (the chosen store) lacks: `mystic-credential-helper migrate --from {name}` moves it here, or use that store (--store {name}, or MYSTIC_CREDENTIAL_STORE={name})",
                store.name(),
                found.join(", "),
                ctx.store_name(),
                name = kind.name()
            ),
        });
    }
    warnings
}

fn permission_warnings(dir: &std::path::Path, warnings: &mut Vec<Warning>) {
    let file = dir.join(config::FILE_NAME);
    for (code, path, fix) in [
        ("config-readable-by-others", file.as_path(), "600"),
        ("folder-readable-by-others", dir, "700"),
    ] {
        // Windows has no mode bits: there the folder is made private with an owner-only DACL.
        let mode = std::fs::metadata(path)
            .ok()
            .and_then(|meta| sys::owner_and_mode(&meta))
            .map(|(_, mode)| mode);
        if let Some(mode) = mode
            && mode & 0o077 != 0
        {
            warnings.push(Warning {
                code,
                message: format!(
                    "{} is readable by group or others (mode {:o}); chmod {fix} it",
                    path.display(),
                    mode & 0o777
                ),
            });
        }
    }
}
