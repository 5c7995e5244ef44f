//! Finding a program on PATH the way Go's os/exec has since 1.19: only in absolute entries. An
//! empty entry (`a::b`, a leading or trailing `:`) or `.` means the current folder to a shell,
//! and git runs credential helpers inside repositories that anyone can have cloned.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// `name` in the first absolute folder of `path` that holds it as a runnable file (on Windows,
/// also `name.exe`).
pub(crate) fn find_program(name: &OsStr, path: Option<&OsStr>) -> Option<PathBuf> {
    let mut names = vec![name.to_owned()];
    if !std::env::consts::EXE_SUFFIX.is_empty() && Path::new(name).extension().is_none() {
        let mut exe = name.to_owned();
        exe.push(std::env::consts::EXE_SUFFIX);
        names.push(exe);
    }
    std::env::split_paths(path?)
        .filter(|dir| dir.is_absolute())
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|program| runnable(program))
}

/// Whether `name` would be found in a relative PATH entry (for the message that says why it
/// was not run).
pub(crate) fn only_in_relative_entry(name: &OsStr, path: Option<&OsStr>, cwd: &Path) -> bool {
    path.is_some_and(|path| {
        std::env::split_paths(path)
            .filter(|dir| dir.is_relative())
            .any(|dir| runnable(&cwd.join(dir).join(name)))
    })
}

/// A file (on Unix, with an execute bit).
fn runnable(program: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(program) else {
        return false;
    };
    #[cfg(unix)]
    let executable = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0;
    #[cfg(not(unix))]
    let executable = true;
    meta.is_file() && executable
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder holding `tool`, runnable, and the folder itself as the current one.
    fn folder_with_tool() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("tool");
        std::fs::write(&tool, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        dir
    }

    #[cfg(unix)]
    #[test]
    fn relative_entries_are_never_searched() {
        let dir = folder_with_tool();
        let cwd = std::env::current_dir().unwrap();
        let here = pathdiff(dir.path(), &cwd);
        for path in [
            format!("/nonexistent::{}", "/x"),
            ":/x".into(),
            "/x:".into(),
            ".".into(),
            here.clone(),
        ] {
            // Relative to the test's own folder, so that a relative lookup would find `tool`.
            let found = find_program(OsStr::new("tool"), Some(OsStr::new(&path)));
            assert_eq!(found, None, "{path}");
        }
        assert!(only_in_relative_entry(
            OsStr::new("tool"),
            Some(OsStr::new(&here)),
            &cwd
        ));
        assert!(only_in_relative_entry(
            OsStr::new("tool"),
            Some(OsStr::new("/x::/y")),
            dir.path()
        ));
        assert!(!only_in_relative_entry(
            OsStr::new("tool"),
            Some(OsStr::new("/x:/y")),
            dir.path()
        ));
    }

    #[test]
    fn absolute_entries_are_searched_in_order() {
        let (a, b) = (folder_with_tool(), folder_with_tool());
        let path = std::env::join_paths([
            "/nonexistent",
            "",
            ".",
            a.path().to_str().unwrap(),
            b.path().to_str().unwrap(),
        ])
        .unwrap();
        assert_eq!(
            find_program(OsStr::new("tool"), Some(&path)),
            Some(a.path().join("tool"))
        );
        assert_eq!(find_program(OsStr::new("other"), Some(&path)), None);
        assert_eq!(find_program(OsStr::new("tool"), None), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_cannot_run_is_passed_over() {
        use std::os::unix::fs::PermissionsExt;
        let (a, b) = (folder_with_tool(), folder_with_tool());
        std::fs::set_permissions(
            a.path().join("tool"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        std::fs::create_dir(b.path().join("dir")).unwrap();
        let path = std::env::join_paths([a.path(), b.path()]).unwrap();
        assert_eq!(
            find_program(OsStr::new("tool"), Some(&path)),
            Some(b.path().join("tool"))
        );
        assert_eq!(find_program(OsStr::new("dir"), Some(&path)), None);
    }

    /// `to` relative to `from` (both absolute), as `../..` steps and the rest.
    #[cfg(unix)]
    fn pathdiff(to: &Path, from: &Path) -> String {
        let ups = from.components().count() - 1;
        let rest = to.strip_prefix("/").unwrap();
        format!("{}{}", "../".repeat(ups), rest.display())
    }
}
