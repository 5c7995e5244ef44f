//! git's and docker's credential-helper protocols, driven by the real `git` and by replaying the
//! docker client library's exact stdin/argv, against the private Secret Service.

#![cfg(unix)]

use std::path::PathBuf;

use crate::common;
use common::*;
use serde_json::{Value, json};

/// A sandbox with `git-credential-mystic` and `docker-credential-mystic` links on its PATH.
fn sandbox() -> (Sandbox, PathBuf) {
    let sb = Sandbox::new();
    let bin = sb.root.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    for name in ["git-credential-mystic", "docker-credential-mystic"] {
        std::os::unix::fs::symlink(BIN, bin.join(name)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let sb = sb
        .env("PATH", &path)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0");
    (sb, bin)
}

/// Runs a real git command in the sandbox's environment.
fn git(sb: &Sandbox, args: &[&str], stdin: &str) -> std::process::Output {
    sb.program("git")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap()
}

#[test]
fn git_fills_approves_and_rejects_through_configure() {
    let (sb, _) = sandbox();
    sb.ok(&["store"], r#"{"alias":"gitty","token":"pipeline_sk_git"}"#);
    let out = sb.run(&["configure", "git"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("set credential.https://www.mystic.ai.helper"));
    assert!(
        text(&sb.run(&["configure", "git"], "").stdout).contains("unchanged"),
        "idempotent"
    );

    let out = git(
        &sb,
        &["credential", "fill"],
        "url=https://www.mystic.ai\n\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "protocol=https\nhost=www.mystic.ai\nusername=gitty\npassword=pipeline_sk_git\n"
    );

    let approve =
        "protocol=https\nhost=www.mystic.ai\nusername=second\npassword=pipeline_sk_second\n\n";
    assert!(
        git(&sb, &["credential", "approve"], approve)
            .status
            .success()
    );
    assert_eq!(
        sb.lookup(URL, "second").as_deref(),
        Some("pipeline_sk_second")
    );
    // A rejected password that no longer matches the stored one is left alone.
    let stale = "protocol=https\nhost=www.mystic.ai\nusername=second\npassword=pipeline_sk_old\n\n";
    assert!(git(&sb, &["credential", "reject"], stale).status.success());
    assert_eq!(
        sb.lookup(URL, "second").as_deref(),
        Some("pipeline_sk_second")
    );
    assert!(
        git(&sb, &["credential", "reject"], approve)
            .status
            .success()
    );
    assert_eq!(sb.lookup(URL, "second"), None);
    assert_eq!(sb.lookup(URL, "gitty").as_deref(), Some("pipeline_sk_git"));

    let out = sb.run(&["configure", "git", "--unset"], "");
    assert!(text(&out.stdout).contains("removed"));
    let gitconfig = std::fs::read_to_string(sb.home.join(".gitconfig")).unwrap_or_default();
    assert!(
        !gitconfig.contains("mystic-credential-helper"),
        "{gitconfig}"
    );
}

#[test]
fn git_never_answers_for_another_origin() {
    let (sb, _) = sandbox();
    sb.ok(&["store"], r#"{"alias":"gitty","token":"pipeline_sk_git"}"#);
    // A catch-all helper, so git asks ours about every host and ours must say no itself.
    let set = git(
        &sb,
        &["config", "--global", "credential.helper", "mystic"],
        "",
    );
    assert!(set.status.success());
    let out = git(
        &sb,
        &["credential", "fill"],
        "url=https://www.mystic.ai/some/repo\n\n",
    );
    assert!(
        text(&out.stdout).contains("password=pipeline_sk_git"),
        "argv[0] mode: {}",
        text(&out.stderr)
    );
    for url in [
        "https://www.mystic.ai.evil.example",
        "https://evil.example/www.mystic.ai",
        "https://www.mystic.ai:8443",
        "http://www.mystic.ai",
        "https://mystic.ai",
    ] {
        // GIT_TRACE shows that git did ask our helper (and that it said nothing).
        let out = sb
            .program("git")
            .args(["credential", "fill"])
            .env("GIT_TRACE", "1")
            .write_stdin(format!("url={url}\n\n"))
            .output()
            .unwrap();
        assert!(
            text(&out.stderr).contains("git credential-mystic get"),
            "{url}: the helper was not consulted: {}",
            text(&out.stderr)
        );
        assert!(!out.status.success(), "{url}: git had to prompt");
        assert!(
            !text(&[out.stdout, out.stderr].concat()).contains("pipeline_sk_git"),
            "{url}"
        );
    }
    // Straight to the helper: a miss prints nothing and exits 0.
    let out = sb.run(
        &["git", "get"],
        "protocol=https\nhost=www.mystic.ai.evil.example\n\n",
    );
    assert_eq!((out.status.code(), out.stdout.len()), (Some(0), 0));
    let out = sb.run(&["git", "get"], "protocol=ssh\nhost=www.mystic.ai\n\n");
    assert_eq!((out.status.code(), out.stdout.len()), (Some(0), 0));
    // Unknown actions and keys are ignored.
    assert_eq!(sb.run(&["git", "capability"], "").status.code(), Some(0));
    let out = sb.run(
        &["git", "get"],
        "protocol=https\nhost=www.mystic.ai\nwwwauth[]=Basic\ncapability[]=authtype\n\n",
    );
    assert!(text(&out.stdout).contains("username=gitty"));
}

#[test]
fn git_input_with_cr_lf_or_nul_is_refused() {
    let (sb, _) = sandbox();
    sb.ok(&["store"], r#"{"alias":"gitty","token":"pipeline_sk_git"}"#);
    for input in [
        "protocol=https\nhost=www.mystic.ai\r\n\n",
        "protocol=https\r\nhost=www.mystic.ai\n\n",
        "protocol=https\nhost=www.mystic.ai\0\n\n",
        "protocol=https\n\n",
        "host=www.mystic.ai\n\n",
        "protocol=https\nhost=\n\n",
    ] {
        let out = sb.run(&["git", "get"], input);
        assert_ne!(out.status.code(), Some(0), "{input:?}");
        assert!(out.stdout.is_empty(), "{input:?}");
    }
    // git itself refuses a URL with an encoded newline before asking any helper.
    git(
        &sb,
        &["config", "--global", "credential.helper", "mystic"],
        "",
    );
    let out = git(
        &sb,
        &["credential", "fill"],
        "url=https://www.mystic.ai%0a.evil\n\n",
    );
    assert!(!text(&out.stdout).contains("pipeline_sk_git"));
    let store =
        "protocol=https\nhost=www.mystic.ai\nusername=x\npassword=pipeline_sk_\rinjected\n\n";
    assert_ne!(sb.run(&["git", "store"], store).status.code(), Some(0));
    assert_eq!(sb.lookup(URL, "x"), None);
}

/// Runs the docker helper exactly as docker's client library does: argv[0] is the helper's name,
/// argv[1] the action, stdin the payload; returns (stdout, exit code).
fn docker(sb: &Sandbox, bin: &std::path::Path, action: &str, stdin: &str) -> (String, i32) {
    let out = sb
        .program(bin.join("docker-credential-mystic"))
        .arg(action)
        .write_stdin(stdin)
        .output()
        .unwrap();
    (text(&out.stdout), out.status.code().unwrap())
}

#[test]
fn docker_protocol_replay() {
    let (sb, bin) = sandbox();
    // client.Store: json.NewEncoder, so a trailing newline.
    let (out, code) = docker(
        &sb,
        &bin,
        "store",
        "{\"ServerURL\":\"registry.mystic.example\",\"Username\":\"dock\",\"Secret\":\"pipeline_sk_docker\"}\n",
    );
    assert_eq!((out.as_str(), code), ("", 0));
    assert_eq!(
        sb.lookup("https://registry.mystic.example", "dock")
            .as_deref(),
        Some("pipeline_sk_docker")
    );

    // client.Get: the raw server URL, no newline; the answer echoes the ServerURL sent.
    let (out, code) = docker(&sb, &bin, "get", "registry.mystic.example");
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"ServerURL":"registry.mystic.example","Username":"dock","Secret":"pipeline_sk_docker"})
    );
    let (out, _) = docker(&sb, &bin, "get", "https://registry.mystic.example/v1/");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["ServerURL"],
        "https://registry.mystic.example/v1/"
    );

    // A miss: exactly the string clients compare, on stdout, exit 1.
    let (out, code) = docker(&sb, &bin, "get", "other.example");
    assert_eq!(
        (out.as_str(), code),
        ("credentials not found in native keychain\n", 1)
    );
    let (out, code) = docker(&sb, &bin, "get", "registry.mystic.example:5000");
    assert_eq!(
        (out.as_str(), code),
        ("credentials not found in native keychain\n", 1)
    );
    let (out, code) = docker(&sb, &bin, "get", "");
    assert_eq!((out.as_str(), code), ("no credentials server URL\n", 1));
    let (out, code) = docker(
        &sb,
        &bin,
        "store",
        r#"{"ServerURL":"r.example","Username":"","Secret":"x"}"#,
    );
    assert_eq!((out.as_str(), code), ("no credentials username\n", 1));

    // client.List writes "unused".
    let (out, code) = docker(&sb, &bin, "list", "unused");
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"https://registry.mystic.example":"dock"})
    );

    let (out, code) = docker(&sb, &bin, "erase", "registry.mystic.example");
    assert_eq!((out.as_str(), code), ("", 0));
    assert_eq!(sb.lookup("https://registry.mystic.example", "dock"), None);
    let (out, code) = docker(&sb, &bin, "erase", "registry.mystic.example");
    assert_eq!(
        (out.as_str(), code),
        ("credentials not found in native keychain\n", 1)
    );

    let (out, code) = docker(&sb, &bin, "version", "");
    assert!(
        out.starts_with("docker-credential-mystic") && code == 0,
        "{out}"
    );
    let (_, code) = docker(&sb, &bin, "frobnicate", "");
    assert_eq!(code, 1);
}

#[cfg(unix)]
#[test]
fn configure_docker_keeps_everything_else() {
    use std::os::unix::fs::PermissionsExt;
    let (sb, _) = sandbox();
    sb.ok(&["store"], r#"{"alias":"a","token":"pipeline_sk_a"}"#);
    sb.ok(
        &["store"],
        r#"{"alias":"b","url":"http://127.0.0.1:5000","token":"pipeline_sk_b"}"#,
    );
    let docker_dir = sb.root.path().join("docker");
    std::fs::create_dir(&docker_dir).unwrap();
    let config = docker_dir.join("config.json");
    let original = json!({
        "auths": {"https://index.docker.io/v1/": {"auth": "c2VjcmV0"}},
        "credHelpers": {"gcr.io": "gcloud", "127.0.0.1:5000": "other"},
        "psFormat": "table {{.ID}}"
    });
    std::fs::write(&config, serde_json::to_string_pretty(&original).unwrap()).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).unwrap();
    let sb = sb.env("DOCKER_CONFIG", docker_dir.to_str().unwrap());

    let out = sb.run(&["configure", "docker"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("set credHelpers[www.mystic.ai]"),
        "{report}"
    );
    assert!(
        report.contains("127.0.0.1:5000 already uses docker-credential-other"),
        "{report}"
    );
    let after: Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let mut expected = original.clone();
    expected["credHelpers"]["www.mystic.ai"] = json!("mystic");
    assert_eq!(after, expected);
    let keys: Vec<&String> = after.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["auths", "credHelpers", "psFormat"], "key order kept");
    assert_eq!(
        std::fs::metadata(&config).unwrap().permissions().mode() & 0o777,
        0o640
    );

    let again = text(&sb.run(&["configure", "docker"], "").stdout);
    assert!(again.contains("www.mystic.ai unchanged"), "{again}");
    sb.run(&["configure", "docker", "--unset"], "");
    let restored: Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(restored, original);

    // A fresh machine: the file is created 0600 and removed entries leave no trace.
    let fresh = sb.root.path().join("fresh");
    let sb = sb.env("DOCKER_CONFIG", fresh.to_str().unwrap());
    sb.run(&["configure", "docker"], "");
    assert_eq!(
        std::fs::metadata(fresh.join("config.json"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    sb.run(&["configure", "docker", "--unset"], "");
    let empty: Value =
        serde_json::from_str(&std::fs::read_to_string(fresh.join("config.json")).unwrap()).unwrap();
    assert_eq!(empty, json!({}));
}

#[test]
fn all_three_front_ends_share_one_credential() {
    let (sb, bin) = sandbox();
    sb.ok(
        &["store"],
        r#"{"alias":"shared","token":"pipeline_sk_shared"}"#,
    );
    let out = sb.run(&["git", "get"], "protocol=https\nhost=www.mystic.ai\n\n");
    assert_eq!(
        text(&out.stdout),
        "username=shared\npassword=pipeline_sk_shared\n"
    );
    let (out, code) = docker(&sb, &bin, "get", "www.mystic.ai");
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["Secret"],
        "pipeline_sk_shared"
    );
    let (_, code) = docker(&sb, &bin, "erase", "https://www.mystic.ai");
    assert_eq!(code, 0);
    sb.fails(&["get"], r#"{"alias":"shared"}"#, "not-found", 1);
    let out = sb.run(&["git", "get"], "protocol=https\nhost=www.mystic.ai\n\n");
    assert!(out.stdout.is_empty());
}

/// git and docker store whatever a host asked for. A credential for another host under the name
/// of an existing remote goes, quietly, into a remote of its own for that host
/// (`<name>-<host>`): it never redirects the existing remote, drops its token, or becomes the
/// default, and each host reads back only its own credential.
#[test]
fn git_and_docker_never_take_over_a_remote_at_another_origin() {
    let (sb, bin) = sandbox();
    sb.ok(
        &["store"],
        r#"{"alias":"mystic-api","token":"pipeline_sk_real","active":true}"#,
    );
    let untouched = |what: &str| {
        assert_eq!(
            sb.lookup(URL, "mystic-api").as_deref(),
            Some("pipeline_sk_real"),
            "{what}"
        );
        assert_eq!(
            sb.lookup("https://evil.example", "mystic-api"),
            None,
            "{what}"
        );
        let config = sb.config();
        assert!(
            config.contains("active_remote: mystic-api"),
            "{what}: {config}"
        );
        assert!(
            config.contains("- alias: mystic-api\n  url: https://www.mystic.ai\n"),
            "{what}: {config}"
        );
    };

    // As git runs it: a quiet, working store.
    let approve = git(
        &sb,
        &["-c", "credential.helper=mystic", "credential", "approve"],
        "protocol=https\nhost=evil.example\nusername=mystic-api\npassword=pipeline_sk_evil\n\n",
    );
    assert!(approve.status.success(), "{}", text(&approve.stderr));
    assert_eq!(text(&approve.stderr), "");
    untouched("git credential approve");
    assert_eq!(
        sb.lookup("https://evil.example", "mystic-api-evil.example")
            .as_deref(),
        Some("pipeline_sk_evil")
    );
    let fill = |host: &str| {
        let out = git(
            &sb,
            &["-c", "credential.helper=mystic", "credential", "fill"],
            &format!("protocol=https\nhost={host}\nusername=mystic-api\n\n"),
        );
        text(&out.stdout)
    };
    assert!(fill("evil.example").contains("password=pipeline_sk_evil"));
    assert!(fill("www.mystic.ai").contains("password=pipeline_sk_real"));
    // The default stays the remote a person chose.
    assert_eq!(sb.ok(&["get"], "")["token"], "pipeline_sk_real");

    let (out, code) = docker(
        &sb,
        &bin,
        "store",
        "{\"ServerURL\":\"ghcr.io\",\"Username\":\"mystic-api\",\"Secret\":\"pipeline_sk_ghcr\"}\n",
    );
    assert_eq!((out.as_str(), code), ("", 0));
    untouched("docker store");
    assert_eq!(
        sb.lookup("https://ghcr.io", "mystic-api-ghcr.io")
            .as_deref(),
        Some("pipeline_sk_ghcr")
    );
    let (out, code) = docker(&sb, &bin, "get", "ghcr.io");
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"ServerURL":"ghcr.io","Username":"mystic-api-ghcr.io","Secret":"pipeline_sk_ghcr"})
    );

    // Erasing for the other origins removes their remotes only.
    let out = sb.run(
        &["git", "erase"],
        "protocol=https\nhost=evil.example\nusername=mystic-api\n\n",
    );
    assert_eq!(out.status.code(), Some(0));
    let (_, code) = docker(&sb, &bin, "erase", "ghcr.io\n");
    assert_eq!(code, 0);
    untouched("git and docker erase");
    assert_eq!(
        sb.lookup("https://evil.example", "mystic-api-evil.example"),
        None
    );
    assert_eq!(sb.lookup("https://ghcr.io", "mystic-api-ghcr.io"), None);

    // The same origin and alias still update the token.
    let before = sb.config();
    let out = sb.run(
        &["git", "store"],
        "protocol=https\nhost=www.mystic.ai\nusername=mystic-api\npassword=pipeline_sk_rotated\n\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        sb.lookup(URL, "mystic-api").as_deref(),
        Some("pipeline_sk_rotated")
    );
    assert_eq!(sb.config(), before);
}

/// A git or docker store for a new host never becomes the default, even when no remote is
/// active (after the active one was logged out, say): `get`, `env` and the SDK keep using what a
/// person chose, or nothing.
#[test]
fn a_credential_store_never_becomes_the_default() {
    let (sb, bin) = sandbox();
    sb.ok(
        &["store"],
        r#"{"alias":"chosen","token":"pipeline_sk_chosen","active":true}"#,
    );
    sb.ok(
        &["store"],
        r#"{"alias":"other","url":"https://other.example","token":"pipeline_sk_other"}"#,
    );
    assert_eq!(sb.run(&["logout", "chosen"], "").status.code(), Some(0));
    let (_, code) = docker(
        &sb,
        &bin,
        "store",
        "{\"ServerURL\":\"registry.evil.example\",\"Username\":\"u\",\"Secret\":\"pipeline_sk_evil\"}",
    );
    assert_eq!(code, 0);
    let approve = git(
        &sb,
        &["-c", "credential.helper=mystic", "credential", "approve"],
        "protocol=https\nhost=git.evil.example\nusername=g\npassword=pipeline_sk_evil2\n\n",
    );
    assert!(approve.status.success());
    let listed = sb.ok(&["list"], "");
    assert_eq!(listed["active_remote"], Value::Null, "{listed}");
    // With none active, the first remote: the one a person stored before, not the new hosts.
    assert_eq!(sb.ok(&["get"], "")["token"], "pipeline_sk_other");
    let env = text(&sb.run(&["env", "--format", "json"], "").stdout);
    assert!(
        env.contains("pipeline_sk_other") && !env.contains("evil"),
        "{env}"
    );
}

/// A server URL that common URL readers read as different hosts gets no token: Python's
/// `urlsplit` (what most tools in the SDK's world use) must read the host the helper answered for.
#[test]
fn docker_urls_that_readers_disagree_on_get_no_token() {
    let (sb, bin) = sandbox();
    sb.ok(&["store"], r#"{"alias":"real","token":"pipeline_sk_real"}"#);
    let candidates = [
        "https://www.mystic.ai\\@evil.example",
        "www.mystic.ai\\@evil.example",
        "https://www.mystic.ai\\.evil.example/",
        "https:www.mystic.ai",
        "https:/www.mystic.ai",
        "https:///www.mystic.ai",
        "https://www.mystic.ai%2f@evil.example",
        "https://www.mys\ttic.ai",
        "https://www.mystic.ai /x",
        "https://www.mystic.ai:443@evil.example",
        "https://evil.example#@www.mystic.ai",
        "https://www.mystic.ai/",
        "https://WWW.MYSTIC.AI:443",
        "www.mystic.ai",
    ];
    let mut answered = 0;
    for url in candidates {
        let (out, code) = docker(&sb, &bin, "get", url);
        let python_host = stdout_of(std::process::Command::new(python()).args([
            "-c",
            "import sys, urllib.parse as u; s = sys.argv[1]; s = s if '://' in s else 'https://' + s; print(u.urlsplit(s.strip()).hostname)",
            url,
        ]));
        if code == 0 {
            answered += 1;
            assert_eq!(
                python_host.trim(),
                "www.mystic.ai",
                "{url:?} answered: {out}"
            );
        } else {
            assert_eq!(code, 1);
            assert!(!out.contains("pipeline_sk_real"), "{url:?}: {out}");
            assert!(
                out.starts_with("invalid-request: url")
                    || out == "credentials not found in native keychain\n",
                "{url:?}: {out}"
            );
        }
    }
    assert_eq!(answered, 3, "the three plain spellings are answered");
}

#[test]
fn docker_list_shows_only_remotes_with_a_token() {
    let (sb, bin) = sandbox();
    sb.ok(
        &["store"],
        r#"{"alias":"listed","token":"pipeline_sk_listed"}"#,
    );
    sb.write_config(
        "active_remote: listed\nremotes:\n- alias: listed\n  url: https://www.mystic.ai\n- alias: empty\n  url: https://empty.example\n- alias: plain\n  url: https://plain.example\n  token: pipeline_sk_plain\n",
    );
    let (out, code) = docker(&sb, &bin, "list", "unused");
    assert_eq!(code, 0);
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        listed,
        json!({"https://www.mystic.ai": "listed", "https://plain.example": "plain"})
    );
}

/// `configure` writes the chosen store into what git and docker run: from a clean environment
/// (cron, an IDE) they read the kernel keyring the user chose. `--unset` then removes every
/// entry of this helper (a removed remote's, another store's), with no remotes left, and
/// nobody else's.
#[cfg(target_os = "linux")]
#[test]
fn configure_keeps_the_chosen_store_and_unset_removes_every_entry() {
    let (sb, bin) = sandbox();
    let docker_dir = sb.root.path().join("docker");
    let sb = sb
        .env("MYSTIC_CREDENTIAL_STORE", "keyutils")
        .env("DOCKER_CONFIG", docker_dir.to_str().unwrap());
    std::os::unix::fs::symlink(BIN, bin.join("docker-credential-mystic-keyutils")).unwrap();
    sb.ok(&["store"], r#"{"alias":"kept","token":"pipeline_sk_kept"}"#);
    sb.ok(
        &["store"],
        r#"{"alias":"gone","url":"https://gone.example","token":"pipeline_sk_gone"}"#,
    );
    for tool in ["git", "docker"] {
        let out = sb.run(&["configure", tool], "");
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("keyutils"),
            "{}",
            text(&out.stdout)
        );
    }
    // Someone else's entries, which must survive.
    git(
        &sb,
        &[
            "config",
            "--global",
            "--add",
            "credential.https://www.mystic.ai.helper",
            "store",
        ],
        "",
    );
    let config = docker_dir.join("config.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    doc["credHelpers"]["gcr.io"] = json!("gcloud");
    std::fs::write(&config, doc.to_string()).unwrap();

    // git and docker as cron starts them: no MYSTIC_CREDENTIAL_STORE, no session bus.
    let clean = |program: &str| {
        let mut c = std::process::Command::new(program);
        c.env_clear()
            .env("HOME", &sb.home)
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env("PIPELINE_DIR", &sb.dir)
            .env("MYSTIC_KEYRING_SERVICE_PREFIX", &sb.prefix)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_TERMINAL_PROMPT", "0");
        c
    };
    let mut git_fill = clean("git");
    git_fill
        .args(["credential", "fill"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let out = spawn_fed(&mut git_fill, "url=https://www.mystic.ai\n\n")
        .wait_with_output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("password=pipeline_sk_kept"),
        "{}",
        text(&out.stderr)
    );
    let helper = doc["credHelpers"]["www.mystic.ai"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(helper, "mystic-keyutils");
    let mut docker_get = clean(&format!("docker-credential-{helper}"));
    docker_get
        .arg("get")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let out = spawn_fed(&mut docker_get, "https://www.mystic.ai")
        .wait_with_output()
        .unwrap();
    assert!(text(&out.stdout).contains("pipeline_sk_kept"), "{out:?}");

    // An entry of another store, then no remotes at all: --unset still finds every entry.
    sb.cmd()
        .args(["--store", "file", "configure", "git"])
        .output()
        .unwrap();
    sb.ok(&["erase"], r#"{"alias":"gone"}"#);
    sb.ok(&["erase"], r#"{"alias":"kept"}"#);
    for tool in ["git", "docker"] {
        let out = sb.run(&["configure", tool, "--unset"], "");
        assert!(out.status.success(), "{tool}: {}", text(&out.stderr));
    }
    let gitconfig = std::fs::read_to_string(sb.home.join(".gitconfig")).unwrap();
    assert!(
        !gitconfig.contains("mystic-credential-helper"),
        "{gitconfig}"
    );
    assert!(gitconfig.contains("helper = store"), "{gitconfig}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(doc["credHelpers"], json!({"gcr.io": "gcloud"}));
}

/// docker sends a registry as `host:port`, the key `configure docker` writes: for a local
/// registry's http remote, that is the one it means (get, store and erase alike).
#[test]
fn docker_finds_an_http_remote_by_the_key_configure_wrote() {
    let (sb, bin) = sandbox();
    let docker_dir = sb.root.path().join("docker");
    let sb = sb.env("DOCKER_CONFIG", docker_dir.to_str().unwrap());
    sb.ok(
        &["store"],
        r#"{"alias":"local","url":"http://127.0.0.1:8765","token":"pipeline_sk_local"}"#,
    );
    assert!(sb.run(&["configure", "docker"], "").status.success());
    let config = std::fs::read_to_string(docker_dir.join("config.json")).unwrap();
    let doc: Value = serde_json::from_str(&config).unwrap();
    assert_eq!(doc["credHelpers"]["127.0.0.1:8765"], "mystic");
    let docker = |action: &str, stdin: &str| {
        sb.program(bin.join("docker-credential-mystic"))
            .arg(action)
            .write_stdin(stdin)
            .output()
            .unwrap()
    };
    let out = docker("get", "127.0.0.1:8765");
    assert!(out.status.success(), "{out:?}");
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["Secret"], "pipeline_sk_local");
    assert_eq!(got["Username"], "local");
    // A store by the same key replaces that remote's token; an https remote would win.
    let stored =
        r#"{"ServerURL":"127.0.0.1:8765","Username":"local","Secret":"pipeline_sk_local2"}"#;
    assert!(docker("store", stored).status.success());
    assert_eq!(
        sb.lookup("http://127.0.0.1:8765", "local").as_deref(),
        Some("pipeline_sk_local2")
    );
    assert!(
        !sb.config().contains("https://127.0.0.1:8765"),
        "{}",
        sb.config()
    );
    assert!(docker("erase", "127.0.0.1:8765").status.success());
    assert_eq!(sb.lookup("http://127.0.0.1:8765", "local"), None);
    // With no remote there, a bare host is https, as before.
    let out = docker("get", "127.0.0.1:8765");
    assert!(!out.status.success());
}
