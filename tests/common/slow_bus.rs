//! A D-Bus proxy that holds back replies, in front of a real bus: a keyring that answers slowly,
//! or answers a call only after the caller's deadline. It reads each message's header (type,
//! serial, member, reply serial) and passes everything else through byte for byte, so the real
//! daemon does the work; only the timing of what comes back changes.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// Which replies (method returns and errors) come late.
#[derive(Clone, Copy, Debug)]
pub enum Delay {
    /// Replies to calls of this method, by this long.
    Replies(&'static str, Duration),
    /// Every reply, by a time drawn between these two, as a loaded or swapping daemon.
    Every(Duration, Duration),
}

/// The proxy: give `address` to the client as its session bus. It stops when dropped; the
/// connections it holds end with their clients.
pub struct SlowBus {
    pub address: String,
    socket: std::path::PathBuf,
    stop: Arc<AtomicBool>,
    _dir: tempfile::TempDir,
}

impl SlowBus {
    /// A proxy for the bus at `upstream` (a `unix:path=` address).
    pub fn start(upstream: &str, delay: Delay) -> SlowBus {
        let path = upstream
            .strip_prefix("unix:path=")
            .and_then(|p| p.split(',').next())
            .expect("a unix:path= bus")
            .to_owned();
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("bus");
        let listener = UnixListener::bind(&socket).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        thread::spawn(move || {
            let mut seed = std::process::id() as u64;
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(bus) = UnixStream::connect(&path) else {
                    return;
                };
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                relay(client, bus, delay, seed);
            }
        });
        SlowBus {
            address: format!("unix:path={}", socket.display()),
            socket,
            stop,
            _dir: dir,
        }
    }
}

impl Drop for SlowBus {
    fn drop(&mut self) {
        // Wakes the accept loop, which then sees the flag and ends.
        self.stop.store(true, Ordering::SeqCst);
        let _ = UnixStream::connect(&self.socket);
    }
}

/// The methods called on one connection, by serial.
type Calls = Arc<Mutex<HashMap<u32, String>>>;

fn relay(client: UnixStream, bus: UnixStream, delay: Delay, seed: u64) {
    let calls = Calls::default();
    let (client_in, bus_out) = (client.try_clone().unwrap(), bus.try_clone().unwrap());
    let seen = calls.clone();
    thread::spawn(move || to_bus(client_in, bus_out, &seen));
    thread::spawn(move || to_client(bus, client, &calls, delay, seed));
}

/// The client's side: the authentication lines up to `BEGIN`, then messages, whose method
/// names are noted by serial.
fn to_bus(mut from: UnixStream, mut to: UnixStream, calls: &Calls) {
    let mut buffer = Vec::new();
    let mut authenticated = false;
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if to.write_all(&chunk[..n]).is_err() {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if !authenticated {
            let Some(end) = find(&buffer, b"BEGIN\r\n") else {
                continue;
            };
            buffer.drain(..end + 7);
            authenticated = true;
        }
        while let Some(header) = Header::read(&buffer) {
            if header.kind == 1
                && let Some(member) = header.member
            {
                calls.lock().unwrap().insert(header.serial, member);
            }
            buffer.drain(..header.length);
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}

/// The bus's side: its authentication lines, then messages, each reply held back as `delay`
/// says (and everything after it with it, as a slow daemon would).
fn to_client(mut from: UnixStream, mut to: UnixStream, calls: &Calls, delay: Delay, seed: u64) {
    let mut buffer = Vec::new();
    let mut random = seed;
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buffer.extend_from_slice(&chunk[..n]);
        loop {
            // The server's authentication lines (OK, AGREE_UNIX_FD, ...) start with a capital;
            // a message starts with its byte order, `l` or `B`.
            let length = match buffer.first() {
                None => break,
                Some(b'l' | b'B') => match Header::read(&buffer) {
                    Some(header) => {
                        let member = header
                            .reply_to
                            .and_then(|s| calls.lock().unwrap().remove(&s));
                        random = random.wrapping_mul(6364136223846793005).wrapping_add(1);
                        if let Some(wait) = held(delay, member.as_deref(), random) {
                            thread::sleep(wait);
                        }
                        header.length
                    }
                    None => break,
                },
                Some(_) => match find(&buffer, b"\r\n") {
                    Some(end) => end + 2,
                    None => break,
                },
            };
            if to.write_all(&buffer[..length]).is_err() {
                return;
            }
            buffer.drain(..length);
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}

/// How long a reply to `member` (`None`: not a reply) is held.
fn held(delay: Delay, member: Option<&str>, random: u64) -> Option<Duration> {
    let member = member?;
    match delay {
        Delay::Replies(name, by) => (name == member).then_some(by),
        Delay::Every(low, high) => {
            let span = (high - low).as_millis() as u64;
            Some(low + Duration::from_millis((random >> 33) % (span + 1)))
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What the proxy reads of a message's header.
struct Header {
    kind: u8,
    serial: u32,
    /// The whole message's length in bytes.
    length: usize,
    member: Option<String>,
    reply_to: Option<u32>,
}

impl Header {
    /// The header of the message at the start of `bytes`, once all of that message is there.
    fn read(bytes: &[u8]) -> Option<Header> {
        if bytes.len() < 16 {
            return None;
        }
        let little = bytes[0] == b'l';
        let u32_at = |at: usize| -> Option<u32> {
            let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
            Some(match little {
                true => u32::from_le_bytes(b),
                false => u32::from_be_bytes(b),
            })
        };
        let body = u32_at(4)? as usize;
        let fields = u32_at(12)? as usize;
        let length = 16 + fields.next_multiple_of(8) + body;
        if bytes.len() < length {
            return None;
        }
        let mut header = Header {
            kind: bytes[1],
            serial: u32_at(8)?,
            length,
            member: None,
            reply_to: None,
        };
        // Each field: 8-aligned, a code, a one-type signature, the value.
        let mut at = 16;
        while at < 16 + fields {
            let code = bytes[at];
            let signature = bytes[at + 2];
            at += 4;
            match signature {
                b's' | b'o' => {
                    at = at.next_multiple_of(4);
                    let len = u32_at(at)? as usize;
                    if code == 3 {
                        let text = bytes.get(at + 4..at + 4 + len)?;
                        header.member = Some(String::from_utf8_lossy(text).into_owned());
                    }
                    at += 4 + len + 1;
                }
                b'u' => {
                    at = at.next_multiple_of(4);
                    if code == 5 {
                        header.reply_to = u32_at(at);
                    }
                    at += 4;
                }
                b'g' => at += bytes[at] as usize + 2,
                _ => return None,
            }
            at = at.next_multiple_of(8);
        }
        Some(header)
    }
}
