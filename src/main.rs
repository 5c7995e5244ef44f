use std::io::IsTerminal;

use mystic_credential_helper::{Environment, Io, run, store, sys};

fn main() {
    sys::disable_core_dumps();
    let exit = {
        let stdin = std::io::stdin();
        let io = Io {
            interactive: stdin.is_terminal(),
            stdin: &mut stdin.lock(),
            stdout: &mut std::io::stdout().lock(),
            stderr: &mut std::io::stderr().lock(),
        };
        run(
            std::env::args_os().collect(),
            &Environment::from_process(),
            io,
            &store::open,
        )
    };
    sys::raise_deferred_signal();
    // An exit code, not an ExitCode: `exec` passes on all 32 bits of a Windows child's code.
    std::process::exit(exit.code())
}
