//! git's and docker's names for the helper, as small programs: for installs that cannot make
//! links (a Python wheel, Windows), each runs `mystic-credential-helper git|docker ...` from the
//! folder it is in. (Where a link can be made, a link to the helper does the same by itself.)

use std::process::Command;

pub fn to(mode: &str) -> ! {
    let helper = std::env::current_exe().map(|exe| {
        exe.with_file_name(format!(
            "mystic-credential-helper{}",
            std::env::consts::EXE_SUFFIX
        ))
    });
    let helper = match helper {
        Ok(path) => path,
        Err(e) => fail(&format!("cannot locate this program: {e}"), 127),
    };
    let mut command = Command::new(&helper);
    // Its own name may choose a store (`docker-credential-mystic-keyutils`), as a link's would.
    let args = mystic_credential_helper::expand_argv0(std::env::args_os().collect());
    match args.len() > std::env::args_os().len() {
        true => command.args(&args[1..]),
        false => command.arg(mode).args(&args[1..]),
    };
    #[cfg(unix)]
    let err = std::os::unix::process::CommandExt::exec(&mut command);
    #[cfg(not(unix))]
    let err = match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    };
    fail(&format!("cannot run {}: {err}", helper.display()), 127)
}

fn fail(message: &str, code: i32) -> ! {
    eprintln!("mystic-credential-helper: {message}");
    std::process::exit(code)
}
