//! git's credential-helper protocol (`git help credential`): `key=value` lines up to a blank
//! line or EOF. `get` maps `protocol` + `host` (with any port) to exactly one remote's origin and
//! answers `username=<alias>` and `password=<token>`; a miss prints nothing and exits 0, so git
//! tries its next helper. Unknown keys and actions are ignored, as git requires.

use super::{Answered, Protocol};
use crate::error::{Error, ErrorKind, Exit, Result};
use crate::ops::{self, Ctx};
use crate::remote::validate::check_text;
use crate::remote::{Alias, Origin, Token};
use crate::secret::Secret;
use crate::streams::{Io, print};

/// What git asks; any other action is ignored, as git requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Get,
    Store,
    Erase,
    Ignored,
}

impl Action {
    fn parse(name: &str) -> Action {
        match name {
            "get" => Action::Get,
            "store" => Action::Store,
            "erase" => Action::Erase,
            _ => Action::Ignored,
        }
    }
}

/// The action, and the attributes we use; git may send more (path, capability[], wwwauth[],
/// ...), all ignored.
#[derive(Debug)]
pub(crate) struct Request {
    action: Action,
    protocol: Option<String>,
    host: Option<String>,
    username: Option<String>,
    password: Option<Secret>,
}

fn parse(action: Action, input: &[u8]) -> Result<Request> {
    let text = std::str::from_utf8(input).map_err(|_| Error::invalid("git input is not UTF-8"))?;
    let mut req = Request {
        action,
        protocol: None,
        host: None,
        username: None,
        password: None,
    };
    for line in text.split('\n') {
        if line.is_empty() {
            break;
        }
        // NUL and CR are refused outright, as git does since CVE-2020-5260 and CVE-2024-52006.
        check_text("a git attribute", line)?;
        let Some((key, value)) = line.split_once('=') else {
            return Err(Error::invalid("git input line without '='"));
        };
        match key {
            "protocol" => req.protocol = Some(value.to_owned()),
            "host" => req.host = Some(value.to_owned()),
            "username" => req.username = Some(value.to_owned()),
            "password" => req.password = Some(Secret::new(value.to_owned())),
            _ => {}
        }
    }
    Ok(req)
}

/// The origin git asks about, or `None` when it is not ours to answer (not http or https).
fn origin(req: &Request) -> Result<Option<Origin>> {
    let (Some(protocol), Some(host)) = (&req.protocol, &req.host) else {
        return Err(Error::invalid(
            "git sent no protocol or no host; refusing to guess",
        ));
    };
    if host.is_empty() {
        return Err(Error::invalid(
            "git sent an empty host; refusing to match any remote",
        ));
    }
    if !matches!(protocol.as_str(), "http" | "https") {
        return Ok(None);
    }
    if host.contains(['/', '@', '?', '#', '\\']) {
        return Err(Error::invalid(
            "git sent a host with '/', '@', '?', '#' or '\\'",
        ));
    }
    Origin::parse(&format!("{protocol}://{host}")).map(Some)
}

/// git's protocol for one action.
pub(crate) struct Git<'a>(pub(crate) &'a str);

impl Protocol for Git<'_> {
    type Request = Request;
    /// What `get` prints (nothing for a miss, and for the other actions).
    type Answer = String;
    type Failure = Error;

    fn decode(&self, input: &[u8]) -> Result<Request> {
        parse(Action::parse(self.0), input)
    }

    fn answer(&self, ctx: &Ctx, req: Request) -> Result<Answered<String>> {
        match req.action {
            Action::Get => get(ctx, &req),
            Action::Store => store(ctx, &req).map(|()| Answered::plain(String::new())),
            Action::Erase => erase(ctx, &req).map(|()| Answered::plain(String::new())),
            Action::Ignored => Ok(Answered::plain(String::new())),
        }
    }

    fn encode(&self, outcome: Result<String>, io: &mut Io) -> Exit {
        match outcome.and_then(|text| print(io.stdout, &text)) {
            Ok(()) => Exit::Success,
            Err(e) => e.report(io.stderr),
        }
    }
}

/// The user name git sent, as an alias; `None` when it cannot be one of ours.
fn username(req: &Request) -> Option<Option<Alias>> {
    match req.username.as_deref().map(Alias::new) {
        Some(Err(_)) => None,
        Some(Ok(alias)) => Some(Some(alias)),
        None => Some(None),
    }
}

/// The remote git means, or `None` for a miss.
fn find(ctx: &Ctx, req: &Request) -> Result<Option<ops::Found>> {
    let (Some(url), Some(user)) = (origin(req)?, username(req)) else {
        return Ok(None);
    };
    match ops::lookup_credential(ctx, user.as_ref(), &url) {
        Ok(found) => Ok(Some(found)),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn get(ctx: &Ctx, req: &Request) -> Result<Answered<String>> {
    let Some(found) = find(ctx, req)? else {
        return Ok(Answered::plain(String::new()));
    };
    let ops::Found {
        alias: Some(alias),
        token,
        warning,
        ..
    } = found
    else {
        return Ok(Answered::plain(String::new()));
    };
    Ok(Answered {
        value: format!("username={alias}\npassword={}\n", token.expose()),
        warning,
    })
}

/// Saves the credential under the alias `credential_alias` picks. An empty password is not a
/// token (git's test suite approves one): nothing is stored, as for a non-http protocol.
fn store(ctx: &Ctx, req: &Request) -> Result<()> {
    let (Some(username), Some(password)) = (&req.username, &req.password) else {
        return Ok(());
    };
    let Some(url) = origin(req)? else {
        return Ok(());
    };
    if password.expose().is_empty() {
        return Ok(());
    }
    let username = Alias::new(username.as_str())?;
    let token = Token::new(password.expose().to_owned())?;
    ops::store_credential(ctx, &username, url, &token).map(drop)
}

/// Removes the matching credentials: the user's at the origin, or, without a user name, every
/// remote at the origin; when git sends the rejected password, only those still holding it.
fn erase(ctx: &Ctx, req: &Request) -> Result<()> {
    let (Some(url), Some(user)) = (origin(req)?, username(req)) else {
        return Ok(());
    };
    let rejected = req.password.as_ref().map(Secret::expose);
    ops::erase_credentials(ctx, user.as_ref(), &url, rejected).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin_of(input: &str) -> Result<Option<Origin>> {
        origin(&parse(Action::Get, input.as_bytes())?)
    }

    #[test]
    fn origins_are_exact() {
        let o = |s| origin_of(s).unwrap().unwrap().to_string();
        assert_eq!(
            o("protocol=https\nhost=www.mystic.ai\n"),
            "https://www.mystic.ai"
        );
        assert_eq!(
            o("protocol=https\nhost=www.mystic.ai:443\npath=x\n\n"),
            "https://www.mystic.ai"
        );
        assert_eq!(
            o("protocol=https\nhost=www.mystic.ai:8443\n"),
            "https://www.mystic.ai:8443"
        );
        assert_eq!(
            origin_of("protocol=ssh\nhost=www.mystic.ai\n").unwrap(),
            None
        );
    }

    #[test]
    fn hostile_input_is_refused() {
        for bad in [
            "protocol=https\nhost=www.mystic.ai\r\n",
            "protocol=https\nhost=www.mystic.ai\0evil\n",
            "protocol=https\n",
            "host=www.mystic.ai\n",
            "protocol=https\nhost=\n",
            "protocol=https\nhost=evil.example/@www.mystic.ai\n",
            "protocol=https\nhost=user@www.mystic.ai\n",
            "protocol=https\nhost=www.mystic.ai\nnoequals\n",
        ] {
            assert!(origin_of(bad).is_err(), "{bad:?}");
        }
        // Only the first block counts: what follows a blank line is not read.
        assert!(origin_of("protocol=https\nhost=a.example\n\nhost=\r\n").is_ok());
    }

    #[test]
    fn debug_hides_the_password() {
        let input = b"protocol=https\nhost=h\nusername=u\npassword=pipeline_sk_canary\n";
        let req = parse(Action::Store, input).unwrap();
        assert!(!format!("{req:?}").contains("canary"));
    }
}
