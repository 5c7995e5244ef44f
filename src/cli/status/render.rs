//! `status` as a table for people.

use std::fmt::Write;

use super::report::{GetSource, Held, Report, SdkFrom, SdkToken, Verified};

pub fn table(r: &Report) -> String {
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
        GetSource::None => "nothing (no token found)".to_owned(),
        GetSource::Env => format!(
            "PIPELINE_API_TOKEN for {}",
            r.get.url.as_deref().unwrap_or_default()
        ),
        GetSource::Keyring => format!("{alias} (keyring)"),
        GetSource::Unknown => {
            format!("{alias}, with a token unknown (the keyring could not be asked)")
        }
        GetSource::File => format!("{alias} (plaintext in config.yaml)"),
    };
    let _ = writeln!(out, "`get` without an alias uses: {get}");
    let sdk = match (r.sdk.from, r.sdk.token) {
        (SdkFrom::Config, SdkToken::File) => format!(
            "remote {} from config.yaml ({}), with its plaintext token",
            r.sdk.alias.as_deref().unwrap_or_default(),
            r.sdk.url
        ),
        (SdkFrom::Config, SdkToken::Unknown) => format!(
            "remote {} from config.yaml, which the helper cannot read (see the warnings)",
            r.sdk.alias.as_deref().unwrap_or("(no alias)")
        ),
        (SdkFrom::Config, _) => format!(
            "remote {} from config.yaml ({}), with no token (Bearer None)",
            r.sdk.alias.as_deref().unwrap_or_default(),
            r.sdk.url
        ),
        (SdkFrom::Env, SdkToken::Env) => {
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
        let token = match row.token {
            Held::Keyring => "keyring",
            Held::File => "file",
            Held::Missing => "missing",
            Held::Unknown => "unknown",
        };
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
