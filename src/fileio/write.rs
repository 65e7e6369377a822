//! Replacing a file without ever leaving it half written.
//!
//! The new content goes to a temporary file in the same directory (so the
//! final rename stays on one file system and is atomic), gets the original's
//! permissions, is synced, and only then takes the original's place. A crash
//! or a full disk at any point leaves the original intact. A symlink is
//! resolved first, so the file it points to is replaced and the link stays.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// New content for a file, being written beside it.
pub struct ReplaceFile {
    target: PathBuf,
    permissions: fs::Permissions,
    out: BufWriter<NamedTempFile>,
}

impl ReplaceFile {
    pub fn beside(path: &Path) -> io::Result<ReplaceFile> {
        let target = fs::canonicalize(path)?;
        let permissions = fs::metadata(&target)?.permissions();
        let dir = target.parent().unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".unbake-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(ReplaceFile {
            target,
            permissions,
            out: BufWriter::new(tmp),
        })
    }

    /// Puts the new content in place of the file.
    pub fn commit(self) -> io::Result<()> {
        let tmp = self.out.into_inner().map_err(|e| e.into_error())?;
        fs::set_permissions(tmp.path(), self.permissions)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for ReplaceFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.out.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Replaces the file at `path` with `bytes`, atomically.
pub fn replace_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = ReplaceFile::beside(path)?;
    file.write_all(bytes)?;
    file.commit()
}
