//! The helper's program: everything is in the library (`main` there is the real process).

fn main() {
    mystic_credential_helper::main()
}
