//! Windows: a folder only its owner can open (Unix's mode 0700), and the console and process
//! rules `exec` needs.

use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::AsRawHandle;
use std::path::Path;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
};
use windows_sys::Win32::Security::{
    GetTokenInformation, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::CreateDirectoryW;
use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
    SetInformationJobObject,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, GetExitCodeProcess, OpenProcess, OpenProcessToken,
    PROCESS_QUERY_LIMITED_INFORMATION,
};

/// A protected DACL (nothing inherited from the parent) that lets only `user` (a SID) and SYSTEM
/// in, and passes the same to what is created inside.
pub(crate) fn private_dacl(user: &str) -> String {
    format!("D:P(A;OICI;FA;;;{user})(A;OICI;FA;;;SY)")
}

fn wide(s: &std::ffi::OsStr) -> Vec<u16> {
    s.encode_wide().chain(std::iter::once(0)).collect()
}

/// The SID of the user this process runs as, in its string form (`S-1-5-21-...`).
pub(crate) fn user_sid() -> std::io::Result<String> {
    // SAFETY: Win32 calls on our own process token, into a buffer sized by the first call; the
    // string is freed with LocalFree.
    unsafe {
        let mut token = std::ptr::null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut len = 0;
        GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut len);
        // u64s, so the TOKEN_USER at its start is aligned.
        let mut buffer = vec![0u64; (len as usize).div_ceil(8)];
        let got = GetTokenInformation(token, TokenUser, buffer.as_mut_ptr().cast(), len, &mut len);
        CloseHandle(token);
        if got == 0 {
            return Err(std::io::Error::last_os_error());
        }
        let user = &*buffer.as_ptr().cast::<TOKEN_USER>();
        let mut text = std::ptr::null_mut();
        if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 {
            return Err(std::io::Error::last_os_error());
        }
        let chars = (0..).take_while(|&i| *text.add(i) != 0).count();
        let sid = String::from_utf16_lossy(std::slice::from_raw_parts(text, chars));
        LocalFree(text.cast());
        Ok(sid)
    }
}

/// Creates `dir` with `private_dacl` for this user (its missing parents get the usual inherited
/// ACLs).
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let sddl = wide(private_dacl(&user_sid()?).as_ref());
    let mut descriptor = std::ptr::null_mut();
    // SAFETY: valid NUL-terminated input; the descriptor is freed with LocalFree below.
    let converted = unsafe {
        ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut descriptor,
            std::ptr::null_mut(),
        )
    };
    if converted == 0 {
        return Err(std::io::Error::last_os_error());
    }
    let attributes = SECURITY_ATTRIBUTES {
        nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
        lpSecurityDescriptor: descriptor,
        bInheritHandle: 0,
    };
    let path = wide(dir.as_os_str());
    // SAFETY: a NUL-terminated path and attributes that live through the call.
    let created = unsafe { CreateDirectoryW(path.as_ptr(), &attributes) };
    let result = match created {
        0 => Err(std::io::Error::last_os_error()),
        _ => Ok(()),
    };
    // SAFETY: allocated by ConvertStringSecurityDescriptorToSecurityDescriptorW.
    unsafe { LocalFree(descriptor) };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

/// While `exec`'s child runs: Ctrl-C and Ctrl-Break reach the child, which shares the console,
/// and the helper ignores them (it exits with the child's code instead of before it); and the
/// child is in a job that ends with the helper, so a killed helper leaves no child holding the
/// token.
pub(crate) struct Signals {
    job: HANDLE,
}

impl Signals {
    pub(crate) fn listen() -> std::io::Result<Self> {
        // SAFETY: plain Win32 calls on values that live through them.
        unsafe {
            // A handler, not the NULL "ignore" flag, which the child would inherit.
            SetConsoleCtrlHandler(Some(let_the_child_decide), 1);
            let job = CreateJobObjectW(std::ptr::null(), std::ptr::null());
            if job.is_null() {
                return Err(std::io::Error::last_os_error());
            }
            let mut limits: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
            limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            let set = SetInformationJobObject(
                job,
                JobObjectExtendedLimitInformation,
                (&raw const limits).cast(),
                size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
            );
            if set == 0 {
                let e = std::io::Error::last_os_error();
                CloseHandle(job);
                return Err(e);
            }
            Ok(Signals { job })
        }
    }

    /// Puts the child in the job, then waits for it.
    pub(crate) fn forward_until_exit(
        self,
        mut child: std::process::Child,
        _isolated: bool,
    ) -> std::io::Result<std::process::ExitStatus> {
        // SAFETY: our job handle and the child's process handle, both open.
        let assigned =
            unsafe { AssignProcessToJobObject(self.job, child.as_raw_handle() as HANDLE) };
        if assigned == 0 {
            return Err(std::io::Error::last_os_error());
        }
        child.wait()
    }
}

/// Ctrl-C and Ctrl-Break are handled (by doing nothing): the child got them too, and the helper
/// exits with the child's code once the child has dealt with them.
unsafe extern "system" fn let_the_child_decide(_event: u32) -> windows_sys::core::BOOL {
    1
}

impl Drop for Signals {
    fn drop(&mut self) {
        // SAFETY: the handle we created; the child has exited by now.
        unsafe {
            CloseHandle(self.job);
            SetConsoleCtrlHandler(Some(let_the_child_decide), 0);
        }
    }
}

/// Whether a process with this id runs.
pub(crate) fn process_alive(pid: u32) -> bool {
    // STILL_ACTIVE: the exit code of a process that has not exited.
    const STILL_ACTIVE: u32 = 259;
    // SAFETY: a handle we open, query and close.
    unsafe {
        let process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if process.is_null() {
            return false;
        }
        let mut code = 0;
        let queried = GetExitCodeProcess(process, &mut code);
        CloseHandle(process);
        queried != 0 && code == STILL_ACTIVE
    }
}

/// No signal is ever deferred on Windows.
pub(crate) fn raise_deferred_signal() {}

/// Windows writes no core files by itself (Windows Error Reporting keeps its dumps off unless
/// configured): nothing to do.
pub(crate) fn disable_core_dumps() {}

pub(crate) fn restore_core_dumps_in_child(_command: &mut std::process::Command) {}

/// The child of `exec` stays in the helper's console and job (see `ChildGuard`).
/// Windows needs no guard: exec's job object ends CMD and everything it started when the helper
/// dies, however it dies.
pub(crate) struct Guard;

impl Guard {
    pub(crate) fn start(_child: u32, _isolated: bool) -> Guard {
        Guard
    }
    pub(crate) fn release(self) {}
}

pub(crate) fn isolate_child(_command: &mut std::process::Command) -> bool {
    false
}

/// Options that open a file for reading (Windows has no FIFO to wait on).
pub(crate) fn reading() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    options
}

/// Options for the lock file; inside the private folder it inherits the owner-only ACL.
pub(crate) fn lock_file() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    options
}

/// Options to append to a file.
pub(crate) fn appending() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    options
}

pub(crate) fn is_link(_e: &std::io::Error) -> bool {
    false
}

/// Windows has no owner uid and mode bits: the private folder's ACL does their job.
pub(crate) fn owner_and_mode(_meta: &std::fs::Metadata) -> Option<(u32, u32)> {
    None
}

pub(crate) fn user_id() -> Option<u32> {
    None
}

/// The rename is journaled; Windows has no folder handle to sync.
pub(crate) fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A new folder in the temp folder, which Windows keeps private to the user.
pub(crate) fn private_temp_dir(prefix: &str) -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix(prefix).tempdir()
}

/// A junction needs no privilege, unlike a symbolic link; the link is the fallback where
/// junctions are not supported (Wine).
pub(crate) fn link_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    junction::create(target, link).or_else(|_| std::os::windows::fs::symlink_dir(target, link))
}

/// How a child ended: its exit code (all 32 bits of it).
pub(crate) fn exit_of(status: std::process::ExitStatus) -> Result<i32, i32> {
    Ok(status.code().unwrap_or(1))
}

/// The token prompt on the console.
pub(crate) fn read_hidden(prompt: &str) -> std::io::Result<String> {
    rpassword::prompt_password(prompt)
}

/// A handle of its own on one of the process's output streams, unbuffered: what `exec` relays
/// goes out as it arrives.
pub(crate) fn stream_file(stream: super::Stream) -> std::io::Result<std::fs::File> {
    use std::os::windows::io::AsHandle;
    let owned = match stream {
        super::Stream::Stdout => std::io::stdout().as_handle().try_clone_to_owned(),
        super::Stream::Stderr => std::io::stderr().as_handle().try_clone_to_owned(),
    };
    owned.map(Into::into)
}

/// The default pipe size is kept.
pub(crate) fn widen_pipe(_pipe: &std::io::PipeReader) {}

/// Not told apart on Windows: stdout and stderr get a relay each.
pub(crate) fn same_file(_a: super::Stream, _b: super::Stream) -> bool {
    false
}

/// WSL is Linux only.
pub(crate) fn wsl_kernel() -> bool {
    false
}

pub(crate) fn wsl_interop() -> bool {
    false
}

/// Every generic credential's target name and user name, for `prune`. (keyring-core's search
/// reads Credential Manager's array of pointers as aligned, which Wine's is not: each pointer and
/// each field here is read unaligned.)
pub(crate) fn credentials() -> std::io::Result<Vec<(String, String)>> {
    use windows_sys::Win32::Foundation::{ERROR_NOT_FOUND, GetLastError};
    use windows_sys::Win32::Security::Credentials::{
        CRED_TYPE_GENERIC, CREDENTIALW, CredEnumerateW, CredFree,
    };
    let mut count = 0u32;
    let mut creds: *mut *mut CREDENTIALW = std::ptr::null_mut();
    // SAFETY: CredEnumerateW fills `count` and `creds`, which CredFree releases below.
    if unsafe { CredEnumerateW(std::ptr::null(), 0, &mut count, &mut creds) } == 0 {
        // SAFETY: reads this thread's last error.
        return match unsafe { GetLastError() } {
            ERROR_NOT_FOUND => Ok(Vec::new()),
            code => Err(std::io::Error::from_raw_os_error(code as i32)),
        };
    }
    let mut found = Vec::new();
    for i in 0..count as usize {
        // SAFETY: `creds` holds `count` pointers to credentials, valid until CredFree.
        let cred = unsafe { creds.add(i).read_unaligned().read_unaligned() };
        if cred.Type == CRED_TYPE_GENERIC {
            // SAFETY: both are null-terminated strings inside the same allocation.
            found.push(unsafe { (from_wide(cred.TargetName), from_wide(cred.UserName)) });
        }
    }
    // SAFETY: the array CredEnumerateW allocated, freed once.
    unsafe { CredFree(creds.cast()) };
    Ok(found)
}

/// A null-terminated UTF-16 string (empty for null), read unaligned.
unsafe fn from_wide(text: *const u16) -> String {
    if text.is_null() {
        return String::new();
    }
    let mut units = Vec::new();
    // SAFETY: the caller passes a null-terminated string.
    while let unit @ 1.. = unsafe { text.add(units.len()).read_unaligned() } {
        units.push(unit);
    }
    String::from_utf16_lossy(&units)
}
