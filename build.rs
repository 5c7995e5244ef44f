//! The system test suites (real keyrings, git, the SDK) need the harness scripts/test.sh sets up;
//! it sets MYSTIC_SYSTEM_TESTS, which compiles them in. A plain `cargo test` runs the in-process
//! suites and says, in one line, what it left out.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(system_tests)");
    println!("cargo::rerun-if-env-changed=MYSTIC_SYSTEM_TESTS");
    if std::env::var_os("MYSTIC_SYSTEM_TESTS").is_some() {
        println!("cargo::rustc-cfg=system_tests");
    }
}
