//! What changed inside a line, and characters that do not show.
//!
//! Mojibake repairs are often one or two characters in a long line, and the
//! damaged characters are often ones a terminal draws as nothing at all (a
//! C1 control from a codepage hole, a no-break space, a BOM). So both the
//! diff and the review compare a changed line with its repair character by
//! character, and name every hidden character the same way, `<U+0081>`.
//!
//! Character level rather than word level: mojibake has no word boundaries of
//! its own (`cafÃ©`, `鍙傛暟`), and in scripts without spaces a word diff
//! would emphasise the whole line.

use std::ops::Range;

use similar::{capture_diff_slices, Algorithm, DiffTag};

/// Whether `c` is drawn as nothing, as blank, or as something easily taken
/// for another character, and so must be named in a diff.
///
/// Tab and the line break are ordinary layout and not named. U+3000 (the
/// ideographic space) is ordinary in CJK text and not named either.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}'
        | '\u{B}'..='\u{1F}'
        | '\u{7F}'..='\u{A0}'
        | '\u{AD}'
        | '\u{34F}'
        | '\u{61C}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180E}'
        | '\u{2000}'..='\u{200F}'
        | '\u{2028}'..='\u{202F}'
        | '\u{205F}'..='\u{206F}'
        | '\u{3164}'
        | '\u{E000}'..='\u{F8FF}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFD}'
        | '\u{E0000}'..='\u{E007F}'
        | '\u{F0000}'..='\u{10FFFF}')
}

/// The visible name of a hidden character: `<U+0081>`.
pub fn marker(c: char) -> String {
    format!("<U+{:04X}>", c as u32)
}

/// Whether `text` has a character that [`is_hidden`].
pub fn has_hidden(text: &str) -> bool {
    text.chars().any(is_hidden)
}

/// `text` with every hidden character replaced by its [`marker`].
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hidden(c) {
            out.push_str(&marker(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// One stretch of a line pair: equal on both sides, or changed (the byte
/// ranges may then be empty on one side).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub old: Range<usize>,
    pub new: Range<usize>,
    pub changed: bool,
}

/// Compares two lines character by character. Adjacent changed stretches
/// are merged so `Ã©` → `é` is one change, not a deletion and a replacement.
pub fn segments(old: &str, new: &str) -> Vec<Segment> {
    let old_chars: Vec<(usize, char)> = old.char_indices().collect();
    let new_chars: Vec<(usize, char)> = new.char_indices().collect();
    let old_keys: Vec<char> = old_chars.iter().map(|&(_, c)| c).collect();
    let new_keys: Vec<char> = new_chars.iter().map(|&(_, c)| c).collect();
    let byte = |chars: &[(usize, char)], whole: &str, i: usize| {
        chars.get(i).map_or(whole.len(), |&(b, _)| b)
    };
    let mut out: Vec<Segment> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
        let (tag, o, n) = op.as_tag_tuple();
        let segment = Segment {
            old: byte(&old_chars, old, o.start)..byte(&old_chars, old, o.end),
            new: byte(&new_chars, new, n.start)..byte(&new_chars, new, n.end),
            changed: tag != DiffTag::Equal,
        };
        match out.last_mut() {
            Some(last) if last.changed == segment.changed => {
                last.old.end = segment.old.end;
                last.new.end = segment.new.end;
            }
            _ => out.push(segment),
        }
    }
    out
}

/// The line pair as one line for plain output, in the form `wdiff` uses:
/// `caf[-Ã©-]{+é+} au lait`, hidden characters named.
pub fn word_diff(old: &str, new: &str) -> String {
    let mut out = String::new();
    for s in segments(old, new) {
        if !s.changed {
            out.push_str(&visible(&old[s.old]));
            continue;
        }
        if !s.old.is_empty() {
            out.push_str(&format!("[-{}-]", visible(&old[s.old])));
        }
        if !s.new.is_empty() {
            out.push_str(&format!("{{+{}+}}", visible(&new[s.new])));
        }
    }
    out
}

/// Which side of a change a line is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

impl Side {
    fn sign(self) -> char {
        match self {
            Side::Old => '-',
            Side::New => '+',
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Side::Old => RED,
            Side::New => GREEN,
        }
    }
}

pub(crate) const RESET: &str = "\x1b[0m";
pub(crate) const BOLD: &str = "\x1b[1m";
pub(crate) const CYAN: &str = "\x1b[36m";
pub(crate) const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const REVERSE: &str = "\x1b[7m";
const NO_REVERSE: &str = "\x1b[27m";
const UNDERLINE: &str = "\x1b[4m";
const NO_UNDERLINE: &str = "\x1b[24m";

/// One side of a changed line for a terminal, with its sign: the changed
/// stretches in reverse video, hidden characters named and underlined.
/// `line` must not include its line break.
pub fn paint(line: &str, side: Side, segments: &[Segment]) -> String {
    let mut out = format!("{}{}", side.colour(), side.sign());
    for s in segments {
        let range = match side {
            Side::Old => s.old.clone(),
            Side::New => s.new.clone(),
        };
        if s.changed {
            out.push_str(REVERSE);
        }
        paint_hidden(&mut out, &line[range]);
        if s.changed {
            out.push_str(NO_REVERSE);
        }
    }
    out.push_str(RESET);
    out
}

/// A line with no emphasis for a terminal (context, or a line added or
/// removed whole), hidden characters named and underlined.
pub fn paint_plain(line: &str, sign: char, colour: Option<Side>) -> String {
    let mut out = String::new();
    if let Some(side) = colour {
        out.push_str(side.colour());
    }
    out.push(sign);
    paint_hidden(&mut out, line);
    if colour.is_some() {
        out.push_str(RESET);
    }
    out
}

fn paint_hidden(out: &mut String, text: &str) {
    for c in text.chars() {
        if is_hidden(c) {
            out.push_str(UNDERLINE);
            out.push_str(&marker(c));
            out.push_str(NO_UNDERLINE);
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_named() {
        assert_eq!(
            visible("Ã\u{81}ber\u{A0}x\u{FEFF}"),
            "Ã<U+0081>ber<U+00A0>x<U+FEFF>"
        );
        assert_eq!(visible("tab\tand 参数 stay"), "tab\tand 参数 stay");
        assert_eq!(marker('\u{10FFFD}'), "<U+10FFFD>");
        assert!(is_hidden('\u{200B}') && is_hidden('\u{E000}') && is_hidden('\u{FFFD}'));
    }

    #[test]
    fn adjacent_changes_merge_into_one_segment() {
        let s = segments("cafÃ© au lait", "café au lait");
        assert_eq!(
            s,
            vec![
                Segment {
                    old: 0..3,
                    new: 0..3,
                    changed: false
                },
                Segment {
                    old: 3..7,
                    new: 3..5,
                    changed: true
                },
                Segment {
                    old: 7..15,
                    new: 5..13,
                    changed: false
                },
            ]
        );
    }

    #[test]
    fn word_diff_shows_each_change_and_hidden_characters() {
        assert_eq!(word_diff("Ã©tÃ©", "été"), "[-Ã©-]{+é+}t[-Ã©-]{+é+}");
        assert_eq!(word_diff("Ã\u{81}ber", "über"), "[-Ã<U+0081>-]{+ü+}ber");
        assert_eq!(word_diff("鍙傛暟", "参数"), "[-鍙傛暟-]{+参数+}");
    }

    #[test]
    fn paint_emphasises_only_the_changed_stretch() {
        let s = segments("cafÃ©", "café");
        assert_eq!(
            paint("cafÃ©", Side::Old, &s),
            "\x1b[31m-caf\x1b[7mÃ©\x1b[27m\x1b[0m"
        );
        assert_eq!(
            paint("café", Side::New, &s),
            "\x1b[32m+caf\x1b[7mé\x1b[27m\x1b[0m"
        );
    }
}
