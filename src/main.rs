use std::process::ExitCode;

use mystic_credential_helper::{env::Env, run, store};

fn main() -> ExitCode {
    let code = run(
        std::env::args_os().collect(),
        &Env::from_process(),
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
        &store::open,
    );
    ExitCode::from(code)
}
