//! `status`: each remote, where its token lives, and which token `get` and the SDK will use.
//! It never prints a token, and it exits 0 whatever it warns about (4 only when config.yaml
//! cannot be read).

use std::io::Write;

use serde::Serialize;

use super::say;
use crate::config::{self, Config, Remote};
use crate::error::{Error, ErrorKind, Result};
use crate::frontend::json::VERSION;
use crate::ops::{self, Ctx};
use crate::protocol::{Selector, Source};
use crate::resolve;
use crate::verify;

#[derive(Serialize)]
struct Report {
    v: u64,
    config: String,
    store: &'static str,
    remotes: Vec<Row>,
    env: EnvVars,
    /// What `get` with an empty request returns.
    get: Choice,
    /// What the unmodified SDK will send.
    sdk: SdkChoice,
    warnings: Vec<Warning>,
}

#[derive(Serialize)]
struct Row {
    alias: String,
    url: String,
    active: bool,
    /// `keyring`, `file`, `missing`, or `unknown` when the store could not be asked.
    token: &'static str,
    /// With `--verify`: `valid`, `unauthorized` or `network-error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    verified: Option<&'static str>,
}

#[derive(Serialize)]
struct EnvVars {
    pipeline_api_token: bool,
    pipeline_api_url: Option<String>,
}

#[derive(Serialize)]
struct Choice {
    /// `env`, `keyring`, `file`, or `none`.
    source: &'static str,
    alias: Option<String>,
    url: Option<String>,
}

#[derive(Serialize)]
struct SdkChoice {
    /// `config` (config.yaml's active remote) or `env` (PIPELINE_API_* variables).
    from: &'static str,
    alias: Option<String>,
    url: String,
    /// `file` (plaintext in config.yaml), `env`, or `none` (the SDK sends `Bearer None`).
    token: &'static str,
}

#[derive(Serialize)]
struct Warning {
    code: &'static str,
    message: String,
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Keyring => "keyring",
        Source::Env => "env",
        Source::File => "file",
    }
}

pub fn status(ctx: &Ctx, json: bool, check: bool, stdout: &mut dyn Write) -> Result<u8> {
    let config = Config::load(ctx.dir()?).map_err(|e| Error::config(e.message))?;
    let mut warnings = Vec::new();
    let mut warn = |code, message: String| warnings.push(Warning { code, message });

    let mut store_failed = None;
    let mut rows = Vec::new();
    for remote in &config.remotes {
        let (token, verified) = match ops::token_of(ctx, remote) {
            Ok((token, source)) => {
                let verified = check.then(|| match verify::check(&remote.url, &token) {
                    Ok(()) => "valid",
                    Err(e) if e.kind == ErrorKind::Unauthorized => "unauthorized",
                    Err(_) => "network-error",
                });
                (source_name(source), verified)
            }
            Err(e) if e.kind == ErrorKind::NotFound => ("missing", None),
            Err(e) => {
                store_failed.get_or_insert(e.message);
                ("unknown", None)
            }
        };
        if remote.token.is_some() && ctx.kind != crate::store::StoreKind::File {
            warn(
                "plaintext-token",
                format!(
                    "config.yaml holds a plaintext token for {}; run `mystic-credential-helper migrate` to move it into the {}",
                    remote.alias,
                    ctx.store_name()
                ),
            );
        }
        if config.is_active(&remote.alias) && token == "missing" {
            warn(
                "active-remote-without-token",
                format!(
                    "the active remote {} has no token in the {} or in config.yaml",
                    remote.alias,
                    ctx.store_name()
                ),
            );
        }
        rows.push(Row {
            alias: remote.alias.to_string(),
            url: remote.url.to_string(),
            active: config.is_active(&remote.alias),
            token,
            verified,
        });
    }
    if let Some(message) = store_failed {
        warn("store-unavailable", message);
    }
    if let Some(name) = &config.active_remote
        && config.active().is_none()
    {
        warn(
            "active-remote-missing",
            format!("active_remote {name:?} names no remote in config.yaml"),
        );
    }
    permission_warnings(ctx.dir()?, &mut warn);

    let env = EnvVars {
        pipeline_api_token: ctx.env.non_empty("PIPELINE_API_TOKEN").is_some(),
        pipeline_api_url: ctx
            .env
            .non_empty("PIPELINE_API_URL")
            .map(|u| u.to_string_lossy().into_owned()),
    };
    let get = match ops::lookup(ctx, &Selector::default()) {
        Ok(found) => Choice {
            source: source_name(found.source),
            alias: found.alias.map(|a| a.to_string()),
            url: Some(found.url.to_string()),
        },
        Err(_) => Choice {
            source: "none",
            alias: None,
            url: None,
        },
    };
    let sdk = sdk_choice(&config, ctx);
    if env.pipeline_api_token && sdk.from == "config" {
        warn(
            "sdk-ignores-env-token",
            format!(
                "PIPELINE_API_TOKEN is set, but the SDK ignores it because config.yaml has an active remote ({}); `get` returns the environment token. Run SDK commands through `mystic-credential-helper exec -- ...` so both agree",
                sdk.alias.as_deref().unwrap_or_default()
            ),
        );
    }
    if sdk.token == "none" {
        warn(
            "sdk-sends-bearer-none",
            "the SDK will send `Authorization: Bearer None`: its remote has no token it can read. Run SDK commands through `mystic-credential-helper exec -- ...`, which hands it the token".into(),
        );
    }

    let report = Report {
        v: VERSION,
        config: ctx.dir()?.join(config::FILE_NAME).display().to_string(),
        store: ctx.store_name(),
        remotes: rows,
        env,
        get,
        sdk,
        warnings,
    };
    if json {
        say(
            stdout,
            &serde_json::to_string(&report).expect("report serialises"),
        )?;
    } else {
        print_table(&report, stdout)?;
    }
    Ok(0)
}

/// The SDK's own rule (pipeline-ai 2.8.0): config.yaml's `active_remote` (or, when unset, the
/// first remote) with the token written in the file; the environment only when there is none.
fn sdk_choice(config: &Config, ctx: &Ctx) -> SdkChoice {
    let from_config = match &config.active_remote {
        Some(_) => config.active(),
        None => config.remotes.first(),
    };
    match from_config {
        Some(Remote { alias, url, token }) => SdkChoice {
            from: "config",
            alias: Some(alias.to_string()),
            url: url.to_string(),
            token: if token.is_some() { "file" } else { "none" },
        },
        None => SdkChoice {
            from: "env",
            alias: None,
            url: resolve::env_url(ctx.env)
                .map_or_else(|_| "(invalid PIPELINE_API_URL)".into(), |u| u.to_string()),
            token: if ctx.env.non_empty("PIPELINE_API_TOKEN").is_some() {
                "env"
            } else {
                "none"
            },
        },
    }
}

#[cfg(unix)]
fn permission_warnings(dir: &std::path::Path, warn: &mut impl FnMut(&'static str, String)) {
    use std::os::unix::fs::PermissionsExt;
    let file = dir.join(config::FILE_NAME);
    for (code, path, fix) in [
        ("config-readable-by-others", &file, "600"),
        ("folder-readable-by-others", &dir.to_path_buf(), "700"),
    ] {
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            warn(
                code,
                format!(
                    "{} is readable by group or others (mode {:o}); chmod {fix} it",
                    path.display(),
                    meta.permissions().mode() & 0o777
                ),
            );
        }
    }
}

#[cfg(not(unix))]
fn permission_warnings(_dir: &std::path::Path, _warn: &mut impl FnMut(&'static str, String)) {}

fn print_table(r: &Report, out: &mut dyn Write) -> Result<()> {
    say(out, &format!("config: {}", r.config))?;
    say(out, &format!("store:  {}", r.store))?;
    say(out, "")?;
    if r.remotes.is_empty() {
        say(out, "No remotes in config.yaml.")?;
    } else {
        let wa = r
            .remotes
            .iter()
            .map(|x| x.alias.len())
            .max()
            .unwrap_or(0)
            .max(5);
        let wu = r
            .remotes
            .iter()
            .map(|x| x.url.len())
            .max()
            .unwrap_or(0)
            .max(3);
        say(
            out,
            &format!("{:wa$}  {:wu$}  ACTIVE  TOKEN    CHECK", "ALIAS", "URL"),
        )?;
        for row in &r.remotes {
            let line = format!(
                "{:wa$}  {:wu$}  {:6}  {:7}  {}",
                row.alias,
                row.url,
                if row.active { "*" } else { "" },
                row.token,
                row.verified.unwrap_or("")
            );
            say(out, line.trim_end())?;
        }
    }
    say(out, "")?;
    let set = |b: bool| if b { "set" } else { "not set" };
    say(
        out,
        &format!(
            "PIPELINE_API_TOKEN is {}; PIPELINE_API_URL is {}",
            set(r.env.pipeline_api_token),
            r.env
                .pipeline_api_url
                .as_deref()
                .map_or("not set".into(), |u| format!("set ({u})"))
        ),
    )?;
    let get = match (r.get.source, &r.get.alias) {
        ("none", _) => "nothing (no token found)".to_owned(),
        ("env", _) => format!(
            "PIPELINE_API_TOKEN for {}",
            r.get.url.as_deref().unwrap_or_default()
        ),
        (source, alias) => format!("{} ({source})", alias.as_deref().unwrap_or_default()),
    };
    say(out, &format!("`get` without an alias uses: {get}"))?;
    let sdk = match r.sdk.from {
        "config" => format!(
            "remote {} from config.yaml ({}), {}",
            r.sdk.alias.as_deref().unwrap_or_default(),
            r.sdk.url,
            if r.sdk.token == "file" {
                "with its plaintext token"
            } else {
                "with no token (Bearer None)"
            }
        ),
        _ => format!(
            "PIPELINE_API_URL/PIPELINE_API_TOKEN ({}), {}",
            r.sdk.url,
            if r.sdk.token == "env" {
                "token set"
            } else {
                "no token (Bearer None)"
            }
        ),
    };
    say(out, &format!("the SDK uses: {sdk}"))?;
    for w in &r.warnings {
        say(out, &format!("warning: {}", w.message))?;
    }
    Ok(())
}
