//! The selection rules: which remote (or environment token) a request means. Every front end
//! (JSON, git, docker, the human commands) goes through here, so the rules live in one place.

use crate::config::{Config, Refused, Remote};
use crate::error::{Error, ErrorKind, Result};
use crate::remote::{Alias, Origin, Selector, Token};
use crate::settings::Settings;

/// The first `get` rule: a request that names neither alias nor url gets `PIPELINE_API_TOKEN`
/// (with `PIPELINE_API_URL`) when it is set. `None` means: resolve a remote with `remote`.
pub(crate) fn env_choice(sel: &Selector, settings: &Settings) -> Result<Option<(Origin, Token)>> {
    if sel.alias.is_some() || sel.url.is_some() {
        return Ok(None);
    }
    match settings.api_token.clone()? {
        Some(token) => Ok(Some((settings.api_url.clone()?, token))),
        None => Ok(None),
    }
}

/// The remote named by alias and/or url; with neither, `active_remote`, else the first remote.
pub(crate) fn remote<'c>(
    config: &'c Config,
    alias: Option<&Alias>,
    url: Option<&Origin>,
) -> Result<&'c Remote> {
    match (alias, url) {
        (Some(alias), url) => {
            let remote =
                config
                    .find(alias)
                    .ok_or_else(|| match config.find_refused(alias.as_str()) {
                        Some(refused) => unusable(refused),
                        None => no_such_alias(config),
                    })?;
            match url {
                Some(url) if *url != remote.url => Err(Error::not_found(format!(
                    "remote {alias} is registered for {}, not {url}",
                    remote.url
                ))),
                _ => Ok(remote),
            }
        }
        (None, Some(url)) => {
            let matches: Vec<&Remote> = config.remotes.iter().filter(|r| r.url == *url).collect();
            match matches.as_slice() {
                [] => Err(Error::not_found(format!(
                    "no remote for {url} in config.yaml"
                ))),
                [one] => Ok(one),
                many => many
                    .iter()
                    .find(|r| config.is_active(&r.alias))
                    .copied()
                    .ok_or_else(|| {
                        let names: Vec<&str> = many.iter().map(|r| r.alias.as_str()).collect();
                        Error::new(
                            ErrorKind::Ambiguous,
                            format!(
                                "several remotes use {url}: {}; name one with \"alias\"",
                                names.join(", ")
                            ),
                        )
                    }),
            }
        }
        // The SDK's remote, even when the helper cannot use it: never another one.
        (None, None) => match sdk_remote(config) {
            Some(Ok(remote)) => Ok(remote),
            Some(Err(refused)) => Err(unusable(refused)),
            None => Err(Error::not_found(match &config.active_remote {
                Some(name) => format!("active_remote {name:?} names no remote in config.yaml"),
                None => "no remotes in config.yaml; store a token first".to_owned(),
            })),
        },
    }
}

/// `not-found` for an alias config.yaml does not have. It names the aliases there are (what a
/// person needs next), never what was asked for: a token pasted where an alias goes must not
/// reach a log.
pub(crate) fn no_such_alias(config: &Config) -> Error {
    const SHOWN: usize = 20;
    let names: Vec<&str> = config.remotes.iter().map(|r| r.alias.as_str()).collect();
    let more = match names.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    Error::not_found(match names.len() {
        0 => "no remote by that name: config.yaml has no remotes".to_owned(),
        _ => format!(
            "no remote by that name in config.yaml; its remotes are {}{more}",
            names[..names.len().min(SHOWN)].join(", ")
        ),
    })
}

/// The remote the SDK itself uses (pipeline-ai 2.8.0): the first entry `active_remote` names,
/// or, when unset, the first entry (which the SDK then makes active); `None` when there is none
/// (then the SDK reads `PIPELINE_API_TOKEN`/`PIPELINE_API_URL`). The helper's own rule, `remote`,
/// differs only in refusing a refused remote instead of using it.
pub(crate) fn sdk_remote(config: &Config) -> Option<std::result::Result<&Remote, &Refused>> {
    let entry = |position: usize| {
        config
            .refused
            .iter()
            .find(|r| r.position == position)
            .map(Err)
    };
    match &config.active_remote {
        // The first entry with that alias, whether the helper can use it or not.
        Some(name) => {
            let valid = config.remotes.iter().find(|r| r.alias.as_str() == name);
            let refused = config.find_refused(name);
            let valid = valid.map(|r| (r.position, Ok(r)));
            let refused = refused.map(|r| (r.position, Err(r)));
            [valid, refused]
                .into_iter()
                .flatten()
                .min_by_key(|(position, _)| *position)
                .map(|(_, entry)| entry)
        }
        None => entry(1).or_else(|| config.remotes.first().map(Ok)),
    }
}

/// The alias a git or docker credential for `username` at `url` is kept under: the user name
/// itself, unless a remote at another origin already has that name; then `username-host[:port]`
/// (numbered when even that is taken). So a credential for one host never lands in, or is read
/// from, the remote of another host.
pub(crate) fn credential_alias(config: &Config, username: &Alias, url: &Origin) -> Result<Alias> {
    let free_or_here = |alias: &Alias| match config.find(alias) {
        Some(remote) => remote.url == *url,
        None => config.find_refused(alias.as_str()).is_none(),
    };
    if free_or_here(username) {
        return Ok(username.clone());
    }
    let derived = format!("{username}-{}", url.host_port());
    for n in 1..=9 {
        let name = match n {
            1 => derived.clone(),
            n => format!("{derived}-{n}"),
        };
        let alias = Alias::new(name)?;
        if free_or_here(&alias) {
            return Ok(alias);
        }
    }
    Err(Error::invalid(format!(
        "remote {username} and the names derived from it belong to other origins; store this credential under another user name"
    )))
}

/// A request that means a refused remote: the error names it and why (other remotes still work).
pub(crate) fn unusable(refused: &Refused) -> Error {
    let name = match &refused.alias {
        Some(alias) => format!("{alias:?}"),
        None => format!("#{}", refused.position),
    };
    Error::config(format!(
        "remote {name} in config.yaml cannot be used: {}; fix or remove it (the other remotes still work)",
        refused.reason
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const CONFIG: &str = "active_remote: b\nremotes:\n\
        - alias: a\n  url: https://shared.example\n\
        - alias: b\n  url: https://shared.example\n\
        - alias: c\n  url: https://c.example\n\
        - alias: d\n  url: https://d.example\n  token: pipeline_sk_d\n";

    /// (config.yaml, alias, url, the remote picked or the error kind)
    type Row<'a> = (
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        std::result::Result<&'a str, ErrorKind>,
    );

    fn pick(config: &str, alias: Option<&str>, url: Option<&str>) -> Result<String> {
        let config = Config::parse(config.as_bytes()).unwrap();
        let alias = alias.map(|a| Alias::new(a).unwrap());
        let url = url.map(|u| Origin::parse(u).unwrap());
        remote(&config, alias.as_ref(), url.as_ref()).map(|r| r.alias.to_string())
    }

    #[test]
    fn which_remote_a_request_means() {
        use ErrorKind::{Ambiguous, NotFound};
        let no_active = CONFIG.replace("active_remote: b\n", "");
        let dangling = CONFIG.replace("active_remote: b", "active_remote: gone");
        let table: [Row; 12] = [
            (CONFIG, Some("c"), None, Ok("c")),
            (CONFIG, Some("c"), Some("https://c.example/path"), Ok("c")),
            (CONFIG, Some("c"), Some("https://d.example"), Err(NotFound)),
            (CONFIG, Some("zz"), None, Err(NotFound)),
            (CONFIG, None, Some("https://d.example"), Ok("d")),
            (CONFIG, None, Some("https://shared.example"), Ok("b")),
            (
                &no_active,
                None,
                Some("https://shared.example"),
                Err(Ambiguous),
            ),
            (CONFIG, None, Some("https://none.example"), Err(NotFound)),
            (CONFIG, None, None, Ok("b")),
            (&no_active, None, None, Ok("a")),
            (&dangling, None, None, Err(NotFound)),
            ("remotes: []\n", None, None, Err(NotFound)),
        ];
        for (config, alias, url, want) in table {
            let got = pick(config, alias, url).map_err(|e| e.kind);
            assert_eq!(
                got.as_deref(),
                want.as_deref(),
                "{alias:?} {url:?} in {config}"
            );
        }
        let message = pick(&no_active, None, Some("https://shared.example"))
            .unwrap_err()
            .message;
        assert!(message.contains("a, b"), "{message}");
    }

    /// A remote the helper refuses fails only the requests that mean it, with its reason; the SDK's
    /// default (the first remote) is never replaced by another one.
    #[test]
    fn a_refused_remote_fails_only_the_requests_that_mean_it() {
        use ErrorKind::Config as C;
        let refused_first = "remotes:\n- alias: \"my\\tcluster\"\n  url: https://m.example\n- alias: good\n  url: https://g.example\n";
        let active_good = format!("active_remote: good\n{refused_first}");
        let active_refused = "active_remote: bad\nremotes:\n- alias: good\n  url: https://g.example\n- alias: bad\n  url: ftp://x\n";
        // The SDK uses the first entry active_remote names, here one the helper refuses.
        let twice = "active_remote: a\nremotes:\n- alias: a\n  url: ftp://x\n- alias: a\n  url: https://a.example\n";
        let twice_good_first = "active_remote: a\nremotes:\n- alias: a\n  url: https://a.example\n- alias: a\n  url: ftp://x\n";
        let table: [Row; 9] = [
            (twice, None, None, Err(C)),
            (twice_good_first, None, None, Ok("a")),
            (refused_first, Some("good"), None, Ok("good")),
            (refused_first, None, Some("https://g.example"), Ok("good")),
            (refused_first, None, None, Err(C)),
            (&active_good, None, None, Ok("good")),
            (active_refused, None, None, Err(C)),
            (active_refused, Some("bad"), None, Err(C)),
            (
                active_refused,
                Some("other"),
                None,
                Err(ErrorKind::NotFound),
            ),
        ];
        for (config, alias, url, want) in table {
            let got = pick(config, alias, url).map_err(|e| e.kind);
            assert_eq!(
                got.as_deref(),
                want.as_deref(),
                "{alias:?} {url:?} in {config}"
            );
        }
        let message = pick(refused_first, None, None).unwrap_err().message;
        assert_eq!(
            message,
            "remote \"my\\tcluster\" in config.yaml cannot be used: alias must be 1-128 characters of printable text (no control characters); fix or remove it (the other remotes still work)"
        );
        let message = pick(active_refused, Some("bad"), None).unwrap_err().message;
        assert!(
            message.contains("\"bad\"") && message.contains("http or https"),
            "{message}"
        );
    }

    #[test]
    fn the_environment_token_answers_only_a_request_naming_nothing() {
        let settings = |vars: &[(&str, &str)]| Settings::new(vars.iter().copied().collect(), None);
        let env = settings(&[
            ("PIPELINE_API_TOKEN", "pipeline_sk_env"),
            ("PIPELINE_API_URL", "https://env.example/x"),
        ]);
        let (url, token) = env_choice(&Selector::default(), &env).unwrap().unwrap();
        assert_eq!(
            (url.as_str(), token.expose()),
            ("https://env.example", "pipeline_sk_env")
        );
        let named = Selector::new(Some(Alias::new("a").unwrap()), None);
        assert!(env_choice(&named, &env).unwrap().is_none());
        let by_url = Selector::new(None, Some(Origin::default_url()));
        assert!(env_choice(&by_url, &env).unwrap().is_none());
        assert!(
            env_choice(
                &Selector::default(),
                &settings(&[("PIPELINE_API_TOKEN", "")])
            )
            .unwrap()
            .is_none()
        );
        for bad in [
            [("PIPELINE_API_TOKEN", "a b"), ("X", "y")],
            [("PIPELINE_API_TOKEN", "t"), ("PIPELINE_API_URL", "ftp://x")],
        ] {
            assert_eq!(
                env_choice(&Selector::default(), &settings(&bad))
                    .unwrap_err()
                    .kind,
                ErrorKind::Config
            );
        }
        // A bad variable is not an error for a request that names a remote.
        assert!(
            env_choice(&named, &settings(&[("PIPELINE_API_TOKEN", "a b")]))
                .unwrap()
                .is_none()
        );
    }
}
