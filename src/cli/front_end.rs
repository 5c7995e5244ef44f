//! git and docker, the two tools that run the helper by a name of their own: the one table of
//! those names. `run` reads a program name through it (`expand_argv0`), `configure` writes
//! entries from it, and src/bin holds one shim per row (a test checks; release-build.sh copies
//! what src/bin builds).

use std::ffi::OsString;
use std::path::Path;

use crate::store::StoreKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FrontEnd {
    /// `credential.<origin>.helper` in your global git config
    Git,
    /// `credHelpers` in ~/.docker/config.json (or $DOCKER_CONFIG/config.json)
    Docker,
}

impl FrontEnd {
    const ALL: [FrontEnd; 2] = [FrontEnd::Git, FrontEnd::Docker];
    /// The name git and docker know the helper by: they run `<tool>-credential-mystic`.
    pub(crate) const NAME: &str = "mystic";

    /// Its subcommand (`mystic-credential-helper git ACTION`).
    fn mode(self) -> &'static str {
        match self {
            FrontEnd::Git => "git",
            FrontEnd::Docker => "docker",
        }
    }

    /// The program the tool runs for the helper named `name` (`mystic`, or for docker with a
    /// chosen store `mystic-STORE`).
    pub(crate) fn program(self, name: &str) -> String {
        format!("{}-credential-{name}", self.mode())
    }
}

/// Invoked as `git-credential-mystic ACTION` or `docker-credential-mystic ACTION` (a link to this
/// binary), the program behaves as `mystic-credential-helper git|docker ACTION`; as
/// `docker-credential-mystic-STORE` (what `configure docker` registers for a chosen store), as
/// `mystic-credential-helper --store STORE docker ACTION`.
pub fn expand_argv0(mut args: Vec<OsString>) -> Vec<OsString> {
    let name = args
        .first()
        .and_then(|a| Path::new(a).file_stem())
        .map(|s| s.to_string_lossy().into_owned());
    let Some((front_end, store)) = name.as_deref().and_then(front_end_of) else {
        return args;
    };
    let at = 1.min(args.len());
    let words = store.into_iter().flat_map(|s| ["--store".into(), s.into()]);
    args.splice(at..at, words.chain([front_end.mode().into()]));
    args
}

/// The front end (and store) a program name stands for.
fn front_end_of(name: &str) -> Option<(FrontEnd, Option<&str>)> {
    FrontEnd::ALL.into_iter().find_map(|front_end| {
        let rest = name.strip_prefix(&front_end.program(FrontEnd::NAME))?;
        match (rest.strip_prefix('-'), front_end) {
            _ if rest.is_empty() => Some((front_end, None)),
            (Some(store), FrontEnd::Docker) => {
                StoreKind::parse(store).ok()?;
                Some((front_end, Some(store)))
            }
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(args: &[&str]) -> Vec<String> {
        let args = args.iter().map(OsString::from).collect();
        expand_argv0(args)
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn a_programs_name_chooses_its_mode_and_store() {
        assert_eq!(
            expanded(&["/b/git-credential-mystic", "get"]),
            ["/b/git-credential-mystic", "git", "get"]
        );
        assert_eq!(
            expanded(&["docker-credential-mystic.exe", "list"]),
            ["docker-credential-mystic.exe", "docker", "list"]
        );
        assert_eq!(
            expanded(&["/b/docker-credential-mystic-keyutils", "get"]),
            [
                "/b/docker-credential-mystic-keyutils",
                "--store",
                "keyutils",
                "docker",
                "get"
            ]
        );
        for unchanged in [
            &["/b/docker-credential-mystic-floppy", "get"][..],
            &["/b/docker-credential-mysticx", "get"],
            &["mystic-credential-helper", "get"],
            &["git-credential-mystic-keyutils", "get"],
        ] {
            assert_eq!(expanded(unchanged), unchanged);
        }
    }

    /// Each row has its shim in src/bin (for installs that cannot make links), and nothing else
    /// is there.
    #[test]
    fn src_bin_holds_one_shim_per_front_end() {
        let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bin");
        let mut shims: Vec<String> = std::fs::read_dir(bin)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter_map(|name| name.strip_suffix(".rs").map(str::to_owned))
            .collect();
        shims.sort();
        let mut programs: Vec<String> = FrontEnd::ALL
            .iter()
            .map(|f| f.program(FrontEnd::NAME))
            .collect();
        programs.sort();
        assert_eq!(shims, programs);
    }
}
