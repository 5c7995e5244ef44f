//! `env`: print PIPELINE_API_TOKEN and PIPELINE_API_URL for CI secret injection.

use std::hash::{BuildHasher, Hasher};
use std::io::Write;

use clap::{Args, ValueEnum};

use super::{Run, parse_alias, say};
use crate::error::{Error, Exit, Result};
use crate::fs;
use crate::ops::{self, Ctx};
use crate::quote;
use crate::remote::{Alias, Selector};
use crate::streams::Io;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum EnvFormat {
    /// `export NAME='value'` lines, which sh, bash and zsh read with eval, and fish with source
    /// (both read them back byte for byte)
    Shell,
    /// `NAME=value` lines, for a .env file
    Dotenv,
    /// GitHub Actions: append both to the file GITHUB_ENV names, for later steps, and mask the
    /// token
    Github,
    /// One JSON object
    Json,
}

/// Print PIPELINE_API_TOKEN and PIPELINE_API_URL, for scripts and CI
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  eval \"$(mystic-credential-helper env)\"\n  mystic-credential-helper env --format github     # in a GitHub Actions step"
)]
pub(crate) struct Env {
    /// The remote's name; without it, PIPELINE_API_TOKEN, else the active remote, else the
    /// first remote (as `get`)
    #[arg(long, value_parser = parse_alias)]
    alias: Option<Alias>,
    /// How to print them
    #[arg(long, value_enum, default_value_t = EnvFormat::Shell)]
    format: EnvFormat,
}

impl Run for Env {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let found = ops::lookup(ctx, &Selector::new(self.alias, None))?;
        if let Some(line) = &found.warning {
            io.warn(line);
        }
        let vars = [
            ("PIPELINE_API_TOKEN", found.token.expose()),
            ("PIPELINE_API_URL", found.url.as_str()),
        ];
        let stdout = &mut *io.stdout;
        match self.format {
            EnvFormat::Shell => {
                for (name, value) in vars {
                    say(stdout, &format!("export {name}={}", quote::portable(value)))?;
                }
            }
            EnvFormat::Dotenv => {
                for (name, value) in vars {
                    say(stdout, &format!("{name}={}", dotenv_value(value)?))?;
                }
            }
            EnvFormat::Json => {
                let map: serde_json::Map<String, serde_json::Value> = vars
                    .iter()
                    .map(|(k, v)| (k.to_string(), (*v).into()))
                    .collect();
                say(stdout, &serde_json::Value::Object(map).to_string())?;
            }
            EnvFormat::Github => {
                // Only meaningful inside GitHub Actions, which sets GITHUB_ENV for every step.
                let path = ctx.settings.github_env.clone().ok_or_else(|| {
                    Error::config(
                        "--format github appends to the file named by GITHUB_ENV, which GitHub Actions sets; it is not set here (use --format shell, dotenv or json outside Actions)",
                    )
                })?;
                append_github_env(&path, &vars)?;
                say(
                    stdout,
                    &format!("::add-mask::{}", github_escape(found.token.expose())),
                )?;
            }
        }
        Ok(Exit::Success)
    }
}

/// A workflow command's data, escaped as GitHub's toolkit does (`%`, CR, LF), so the runner
/// masks exactly the token.
fn github_escape(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Plain when every character is safe everywhere; single-quoted (literal in dotenv parsers)
/// otherwise. A value with a single quote has no portable dotenv form.
fn dotenv_value(value: &str) -> Result<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-.:/+=@%,".contains(c);
    if value.chars().all(plain) {
        Ok(value.to_owned())
    } else if !value.contains('\'') {
        Ok(format!("'{value}'"))
    } else {
        Err(Error::invalid(
            "this token contains a single quote, which dotenv files cannot hold portably; use --format json or shell",
        ))
    }
}

/// GitHub's multiline-safe syntax: `NAME<<DELIMITER`, the value, the delimiter line.
fn append_github_env(path: &std::path::Path, vars: &[(&str, &str)]) -> Result<()> {
    let delimiter = loop {
        let random = std::hash::RandomState::new().build_hasher().finish();
        let d = format!("ghadelimiter_{random:016x}");
        if vars.iter().all(|(_, v)| !v.contains(&d)) {
            break d;
        }
    };
    let mut text = String::new();
    for (name, value) in vars {
        text.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
    }
    // Never blocks on a FIFO, never writes into a device. (Opening a FIFO without a reader for
    // writing fails, so look first, for a clear message.)
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(Error::config(format!(
            "GITHUB_ENV ({}) is not a regular file; refusing to write to it",
            path.display()
        )));
    }
    let mut file = crate::sys::appending()
        .open(path)
        .map_err(|e| Error::io(path.display(), &e))?;
    fs::check_regular(&file, path)?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(path.display(), &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(github_escape("a%25b%"), "a%2525b%25");
        assert_eq!(github_escape("a\r\nb"), "a%0D%0Ab");
        assert_eq!(dotenv_value("pipeline_sk_1").unwrap(), "pipeline_sk_1");
        assert_eq!(dotenv_value("a$b").unwrap(), "'a$b'");
        assert!(dotenv_value("a'b").is_err());
    }
}
