//! The Linux kernel keyring, for machines without a Secret Service (servers, containers, CI).
//!
//! Tokens live in the user's persistent keyring (persistent-keyring(7)): one per user, shared by
//! every session and login of that user, with or without a session keyring of its own. Any
//! process of the same user can read them (and root). The kernel drops the keyring, and the
//! tokens with it, at reboot or after `/proc/sys/kernel/keys/persistent_keyring_expiry` seconds
//! (3 days by default) in which no process asked for it; every store asks, so the clock restarts.
//!
//! A key is `user` type, described `keyring:<alias>@<service>` (the naming keyring-rs uses, and
//! version 1 of this helper).
//!
//! The key quota. Writing into the persistent keyring needs possessing it, which means linking
//! it into a keyring of the process: that costs quota (a process keyring and a link), and fails
//! when the quota is full. So only `set` does it. Keys are written readable and searchable by
//! their user (not only by a possessor; no one else gains anything, since any process of the user
//! may possess the persistent keyring), and reads and erase find them by their description in
//! `/proc/keys` (every key the user may view) and use them by id: with no quota at all, so a full
//! quota never stops a `get`, or the `erase` that frees it. Keys written before (possessor-only)
//! fall back to possession once, and are then opened up for the next time.

use linux_keyutils::{
    Key as KernelKey, KeyError, KeyPermissions, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier,
    KeySerialId, Permission,
};
use zeroize::Zeroizing;

use super::{Key, MAKE_ROOM, Store, unavailable};
use crate::error::{Error, Result};
use crate::remote::Token;
use crate::remote::validate::MAX_TOKEN_LEN;

pub(crate) const NAME: &str = "kernel keyring (keyutils)";
const ADVICE: &str = "Use --store secret-service in a desktop session, or --store file to keep tokens in plaintext in config.yaml; set MYSTIC_CREDENTIAL_STORE to make that choice for every command.";
/// What possessing the persistent keyring costs: a process keyring (`_pid` and its NUL) and a
/// link in it.
const POSSESSION_BYTES: usize = 5 + LINK_BYTES;
/// The kernel charges a keyring 4 bytes per link.
const LINK_BYTES: usize = 4;

pub(crate) struct KeyutilsStore;

pub(crate) fn open() -> Result<Box<dyn Store>> {
    Ok(Box::new(KeyutilsStore))
}

fn description(key: &Key) -> String {
    format!("keyring:{}@{}", key.user, key.service)
}

/// Possessor: everything; the user: view, read and search (so a read or an erase needs no
/// possession, and no quota).
fn permissions() -> KeyPermissions {
    KeyPermissionsBuilder::builder()
        .posessor(Permission::ALL)
        .user(Permission::VIEW | Permission::READ | Permission::SEARCH)
        .build()
}

/// Errors that mean "no such key here" rather than a failure.
fn missing(e: KeyError) -> bool {
    matches!(
        e,
        KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked
    )
}

fn fail(what: &str, e: KeyError) -> Error {
    if e == KeyError::QuotaExceeded {
        return quota_full(&Quota::read(), None);
    }
    unavailable(
        &format!("the kernel keyring refused to {what} a key"),
        ADVICE,
        Some(&format!("{e:?}")),
    )
}

impl Store for KeyutilsStore {
    fn name(&self) -> &'static str {
        NAME
    }

    fn get(&self, key: &Key) -> Result<Option<Token>> {
        let description = description(key);
        for id in visible(&description) {
            match read(KernelKey::from_id(id), key) {
                Err(KeyError::AccessDenied) => return Possessed::get()?.read(&description, key),
                Err(e) if missing(e) => continue,
                Err(e) => return Err(fail("read", e)),
                Ok(token) => return token,
            }
        }
        match proc_keys().is_some() {
            true => Ok(None),
            // No /proc/keys to search: ask the keyrings themselves.
            false => Possessed::get()?.read(&description, key),
        }
    }

    fn set(&self, key: &Key, token: &Token) -> Result<()> {
        let description = description(key);
        let replaced = visible(&description).first().map(|id| payload_len(*id));
        let needed = POSSESSION_BYTES
            + match replaced {
                Some(old) => token.expose().len().saturating_sub(old.unwrap_or(0)),
                None => description.len() + 1 + token.expose().len() + LINK_BYTES,
            };
        let quota = Quota::read();
        if !quota.fits(needed, replaced.is_none()) {
            return Err(quota_full(&quota, Some(needed)));
        }
        let persistent = Possessed::get()?.0;
        // add_key replaces the payload of a key with this description in place, atomically.
        let added = persistent
            .add_key(&description, token.expose())
            .map_err(|e| fail("add", e))?;
        added
            .set_perms(permissions())
            .map_err(|e| fail("open up", e))
    }

    fn list(&self, prefix: &str) -> Result<Vec<Key>> {
        Ok(ours(prefix))
    }

    fn delete(&self, key: &Key) -> Result<bool> {
        let description = description(key);
        let mut deleted = false;
        for id in visible(&description) {
            match KernelKey::from_id(id).invalidate() {
                Ok(()) => deleted = true,
                Err(e) if missing(e) => {}
                Err(KeyError::AccessDenied) => {
                    deleted |= Possessed::get()?.invalidate(&description)?;
                }
                Err(e) => return Err(fail("delete", e)),
            }
        }
        Ok(deleted)
    }
}

/// Reads a key's payload as a token.
fn read(found: KernelKey, key: &Key) -> std::result::Result<Result<Option<Token>>, KeyError> {
    // One byte more than a token may have, to see an oversized payload.
    let mut buffer = Zeroizing::new([0u8; MAX_TOKEN_LEN + 1]);
    let len = found.read(&mut *buffer)?;
    let invalid = || {
        Error::config(format!(
            "the {NAME} key {} is not a valid token; store it again",
            description(key)
        ))
    };
    let text = buffer.get(..len).and_then(|b| std::str::from_utf8(b).ok());
    Ok(match text {
        Some(text) => Token::new(text.to_owned()).map(Some).map_err(|_| invalid()),
        None => Err(invalid()),
    })
}

/// The persistent keyring, possessed through this process's keyring (which ends with the
/// process): what writing needs, and what keys written before version 3 need for reading.
struct Possessed(KeyRing);

impl Possessed {
    fn get() -> Result<Possessed> {
        let quota = Quota::read();
        if !quota.fits(POSSESSION_BYTES, false) {
            return Err(quota_full(&quota, Some(POSSESSION_BYTES)));
        }
        KeyRing::get_persistent(KeyRingIdentifier::Process)
            .map(Possessed)
            .map_err(|e| match e {
                KeyError::QuotaExceeded => fail("open", e),
                _ => unavailable(
                    "cannot open your persistent kernel keyring (it needs Linux 3.13 or later with CONFIG_PERSISTENT_KEYRINGS)",
                    ADVICE,
                    Some(&format!("{e:?}")),
                ),
            })
    }

    /// The keyrings searched, newest home first: the persistent one, then the session and user
    /// keyrings, where version 1 left keys.
    fn rings(&self) -> impl Iterator<Item = KeyRing> {
        let others = [KeyRingIdentifier::Session, KeyRingIdentifier::User]
            .into_iter()
            .filter_map(|id| KeyRing::from_special_id(id, false).ok());
        std::iter::once(self.0).chain(others)
    }

    fn find(&self, description: &str) -> Result<Option<KernelKey>> {
        for ring in self.rings() {
            match ring.search(description) {
                Ok(found) => return Ok(Some(found)),
                Err(e) if missing(e) => {}
                Err(e) => return Err(fail("search", e)),
            }
        }
        Ok(None)
    }

    fn read(&self, description: &str, key: &Key) -> Result<Option<Token>> {
        let Some(found) = self.find(description)? else {
            return Ok(None);
        };
        match read(found, key) {
            Ok(token) => {
                // Opened up, so that the next read needs no possession (best effort).
                let _ = found.set_perms(permissions());
                token
            }
            Err(e) if missing(e) => Ok(None),
            Err(e) => Err(fail("read", e)),
        }
    }

    /// Invalidation unlinks the key from every keyring at once; repeated for copies elsewhere
    /// (bounded, in case a key is relinked as fast as we remove it).
    fn invalidate(&self, description: &str) -> Result<bool> {
        let mut deleted = false;
        for _ in 0..16 {
            let Some(found) = self.find(description)? else {
                break;
            };
            match found.invalidate() {
                Ok(()) => deleted = true,
                Err(e) if missing(e) => {}
                Err(e) => return Err(fail("delete", e)),
            }
        }
        Ok(deleted)
    }
}

/// One line of `/proc/keys` (keyrings(7)): the keys this process may view.
struct ProcKey {
    id: KeySerialId,
    flags: String,
    uid: u32,
    kind: String,
    /// The description, and for a key with a payload `: <length>` after it.
    rest: String,
}

fn proc_keys() -> Option<Vec<ProcKey>> {
    let text = std::fs::read_to_string("/proc/keys").ok()?;
    Some(text.lines().filter_map(parse_proc_key).collect())
}

fn parse_proc_key(line: &str) -> Option<ProcKey> {
    let mut rest = line;
    let mut field = || {
        let trimmed = rest.trim_start();
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let (word, after) = trimmed.split_at(end);
        rest = after;
        word
    };
    let id = u32::from_str_radix(field(), 16).ok()? as i32;
    let flags = field().to_owned();
    let _usage = field();
    let _timeout = field();
    let _perm = field();
    let uid = field().parse().ok()?;
    let _gid = field();
    let kind = field().to_owned();
    Some(ProcKey {
        id: KeySerialId::new(id),
        flags,
        uid,
        kind,
        rest: rest.trim_start().to_owned(),
    })
}

impl ProcKey {
    /// A live key: instantiated, not revoked, dead, negative or invalidated.
    fn live(&self) -> bool {
        !self.flags.contains(['R', 'D', 'N', 'i'])
    }

    /// The payload length of a key described `description`, `Some(None)` for one without a
    /// payload; `None` when the description differs.
    fn payload(&self, description: &str) -> Option<Option<usize>> {
        let after = self.rest.strip_prefix(description)?;
        match after.strip_prefix(": ") {
            None if after.is_empty() => Some(None),
            Some(len) => len.parse().ok().map(Some),
            None => None,
        }
    }
}

/// The user that keys made by this process belong to (as /proc/keys and key-users show it).
fn uid() -> u32 {
    crate::sys::user_id().expect("Linux has user ids")
}

/// Live `user` keys of this user described exactly `description`.
fn visible(description: &str) -> Vec<KeySerialId> {
    let uid = uid();
    proc_keys()
        .unwrap_or_default()
        .into_iter()
        .filter(|k| k.uid == uid && k.kind == "user" && k.live())
        .filter(|k| k.payload(description).is_some())
        .map(|k| k.id)
        .collect()
}

/// Live `user` keys of this user named as the helper names them, with a service that starts
/// with `prefix`.
fn ours(prefix: &str) -> Vec<Key> {
    let uid = uid();
    let mut keys: Vec<Key> = proc_keys()
        .unwrap_or_default()
        .into_iter()
        .filter(|k| k.uid == uid && k.kind == "user" && k.live())
        .filter_map(|k| {
            let named = k.rest.rsplit_once(": ").map_or(k.rest.as_str(), |(d, _)| d);
            let (user, service) = named
                .strip_prefix("keyring:")?
                .rsplit_once(&format!("@{prefix}"))?;
            Some(Key {
                service: format!("{prefix}{service}"),
                user: user.to_owned(),
            })
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn payload_len(id: KeySerialId) -> Option<usize> {
    proc_keys()?
        .into_iter()
        .find(|k| k.id == id)
        .and_then(|k| k.rest.rsplit_once(": ")?.1.parse().ok())
}

/// This user's use of the key quota (`/proc/key-users`).
struct Quota {
    keys: Option<(usize, usize)>,
    bytes: Option<(usize, usize)>,
}

impl Quota {
    fn read() -> Quota {
        let uid = format!("{}:", uid());
        let text = std::fs::read_to_string("/proc/key-users").unwrap_or_default();
        let cols = text
            .lines()
            .map(|line| {
                line.split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .find(|cols| cols.first() == Some(&uid))
            .unwrap_or_default();
        let pair = |at: usize| {
            let (used, max) = cols.get(at)?.split_once('/')?;
            Some((used.parse().ok()?, max.parse().ok()?))
        };
        Quota {
            keys: pair(3),
            bytes: pair(4),
        }
    }

    /// Whether `bytes` more (and a key more, with `new_key`) fit. Unknown means yes: the kernel
    /// still says no if it must.
    fn fits(&self, bytes: usize, new_key: bool) -> bool {
        let keys_ok = !new_key || self.keys.is_none_or(|(used, max)| used < max);
        let bytes_ok = self.bytes.is_none_or(|(used, max)| used + bytes <= max);
        keys_ok && bytes_ok
    }
}

/// The quota error, naming what to remove: this user's largest keys, by id.
fn quota_full(quota: &Quota, needed: Option<usize>) -> Error {
    let usage = match (quota.keys, quota.bytes) {
        (Some((k, km)), Some((b, bm))) => format!("keys {k}/{km}, bytes {b}/{bm}"),
        _ => "see /proc/key-users".to_owned(),
    };
    let needed = needed
        .map(|n| format!("; this needs about {n} bytes more"))
        .unwrap_or_default();
    let uid = uid();
    let mut largest: Vec<(usize, ProcKey)> = proc_keys()
        .unwrap_or_default()
        .into_iter()
        .filter(|k| k.uid == uid && k.kind != "keyring" && k.live())
        .filter_map(|k| {
            let (desc, len) = k.rest.rsplit_once(": ")?;
            Some((desc.len() + 1 + len.parse::<usize>().ok()?, k))
        })
        .collect();
    largest.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    let remove: Vec<String> = largest
        .iter()
        .take(3)
        .map(|(size, k)| {
            let desc = k.rest.rsplit_once(": ").map_or("", |(d, _)| d);
            format!(
                "`keyctl invalidate {}` ({} {desc:?}, {size} bytes)",
                k.id.0, k.kind
            )
        })
        .collect();
    let remove = match remove.is_empty() {
        true => "remove keys you do not need (see /proc/keys)".to_owned(),
        false => format!(
            "remove keys you do not need, largest first: {}",
            remove.join(", ")
        ),
    };
    Error::unavailable(format!(
        "the kernel's key quota for your user is full ({usage}{needed}), so no new key can be stored. {MAKE_ROOM}erase tokens you no longer need (`mystic-credential-helper logout ALIAS`) or {remove}; or have root raise the sysctls kernel.keys.maxkeys and kernel.keys.maxbytes; --store file keeps tokens in plaintext in config.yaml instead"
    ))
    .store_full()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_keys_lines_are_read_field_by_field() {
        let k = parse_proc_key(
            "1d08551c I--Q---     1 perm 3f0b0000 45001 45001 user      keyring:my cluster@mystic:https://q.example: 10",
        )
        .unwrap();
        assert_eq!(
            (k.id.0, k.uid, k.kind.as_str()),
            (0x1d08551c, 45001, "user")
        );
        assert!(k.live());
        assert_eq!(
            k.payload("keyring:my cluster@mystic:https://q.example"),
            Some(Some(10))
        );
        assert_eq!(
            k.payload("keyring:my cluster@mystic:https://q.exampl"),
            None
        );
        assert_eq!(k.payload("keyring:my"), None);
        let dead =
            parse_proc_key("0000002a I--Q--i     1 perm 3f0b0000     0     0 user      x: 1")
                .unwrap();
        assert!(!dead.live());
        let ring = parse_proc_key(
            "2d6e7d3b I--Q---     2 perm 3f030000     0     0 keyring   _persistent.0: 1",
        )
        .unwrap();
        assert_eq!(ring.kind, "keyring");
        assert!(parse_proc_key("garbage").is_none());
    }

    #[test]
    fn quota_headroom() {
        let q = Quota {
            keys: Some((199, 200)),
            bytes: Some((19_990, 20_000)),
        };
        assert!(q.fits(10, true));
        assert!(!q.fits(11, false));
        let full = Quota {
            keys: Some((200, 200)),
            bytes: Some((100, 20_000)),
        };
        assert!(!full.fits(1, true) && full.fits(1, false));
        let unknown = Quota {
            keys: None,
            bytes: None,
        };
        assert!(unknown.fits(usize::MAX / 2, true));
        let e = quota_full(&full, Some(42));
        assert!(
            e.message
                .contains("keys 200/200, bytes 100/20000; this needs about 42 bytes more"),
            "{}",
            e.message
        );
    }
}
