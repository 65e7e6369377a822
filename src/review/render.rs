//! What the review shows a person: one span in its line, before and after,
//! with the repaired characters emphasised and hidden characters named the
//! way the diff names them.

use std::fmt::Write as _;

use super::{Key, Review};
use crate::report::inline::{paint, visible, Segment, Side, BOLD, RESET, YELLOW};

/// Characters of context kept on each side of a span in a long line, so a
/// repair deep in a minified file still fits on the screen.
const CONTEXT_CHARS: usize = 60;

/// The current span of the review, ready to print; empty when it is over.
///
/// ```text
/// 3/17, file 2 of 5: docs/notes.txt, line 12
/// -caf[Ã©] au lait
/// +caf[é] au lait
///   UTF-8 read as windows-1252, confidence 0.97
/// ```
///
/// With colour the brackets are reverse video; without it the line pair is
/// one line in word-diff form, `caf[-Ã©-]{+é+} au lait`.
pub fn render_span(review: &Review, color: bool) -> String {
    let (Some(p), Some((file, change))) = (review.position(), review.current()) else {
        return String::new();
    };
    let text = &file.text;
    let line_start = text[..change.span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[change.span.end..]
        .find('\n')
        .map_or(text.len(), |i| change.span.end + i);
    let line = text[..change.span.start].matches('\n').count() + 1;
    let prefix = keep_end(&text[line_start..change.span.start]);
    // A CR before the line feed is the line end, not content to show.
    let suffix = keep_start(text[change.span.end..line_end].trim_end_matches('\r'));

    let mut out = String::new();
    let heading = format!(
        "{}/{}, file {} of {}: {}, line {line}",
        p.number,
        p.total,
        p.file + 1,
        p.files,
        file.label
    );
    if color {
        let _ = writeln!(out, "{BOLD}{heading}{RESET}");
    } else {
        let _ = writeln!(out, "{heading}");
    }
    if color {
        let old = format!("{prefix}{}{suffix}", change.before);
        let new = format!("{prefix}{}{suffix}", change.after);
        let segments = [
            Segment {
                old: 0..prefix.len(),
                new: 0..prefix.len(),
                changed: false,
            },
            Segment {
                old: prefix.len()..prefix.len() + change.before.len(),
                new: prefix.len()..prefix.len() + change.after.len(),
                changed: true,
            },
            Segment {
                old: prefix.len() + change.before.len()..old.len(),
                new: prefix.len() + change.after.len()..new.len(),
                changed: false,
            },
        ];
        let _ = writeln!(out, "{}", paint(&old, Side::Old, &segments));
        let _ = writeln!(out, "{}", paint(&new, Side::New, &segments));
    } else {
        let _ = writeln!(
            out,
            "  {}[-{}-]{{+{}+}}{}",
            visible(&prefix),
            visible(&change.before),
            visible(&change.after),
            visible(&suffix)
        );
    }
    let about = format!(
        "  {}, confidence {:.2}",
        change.chain.describe(),
        change.confidence
    );
    if color {
        let _ = writeln!(out, "{YELLOW}{about}{RESET}");
    } else {
        let _ = writeln!(out, "{about}");
    }
    if !change.evidence.is_empty() {
        let _ = writeln!(out, "  {}", change.evidence);
    }
    out
}

/// The question after each span, naming the keys that apply.
pub fn prompt(keys: &[Key]) -> String {
    let chars: Vec<String> = keys.iter().map(|k| k.char().to_string()).collect();
    format!("Apply this repair [{}]? ", chars.join(","))
}

/// Help for the keys that apply now.
pub fn help(keys: &[Key]) -> String {
    let mut out = String::new();
    for k in keys {
        let _ = writeln!(out, "  {} - {}", k.char(), k.meaning());
    }
    out
}

fn keep_end(text: &str) -> String {
    let count = text.chars().count();
    if count <= CONTEXT_CHARS {
        return text.to_string();
    }
    let tail: String = text.chars().skip(count - CONTEXT_CHARS).collect();
    format!("…{tail}")
}

fn keep_start(text: &str) -> String {
    if text.chars().count() <= CONTEXT_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(CONTEXT_CHARS).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::FileReview;
    use crate::{Chain, Change, Codec, Family, Step};

    fn review_of(text: &str, before: &str, after: &str) -> Review {
        let start = text.find(before).unwrap();
        Review::new(vec![FileReview {
            label: "docs/notes.txt".into(),
            text: text.into(),
            changes: vec![Change {
                span: start..start + before.len(),
                before: before.into(),
                after: after.into(),
                family: Family::Mojibake,
                chain: Chain::new(vec![Step::Reinterpret {
                    read_as: Codec::Windows1252,
                    actual: Codec::Utf8,
                }]),
                confidence: 0.97,
                evidence: String::new(),
            }],
        }])
    }

    #[test]
    fn plain_span_is_one_word_diff_line_with_hidden_characters_named() {
        let review = review_of("first\nÃ\u{81}ber alles\r\nlast\n", "Ã\u{81}", "ü");
        assert_eq!(
            render_span(&review, false),
            "1/1, file 1 of 1: docs/notes.txt, line 2\n  \
             [-Ã<U+0081>-]{+ü+}ber alles\n  \
             UTF-8 read as windows-1252, confidence 0.97\n"
        );
    }

    #[test]
    fn coloured_span_emphasises_exactly_the_span() {
        let review = review_of("cafÃ© au lait", "cafÃ©", "café");
        let shown = render_span(&review, true);
        assert!(shown.contains("\x1b[31m-\x1b[7mcafÃ©\x1b[27m au lait\x1b[0m"));
        assert!(shown.contains("\x1b[32m+\x1b[7mcafé\x1b[27m au lait\x1b[0m"));
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let text = format!("{}cafÃ©{}", "x".repeat(100), "y".repeat(100));
        let shown = render_span(&review_of(&text, "cafÃ©", "café"), false);
        let line = shown.lines().nth(1).unwrap();
        assert_eq!(
            line,
            format!(
                "  …{}[-cafÃ©-]{{+café+}}{}…",
                "x".repeat(60),
                "y".repeat(60)
            )
        );
    }

    #[test]
    fn prompt_and_help_name_only_the_given_keys() {
        let keys = [Key::Accept, Key::Reject, Key::Quit, Key::Help];
        assert_eq!(prompt(&keys), "Apply this repair [y,n,q,?]? ");
        assert_eq!(
            help(&keys),
            "  y - accept this repair\n  n - reject this repair\n  \
             q - quit, writing what was accepted so far\n  ? - show this help\n"
        );
    }
}
