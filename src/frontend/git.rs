//! git's credential-helper protocol (`git help credential`): `key=value` lines up to a blank
//! line or EOF. `get` maps `protocol` + `host` (with any port) to exactly one remote's origin and
//! answers `username=<alias>` and `password=<token>`; a miss prints nothing and exits 0, so git
//! tries its next helper. Unknown keys and actions are ignored, as git requires.

use std::io::Write;

use crate::Io;
use crate::error::{Error, ErrorKind, Result};
use crate::ops::{self, Ctx, Moves};
use crate::protocol::{self, Alias, Origin, Selector, Token};
use crate::secret::Secret;

/// The attributes we use; git may send more (path, capability[], wwwauth[], ...), all ignored.
#[derive(Debug, Default)]
struct Request {
    protocol: Option<String>,
    host: Option<String>,
    username: Option<String>,
    password: Option<Secret>,
}

fn parse(input: &[u8]) -> Result<Request> {
    let text = std::str::from_utf8(input).map_err(|_| Error::invalid("git input is not UTF-8"))?;
    let mut req = Request::default();
    for line in text.split('\n') {
        if line.is_empty() {
            break;
        }
        // NUL and CR are refused outright, as git does since CVE-2020-5260 and CVE-2024-52006.
        protocol::validate::check_text("a git attribute", line)?;
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

pub fn serve<'a>(action: &str, ctx: impl FnOnce() -> Result<Ctx<'a>>, io: &mut Io) -> i32 {
    let Io {
        stdin,
        stdout,
        stderr,
        ..
    } = io;
    let result = (|| {
        let req = parse(&protocol::read_input(*stdin)?)?;
        if !matches!(action, "get" | "store" | "erase") {
            return Ok(());
        }
        let ctx = ctx()?;
        let done = match action {
            "get" => get(&ctx, &req, *stdout),
            "store" => store(&ctx, &req),
            _ => erase(&ctx, &req),
        };
        ctx.flush_warnings(*stderr);
        done
    })();
    match result {
        Ok(()) => 0,
        Err(e) => e.report(*stderr),
    }
}

/// The remote git means, or `None` for a miss.
fn find(ctx: &Ctx, req: &Request) -> Result<Option<(Alias, Origin, Token)>> {
    let Some(url) = origin(req)? else {
        return Ok(None);
    };
    // A user name that cannot be an alias cannot be one of ours.
    let alias = match req.username.as_deref().map(Alias::new) {
        Some(Err(_)) => return Ok(None),
        Some(Ok(a)) => Some(a),
        None => None,
    };
    match ops::lookup(ctx, &Selector::new(alias, Some(url))) {
        Ok(ops::Found {
            alias: Some(alias),
            url,
            token,
            ..
        }) => Ok(Some((alias, url, token))),
        Ok(_) => Ok(None),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn get(ctx: &Ctx, req: &Request, stdout: &mut dyn Write) -> Result<()> {
    let Some((alias, _, token)) = find(ctx, req)? else {
        return Ok(());
    };
    write!(stdout, "username={alias}\npassword={}\n", token.expose())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::io("writing stdout", &e))
}

fn store(ctx: &Ctx, req: &Request) -> Result<()> {
    let (Some(username), Some(password)) = (&req.username, &req.password) else {
        return Ok(());
    };
    let Some(url) = origin(req)? else {
        return Ok(());
    };
    let alias = Alias::new(username.as_str())?;
    let token = Token::new(password.expose().to_owned())?;
    // Never moves a remote that exists at another origin (see `Moves`).
    ops::store(ctx, alias, url, &token, None, Moves::Refused).map(drop)
}

fn erase(ctx: &Ctx, req: &Request) -> Result<()> {
    let Some((alias, url, current)) = find(ctx, req)? else {
        return Ok(());
    };
    // git sends the rejected password: a credential that has changed since is not erased.
    if req
        .password
        .as_ref()
        .is_some_and(|p| p.expose() != current.expose())
    {
        return Ok(());
    }
    ops::erase(ctx, &Selector::new(Some(alias), Some(url))).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin_of(input: &str) -> Result<Option<Origin>> {
        origin(&parse(input.as_bytes())?)
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
        let req =
            parse(b"protocol=https\nhost=h\nusername=u\npassword=pipeline_sk_canary\n").unwrap();
        assert!(!format!("{req:?}").contains("canary"));
    }
}
