//! Reading and writing the files that `review` and `repair --apply-plan`
//! touch.
//!
//! Kept small on purpose: UTF-8 files only, and an atomic write that keeps
//! the file's permissions. A plan's digest is of the bytes read here, and its
//! spans are offsets into the text decoded here, so both commands must read
//! files the same way; that is why they share this one module.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// A file's bytes and its text.
pub fn read_text(path: &Path) -> io::Result<(Vec<u8>, String)> {
    let bytes = fs::read(path)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("not UTF-8 ({e})")))?
        .to_string();
    Ok((bytes, text))
}

/// Replaces `path` with `bytes` in one rename, so that a reader (or a crash)
/// sees the old content or the new, never a mix.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file()
        .set_permissions(fs::metadata(path)?.permissions())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
