use std::io::IsTerminal;
use std::process::ExitCode;

use mystic_credential_helper::{Io, core_dumps, env::Env, run, store};

fn main() -> ExitCode {
    core_dumps::disable();
    let stdin = std::io::stdin();
    let io = Io {
        interactive: stdin.is_terminal(),
        stdin: &mut stdin.lock(),
        stdout: &mut std::io::stdout().lock(),
        stderr: &mut std::io::stderr().lock(),
    };
    ExitCode::from(run(
        std::env::args_os().collect(),
        &Env::from_process(),
        io,
        &store::open,
    ))
}
