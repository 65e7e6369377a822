//! `unbake repair`: repair files in place, stdin to stdout, or JSON Lines.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use clap::Args;

use super::{error, Outcome};

#[derive(Debug, Args)]
pub struct RepairArgs {
    /// Files or directories to repair; `-` reads stdin and writes the
    /// repaired text to stdout. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write nothing; list the files that would change and exit 1 if any.
    #[arg(long, conflicts_with = "diff")]
    pub check: bool,

    /// Write nothing; print a unified diff of the repairs and exit 1 if any.
    #[arg(long)]
    pub diff: bool,

    /// For each change, show where it is, what it becomes, the chain of
    /// wrong decodings that explains it, and the confidence.
    #[arg(long)]
    pub explain: bool,

    /// Convert machine-converted traditional Chinese back to simplified.
    #[arg(long)]
    pub zh_to_simplified: bool,

    /// Read JSON Lines on stdin and write them to stdout with one string
    /// field repaired; every other byte of each line is kept.
    #[arg(long, conflicts_with_all = ["check", "diff", "paths"])]
    pub jsonl: bool,

    /// The field `--jsonl` repairs.
    #[arg(long, value_name = "NAME", default_value = "text", requires = "jsonl")]
    pub field: String,

    /// Walk into directories without honouring .gitignore and .ignore files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Walk into hidden files and directories too.
    #[arg(long)]
    pub hidden: bool,

    /// Apply exactly the repairs recorded by `unbake review --save-plan`,
    /// refusing every file if any has changed since the review.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "check", "diff", "jsonl"])]
    pub apply_plan: Option<PathBuf>,
}

pub fn run(args: RepairArgs) -> Outcome {
    if let Some(plan) = &args.apply_plan {
        return super::apply_plan::run(plan);
    }
    let options = unbake::Options::default().zh_to_simplified(args.zh_to_simplified);
    let mut input = Vec::new();
    if let Err(e) = io::stdin().read_to_end(&mut input) {
        error(format!("stdin: {e}"));
        return Outcome::Error;
    }
    let text = String::from_utf8_lossy(&input);
    let fixed = unbake::repair(&text, &options);
    if let Err(e) = io::stdout().write_all(fixed.text.as_bytes()) {
        error(format!("stdout: {e}"));
        return Outcome::Error;
    }
    Outcome::Clean
}
