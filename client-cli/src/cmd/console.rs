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
}

impl Console {
    /// Starts the line editor (rustyline blocks, so it reads on its own
    /// thread) with `helper` for completion and `history` kept in a file.
    pub fn start<H: Helper + Send + 'static>(
        prompt: &'static str,
        helper: Option<H>,
        history: Option<PathBuf>,
    ) -> anyhow::Result<Console> {
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
                self.print(text);
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
