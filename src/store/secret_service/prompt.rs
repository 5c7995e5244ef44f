//! Prompts. A Secret Service may answer `CreateItem`, `Delete` or `Unlock` with a prompt object
//! instead of doing the work. Some complete by themselves once `Prompt.Prompt` is called
//! (KeePassXC answers every `CreateItem` with one); others wait for a person (an unlock dialog,
//! KeePassXC's confirmations).
//!
//! Every prompt is followed, but a person's answer is waited for only where a person can give
//! it: a desktop session (`DISPLAY`, `WAYLAND_DISPLAY`) or a terminal on stdin or stderr; there
//! for up to `MYSTIC_PROMPT_TIMEOUT` seconds. Elsewhere (CI, git or scripts without a desktop)
//! the wait ends with the command's keyring deadline. A prompt we stop waiting for is dismissed,
//! on time-out and on SIGINT, SIGTERM or SIGHUP, so none is left open; after a signal the
//! command fails as for a dismissed prompt (undoing what it did) and then dies of the signal.

use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use async_io::{Async, Timer};
use futures_lite::{AsyncReadExt, StreamExt, future};
use signal_hook::SigId;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::low_level;
use zbus::message::Type as MessageType;
use zbus::zvariant::{OwnedObjectPath, OwnedValue};
use zbus::{MatchRule, MessageStream};

use super::client::{Client, Fault, PROMPT_IFACE, SERVICE, body};

type Result<T> = std::result::Result<T, Fault>;

/// Whether a person can answer a prompt here, and for how long to wait for one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Prompts {
    pub(crate) person: bool,
    pub(crate) wait: Duration,
}

/// What a prompt is for, in the words of the error that names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// A collection's unlock.
    Unlock,
    /// An item's unlock: KeePassXC asks a person to allow each new client's access.
    Access,
    Save,
    Delete,
    /// Creating the default collection (a service asks for its password).
    Create,
}

impl Waiting {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Waiting::Unlock => "to unlock the keyring",
            Waiting::Access => "to allow access to the token",
            Waiting::Create => "to create a keyring",
            Waiting::Save => "to confirm saving the token",
            Waiting::Delete => "to confirm deleting the token",
        }
    }
}

/// How long dismissing a prompt may take, within the deadline.
const DISMISS: Duration = Duration::from_millis(500);

enum Ended {
    Completed(Result<(bool, OwnedValue)>),
    Lost,
    ServiceGone,
    TimedOut,
    Signal(i32),
}

impl Client {
    /// Whether a person can still answer a prompt in this command: one is there, and none has
    /// left a prompt unanswered yet.
    pub(crate) fn person_can_answer(&self) -> bool {
        self.prompts.person && !self.unanswered.get()
    }

    /// Follows `prompt` (`/` means none) to its end and returns its result.
    pub(crate) async fn follow(
        &self,
        prompt: &OwnedObjectPath,
        waiting: Waiting,
    ) -> Result<Option<OwnedValue>> {
        if prompt.as_str() == "/" {
            return Ok(None);
        }
        let person = self.person_can_answer();
        let limit = match person {
            true => Instant::now() + self.prompts.wait,
            false => self.deadline.get() - DISMISS,
        };
        // The deadline covers the wait and then the dismissal.
        self.deadline.set(self.deadline.get().max(limit + DISMISS));
        let rule = MatchRule::builder()
            .msg_type(MessageType::Signal)
            .interface(PROMPT_IFACE)?
            .member("Completed")?
            .path(prompt.as_str())?
            .build();
        // Subscribed before the prompt starts, so a prompt that completes at once is not missed.
        // The bus is told too: zbus does that only for connections whose Hello it sent itself.
        let filter = rule.to_string();
        let mut completed = MessageStream::for_match_rule(rule, &self.conn, Some(4)).await?;
        self.bus_call("AddMatch", &(filter,)).await?;
        // The service leaving the bus ends its prompt too: it will never complete.
        let owner = MatchRule::builder()
            .msg_type(MessageType::Signal)
            .sender("org.freedesktop.DBus")?
            .interface("org.freedesktop.DBus")?
            .member("NameOwnerChanged")?
            .add_arg(SERVICE)?
            .build();
        let filter = owner.to_string();
        let mut owner_changed = MessageStream::for_match_rule(owner, &self.conn, Some(4)).await?;
        self.bus_call("AddMatch", &(filter,)).await?;
        let interrupts = Interrupts::catch().map_err(|e| Fault::Other(e.to_string()))?;
        self.call(prompt.as_str(), PROMPT_IFACE, "Prompt", &("",))
            .await?;
        let ended = future::or(
            async {
                match completed.next().await {
                    Some(Ok(message)) => Ended::Completed(body(&message)),
                    _ => Ended::Lost,
                }
            },
            future::or(
                async {
                    owner_changed.next().await;
                    Ended::ServiceGone
                },
                future::or(
                    async {
                        Timer::at(limit).await;
                        Ended::TimedOut
                    },
                    async { Ended::Signal(interrupts.next().await) },
                ),
            ),
        )
        .await;
        match ended {
            Ended::Completed(Ok((false, result))) => Ok(Some(result)),
            Ended::Completed(Ok((true, _))) => Err(Fault::Dismissed(waiting)),
            Ended::Completed(Err(e)) => Err(e),
            Ended::Lost => Err(Fault::Other(
                "the bus closed while a prompt was open".into(),
            )),
            Ended::ServiceGone => Err(Fault::ServiceGone(waiting)),
            Ended::TimedOut => {
                self.dismiss(prompt).await;
                // One wait for a person per command: the next prompt gets the deadline only.
                self.unanswered.set(self.unanswered.get() || person);
                Err(Fault::PromptTimeout(waiting))
            }
            Ended::Signal(signal) => {
                self.dismiss(prompt).await;
                // The command undoes what it did, then dies of the signal (`main`).
                crate::sys::defer_signal(signal);
                Err(Fault::Dismissed(waiting))
            }
        }
    }

    async fn dismiss(&self, prompt: &OwnedObjectPath) {
        future::or(
            async {
                let _ = self
                    .call(prompt.as_str(), PROMPT_IFACE, "Dismiss", &())
                    .await;
            },
            async {
                Timer::after(DISMISS).await;
            },
        )
        .await;
    }
}

/// SIGINT, SIGTERM and SIGHUP, caught while a prompt is open so that it can be dismissed before
/// the process dies of them. Each arrives as a byte on a socket of its own.
struct Interrupts {
    caught: Vec<(i32, Async<UnixStream>, SigId)>,
}

impl Interrupts {
    fn catch() -> std::io::Result<Self> {
        let mut caught = Vec::new();
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            let (read, write) = UnixStream::pair()?;
            let id = low_level::pipe::register(signal, write)?;
            caught.push((signal, Async::new(read)?, id));
        }
        Ok(Interrupts { caught })
    }

    /// The first signal that arrives.
    async fn next(&self) -> i32 {
        let wait = |at: usize| async move {
            let (signal, socket, _) = &self.caught[at];
            let mut byte = [0u8];
            let _ = (&mut &*socket).read(&mut byte).await;
            *signal
        };
        future::or(wait(0), future::or(wait(1), wait(2))).await
    }
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        for (_, _, id) in &self.caught {
            low_level::unregister(*id);
        }
    }
}
