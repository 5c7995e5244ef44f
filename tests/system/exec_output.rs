//! exec conceals the token in what its child prints, wherever that output is not a terminal: a
//! file, a pipe, a CI log. The real binary, the real SDK, real files and a real pseudo-terminal.

#![cfg(target_os = "linux")]

use std::fs::File;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use common::pty::Pty;
use common::*;

const TOKEN: &str = "pipeline_sk_conceal_me_0123456789";
const MARKER: &str = "<concealed by mystic-credential-helper>";

fn sandbox() -> Sandbox {
    Sandbox::new().env("PIPELINE_API_TOKEN", TOKEN)
}

/// The helper, with the sandbox's environment, as a plain process.
fn helper(sb: &Sandbox, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear().envs(sb.envs()).args(args);
    c
}

/// Runs `exec` with stdout and stderr into files (one file for both with `merged`); returns the
/// exit code and the files' bytes.
fn into_files(sb: &Sandbox, args: &[&str], merged: bool) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let out_path = sb.root.path().join("stdout.log");
    let err_path = sb.root.path().join("stderr.log");
    let out = File::create(&out_path).unwrap();
    let err = match merged {
        true => out.try_clone().unwrap(),
        false => File::create(&err_path).unwrap(),
    };
    let status = helper(sb, args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .unwrap();
    let err = match merged {
        true => Vec::new(),
        false => std::fs::read(&err_path).unwrap(),
    };
    (status.code(), std::fs::read(&out_path).unwrap(), err)
}

#[test]
fn what_the_real_sdk_prints_into_a_file_is_concealed() {
    let sb = sandbox();
    let probe = "import sys, pipeline.cloud.http as h\n\
        c = h._get_client()\n\
        print(c.base_url, c.headers['authorization'])\n\
        print('token:', c.headers['authorization'].split()[1], file=sys.stderr)";
    let args = ["exec", "--", &python(), "-c", probe];
    let (code, out, err) = into_files(&sb, &args, false);
    assert_eq!(code, Some(0), "{}", text(&err));
    assert_eq!(
        text(&out),
        format!("https://www.mystic.ai Bearer {MARKER}\n")
    );
    assert_eq!(text(&err), format!("token: {MARKER}\n"));
    // The same SDK run, told not to conceal: the token was there to conceal.
    let mut unmasked = args.to_vec();
    unmasked.insert(1, "--no-mask");
    let (_, out, _) = into_files(&sb, &unmasked, false);
    assert!(text(&out).contains(TOKEN), "{}", text(&out));
}

#[test]
fn a_token_written_in_two_parts_is_concealed_and_progress_still_flows() {
    let sb = sandbox();
    let log = sb.root.path().join("log");
    let script = r#"t=$PIPELINE_API_TOKEN; head=${t%????}; printf 'progress\n%s' "$head"; sleep 2; printf '%s done\n' "${t#"$head"}""#;
    let mut child = helper(&sb, &["exec", "--", "sh", "-c", script])
        .stdout(File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // While the child sleeps: the progress line is out; the token's first part is held back.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&log).unwrap() != "progress\n" {
        assert!(Instant::now() < deadline, "progress never arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the child has not finished yet"
    );
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!("progress\n{MARKER} done\n")
    );
}

#[test]
fn binary_output_passes_byte_for_byte_except_the_token() {
    let sb = sandbox();
    // Random bytes (no token in them by chance), with the token at the start, across the relay's
    // 256 KiB reads, and at the end.
    let mut random = vec![0u8; 3 << 20];
    File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut random))
        .unwrap();
    let cuts = [0, (256 << 10) - 7, 1 << 20, random.len()];
    let (mut input, mut expected) = (Vec::new(), Vec::new());
    for pair in cuts.windows(2) {
        for (bytes, into) in [
            (TOKEN.as_bytes(), &mut input),
            (MARKER.as_bytes(), &mut expected),
        ] {
            into.extend_from_slice(bytes);
            into.extend_from_slice(&random[pair[0]..pair[1]]);
        }
    }
    input.extend_from_slice(TOKEN.as_bytes());
    expected.extend_from_slice(MARKER.as_bytes());
    let data = sb.root.path().join("data.bin");
    std::fs::write(&data, &input).unwrap();
    let path = data.display().to_string();
    let (code, out, _) = into_files(&sb, &["exec", "--", "cat", &path], false);
    assert_eq!(code, Some(0));
    assert!(out == expected, "the relayed bytes differ");

    std::fs::write(&data, &random).unwrap();
    let (_, out, _) = into_files(&sb, &["exec", "--", "cat", &path], false);
    assert!(out == random, "bytes without a token changed");
}

#[test]
fn stdout_and_stderr_into_one_file_keep_their_order() {
    let sb = sandbox();
    let script =
        r#"for i in 1 2 3 4 5; do echo "out $i $PIPELINE_API_TOKEN"; echo "err $i" >&2; done"#;
    let (code, out, _) = into_files(&sb, &["exec", "--", "sh", "-c", script], true);
    assert_eq!(code, Some(0));
    let expected: String = (1..=5)
        .map(|i| format!("out {i} {MARKER}\nerr {i}\n"))
        .collect();
    assert_eq!(text(&out), expected);
}

#[test]
fn a_terminal_stays_the_childs_own_and_is_not_concealed() {
    let sb = sandbox();
    let script =
        r#"test -t 0 && test -t 1 && test -t 2 && echo "on a terminal: $PIPELINE_API_TOKEN""#;
    let (mut pty, mut child) = Pty::spawn(helper(&sb, &["exec", "--", "sh", "-c", script]));
    let screen = pty.wait_for_close();
    assert_eq!(child.wait().unwrap().code(), Some(0), "{screen}");
    assert!(
        screen.contains(&format!("on a terminal: {TOKEN}")),
        "{screen}"
    );
}

#[test]
fn exit_codes_pass_through_the_relay() {
    let sb = sandbox();
    let exit = |script: &str| into_files(&sb, &["exec", "--", "sh", "-c", script], false).0;
    assert_eq!(exit("echo $PIPELINE_API_TOKEN; exit 7"), Some(7));
    assert_eq!(exit("kill -TERM $$"), Some(128 + 15));
    let (code, _, err) = into_files(&sb, &["exec", "--", "no-such-command-xyz"], false);
    assert_eq!(code, Some(127), "{}", text(&err));
}

/// A reader that goes away stops the child as it would without the helper in between:
/// `exec -- yes | head -1` ends, with `yes` killed by SIGPIPE.
#[test]
fn a_closed_reader_ends_the_child_as_it_would_without_the_relay() {
    let sb = sandbox();
    let mut child = helper(&sb, &["exec", "--", "yes"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line, "y\n");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "exec kept running without a reader"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(128 + libc::SIGPIPE));
}

/// Output of what the child left running is relayed until it closes the stream; meanwhile the
/// helper stays killable.
#[test]
fn the_helper_waits_for_what_the_child_left_behind_and_stays_killable() {
    let sb = sandbox();
    let pid_file = sb.root.path().join("bg.pid");
    let script = format!(
        "(sleep 1; echo \"late $PIPELINE_API_TOKEN\") & echo $! > {}; echo early",
        pid_file.display()
    );
    let (code, out, _) = into_files(&sb, &["exec", "--", "sh", "-c", &script], false);
    assert_eq!(code, Some(0));
    assert_eq!(text(&out), format!("early\nlate {MARKER}\n"));

    let script = format!("sleep 60 & echo $! > {}", pid_file.display());
    let mut child = helper(&sb, &["exec", "--", "sh", "-c", &script])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&pid_file).map_or(true, |p| !p.ends_with('\n')) {
        assert!(Instant::now() < deadline, "the child never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(child.try_wait().unwrap().is_none(), "still relaying");
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    let sleeper: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: kill(2) on the sleep the test started.
    unsafe { libc::kill(sleeper, libc::SIGKILL) };
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGTERM)
    );
}

/// A debug log's forms of the token: an `Authorization: Basic` header (base64 at each alignment),
/// a percent-encoded query and a JSON body, as the child prints them into a pipe.
#[test]
fn encoded_forms_of_the_token_are_concealed() {
    let sb = sandbox();
    let script = format!(
        "import base64, json, urllib.parse\n\
         t = {TOKEN:?}\n\
         for user in ('', 'a', 'ab'):\n    print('Authorization: Basic', base64.b64encode((user + ':' + t).encode()).decode())\n\
         print('GET /?token=' + urllib.parse.quote(t + '/x'))\n\
         print(json.dumps({{'token': t + '\"'}}))\n"
    );
    let args = ["exec", "--", &python(), "-c", &script];
    let (code, out, err) = into_files(&sb, &args, false);
    assert_eq!(code, Some(0), "{}", text(&err));
    let out = text(&out);
    assert_eq!(out.matches(MARKER).count(), 5, "{out}");
    // Nothing left decodes to the token: at most a few characters it shares with its neighbours.
    for line in out.lines() {
        let rest = line.replace(MARKER, "");
        assert!(rest.len() <= "Authorization: Basic ".len() + 8, "{line}");
    }
}

/// A token too short to conceal without mangling output (not a Mystic token; git's store takes
/// short passwords) is relayed unchanged, with a warning.
#[test]
fn a_token_too_short_to_conceal_is_relayed_unchanged_with_a_warning() {
    let sb = Sandbox::new().env("PIPELINE_API_TOKEN", "abc");
    let (code, out, err) = into_files(&sb, &["exec", "--", "echo", "a b c abc"], false);
    assert_eq!(code, Some(0), "{}", text(&err));
    assert_eq!(text(&out), "a b c abc\n");
    assert!(
        text(&err).contains("too short to conceal"),
        "{}",
        text(&err)
    );
}
