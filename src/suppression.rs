//! Lines that say `unbake: ignore` are left as they are.
//!
//! Mojibake is sometimes the point: a test fixture, a changelog entry that
//! quotes the bug (`cafÃ© showed for café`), documentation of what a misread
//! looks like. Nothing in the text tells such a line from damage, so its
//! author marks it, as `# noqa` marks a line for ruff and `codespell:ignore`
//! one for codespell, in whatever comment syntax the file has. Whole files
//! are passed over by `.unbakeignore` instead (`fileio::walk`).
//!
//! The engine decides first and the marks are applied after, so a marked
//! line costs nothing until something on it would change, and it still
//! counts as the text it is for what the engine reads around it.

use std::ops::Range;

use memchr::memmem;

use crate::engine::{Change, Finding};

/// Drops the changes that touch a marked line and the findings that lie on
/// marked lines. Returns whether it dropped a change.
pub(crate) fn leave_marked_lines(
    text: &str,
    changes: &mut Vec<Change>,
    findings: &mut Vec<Finding>,
) -> bool {
    let marked = marked_lines(text);
    if marked.is_empty() {
        return false;
    }
    let touches = |span: &Range<usize>| {
        marked
            .iter()
            .any(|line| span.start < line.end && line.start < span.end.max(span.start + 1))
    };
    let within = |span: &Range<usize>| {
        marked
            .iter()
            .any(|line| line.start <= span.start && span.end <= line.end)
    };
    let before = changes.len();
    changes.retain(|c| !touches(&c.span));
    findings.retain(|f| !within(&f.span));
    changes.len() != before
}

/// The byte ranges of the lines (with their line feeds) that carry the
/// mark; a space after its colon is optional (`unbake:ignore`).
fn marked_lines(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut lines: Vec<Range<usize>> = Vec::new();
    for at in memmem::find_iter(bytes, b"unbake:") {
        let rest = text[at + "unbake:".len()..].trim_start_matches(' ');
        if !rest.starts_with("ignore") {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |p| at + p + 1);
        if lines.last().is_none_or(|last| last.start != start) {
            lines.push(start..end);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_found_with_or_without_the_space() {
        let text = "a\ncafÃ© // unbake: ignore\nb unbake:ignore unbake: ignore\nunbake: no\n";
        let lines: Vec<&str> = marked_lines(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            lines,
            [
                "cafÃ© // unbake: ignore\n",
                "b unbake:ignore unbake: ignore\n"
            ]
        );
    }
}
