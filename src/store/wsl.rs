//! Windows' Credential Manager from WSL. The Linux build runs the Windows build of the helper
//! (through WSL's interop) as its keyring: one item per call, as JSON on stdin and stdout (the
//! native protocol's `item` action). The token never goes into argv or the environment.
//! config.yaml stays on the Linux side, where the Linux SDK reads it; the Windows build names the
//! item from the same service and user, so Windows tools see the same token.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::Value;
use zeroize::Zeroizing;

use super::{
    Deadline, ItemCall, Key, Store, StoreOptions, Wsl, credential_manager_fits, unavailable,
};
use crate::error::{Error, ErrorKind, Result};
use crate::remote::Token;
use crate::streams::MAX_INPUT;
use crate::sys;

pub(crate) const NAME: &str = "Windows Credential Manager (through WSL)";
const ADVICE: &str = "Use --store file to keep tokens in plaintext in config.yaml, or --store keyutils for the kernel keyring (forgotten at `wsl --shutdown`); set MYSTIC_CREDENTIAL_STORE to make that choice for every command.";
/// Replies are a line of JSON; anything longer is not our program.
const MAX_REPLY: u64 = 64 * 1024;

pub(crate) struct WslStore {
    program: PathBuf,
    deadline: Deadline,
}

pub(crate) fn open(options: &StoreOptions, deadline: Deadline) -> Result<Box<dyn Store>> {
    let program = match (&options.windows_helper, options.wsl) {
        (Some(program), _) => program.clone(),
        (None, Wsl::No) => {
            return Err(unavailable(
                "the windows store runs the Windows build of the helper through WSL, and this is not WSL",
                "Set MYSTIC_WINDOWS_HELPER to a program that runs it, or choose another store",
                None,
            ));
        }
        (None, Wsl::InteropOff) => {
            return Err(unavailable(
                "WSL's interop is off, so the Windows build of the helper cannot run",
                "Turn interop on (`[interop] enabled=true` in /etc/wsl.conf, then `wsl --shutdown`), or set MYSTIC_WINDOWS_HELPER to a program that runs it",
                None,
            ));
        }
        (None, Wsl::Interop) => {
            return Err(unavailable(
                "mystic-credential-helper.exe (the Windows build) is not on PATH",
                "Install it on Windows in a folder on the Windows PATH (WSL appends that PATH), or set MYSTIC_WINDOWS_HELPER to its path",
                None,
            ));
        }
    };
    Ok(Box::new(WslStore { program, deadline }))
}

impl Store for WslStore {
    fn name(&self) -> &'static str {
        NAME
    }

    fn get(&self, key: &Key) -> Result<Option<Token>> {
        let mut reply = self.call(&ItemCall::Get(key.clone()))?;
        // Moved out, not copied: Token zeroizes the one copy when it is dropped.
        match (reply["found"].take(), reply["token"].take()) {
            (Value::Bool(false), _) => Ok(None),
            (Value::Bool(true), Value::String(token)) => Token::new(token)
                .map(Some)
                .map_err(|_| self.unexpected("a token that is not valid")),
            _ => Err(self.unexpected("an answer without the token")),
        }
    }

    fn set(&self, key: &Key, token: &Token) -> Result<()> {
        credential_manager_fits(token)?;
        self.call(&ItemCall::Set(key.clone(), token.clone()))
            .map(drop)
    }

    fn delete(&self, key: &Key) -> Result<bool> {
        match self.call(&ItemCall::Delete(key.clone()))?["found"] {
            Value::Bool(found) => Ok(found),
            _ => Err(self.unexpected("an answer without `found`")),
        }
    }

    fn list(&self, prefix: &str) -> Result<Vec<Key>> {
        let reply = self.call(&ItemCall::List(prefix.to_owned()))?;
        let Some(items) = reply["items"].as_array() else {
            return Err(self.unexpected("an answer without `items`"));
        };
        items
            .iter()
            .map(
                |item| match (item["service"].as_str(), item["user"].as_str()) {
                    (Some(service), Some(user)) if service.starts_with(prefix) => Ok(Key {
                        service: service.to_owned(),
                        user: user.to_owned(),
                    }),
                    _ => Err(self.unexpected("an item that is not one it was asked for")),
                },
            )
            .collect()
    }
}

impl WslStore {
    /// One request to the Windows program, answered within the deadline.
    fn call(&self, request: &ItemCall) -> Result<Value> {
        // Written once into a buffer that is large enough and zeroized: no stray copy of the token.
        // (The Windows build refuses a longer request than `MAX_INPUT`; a token is far shorter.)
        let mut line = Zeroizing::new(Vec::with_capacity(MAX_INPUT + 1));
        serde_json::to_writer(&mut *line, request).expect("a request serializes");
        line.push(b'\n');
        let mut command = Command::new(&self.program);
        // In a group of its own, so that a timed-out call ends with everything it started.
        sys::own_process_group(&mut command);
        let mut child = command
            .arg("item")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.cannot_run(&e))?;
        // A request is far smaller than a pipe's buffer: this write never waits for the reader.
        let written = child.stdin.take().map(|mut stdin| stdin.write_all(&line));
        let stdout = read_in_background(child.stdout.take());
        let stderr = read_in_background(child.stderr.take());
        let out = match stdout.recv_timeout(self.remaining()) {
            Ok(out) => out,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                sys::kill_process_group(&mut child);
                return Err(unavailable(
                    &format!(
                        "{} did not answer within {}s (a frozen Windows program, or a Credential Manager waiting on a dialog)",
                        shown(&self.program),
                        super::TIMEOUT.as_secs()
                    ),
                    ADVICE,
                    None,
                )
                .outcome_unknown());
            }
        };
        let code = self.exit_code(&mut child);
        let reply = Zeroizing::new(String::from_utf8_lossy(&out).replace('\r', ""));
        match serde_json::from_str::<Value>(reply.trim()) {
            Ok(reply) if reply["v"] == 1 => self.answer(reply),
            _ => {
                let said = stderr
                    .recv_timeout(Duration::from_millis(100))
                    .unwrap_or_default();
                Err(self.failed(code, &said, written.is_some_and(|w| w.is_err())))
            }
        }
    }

    /// The reply's error, if it is one, as the Windows build reported it.
    fn answer(&self, reply: Value) -> Result<Value> {
        let Some(error) = reply.get("error") else {
            return Ok(reply);
        };
        let kind = serde_json::from_value::<ErrorKind>(error["kind"].clone())
            .unwrap_or(ErrorKind::StoreUnavailable);
        let message = error["message"].as_str().unwrap_or("no message");
        Err(Error::new(
            kind,
            format!(
                "the Windows build of the helper ({}): {message}",
                self.program.display()
            ),
        ))
    }

    fn remaining(&self) -> Duration {
        self.deadline.at().saturating_duration_since(Instant::now())
    }

    /// Its exit code, waiting no longer than the deadline (it has closed its stdout already).
    fn exit_code(&self, child: &mut Child) -> Option<i32> {
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return status.code(),
                Ok(None) if !self.remaining().is_zero() => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                _ => {
                    sys::kill_process_group(child);
                    return None;
                }
            }
        }
    }

    fn cannot_run(&self, e: &std::io::Error) -> Error {
        let situation = match (e.kind(), e.raw_os_error()) {
            (std::io::ErrorKind::NotFound, _) => format!("{} does not exist", shown(&self.program)),
            // ENOEXEC: what running a .exe gives where WSL's interop is off.
            (_, Some(8)) => format!(
                "{} cannot run here: WSL's interop is off, or it is not a program for this machine",
                shown(&self.program)
            ),
            _ => format!("{} cannot run: {e}", shown(&self.program)),
        };
        unavailable(
            &situation,
            "Set MYSTIC_WINDOWS_HELPER to the Windows build of mystic-credential-helper (or put mystic-credential-helper.exe on the Windows PATH), and turn WSL's interop on",
            None,
        )
    }

    fn failed(&self, code: Option<i32>, stderr: &[u8], refused_input: bool) -> Error {
        let how = match code {
            Some(code) => format!("exited with code {code}"),
            None => "was killed".to_owned(),
        };
        let said = String::from_utf8_lossy(stderr);
        let first = said
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(300)
            .collect::<String>();
        let detail = match (first.is_empty(), refused_input) {
            (false, _) => Some(first),
            (true, true) => Some("it did not read its input".to_owned()),
            (true, false) => None,
        };
        unavailable(
            &format!(
                "{} {how} without an answer; is it the Windows build of mystic-credential-helper, of this version?",
                shown(&self.program)
            ),
            ADVICE,
            detail.as_deref(),
        )
    }

    fn unexpected(&self, what: &str) -> Error {
        unavailable(
            &format!("{} answered with {what}", shown(&self.program)),
            ADVICE,
            None,
        )
    }
}

fn shown(program: &Path) -> String {
    format!("the Windows helper {}", program.display())
}

/// Reads a pipe to its end (at most `MAX_REPLY` bytes) on a thread of its own, into a buffer
/// that never grows (so leaves no copy behind) and is zeroized: stdout carries the token.
fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> Receiver<Zeroizing<Vec<u8>>> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    if let Some(pipe) = pipe {
        std::thread::spawn(move || {
            let mut out = Zeroizing::new(Vec::with_capacity(MAX_REPLY as usize + 1));
            let _ = pipe.take(MAX_REPLY).read_to_end(&mut out);
            let _ = tx.send(out);
        });
    }
    rx
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// A stand-in for the Windows build: a script that saves its request in `request` and runs
    /// `body` (its answer) in a folder of its own.
    struct Fake {
        dir: tempfile::TempDir,
    }

    impl Fake {
        fn new(body: &str) -> (Fake, Box<dyn Store>) {
            let dir = tempfile::tempdir().unwrap();
            let program = dir.path().join("windows-helper");
            let script = format!(
                "#!/bin/sh\n[ \"$1\" = item ] || exit 9\ncat >'{}/request'\n{body}\n",
                dir.path().display()
            );
            std::fs::write(&program, script).unwrap();
            std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
            let options = options(Some(program));
            let store = open(&options, Deadline::start()).unwrap();
            (Fake { dir }, store)
        }

        /// The request it got, as JSON.
        fn request(&self) -> Value {
            let text = std::fs::read_to_string(self.dir.path().join("request")).unwrap();
            assert!(text.ends_with('\n'), "one line: {text}");
            serde_json::from_str(&text).unwrap()
        }
    }

    fn options(windows_helper: Option<PathBuf>) -> StoreOptions {
        StoreOptions {
            kind: crate::store::StoreKind::Windows,
            bus: None,
            encryption: crate::store::Encryption::Plain,
            person: false,
            prompt_wait: Duration::ZERO,
            wsl: Wsl::Interop,
            windows_helper,
        }
    }

    fn key() -> Key {
        Key {
            service: "mystic:https://w.example".into(),
            user: "w".into(),
        }
    }

    fn answering(reply: &str) -> (Fake, Box<dyn Store>) {
        Fake::new(&format!("printf '%s\\r\\n' '{reply}'"))
    }

    #[test]
    fn each_call_is_one_request_and_its_answer() {
        let (fake, store) = answering(r#"{"v":1,"found":true,"token":"pipeline_sk_from_windows"}"#);
        let got = store.get(&key()).unwrap().unwrap();
        assert_eq!(got.expose(), "pipeline_sk_from_windows");
        assert_eq!(
            fake.request(),
            serde_json::json!({"v":1,"action":"get","service":"mystic:https://w.example","user":"w"})
        );
        let (_fake, store) = answering(r#"{"v":1,"found":false}"#);
        assert_eq!(store.get(&key()).unwrap(), None);

        let (fake, store) = answering(r#"{"v":1,"found":true}"#);
        store
            .set(
                &key(),
                &Token::new("pipeline_sk_to_windows".into()).unwrap(),
            )
            .unwrap();
        assert_eq!(fake.request()["action"], "set");
        assert_eq!(fake.request()["token"], "pipeline_sk_to_windows");

        for found in [true, false] {
            let (fake, store) = answering(&format!(r#"{{"v":1,"found":{found}}}"#));
            assert_eq!(store.delete(&key()).unwrap(), found);
            assert_eq!(fake.request()["action"], "delete");
            assert!(fake.request().get("token").is_none());
        }
    }

    #[test]
    fn list_asks_by_prefix_and_keeps_only_what_it_asked_for() {
        let items = r#"{"v":1,"items":[{"service":"mystic:https://a.example","user":"a"}]}"#;
        let (fake, store) = answering(items);
        let listed = store.list("mystic:").unwrap();
        assert_eq!(
            listed,
            [Key {
                service: "mystic:https://a.example".into(),
                user: "a".into()
            }]
        );
        assert_eq!(
            fake.request(),
            serde_json::json!({"v":1,"action":"list","service":"mystic:"})
        );
        for reply in [
            r#"{"v":1,"items":[{"service":"other:https://a.example","user":"a"}]}"#,
            r#"{"v":1,"items":[{"service":"mystic:https://a.example"}]}"#,
            r#"{"v":1,"found":true}"#,
        ] {
            let (_fake, store) = answering(reply);
            let e = store.list("mystic:").unwrap_err();
            assert_eq!(e.kind, ErrorKind::StoreUnavailable, "{reply}");
            assert!(e.message.contains("answered with"), "{}", e.message);
        }
    }

    #[test]
    fn answers_that_are_not_ours_are_store_unavailable() {
        for (reply, says) in [
            (r#"{"v":1,"found":true}"#, "an answer without the token"),
            (
                r#"{"v":1,"found":true,"token":"bad token"}"#,
                "a token that is not valid",
            ),
        ] {
            let (_fake, store) = answering(reply);
            let e = store.get(&key()).unwrap_err();
            assert!(e.message.contains(says), "{}", e.message);
        }
        let (_fake, store) = answering(r#"{"v":1}"#);
        assert!(
            store
                .delete(&key())
                .unwrap_err()
                .message
                .contains("without `found`")
        );
        // Another version's answer is not taken for ours.
        let (_fake, store) = answering(r#"{"v":2,"found":false}"#);
        let e = store.get(&key()).unwrap_err();
        assert!(e.message.contains("without an answer"), "{}", e.message);
        // The Windows build's own error keeps its kind, and says where it came from.
        let (_fake, store) =
            answering(r#"{"v":1,"error":{"kind":"invalid-request","message":"too long"}}"#);
        let e = store.get(&key()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest, "{}", e.message);
        assert!(
            e.message.starts_with("the Windows build of the helper (")
                && e.message.ends_with("): too long")
        );
        let (_fake, store) = answering(r#"{"v":1,"error":{"kind":"new-kind"}}"#);
        let e = store.get(&key()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::StoreUnavailable);
        assert!(e.message.ends_with(": no message"), "{}", e.message);
    }

    #[test]
    fn a_program_that_fails_is_named_with_what_it_said() {
        let (_fake, store) = Fake::new("echo 'it broke: details' >&2; exit 3");
        let e = store.get(&key()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::StoreUnavailable);
        assert!(
            e.message.contains("exited with code 3 without an answer"),
            "{}",
            e.message
        );
        assert!(e.message.contains("(it broke: details)"), "{}", e.message);
        let (_fake, store) = Fake::new("exit 0");
        let e = store.get(&key()).unwrap_err();
        assert!(
            e.message.contains("exited with code 0 without an answer"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("()"), "{}", e.message);
        // Killed by a signal: no exit code.
        let (_fake, store) = Fake::new("kill -9 $$");
        let e = store.get(&key()).unwrap_err();
        assert!(
            e.message.contains("was killed without an answer"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_program_that_cannot_run_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.exe");
        let store = open(&options(Some(missing)), Deadline::start()).unwrap();
        let e = store.get(&key()).unwrap_err();
        assert!(
            e.message.contains("missing.exe does not exist"),
            "{}",
            e.message
        );
        // ENOEXEC, as a .exe gives where interop is off.
        let not_a_program = dir.path().join("data.exe");
        std::fs::write(&not_a_program, [0u8; 64]).unwrap();
        std::fs::set_permissions(&not_a_program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let store = open(&options(Some(not_a_program)), Deadline::start()).unwrap();
        let e = store.get(&key()).unwrap_err();
        assert!(
            e.message.contains("cannot run here: WSL's interop is off"),
            "{}",
            e.message
        );
    }

    #[test]
    fn without_a_program_the_store_says_how_to_get_one() {
        for (wsl, says) in [
            (Wsl::No, "this is not WSL"),
            (Wsl::InteropOff, "WSL's interop is off"),
            (Wsl::Interop, "is not on PATH"),
        ] {
            let options = StoreOptions {
                wsl,
                ..options(None)
            };
            let e = open(&options, Deadline::start()).err().unwrap();
            assert_eq!(e.kind, ErrorKind::StoreUnavailable);
            assert!(e.message.contains(says), "{wsl:?}: {}", e.message);
        }
    }

    /// A program that does not answer in time is killed, with everything it started, and the
    /// error says the outcome of a write is unknown (it may have happened).
    #[test]
    fn a_program_that_hangs_is_killed_at_the_deadline() {
        let (fake, store) = Fake::new("sleep 30 & echo $! >\"$(dirname \"$0\")/child\"; wait");
        let e = store
            .set(&key(), &Token::new("pipeline_sk_slow_set".into()).unwrap())
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::StoreUnavailable);
        assert!(e.unknown_outcome);
        assert!(
            e.message.contains("did not answer within 5s"),
            "{}",
            e.message
        );
        let child = std::fs::read_to_string(fake.dir.path().join("child")).unwrap();
        let child: i32 = child.trim().parse().unwrap();
        // SAFETY: kill(2) with signal 0 only asks whether the process exists.
        let running = || {
            // SAFETY: kill(2) with signal 0 only asks whether the process exists.
            let exists = unsafe { libc::kill(child, 0) } == 0;
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            exists
                && !stat
                    .rsplit_once(") ")
                    .is_some_and(|(_, r)| r.starts_with('Z'))
        };
        let alive = (0..100).all(|_| {
            std::thread::sleep(Duration::from_millis(10));
            running()
        });
        assert!(!alive, "what the program started outlived it");
    }
}
