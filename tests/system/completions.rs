//! The completion scripts `completions SHELL` prints, loaded into the real shells as users load
//! them: bash with bash-completion, zsh with compinit (driven on a pseudo-terminal by zpty, as a
//! person presses Tab), fish with `complete -C`. Each is asked for the words after a few
//! command lines.

#![cfg(target_os = "linux")]

use std::process::Command;

use crate::common;
use common::*;

/// Command lines, and words the completion must offer for each.
const CASES: &[(&str, &[&str])] = &[
    ("", &["configure", "git", "docker", "sdk", "status"]),
    ("configure ", &["docker", "git"]),
    ("env --format ", &["dotenv", "github", "json", "shell"]),
    ("login --", &["--alias", "--no-verify", "--url"]),
    ("shell-init ", &["bash", "fish", "zsh"]),
    ("sdk ", &["install", "uninstall"]),
];

/// bash: bash-completion loaded, then the script; the function it registers is called as
/// readline calls it.
const BASH: &str = r#"
source /usr/share/bash-completion/bash_completion
source "$1"
COMP_LINE="mystic-credential-helper $2"
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
function=$(complete -p mystic-credential-helper | sed -n 's/.*-F \([^ ]*\).*/\1/p')
"$function" mystic-credential-helper "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

/// zsh: an interactive zsh on a pseudo-terminal (zpty), compinit, the script, and Tab; every
/// match handed to compadd is printed between markers.
const ZSH: &str = r#"
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'PROMPT=; RPROMPT=; autoload -Uz compinit; compinit -u -D'
zpty -w z "source ${(q)1}"
zpty -w z 'compadd() { local -a m; builtin compadd -O m "$@"; print -rl -- "<m>"${^m}; builtin compadd "$@"; }'
zpty -w z 'zstyle ":completion:*" list-prompt ""; zstyle ":completion:*" menu no; bindkey "^I" complete-word'
zpty -w z 'print -r -- "<ready>"'
zpty -r z line '*<ready>*'
zpty -w -n z "mystic-credential-helper $2"$'\t'
sleep 1
out=
while zpty -r -t z chunk; do out+=$chunk; done
print -r -- "$out" | grep -ao '<m>[^[:space:]]*' | sed 's/<m>//'
zpty -d z
"#;

const FISH: &str = r#"source $argv[1]; complete -C "mystic-credential-helper $argv[2]" | cut -f1"#;

fn offered(shell: &str, script: &std::path::Path, line: &str) -> Vec<String> {
    let (program, harness) = match shell {
        "bash" => ("bash", BASH),
        "zsh" => ("zsh", ZSH),
        _ => ("fish", FISH),
    };
    let mut command = Command::new(program);
    match shell {
        "fish" => command.args(["-c", harness]),
        _ => command.args(["-c", harness, shell]),
    };
    let out = command
        .arg(script)
        .arg(line)
        .env("HOME", script.parent().unwrap())
        .output()
        .unwrap();
    // Loading the script says nothing (fish 3.6 complained at every load of an earlier one).
    assert_eq!(text(&out.stderr), "", "{shell} {line:?}");
    text(&out.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn completions_complete_after_the_first_word_in_bash_zsh_and_fish() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = sb.run(&["completions", shell], "");
        assert!(out.status.success());
        let script = sb.root.path().join(format!("completions.{shell}"));
        std::fs::write(&script, &out.stdout).unwrap();
        for (line, expected) in CASES {
            let words = offered(shell, &script, line);
            for word in *expected {
                assert!(
                    words.iter().any(|w| w == word),
                    "{shell}: `mystic-credential-helper {line}<TAB>` offers {words:?}, not {word}"
                );
            }
        }
    }
}
