//! The ways a scan is shown: a table for people, JSON and JSON Lines for
//! programs, workflow commands for GitHub Actions, SARIF for code scanning.
//!
//! Machine formats list every file in walk order, so they diff cleanly from
//! run to run. The table is for reading: most damaged first, and files with
//! nothing to say (clean, plain UTF-8) are only counted, as ripgrep prints
//! matches and not the files without them.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::json;

use super::{FileReport, Location, Scanned, Status, Summary};

/// Terminal colours, when wanted.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    pub enabled: bool,
}

impl Paint {
    fn paint(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn red(self, t: &str) -> String {
        self.paint("1;31", t)
    }
    fn yellow(self, t: &str) -> String {
        self.paint("33", t)
    }
    fn green(self, t: &str) -> String {
        self.paint("32", t)
    }
    fn dim(self, t: &str) -> String {
        self.paint("2", t)
    }
}

/// Whether the table shows a file.
fn worth_listing(report: &FileReport) -> bool {
    match &report.status {
        Status::Scanned(s) => !s.families.is_empty() || s.encoding != "UTF-8",
        _ => true,
    }
}

/// Sort key for the table: damaged files by damage, then the rest.
fn rank(report: &FileReport) -> (u8, std::cmp::Reverse<u64>, std::cmp::Reverse<u64>) {
    match &report.status {
        Status::Scanned(s) if !s.families.is_empty() => (
            0,
            std::cmp::Reverse((s.damage * 10.0) as u64),
            std::cmp::Reverse(s.families.iter().map(|f| f.count).sum()),
        ),
        Status::Scanned(_) => (1, std::cmp::Reverse(0), std::cmp::Reverse(0)),
        Status::Skipped { .. } => (2, std::cmp::Reverse(0), std::cmp::Reverse(0)),
        Status::Error { .. } => (3, std::cmp::Reverse(0), std::cmp::Reverse(0)),
    }
}

/// Control characters (C1 controls are common in mojibake) shown as
/// escapes, so they neither vanish nor drive the terminal.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn encoding_label(s: &Scanned) -> String {
    if s.confidence < 1.0 {
        format!("{} ({:.2})", s.encoding, s.confidence)
    } else {
        s.encoding.clone()
    }
}

fn location_label(l: &Location) -> String {
    if l.text.is_empty() {
        format!("{}:{} {}", l.line, l.column, l.message)
    } else {
        format!(
            "{}:{} {}",
            l.line,
            l.column,
            visible(&super::clip(&l.text, 24))
        )
    }
}

/// The table for people, with the summary line.
pub fn human(reports: &[FileReport], paint: Paint, out: &mut impl Write) -> io::Result<()> {
    let mut listed: Vec<&FileReport> = reports.iter().filter(|r| worth_listing(r)).collect();
    listed.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.path.cmp(&b.path)));
    let width = listed
        .iter()
        .map(|r| match &r.status {
            Status::Scanned(s) => encoding_label(s).chars().count(),
            Status::Skipped { .. } => "skipped".len(),
            Status::Error { .. } => "error".len(),
        })
        .max()
        .unwrap_or(0);
    for report in &listed {
        match &report.status {
            Status::Scanned(s) => {
                let damage = format!("{:>5.1}%", s.damage);
                let (damage, verdict) = if s.families.is_empty() {
                    (paint.green(&damage), paint.green("clean"))
                } else if s.repair_available {
                    (paint.red(&damage), paint.yellow("repair available"))
                } else {
                    (paint.red(&damage), paint.dim("no repair"))
                };
                let encoding = format!("{:<width$}", encoding_label(s));
                writeln!(out, "{damage}  {encoding}  {}  {verdict}", report.path)?;
                for family in &s.families {
                    let mut places: Vec<String> =
                        family.locations.iter().map(location_label).collect();
                    if family.count > family.locations.len() as u64 {
                        places.push("…".to_string());
                    }
                    writeln!(
                        out,
                        "         {} ×{}: {}",
                        family.family,
                        family.count,
                        places.join(", ")
                    )?;
                }
            }
            Status::Skipped { reason } => {
                let label = format!("{:<width$}", "skipped");
                writeln!(
                    out,
                    "{}  {}  {}  {}",
                    paint.dim("     -"),
                    paint.dim(&label),
                    report.path,
                    paint.dim(reason)
                )?;
            }
            Status::Error { message } => {
                let label = format!("{:<width$}", "error");
                writeln!(
                    out,
                    "{}  {}  {}  {}",
                    paint.red("     !"),
                    paint.red(&label),
                    report.path,
                    message
                )?;
            }
        }
    }
    let s = Summary::of(reports);
    let damaged = format!("{} damaged", s.damaged);
    writeln!(
        out,
        "{} scanned: {} ({} repairable), {} clean; {} skipped, {}",
        plural(s.scanned, "file"),
        if s.damaged > 0 {
            paint.red(&damaged)
        } else {
            damaged
        },
        s.repairable,
        s.clean,
        s.skipped,
        plural(s.errors, "error"),
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// One JSON document: every file and the summary.
pub fn json(reports: &[FileReport], out: &mut impl Write) -> io::Result<()> {
    let doc = json!({ "files": reports, "summary": Summary::of(reports) });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One JSON object per file.
pub fn jsonl(reports: &[FileReport], out: &mut impl Write) -> io::Result<()> {
    for report in reports {
        serde_json::to_writer(&mut *out, report)?;
        writeln!(out)?;
    }
    Ok(())
}

/// GitHub Actions workflow commands: a warning at each damaged place, an
/// error for each file that could not be read.
pub fn github(reports: &[FileReport], out: &mut impl Write) -> io::Result<()> {
    for report in reports {
        match &report.status {
            Status::Scanned(s) => {
                for family in &s.families {
                    for l in &family.locations {
                        writeln!(
                            out,
                            "::warning file={},line={},col={},title={}::{}",
                            property(&report.path),
                            l.line,
                            l.column,
                            property(&format!("unbake: {}", family.family)),
                            data(&l.message)
                        )?;
                    }
                }
            }
            Status::Error { message } => writeln!(
                out,
                "::error file={}::{}",
                property(&report.path),
                data(message)
            )?,
            Status::Skipped { .. } => {}
        }
    }
    Ok(())
}

/// Escapes for a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes for a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// SARIF 2.1.0, as GitHub code scanning and other viewers read it. Columns
/// count code points, which the log declares.
pub fn sarif(reports: &[FileReport], out: &mut impl Write) -> io::Result<()> {
    let mut rules: BTreeMap<&str, &str> = BTreeMap::new();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for report in reports {
        let artifact = json!({ "uri": report.path.replace('\\', "/") });
        match &report.status {
            Status::Scanned(s) => {
                for family in &s.families {
                    rules.insert(&family.family, &family.description);
                    for l in &family.locations {
                        let mut region = json!({ "startLine": l.line, "startColumn": l.column });
                        if !l.text.is_empty() {
                            region["endColumn"] = json!(l.column + l.text.chars().count() as u64);
                        }
                        results.push(json!({
                            "ruleId": family.family,
                            "level": "warning",
                            "message": { "text": l.message },
                            "locations": [{
                                "physicalLocation": {
                                    "artifactLocation": artifact,
                                    "region": region,
                                }
                            }]
                        }));
                    }
                }
            }
            Status::Error { message } => notifications.push(json!({
                "level": "error",
                "message": { "text": message },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact } }]
            })),
            Status::Skipped { .. } => {}
        }
    }
    let rules: Vec<_> = rules
        .into_iter()
        .map(|(id, description)| {
            json!({
                "id": id,
                "name": id,
                "shortDescription": { "text": description },
                "defaultConfiguration": { "level": "warning" }
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "unbake",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
