//! The machines people really run the helper on: a full kernel key quota (as a non-root user),
//! a bus that never answers, shared folders where another user planted files, exec from odd
//! folders and read-only homes, files that are not files. Each on the real system.

#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common;
use common::other_user::OtherUser;
use common::*;
use serde_json::Value;

/// The value of `name=` in a script's `name=value` output lines.
fn field<'a>(out: &'a str, name: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name}= in {out}"))
}

/// With the key quota full (bytes, or the number of keys) a stored token is still read (`get`,
/// `token`, git's `get`) and erased, none of which costs quota; a store of a new token fails
/// without charging anything, and names what to remove.
fn full_key_quota(fill: &str, test: &str) {
    let sb = Sandbox::new();
    std::fs::create_dir_all(&sb.dir).unwrap();
    let Some(user) = OtherUser::new(&sb, test) else {
        return;
    };
    let script = format!(
        r#"
        used() {{ awk -v u="$(id -u):" '$1==u{{print $4 " " $5}}' /proc/key-users; }}
        # The kernel frees keys of exited processes lazily: wait until the count holds still.
        settle() {{ a=$(used); sleep 0.3; while [ "$a" != "$(used)" ]; do a=$(used); sleep 0.3; done; }}
        H="$BIN --store keyutils"
        printf '%s' '{{"alias":"q","url":"https://q.example","token":"pipeline_sk_quota"}}' | $H store >/dev/null; echo "stored=$?"
        printf '%s' '{{"alias":"orph","url":"https://q.example","token":"pipeline_sk_orphan"}}' | $H store >/dev/null
        printf 'remotes:\n- alias: q\n  url: https://q.example\n' >"$PIPELINE_DIR/config.yaml"
        n=0; {fill}
        settle; echo "full=$(used)"
        printf '%s' '{{"alias":"q"}}' | $H get; echo "get=$?"
        $H token --alias q; echo "token=$?"
        printf 'protocol=https\nhost=q.example\nusername=q\n\n' | $H git get; echo "git=$?"
        settle; echo "after_reads=$(used)"
        printf '%s' '{{"alias":"new","url":"https://q.example","token":"pipeline_sk_new"}}' | $H store; echo "store=$?"
        settle; echo "after_store=$(used)"
        printf '%s' '{{"alias":"q"}}' | $H erase >/dev/null; echo "erase=$?"
        keyctl clear @s
        keyctl invalidate "$(keyctl get_persistent @s)"
        "#
    );
    let (out, err) = user.sh(&sb, &script);
    assert_eq!(field(&out, "stored"), "0", "{out}{err}");
    let full = field(&out, "full");
    assert_eq!(field(&out, "get"), "0", "{out}{err}");
    assert!(out.contains(r#""token":"pipeline_sk_quota""#), "{out}");
    assert_eq!(field(&out, "token"), "0", "{err}");
    assert!(out.contains("\npipeline_sk_quota\n"), "{out}");
    assert_eq!(field(&out, "git"), "0", "{err}");
    assert!(
        out.contains("username=q\npassword=pipeline_sk_quota\n"),
        "{out}"
    );
    assert_eq!(field(&out, "after_reads"), full, "reads cost no quota");
    assert_eq!(field(&out, "store"), "3", "{err}");
    assert_eq!(
        field(&out, "after_store"),
        full,
        "a failed store charges nothing"
    );
    let ours = err
        .lines()
        .find(|l| l.starts_with("mystic-credential-helper: store-unavailable"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        ours.contains("the kernel's key quota for your user is full")
            && ours.contains("`keyctl invalidate ")
            && ours.contains("logout ALIAS"),
        "{ours}"
    );
    // The orphan the store left comes first among what to remove.
    let first = "To make room: first remove the 1 orphan item(s) that no remote in config.yaml names (orph at ";
    assert!(ours.contains(first), "{ours}");
    assert!(ours.find(first) < ours.find("logout ALIAS"), "{ours}");
    assert_eq!(field(&out, "erase"), "0", "{err}");
    assert!(!err.contains("pipeline_sk_"), "{err}");
}

#[test]
fn a_full_key_byte_quota_stops_only_new_tokens() {
    full_key_quota(
        r#"for size in 1024 256 64 16 4 1; do while keyctl add user "z$n" "$(head -c $size /dev/zero | tr '\0' y)" @s >/dev/null 2>&1; do n=$((n+1)); done; done"#,
        "a_full_key_byte_quota_stops_only_new_tokens",
    );
}

#[test]
fn a_full_key_count_quota_stops_only_new_tokens() {
    full_key_quota(
        r#"while keyctl add user "k$n" x @s >/dev/null 2>&1; do n=$((n+1)); done"#,
        "a_full_key_count_quota_stops_only_new_tokens",
    );
}

/// Ten remotes, so that a deadline per remote would show (50 s).
fn ten_remotes(sb: &Sandbox) {
    let mut config = String::from("active_remote: r0\nremotes:\n");
    for i in 0..10 {
        config.push_str(&format!("- alias: r{i}\n  url: https://r{i}.example\n"));
    }
    sb.write_config(&config);
}

/// A "bus" socket that accepts connections and never says a word: every command gives up within
/// the one deadline, whatever the number of remotes.
#[test]
fn a_bus_socket_that_never_answers_costs_one_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bus");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(64) {
            open.push(stream);
        }
    });
    let sb = Sandbox::new().env(
        "DBUS_SESSION_BUS_ADDRESS",
        &format!("unix:path={}", path.display()),
    );
    ten_remotes(&sb);
    let message = sb.fails(&["get"], r#"{"alias":"r3"}"#, "store-unavailable", 3);
    assert!(message.contains("did not answer within 5s"), "{message}");
    let start = Instant::now();
    let out = sb.run(&["status", "--json"], "");
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        took < Duration::from_secs(15),
        "status took {took:?} for 10 remotes"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["remotes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["token"] == "unknown"),
        "{report}"
    );
    // What a plain `get` would hand out is not known either: said so, not "nothing".
    assert_eq!(report["get"]["source"], "unknown", "{report}");
    let table = text(&sb.run(&["status"], "").stdout);
    assert!(
        table.contains("r0, with a token unknown (the keyring could not be asked)"),
        "{table}"
    );
    drop(held);
}

/// A lock file that is a symbolic link (another user could plant one in a shared folder) is never
/// followed: nothing is created at its target.
#[test]
fn a_planted_lock_symlink_is_refused() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(&sb.dir).unwrap();
    let target = sb.root.path().join("elsewhere");
    std::os::unix::fs::symlink(&target, sb.dir.join(".config.yaml.lock")).unwrap();
    let message = sb.fails(
        &["store"],
        r#"{"alias":"a","token":"pipeline_sk_l"}"#,
        "config",
        4,
    );
    assert!(
        message.contains("is a symbolic link; refusing to follow it"),
        "{message}"
    );
    assert!(!target.exists(), "the link was followed");
    assert!(!sb.config_path().exists());
}

/// Files that decide which token goes where must be the user's (or root's) and writable by no
/// one else, as ssh's StrictModes: each refusal names the exact command that fixes it.
#[test]
fn config_files_another_user_could_write_are_refused_with_the_fix() {
    let sb = Sandbox::new();
    let Some(other) = OtherUser::new(
        &sb,
        "config_files_another_user_could_write_are_refused_with_the_fix",
    ) else {
        return;
    };
    // This test runs the helper as root: the folders above config.yaml are root's again (a home
    // another user owns is refused before anything in it).
    let ok = std::process::Command::new("chown")
        .args(["-R", "0:0"])
        .arg(sb.root.path())
        .status()
        .unwrap();
    assert!(ok.success());
    sb.ok(
        &["--store", "file", "store"],
        r#"{"alias":"a","token":"pipeline_sk_mine","active":true}"#,
    );
    let get = |want: &str| {
        let message = sb.fails(&["--store", "file", "get"], r#"{"alias":"a"}"#, "config", 4);
        assert!(message.contains(want), "{want}: {message}");
        let status = sb.run(&["status"], "");
        assert_eq!(status.status.code(), Some(4));
        assert!(
            text(&status.stderr).contains(want),
            "{}",
            text(&status.stderr)
        );
        message
    };
    let dir = sb.dir.display().to_string();
    let file = sb.config_path().display().to_string();

    std::fs::set_permissions(&sb.dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    get(&format!("remove that with `chmod go-w {dir}`"));
    std::fs::set_permissions(&sb.dir, std::fs::Permissions::from_mode(0o700)).unwrap();

    std::fs::set_permissions(sb.config_path(), std::fs::Permissions::from_mode(0o664)).unwrap();
    get(&format!("remove that with `chmod go-w {file}`"));
    std::fs::set_permissions(sb.config_path(), std::fs::Permissions::from_mode(0o600)).unwrap();

    // Planted by another user: its token is never served.
    std::fs::write(
        sb.config_path(),
        "remotes:\n- alias: a\n  url: https://www.mystic.ai\n  token: pipeline_sk_planted\n",
    )
    .unwrap();
    other.chown(&sb.config_path());
    let message = get(&format!("belongs to another user (uid {})", other.uid));
    assert!(
        message.contains(&format!("`sudo chown -h $(id -un) {file}`")),
        "{message}"
    );
    assert!(!message.contains("pipeline_sk_planted"));
    // Writers refuse it too, and leave it as it was.
    sb.fails(
        &["--store", "file", "store"],
        r#"{"alias":"b","token":"pipeline_sk_b"}"#,
        "config",
        4,
    );
    assert!(
        std::fs::read_to_string(sb.config_path())
            .unwrap()
            .contains("pipeline_sk_planted")
    );

    // A lock file of another user's.
    std::fs::remove_file(sb.config_path()).unwrap();
    other.chown(&sb.dir.join(".config.yaml.lock"));
    let message = sb.fails(
        &["--store", "file", "store"],
        r#"{"alias":"b","token":"pipeline_sk_b"}"#,
        "config",
        4,
    );
    assert!(
        message.contains(".config.yaml.lock belongs to another user"),
        "{message}"
    );
}

/// Root's files are trusted (a shared, read-only config an administrator set up).
#[test]
fn a_root_owned_config_is_trusted_by_other_users() {
    let sb = Sandbox::new();
    let Some(user) = OtherUser::new(&sb, "a_root_owned_config_is_trusted_by_other_users") else {
        return;
    };
    let shared = sb.root.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(
        shared.join("config.yaml"),
        "remotes:\n- alias: a\n  url: https://www.mystic.ai\n  token: pipeline_sk_shared\n",
    )
    .unwrap();
    std::fs::set_permissions(
        shared.join("config.yaml"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let (out, err) = user.sh(
        &sb,
        &format!(
            "printf '{{\"alias\":\"a\"}}' | PIPELINE_DIR={} \"$BIN\" --store file get",
            shared.display()
        ),
    );
    assert!(out.contains("pipeline_sk_shared"), "{out}{err}");
}

/// exec from any folder: a relative PIPELINE_DIR is made absolute, so the child's `files` link
/// leads somewhere, and the real SDK imports.
#[test]
fn exec_with_a_relative_pipeline_dir_runs_the_sdk() {
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_rel");
    let out = sb
        .cmd()
        .current_dir(sb.root.path())
        .env("PIPELINE_DIR", "pd")
        .args(["exec", "--", &python(), "-c"])
        .arg("import os, pipeline, pipeline.configuration as c; print(os.readlink(os.path.join(os.environ['PIPELINE_DIR'], 'files'))); print(c.current_configuration.files_cache.is_dir())")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let link = stdout.lines().next().unwrap();
    assert_eq!(Path::new(link), sb.root.path().join("pd/files"), "{stdout}");
    assert!(stdout.ends_with("True\n"), "{stdout}");
}

/// exec works where `get` works: with a read-only home, or a dangling `files` link, the child
/// gets a private `files` folder of its own, and a warning says why.
#[test]
fn exec_works_on_a_read_only_home_and_a_dangling_files_link() {
    let probe =
        "test -d \"$PIPELINE_DIR/files\" && touch \"$PIPELINE_DIR/files/x\" && echo files-ok";
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_ro");
    std::fs::create_dir_all(&sb.dir).unwrap();
    std::os::unix::fs::symlink("/nonexistent/files", sb.dir.join("files")).unwrap();
    let out = sb.run(&["exec", "--", "sh", "-c", probe], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "files-ok\n");
    assert!(
        text(&out.stderr).contains("warning: the SDK's file cache"),
        "{}",
        text(&out.stderr)
    );

    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_ro");
    let Some(user) = OtherUser::new(&sb, "exec_works_on_a_read_only_home") else {
        return;
    };
    std::fs::set_permissions(&sb.home, std::fs::Permissions::from_mode(0o500)).unwrap();
    let (out, err) = user.sh(
        &sb,
        &format!("\"$BIN\" exec -- sh -c '{probe}'; echo \"exit=$?\""),
    );
    assert_eq!(field(&out, "exit"), "0", "{err}");
    assert!(out.contains("files-ok"), "{out}{err}");
    assert!(err.contains("warning: the SDK's file cache"), "{err}");
}

/// 127 for a command that is not there, 126 for one that cannot run, as env(1) says.
#[test]
fn exec_exit_codes_for_commands_that_cannot_run() {
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_x");
    let plain = sb.root.path().join("plain.txt");
    std::fs::write(&plain, "echo no\n").unwrap();
    for (cmd, code) in [
        (sb.root.path().join("missing").display().to_string(), 127),
        (plain.display().to_string(), 126),
        (sb.root.path().display().to_string(), 126),
    ] {
        let out = sb.run(&["exec", "--", &cmd], "");
        assert_eq!(
            out.status.code(),
            Some(code),
            "{cmd}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).starts_with("mystic-credential-helper: cannot run"),
            "{}",
            text(&out.stderr)
        );
    }
}

/// Without a terminal (CI, cron, services) a signal sent to the helper's whole process group
/// reaches the child once, not once directly and once forwarded; a signal to the helper alone
/// is forwarded. A killed helper takes the child with it.
#[test]
fn exec_passes_each_signal_on_once() {
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_sig");
    let log = sb.root.path().join("terms");
    let script = format!(
        // Stderr closed: sh reports each `sleep` the signal kills ("Terminated") there.
        "exec 2>/dev/null; trap 'echo TERM >> {}' TERM; echo ready; while :; do sleep 0.05; done",
        log.display()
    );
    let mut helper = detached(&sb, &script, std::process::Stdio::piped());
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(helper.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line, "ready\n");
    let pid = helper.id() as i32;
    let terms = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .count()
    };
    let wait_for = |n: usize| {
        for _ in 0..100 {
            if terms() >= n {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300));
        terms()
    };
    unsafe { libc::killpg(pid, libc::SIGTERM) };
    assert_eq!(wait_for(1), 1, "a group signal reached the child twice");
    unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(wait_for(2), 2, "a signal to the helper was not forwarded");
    let child = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
    let child: i32 = child.split_whitespace().next().unwrap().parse().unwrap();
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let _ = helper.wait();
    let gone = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        let alive = unsafe { libc::kill(child, 0) } == 0;
        !alive
    });
    assert!(gone, "the child outlived the killed helper");
}

/// What CMD started in its process group holds the token too: a helper killed with SIGKILL
/// (which it cannot catch) takes it along, through its guard. A helper that ends normally leaves
/// it running, as a shell does.
#[test]
fn exec_killed_with_sigkill_takes_what_cmd_started_with_it() {
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_grandchild");
    let pidfile = sb.root.path().join("grandchild.pid");
    let script = format!(
        "sleep 300 >/dev/null 2>&1 & echo $! >{0}.tmp; mv {0}.tmp {0}; wait",
        pidfile.display()
    );
    let started = |helper: &mut std::process::Child| -> i32 {
        for _ in 0..500 {
            if let Ok(pid) = std::fs::read_to_string(&pidfile) {
                return pid.trim().parse().unwrap();
            }
            assert!(helper.try_wait().unwrap().is_none(), "exec ended early");
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("CMD never started its child");
    };
    let alive = |pid: i32| unsafe { libc::kill(pid, 0) } == 0 && !zombie(pid);
    let mut helper = detached(&sb, &script, std::process::Stdio::null());
    let grandchild = started(&mut helper);
    unsafe { libc::kill(helper.id() as i32, libc::SIGKILL) };
    let _ = helper.wait();
    let gone = (0..250).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        !alive(grandchild)
    });
    assert!(gone, "what CMD started outlived the killed helper");
    // A normal end leaves it running.
    std::fs::remove_file(&pidfile).unwrap();
    let script = format!(
        "sleep 300 >/dev/null 2>&1 & echo $! >{0}.tmp; mv {0}.tmp {0}",
        pidfile.display()
    );
    let mut helper = detached(&sb, &script, std::process::Stdio::null());
    let grandchild = started(&mut helper);
    assert!(helper.wait().unwrap().success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        alive(grandchild),
        "a normal end killed what CMD left running"
    );
    unsafe { libc::kill(grandchild, libc::SIGKILL) };
}

/// `exec -- sh -c SCRIPT` in a session of its own: no controlling terminal (as CI runs it), and
/// its own process group.
fn detached(sb: &Sandbox, script: &str, stdout: std::process::Stdio) -> std::process::Child {
    let mut helper = std::process::Command::new(BIN);
    helper
        .args(["exec", "--", "sh", "-c", script])
        .env_clear()
        .envs(sb.envs())
        .stdout(stdout);
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut helper, || {
            libc::setsid();
            Ok(())
        });
    }
    helper.spawn().unwrap()
}

/// Whether `pid` is a zombie (dead, not yet reaped by whoever adopted it).
fn zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z'))
    })
}

/// A helper that died without cleaning up (SIGKILL, a crash) leaves its private folder; the next
/// exec removes it. A folder whose helper still runs is kept.
#[test]
fn exec_removes_private_folders_of_dead_helpers() {
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "pipeline_sk_stale");
    let tmp = std::env::temp_dir();
    let dead = {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    };
    let stale = tmp.join(format!("mystic-exec-{dead}-test{}", std::process::id()));
    let live = tmp.join(format!("mystic-exec-{}-test", std::process::id()));
    for dir in [&stale, &live] {
        std::fs::create_dir_all(dir).unwrap();
        std::os::unix::fs::symlink(sb.root.path(), dir.join("files")).unwrap();
    }
    let out = sb.run(&["exec", "--", "true"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!stale.exists(), "the dead helper's folder stayed");
    assert!(sb.root.path().exists(), "the link's target was left alone");
    assert!(live.exists(), "a running process's folder was removed");
    std::fs::remove_dir_all(&live).unwrap();
}

/// docker's config.json is read like config.yaml: a FIFO, a device or a huge file is refused at
/// once, naming the file.
#[test]
fn configure_docker_reads_config_json_bounded() {
    let sb = Sandbox::new();
    sb.ok(&["store"], r#"{"alias":"d","token":"pipeline_sk_d"}"#);
    let docker = sb.root.path().join("docker");
    std::fs::create_dir(&docker).unwrap();
    let config = docker.join("config.json");
    let sb = sb.env("DOCKER_CONFIG", &docker.display().to_string());
    // (A FIFO read would hang: the harness's watchdog turns that into a failure.)
    let refused = |what: &str, want: &str| {
        let out = sb.run(&["configure", "docker"], "");
        assert_eq!(out.status.code(), Some(4), "{what}: {}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&config.display().to_string()) && stderr.contains(want),
            "{what}: {stderr}"
        );
    };
    let c_path = std::ffi::CString::new(config.display().to_string()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    refused("a FIFO", "not a regular file");
    std::fs::remove_file(&config).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &config).unwrap();
    refused("/dev/zero", "not a regular file");
    std::fs::remove_file(&config).unwrap();
    let big = std::fs::File::create(&config).unwrap();
    big.set_len(300 << 20).unwrap();
    refused("a 300 MB file", "larger than 4 MiB");
}

/// A cloned repository that ships programs named like the ones the helper runs. Each writes a
/// marker when run (and reads its stdin, where a token would come), so a test can tell.
fn hostile_repository(sb: &Sandbox) -> std::path::PathBuf {
    let repo = sb.root.path().join("cloned");
    std::fs::create_dir(&repo).unwrap();
    for name in ["mystic-credential-helper.exe", "git", "pipeline-tool"] {
        let program = repo.join(name);
        std::fs::write(
            &program,
            format!(
                "#!/bin/sh\ncat > \"{0}/stolen\"; touch \"{0}/ran-{name}\"\necho '{{\"v\":1,\"found\":true,\"token\":\"pipeline_sk_attacker\"}}'\n",
                repo.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    repo
}

/// What in the repository ran (its markers).
fn ran(repo: &Path) -> Vec<String> {
    std::fs::read_dir(repo)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("ran-") || n == "stolen")
        .collect()
}

/// On WSL with no Secret Service, `auto` runs mystic-credential-helper.exe from PATH. Inside a
/// repository that ships that file, an empty PATH entry (in the middle or at the end) or `.`
/// must not find it: git runs helpers there, and the file would get every token stored.
#[test]
fn a_repository_shipping_the_windows_helper_is_never_run() {
    let sb = Sandbox::without_bus()
        .env("WSL_DISTRO_NAME", "Test")
        .env("WSL_INTEROP", "/run/WSL/1_interop");
    let repo = hostile_repository(&sb);
    sb.write_config("remotes:\n- alias: w\n  url: https://w.example\n");
    let system = std::env::var("PATH").unwrap();
    let store = r#"{"alias":"w","url":"https://w.example","token":"pipeline_sk_wsl_secret"}"#;
    for path in [
        format!("{system}::/nonexistent"),
        format!("{system}:"),
        format!("{system}:."),
    ] {
        let cases = [
            ("auto", "store", store),
            ("auto", "get", r#"{"alias":"w"}"#),
        ];
        let windows = [
            ("windows", "store", store),
            ("windows", "get", r#"{"alias":"w"}"#),
        ];
        for (kind, action, stdin) in cases.into_iter().chain(windows) {
            let out = sb
                .cmd()
                .current_dir(&repo)
                .env("PATH", &path)
                .args(["--store", kind, action])
                .write_stdin(stdin)
                .output()
                .unwrap();
            let err = text(&out.stderr);
            assert!(
                ran(&repo).is_empty(),
                "PATH={path} {action}: {:?}",
                ran(&repo)
            );
            assert_eq!(out.status.code(), Some(3), "PATH={path} {action}: {err}");
            if kind == "windows" {
                assert!(err.contains("is not on PATH"), "{err}");
            }
            assert!(!text(&out.stdout).contains("attacker"));
        }
    }
    // Given by name, it is refused outright: a relative MYSTIC_WINDOWS_HELPER is a config error.
    let helper = "mystic-credential-helper.exe";
    for given in [helper, "./mystic-credential-helper.exe"] {
        let out = sb
            .cmd()
            .current_dir(&repo)
            .env("MYSTIC_WINDOWS_HELPER", given)
            .args(["--store", "windows", "store"])
            .write_stdin(store)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("MYSTIC_WINDOWS_HELPER must be an absolute path"));
        assert!(ran(&repo).is_empty());
    }
    // Through git, in that repository: git's own lookup finds the helper by absolute path.
    let out = sb
        .program("git")
        .current_dir(&repo)
        .env("PATH", format!("{system}::"))
        .args(["-c", &format!("credential.helper=!{BIN} git")])
        .args(["credential", "fill"])
        .write_stdin("protocol=https\nhost=w.example\nusername=w\npassword=x\n\n")
        .output()
        .unwrap();
    assert!(ran(&repo).is_empty(), "{}", text(&out.stderr));
}

/// The other programs the helper runs by name: `configure git` runs git, `exec` runs CMD. Neither
/// comes from the current folder through an empty or relative PATH entry.
#[test]
fn programs_are_never_found_in_the_current_folder() {
    let sb = Sandbox::new();
    let repo = hostile_repository(&sb);
    sb.ok(
        &["store"],
        r#"{"alias":"a","url":"https://a.example","token":"pipeline_sk_exec_secret"}"#,
    );
    for path in [
        "/nonexistent::/nonexistent2",
        "/nonexistent:",
        ".",
        "cloned",
    ] {
        let dir = match path {
            "cloned" => sb.root.path(),
            _ => repo.as_path(),
        };
        let out = sb
            .cmd()
            .current_dir(dir)
            .env("PATH", path)
            .args(["exec", "--", "pipeline-tool"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(127), "PATH={path}");
        assert!(
            text(&out.stderr).contains("only in a relative PATH entry"),
            "{}",
            text(&out.stderr)
        );
        let out = sb
            .cmd()
            .current_dir(dir)
            .env("PATH", path)
            .args(["configure", "git"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "PATH={path}");
        assert!(text(&out.stderr).contains("git is not in any absolute folder on PATH"));
        assert!(ran(&repo).is_empty(), "PATH={path}: {:?}", ran(&repo));
    }
    // Named as a path, CMD runs: that is the person's choice.
    let out = sb
        .cmd()
        .current_dir(&repo)
        .args(["exec", "--", "./pipeline-tool"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(ran(&repo).contains(&"ran-pipeline-tool".to_owned()));
}
