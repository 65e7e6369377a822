//! `unbake repair`: repair files in place, stdin to stdout, or JSON Lines.
//!
//! Files are repaired in parallel and reported in walk order, so output is
//! the same from run to run. Errors do not stop the run: each is reported
//! with its file, and the exit code says that something failed.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use rayon::prelude::*;
use unbake::fileio::{
    self, Chunk, Entry, FileEncoding, FileOptions, Opened, ReplaceFile, TextReader,
};
use unbake::jsonl::{self, JsonlOptions};
use unbake::report::{explained_diff, DiffOptions};
use unbake::Change;
use unbake::Options;

use super::scan::Color;
use super::{error, Outcome, WalkArgs};

#[derive(Debug, Args)]
pub struct RepairArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

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

    /// Write files that are not UTF-8 (legacy codepages, UTF-16, UTF-32)
    /// as UTF-8. Without it they keep their encoding.
    #[arg(long)]
    pub to_utf8: bool,

    /// Read JSON Lines on stdin and write them to stdout with one string
    /// field repaired; every other byte of each line is kept.
    #[arg(long, conflicts_with_all = ["check", "diff", "paths", "to_utf8"])]
    pub jsonl: bool,

    /// The field `--jsonl` repairs.
    #[arg(long, value_name = "NAME", default_value = "text", requires = "jsonl")]
    pub field: String,

    /// When to colour `--diff`: colour marks the changed characters and
    /// names hidden ones inline, but a coloured diff is no longer a patch.
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    /// Apply exactly the repairs recorded by `unbake review --save-plan`,
    /// refusing every file if any has changed since the review.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "check", "diff", "jsonl"])]
    pub apply_plan: Option<PathBuf>,
}

/// What the command does with a file that needs repair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
    Diff,
}

/// Files handled between two flushes of the report: bounds what is held
/// while keeping the output in walk order.
const FILES_PER_BATCH: usize = 256;

pub fn run(args: RepairArgs) -> Outcome {
    if let Some(plan) = &args.apply_plan {
        return super::apply_plan::run(plan);
    }
    let repair = Options::default().zh_to_simplified(args.zh_to_simplified);
    if args.jsonl {
        return run_jsonl(&args, repair);
    }
    let mode = if args.check {
        Mode::Check
    } else if args.diff {
        Mode::Diff
    } else {
        Mode::Write
    };
    let options = FileOptions {
        repair,
        to_utf8: args.to_utf8,
        ..FileOptions::default()
    };
    let job = Job {
        mode,
        explain: args.explain,
        options,
        diff: DiffOptions {
            explain: args.explain,
            color: match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            },
            ..DiffOptions::default()
        },
    };

    if mode == Mode::Write && args.walk.paths.is_empty() && stdin_has_data() {
        error(
            "stdin is a pipe or a file but no path is given, and without one repair \
             rewrites the files of the current directory in place: `unbake repair -` \
             repairs stdin to stdout, `unbake repair .` the current directory",
        );
        return Outcome::Error;
    }
    let mut outcome = Outcome::Clean;
    let mut summary = Summary::default();
    let roots = args.walk.roots();
    let (stdin, roots): (Vec<PathBuf>, Vec<PathBuf>) =
        roots.into_iter().partition(|p| p.as_os_str() == "-");
    if !stdin.is_empty() {
        let report = job.stdin();
        outcome = outcome.max(summary.add(&report, mode));
    }
    if !roots.is_empty() {
        let mut entries = fileio::walk(&roots, &args.walk.options()).peekable();
        while entries.peek().is_some() {
            let batch: Vec<Entry> = entries.by_ref().take(FILES_PER_BATCH).collect();
            let reports: Vec<Report> = batch.par_iter().map(|e| job.entry(e)).collect();
            for report in &reports {
                outcome = outcome.max(summary.add(report, mode));
            }
        }
    }
    summary.print(mode);
    outcome
}

/// Whether stdin is a pipe or a file, as in `cat notes.txt | unbake repair`:
/// someone meant it to be read. A terminal, `/dev/null` and a closed stdin
/// (how CI runs a step) are not.
#[cfg(unix)]
fn stdin_has_data() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() else {
        return false;
    };
    File::from(fd)
        .metadata()
        .is_ok_and(|meta| meta.file_type().is_fifo() || meta.is_file())
}

#[cfg(not(unix))]
fn stdin_has_data() -> bool {
    false
}

fn run_jsonl(args: &RepairArgs, repair: Options) -> Outcome {
    let options = JsonlOptions {
        field: args.field.clone(),
        explain: args.explain,
        repair,
    };
    // Stdout is line-buffered; the stream flushes after each batch itself.
    let stdout = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let result = jsonl::repair_stream(io::stdin().lock(), stdout, &options, |line, why| {
        eprintln!("unbake: stdin:{line}: {why}; passed through unchanged")
    });
    match result {
        Ok(_) => Outcome::Clean,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::Clean,
        Err(e) => {
            error(format!("jsonl: {e}"));
            Outcome::Error
        }
    }
}

struct Job {
    mode: Mode,
    explain: bool,
    options: FileOptions,
    diff: DiffOptions,
}

/// What happened to one input, to be printed in order.
#[derive(Default)]
struct Report {
    /// Name to list under `--check`, if the input would change.
    would_change: Option<String>,
    changes: usize,
    /// Diff text, explanations or notes for stdout.
    stdout: String,
    /// Explanations when stdout carries data, and errors.
    stderr: String,
    failed: bool,
    /// A binary file met in a walk: skipped, and counted in the summary.
    skipped_binary: bool,
}

impl Report {
    fn error(message: impl std::fmt::Display) -> Report {
        Report {
            stderr: format!("unbake: {message}\n"),
            failed: true,
            ..Report::default()
        }
    }
}

impl Job {
    fn entry(&self, entry: &Entry) -> Report {
        match entry {
            Entry::File { path, explicit } => self.file(path, *explicit),
            // Only a run over named files asks for these; in a walk they
            // are as uninteresting as they are to ripgrep.
            Entry::Skipped { .. } => Report::default(),
            Entry::Error { message, .. } => Report::error(message),
        }
    }

    fn file(&self, path: &Path, explicit: bool) -> Report {
        let name = path.display().to_string();
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => return Report::error(format!("{name}: {e}")),
        };
        let mut reader = match TextReader::open(file, self.options.clone()) {
            Err(e) => return Report::error(format!("{name}: {e}")),
            Ok(Opened::Empty) => return Report::default(),
            Ok(Opened::Binary { why, .. }) if explicit => {
                return Report::error(format!("{name}: {why}; skipped"))
            }
            Ok(Opened::Binary { .. }) => {
                return Report {
                    skipped_binary: true,
                    ..Report::default()
                }
            }
            Ok(Opened::Text(reader)) => reader,
        };
        let mut out = Output::new(self.mode, path, &self.diff);
        match self.chunks(&name, &mut reader, &mut out) {
            Ok(mut report) => {
                if let Err(e) = out.finish(&mut report, &name) {
                    return Report::error(format!("{name}: {e}"));
                }
                report
            }
            Err(e) => Report::error(format!("{name}: {e}")),
        }
    }

    /// Runs through a file's chunks, sending each to `out`.
    fn chunks<R: Read>(
        &self,
        name: &str,
        reader: &mut TextReader<R>,
        out: &mut Output,
    ) -> Result<Report, FileError> {
        let source = reader.encoding();
        let target = if self.options.to_utf8 {
            source.to_utf8()
        } else {
            source
        };
        let transcode = target != source;
        let mut report = Report::default();
        let mut changed = transcode;
        let mut foreign = 0;
        out.start(target, transcode)?;
        loop {
            let offset = reader.offset();
            let Some((src, chunk)) = reader.next_chunk()? else {
                break;
            };
            changed |= chunk.changed();
            foreign += chunk.foreign.len();
            report.changes += chunk.changes.len() + chunk.foreign.len();
            if self.explain {
                explain(name, &chunk, &mut report.stdout);
            }
            let bytes = if transcode || chunk.changed() {
                Some(chunk.output(src, target)?)
            } else {
                None
            };
            out.chunk(offset, src, bytes.as_deref(), &chunk)?;
        }
        if changed {
            report.would_change = Some(name.to_string());
        }
        // A text diff shows characters, so a change of bytes alone is
        // invisible in it; say so rather than print a diff that omits it.
        if self.mode == Mode::Diff && transcode {
            report.stderr += &format!(
                "note: {name}: would be rewritten from {} to {} (not shown in the diff)\n",
                source.name(),
                target.name()
            );
        } else if self.mode == Mode::Diff && foreign > 0 {
            report.stderr += &format!(
                "note: {name}: {} in another encoding would become UTF-8 (not shown in the diff)\n",
                plural(foreign, "line")
            );
        }
        Ok(report)
    }

    /// `-`: stdin to stdout, or only a verdict under `--check`/`--diff`.
    fn stdin(&self) -> Report {
        let name = "<stdin>";
        let reader = match TextReader::open(io::stdin().lock(), self.options.clone()) {
            Err(e) => return Report::error(format!("{name}: {e}")),
            Ok(opened) => opened,
        };
        let mut reader = match reader {
            Opened::Empty => return Report::default(),
            Opened::Binary {
                why,
                head,
                mut rest,
            } => {
                let mut report = Report::error(format!("{name}: {why}; passed through unchanged"));
                if self.mode == Mode::Write {
                    let mut stdout = io::stdout().lock();
                    let copied = stdout
                        .write_all(&head)
                        .and_then(|()| io::copy(&mut rest, &mut stdout).map(drop));
                    if let Err(e) = copied {
                        report = Report::error(format!("stdout: {e}"));
                    }
                }
                return report;
            }
            Opened::Text(reader) => reader,
        };
        let mut out = match self.mode {
            Mode::Write => Output::Stdout(BufWriter::new(io::stdout().lock())),
            mode => Output::new(mode, Path::new(name), &self.diff),
        };
        let result = self
            .chunks(name, &mut reader, &mut out)
            .and_then(|mut report| {
                out.finish(&mut report, name)?;
                Ok(report)
            });
        match result {
            Ok(mut report) => {
                // The text itself is on stdout.
                if self.mode == Mode::Write {
                    report.stderr = std::mem::take(&mut report.stdout);
                }
                report
            }
            Err(FileError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => Report::default(),
            Err(e) => Report::error(format!("{name}: {e}")),
        }
    }
}

/// Where a file's repaired chunks go.
enum Output {
    /// Into a replacement file, created at the first chunk that changes.
    File {
        path: PathBuf,
        replacement: Option<ReplaceFile>,
    },
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// Nowhere; only whether anything would change matters.
    Check,
    /// Into the two texts a diff is made of.
    Diff {
        path: PathBuf,
        before: String,
        after: String,
        /// Spans are offsets into `before`.
        changes: Vec<Change>,
        options: DiffOptions,
    },
}

impl Output {
    fn new(mode: Mode, path: &Path, diff: &DiffOptions) -> Output {
        match mode {
            Mode::Write => Output::File {
                path: path.to_path_buf(),
                replacement: None,
            },
            Mode::Check => Output::Check,
            Mode::Diff => Output::Diff {
                path: fileio::relative_to_cwd(path),
                before: String::new(),
                after: String::new(),
                changes: Vec::new(),
                options: diff.clone(),
            },
        }
    }

    /// Before the first chunk: a transcoded file is rewritten from its
    /// first byte, starting with the target's BOM.
    fn start(&mut self, target: FileEncoding, transcode: bool) -> io::Result<()> {
        match self {
            Output::File { path, replacement } if transcode => {
                let mut file = ReplaceFile::beside(path)?;
                file.write_all(target.bom())?;
                *replacement = Some(file);
            }
            Output::Stdout(out) => out.write_all(target.bom())?,
            _ => {}
        }
        Ok(())
    }

    /// One chunk: `src` is its bytes at `offset` in the input, `repaired`
    /// its new bytes if they differ.
    fn chunk(
        &mut self,
        offset: u64,
        src: &[u8],
        repaired: Option<&[u8]>,
        chunk: &Chunk,
    ) -> io::Result<()> {
        match self {
            Output::File { path, replacement } => {
                if replacement.is_none() && repaired.is_some() {
                    // Nothing before this chunk changed: copy it from the
                    // original, which has not been touched.
                    let mut file = ReplaceFile::beside(path)?;
                    io::copy(&mut File::open(&*path)?.take(offset), &mut file)?;
                    *replacement = Some(file);
                }
                if let Some(file) = replacement {
                    file.write_all(repaired.unwrap_or(src))?;
                }
            }
            Output::Stdout(out) => {
                out.write_all(repaired.unwrap_or(src))?;
                out.flush()?;
            }
            Output::Check => {}
            Output::Diff {
                before,
                after,
                changes,
                ..
            } => {
                let base = before.len();
                changes.extend(chunk.changes.iter().map(|located| {
                    let mut change = located.item.clone();
                    change.span = change.span.start + base..change.span.end + base;
                    change
                }));
                before.push_str(&chunk.before);
                after.push_str(chunk.after());
            }
        }
        Ok(())
    }

    fn finish(self, report: &mut Report, name: &str) -> io::Result<()> {
        match self {
            Output::File { replacement, .. } => {
                if let Some(file) = replacement {
                    file.commit()?;
                    report.stderr +=
                        &format!("repaired {name} ({})\n", plural(report.changes, "change"));
                }
            }
            Output::Stdout(mut out) => out.flush()?,
            Output::Check => {}
            Output::Diff {
                path,
                before,
                after,
                changes,
                options,
            } => {
                if report.would_change.is_some() {
                    let label = path.display().to_string();
                    report.stdout += &explained_diff(&label, &before, &after, &changes, &options);
                }
            }
        }
        Ok(())
    }
}

/// A file that could not be repaired.
#[derive(Debug)]
enum FileError {
    Io(io::Error),
    Unencodable(fileio::Unencodable),
}

impl From<io::Error> for FileError {
    fn from(e: io::Error) -> Self {
        FileError::Io(e)
    }
}

impl From<fileio::Unencodable> for FileError {
    fn from(e: fileio::Unencodable) -> Self {
        FileError::Unencodable(e)
    }
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Io(e) => e.fmt(f),
            FileError::Unencodable(e) => e.fmt(f),
        }
    }
}

/// `--explain` lines for a chunk: `file:line:col: before → after (chain,
/// confidence)`, each followed by its evidence on an indented line, then
/// damage that was found but not repaired.
fn explain(name: &str, chunk: &Chunk, out: &mut String) {
    use std::fmt::Write as _;
    for c in &chunk.changes {
        let change = &c.item;
        let _ = writeln!(
            out,
            "{name}:{}:{}: {} → {} ({}; confidence {:.2})",
            c.line,
            c.column,
            change.before,
            change.after,
            change.chain.describe(),
            change.confidence
        );
        if !change.evidence.is_empty() {
            let _ = writeln!(out, "  evidence: {}", change.evidence);
        }
    }
    for f in &chunk.foreign {
        let _ = writeln!(
            out,
            "{name}:{}:1: line written in {} → UTF-8",
            f.line,
            f.encoding.name()
        );
    }
    for f in &chunk.findings {
        let _ = writeln!(
            out,
            "{name}:{}:{}: not repaired: {} ({})",
            f.line,
            f.column,
            f.item.family.describe(),
            f.item.detail
        );
    }
}

/// Totals for the closing line on stderr.
#[derive(Default)]
struct Summary {
    files: usize,
    changes: usize,
    errors: usize,
    binary: usize,
}

impl Summary {
    /// Prints a report and returns the outcome it implies.
    fn add(&mut self, report: &Report, mode: Mode) -> Outcome {
        let mut text = report.stdout.clone();
        if mode == Mode::Check {
            if let Some(name) = &report.would_change {
                text += name;
                text.push('\n');
            }
        }
        eprint!("{}", report.stderr);
        self.binary += usize::from(report.skipped_binary);
        // A closed pipe (`| head`) only means nobody wants the rest.
        match io::stdout().write_all(text.as_bytes()) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                error(format!("stdout: {e}"));
                self.errors += 1;
                return Outcome::Error;
            }
            _ => {}
        }
        if report.failed {
            self.errors += 1;
            return Outcome::Error;
        }
        if report.would_change.is_some() {
            self.files += 1;
            self.changes += report.changes;
            if mode != Mode::Write {
                return Outcome::Found;
            }
        }
        Outcome::Clean
    }

    fn print(&self, mode: Mode) {
        let files = plural(self.files, "file");
        let changes = plural(self.changes, "change");
        match mode {
            Mode::Check | Mode::Diff if self.files > 0 => {
                eprintln!("{files} would be repaired ({changes})")
            }
            Mode::Write if self.files > 1 => eprintln!("repaired {files} ({changes})"),
            _ => {}
        }
        // Reported, like every skipped input, but as a count: a tree of
        // source and images would otherwise drown the output in names.
        if self.binary > 0 {
            eprintln!("{} skipped as binary", plural(self.binary, "file"));
        }
        if self.errors > 0 {
            eprintln!("{} could not be handled", plural(self.errors, "input"));
        }
    }
}

pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
