//! The system test suites (real keyrings, git, the SDK) need the harness scripts/test.sh sets up;
//! it sets MYSTIC_SYSTEM_TESTS, which compiles them in. A plain `cargo test` runs the in-process
//! suites and says, in one line, what it left out.

fn main() {
    for (var, cfg) in [
        ("MYSTIC_SYSTEM_TESTS", "system_tests"),
        // The WSL suite: the Linux build with the Windows build under Wine as its keyring
        // (scripts/test-windows.sh sets it up).
        ("MYSTIC_WSL_TESTS", "wsl_tests"),
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={var}");
        if std::env::var_os(var).is_some() {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
