//! Real Secret Services, each on a private bus of its own (scripts/secret-service.sh):
//! gnome-keyring, KeePassXC, oo7-daemon and KWallet (kwalletd5). A test that locks, freezes or
//! reconfigures one starts its own, and so does every KeePassXC test (`Daemon::for_test` says
//! why); the others share one of each kind per test binary.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use super::stdout_of;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    GnomeKeyring,
    KeePassXc,
    Oo7,
    KWallet,
    /// tests/common/scripted_secret_service.py, for states no real service produces on demand
    /// (not in `ALL`, which are the real ones).
    Scripted,
}

impl Service {
    pub const ALL: [Service; 4] = [
        Service::GnomeKeyring,
        Service::KeePassXc,
        Service::Oo7,
        Service::KWallet,
    ];

    /// The name scripts/secret-service.sh takes.
    pub fn name(self) -> &'static str {
        match self {
            Service::GnomeKeyring => "gnome-keyring",
            Service::KeePassXc => "keepassxc",
            Service::Oo7 => "oo7",
            Service::KWallet => "kwallet",
            Service::Scripted => "scripted",
        }
    }
}

/// A running Secret Service and its bus; dropping it stops both.
pub struct Daemon {
    child: Child,
    pub service: Service,
    pub bus: String,
    /// The Secret Service's PID, and the bus daemon's.
    pub pid: u32,
    pub bus_pid: u32,
}

impl Daemon {
    pub fn start(service: Service) -> Daemon {
        Daemon::start_with(service, &[], &[])
    }

    /// With options of scripts/secret-service.sh (`--no-login`) and environment for it
    /// (`MYSTIC_TEST_KEEPASSXC_CONFIRM`).
    pub fn start_with(service: Service, options: &[&str], env: &[(&str, &str)]) -> Daemon {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/secret-service.sh");
        let mut child = Command::new(script)
            .arg(service.name())
            .args(options)
            .args([
                "sh",
                "-c",
                "echo \"$DBUS_SESSION_BUS_ADDRESS $MYSTIC_TEST_KEYRING_PID $MYSTIC_TEST_BUS_PID\"; read _",
            ])
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        let [bus, pid, bus_pid] = words[..] else {
            panic!("{} did not start", service.name());
        };
        Daemon {
            bus: bus.to_owned(),
            pid: pid.parse().unwrap(),
            bus_pid: bus_pid.parse().unwrap(),
            service,
            child,
        }
    }

    /// The daemon a test uses: the test binary's shared one, except for KeePassXC, where each
    /// test gets its own: KeePassXC 2.7.4 crashes (SIGSEGV) when clients write in parallel
    /// (eight loops of `secret-tool store` do it too), and tests run in parallel.
    pub fn for_test(service: Service) -> Shared {
        match service {
            Service::KeePassXc => Shared::Own(Box::new(Daemon::start(service))),
            _ => Shared::Static(Daemon::shared(service)),
        }
    }

    /// One of each kind for the whole test binary. It ends with the test process: the script
    /// stops the daemon when its stdin closes.
    pub fn shared(service: Service) -> &'static Daemon {
        static DAEMONS: [OnceLock<Daemon>; 4] = [const { OnceLock::new() }; 4];
        let at = Service::ALL.iter().position(|s| *s == service).unwrap();
        DAEMONS[at].get_or_init(|| Daemon::start(service))
    }

    pub fn signal(&self, sig: &str) {
        kill(sig, self.pid);
    }

    /// Signals the bus daemon (STOP: a bus that accepts connections but never answers).
    pub fn signal_bus(&self, sig: &str) {
        kill(sig, self.bus_pid);
    }

    pub fn alive(&self) -> bool {
        Command::new("kill")
            .args(["-0", &self.pid.to_string()])
            .status()
            .unwrap()
            .success()
    }

    /// `dbus-send --print-reply` to the service.
    pub fn dbus_send(&self, args: &[&str]) -> String {
        stdout_of(
            Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.secrets",
                ])
                .args(args)
                .env("DBUS_SESSION_BUS_ADDRESS", &self.bus),
        )
    }

    /// The default collection's object path.
    pub fn default_collection(&self) -> String {
        let reply = self.dbus_send(&[
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.ReadAlias",
            "string:default",
        ]);
        object_paths(&reply).into_iter().next().unwrap()
    }

    /// Locks the default collection, as a person's "lock" button does (following the prompt
    /// KeePassXC answers with).
    pub fn lock(&self) {
        let collection = self.default_collection();
        let reply = self.dbus_send(&[
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            &format!("array:objpath:{collection}"),
        ]);
        if let Some(prompt) = object_paths(&reply)
            .into_iter()
            .find(|p| p.contains("/prompt/"))
        {
            self.dbus_send(&[&prompt, "org.freedesktop.Secret.Prompt.Prompt", "string:"]);
        }
        for _ in 0..100 {
            let locked = self.dbus_send(&[
                &collection,
                "org.freedesktop.DBus.Properties.Get",
                "string:org.freedesktop.Secret.Collection",
                "string:Locked",
            ]);
            if locked.contains("boolean true") {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("{} did not lock {collection}", self.service.name());
    }

    /// KWallet only: opens the wallet as PAM's module does at login (no dialog). Its collection
    /// still shows as locked, and its unlock prompt then completes by itself.
    pub fn pam_open(&self) {
        assert_eq!(self.service, Service::KWallet);
        let bytes: Vec<String> = (1..=56).map(|b| b.to_string()).collect();
        let sent = Command::new("dbus-send")
            .args([
                "--session",
                "--type=method_call",
                "--dest=org.kde.kwalletd5",
                "/modules/kwalletd5",
                "org.kde.KWallet.pamOpen",
                "string:kdewallet",
                &format!("array:byte:{}", bytes.join(",")),
                "int32:0",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .status()
            .unwrap();
        assert!(sent.success());
        // pamOpen has no reply: wait until the wallet answers as open.
        for _ in 0..50 {
            let open = stdout_of(
                Command::new("dbus-send")
                    .args([
                        "--session",
                        "--print-reply",
                        "--dest=org.kde.kwalletd5",
                        "/modules/kwalletd5",
                        "org.kde.KWallet.isOpen",
                        "string:kdewallet",
                    ])
                    .env("DBUS_SESSION_BUS_ADDRESS", &self.bus),
            );
            if open.contains("boolean true") {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("kwalletd5 did not open the wallet");
    }

    /// The object paths of the items whose attributes include these.
    pub fn search(&self, attributes: &[(&str, &str)]) -> Vec<String> {
        let dict: Vec<String> = attributes
            .iter()
            .flat_map(|(k, v)| [k.to_string(), v.to_string()])
            .collect();
        let reply = self.dbus_send(&[
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.SearchItems",
            &format!("dict:string:string:{}", dict.join(",")),
        ]);
        object_paths(&reply)
            .into_iter()
            .filter(|p| p.starts_with("/org/freedesktop/secrets/collection/"))
            .collect()
    }
}

/// See `Daemon::for_test`.
pub enum Shared {
    Static(&'static Daemon),
    Own(Box<Daemon>),
}

impl std::ops::Deref for Shared {
    type Target = Daemon;
    fn deref(&self) -> &Daemon {
        match self {
            Shared::Static(d) => d,
            Shared::Own(d) => d,
        }
    }
}

fn kill(sig: &str, pid: u32) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

fn object_paths(reply: &str) -> Vec<String> {
    reply
        .lines()
        .filter_map(|l| l.trim().strip_prefix("object path \""))
        .map(|p| p.trim_end_matches('"').to_owned())
        .collect()
}

impl Drop for Daemon {
    fn drop(&mut self) {
        for pid in [self.pid, self.bus_pid] {
            let _ = Command::new("kill")
                .args(["-CONT", &pid.to_string()])
                .status();
        }
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Every method call that each client sent to the Secret Service, as dbus-monitor saw it.
pub struct Monitor(Child);

impl Monitor {
    pub fn start(kr: &Daemon) -> Monitor {
        let mut child = Command::new("dbus-monitor")
            .args([
                "--address",
                &kr.bus,
                "--monitor",
                "type='method_call',destination='org.freedesktop.secrets'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor is installed by scripts/test.sh");
        // Wait until it is listening: it prints its own NameAcquired signal first.
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while out.read_line(&mut line).unwrap() > 0 && !line.contains("NameAcquired") {
            line.clear();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        child.stdout = Some(out.into_inner());
        Monitor(child)
    }

    /// Methods called, per client (unique bus name), in order. An `OpenSession` is written
    /// with its algorithm, as `OpenSession(plain)`.
    pub fn stop(mut self) -> BTreeMap<String, Vec<String>> {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let _ = self.0.kill();
        let out = self.0.wait_with_output().unwrap();
        let mut calls: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut last: Option<String> = None;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let field = |name: &str| {
                line.split_whitespace()
                    .find_map(|w| w.strip_prefix(name))
                    .map(|v| v.trim_end_matches(';').to_owned())
            };
            if line.starts_with("method call") {
                last = None;
                if let (Some(sender), Some(member)) = (field("sender="), field("member=")) {
                    calls.entry(sender.clone()).or_default().push(member);
                    last = Some(sender);
                }
            } else if let Some(sender) = &last
                && let Some(arg) = line.trim().strip_prefix("string \"")
            {
                let methods = calls.get_mut(sender).unwrap();
                let method = methods.last_mut().unwrap();
                if method == "OpenSession" {
                    *method = format!("OpenSession({})", arg.trim_end_matches('"'));
                }
                last = None;
            }
        }
        calls
    }
}
