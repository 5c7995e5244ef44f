//! The native protocol: one JSON request on stdin, one JSON response line on stdout.

use std::io::{Read, Write};

use crate::error::{Error, Result};
use crate::ops::{self, Ctx};
use crate::protocol::{self, Action, Request, Response, VERSION};

pub fn serve<'a>(
    action: Action,
    ctx: impl FnOnce() -> Result<Ctx<'a>>,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let result = answer(action, ctx, stdin);
    let line = protocol::encode(&result);
    let written = stdout
        .write_all(line.as_bytes())
        .and_then(|()| stdout.flush());
    let code = match &result {
        Ok(_) => 0,
        Err(e) => e.report(stderr),
    };
    match written {
        Ok(()) => code,
        Err(e) => Error::io("writing stdout", &e).report(stderr),
    }
}

fn answer<'a>(
    action: Action,
    ctx: impl FnOnce() -> Result<Ctx<'a>>,
    stdin: &mut dyn Read,
) -> Result<Response> {
    let input = protocol::read_input(stdin)?;
    let request = protocol::decode(action, &input)?;
    let ctx = ctx()?;
    Ok(match request {
        Request::Get(sel) => {
            let ops::Found {
                alias,
                url,
                token,
                source,
            } = ops::lookup(&ctx, &sel)?;
            Response::Get {
                v: VERSION,
                alias,
                url,
                token,
                source,
            }
        }
        Request::Store(req) => {
            let ops::Stored { alias, url, active } = ops::store(&ctx, req)?;
            Response::Store {
                v: VERSION,
                alias,
                url,
                active,
            }
        }
        Request::Erase(sel) => {
            let (alias, url) = ops::erase(&ctx, &sel)?;
            Response::Erase {
                v: VERSION,
                alias,
                url,
            }
        }
        Request::List => {
            let (active_remote, remotes) = ops::list(&ctx)?;
            Response::List {
                v: VERSION,
                active_remote,
                remotes,
            }
        }
    })
}
