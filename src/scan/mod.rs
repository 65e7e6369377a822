//! `scan`: what each file's bytes are, and what happened to its text.
//!
//! A scan reads files exactly the way `repair` does (same detection, same
//! chunks, same engine) and only counts instead of writing. That is what
//! makes "repair available" trustworthy: it is true exactly when
//! `repair --check` would list the file, because it is the same computation.
//!
//! Bad input is part of the report, never a reason to stop: empty, binary
//! and special files are skipped with a reason, and unreadable or vanished
//! files are reported as errors, each in its place among the others.

pub mod format;

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::fileio::{self, Entry, FileOptions, Opened, TextReader, WalkOptions};

/// How to scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub file: FileOptions,
    /// Locations kept per family (the counts are always complete).
    pub locations: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            file: FileOptions::default(),
            locations: 5,
        }
    }
}

/// One file's report.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    #[serde(flatten)]
    pub status: Status,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Status {
    Scanned(Scanned),
    /// Not scanned, for a reason that is not an error (empty, binary,
    /// special files, links not followed).
    Skipped {
        reason: String,
    },
    Error {
        message: String,
    },
}

/// What a scanned file holds.
#[derive(Clone, Debug, Serialize)]
pub struct Scanned {
    /// "UTF-8", "UTF-16LE with BOM", "GBK", …
    pub encoding: String,
    /// How sure the encoding is, from 0 to 1.
    pub confidence: f32,
    pub bytes: u64,
    pub lines: u64,
    /// Lines with any damage.
    pub damaged_lines: u64,
    /// Damaged lines per hundred lines.
    pub damage: f32,
    pub families: Vec<FamilyReport>,
    /// Whether `repair` would change the file.
    pub repair_available: bool,
}

/// A kind of damage in a file.
#[derive(Clone, Debug, Serialize)]
pub struct FamilyReport {
    /// The engine's family name (`mojibake`, `lost-bytes`, …), or
    /// `mixed-encoding` for lines of a UTF-8 file written in another one.
    pub family: String,
    /// The family in words.
    pub description: String,
    pub count: u64,
    /// The first few places.
    pub locations: Vec<Location>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Location {
    pub line: u64,
    /// In characters, from 1.
    pub column: u64,
    /// The damaged text (its first 80 characters if longer).
    pub text: String,
    /// What it is and what repair does with it.
    pub message: String,
}

impl FileReport {
    pub fn is_damaged(&self) -> bool {
        matches!(&self.status, Status::Scanned(s) if !s.families.is_empty())
    }
}

/// Totals over a scan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files read (damaged + clean).
    pub scanned: usize,
    pub damaged: usize,
    pub clean: usize,
    pub repairable: usize,
    pub skipped: usize,
    pub errors: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            match &r.status {
                Status::Scanned(scanned) => {
                    s.scanned += 1;
                    if scanned.families.is_empty() {
                        s.clean += 1;
                    } else {
                        s.damaged += 1;
                    }
                    s.repairable += usize::from(scanned.repair_available);
                }
                Status::Skipped { .. } => s.skipped += 1,
                Status::Error { .. } => s.errors += 1,
            }
        }
        s
    }
}

/// Scans everything under `roots`, in parallel, reporting in walk order.
pub fn scan(roots: &[PathBuf], walk: &WalkOptions, options: &ScanOptions) -> Vec<FileReport> {
    let entries: Vec<Entry> = fileio::walk(roots, walk).collect();
    scan_entries(&entries, options, || {})
}

/// Scans what a walk found, in parallel, reporting in the walk's order;
/// `done` is called as each entry is finished (for a progress bar).
pub fn scan_entries(
    entries: &[Entry],
    options: &ScanOptions,
    done: impl Fn() + Sync,
) -> Vec<FileReport> {
    entries
        .par_iter()
        .map(|entry| {
            let report = match entry {
                Entry::File { path, .. } => FileReport {
                    path: display(path),
                    status: scan_file(path, options),
                },
                Entry::Skipped { path, reason } => FileReport {
                    path: display(path),
                    status: Status::Skipped {
                        reason: reason.clone(),
                    },
                },
                Entry::Error { path, message } => FileReport {
                    path: path.as_deref().map(display).unwrap_or_default(),
                    status: Status::Error {
                        message: message.clone(),
                    },
                },
            };
            done();
            report
        })
        .collect()
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Scans one file.
pub fn scan_file(path: &Path, options: &ScanOptions) -> Status {
    let error = |e: io::Error| Status::Error {
        message: match e.kind() {
            io::ErrorKind::NotFound => "file vanished before it could be read".to_string(),
            _ => e.to_string(),
        },
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return error(e),
    };
    match scan_reader(file, options) {
        Ok(status) => status,
        Err(e) => error(e),
    }
}

/// Scans a file's bytes.
pub fn scan_reader(input: impl io::Read, options: &ScanOptions) -> io::Result<Status> {
    let mut reader = match TextReader::open(input, options.file.clone())? {
        Opened::Empty => {
            return Ok(Status::Skipped {
                reason: "empty file".to_string(),
            })
        }
        Opened::Binary { why, .. } => {
            return Ok(Status::Skipped {
                reason: why.to_string(),
            })
        }
        Opened::Text(reader) => reader,
    };
    let mut families: BTreeMap<String, FamilyReport> = BTreeMap::new();
    let mut add = |(family, description): (String, &str),
                   line: u64,
                   column: u64,
                   text: &str,
                   message: String| {
        let entry = families
            .entry(family.clone())
            .or_insert_with(|| FamilyReport {
                family,
                description: description.to_string(),
                count: 0,
                locations: Vec::new(),
            });
        entry.count += 1;
        if entry.locations.len() < options.locations {
            entry.locations.push(Location {
                line,
                column,
                text: clip(text, 80),
                message,
            });
        }
    };
    let mut lines = 0;
    let mut damaged_lines = 0;
    let mut repair_available = false;
    while let Some((_, chunk)) = reader.next_chunk()? {
        lines += chunk.lines;
        repair_available |= chunk.changed();
        let mut damaged: Vec<u64> = Vec::new();
        for c in &chunk.changes {
            let change = &c.item;
            damaged.push(c.line);
            add(
                family_name(change.family),
                c.line,
                c.column,
                &change.before,
                format!(
                    "{} → {}: {} (confidence {:.2})",
                    clip(&change.before, 40),
                    clip(&change.after, 40),
                    change.chain.describe(),
                    change.confidence
                ),
            );
        }
        for f in &chunk.findings {
            // Unlike repairs, findings may span lines (a whole document
            // converted to traditional Chinese); each line counts.
            let text = &chunk.before[f.item.span.clone()];
            let spanned = text.trim_end_matches('\n').matches('\n').count() as u64;
            damaged.extend(f.line..=f.line + spanned);
            add(
                family_name(f.item.family),
                f.line,
                f.column,
                text,
                format!(
                    "{}: {} (not repaired)",
                    f.item.family.describe(),
                    f.item.detail
                ),
            );
        }
        for f in &chunk.foreign {
            damaged.push(f.line);
            add(
                (
                    "mixed-encoding".to_string(),
                    "a line of a UTF-8 file written in another encoding",
                ),
                f.line,
                1,
                "",
                format!("line written in {}", f.encoding.name()),
            );
        }
        damaged.sort_unstable();
        damaged.dedup();
        damaged_lines += damaged.len() as u64;
    }
    let damage = if lines == 0 {
        0.0
    } else {
        (damaged_lines as f64 * 1000.0 / lines as f64).round() as f32 / 10.0
    };
    Ok(Status::Scanned(Scanned {
        encoding: reader.encoding().name(),
        confidence: reader.detection.confidence,
        bytes: reader.offset(),
        lines,
        damaged_lines,
        damage,
        families: families.into_values().collect(),
        repair_available,
    }))
}

/// `text`, cut to `max` characters with an ellipsis: a finding can span a
/// whole document (machine-converted Chinese), and a report that repeats
/// the document helps nobody.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// A family's name as the engine serialises it (`lost-bytes`), so every
/// output format uses the same words, and its description.
fn family_name(family: crate::engine::Family) -> (String, &'static str) {
    let name = match serde_json::to_value(family) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{family:?}"),
    };
    (name, family.describe())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(status: Status) -> Scanned {
        match status {
            Status::Scanned(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn chunking_does_not_change_the_report() {
        let text = "Title\nÃ©tÃ© Ã\u{A0} Paris\nclean\ncafÃ© au lait\n".repeat(50);
        let whole = scanned(scan_reader(text.as_bytes(), &ScanOptions::default()).unwrap());
        let small = ScanOptions {
            file: FileOptions {
                chunk_size: 64,
                ..FileOptions::default()
            },
            ..ScanOptions::default()
        };
        let chunked = scanned(scan_reader(text.as_bytes(), &small).unwrap());
        assert_eq!(chunked.lines, 200);
        assert_eq!(chunked.damaged_lines, whole.damaged_lines);
        assert_eq!(chunked.bytes, text.len() as u64);
        assert_eq!(
            serde_json::to_value(&chunked.families).unwrap(),
            serde_json::to_value(&whole.families).unwrap()
        );
        assert_eq!(whole.families[0].count, 200);
        assert_eq!(whole.families[0].locations.len(), 5);
    }

    #[test]
    fn a_vanished_file_is_an_error_that_says_so() {
        let dir = tempfile::tempdir().unwrap();
        match scan_file(&dir.path().join("gone.txt"), &ScanOptions::default()) {
            Status::Error { message } => {
                assert_eq!(message, "file vanished before it could be read")
            }
            other => panic!("{other:?}"),
        }
    }
}
