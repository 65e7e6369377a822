//! The diff reporter: shows each repair so a person can review it.
//!
//! A repair tool is trusted only when people can see each fix before it
//! lands, and mojibake fixes are easy to miss: one or two characters in a
//! long line, often characters that print as nothing. The reporter therefore
//! has two jobs that pull against each other: make every change visible, and
//! stay a patch that `patch -p1` and `git apply` take, so a reviewed diff can
//! be applied as it is.
//!
//! The way they coexist:
//!
//! - **Plain output** (piped, `--color never`) is a byte-exact unified diff.
//!   The body of every hunk holds the lines as they are, hidden characters
//!   and all, because a marker such as `<U+0081>` in the body would make the
//!   patch fail to apply. What the eye cannot see is named *outside* the
//!   body: before each file's `---` header, where patch tools skip text as
//!   leading garbage (as they skip a commit message), a `#` note gives every
//!   changed line that holds a hidden character in word-diff form,
//!   `# line 3: [-Ã<U+0081>-]{+ü+}ber`. The note goes before the header
//!   rather than next to its hunk because `git apply` stops reading a file's
//!   hunks at the first line that is not one, and then rejects the next
//!   hunk as having no header.
//! - **Coloured output** (a terminal) is for eyes only, so there hidden
//!   characters are named inline, and the changed characters of each
//!   changed line are shown in reverse video.
//! - With [`DiffOptions::explain`], each hunk header carries the chains and
//!   confidences of the repairs in it after the second `@@`, where unified
//!   diffs keep a comment (git's function context) that patch tools ignore.
//!
//! The caller decides about colour (`--color`, `NO_COLOR`, whether stdout is
//! a terminal); this module only takes the answer.

pub mod inline;

use std::fmt::Write as _;
use std::ops::Range;

use similar::{capture_diff_slices, group_diff_ops, Algorithm, DiffOp, DiffTag};

use crate::engine::{apply_changes, Change};
use inline::{
    has_hidden, paint, paint_plain, segments, word_diff, Side, BOLD, CYAN, RESET, YELLOW,
};

/// How to render a diff.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// Lines of context around each hunk (3 by default).
    pub context: usize,
    /// ANSI colour and inline markers, for a terminal. The result is then
    /// no longer a patch.
    pub color: bool,
    /// Label each hunk with the chains and confidences of its repairs.
    /// Only [`repair_diff`] knows the repairs; [`unified_diff`] ignores it.
    pub explain: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            context: 3,
            color: false,
            explain: false,
        }
    }
}

/// A unified diff of `before` and `after`, headed `a/{label}` and `b/{label}`
/// so that `patch -p1` and `git apply` take it. Empty if they are equal.
pub fn unified_diff(label: &str, before: &str, after: &str, options: &DiffOptions) -> String {
    explained_diff(label, before, after, &[], options)
}

/// The diff of applying `changes` (from one repair of `before`) to
/// `before`, with hunks labelled by chain and confidence when
/// `options.explain` is set.
pub fn repair_diff(label: &str, before: &str, changes: &[Change], options: &DiffOptions) -> String {
    let after = apply_changes(before, changes);
    explained_diff(label, before, &after, changes, options)
}

/// As [`unified_diff`], with hunks labelled by the `changes` (spans in
/// `before`) that fall in them when `options.explain` is set. For callers
/// whose `after` holds more than the changes, such as a file whose lines in
/// a second encoding are converted as well.
pub fn explained_diff(
    label: &str,
    before: &str,
    after: &str,
    changes: &[Change],
    options: &DiffOptions,
) -> String {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let groups = group_diff_ops(
        capture_diff_slices(Algorithm::Myers, &old, &new),
        options.context,
    );
    if groups.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    if !options.color {
        out.push_str(&hidden_notes(label, &old, &new, &groups));
    }
    let (bold, reset) = if options.color {
        (BOLD, RESET)
    } else {
        ("", "")
    };
    let _ = writeln!(out, "{bold}--- a/{label}{reset}");
    let _ = writeln!(out, "{bold}+++ b/{label}{reset}");
    let line_starts = line_starts(before);
    for group in &groups {
        let (old_range, new_range) = group_ranges(group);
        let mut header = format!(
            "@@ -{} +{} @@",
            hunk_range(&old_range),
            hunk_range(&new_range)
        );
        if options.color {
            header = format!("{CYAN}{header}{RESET}");
        }
        out.push_str(&header);
        if options.explain {
            let label = explanation(changes, &line_starts, &old_range);
            if !label.is_empty() {
                if options.color {
                    let _ = write!(out, " {YELLOW}{label}{RESET}");
                } else {
                    let _ = write!(out, " {label}");
                }
            }
        }
        out.push('\n');
        for op in group {
            render_op(&mut out, op, &old, &new, options.color);
        }
    }
    out
}

fn render_op(out: &mut String, op: &DiffOp, old: &[&str], new: &[&str], color: bool) {
    let (tag, o, n) = op.as_tag_tuple();
    let old_lines = &old[o];
    let new_lines = &new[n];
    if !color {
        let sign = |tag| match tag {
            DiffTag::Equal => ' ',
            _ => '-',
        };
        for line in old_lines {
            push_line(out, sign(tag), line);
        }
        if tag != DiffTag::Equal {
            for line in new_lines {
                push_line(out, '+', line);
            }
        }
        return;
    }
    match tag {
        DiffTag::Equal => {
            for line in old_lines {
                push_painted(out, paint_plain(content(line), ' ', None), line);
            }
        }
        _ => {
            // Pair the lines of a replacement in order, so that each old line
            // is compared with the line that took its place.
            let paired = old_lines.len().min(new_lines.len());
            let pairs: Vec<_> = (0..paired)
                .map(|i| segments(content(old_lines[i]), content(new_lines[i])))
                .collect();
            for (i, line) in old_lines.iter().enumerate() {
                let painted = match pairs.get(i) {
                    Some(s) => paint(content(line), Side::Old, s),
                    None => paint_plain(content(line), '-', Some(Side::Old)),
                };
                push_painted(out, painted, line);
            }
            for (i, line) in new_lines.iter().enumerate() {
                let painted = match pairs.get(i) {
                    Some(s) => paint(content(line), Side::New, s),
                    None => paint_plain(content(line), '+', Some(Side::New)),
                };
                push_painted(out, painted, line);
            }
        }
    }
}

fn push_line(out: &mut String, sign: char, line: &str) {
    out.push(sign);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

fn push_painted(out: &mut String, painted: String, line: &str) {
    out.push_str(&painted);
    out.push('\n');
    if !line.ends_with('\n') {
        out.push_str("\\ No newline at end of file\n");
    }
}

/// A line without its line break (`\n` or `\r\n`), which is layout rather
/// than content.
fn content(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// The `#` notes for plain output: every changed line that holds a hidden
/// character, in word-diff form with the characters named.
fn hidden_notes(label: &str, old: &[&str], new: &[&str], groups: &[Vec<DiffOp>]) -> String {
    let mut notes = String::new();
    for op in groups.iter().flatten() {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        let paired = o.len().min(n.len());
        for i in 0..paired {
            let (a, b) = (content(old[o.start + i]), content(new[n.start + i]));
            if has_hidden(a) || has_hidden(b) {
                let _ = writeln!(notes, "# line {}: {}", n.start + i + 1, word_diff(a, b));
            }
        }
        // Lines removed or added whole, numbered on their own side.
        let unpaired = old[o.start + paired..o.end]
            .iter()
            .zip(o.start + paired..)
            .map(|(line, i)| ('-', i, line))
            .chain(
                new[n.start + paired..n.end]
                    .iter()
                    .zip(n.start + paired..)
                    .map(|(line, i)| ('+', i, line)),
            );
        for (sign, i, line) in unpaired {
            if has_hidden(content(line)) {
                let _ = writeln!(
                    notes,
                    "# {sign}{}: {}",
                    i + 1,
                    inline::visible(content(line))
                );
            }
        }
    }
    if notes.is_empty() {
        return notes;
    }
    format!("# unbake: {label} has characters that do not show; named here as <U+XXXX>:\n{notes}")
}

fn group_ranges(group: &[DiffOp]) -> (Range<usize>, Range<usize>) {
    let first = &group[0];
    let last = &group[group.len() - 1];
    (
        first.old_range().start..last.old_range().end,
        first.new_range().start..last.new_range().end,
    )
}

/// A hunk range as unified diffs write it: 1-based start, and the length
/// unless it is 1; an empty range names the line before it.
fn hunk_range(range: &Range<usize>) -> String {
    match range.len() {
        0 => format!("{},0", range.start),
        1 => format!("{}", range.start + 1),
        n => format!("{},{}", range.start + 1, n),
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn line_of(line_starts: &[usize], byte: usize) -> usize {
    line_starts.partition_point(|&s| s <= byte) - 1
}

/// The chains and confidences of the changes whose lines fall in a hunk,
/// one entry per distinct chain in the order they first appear.
fn explanation(changes: &[Change], line_starts: &[usize], lines: &Range<usize>) -> String {
    let mut chains: Vec<(String, Vec<f32>)> = Vec::new();
    for change in changes {
        let first = line_of(line_starts, change.span.start);
        let last = line_of(line_starts, change.span.end.max(change.span.start + 1) - 1);
        if last < lines.start || first >= lines.end {
            continue;
        }
        let words = change.chain.describe();
        match chains.iter_mut().find(|(w, _)| *w == words) {
            Some((_, confidences)) => confidences.push(change.confidence),
            None => chains.push((words, vec![change.confidence])),
        }
    }
    chains
        .into_iter()
        .map(|(words, confidences)| match confidences.as_slice() {
            [one] => format!("{words} (confidence {one:.2})"),
            many => {
                let lowest = many.iter().copied().fold(f32::INFINITY, f32::min);
                format!(
                    "{words} ({} spans, lowest confidence {lowest:.2})",
                    many.len()
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Chain, Codec, Family, Step};

    fn change(input: &str, before: &str, after: &str, confidence: f32) -> Change {
        let start = input.find(before).unwrap();
        Change {
            span: start..start + before.len(),
            before: before.to_string(),
            after: after.to_string(),
            family: Family::Mojibake,
            chain: Chain::new(vec![Step::Reinterpret {
                read_as: Codec::Windows1252,
                actual: Codec::Utf8,
            }]),
            confidence,
            evidence: String::new(),
        }
    }

    #[test]
    fn equal_texts_give_no_diff() {
        assert_eq!(unified_diff("x", "a\n", "a\n", &DiffOptions::default()), "");
    }

    #[test]
    fn plain_diff_is_byte_exact_and_notes_hidden_characters_before_the_header() {
        let diff = unified_diff(
            "f.txt",
            "one\nÃ\u{81}ber\n",
            "one\nüber\n",
            &DiffOptions::default(),
        );
        assert_eq!(
            diff,
            "# unbake: f.txt has characters that do not show; named here as <U+XXXX>:\n\
             # line 2: [-Ã<U+0081>-]{+ü+}ber\n\
             --- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n one\n-Ã\u{81}ber\n+über\n"
        );
    }

    #[test]
    fn lines_added_or_removed_whole_are_noted_by_their_own_number() {
        let diff = unified_diff(
            "f",
            "a\nx\u{200B}\n",
            "a\nb\u{A0}\nc\n",
            &DiffOptions::default(),
        );
        let notes: Vec<&str> = diff.lines().take_while(|l| l.starts_with('#')).collect();
        assert_eq!(
            notes,
            [
                "# unbake: f has characters that do not show; named here as <U+XXXX>:",
                "# line 2: [-x<U+200B>-]{+b<U+00A0>+}",
            ]
        );
        let diff = unified_diff("f", "a\n", "a\nb\u{A0}\n", &DiffOptions::default());
        assert!(diff.contains("# +2: b<U+00A0>\n"), "{diff}");
        let diff = unified_diff("f", "a\nb\u{AD}\n", "a\n", &DiffOptions::default());
        assert!(diff.contains("# -2: b<U+00AD>\n"), "{diff}");
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let diff = unified_diff("f", "cafÃ©", "café", &DiffOptions::default());
        assert_eq!(
            diff,
            "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-cafÃ©\n\\ No newline at end of file\n\
             +café\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn explain_labels_each_hunk_with_its_own_changes() {
        let mut input = String::from("cafÃ©\n");
        input.push_str(&"same\n".repeat(10));
        input.push_str("Ã©tÃ© Ã©tÃ©\n");
        let changes = vec![
            change(&input, "cafÃ©", "café", 0.97),
            change(&input, "Ã©tÃ©", "été", 0.9),
            {
                let mut c = change(&input, "Ã©tÃ©", "été", 0.8);
                let start = input.rfind("Ã©tÃ©").unwrap();
                c.span = start..start + c.before.len();
                c
            },
        ];
        let options = DiffOptions {
            explain: true,
            ..DiffOptions::default()
        };
        let diff = repair_diff("f", &input, &changes, &options);
        let headers: Vec<&str> = diff.lines().filter(|l| l.starts_with("@@")).collect();
        assert_eq!(
            headers,
            [
                "@@ -1,4 +1,4 @@ UTF-8 read as windows-1252 (confidence 0.97)",
                "@@ -9,4 +9,4 @@ UTF-8 read as windows-1252 (2 spans, lowest confidence 0.80)",
            ]
        );
        assert!(diff.contains("+été été\n"));
    }

    #[test]
    fn colour_marks_hidden_characters_inline_and_drops_the_notes() {
        let options = DiffOptions {
            color: true,
            ..DiffOptions::default()
        };
        let diff = unified_diff("f", "a\u{A0}b\r\n", "a b\r\n", &options);
        assert!(!diff.contains("# unbake"));
        assert!(diff.contains("\x1b[4m<U+00A0>\x1b[24m"));
        assert!(!diff.contains('\r'));
    }
}
