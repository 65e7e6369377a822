//! `unbake scan`: report the encoding and the damage of every file.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget};
use unbake::fileio::{self, FileOptions};
use unbake::scan::{self, format, ScanOptions, Summary};
use unbake::Options;

use super::{error, Outcome, WalkArgs};

/// Exit status: 0 if no damage was found, 1 if some was, 2 if a file could
/// not be read.
#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// When to colour the table.
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    /// Count machine-converted traditional Chinese as damage (as `repair
    /// --zh-to-simplified` would convert it).
    #[arg(long)]
    pub zh_to_simplified: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table, most damaged first, and a summary line.
    Human,
    /// One JSON document with every file and a summary.
    Json,
    /// One JSON object per file.
    Jsonl,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stdout is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

/// A scan shorter than this shows no progress bar: it would only flicker.
const QUIET_FOR: Duration = Duration::from_millis(800);

pub fn run(args: ScanArgs) -> Outcome {
    let options = ScanOptions {
        file: FileOptions {
            repair: Options::default().zh_to_simplified(args.zh_to_simplified),
            ..FileOptions::default()
        },
        ..ScanOptions::default()
    };
    let entries: Vec<_> = fileio::walk(&args.walk.roots(), &args.walk.options()).collect();
    let progress = Progress::new(entries.len() as u64);
    let reports = scan::scan_entries(&entries, &options, || progress.tick());
    progress.finish();

    let paint = format::Paint {
        enabled: match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        },
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.format {
        Format::Human => format::human(&reports, paint, &mut out),
        Format::Json => format::json(&reports, &mut out),
        Format::Jsonl => format::jsonl(&reports, &mut out),
        Format::Github => format::github(&reports, &mut out),
        Format::Sarif => format::sarif(&reports, &mut out),
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            error(format!("stdout: {e}"));
            return Outcome::Error;
        }
    }

    let summary = Summary::of(&reports);
    if summary.errors > 0 {
        Outcome::Error
    } else if summary.damaged > 0 {
        Outcome::Found
    } else {
        Outcome::Clean
    }
}

/// A progress bar on stderr that appears only if stderr is a terminal and
/// the scan has already taken a while.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    terminal: bool,
}

impl Progress {
    fn new(files: u64) -> Progress {
        Progress {
            bar: ProgressBar::with_draw_target(Some(files), ProgressDrawTarget::hidden()),
            started: Instant::now(),
            terminal: io::stderr().is_terminal(),
        }
    }

    fn tick(&self) {
        self.bar.inc(1);
        if self.terminal && self.bar.is_hidden() && self.started.elapsed() > QUIET_FOR {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
