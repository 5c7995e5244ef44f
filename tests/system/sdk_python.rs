//! The SDK integration (python/mystic_credential_helper): the real pipeline-ai 2.8.0 in a
//! virtualenv of the test's own, given its token by `sdk install`'s Python part, as a script,
//! `python -c`, `python -m`, a notebook run headless, and its own `pipeline` CLI. A real HTTP
//! server on 127.0.0.1 records the `Authorization` header each sends. After every step, no
//! file under PIPELINE_DIR holds a token.

#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};

use crate::common;
use common::api::Api;
use common::*;

const REQUEST: &str = "import pipeline.cloud.http as h\n\
    print(h._get_client().get('/v4/probe').status_code)\n";

/// A virtualenv for one test: the test venv's packages (pipeline-ai, nbclient, ipykernel) on
/// its path, its own site-packages (where `sdk install` writes), and the SDK's `pipeline` CLI.
struct Venv {
    python: PathBuf,
    site: PathBuf,
}

impl Venv {
    fn new(sb: &Sandbox) -> Venv {
        let root = sb.root.path().join("venv");
        let made = std::process::Command::new(python())
            .args(["-m", "venv", "--without-pip"])
            .arg(&root)
            .status()
            .unwrap();
        assert!(made.success());
        let shared_python = python();
        let python = root.join("bin/python");
        let purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])";
        let site = PathBuf::from(
            stdout_of(std::process::Command::new(&python).args(["-c", purelib])).trim(),
        );
        let shared = stdout_of(std::process::Command::new(&shared_python).args(["-c", purelib]));
        std::fs::write(site.join("shared.pth"), shared).unwrap();
        // The SDK's console script, run by this venv's Python.
        let script =
            std::fs::read_to_string(Path::new(&shared_python).with_file_name("pipeline")).unwrap();
        let body = script.split_once('\n').unwrap().1;
        let cli = root.join("bin/pipeline");
        std::fs::write(&cli, format!("#!{}\n{body}", python.display())).unwrap();
        std::fs::set_permissions(&cli, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        Venv { python, site }
    }

    fn install(&self, sb: &Sandbox) -> String {
        let out = sb
            .cmd()
            .args(["sdk", "install", "--python"])
            .arg(&self.python)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        text(&out.stdout)
    }

    fn cli(&self) -> PathBuf {
        self.python.with_file_name("pipeline")
    }
}

/// Two remotes whose tokens are in the keyring, `main` active; config.yaml holds no token.
fn remotes(sb: &Sandbox, main: &Api, other: &Api) {
    for (alias, api, active) in [("main", main, true), ("other", other, false)] {
        sb.ok(
            &["store"],
            &format!(
                r#"{{"alias":"{alias}","url":"{}","token":"pipeline_sk_{alias}_token","active":{active}}}"#,
                api.url
            ),
        );
    }
}

/// Fails if any file under PIPELINE_DIR holds any of the tokens.
fn no_token_in_files(sb: &Sandbox) {
    for (path, bytes) in snapshot(&sb.dir) {
        let content = String::from_utf8_lossy(&bytes);
        assert!(
            !content.contains("pipeline_sk_"),
            "{} holds a token: {content}",
            path.display()
        );
    }
}

/// The `Authorization` header of the one request `api` saw since the last call.
fn last_header(api: &Api) -> String {
    let seen = api.seen();
    let last = seen.last().expect("the SDK called the API");
    last.header("authorization").unwrap_or_default().to_owned()
}

/// Runs `program args` in `cwd` as the user would: the sandbox's environment, nothing else.
fn run(sb: &Sandbox, program: &Path, args: &[&str], cwd: &Path) -> std::process::Output {
    let out = sb
        .program(program)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    out
}

/// `status`'s view of the Python on PATH (the venv's): its integration, and whether it warns
/// that the SDK sends `Bearer None`.
fn integration(sb: &Sandbox) -> (String, bool) {
    let report = status_json(sb, &[]);
    assert_eq!(report["python"]["pipeline_ai"], "2.8.0", "{report}");
    let state = report["python"]["integration"].as_str().unwrap().to_owned();
    let bearer_none = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "sdk-sends-bearer-none");
    (state, bearer_none)
}

#[test]
fn import_pipeline_sends_the_keyring_token_as_a_script_with_c_and_with_m() {
    let (main, other) = (Api::start(200), Api::start(200));
    let sb = Sandbox::new();
    let path = format!(
        "{}:{}",
        sb.root.path().join("venv/bin").display(),
        std::env::var("PATH").unwrap()
    );
    let sb = sb.env("PATH", &path);
    remotes(&sb, &main, &other);
    let venv = Venv::new(&sb);
    assert_eq!(integration(&sb), ("absent".to_owned(), true));
    let work = sb.root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(work.join("probe.py"), REQUEST).unwrap();

    run(&sb, &venv.python, &["-c", REQUEST], &work);
    assert_eq!(last_header(&main), "Bearer None", "before the install");
    let said = venv.install(&sb);
    assert!(said.contains("integration active"), "{said}");
    assert_eq!(integration(&sb), ("active".to_owned(), false));

    for args in [&["probe.py"][..], &["-c", REQUEST], &["-m", "probe"]] {
        let out = run(&sb, &venv.python, args, &work);
        assert_eq!(text(&out.stdout), "200\n", "{args:?}");
        assert_eq!(text(&out.stderr), "", "{args:?}");
        assert_eq!(
            last_header(&main),
            "Bearer pipeline_sk_main_token",
            "{args:?}"
        );
        no_token_in_files(&sb);
    }
    assert!(other.seen().is_empty());

    // The opt-out, then the uninstall: the SDK is as it was.
    let off = sb
        .program(&venv.python)
        .args(["-c", REQUEST])
        .env("MYSTIC_SDK_INTEGRATION", "0")
        .output()
        .unwrap();
    assert_eq!(text(&off.stderr), "");
    assert_eq!(
        last_header(&main),
        "Bearer None",
        "MYSTIC_SDK_INTEGRATION=0"
    );
    // Turned off after start-up, as a notebook's `%env` does.
    let late = format!("import os\nos.environ['MYSTIC_SDK_INTEGRATION'] = '0'\n{REQUEST}");
    run(&sb, &venv.python, &["-c", &late], &work);
    assert_eq!(
        last_header(&main),
        "Bearer None",
        "turned off after start-up"
    );
    let report = sb
        .cmd()
        .args(["status", "--json"])
        .env("MYSTIC_SDK_INTEGRATION", "0")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["python"]["integration"], "off", "{report}");
    let out = sb
        .cmd()
        .args(["sdk", "uninstall", "--python"])
        .arg(&venv.python)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(!venv.site.join("mystic_credential_helper.pth").exists());
    assert!(!venv.site.join("mystic_credential_helper").exists());
    run(&sb, &venv.python, &["-c", REQUEST], &work);
    assert_eq!(last_header(&main), "Bearer None", "after the uninstall");
    assert_eq!(integration(&sb), ("absent".to_owned(), true));
}

#[test]
fn the_pipeline_cli_logs_in_and_switches_clusters_without_a_token_in_the_file() {
    let (main, other) = (Api::start(200), Api::start(200));
    let new = Api::start_with(200, r#"{"data":[],"skip":0,"limit":20,"total":0}"#);
    let sb = Sandbox::new();
    remotes(&sb, &main, &other);
    let venv = Venv::new(&sb);
    venv.install(&sb);
    let home = sb.home.clone();

    // `pipeline cluster login` checks the token with the API, then the integration keeps it.
    let cli = venv.cli();
    let login = run(
        &sb,
        &cli,
        &[
            "cluster",
            "login",
            "fresh",
            "pipeline_sk_fresh_token",
            "-u",
            &new.url,
        ],
        &home,
    );
    assert!(text(&login.stderr).is_empty(), "{login:?}");
    assert_eq!(last_header(&new), "Bearer pipeline_sk_fresh_token");
    no_token_in_files(&sb);
    assert_eq!(
        sb.lookup(&new.url, "fresh").as_deref(),
        Some("pipeline_sk_fresh_token")
    );
    assert!(sb.config().contains("alias: fresh"), "{}", sb.config());

    // `cluster get` lists the remotes without their tokens.
    let listed = text(&run(&sb, &cli, &["cluster", "get"], &home).stdout);
    assert!(
        listed.contains("main") && !listed.contains("pipeline_sk_"),
        "{listed}"
    );

    // `cluster use`, then a command that calls the API with the new active remote.
    run(&sb, &cli, &["cluster", "use", "fresh"], &home);
    no_token_in_files(&sb);
    assert!(sb.config().contains("active_remote: fresh"));
    run(&sb, &cli, &["get", "pipelines"], &home);
    assert_eq!(last_header(&new), "Bearer pipeline_sk_fresh_token");

    // Switching in one Python process (a notebook's way): the new remote gets its token too.
    let script = "from pipeline.configuration import current_configuration as c\n\
        c.set_active_remote('other')\n\
        import pipeline.cloud.http as h\n\
        print(h._get_client().get('/v4/probe').status_code)\n";
    run(&sb, &venv.python, &["-c", script], &home);
    assert_eq!(last_header(&other), "Bearer pipeline_sk_other_token");
    no_token_in_files(&sb);
}

#[test]
fn a_notebook_run_headless_sends_the_keyring_token() {
    let (main, other) = (Api::start(200), Api::start(200));
    let sb = Sandbox::new();
    remotes(&sb, &main, &other);
    let venv = Venv::new(&sb);
    venv.install(&sb);
    let runner = format!(
        "import nbformat, nbclient\n\
         nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell({REQUEST:?})])\n\
         nbclient.NotebookClient(nb, kernel_name='python3', timeout=60).execute()\n\
         print(nb.cells[0].outputs[0]['text'], end='')\n"
    );
    let out = run(&sb, &venv.python, &["-c", &runner], &sb.home);
    assert_eq!(text(&out.stdout), "200\n");
    assert_eq!(last_header(&main), "Bearer pipeline_sk_main_token");
    no_token_in_files(&sb);
}

/// Every failure leaves the SDK as it is, with one line on stderr; a Python that does not
/// import the SDK never hears of it.
#[test]
fn a_failure_leaves_the_sdk_as_it_is_with_one_warning() {
    let (main, other) = (Api::start(200), Api::start(200));
    let sb = Sandbox::new();
    remotes(&sb, &main, &other);
    let venv = Venv::new(&sb);
    venv.install(&sb);
    let home = sb.home.clone();
    let warned = |out: &std::process::Output, what: &str| {
        let said = text(&out.stderr);
        assert_eq!(said.lines().count(), 1, "{what}: {said}");
        assert!(
            said.starts_with("mystic-credential-helper: warning: "),
            "{said}"
        );
        assert!(!said.contains("pipeline_sk_"), "{said}");
        assert_eq!(text(&out.stdout), "200\n", "{what}");
        assert_eq!(last_header(&main), "Bearer None", "{what}");
        said
    };

    // No keyring: the Secret Service's bus is gone.
    let out = sb
        .program(&venv.python)
        .args(["-c", REQUEST])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .output()
        .unwrap();
    let said = warned(&out, "no keyring");
    assert!(said.contains("store-unavailable"), "{said}");

    // No helper where `sdk install` recorded it.
    let recorded = venv.site.join("mystic_credential_helper/helper-path");
    let helper = std::fs::read_to_string(&recorded).unwrap();
    std::fs::write(
        &recorded,
        format!("{}", sb.root.path().join("gone").display()),
    )
    .unwrap();
    let out = run(&sb, &venv.python, &["-c", REQUEST], &home);
    warned(&out, "no helper");
    let plain = run(&sb, &venv.python, &["-c", "print(200)"], &home);
    assert_eq!(
        text(&plain.stderr),
        "",
        "a Python that does not import the SDK"
    );
    std::fs::write(&recorded, helper).unwrap();

    // An SDK release it does not know (its metadata found first on the path).
    let info = venv.site.join("pipeline_ai-3.0.0.dist-info");
    std::fs::create_dir(&info).unwrap();
    std::fs::write(
        info.join("METADATA"),
        "Metadata-Version: 2.1\nName: pipeline-ai\nVersion: 3.0.0\n",
    )
    .unwrap();
    let out = run(&sb, &venv.python, &["-c", REQUEST], &home);
    let said = warned(&out, "unknown SDK");
    assert!(said.contains("pipeline-ai 3.0.0"), "{said}");
    std::fs::remove_dir_all(&info).unwrap();

    // A remote with no token anywhere.
    let config = format!(
        "active_remote: bare\nremotes:\n- alias: bare\n  url: {}\n- alias: main\n  url: {}\n",
        main.url, main.url
    );
    std::fs::write(sb.config_path(), config).unwrap();
    let out = run(&sb, &venv.python, &["-c", REQUEST], &home);
    let said = warned(&out, "no token");
    assert!(said.contains("login bare"), "{said}");
    no_token_in_files(&sb);
}

/// A folder with a package of the same name, where the user runs Python: never imported.
#[test]
fn a_package_of_the_same_name_in_the_current_folder_is_never_run() {
    let (main, other) = (Api::start(200), Api::start(200));
    let sb = Sandbox::new();
    remotes(&sb, &main, &other);
    let venv = Venv::new(&sb);
    venv.install(&sb);
    let work = sb.root.path().join("repo");
    let planted = work.join("mystic_credential_helper");
    std::fs::create_dir_all(&planted).unwrap();
    for name in ["__init__.py", "sdk.py"] {
        std::fs::write(planted.join(name), "print('planted code ran')\n").unwrap();
    }
    std::fs::write(work.join("probe.py"), REQUEST).unwrap();
    for args in [&["probe.py"][..], &["-c", REQUEST], &["-m", "probe"]] {
        let out = run(&sb, &venv.python, args, &work);
        assert_eq!(text(&out.stdout), "200\n", "{args:?}");
        assert_eq!(last_header(&main), "Bearer pipeline_sk_main_token");
    }
}

/// `sdk install` records the store chosen when it ran: a Python started from an IDE or cron,
/// without the shell's MYSTIC_CREDENTIAL_STORE, still reads the kernel keyring.
#[test]
fn the_store_chosen_at_install_is_used_without_the_shells_variables() {
    let (main, other) = (Api::start(200), Api::start(200));
    let sb = Sandbox::new().env("MYSTIC_CREDENTIAL_STORE", "keyutils");
    remotes(&sb, &main, &other);
    assert!(
        sb.kernel_keys()
            .iter()
            .any(|k| k.starts_with("keyring:main@"))
    );
    let venv = Venv::new(&sb);
    venv.install(&sb);
    let home = sb.home.clone();
    let from_an_ide = |venv: &Venv| {
        sb.program(&venv.python)
            .args(["-c", REQUEST])
            .current_dir(&home)
            .env_remove("MYSTIC_CREDENTIAL_STORE")
            .output()
            .unwrap()
    };
    let out = from_an_ide(&venv);
    assert_eq!(text(&out.stderr), "", "{out:?}");
    assert_eq!(last_header(&main), "Bearer pipeline_sk_main_token");
    no_token_in_files(&sb);
    // Installed again with `auto`: the record goes, and the Secret Service has no such token.
    let out = sb
        .cmd()
        .args(["--store", "auto", "sdk", "install", "--python"])
        .arg(&venv.python)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let out = from_an_ide(&venv);
    assert!(text(&out.stderr).contains("no token for 'main'"), "{out:?}");
    assert_eq!(last_header(&main), "Bearer None");
}
