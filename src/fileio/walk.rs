//! Finding the files a command works on, the way ripgrep does.
//!
//! Directories are walked with the `ignore` crate, so .gitignore, .ignore and
//! hidden files are honoured (also outside a git repository: a .gitignore
//! states intent wherever it is). `.unbakeignore` files are read the same
//! way, for what only unbake should pass over: test fixtures and documents
//! that show mojibake on purpose, which other tools must still see (ripgrep's
//! `.rgignore` is the model). `--exclude` globs do the same from the command
//! line, matched against paths as they are walked (relative to the current
//! directory). A file named on the command line is visited whatever the
//! ignore files and globs say: naming it is asking for it. Symbolic links
//! inside a walk are not followed unless asked, since following them can
//! leave the tree or loop; a path named on the command line is always
//! followed. Anything that is not a regular file (FIFOs, devices, sockets) is
//! skipped: reading a FIFO can block forever and a device has no text.

use std::fs;
use std::path::{Path, PathBuf};

use ignore::overrides::{Override, OverrideBuilder};
use ignore::WalkBuilder;

/// The file name of unbake's own ignore files, in gitignore syntax.
pub const IGNORE_FILE: &str = ".unbakeignore";

/// Which files to visit.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Do not honour .gitignore, .ignore, .unbakeignore and git exclude
    /// files.
    pub no_ignore: bool,
    /// Visit hidden files and directories.
    pub hidden: bool,
    /// Follow symbolic links found while walking.
    pub follow: bool,
    /// Globs (gitignore syntax) of paths to pass over while walking.
    pub exclude: Vec<String>,
}

/// The walker's form of `--exclude` globs, or what is wrong with the first
/// that is not a glob.
fn exclusions(globs: &[String]) -> Result<Override, ignore::Error> {
    let mut builder = OverrideBuilder::new(".");
    for glob in globs {
        // An override glob selects; `!` turns it into one that ignores, and
        // with no selecting globs everything else is still visited.
        builder.add(&format!("!{glob}"))?;
    }
    builder.build()
}

/// One thing the walk found.
#[derive(Debug)]
pub enum Entry {
    /// A regular file; `explicit` if it was named on the command line.
    File { path: PathBuf, explicit: bool },
    /// Not a file to read, and why.
    Skipped { path: PathBuf, reason: String },
    /// A path that could not be visited, with the error as the walker says it.
    Error {
        path: Option<PathBuf>,
        message: String,
    },
}

/// Walks `roots` in a stable order (sorted by name within each directory).
/// A glob of `options.exclude` that is not one is an error, as the first
/// entry.
pub fn walk(roots: &[PathBuf], options: &WalkOptions) -> impl Iterator<Item = Entry> {
    let mut builder = WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    let mut bad_glob = None;
    match exclusions(&options.exclude) {
        Ok(exclude) => {
            builder.overrides(exclude);
        }
        Err(e) => {
            bad_glob = Some(Entry::Error {
                path: None,
                message: format!("--exclude: {e}"),
            })
        }
    }
    if !options.no_ignore {
        builder.add_custom_ignore_filename(IGNORE_FILE);
    }
    builder
        .hidden(!options.hidden)
        .ignore(!options.no_ignore)
        .git_ignore(!options.no_ignore)
        .git_global(!options.no_ignore)
        .git_exclude(!options.no_ignore)
        .parents(!options.no_ignore)
        .require_git(false)
        .follow_links(options.follow)
        .sort_by_file_name(|a, b| a.cmp(b));
    // A walk without one of its globs would visit what the user excluded:
    // the bad glob is the walk's only entry.
    let walk = bad_glob.is_none().then(|| builder.build());
    bad_glob.into_iter().chain(
        walk.into_iter()
            .flatten()
            .filter_map(|result| match result {
                Err(e) => Some(Entry::Error {
                    path: error_path(&e).map(clean),
                    message: e.to_string(),
                }),
                Ok(entry) => {
                    let explicit = entry.depth() == 0;
                    let file_type = entry.file_type()?;
                    let path = clean(entry.into_path());
                    if file_type.is_dir() {
                        None
                    } else if file_type.is_file() {
                        Some(Entry::File { path, explicit })
                    } else if file_type.is_symlink() && !explicit {
                        let reason = match fs::metadata(&path) {
                            Err(_) => "broken symbolic link".to_string(),
                            Ok(_) => "symbolic link not followed (use --follow)".to_string(),
                        };
                        Some(Entry::Skipped { path, reason })
                    } else {
                        classify(path, explicit)
                    }
                }
            }),
    )
}

/// The path a walker error is about, if it names one.
fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// An entry the walker could not type by itself: a named symlink (followed
/// here) or a special file.
fn classify(path: PathBuf, explicit: bool) -> Option<Entry> {
    match fs::metadata(&path) {
        Err(e) => {
            let message = if fs::symlink_metadata(&path).is_ok() {
                format!("{}: broken symbolic link ({e})", path.display())
            } else {
                format!("{}: {e}", path.display())
            };
            Some(Entry::Error {
                path: Some(path),
                message,
            })
        }
        Ok(meta) if meta.is_file() => Some(Entry::File { path, explicit }),
        Ok(meta) if meta.is_dir() => None,
        Ok(meta) => Some(Entry::Skipped {
            reason: special_kind(&meta).to_string(),
            path,
        }),
    }
}

#[cfg(unix)]
fn special_kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "not a regular file (FIFO)"
    } else if t.is_socket() {
        "not a regular file (socket)"
    } else if t.is_block_device() || t.is_char_device() {
        "not a regular file (device)"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &fs::Metadata) -> &'static str {
    "not a regular file"
}

/// `./a/b` is printed as `a/b`, as ripgrep does.
fn clean(path: PathBuf) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => path,
    }
}

/// The path as a diff should name it: relative to the current directory
/// when it lies under it, so `patch -p1` and `git apply` find the file.
pub fn relative_to_cwd(path: &Path) -> PathBuf {
    if path.is_absolute() {
        if let Ok(cwd) = std::env::current_dir() {
            if let Ok(rest) = path.strip_prefix(&cwd) {
                return rest.to_path_buf();
            }
        }
    }
    path.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_glob_is_the_walks_only_entry() {
        let options = WalkOptions {
            exclude: vec!["*.md".into(), "a[b".into()],
            ..WalkOptions::default()
        };
        let entries: Vec<Entry> = walk(&[PathBuf::from("src")], &options).collect();
        match entries.as_slice() {
            [Entry::Error {
                path: None,
                message,
            }] => assert!(message.contains("a[b"), "{message}"),
            other => panic!("{other:?}"),
        }
    }
}
