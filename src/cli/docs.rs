//! Shell completions and the man page. They are generated from the CLI definition by a test
//! (below) and kept in `docs/`, so the binary carries the text but not the generators; the test
//! fails when the CLI and the files drift apart, and `MYSTIC_UPDATE_DOCS=1 cargo test --lib docs`
//! writes them again. The man page's exit codes come from the one table in `error.rs`.

use clap::ValueEnum;

use crate::Io;
use crate::error::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

const MAN: &str = include_str!("docs/mystic-credential-helper.1");

impl Shell {
    fn script(self) -> &'static str {
        match self {
            Shell::Bash => include_str!("docs/completions.bash"),
            Shell::Zsh => include_str!("docs/completions.zsh"),
            Shell::Fish => include_str!("docs/completions.fish"),
            Shell::Elvish => include_str!("docs/completions.elvish"),
            Shell::Powershell => include_str!("docs/completions.powershell"),
        }
    }
}

fn print(text: &str, io: &mut Io) -> i32 {
    match io.stdout.write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(e) => Error::io("writing stdout", &e).report(io.stderr),
    }
}

pub fn completions(shell: Shell, io: &mut Io) -> i32 {
    print(shell.script(), io)
}

pub fn man(io: &mut Io) -> i32 {
    print(MAN, io)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;
    use crate::error::exit_codes;

    /// The environment variables the helper reads, for the man page.
    const ENVIRONMENT: &[(&str, &str)] = &[
        (
            "MYSTIC_CREDENTIAL_STORE",
            "The store when --store is not given: auto, secret-service, keyutils or file.",
        ),
        (
            "PIPELINE_DIR",
            "The folder of config.yaml, as for the SDK (default ~/.pipeline; %LOCALAPPDATA%\\.pipeline on Windows); a relative one is relative to the current folder. Set but empty is refused: the SDK would use the current folder.",
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
            "MYSTIC_PROMPT_TIMEOUT",
            "Seconds to wait for a Secret Service prompt that needs a person (unlocking, KeePassXC's confirmations) where one can answer: a desktop session (DISPLAY, WAYLAND_DISPLAY) or a terminal. Default 60. Elsewhere such a prompt is dismissed at the 5-second deadline.",
        ),
        (
            "DISPLAY, WAYLAND_DISPLAY",
            "A desktop session, where a person can answer a Secret Service prompt.",
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
        (
            "SHELL",
            "Which shell's line login and migrate suggest for shell-init.",
        ),
    ];

    /// Text safe in a roff line: backslashes doubled, and no line starting with a control
    /// character.
    fn roff(text: &str) -> String {
        let text = text.replace('\\', "\\\\");
        if text.starts_with(['.', '\'']) {
            format!("\\&{text}")
        } else {
            text
        }
    }

    fn render_man() -> Vec<u8> {
        let mut out = Vec::new();
        let man = clap_mangen::Man::new(Cli::command());
        man.render_title(&mut out).unwrap();
        man.render_name_section(&mut out).unwrap();
        man.render_synopsis_section(&mut out).unwrap();
        man.render_description_section(&mut out).unwrap();
        man.render_options_section(&mut out).unwrap();
        man.render_subcommands_section(&mut out).unwrap();
        writeln!(out, ".SH \"EXIT STATUS\"").unwrap();
        for (code, meaning) in exit_codes() {
            writeln!(
                out,
                ".TP\n{}\n{}",
                roff(&code),
                roff(&meaning.replace('`', ""))
            )
            .unwrap();
        }
        writeln!(out, ".SH ENVIRONMENT").unwrap();
        for (name, meaning) in ENVIRONMENT {
            writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff(name), roff(meaning)).unwrap();
        }
        man.render_version_section(&mut out).unwrap();
        out
    }

    fn render_completions(shell: Shell) -> Vec<u8> {
        let generator = match shell {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Elvish => clap_complete::Shell::Elvish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
        };
        let mut out = Vec::new();
        clap_complete::generate(
            generator,
            &mut Cli::command(),
            "mystic-credential-helper",
            &mut out,
        );
        out
    }

    #[test]
    fn the_shipped_docs_match_the_cli() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/cli/docs");
        let mut files = vec![("mystic-credential-helper.1".to_owned(), render_man(), MAN)];
        for shell in Shell::value_variants() {
            let name = format!(
                "completions.{}",
                shell.to_possible_value().unwrap().get_name()
            );
            files.push((name, render_completions(*shell), shell.script()));
        }
        let update = std::env::var_os("MYSTIC_UPDATE_DOCS").is_some();
        for (name, rendered, shipped) in files {
            if update {
                std::fs::write(dir.join(&name), &rendered).unwrap();
            } else {
                assert!(
                    rendered == shipped.as_bytes(),
                    "src/cli/docs/{name} is out of date: run MYSTIC_UPDATE_DOCS=1 cargo test --lib docs"
                );
            }
        }
    }
}
