//! Files as `review` and `repair --apply-plan` see them: whole, as text,
//! with every repair's span an offset into that text.
//!
//! Reading, encoding detection (BOM, UTF-16/32, legacy codepages) and atomic
//! replacement are `unbake::fileio`'s, as for `repair`. What this adds is a
//! stricter rule for writing, because review writes only *some* repairs: the
//! file is re-encoded from its text with the accepted spans changed, so the
//! text must encode back to exactly the bytes that were read. Files where it
//! does not (malformed bytes read as U+FFFD, lines in a second encoding) are
//! refused with the reason, and `repair`, which copies unchanged lines byte
//! for byte, remains the way to fix them. Plans are read through the same
//! code, so a plan's spans mean the same text when it is applied.

use std::fs;
use std::path::{Path, PathBuf};

use unbake::fileio::{self, FileEncoding, FileOptions, Opened, TextReader};
use unbake::Change;

/// A file read whole, with its repairs.
pub struct TextFile {
    pub path: PathBuf,
    /// The path as reports and plans name it.
    pub label: String,
    pub bytes: Vec<u8>,
    pub text: String,
    /// Spans are offsets into `text`.
    pub changes: Vec<Change>,
    encoding: FileEncoding,
}

/// What reading a path found.
pub enum Load {
    Text(TextFile),
    Empty,
    Binary(&'static str),
}

pub fn load(path: &Path, options: &FileOptions) -> Result<Load, String> {
    let label = fileio::relative_to_cwd(path).display().to_string();
    let fail = |why: String| format!("{label}: {why}");
    let bytes = fs::read(path).map_err(|e| fail(e.to_string()))?;
    let mut reader = match TextReader::open(&bytes[..], options.clone()) {
        Err(e) => return Err(fail(e.to_string())),
        Ok(Opened::Empty) => return Ok(Load::Empty),
        Ok(Opened::Binary { why, .. }) => return Ok(Load::Binary(why)),
        Ok(Opened::Text(reader)) => reader,
    };
    let encoding = reader.encoding();
    let mut text = String::new();
    let mut changes = Vec::new();
    while let Some((_, chunk)) = reader.next_chunk().map_err(|e| fail(e.to_string()))? {
        if let Some(line) = chunk.foreign.first() {
            return Err(fail(format!(
                "line {} is in {}, not {}; `unbake repair` converts such lines, review cannot",
                line.line,
                line.encoding.name(),
                encoding.name()
            )));
        }
        let base = text.len();
        text.push_str(&chunk.before);
        changes.extend(chunk.changes.into_iter().map(|located| {
            let mut change = located.item;
            change.span = change.span.start + base..change.span.end + base;
            change
        }));
    }
    let mut file = TextFile {
        path: path.to_path_buf(),
        label: label.clone(),
        bytes,
        text,
        changes,
        encoding,
    };
    if file.encode(&file.text).as_deref() != Ok(file.bytes.as_slice()) {
        return Err(format!(
            "{label}: its bytes do not all decode as {}, so writing only some repairs could \
             alter other text; `unbake repair` can still repair it",
            encoding.name()
        ));
    }
    file.changes.sort_by_key(|c| c.span.start);
    Ok(Load::Text(file))
}

impl TextFile {
    /// `text` in the file's encoding, BOM included.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, String> {
        let mut bytes = self.encoding.bom().to_vec();
        let encoded = self.encoding.encode(text).ok_or_else(|| {
            format!(
                "{}: the repaired text has characters {} cannot store",
                self.label,
                self.encoding.name()
            )
        })?;
        bytes.extend(encoded);
        Ok(bytes)
    }

    /// Replaces the file, atomically, with `text` in its encoding, unless
    /// it was changed since it was read: a review can last long enough for
    /// someone to edit the file meanwhile, and their edit must not be lost.
    pub fn write(&self, text: &str) -> Result<(), String> {
        let bytes = self.encode(text)?;
        let now = fs::read(&self.path).map_err(|e| format!("{}: {e}", self.label))?;
        if now != self.bytes {
            return Err(format!(
                "{}: changed on disk since it was read; not written",
                self.label
            ));
        }
        fileio::replace_atomically(&self.path, &bytes).map_err(|e| format!("{}: {e}", self.label))
    }
}
