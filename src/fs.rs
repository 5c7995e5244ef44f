//! The files the helper reads and writes, handled safely: every read is bounded (a regular file
//! only, opened without blocking, at most 4 MiB), the files that decide which token goes where
//! must be trusted (`check_trusted`), and writes are atomic under a lock.
//!
//! Reads of config.yaml take no lock: writers replace the file with an atomic rename, so a
//! reader opens either the old or the new file, never a mix. Writers hold an exclusive lock on a
//! separate lock file for the whole read-modify-write (config.yaml itself cannot carry the lock,
//! because the rename replaces its inode). The kernel drops a dead writer's lock, so a crash
//! never blocks the next.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result};
use crate::sys;

pub(crate) const FILE_NAME: &str = "config.yaml";
const LOCK_NAME: &str = ".config.yaml.lock";
const TEMP_PREFIX: &str = ".config.yaml.";
const TEMP_SUFFIX: &str = ".tmp";
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// Far above any real config.yaml (a few hundred bytes); a larger one is refused unread.
pub(crate) const MAX_SIZE: u64 = 4 * 1024 * 1024;

/// Opens `path` for reading without blocking (a FIFO would otherwise wait for a writer) and
/// checks that it is a regular file of at most `MAX_SIZE` bytes; `None` when it does not exist.
/// Every file the helper reads is read through here.
pub(crate) fn read_bounded(path: &Path) -> Result<Option<Vec<u8>>> {
    read_checked(path, |_| Ok(()))
}

/// `read_bounded` for config.yaml in `dir`, the file that decides which token goes where: it
/// and its folder must also pass `check_trusted`.
pub(crate) fn read_config(dir: &Path) -> Result<Option<Vec<u8>>> {
    read_config_in(dir, true)
}

/// `read_config`; `check_dir` false for a folder its caller has checked already (the lock's).
fn read_config_in(dir: &Path, check_dir: bool) -> Result<Option<Vec<u8>>> {
    let path = dir.join(FILE_NAME);
    read_checked(&path, |file| {
        if check_dir {
            check_folder(dir)?;
        }
        let meta = file.metadata().map_err(|e| Error::io(path.display(), &e))?;
        check_trusted(&meta, &path)?;
        // A link to a config.yaml elsewhere: the folder that really holds it counts too.
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                check_links(&path)?;
                let real = fs::canonicalize(&path).map_err(|e| Error::io(path.display(), &e))?;
                check_folder(real.parent().unwrap_or(&real))
            }
            _ => Ok(()),
        }
    })
}

/// `check_trusted` for a folder that holds config.yaml or its lock, and ssh's rule for the path
/// to it: no symbolic link on the way that another user could point elsewhere, and no folder
/// above it (up to `/`, as the path really goes) that is another user's or that others can write,
/// unless it is sticky (as /tmp), where no one else can rename or remove what is ours.
pub(crate) fn check_folder(dir: &Path) -> Result<()> {
    let meta = fs::metadata(dir).map_err(|e| Error::io(dir.display(), &e))?;
    check_trusted(&meta, dir)?;
    if sys::user_id().is_none() {
        return Ok(());
    }
    check_links(dir)?;
    let real = fs::canonicalize(dir).map_err(|e| Error::io(dir.display(), &e))?;
    for above in real.ancestors().skip(1) {
        let meta = fs::metadata(above).map_err(|e| Error::io(above.display(), &e))?;
        let sticky = sys::owner_and_mode(&meta).is_some_and(|(_, mode)| mode & 0o1000 != 0);
        if !sticky {
            check_trusted(&meta, above)?;
        } else {
            check_owner(&meta, above)?;
        }
    }
    Ok(())
}

/// Each symbolic link on `path` as it is written must be ours or root's.
fn check_links(path: &Path) -> Result<()> {
    let mut prefix = PathBuf::new();
    for part in path.components() {
        prefix.push(part);
        let Ok(meta) = fs::symlink_metadata(&prefix) else {
            break;
        };
        if meta.file_type().is_symlink() {
            check_owner(&meta, &prefix)?;
        }
    }
    Ok(())
}

fn read_checked(path: &Path, check: impl FnOnce(&File) -> Result<()>) -> Result<Option<Vec<u8>>> {
    let mut file = match sys::reading().open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path.display(), &e)),
    };
    check_regular(&file, path)?;
    check(&file)?;
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path.display(), &e))?;
    if bytes.len() as u64 > MAX_SIZE {
        return Err(Error::config(format!(
            "{} is larger than {} MiB; refusing to read it",
            path.display(),
            MAX_SIZE >> 20
        )));
    }
    Ok(Some(bytes))
}

/// A FIFO, a device (`/dev/zero`) or a folder is refused at once instead of read.
pub(crate) fn check_regular(file: &File, path: &Path) -> Result<()> {
    let meta = file.metadata().map_err(|e| Error::io(path.display(), &e))?;
    if !meta.is_file() {
        return Err(Error::config(format!(
            "{} is not a regular file; refusing to use it",
            path.display()
        )));
    }
    Ok(())
}

/// ssh's StrictModes for the files that say which remote and token a request gets: a file or
/// folder that another user (other than root) owns, or that its group or others can write,
/// could have been planted by someone else, and is refused with the command that fixes it.
/// (Windows has no owner and mode bits; the private folder's owner-only ACL does this job.)
pub(crate) fn check_trusted(meta: &fs::Metadata, path: &Path) -> Result<()> {
    check_owner(meta, path)?;
    let Some((_, mode)) = sys::owner_and_mode(meta) else {
        return Ok(());
    };
    let shown = crate::quote::sh(&path.to_string_lossy());
    if mode & 0o022 != 0 {
        return Err(Error::config(format!(
            "{} can be written by its group or by others (mode {:o}), so another user could put remotes or tokens in it; remove that with `chmod go-w {shown}`",
            path.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

/// The owner half of `check_trusted`.
fn check_owner(meta: &fs::Metadata, path: &Path) -> Result<()> {
    let (Some((owner, _)), Some(me)) = (sys::owner_and_mode(meta), sys::user_id()) else {
        return Ok(());
    };
    if !foreign(owner, me) {
        return Ok(());
    }
    let what = match meta.file_type().is_symlink() {
        true => "is a symbolic link that belongs to another user",
        false => "belongs to another user",
    };
    Err(Error::config(format!(
        "{} {what} (uid {owner}), who could have put remotes or tokens in it or point it elsewhere; if it is yours, take it back with `sudo chown -h $(id -un) {}`, otherwise remove it",
        path.display(),
        crate::quote::sh(&path.to_string_lossy())
    )))
}

/// Whether a file owned by `owner` could have been planted by someone other than `me`. Root's
/// files are trusted, as ssh trusts them: root could change anything anyway.
fn foreign(owner: u32, me: u32) -> bool {
    owner != me && owner != 0
}

/// The exclusive writer lock on a folder. Holding it, a writer may load, change and save.
pub(crate) struct Locked {
    dir: PathBuf,
    _lock: File,
}

impl Locked {
    pub(crate) fn acquire(dir: &Path) -> Result<Locked> {
        Self::acquire_within(dir, LOCK_TIMEOUT)
    }

    fn acquire_within(dir: &Path, timeout: Duration) -> Result<Locked> {
        create_private_dir(dir)?;
        check_folder(dir)?;
        let path = dir.join(LOCK_NAME);
        let lock = open_lock(&path)?;
        let deadline = Instant::now() + timeout;
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::new(
                        ErrorKind::Io,
                        format!(
                            "{} is held by another process for more than {}s",
                            path.display(),
                            timeout.as_secs_f32()
                        ),
                    ));
                }
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(path.display(), &e)),
            }
        }
        Ok(Locked {
            dir: dir.to_owned(),
            _lock: lock,
        })
    }

    pub(crate) fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The current bytes of config.yaml, for a change. A symlinked config.yaml is refused: the
    /// rename would replace the link, not write through it, and writing through it could land
    /// outside the folder.
    pub(crate) fn read(&self) -> Result<Option<Vec<u8>>> {
        let path = self.path();
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::config(format!(
                "{} is a symbolic link; refusing to replace it (point PIPELINE_DIR at the folder that holds the real file)",
                path.display()
            )));
        }
        // `acquire` checked the folder (and the path to it) a moment ago.
        read_config_in(&self.dir, false)
    }

    /// Replaces config.yaml with `bytes`, or removes it for `None` (undoing the creation of a
    /// file that did not exist).
    pub(crate) fn write(&self, bytes: Option<&[u8]>) -> Result<()> {
        self.remove_stale_temps();
        match bytes {
            Some(bytes) => replace(&self.dir, &self.path(), bytes, TEMP_PREFIX, None),
            None => match fs::remove_file(self.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(Error::io(self.path().display(), &e))
                }
                _ => Ok(()),
            },
        }
    }

    /// Temp files left by a writer that was killed mid-write. Safe to delete: we hold the lock,
    /// so no other writer is using one.
    fn remove_stale_temps(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// The lock file: created inside the folder with mode 0600, never through a symbolic link (one
/// planted in a shared folder would make us create or lock a file elsewhere), and ours (one of
/// another user's could be taken away from us, or shared with them).
fn open_lock(path: &Path) -> Result<File> {
    let lock = match sys::lock_file().open(path) {
        Err(e) if sys::is_link(&e) => {
            return Err(Error::config(format!(
                "{} is a symbolic link; refusing to follow it (remove it: the helper creates the lock file itself)",
                path.display()
            )));
        }
        other => other.map_err(|e| Error::io(path.display(), &e))?,
    };
    check_regular(&lock, path)?;
    let meta = lock.metadata().map_err(|e| Error::io(path.display(), &e))?;
    if let (Some((owner, _)), Some(me)) = (sys::owner_and_mode(&meta), sys::user_id())
        && owner != me
    {
        return Err(Error::config(format!(
            "{} belongs to another user (uid {owner}); remove it (the helper creates the lock file itself)",
            path.display()
        )));
    }
    // Another user who can write the lock file can hold it (through a handle opened meanwhile).
    check_trusted(&meta, path)?;
    Ok(lock)
}

/// Temp file in `dir`, fsync, rename over `path`, fsync of the folder. tempfile creates the file
/// with mode 0600, and the rename keeps it, whatever mode the old file had, unless `keep` gives
/// the permissions to use.
pub(crate) fn replace(
    dir: &Path,
    path: &Path,
    bytes: &[u8],
    prefix: &str,
    keep: Option<fs::Permissions>,
) -> Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir.display(), &e))?;
    if let Some(permissions) = keep {
        fs::set_permissions(tmp.path(), permissions)
            .map_err(|e| Error::io(tmp.path().display(), &e))?;
    }
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(tmp.path().display(), &e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(path.display(), &e.error))?;
    sys::sync_dir(dir).map_err(|e| Error::io(dir.display(), &e))
}

/// Makes a folder of the user's that others can read (the SDK creates ~/.pipeline with mode
/// 0755) private: mode 0700. Returns whether it changed anything (never, where files have no
/// Unix modes).
pub(crate) fn make_private(dir: &Path) -> Result<bool> {
    let meta = fs::symlink_metadata(dir).map_err(|e| Error::io(dir.display(), &e))?;
    let Some((owner, mode)) = sys::owner_and_mode(&meta) else {
        return Ok(false);
    };
    if !meta.is_dir() || sys::user_id() != Some(owner) || mode & 0o077 == 0 {
        return Ok(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io(dir.display(), &e))?;
    }
    Ok(true)
}

/// Creates `dir` (and missing parents) so that only its owner can open it: mode 0700, or an
/// owner-only ACL on Windows.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    sys::create_private_dir(dir).map_err(|e| Error::io(dir.display(), &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_folder_others_can_read_is_made_private_once() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(".pipeline");
        fs::create_dir(&folder).unwrap();
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
        assert!(make_private(&folder).unwrap());
        let mode = fs::metadata(&folder).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert!(!make_private(&folder).unwrap(), "already private");
        let file = folder.join("config.yaml");
        fs::write(&file, "").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(!make_private(&file).unwrap(), "a file is not a folder");
    }

    #[test]
    fn files_of_other_users_but_root_are_foreign() {
        for (owner, me, want) in [
            (1000, 1000, false),
            (0, 1000, false),
            (1001, 1000, true),
            (0, 0, false),
            (1001, 0, true),
        ] {
            assert_eq!(foreign(owner, me), want, "owner {owner}, me {me}");
        }
    }

    /// A config.yaml, or its folder, that group or others can write is refused with its fix.
    #[cfg(unix)]
    #[test]
    fn a_writable_config_or_folder_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(&path, "remotes: []\n").unwrap();
        let mode = |p: &Path, m| fs::set_permissions(p, fs::Permissions::from_mode(m)).unwrap();
        mode(dir.path(), 0o700);
        mode(&path, 0o600);
        assert!(read_config(dir.path()).unwrap().is_some());
        let refused_for = |loose: &Path| {
            let e = read_config(dir.path()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Config);
            let fix = format!("`chmod go-w {}`", loose.display());
            assert!(e.message.ends_with(&fix), "{}", e.message);
        };
        mode(&path, 0o664);
        refused_for(&path);
        mode(&path, 0o600);
        mode(dir.path(), 0o770);
        refused_for(dir.path());
    }

    /// ssh's rule for the path to config.yaml: a folder above it that others can write (unless
    /// sticky, as /tmp), a config.yaml linked from a folder others can write, a lock file others
    /// can write, and a symbolic link on the way that another user owns are refused with the fix.
    #[cfg(unix)]
    #[test]
    fn the_path_to_config_yaml_is_trusted_as_ssh_does() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path, m| fs::set_permissions(p, fs::Permissions::from_mode(m)).unwrap();
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home");
        let dir = home.join(".pipeline");
        fs::create_dir_all(&dir).unwrap();
        mode(&dir, 0o700);
        fs::write(dir.join(FILE_NAME), "remotes: []\n").unwrap();
        mode(&dir.join(FILE_NAME), 0o600);
        let refused = |e: Error, loose: &Path, fix: &str| {
            assert_eq!(e.kind, ErrorKind::Config);
            assert!(
                e.message.starts_with(&loose.display().to_string()),
                "{}",
                e.message
            );
            assert!(e.message.contains(fix), "{}", e.message);
        };
        // A world-writable home above ~/.pipeline; sticky, as /tmp, it is fine.
        mode(&home, 0o777);
        refused(read_config(&dir).unwrap_err(), &home, "`chmod go-w");
        refused(Locked::acquire(&dir).err().unwrap(), &home, "`chmod go-w");
        mode(&home, 0o1777);
        assert!(read_config(&dir).unwrap().is_some());
        mode(&home, 0o755);
        // config.yaml, a link to a file in a folder others can write.
        let shared = root.path().join("shared");
        fs::create_dir(&shared).unwrap();
        fs::write(shared.join("real.yaml"), "remotes: []\n").unwrap();
        mode(&shared.join("real.yaml"), 0o600);
        fs::remove_file(dir.join(FILE_NAME)).unwrap();
        std::os::unix::fs::symlink(shared.join("real.yaml"), dir.join(FILE_NAME)).unwrap();
        mode(&shared, 0o777);
        refused(
            read_config(&dir).unwrap_err(),
            &fs::canonicalize(&shared).unwrap(),
            "`chmod go-w",
        );
        mode(&shared, 0o700);
        assert!(read_config(&dir).unwrap().is_some());
        // A lock file others can write.
        drop(Locked::acquire(&dir).unwrap());
        mode(&dir.join(LOCK_NAME), 0o666);
        refused(
            Locked::acquire(&dir).err().unwrap(),
            &dir.join(LOCK_NAME),
            "`chmod go-w",
        );
        mode(&dir.join(LOCK_NAME), 0o600);
        // PIPELINE_DIR through a symbolic link that another user owns (root can make one).
        if sys::user_id() == Some(0) {
            let link = root.path().join("link");
            std::os::unix::fs::symlink(&dir, &link).unwrap();
            assert!(read_config(&link).unwrap().is_some());
            std::os::unix::fs::lchown(&link, Some(12345), None).unwrap();
            refused(
                read_config(&link).unwrap_err(),
                &link,
                "is a symbolic link that belongs to another user",
            );
            refused(
                Locked::acquire(&link).err().unwrap(),
                &link,
                "`sudo chown -h",
            );
        }
    }

    /// A lock file that is a symbolic link is refused and not followed; any other failure to
    /// open it is an I/O error.
    #[cfg(unix)]
    #[test]
    fn a_symlinked_lock_file_is_refused_and_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("pipeline");
        create_private_dir(&private).unwrap();
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, private.join(LOCK_NAME)).unwrap();
        let e = Locked::acquire(&private).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.contains("is a symbolic link"), "{}", e.message);
        assert!(!target.exists());
        fs::remove_file(private.join(LOCK_NAME)).unwrap();
        fs::create_dir(private.join(LOCK_NAME)).unwrap();
        let e = Locked::acquire(&private).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Io, "{}", e.message);
    }

    #[test]
    fn reads_stop_at_the_cap_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(&path, vec![b'#'; MAX_SIZE as usize]).unwrap();
        assert_eq!(
            read_bounded(&path).unwrap().unwrap().len(),
            MAX_SIZE as usize
        );
        fs::write(&path, vec![b'#'; MAX_SIZE as usize + 1]).unwrap();
        let e = read_bounded(&path).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.contains("larger than 4 MiB"), "{}", e.message);
        assert_eq!(MAX_SIZE, 4_194_304);
    }

    #[test]
    fn only_a_missing_file_reads_as_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_bounded(&dir.path().join("missing")).unwrap().is_none());
        let file = dir.path().join("file");
        fs::write(&file, "").unwrap();
        // Another failure to open (here: a path through a file) is an error, not "no file".
        // (Windows calls that path missing: ERROR_PATH_NOT_FOUND.)
        if cfg!(unix) {
            assert_eq!(
                read_bounded(&file.join(FILE_NAME)).unwrap_err().kind,
                ErrorKind::Io
            );
        }
        // A folder is not a regular file (Windows refuses to open it at all).
        let folder = if cfg!(unix) {
            ErrorKind::Config
        } else {
            ErrorKind::Io
        };
        assert_eq!(read_bounded(dir.path()).unwrap_err().kind, folder);
    }

    #[cfg(unix)]
    #[test]
    fn writes_replace_the_file_with_mode_0600_and_clean_stale_temps() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("made");
        let lock = Locked::acquire(&folder).unwrap();
        assert_eq!(
            fs::metadata(&folder).unwrap().permissions().mode() & 0o777,
            0o700
        );
        fs::write(folder.join(".config.yaml.x.tmp"), "stale").unwrap();
        fs::write(folder.join(".config.yaml.keep"), "not ours").unwrap();
        lock.write(Some(b"a: 1\n")).unwrap();
        assert_eq!(fs::read_to_string(lock.path()).unwrap(), "a: 1\n");
        assert_eq!(
            fs::metadata(lock.path()).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            fs::metadata(folder.join(LOCK_NAME))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
        assert!(!folder.join(".config.yaml.x.tmp").exists());
        assert!(folder.join(".config.yaml.keep").exists());
        assert_eq!(lock.read().unwrap().as_deref(), Some(b"a: 1\n".as_slice()));
        lock.write(None).unwrap();
        assert!(!lock.path().exists());
        lock.write(None).unwrap();
    }

    #[test]
    fn a_held_lock_times_out_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let _held = Locked::acquire(dir.path()).unwrap();
        let path = dir.path().to_owned();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let second = Locked::acquire_within(&path, Duration::from_millis(50));
            tx.send(second.err().map(|e| (e.kind, e.message)))
        });
        let (kind, message) = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the wait ended")
            .expect("the lock is held");
        assert_eq!(kind, ErrorKind::Io);
        assert!(
            message.contains("held by another process for more than 0.05s"),
            "{message}"
        );
    }

    #[test]
    fn undoing_a_creation_reports_what_it_cannot_remove() {
        let dir = tempfile::tempdir().unwrap();
        let lock = Locked::acquire(dir.path()).unwrap();
        fs::create_dir(lock.path()).unwrap();
        assert_eq!(lock.write(None).unwrap_err().kind, ErrorKind::Io);
    }

    /// A FIFO is refused at once: opening it would otherwise wait for a writer that never comes.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(read_bounded(&path).map_err(|e| e.kind)));
        let read = rx.recv_timeout(Duration::from_secs(5));
        assert_eq!(read.expect("the read returned"), Err(ErrorKind::Config));
    }

    #[test]
    fn a_second_writer_waits_for_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = Locked::acquire(dir.path()).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let path = dir.path().to_owned();
        let second = std::thread::spawn(move || {
            let held = Locked::acquire(&path).unwrap();
            tx.send(()).unwrap();
            drop(held);
        });
        assert!(
            rx.recv_timeout(Duration::from_millis(200)).is_err(),
            "both held the lock"
        );
        drop(first);
        rx.recv_timeout(Duration::from_secs(5))
            .expect("the second writer got the lock");
        second.join().unwrap();
    }
}
