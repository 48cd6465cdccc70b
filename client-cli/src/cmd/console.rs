//! What the player's and the facilitator's consoles share: a line editor on
//! its own thread whose output never tramples the line being typed, and the
//! client's updates told as sentences.

use std::path::PathBuf;

use allssam_protocol::Event;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Editor, ExternalPrinter, Helper};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

use crate::client::{Client, Update};
use crate::{describe, panel};

/// Lines typed by the person, one at a time.
pub struct Lines {
    lines: mpsc::Receiver<Option<String>>,
    next: std::sync::mpsc::Sender<()>,
    asked: bool,
}

impl Lines {
    /// The next line; `None` when the person ends the input (Ctrl-D, Ctrl-C).
    /// The prompt shows only while we wait, so what a command prints comes
    /// before the next prompt. Cancel-safe (for `select!`).
    pub async fn next(&mut self) -> Option<String> {
        if !self.asked {
            // The reading thread is gone only if it failed: then the input ended.
            if self.next.send(()).is_err() {
                return None;
            }
            self.asked = true;
        }
        let line = self.lines.recv().await.flatten();
        self.asked = false;
        line
    }
}

/// A console: the typed lines, and a printer that prints above the prompt.
pub struct Console {
    /// Prints above the line being typed, without disturbing it.
    pub printer: Box<dyn ExternalPrinter + Send>,
    /// What the person types.
    pub lines: Lines,
    /// The terminal as it was before the line editor took it.
    mode: TerminalMode,
    /// The terminal was given back already ([`Console::finish`]).
    finished: bool,
}

/// When the console ends while the line editor still waits for a line
/// (the connection closed for good: kicked, replaced, the room removed),
/// the editor's thread keeps the terminal raw, without echo, and the
/// program's exit would leave it so for the shell: give the terminal its
/// mode back, and end the prompt's line.
impl Drop for Console {
    fn drop(&mut self) {
        if self.lines.asked && !self.finished {
            self.mode.restore(std::io::stdin());
            println!();
        }
    }
}

/// A terminal's mode (termios), kept to be put back.
#[cfg(unix)]
struct TerminalMode(Option<nix::sys::termios::Termios>);

#[cfg(unix)]
impl TerminalMode {
    /// The mode of `fd` now (none if it is no terminal).
    fn save(fd: impl std::os::fd::AsFd) -> Self {
        TerminalMode(nix::sys::termios::tcgetattr(fd).ok())
    }

    /// Puts the saved mode back on `fd`.
    fn restore(&self, fd: impl std::os::fd::AsFd) {
        if let Some(mode) = &self.0 {
            // Ignored: nothing more can be done for a terminal that is gone.
            let _ = nix::sys::termios::tcsetattr(fd, nix::sys::termios::SetArg::TCSANOW, mode);
        }
    }
}

/// Elsewhere the line editor gives the console back itself.
#[cfg(not(unix))]
struct TerminalMode;

#[cfg(not(unix))]
impl TerminalMode {
    fn save<T>(_: T) -> Self {
        TerminalMode
    }

    fn restore<T>(&self, _: T) {}
}

impl Console {
    /// Starts the line editor (rustyline blocks, so it reads on its own
    /// thread) with `helper` for completion and `history` kept in a file.
    pub fn start<H: Helper + Send + 'static>(
        prompt: &'static str,
        helper: Option<H>,
        history: Option<PathBuf>,
    ) -> anyhow::Result<Console> {
        let mode = TerminalMode::save(std::io::stdin());
        let mut editor = Editor::<H, DefaultHistory>::new()?;
        editor.set_helper(helper);
        if let Some(path) = &history {
            let _ = editor.load_history(path);
        }
        let printer = Box::new(editor.create_external_printer()?);
        let (lines_tx, lines) = mpsc::channel::<Option<String>>(1);
        let (next, next_rx) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            while next_rx.recv().is_ok() {
                let line = match editor.readline(prompt) {
                    Ok(line) => {
                        let _ = editor.add_history_entry(line.as_str());
                        Some(line)
                    }
                    Err(ReadlineError::Interrupted | ReadlineError::Eof) | Err(_) => None,
                };
                if let Some(path) = &history {
                    let _ = editor.save_history(path);
                }
                if lines_tx.blocking_send(line).is_err() {
                    return;
                }
            }
        });
        Ok(Console {
            printer,
            lines: Lines {
                lines,
                next,
                asked: false,
            },
            mode,
            finished: false,
        })
    }

    /// Prints `text` above the prompt.
    pub fn print(&mut self, text: impl Into<String>) {
        let mut text = text.into();
        // Between two prompts rustyline writes the text as it is, and the
        // next prompt starts by clearing its line: without a newline of its
        // own the text would be wiped (a refusal printed after Enter was).
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let _ = self.printer.print(text);
    }

    /// The console's last words, when the connection closed for good:
    /// printed in place of the prompt, with the terminal given back (the
    /// printer would hand them to the editor, which draws its prompt again
    /// after them).
    fn finish(&mut self, text: &str) {
        if self.lines.asked {
            self.mode.restore(std::io::stdin());
            // Back to the start of the prompt's line, and clear it.
            print!("\r\x1b[2K");
            self.finished = true;
        }
        println!("{text}");
    }

    /// Prints an update as [`tell`] words it; false once the connection
    /// is closed for good (the console should stop).
    pub fn show(&mut self, client: &Client, update: Result<Update, RecvError>) -> bool {
        match tell(client, update) {
            Told::Say(text) => {
                if let Some(text) = text {
                    self.print(text);
                }
                true
            }
            Told::Closed(text) => {
                self.finish(&text);
                false
            }
        }
    }
}

/// What an update means for a console.
pub enum Told {
    /// Print this (or nothing).
    Say(Option<String>),
    /// The connection is closed for good: print this and stop.
    Closed(String),
}

/// An update as a console tells it: events as sentences (the debrief after
/// the last), the connection's troubles in words people understand.
pub fn tell(client: &Client, update: Result<Update, RecvError>) -> Told {
    Told::Say(match update {
        Ok(Update::Event(e)) => {
            let state = client.state();
            let line = describe::event(&state, &e);
            if matches!(*e, Event::GameEnded { .. }) {
                Some(format!(
                    "{}\n{}",
                    line.unwrap_or_default(),
                    panel::debrief(&state)
                ))
            } else {
                line
            }
        }
        Ok(Update::Reconnecting(why)) => Some(format!(
            "Lost the connection to the server ({why}). Reconnecting… \
             (nothing is lost; a command typed meanwhile waits for the line)"
        )),
        Ok(Update::Reconnected) => Some("Reconnected: the room is up to date.".into()),
        Ok(Update::Closed(why)) => return Told::Closed(format!("Connection closed: {why}.")),
        Ok(Update::Snapshot) => None,
        Err(RecvError::Lagged(n)) => Some(format!(
            "({n} events went by too fast to print; type `status` for the room)"
        )),
        Err(RecvError::Closed) => return Told::Closed("Connection closed.".into()),
    })
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use nix::sys::termios::{LocalFlags, SetArg, cfmakeraw, tcgetattr, tcsetattr};

    use super::TerminalMode;

    #[test]
    fn a_terminal_left_raw_gets_its_echo_back() {
        let pty = nix::pty::openpty(None, None).unwrap();
        let mode = TerminalMode::save(&pty.slave);
        let cooked = tcgetattr(&pty.slave).unwrap().local_flags;
        assert!(cooked.contains(LocalFlags::ECHO | LocalFlags::ICANON));
        let mut raw = tcgetattr(&pty.slave).unwrap();
        cfmakeraw(&mut raw);
        tcsetattr(&pty.slave, SetArg::TCSANOW, &raw).unwrap();
        assert!(
            !tcgetattr(&pty.slave)
                .unwrap()
                .local_flags
                .contains(LocalFlags::ECHO)
        );
        mode.restore(&pty.slave);
        assert_eq!(tcgetattr(&pty.slave).unwrap().local_flags, cooked);
    }
}
