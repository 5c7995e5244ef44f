//! Checks a token against the API, as `pipeline cluster login` does:
//! `GET {url}/v4/tokens/validate` with `Authorization: Bearer TOKEN`.
//! The token goes only into that header: never into the URL, an error or a log.

use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::remote::{Origin, Token};

pub(crate) const TIMEOUT: Duration = Duration::from_secs(10);

/// `Ok(())` when the API accepts the token; `unauthorized` or `network` otherwise.
pub(crate) fn check(url: &Origin, token: &Token) -> Result<()> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        // A redirect could carry the header to another host; treat it as an answer instead.
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!(
            "mystic-credential-helper/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
        .into();
    let endpoint = format!("{url}/v4/tokens/validate");
    let network = |detail: String| {
        Error::new(
            ErrorKind::Network,
            format!(
                "could not check the token at {endpoint}: {detail}; check the url and your connection, or pass --no-verify to skip the check"
            ),
        )
    };
    let response = agent
        .get(&endpoint)
        .header("Authorization", &format!("Bearer {}", token.expose()))
        .call()
        .map_err(|e| network(e.to_string()))?;
    match response.status().as_u16() {
        200..=299 => Ok(()),
        code @ (401 | 403) => Err(Error::new(
            ErrorKind::Unauthorized,
            format!("{url} refused the token (HTTP {code}); nothing was stored"),
        )),
        code => Err(network(format!("unexpected HTTP status {code}"))),
    }
}
