//! Repair chains: the recorded, replayable steps that turn a damaged span
//! back into its text.
//!
//! A repair is only trustworthy if a person can follow it and a machine can
//! check it. So every change the engine makes is a [`Chain`] of small value
//! steps, each a pure function of the span's text. Replaying the chain on the
//! original span must give exactly the repaired span; the property tests hold
//! the engine to that.
//!
//! Steps are listed in the order they are applied, which is the reverse of
//! the order the damage happened in. Descriptions for people follow the
//! damage ("UTF-8 read as ISO-8859-1, then as GBK"), since that is the story
//! a reader wants.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codecs::Codec;

/// One undo step.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// The text is bytes in `actual` that were decoded as `read_as`: encode
    /// with `read_as`, decode with `actual`. A `?` or U+FFFD standing where
    /// the bytes need a byte that was lost comes out as one U+FFFD for the
    /// character it destroyed.
    Reinterpret { read_as: Codec, actual: Codec },
    /// A software layer turned U+00A0 into a plain space after the bytes were
    /// misread: a space that stands where `read_as` would need the byte 0xA0
    /// to complete a UTF-8 sequence is put back as that byte's character.
    SpaceWasNbsp { read_as: Codec },
    /// Pinyin readings were inserted in brackets after Chinese characters:
    /// every bracket whose text is a reading of the character before it
    /// (`會(huì)`) is removed. Fails if there is none.
    DropReadings,
    /// A reading inserter working on GBK bytes matched a character across
    /// two others and split the second; the page's decoder swallowed its
    /// lead byte with the `(`. Each `?reading)` site is rebuilt with the
    /// next recorded lost byte, which must give a straddling character with
    /// that reading (see `chinese::split`).
    RejoinSplitCharacters { lost: Vec<u8> },
    /// Simplified Chinese was converted to traditional: convert back with
    /// OpenCC's phrase tables.
    ToSimplified,
}

impl Step {
    /// Applies the step to a span's text. `None` means the step does not
    /// apply to this text (a character the codec lacks, bytes it rejects).
    pub fn apply(&self, text: &str) -> Option<String> {
        match *self {
            Step::Reinterpret { read_as, actual } => reinterpret(text, read_as, actual),
            Step::SpaceWasNbsp { read_as } => Some(restore_nbsp(text, read_as)),
            Step::DropReadings => crate::chinese::drop_readings(text),
            Step::RejoinSplitCharacters { ref lost } => crate::chinese::rejoin(text, lost),
            Step::ToSimplified => Some(crate::chinese::to_simplified(text)),
        }
    }

    /// Short words for people.
    pub fn describe(&self) -> String {
        match self {
            // Every repair describes its chain: plain concatenation costs a
            // fraction of the formatting machinery.
            Step::Reinterpret { read_as, actual } => {
                [actual.name(), " read as ", read_as.name()].concat()
            }
            Step::SpaceWasNbsp { .. } => "no-break spaces turned into spaces".to_string(),
            Step::DropReadings => "pinyin readings inserted after characters".to_string(),
            Step::RejoinSplitCharacters { lost } => {
                let bytes: Vec<String> = lost.iter().map(|b| format!("{b:02X}")).collect();
                format!(
                    "characters split by the reading inserter (lost GBK bytes {})",
                    bytes.join(" ")
                )
            }
            Step::ToSimplified => "simplified Chinese converted to traditional".to_string(),
        }
    }
}

/// The bytes a `?` or U+FFFD stood for when `read_as` could not show them.
pub(crate) const LOST_MARKERS: [char; 2] = ['?', '\u{FFFD}'];

/// Encodes `text` with `read_as` and decodes the bytes with `actual`.
///
/// Lossy input is the hard part: a strict decoder that met a byte it could
/// not map wrote `?` or U+FFFD instead, so the byte is gone. Such a marker
/// right after an incomplete UTF-8 sequence is taken as the missing byte, and
/// the character it belonged to becomes a single U+FFFD; the rest of the span
/// is still repaired. Markers anywhere else are ordinary text and kept.
pub(crate) fn reinterpret(text: &str, read_as: Codec, actual: Codec) -> Option<String> {
    if actual == Codec::Utf8 && text.contains(LOST_MARKERS) {
        return reinterpret_lossy_utf8(text, read_as);
    }
    let bytes = read_as.encode(text)?;
    actual.decode_strict(&bytes)
}

fn reinterpret_lossy_utf8(text: &str, read_as: Codec) -> Option<String> {
    // Encode piecewise so each marker's position in the byte stream is known.
    let mut bytes = Vec::with_capacity(text.len());
    let mut lost_at = Vec::new();
    let mut run_start = None;
    let flush = |bytes: &mut Vec<u8>, run: &str| -> Option<()> {
        bytes.extend(read_as.encode(run)?);
        Some(())
    };
    for (i, c) in text.char_indices() {
        if LOST_MARKERS.contains(&c)
            && needs_continuation(&bytes, run_start.map(|s| &text[s..i]), read_as)
        {
            if let Some(s) = run_start.take() {
                flush(&mut bytes, &text[s..i])?;
            }
            lost_at.push(bytes.len());
            // A placeholder continuation byte keeps the sequence's length
            // right; the character it completes is replaced below.
            bytes.push(0x80);
        } else if run_start.is_none() {
            run_start = Some(i);
        }
    }
    if let Some(s) = run_start {
        flush(&mut bytes, &text[s..])?;
    }
    decode_utf8_marking_lost(&bytes, &lost_at)
}

/// Whether the bytes so far (plus the pending run) end inside a UTF-8
/// multi-byte sequence, so that the next byte must be a continuation byte.
fn needs_continuation(done: &[u8], pending: Option<&str>, read_as: Codec) -> bool {
    let mut tail: Vec<u8> = done[done.len().saturating_sub(3)..].to_vec();
    if let Some(p) = pending {
        match read_as.encode(p) {
            Some(b) => tail.extend(b),
            None => return false,
        }
    }
    let tail = &tail[tail.len().saturating_sub(3)..];
    // Walk back over continuation bytes to the lead byte, if any.
    let conts = tail
        .iter()
        .rev()
        .take_while(|b| (0x80..0xC0).contains(*b))
        .count();
    let Some(&lead) = tail.iter().rev().nth(conts) else {
        return false;
    };
    let width = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return false,
    };
    conts + 1 < width
}

/// Decodes UTF-8 in which the bytes at `lost_at` are placeholders; every
/// character that contains one becomes U+FFFD. Anything else malformed
/// rejects the whole decoding.
fn decode_utf8_marking_lost(bytes: &[u8], lost_at: &[usize]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut lost = lost_at.iter().peekable();
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let mut hit = false;
        while lost.peek().is_some_and(|&&p| p < end) {
            lost.next();
            hit = true;
        }
        out.push(if hit { '\u{FFFD}' } else { c });
    }
    Some(out)
}

fn restore_nbsp(text: &str, read_as: Codec) -> String {
    let nbsp = read_as
        .decode_strict(&[0xA0])
        .and_then(|s| s.chars().next())
        .unwrap_or('\u{A0}');
    let mut out = String::with_capacity(text.len() + 2);
    let mut pending: Vec<u8> = Vec::new();
    for c in text.chars() {
        let wants_cont = needs_continuation(&pending, None, read_as);
        if c == ' ' && wants_cont {
            out.push(nbsp);
            pending.push(0xA0);
        } else {
            out.push(c);
            match read_as.encode(c.encode_utf8(&mut [0; 4])) {
                Some(b) => pending.extend(b),
                None => pending.clear(),
            }
        }
        let keep = pending.len().saturating_sub(3);
        pending.drain(..keep);
    }
    out
}

/// The steps of one change, in the order they are applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Chain {
    pub steps: Vec<Step>,
}

impl Chain {
    pub fn new(steps: Vec<Step>) -> Chain {
        Chain { steps }
    }

    /// Replays the chain on a span's original text.
    pub fn apply(&self, text: &str) -> Option<String> {
        let mut current = text.to_string();
        for step in &self.steps {
            current = step.apply(&current)?;
        }
        Some(current)
    }

    /// The chain in words, in the order the damage happened:
    /// "UTF-8 read as windows-1252, twice".
    pub fn describe(&self) -> String {
        // Most chains are one step.
        if let [step] = self.steps.as_slice() {
            return step.describe();
        }
        let mut parts: Vec<(String, usize)> = Vec::new();
        for step in self.steps.iter().rev() {
            let words = step.describe();
            match parts.last_mut() {
                Some((last, n)) if *last == words => *n += 1,
                _ => parts.push((words, 1)),
            }
        }
        let parts: Vec<String> = parts
            .into_iter()
            .map(|(words, n)| match n {
                1 => words,
                2 => format!("{words}, twice"),
                n => format!("{words}, {n} times"),
            })
            .collect();
        parts.join("; then ")
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn undo(read_as: Codec, actual: Codec) -> Step {
        Step::Reinterpret { read_as, actual }
    }

    #[test]
    fn reinterpret_basic() {
        let step = undo(Codec::Windows1252, Codec::Utf8);
        assert_eq!(step.apply("cafÃ©").as_deref(), Some("café"));
        assert_eq!(step.apply("café"), None);
    }

    #[test]
    fn lost_byte_becomes_one_replacement_character() {
        // "Ý" is C3 9D; 0x9D is undefined in strict windows-1252.
        let step = undo(Codec::Windows1252, Codec::Utf8);
        assert_eq!(step.apply("Ã?pe").as_deref(), Some("\u{FFFD}pe"));
        // A question mark that ends a sentence is text, not a lost byte.
        assert_eq!(step.apply("Ã© ?").as_deref(), Some("é ?"));
    }

    #[test]
    fn nbsp_restored_only_inside_a_sequence() {
        let step = Step::SpaceWasNbsp {
            read_as: Codec::Windows1252,
        };
        assert_eq!(step.apply("Ã la carte").unwrap(), "Ã\u{A0}la carte");
        assert_eq!(step.apply("a la carte").unwrap(), "a la carte");
    }

    #[test]
    fn describe_collapses_repeats_in_damage_order() {
        let twice = Chain::new(vec![undo(Codec::Windows1252, Codec::Utf8); 2]);
        assert_eq!(twice.describe(), "UTF-8 read as windows-1252, twice");
        let mixed = Chain::new(vec![
            undo(Codec::Gbk, Codec::Utf8),
            undo(Codec::Latin1, Codec::Utf8),
        ]);
        assert_eq!(
            mixed.describe(),
            "UTF-8 read as ISO-8859-1; then UTF-8 read as GBK"
        );
        assert_eq!(mixed.apply("Fran脙搂ois").as_deref(), Some("François"));
    }
}
