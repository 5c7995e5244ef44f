//! The README's commands, run in order on a fresh home, work as shown. Every `sh` block runs in
//! one bash with `set -e`, in a sandbox: the helper on PATH (and the SDK's `pipeline`), the
//! Mystic API replaced by a local one, `login` pointed at it, and `$TOKEN` set. Blocks that need
//! the network or are the test command itself (`cargo install`, `scripts/...`) are left out.

#![cfg(target_os = "linux")]

use crate::common;
use common::api::Api;
use common::*;

/// The `sh` blocks, except those marked `<!-- not run by tests/system/readme.rs: why -->` just before
/// their opening fence, and those that need the network or are the test command itself.
fn sh_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    let mut previous = "";
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed == "```sh" => {
                current = Some(String::new());
                if previous.starts_with("<!-- not run by tests/system/readme.rs") {
                    current = Some("#not run\n".into());
                }
            }
            Some(block) if trimmed == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
        if !trimmed.is_empty() {
            previous = trimmed;
        }
    }
    blocks
        .into_iter()
        .filter(|b| {
            !b.starts_with("#not run") && !b.contains("cargo install") && !b.contains("scripts/")
        })
        .collect()
}

#[test]
fn the_readme_commands_work_on_a_fresh_home() {
    // Also a valid (empty) page of pipelines, for `pipeline get pipelines`.
    let api = Api::start_with(200, r#"{"skip":0,"limit":1000,"total":0,"data":[]}"#);
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let blocks = sh_blocks(&readme);
    assert!(blocks.len() >= 5, "{blocks:#?}");
    let script = blocks
        .join("\n")
        .replace("https://www.mystic.ai", &api.url)
        .replace(
            "mystic-credential-helper login",
            &format!("mystic-credential-helper login --url {}", api.url),
        );

    let sb = Sandbox::new()
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0");
    // The keyctl line reads the key under this sandbox's prefix.
    let script = script.replace("@mystic:", &format!("@{}", sb.prefix));
    // A copy, not a link: `man --install` installs next to the program itself (../share/man).
    let bin = sb.root.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::copy(BIN, bin.join("mystic-credential-helper")).unwrap();
    let venv = std::path::Path::new(&python()).parent().unwrap().to_owned();
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        venv.display(),
        std::env::var("PATH").unwrap()
    );
    // In a shell with no session keyring of its own, as in cron, containers and many SSH
    // logins: the user-session keyring, which the kernel gives such a process.
    let uid = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap();
    let out = sb
        .program("keyctl")
        .args([
            "session",
            &format!("_uid_ses.{uid}"),
            "bash",
            "-c",
            &format!("set -euo pipefail -x\n{script}"),
        ])
        .env("PATH", &path)
        .env("TOKEN", "pipeline_sk_readme")
        // PIPELINE_DIR unset: the README's commands use ~/.pipeline of the fresh home.
        .env_remove("PIPELINE_DIR")
        .write_stdin("pipeline_sk_readme\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the README's commands failed:\n{stderr}"
    );
    assert!(sb.home.join(".pipeline/config.yaml").exists());
    assert!(
        sb.root
            .path()
            .join("share/man/man1/mystic-credential-helper.1")
            .exists()
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("GLOBAL OPTIONS"),
        "man showed the page"
    );
    // The SDK's CLI, run through exec, reached the (local) API with the stored token.
    assert!(
        api.seen()
            .iter()
            .any(|s| s.header("authorization") == Some("Bearer pipeline_sk_readme")),
        "{:?}",
        api.seen()
    );
}

/// Every command people copy runs as written: no placeholder such as `REPOSITORY_URL` or
/// `VERSION` in any `sh` block (a variable, `$NAME` or `NAME=`, is fine).
#[test]
fn the_readme_commands_have_no_placeholders() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let mut found = Vec::new();
    for block in readme.split("```sh\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let chars: Vec<char> = block.chars().collect();
        let mut at = 0;
        while at < chars.len() {
            let start = at;
            while at < chars.len() && (chars[at].is_ascii_uppercase() || chars[at] == '_') {
                at += 1;
            }
            let word: String = chars[start..at].iter().collect();
            let before = start.checked_sub(1).map(|i| chars[i]);
            let after = chars.get(at).copied();
            let part_of_more =
                |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || "$_{".contains(c));
            if word.len() >= 4
                && !part_of_more(before)
                && !part_of_more(after)
                && after != Some('=')
            {
                found.push(word);
            }
            at = at.max(start + 1);
        }
    }
    assert!(
        found.is_empty(),
        "placeholders in README commands: {found:?}"
    );
}

/// The scripts download only from addresses the machine's own configuration gives (apt's
/// sources, pip's and cargo's defaults): none names a host to fetch from. What they may name:
/// the API they stand in for, loopback, files, and D-Bus's document type.
#[test]
fn the_scripts_name_no_host_to_download_from() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join(".ci/run")];
    for dir in ["scripts", "scripts/lib"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sh") {
                files.push(path);
            }
        }
    }
    let allowed = [
        "https://www.mystic.ai",
        "http://127.0.0.1",
        "file://localhost",
        "http://www.freedesktop.org/standards/dbus/",
    ];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (at, _) in text.match_indices("://") {
            let start = text[..at]
                .rfind(|c: char| !c.is_ascii_alphanumeric() && c != '+')
                .map_or(0, |i| i + 1);
            let url = &text[start..];
            assert!(
                allowed.iter().any(|a| url.starts_with(a)),
                "{}: {}",
                file.display(),
                &url[..url.find(char::is_whitespace).unwrap_or(url.len()).min(80)]
            );
        }
    }
}

/// The README says what its test command needs from the network before anyone runs it.
#[test]
fn the_readme_says_the_test_command_needs_the_registries() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let development = readme.split("## Development").nth(1).unwrap();
    assert!(
        development.contains("It needs the package registries"),
        "{development}"
    );
}
