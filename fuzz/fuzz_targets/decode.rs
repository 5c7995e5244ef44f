//! Request decoding: any bytes, any action; must never panic, and every error is typed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mystic_credential_helper::{Action, ErrorKind, decode};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else { return };
    let action = [Action::Get, Action::Store, Action::Erase, Action::List][usize::from(selector % 4)];
    if let Err(e) = decode(action, input) {
        assert!(matches!(e.kind, ErrorKind::InvalidRequest | ErrorKind::UnsupportedVersion));
    }
});
