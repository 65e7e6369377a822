//! Command-line definitions and the commands behind them.
//!
//! Each subcommand lives in its own file with its own clap `Args`, so that
//! commands can be added without touching each other. Commands return an
//! [`Outcome`] and never exit themselves: main maps the outcome to the exit
//! code, which scripts and CI rely on.

mod apply_plan;
mod repair;
mod review;
mod review_io;
mod scan;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use unbake::fileio::WalkOptions;

/// Find and repair mojibake, and tell how it happened.
#[derive(Debug, Parser)]
#[command(name = "unbake", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Repair mojibake in files (in place), on stdin, or in JSON Lines.
    Repair(repair::RepairArgs),
    /// Accept or reject each repair at a terminal, then write the accepted ones.
    Review(review::ReviewArgs),
    /// Report each file's encoding and damage, and whether repair can fix it.
    Scan(scan::ScanArgs),
}

/// What a command found, as the exit code says it: ruff and ripgrep taught
/// scripts to tell "found something" from "failed".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Nothing to change, or the changes were written.
    Clean = 0,
    /// Changes found where the user asked only to look (`--check`, `--diff`).
    Found = 1,
    /// At least one file or input could not be handled.
    Error = 2,
}

pub fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Repair(args) => repair::run(args),
        Command::Review(args) => review::run(args),
        Command::Scan(args) => scan::run(args),
    }
}

/// How directories are walked; shared by the commands that take paths.
#[derive(Debug, Args)]
pub struct WalkArgs {
    /// Files or directories; a directory is walked. Default: the current
    /// directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Do not honour .gitignore, .ignore, .unbakeignore and git exclude
    /// files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Pass over paths the glob matches while walking (gitignore syntax,
    /// relative to the current directory; repeatable). Files named on the
    /// command line are always visited.
    #[arg(long, value_name = "GLOB", value_parser = glob)]
    pub exclude: Vec<String>,

    /// Visit hidden files and directories too.
    #[arg(long)]
    pub hidden: bool,

    /// Follow symbolic links found in directories.
    #[arg(short = 'L', long)]
    pub follow: bool,
}

impl WalkArgs {
    pub fn roots(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        }
    }

    pub fn options(&self) -> WalkOptions {
        WalkOptions {
            no_ignore: self.no_ignore,
            hidden: self.hidden,
            follow: self.follow,
            exclude: self.exclude.clone(),
        }
    }
}

/// A glob clap accepts for `--exclude`: a bad one is a usage error before
/// any file is touched.
fn glob(value: &str) -> Result<String, String> {
    ignore::overrides::OverrideBuilder::new(".")
        .add(value)
        .map(|_| value.to_string())
        .map_err(|e| e.to_string())
}

/// Prints an error the way ripgrep does: program, what, where.
pub(crate) fn error(message: impl std::fmt::Display) {
    eprintln!("unbake: {message}");
}
