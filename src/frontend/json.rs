//! The native protocol: one JSON request on stdin, one JSON response line on stdout.

use std::io::{Read, Write};

use crate::error::{Error, Result};
use crate::ops::{self, Ctx};
use crate::protocol::{self, Action, Request, Response};

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
        Err(e) => {
            let _ = writeln!(
                stderr,
                "mystic-credential-helper: {}: {}",
                e.kind.as_str(),
                e.message
            );
            e.exit_code()
        }
    };
    match written {
        Ok(()) => code,
        Err(e) => {
            let e = Error::io("writing stdout", &e);
            let _ = writeln!(stderr, "mystic-credential-helper: io: {}", e.message);
            e.exit_code()
        }
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
    match request {
        Request::Get(sel) => ops::get(&ctx, &sel),
        Request::Store(req) => ops::store(&ctx, req),
        Request::Erase(sel) => ops::erase(&ctx, &sel),
        Request::List => ops::list(&ctx),
    }
}
