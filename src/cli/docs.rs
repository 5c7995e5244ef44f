//! Shell completions and the man page, generated from the CLI definition. The man page's exit
//! codes come from the one table in `error.rs`.

use std::io::Write;

use clap::CommandFactory;

use super::Cli;
use crate::Io;
use crate::error::{ErrorKind, exit_codes};

/// The environment variables the helper reads, for the man page.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "MYSTIC_CREDENTIAL_STORE",
        "The store when --store is not given: auto, secret-service, keyutils or file.",
    ),
    (
        "PIPELINE_DIR",
        "The folder of config.yaml, as for the SDK (default ~/.pipeline; %LOCALAPPDATA%\\.pipeline on Windows). Set but empty is refused: the SDK would use the current folder.",
    ),
    (
        "PIPELINE_API_TOKEN, PIPELINE_API_URL",
        "A token (and its API) that get, token, env and exec hand out when no alias or url is named.",
    ),
    (
        "MYSTIC_SECRET_SERVICE_ENCRYPTION",
        "plain (default) or dh: the Secret Service transfer session.",
    ),
    (
        "MYSTIC_KEYRING_SERVICE_PREFIX",
        "Replaces mystic: in keyring item names (for tests).",
    ),
    (
        "DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR",
        "Where the Secret Service's session bus is.",
    ),
    (
        "GITHUB_ENV",
        "The file env --format github appends to (GitHub Actions sets it).",
    ),
    (
        "DOCKER_CONFIG",
        "The folder of docker's config.json, for configure docker.",
    ),
    (
        "HOME",
        "Your home folder (else the password database), for ~/.pipeline, ~/.docker and git's global config.",
    ),
];

pub fn completions(shell: clap_complete::Shell, io: &mut Io) -> i32 {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "mystic-credential-helper",
        io.stdout,
    );
    0
}

pub fn man(io: &mut Io) -> i32 {
    let written = render(io.stdout);
    match written {
        Ok(()) => 0,
        Err(_) => ErrorKind::Io.exit_code(),
    }
}

fn render(out: &mut dyn Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(Cli::command());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    for (code, meaning) in exit_codes() {
        writeln!(
            out,
            ".TP\n{}\n{}",
            roff(&code),
            roff(&meaning.replace('`', ""))
        )?;
    }
    writeln!(out, ".SH ENVIRONMENT")?;
    for (name, meaning) in ENVIRONMENT {
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff(name), roff(meaning))?;
    }
    man.render_version_section(out)
}

/// Text safe in a roff line: backslashes doubled, and no line starting with a control character.
fn roff(text: &str) -> String {
    let text = text.replace('\\', "\\\\");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}
