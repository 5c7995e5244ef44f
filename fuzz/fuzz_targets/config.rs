//! config.yaml parsing and re-serialisation: never panics; what parses re-serialises and parses
//! back to the same remotes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mystic_credential_helper::Config;

fuzz_target!(|data: &[u8]| {
    if let Ok(config) = Config::parse(data)
        && let Ok(text) = config.to_yaml()
    {
        let back = Config::parse(text.as_bytes()).expect("our own output parses");
        assert_eq!(back.remotes, config.remotes);
        assert_eq!(back.active_remote, config.active_remote);
    }
});
