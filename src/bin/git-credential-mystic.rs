//! `git-credential-mystic`: git's name for the helper (see forward/mod.rs).

#[path = "forward/mod.rs"]
mod forward;

fn main() {
    forward::to("git")
}
