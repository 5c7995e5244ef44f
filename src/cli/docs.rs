//! Shell completions and the man page. They are generated from the CLI definition by a test
//! (below) and kept in `docs/`, so the binary carries the text but not the generators; the test
//! fails when the CLI and the files drift apart, and `MYSTIC_UPDATE_DOCS=1 cargo test --lib docs`
//! writes them again. The man page is one page with every command and all of its options; its
//! exit codes come from the one table in `error.rs`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{Run, say, this_program};
use crate::error::{Error, Exit, Result};
use crate::ops::Ctx;
use crate::streams::{self, Io};

/// The shells `completions` writes a script for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

const MAN: &str = include_str!("docs/mystic-credential-helper.1");

impl CompletionShell {
    fn script(self) -> &'static str {
        match self {
            CompletionShell::Bash => include_str!("docs/completions.bash"),
            CompletionShell::Zsh => include_str!("docs/completions.zsh"),
            CompletionShell::Fish => include_str!("docs/completions.fish"),
            CompletionShell::Elvish => include_str!("docs/completions.elvish"),
            CompletionShell::Powershell => include_str!("docs/completions.powershell"),
        }
    }
}

fn print(text: &str, io: &mut Io) -> Result<Exit> {
    streams::print(io.stdout, text)?;
    Ok(Exit::Success)
}

/// `completions SHELL`.
pub(crate) struct Completions(pub(crate) CompletionShell);

impl Run for Completions {
    fn run(self, _ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        print(self.0.script(), io)
    }
}

/// Print the man page (roff), or install it where `man` finds it
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mystic-credential-helper man | man -l -\n  \
    mystic-credential-helper man --install\n  \
    mystic-credential-helper man --install --dir ~/.local/share/man")]
pub(crate) struct Man {
    /// Install it as man1/mystic-credential-helper.1 under the man folder next to this program
    /// (../share/man from its folder: `man` searches there for every folder on PATH)
    #[arg(long)]
    install: bool,
    /// With --install: this man folder instead
    #[arg(long, value_name = "DIR", requires = "install")]
    dir: Option<PathBuf>,
}

impl Run for Man {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        if !self.install {
            return print(MAN, io);
        }
        let exe = this_program()?;
        let bin = exe.parent().unwrap_or(Path::new("/"));
        let root = match self.dir {
            Some(dir) => dir,
            None => bin.parent().unwrap_or(bin).join("share").join("man"),
        };
        let folder = root.join("man1");
        std::fs::create_dir_all(&folder).map_err(|e| Error::io(folder.display(), &e))?;
        let page = folder.join("mystic-credential-helper.1");
        std::fs::write(&page, MAN).map_err(|e| Error::io(page.display(), &e))?;
        say(
            io.stdout,
            &format!("Installed the man page as {}.", page.display()),
        )?;
        let on_path = ctx
            .settings
            .path
            .as_ref()
            .is_some_and(|p| std::env::split_paths(p).any(|dir| dir == bin));
        if !on_path {
            say(
                io.stdout,
                &format!(
                    "`man` looks next to the folders on PATH, and {} is not on it: add it to PATH, or MANPATH=\"{}:$MANPATH\"",
                    bin.display(),
                    root.display()
                ),
            )?;
        }
        Ok(Exit::Success)
    }
}

#[cfg(test)]
mod tests {

    use std::io::Write;

    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;
    use crate::error::exit_codes;
    use crate::store::StoreKind;

    /// The environment variables the helper reads, for the man page.
    const ENVIRONMENT: &[(&str, &str)] = &[
        (
            "MYSTIC_WINDOWS_HELPER",
            "The program the windows store runs as its keyring from WSL: the Windows build of the helper, as an absolute path (a relative one is a config error, exit 4). Default, on WSL only: mystic-credential-helper.exe in the first absolute folder on PATH; empty and relative PATH entries (the current folder) are never searched.",
        ),
        (
            "WSL_DISTRO_NAME, WSL_INTEROP",
            "Set by WSL: this is WSL, and it can run Windows programs (as are WSL's kernel and its registered interop). There, auto uses the windows store when no Secret Service runs.",
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
            "Your home folder (else the password database), for ~/.pipeline, ~/.docker and git's global config. Set but empty, it is the root folder, as Python (and so the SDK) reads it.",
        ),
        (
            "MYSTIC_SDK_INTEGRATION",
            "0 turns the SDK integration off: Python then runs the SDK as if it were not installed (read by the Python part at start-up and when the SDK is imported).",
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

    /// One argument as the man page shows it: `--alias ALIAS`, or `CMD` for a positional one.
    fn arg_form(arg: &clap::Arg) -> String {
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        match (arg.get_long(), arg.get_short()) {
            (Some(long), Some(short)) if takes_value => {
                format!("\\fB\\-{short}\\fR, \\fB\\-\\-{long}\\fR \\fI{value}\\fR")
            }
            (Some(long), Some(short)) => format!("\\fB\\-{short}\\fR, \\fB\\-\\-{long}\\fR"),
            (Some(long), None) if takes_value => format!("\\fB\\-\\-{long}\\fR \\fI{value}\\fR"),
            (Some(long), None) => format!("\\fB\\-\\-{long}\\fR"),
            (None, _) => format!("\\fI{value}\\fR"),
        }
    }

    /// An argument's entry: its form, its help, its possible values and default.
    fn render_arg(out: &mut Vec<u8>, arg: &clap::Arg) {
        let help = arg
            .get_long_help()
            .or(arg.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        writeln!(out, ".TP\n{}\n{}", arg_form(arg), roff(&help)).unwrap();
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match v.get_help() {
                Some(help) => format!("\\fB{}\\fR: {}", v.get_name(), roff(&help.to_string())),
                None => format!("\\fB{}\\fR", v.get_name()),
            })
            .collect();
        if !values.is_empty() && arg.get_long().is_some() {
            writeln!(out, ".RS\n.PP\nOne of:\n.RE").unwrap();
            for value in values {
                writeln!(out, ".RS\n.IP \\(bu 2\n{value}\n.RE").unwrap();
            }
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        let flag = !arg.get_num_args().is_some_and(|n| n.takes_values());
        if !defaults.is_empty() && !flag {
            writeln!(
                out,
                ".RS\n.PP\nDefault: {}\n.RE",
                roff(&defaults.join(", "))
            )
            .unwrap();
        }
    }

    fn shown(arg: &clap::Arg) -> bool {
        !arg.is_hide_set()
            && !arg.is_global_set()
            && !["help", "version"].contains(&arg.get_id().as_str())
    }

    /// One section per command: what it does, its usage, and every option and argument.
    fn render_command(out: &mut Vec<u8>, sub: &mut clap::Command) {
        render_named(out, sub, sub.get_name().to_owned());
    }

    /// One command's section, then its own subcommands' (`sdk install`), each under its full
    /// name.
    fn render_named(out: &mut Vec<u8>, sub: &mut clap::Command, name: String) {
        writeln!(out, ".SS \"{name}\"").unwrap();
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        writeln!(out, "{}", roff(&about)).unwrap();
        let usage = sub.render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ");
        writeln!(out, ".PP\n\\fB{}\\fR", roff(usage)).unwrap();
        let args: Vec<clap::Arg> = sub.get_arguments().filter(|a| shown(a)).cloned().collect();
        for arg in &args {
            render_arg(out, arg);
        }
        if let Some(after) = sub.get_after_help() {
            writeln!(out, ".PP").unwrap();
            for line in after.to_string().lines() {
                writeln!(out, "{}\n.br", roff(line.trim_start())).unwrap();
            }
        }
        let mut nested: Vec<clap::Command> = sub
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            .cloned()
            .collect();
        for inner in &mut nested {
            let full = format!("{name} {}", inner.get_name());
            render_named(out, inner, full);
        }
    }

    fn render_man() -> Vec<u8> {
        let mut out = Vec::new();
        let mut cli = Cli::command();
        cli.build();
        let version = cli.get_version().unwrap_or_default().to_owned();
        writeln!(
            out,
            ".TH mystic-credential-helper 1 \"\" \"mystic-credential-helper {version}\"\n.SH NAME\nmystic\\-credential\\-helper \\- {}",
            roff(&cli.get_about().map(|a| a.to_string()).unwrap_or_default())
        )
        .unwrap();
        writeln!(
            out,
            ".SH SYNOPSIS\n\\fBmystic\\-credential\\-helper\\fR [\\fB\\-\\-store\\fR \\fISTORE\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n.br\n\\fBgit\\-credential\\-mystic\\fR \\fIACTION\\fR\n.br\n\\fBdocker\\-credential\\-mystic\\fR \\fIACTION\\fR"
        )
        .unwrap();
        let description = cli
            .get_long_about()
            .map(|a| a.to_string())
            .unwrap_or_default();
        writeln!(out, ".SH DESCRIPTION\n{}", roff(&description)).unwrap();
        writeln!(
            out,
            ".SH \"GLOBAL OPTIONS\"\nThese go before or after the command."
        )
        .unwrap();
        let globals: Vec<clap::Arg> = cli
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .cloned()
            .collect();
        for arg in &globals {
            render_arg(&mut out, arg);
        }
        writeln!(out, ".SH COMMANDS").unwrap();
        let mut subs: Vec<clap::Command> = cli.get_subcommands().cloned().collect();
        for sub in subs
            .iter_mut()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            render_command(&mut out, sub);
        }
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
        let store = format!(
            "The store when --store is not given: {}.",
            StoreKind::list()
        );
        let first = ("MYSTIC_CREDENTIAL_STORE", store.as_str());
        for (name, meaning) in std::iter::once(&first).chain(ENVIRONMENT) {
            writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff(name), roff(meaning)).unwrap();
        }
        writeln!(
            out,
            ".SH FILES\n.TP\n\\fI$PIPELINE_DIR/config.yaml\\fR, else \\fI~/.pipeline/config.yaml\\fR\nThe Mystic SDK's configuration: remotes, never tokens unless the store is file.\n.SH \"SEE ALSO\"\n\\fBgit\\-credential\\fR(1), \\fBgitcredentials\\fR(7), \\fBkeyctl\\fR(1), \\fBpersistent\\-keyring\\fR(7), \\fBsecret\\-tool\\fR(1)"
        )
        .unwrap();
        out
    }

    fn render_completions(shell: CompletionShell) -> Vec<u8> {
        let generator = match shell {
            CompletionShell::Bash => clap_complete::Shell::Bash,
            CompletionShell::Zsh => clap_complete::Shell::Zsh,
            CompletionShell::Fish => clap_complete::Shell::Fish,
            CompletionShell::Elvish => clap_complete::Shell::Elvish,
            CompletionShell::Powershell => clap_complete::Shell::PowerShell,
        };
        let mut out = Vec::new();
        clap_complete::generate(
            generator,
            &mut Cli::command(),
            "mystic-credential-helper",
            &mut out,
        );
        match shell {
            // clap_complete names a hyphenated program's subcommands one way where it sets
            // them and another where it matches them (clap-rs/clap#6421): one spelling.
            CompletionShell::Bash => String::from_utf8(out)
                .expect("the script is UTF-8")
                .replace(
                    "mystic__subcmd__credential__subcmd__helper",
                    "mystic__credential__helper",
                )
                .into_bytes(),
            // clap_complete's fish script offers no values for positional arguments
            // (`configure TOOL`): one line per subcommand that takes one.
            CompletionShell::Fish => {
                out.extend(fish_positionals(&Cli::command()).into_bytes());
                out
            }
            _ => out,
        }
    }

    fn fish_positionals(cli: &clap::Command) -> String {
        let mut lines = String::new();
        for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
            for arg in sub.get_positionals().filter(|a| !a.is_hide_set()) {
                let values: Vec<String> = arg
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_owned())
                    .collect();
                if !values.is_empty() {
                    lines.push_str(&format!(
                        "complete -c mystic-credential-helper -n \"__fish_mystic_credential_helper_using_subcommand {}\" -f -a \"{}\"\n",
                        sub.get_name(),
                        values.join(" ")
                    ));
                }
            }
        }
        lines
    }

    /// The man page describes every argument of every command (a positional one too).
    #[test]
    fn every_argument_has_a_description() {
        fn check(command: &clap::Command, path: &str) {
            for arg in command.get_arguments().filter(|a| shown(a)) {
                assert!(
                    arg.get_help()
                        .is_some_and(|h| !h.to_string().trim().is_empty()),
                    "{path} {} has no description",
                    arg.get_id()
                );
            }
            for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
                check(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        let mut cli = Cli::command();
        cli.build();
        check(&cli, "mystic-credential-helper");
    }

    #[test]
    fn the_shipped_docs_match_the_cli() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/cli/docs");
        let mut files = vec![("mystic-credential-helper.1".to_owned(), render_man(), MAN)];
        for shell in CompletionShell::value_variants() {
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
