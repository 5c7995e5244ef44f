//! `status` as a table for people.

use std::fmt::Write;

use super::report::{Report, SdkFrom, Verified, Whereabouts};
use crate::cli::sdk::Integration;
use crate::remote::Source;

pub(crate) fn table(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "config: {}\nstore:  {}\n", r.config, r.store);
    remotes(r, &mut out);
    let set = |b: bool| if b { "set" } else { "not set" };
    let _ = writeln!(
        out,
        "\nPIPELINE_API_TOKEN is {}; PIPELINE_API_URL is {}",
        set(r.env.pipeline_api_token),
        r.env
            .pipeline_api_url
            .as_deref()
            .map_or("not set".into(), |u| format!("set ({u})"))
    );
    let alias = r.get.alias.as_deref().unwrap_or_default();
    let get = match r.get.source {
        Whereabouts::Nowhere => "nothing (no token found)".to_owned(),
        Whereabouts::At(Source::Env) => format!(
            "PIPELINE_API_TOKEN for {}",
            r.get.url.as_deref().unwrap_or_default()
        ),
        Whereabouts::At(Source::Keyring) => format!("{alias} (keyring)"),
        Whereabouts::Unknown => {
            format!("{alias}, with a token unknown (the keyring could not be asked)")
        }
        Whereabouts::At(Source::File) => format!("{alias} (plaintext in config.yaml)"),
    };
    let _ = writeln!(out, "`get` without an alias uses: {get}");
    let integrated = r.python.as_ref().is_some_and(|p| p.active())
        && r.get.source == Whereabouts::At(Source::Keyring)
        && r.get.alias == r.sdk.alias;
    let sdk = match (r.sdk.from, r.sdk.token) {
        (SdkFrom::Config, Whereabouts::Nowhere) if integrated => format!(
            "remote {} from config.yaml ({}), with its keyring token through the SDK integration",
            r.sdk.alias.as_deref().unwrap_or_default(),
            r.sdk.url
        ),
        (SdkFrom::Config, Whereabouts::At(Source::File)) => format!(
            "remote {} from config.yaml ({}), with its plaintext token",
            r.sdk.alias.as_deref().unwrap_or_default(),
            r.sdk.url
        ),
        (SdkFrom::Config, Whereabouts::Unknown) => format!(
            "remote {} from config.yaml, which the helper cannot read (see the warnings)",
            r.sdk.alias.as_deref().unwrap_or("(no alias)")
        ),
        (SdkFrom::Config, _) => format!(
            "remote {} from config.yaml ({}), with no token (Bearer None)",
            r.sdk.alias.as_deref().unwrap_or_default(),
            r.sdk.url
        ),
        (SdkFrom::Env, Whereabouts::At(Source::Env)) => {
            format!(
                "PIPELINE_API_URL/PIPELINE_API_TOKEN ({}), token set",
                r.sdk.url
            )
        }
        (SdkFrom::Env, _) => format!(
            "PIPELINE_API_URL/PIPELINE_API_TOKEN ({}), no token (Bearer None)",
            r.sdk.url
        ),
    };
    let _ = writeln!(out, "the SDK uses: {sdk}");
    let python = match &r.python {
        None => "no Python on PATH answered".to_owned(),
        Some(p) => {
            let sdk = p
                .pipeline_ai
                .as_deref()
                .map_or("without pipeline-ai".to_owned(), |v| {
                    format!("with pipeline-ai {v}")
                });
            let state = match p.integration {
                Integration::Active => "active: `import pipeline` gets its token from here",
                Integration::Off => "installed, turned off (MYSTIC_SDK_INTEGRATION=0)",
                Integration::Absent => {
                    "not installed (`mystic-credential-helper sdk install` adds it)"
                }
            };
            format!("{} ({sdk}), {state}", p.python)
        }
    };
    let _ = writeln!(out, "SDK integration: {python}");
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {}", w.message);
    }
    out
}

fn remotes(r: &Report, out: &mut String) {
    if r.remotes.is_empty() {
        let _ = writeln!(out, "No remotes in config.yaml.");
        return;
    }
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
    let _ = writeln!(
        out,
        "{:wa$}  {:wu$}  ACTIVE  TOKEN    CHECK",
        "ALIAS", "URL"
    );
    for row in &r.remotes {
        let token = row.token.word("missing");
        let check = match row.verified {
            None => "",
            Some(Verified::Valid) => "valid",
            Some(Verified::Unauthorized) => "unauthorized",
            Some(Verified::NetworkError) => "network-error",
        };
        let line = format!(
            "{:wa$}  {:wu$}  {:6}  {token:7}  {check}",
            row.alias,
            row.url,
            if row.active { "*" } else { "" },
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
}
