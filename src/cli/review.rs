//! `unbake review`: the terminal over [`unbake::review`].
//!
//! All decisions are made by the library's state machine; this file only
//! shows each span, reads one key at a time (raw mode, via `console`), and
//! writes a file when the machine says its review has ended. Each write is
//! atomic, so an interrupted review (Ctrl-C, a closed terminal) leaves every
//! file either as it was or with exactly the repairs accepted for it.
//! Ctrl-C is left to do what it does everywhere: stop the program; the file
//! under review at that moment is not written.
//!
//! A review needs a person at a terminal. Without one (stdin or stdout
//! redirected, as in CI) it refuses rather than guess answers, and points
//! to `repair --diff`, which is the same information for a pipe.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use console::Term;
use unbake::fileio::{self, Entry, FileOptions};
use unbake::plan::Plan;
use unbake::review::render::{help, prompt, render_span};
use unbake::review::{FileReview, Key, Response, Review};

use super::repair::plural;
use super::review_io::{load, Load, TextFile};
use super::scan::Color;
use super::{error, Outcome, WalkArgs};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    /// Write nothing to the files; record the accepted repairs in FILE as a
    /// plan that `unbake repair --apply-plan FILE` applies later.
    #[arg(long, value_name = "FILE")]
    pub save_plan: Option<PathBuf>,

    /// When to colour the repairs shown (the terminal is always one here,
    /// so `auto` means unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    /// Convert machine-converted traditional Chinese back to simplified.
    #[arg(long)]
    pub zh_to_simplified: bool,
}

pub fn run(args: ReviewArgs) -> Outcome {
    if !(io::stdin().is_terminal() && io::stdout().is_terminal()) {
        error(
            "review asks about each repair at a terminal, and stdin or stdout is not one; \
             to see the repairs without a terminal, use `unbake repair --diff`",
        );
        return Outcome::Error;
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let options = FileOptions {
        repair: unbake::Options::default().zh_to_simplified(args.zh_to_simplified),
        ..FileOptions::default()
    };

    let mut outcome = Outcome::Clean;
    let mut loaded: Vec<TextFile> = Vec::new();
    for entry in fileio::walk(&args.walk.roots(), &args.walk.options()) {
        let (path, explicit) = match entry {
            Entry::File { path, explicit } => (path, explicit),
            Entry::Skipped { .. } => continue,
            Entry::Error { message, .. } => {
                error(message);
                outcome = Outcome::Error;
                continue;
            }
        };
        match load(&path, &options) {
            Ok(Load::Text(file)) if !file.changes.is_empty() => loaded.push(file),
            Ok(Load::Binary(why)) if explicit => {
                error(format!("{}: {why}; skipped", path.display()));
            }
            Ok(_) => {}
            Err(e) => {
                error(e);
                outcome = Outcome::Error;
            }
        }
    }
    // The review owns the texts and repairs; `loaded` keeps what writing
    // needs (path, bytes, encoding), at the same indices.
    let files = loaded
        .iter_mut()
        .map(|f| FileReview {
            label: f.label.clone(),
            text: std::mem::take(&mut f.text),
            changes: std::mem::take(&mut f.changes),
        })
        .collect();

    let mut review = Review::new(files);
    if review.is_finished() {
        eprintln!("unbake: nothing to review: no repairs found");
        return outcome;
    }
    let mut plan = Plan::default();
    let term = Term::stdout();
    let mut out = io::stdout();
    let mut written = 0;
    while !review.is_finished() {
        let _ = write!(out, "\n{}", render_span(&review, color));
        let key = loop {
            let _ = write!(out, "{}", prompt(&review.keys()));
            let _ = out.flush();
            match term.read_key() {
                Ok(console::Key::Char(c)) => {
                    let _ = writeln!(out, "{c}");
                    match Key::from_char(c) {
                        Some(key) => break key,
                        None => {
                            let _ = writeln!(out, "  {c:?} is not a key here; ? lists them");
                        }
                    }
                }
                Ok(_) => {
                    let _ = writeln!(out, "\n  ? lists the keys");
                }
                Err(e) => {
                    error(format!(
                        "reading a key: {e}; stopping, the current file is not written"
                    ));
                    return Outcome::Error;
                }
            }
        };
        match review.press(key) {
            Response::Help(keys) => {
                let _ = write!(out, "{}", help(&keys));
            }
            Response::Decided { ended } => {
                for index in ended {
                    let accepted: Vec<_> = review.accepted(index).collect();
                    if accepted.is_empty() {
                        continue;
                    }
                    let file = &review.files()[index];
                    let source = &loaded[index];
                    if args.save_plan.is_some() {
                        plan.add(&file.label, &source.bytes, accepted);
                        continue;
                    }
                    let text = unbake::apply_changes(&file.text, accepted.iter().copied());
                    match source.write(&text) {
                        Ok(()) => {
                            written += 1;
                            let _ = writeln!(
                                out,
                                "  wrote {}: {} of {}",
                                file.label,
                                accepted.len(),
                                plural(file.changes.len(), "repair")
                            );
                        }
                        Err(e) => {
                            error(e);
                            outcome = Outcome::Error;
                        }
                    }
                }
            }
        }
    }

    let tally = review.tally();
    eprintln!(
        "unbake: {} accepted, {} rejected, {} skipped, {} not reviewed",
        tally.accepted, tally.rejected, tally.skipped, tally.undecided
    );
    match &args.save_plan {
        // A plan cut short by a crash fails to parse and is refused, so a
        // plain write is safe here.
        Some(path) => match std::fs::write(path, plan.to_json()) {
            Ok(()) => eprintln!(
                "unbake: plan for {} saved to {}",
                plural(plan.files.len(), "file"),
                path.display()
            ),
            Err(e) => {
                error(format!("{}: {e}", path.display()));
                outcome = Outcome::Error;
            }
        },
        None => eprintln!("unbake: {} written", plural(written, "file")),
    }
    outcome
}
