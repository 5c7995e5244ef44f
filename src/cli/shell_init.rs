//! `shell-init`: a shell function that runs the SDK's `pipeline` CLI through `exec`, so that
//! after `migrate` (config.yaml holds no tokens) a plain `pipeline ...` still authenticates.
//! The function calls this helper by the absolute path of the binary that printed it, as
//! `direnv hook` does, so it works whether or not the helper is on PATH.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::{Run, say, sdk, this_program};
use crate::error::{Exit, Result};
use crate::ops::Ctx;
use crate::quote;
use crate::store::StoreKind;
use crate::streams::{Io, print};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Print a shell function that runs the `pipeline` CLI with its token from here
#[derive(Debug, Args)]
#[command(after_help = "Add one line to your shell's start-up file:\n  \
    ~/.bashrc:                  eval \"$(mystic-credential-helper shell-init bash)\"\n  \
    ~/.zshrc:                   eval \"$(mystic-credential-helper shell-init zsh)\"\n  \
    ~/.config/fish/config.fish: mystic-credential-helper shell-init fish | source\n\n\
    `pipeline cluster ...` (which manages config.yaml) runs as it is; every other `pipeline` \
    command runs through `mystic-credential-helper exec`.")]
pub(crate) struct ShellInit {
    /// bash, zsh or fish
    shell: Shell,
}

impl Run for ShellInit {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let helper = helper_words(ctx)?;
        let text = match self.shell {
            Shell::Bash | Shell::Zsh => posix(&helper),
            Shell::Fish => fish(&helper),
        };
        print(io.stdout, &text)?;
        Ok(Exit::Success)
    }
}

/// This binary's absolute path, and the store if one was chosen: the words of the command line
/// the function runs, unquoted.
fn helper_words(ctx: &Ctx) -> Result<Vec<String>> {
    let exe = this_program()?;
    let mut words = vec![exe.to_string_lossy().into_owned()];
    let kind = ctx.kind()?;
    if kind != StoreKind::Auto {
        words.extend(["--store".to_owned(), kind.name().to_owned()]);
    }
    Ok(words)
}

fn posix(helper: &[String]) -> String {
    let helper: Vec<String> = helper.iter().map(|w| quote::sh_always(w)).collect();
    format!(
        "# mystic-credential-helper: run the Mystic `pipeline` CLI with its token from the keyring.\n\
         pipeline() {{\n\
         \x20   case \"${{1-}}\" in\n\
         \x20       cluster | cl) command pipeline \"$@\" ;;\n\
         \x20       *) {} exec -- pipeline \"$@\" ;;\n\
         \x20   esac\n\
         }}\n",
        helper.join(" ")
    )
}

fn fish(helper: &[String]) -> String {
    let helper: Vec<String> = helper.iter().map(|w| quote::fish(w)).collect();
    format!(
        "# mystic-credential-helper: run the Mystic `pipeline` CLI with its token from the keyring.\n\
         function pipeline --wraps pipeline\n\
         \x20   switch \"$argv[1]\"\n\
         \x20       case cluster cl\n\
         \x20           command pipeline $argv\n\
         \x20       case '*'\n\
         \x20           {} exec -- pipeline $argv\n\
         \x20   end\n\
         end\n",
        helper.join(" ")
    )
}

/// The line a user adds to their shell's start-up file, for the shell in `SHELL`.
pub(crate) fn hint(ctx: &Ctx) -> Result<String> {
    let exe = this_program()?;
    let exe = quote::sh_always(&exe.to_string_lossy());
    let shell = ctx.settings.shell.as_deref().and_then(|s| {
        std::path::Path::new(s)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    });
    Ok(match shell.as_deref() {
        Some("fish") => format!("{exe} shell-init fish | source   (in ~/.config/fish/config.fish)"),
        Some("zsh") => format!("eval \"$({exe} shell-init zsh)\"   (in ~/.zshrc)"),
        _ => format!("eval \"$({exe} shell-init bash)\"   (in ~/.bashrc)"),
    })
}

/// What a keyring write leaves to say: the config folder made private (the SDK creates it
/// readable by everyone), and how the SDK gets the token config.yaml no longer holds: the SDK
/// integration of the Python on PATH, when it is active; else how to add it, and the shell
/// function (or that the user's shell start-up file has it already).
pub(crate) fn follow_up(ctx: &Ctx, out: &mut dyn Write) -> Result<()> {
    if ctx.kind()? == StoreKind::File {
        return Ok(());
    }
    // The SDK made the folder readable by everyone (0755); from now on this helper keeps it.
    let dir = ctx.dir()?;
    if crate::fs::make_private(dir)? {
        say(
            out,
            &format!(
                "Made {} private (mode 700): others could list it.",
                dir.display()
            ),
        )?;
    }
    let text = match sdk::probe(ctx) {
        Some(p) if p.active() => format!(
            "The SDK integration is active for {}: `import pipeline` and the `pipeline` CLI get this token from here.",
            p.python
        ),
        _ => {
            let shell = match set_up_in(ctx) {
                Some(file) => format!(
                    "the `pipeline` function is set up already in {}",
                    file.display()
                ),
                None => format!("for the `pipeline` CLI in a shell, add:\n  {}", hint(ctx)?),
            };
            format!(
                "The SDK reads tokens only from config.yaml. To give it this one, install the SDK integration in its Python environment (`pip install mystic-credential-helper` there, or `mystic-credential-helper sdk install --python PATH`); {shell}."
            )
        }
    };
    say(out, &text)
}

/// The user's shell start-up file, when it runs `shell-init` already.
fn set_up_in<'a>(ctx: &Ctx<'a>) -> Option<&'a std::path::Path> {
    let file = ctx.settings.shell_rc.as_deref()?;
    let text = crate::fs::read_bounded(file).ok()??;
    let text = String::from_utf8_lossy(&text);
    text.lines()
        .any(|l| {
            !l.trim_start().starts_with('#')
                && l.contains("mystic-credential-helper")
                && l.contains("shell-init")
        })
        .then_some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_odd_paths() {
        let words = vec!["/opt/it's here/helper".to_owned()];
        assert!(posix(&words).contains(r"'/opt/it'\''s here/helper' exec -- pipeline"));
        assert!(fish(&words).contains(r"'/opt/it\'s here/helper' exec -- pipeline $argv"));
    }
}
