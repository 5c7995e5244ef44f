//! The real Mystic SDK (pipeline-ai 2.8.0, installed by scripts/test.sh) under `exec`, and on a
//! config.yaml after `migrate`. A probe calls `pipeline.cloud.http._get_client()` and makes a
//! request to a real HTTP server on 127.0.0.1, which records what the SDK sent.

use crate::common;
use common::api::Api;
use common::*;

const PROBE: &str = "import pipeline.cloud.http as h\n\
    r = h._get_client().get('/v4/probe')\n\
    print(r.status_code)";

/// A config.yaml whose active remote has no token in the file: tokens live in the keyring.
fn setup(main: &Api, other: &Api, env: &[(&str, &str)]) -> Sandbox {
    let mut sb = Sandbox::new();
    for (k, v) in env {
        sb = sb.env(k, v);
    }
    sb.ok(
        &["store"],
        &format!(
            r#"{{"alias":"main","url":"{}","token":"pipeline_sk_main"}}"#,
            main.url
        ),
    );
    sb.ok(
        &["store"],
        &format!(
            r#"{{"alias":"other","url":"{}","token":"pipeline_sk_other"}}"#,
            other.url
        ),
    );
    assert!(!sb.config().contains("token"), "{}", sb.config());
    sb
}

fn run_probe(sb: &Sandbox, exec_args: Option<&[&str]>) {
    let python = python();
    let mut cmd = match exec_args {
        Some(args) => {
            let mut c = sb.cmd();
            c.arg("exec").args(args).args(["--", &python, "-c", PROBE]);
            c
        }
        // The SDK on its own, reading the real config.yaml.
        None => {
            let mut c = assert_cmd::Command::new(&python);
            c.args(["-c", PROBE])
                .env_clear()
                .env("PIPELINE_DIR", &sb.dir)
                .env("HOME", &sb.home);
            c
        }
    };
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "200\n");
}

fn only_request(api: &Api) -> common::api::Seen {
    let seen = api.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].request_line, "GET /v4/probe HTTP/1.1");
    seen[0].clone()
}

#[test]
fn without_exec_the_sdk_sends_bearer_none() {
    let (main, other) = (Api::start(200), Api::start(200));
    let sb = setup(&main, &other, &[]);
    run_probe(&sb, None);
    assert_eq!(
        only_request(&main).header("authorization"),
        Some("Bearer None")
    );
}

#[test]
fn exec_with_an_alias_beats_the_parents_environment() {
    let (main, other) = (Api::start(200), Api::start(200));
    let sb = setup(
        &main,
        &other,
        &[("PIPELINE_API_TOKEN", "pipeline_sk_parent")],
    );
    run_probe(&sb, Some(&["--alias", "other"]));
    let seen = only_request(&other);
    assert_eq!(
        seen.header("authorization"),
        Some("Bearer pipeline_sk_other")
    );
    assert_eq!(
        seen.header("host"),
        Some(other.url.trim_start_matches("http://"))
    );
    assert!(main.seen().is_empty());
}

#[test]
fn exec_without_alias_uses_the_active_remotes_stored_token() {
    let (main, other) = (Api::start(200), Api::start(200));
    let sb = setup(&main, &other, &[]);
    run_probe(&sb, Some(&[]));
    let seen = only_request(&main);
    assert_eq!(
        seen.header("authorization"),
        Some("Bearer pipeline_sk_main")
    );
    assert_eq!(
        seen.header("host"),
        Some(main.url.trim_start_matches("http://"))
    );
    assert!(other.seen().is_empty());
}

#[test]
fn exec_without_alias_passes_the_environment_token_as_get_does() {
    let (main, other, envapi) = (Api::start(200), Api::start(200), Api::start(200));
    let sb = setup(
        &main,
        &other,
        &[
            ("PIPELINE_API_TOKEN", "pipeline_sk_env"),
            ("PIPELINE_API_URL", &envapi.url),
        ],
    );
    run_probe(&sb, Some(&[]));
    assert_eq!(
        only_request(&envapi).header("authorization"),
        Some("Bearer pipeline_sk_env")
    );
    assert!(main.seen().is_empty() && other.seen().is_empty());
}

fn sdk_python(sb: &Sandbox, script: &str) -> String {
    stdout_of(
        std::process::Command::new(python())
            .args(["-c", script])
            .env_clear()
            .env("PIPELINE_DIR", &sb.dir)
            .env("HOME", &sb.home),
    )
}

#[test]
fn migrate_a_config_written_by_the_sdk() {
    let sb = Sandbox::new();
    // What `pipeline cluster login` does.
    sdk_python(
        &sb,
        "from pipeline.configuration import current_configuration as c\n\
         c.add_remote('mystic-api', 'https://www.mystic.ai', 'pipeline_sk_sdk_one')\n\
         c.add_remote('staging', 'https://staging.mystic.ai', 'pipeline_sk_sdk_two')\n\
         c.set_active_remote('mystic-api')",
    );
    assert!(sb.config().contains("pipeline_sk_sdk_one"));
    let out = sb.run(&["migrate"], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!sb.config().contains("pipeline_sk_"), "{}", sb.config());
    assert_eq!(
        sb.lookup("https://www.mystic.ai", "mystic-api").as_deref(),
        Some("pipeline_sk_sdk_one")
    );
    assert_eq!(
        sb.lookup("https://staging.mystic.ai", "staging").as_deref(),
        Some("pipeline_sk_sdk_two")
    );

    // The SDK still loads the file, and sees its remotes without tokens.
    let seen = sdk_python(
        &sb,
        "from pipeline.configuration import current_configuration as c\n\
         print(c.active_remote.alias, c.active_remote.url, c.active_remote.token, len(c.remotes))",
    );
    assert_eq!(seen, "mystic-api https://www.mystic.ai None 2\n");

    let before = sb.config();
    let out = sb.run(&["migrate"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(sb.config(), before, "a second run is a no-op");
}

/// After `migrate`, config.yaml holds no token, so the SDK's own `pipeline` CLI sends
/// `Bearer None`; with the function `shell-init` prints, evaluated in bash, zsh or fish, the same
/// CLI command carries the stored token. The helper is not on PATH: the function names it.
#[test]
fn after_migrate_shell_init_lets_the_pipeline_cli_send_the_stored_token() {
    let api = Api::start(200);
    let sb = Sandbox::new();
    sdk_python(
        &sb,
        &format!(
            "from pipeline.configuration import current_configuration as c\n\
             c.add_remote('main', '{}', 'pipeline_sk_cli')",
            api.url
        ),
    );
    let out = sb.run(&["migrate"], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!("eval \"$('{BIN}' shell-init bash)\"")),
        "{said}"
    );
    assert!(!sb.config().contains("pipeline_sk_cli"));

    // The venv's `pipeline` on PATH; the helper is not.
    let venv_bin = std::path::Path::new(&python()).parent().unwrap().to_owned();
    let path = format!("{}:/usr/bin:/bin", venv_bin.display());
    let cli = |shell: &str, script: &str| {
        sb.program(shell)
            .args(["-c", script])
            .env("PATH", &path)
            .output()
            .unwrap();
        let seen = api.seen();
        let last = seen.last().expect("the CLI called the API").clone();
        assert!(
            last.request_line.starts_with("GET /v4/pipelines"),
            "{}",
            last.request_line
        );
        last.header("authorization").unwrap_or_default().to_owned()
    };
    assert_eq!(cli("bash", "pipeline get pipelines"), "Bearer None");
    for (shell, init) in [
        ("bash", format!("eval \"$('{BIN}' shell-init bash)\"")),
        ("zsh", format!("eval \"$('{BIN}' shell-init zsh)\"")),
        ("fish", format!("'{BIN}' shell-init fish | source")),
    ] {
        let header = cli(shell, &format!("{init}\npipeline get pipelines"));
        assert_eq!(header, "Bearer pipeline_sk_cli", "{shell}");
    }
    // `pipeline cluster ...` manages config.yaml itself: it runs unwrapped, on the real file.
    let out = sb
        .program("bash")
        .args([
            "-c",
            &format!("eval \"$('{BIN}' shell-init bash)\"\npipeline cluster get"),
        ])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("main"),
        "{out:?}"
    );
}
