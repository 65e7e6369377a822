//! Candidate chains for one suspect span, and the search for the best.
//!
//! A span's characters say which codecs could have produced them: a codec
//! that cannot encode a character did not produce it. For each codec that
//! can, the span is encoded back to bytes and decoded with each codec the
//! bytes could really have been in; a decode that fails rules the pair out.
//! Most pairs die at once (a random byte string is rarely valid UTF-8), so
//! trying them all is cheap, and the survivors are ranked by plausibility.
//!
//! Layers: text damaged twice has to be undone twice, and the half-undone
//! text is often not much more plausible than the damage (`脙搂` → `Ã§` →
//! `ç`). So a candidate is ranked by the best result it leads to within the
//! layer budget, not by its own result: the search looks ahead.

use rayon::prelude::*;
use std::sync::OnceLock;

use crate::chains::{Step, LOST_MARKERS};
use crate::codecs::{Codec, CodecSet};
use crate::plausibility::{self, cost_in_context};

/// What the misread bytes really were, for the two granularities of span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Granularity {
    /// UTF-8 or a single-byte codec: ASCII bytes are never part of a
    /// character's sequence, so each run of non-ASCII text stands alone.
    NonAsciiRun,
    /// A multi-byte legacy codec (GBK, Big5, Shift_JIS, EUC): trail bytes
    /// can be ASCII letters and punctuation, so spans are whole
    /// whitespace-separated tokens.
    Token,
}

const CJK_MULTI_BYTE: [Codec; 5] = [
    Codec::Gbk,
    Codec::Big5,
    Codec::ShiftJis,
    Codec::EucJp,
    Codec::EucKr,
];

/// Western codecs that legacy text is typically misread through.
const WESTERN_READERS: [Codec; 4] = [
    Codec::Windows1252,
    Codec::Latin1,
    Codec::Ibm850,
    Codec::Windows1250,
];

/// Single-byte legacy codecs whose text shows up misread, [`DOS_ORIGINS`]
/// last.
const SINGLE_BYTE_ORIGINS: [Codec; 10] = [
    Codec::Windows1252,
    Codec::Windows1250,
    Codec::Windows1251,
    Codec::Windows1253,
    Codec::Windows1255,
    Codec::Windows1256,
    Codec::Windows1257,
    Codec::Koi8R,
    DOS_ORIGINS[0],
    DOS_ORIGINS[1],
];

/// DOS codepages whose text shows up misread. DOS text read as Latin-1
/// leaves C1 controls inside words (`Gr\u{94}áe`, `\u{81}berpr\u{81}ft` for
/// `Größe`, `überprüft`); see [`options`] for when DOS is tried.
const DOS_ORIGINS: [Codec; 2] = [Codec::Ibm437, Codec::Ibm850];

/// (read_as, actual) pairs tried on a span first, in tie-break order.
fn first_level(granularity: Granularity) -> &'static [(Codec, Codec)] {
    static RUNS: OnceLock<Vec<(Codec, Codec)>> = OnceLock::new();
    static TOKENS: OnceLock<Vec<(Codec, Codec)>> = OnceLock::new();
    match granularity {
        Granularity::NonAsciiRun => RUNS.get_or_init(|| {
            let mut pairs = inner_level().to_vec();
            for actual in SINGLE_BYTE_ORIGINS {
                let readers = WESTERN_READERS
                    .iter()
                    .chain(&[Codec::Windows1251, Codec::Koi8R]);
                for &read_as in readers {
                    if read_as != actual {
                        pairs.push((read_as, actual));
                    }
                }
            }
            pairs
        }),
        Granularity::Token => TOKENS.get_or_init(|| {
            let mut pairs = Vec::new();
            for actual in CJK_MULTI_BYTE {
                for &read_as in WESTERN_READERS.iter().chain(&CJK_MULTI_BYTE) {
                    if read_as != actual {
                        pairs.push((read_as, actual));
                    }
                }
            }
            pairs
        }),
    }
}

/// Pairs tried on the result of an earlier undo step: the outer layers of
/// real multi-layer damage are UTF-8 misreads.
fn inner_level() -> &'static [(Codec, Codec)] {
    static PAIRS: OnceLock<Vec<(Codec, Codec)>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        Codec::ALL
            .iter()
            // DOS's Central European and Greek codepages are known as the
            // encodings of old files (`fileio::detect`), not as readers of
            // UTF-8: every reader tried is a chance to explain clean text.
            .filter(|c| !matches!(c, Codec::Utf8 | Codec::Ibm852 | Codec::Ibm737))
            .map(|&read_as| (read_as, Codec::Utf8))
            .collect()
    })
}

/// One way to undo a span.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub steps: Vec<Step>,
    pub text: String,
    pub cost: f32,
    /// The cost of the original text this replaces, in the same context.
    pub original_cost: f32,
    /// The bytes of the line this replaces: the span itself, or the span
    /// plus a space that was a no-break space, or the span less clean
    /// punctuation at its edges.
    pub span: std::ops::Range<usize>,
}

/// A span's bytes in one codec, decoded with another.
struct Decoded {
    /// Which of the span's distinct encodings.
    bytes: usize,
    /// The first codec whose encoding this is; others share the decode.
    read_as: Codec,
    actual: Codec,
    text: Option<String>,
}

/// Spans at least this long evaluate their candidates on several threads.
const PARALLEL_MIN_BYTES: usize = 256;

/// Every way to undo `line[range]`: one result per first-level pair that
/// applies, each followed down further layers as far as that helps.
pub(crate) fn options(
    line: &str,
    range: std::ops::Range<usize>,
    granularity: Granularity,
    max_layers: usize,
) -> Vec<Found> {
    let span = &line[range.clone()];
    let has_cjk = span.chars().any(is_cjk_like);
    let able = CodecSet::able_to_encode(span);
    let lossy = span.contains(LOST_MARKERS);
    // CJK codecs turn misread bytes into CJK characters, and a codec that
    // cannot encode the span did not produce it.
    // DOS codepages have a letter at nearly every byte, so read back
    // through one, any symbol between letters becomes a word (`N×N` into
    // `NÎN`, `FAµST` into `FAÁST`). They are tried only on spans with a C1
    // control, the trace DOS text read as Latin-1 leaves (its letters sit
    // at 0x80-0x9F), which no symbol of real text is.
    let has_c1 = span.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c));
    let pairs: Vec<(Codec, Codec)> = first_level(granularity)
        .iter()
        .filter(|(read_as, actual)| {
            (read_as.is_single_byte() || has_cjk)
                && able.contains(*read_as)
                && (has_c1 || !DOS_ORIGINS.contains(actual))
        })
        .copied()
        .collect();
    // Encode once per codec, and decode each distinct byte string once per
    // codec: windows-1252 and ISO-8859-15 agree on most text, and each still
    // needs its own candidate so that the line-level vote sees every codec
    // that explains a span. Decoding is done here, before the candidates
    // are scored (in parallel on long spans), so nothing is shared between
    // threads but the results.
    let mut distinct: Vec<Vec<u8>> = Vec::new();
    let mut bytes_of = [None::<usize>; Codec::ALL.len()];
    if !lossy {
        for &(read_as, _) in &pairs {
            if bytes_of[read_as as usize].is_some() {
                continue;
            }
            if let Some(bytes) = read_as.encode(span) {
                let index = distinct
                    .iter()
                    .position(|b| *b == bytes)
                    .unwrap_or_else(|| {
                        distinct.push(bytes);
                        distinct.len() - 1
                    });
                bytes_of[read_as as usize] = Some(index);
            }
        }
    }
    // Each distinct decode, with the first pair that makes it.
    let decode_all = |pairs: &[(Codec, Codec)]| {
        let mut decoded: Vec<Decoded> = Vec::new();
        for &(read_as, actual) in pairs {
            if let Some(index) = bytes_of[read_as as usize] {
                if !decoded
                    .iter()
                    .any(|d| d.bytes == index && d.actual == actual)
                {
                    decoded.push(Decoded {
                        bytes: index,
                        read_as,
                        actual,
                        text: actual.decode_strict(&distinct[index]),
                    });
                }
            }
        }
        decoded
    };
    let before = plausibility::char_before(line, range.start).filter(char::is_ascii);
    let after = line[range.end..].chars().next().filter(char::is_ascii);
    let original_cost = cost_in_context(before, span, after);
    let own = |text: String, steps: Vec<Step>, replaced: std::ops::Range<usize>| {
        // Widened over a space or trimmed: the neighbour may be more of the
        // damage, which says nothing about this repair, so only ASCII
        // context counts.
        let (before, after, original_cost) = if replaced == range {
            (before, after, original_cost)
        } else {
            let before = plausibility::char_before(line, replaced.start).filter(char::is_ascii);
            let after = line[replaced.end..].chars().next().filter(char::is_ascii);
            (
                before,
                after,
                cost_in_context(before, &line[replaced.clone()], after),
            )
        };
        let own = Found {
            cost: cost_in_context(before, &text, after),
            original_cost,
            steps,
            text,
            span: replaced,
        };
        deepen(own, before, after, max_layers)
    };
    // Pairs whose codecs encode the span to the same bytes decode to the
    // same text (windows-1252, ISO-8859-15 and Latin-1 mostly agree), so
    // each distinct decode is scored and followed down once, and the pairs
    // that share it differ only in their first step.
    let followed = |decoded: &[Decoded]| -> Vec<Option<Found>> {
        let follow = |d: &Decoded| {
            let text = d.text.as_ref().filter(|t| is_new_text(span, t))?;
            let step = Step::Reinterpret {
                read_as: d.read_as,
                actual: d.actual,
            };
            Some(own(text.clone(), vec![step], range.clone()))
        };
        if span.len() >= PARALLEL_MIN_BYTES {
            decoded.par_iter().map(follow).collect()
        } else {
            decoded.iter().map(follow).collect()
        }
    };
    let try_pair = |decoded: &[Decoded],
                    followed: &[Option<Found>],
                    (read_as, actual): (Codec, Codec)|
     -> Option<Found> {
        let step = Step::Reinterpret { read_as, actual };
        let decoded = match bytes_of[read_as as usize] {
            Some(index) => {
                let at = decoded
                    .iter()
                    .position(|d| d.bytes == index && d.actual == actual)
                    .expect("every pair with bytes is decoded");
                if decoded[at].text.is_some() {
                    let mut found = followed[at].clone()?;
                    found.steps[0] = step;
                    return Some(found);
                }
                None
            }
            None => step.apply(span),
        };
        let (steps, text, replaced) = match decoded {
            Some(text) if is_new_text(span, &text) => (vec![step], text, range.clone()),
            Some(_) => return None,
            None => nbsp_variant(line, &range, read_as, actual)
                .or_else(|| trimmed(line, &range, &step))?,
        };
        Some(own(text, steps, replaced))
    };
    // UTF-8 pairs come first. A span that decodes as valid UTF-8 into text
    // with nothing implausible left is explained: a legacy codec could at
    // best tie, and ties go to the earlier pair anyway.
    let split = pairs
        .iter()
        .position(|(_, actual)| *actual != Codec::Utf8)
        .unwrap_or(pairs.len());
    let (utf8, legacy) = pairs.split_at(split);
    let run = |pairs: &[(Codec, Codec)]| -> Vec<Found> {
        let decoded = decode_all(pairs);
        let followed = followed(&decoded);
        if span.len() >= PARALLEL_MIN_BYTES {
            pairs
                .par_iter()
                .filter_map(|&pair| try_pair(&decoded, &followed, pair))
                .collect()
        } else {
            pairs
                .iter()
                .filter_map(|&pair| try_pair(&decoded, &followed, pair))
                .collect()
        }
    };
    let mut found = run(utf8);
    if !found.iter().any(|f| f.cost == 0.0 && f.gain() > 0.0) {
        found.extend(run(legacy));
    }
    found
}

/// Follows a candidate down further layers while that makes it better.
///
/// Only text that came out of a UTF-8 decode is followed: an outer layer
/// is a misread of UTF-8 bytes, and text that was produced by decoding a
/// legacy codec was not (in practice) UTF-8-encoded mojibake before.
pub(crate) fn deepen(
    found: Found,
    before: Option<char>,
    after: Option<char>,
    max_layers: usize,
) -> Found {
    let from_utf8 = matches!(
        found.steps.last(),
        Some(Step::Reinterpret {
            actual: Codec::Utf8,
            ..
        })
    );
    if !from_utf8 || found.steps.len() >= max_layers || found.text.is_ascii() {
        return found;
    }
    // As at the first layer, CJK codecs only explain CJK characters.
    let has_cjk = found.text.chars().any(is_cjk_like);
    let lossy = found.text.contains(LOST_MARKERS);
    // A single-byte codec gives one byte per character, and UTF-8 needs
    // two non-ASCII bytes in a row: text without two non-ASCII characters
    // together (most repairs are one accented letter) goes no deeper.
    if !has_cjk && !lossy && !has_non_ascii_pair(&found.text) {
        return found;
    }
    let able = CodecSet::able_to_encode(&found.text);
    let mut bytes = Vec::with_capacity(found.text.len());
    let mut deeper = Vec::new();
    for &(read_as, actual) in inner_level() {
        if !able.contains(read_as) || !(read_as.is_single_byte() || has_cjk) {
            continue;
        }
        let step = Step::Reinterpret { read_as, actual };
        // Most layers fail to decode as UTF-8; finding that out needs no
        // allocation.
        let text = if lossy {
            step.apply(&found.text)
        } else if read_as.encode_into(&found.text, &mut bytes) {
            std::str::from_utf8(&bytes).ok().map(str::to_string)
        } else {
            None
        };
        let Some(text) = text.filter(|t| is_new_text(&found.text, t)) else {
            continue;
        };
        let mut steps = found.steps.clone();
        steps.push(step);
        let next = Found {
            cost: cost_in_context(before, &text, after),
            steps,
            text,
            ..found.clone()
        };
        deeper.push(deepen(next, before, after, max_layers));
    }
    // A further layer that decodes as UTF-8 and is no less plausible is
    // taken: valid multi-byte UTF-8 rarely arises by accident, so text that
    // still decodes was still damaged (`ÃƒÂ\u{a0}` → `Ã\u{a0}` → `à`). A
    // layer that only decodes by taking a `?` for a lost byte has no such
    // claim (`\u{a0}?` read back through x-mac-cyrillic is `�`): it must be
    // more plausible, not just as plausible.
    let lost = |t: &str| t.matches('\u{FFFD}').count();
    match pick(deeper) {
        Some(d)
            if d.cost < found.cost - 1e-4
                || (d.cost <= found.cost + 1e-4 && lost(&d.text) <= lost(&found.text)) =>
        {
            d
        }
        _ => found,
    }
}

impl Found {
    pub fn gain(&self) -> f32 {
        self.original_cost - self.cost
    }

    /// The misread this undoes first, which is what spans of one line
    /// share when one mishap damaged them all.
    pub fn first_misread(&self) -> &Step {
        first_misread(&self.steps)
    }
}

/// The first misread a chain undoes: what spans of one line share when one
/// mishap damaged them all.
pub(crate) fn first_misread(steps: &[Step]) -> &Step {
    steps
        .iter()
        .find(|s| matches!(s, Step::Reinterpret { .. }))
        .expect("every chain reinterprets")
}

/// The granularity of spans a misread applies to.
pub(crate) fn granularity_of(misread: &Step) -> Granularity {
    match misread {
        Step::Reinterpret { actual, .. } if actual.is_double_byte() => Granularity::Token,
        _ => Granularity::NonAsciiRun,
    }
}

/// The lowest cost wins; among equals, the shorter chain, then the first
/// tried (the order of the pair lists puts common codecs first).
fn pick(found: impl IntoIterator<Item = Found>) -> Option<Found> {
    let mut best: Option<Found> = None;
    for f in found {
        let better = match &best {
            None => true,
            Some(b) => {
                f.cost + 1e-4 < b.cost
                    || ((f.cost - b.cost).abs() <= 1e-4 && f.steps.len() < b.steps.len())
            }
        };
        if better {
            best = Some(f);
        }
    }
    best
}

/// Whether `text` has two non-ASCII characters in a row.
pub(crate) fn has_non_ascii_pair(text: &str) -> bool {
    let mut prev_non_ascii = false;
    text.chars().any(|c| {
        let pair = prev_non_ascii && !c.is_ascii();
        prev_non_ascii = !c.is_ascii();
        pair
    })
}

/// A result that changes the text and does not conjure U+FFFD out of
/// bytes that happen to encode it (`锟斤拷` decodes to two of them).
fn is_new_text(old: &str, new: &str) -> bool {
    old != new && new.matches('\u{FFFD}').count() <= old.matches(LOST_MARKERS).count()
}

/// UTF-8 misread as a single-byte codec, then U+00A0 turned into a space:
/// the span ends inside a sequence and a space follows it.
///
/// A space after a misread is usually just a space, so the variant is only
/// taken where the line says more: a second space follows (`Ã  la`, the
/// no-break space and the real one), the misread goes on right after it
/// (`ÐŸÐ ÐžÐ¥`), or the repaired character joins a word as no-break
/// spaces and lower-case letters do (`CittÃ ,` → `Città,`, `Ã s` → `às`,
/// `ditÂ :` → `dit\u{a0}:`). `PÅ TORGET` (`Š` would glue two capitalised
/// words) and a standalone `Â` stay as they are.
fn nbsp_variant(
    line: &str,
    range: &std::ops::Range<usize>,
    read_as: Codec,
    actual: Codec,
) -> Option<(Vec<Step>, String, std::ops::Range<usize>)> {
    if actual != Codec::Utf8 || !read_as.is_single_byte() || !line[range.end..].starts_with(' ') {
        return None;
    }
    let steps = vec![
        Step::SpaceWasNbsp { read_as },
        Step::Reinterpret { read_as, actual },
    ];
    let replaced = range.start..range.end + 1;
    let extended = &line[replaced.clone()];
    let mut text = extended.to_string();
    for step in &steps {
        text = step.apply(&text)?;
    }
    let rest = &line[replaced.end..];
    let last = extended
        .trim_end_matches(' ')
        .chars()
        .next_back()
        .map_or(0, char::len_utf8);
    let glued = line[..range.end - last]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace());
    let joins_lower = rest.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let repaired = text.chars().next_back();
    let supported = rest.starts_with(' ')
        || rest.chars().next().is_some_and(|c| !c.is_ascii())
        || (repaired == Some('\u{A0}') && glued)
        || (repaired.is_some_and(char::is_lowercase) && (glued || joins_lower));
    (supported && is_new_text(extended, &text)).then_some((steps, text, replaced))
}

/// A misread run with clean punctuation at its edges (`Ξ²ΞΏΞ®ΞΈΞµΞΉΞ±·`): the
/// longest inner span, losing at most two characters at each end, that the
/// step undoes.
fn trimmed(
    line: &str,
    range: &std::ops::Range<usize>,
    step: &Step,
) -> Option<(Vec<Step>, String, std::ops::Range<usize>)> {
    let Step::Reinterpret {
        read_as,
        actual: Codec::Utf8,
    } = *step
    else {
        return None;
    };
    if !read_as.is_single_byte() {
        return None;
    }
    let span = &line[range.clone()];
    let bounds: Vec<usize> = span
        .char_indices()
        .map(|(i, _)| i)
        .chain([span.len()])
        .collect();
    let n = bounds.len() - 1;
    let mut best: Option<(Vec<Step>, String, std::ops::Range<usize>)> = None;
    for cut_front in 0..=2.min(n) {
        for cut_back in 0..=2.min(n - cut_front) {
            if cut_front + cut_back == 0 || n - cut_front - cut_back < 2 {
                continue;
            }
            let inner = bounds[cut_front]..bounds[n - cut_back];
            let longer = best.as_ref().is_none_or(|b| inner.len() > b.2.len());
            if !longer {
                continue;
            }
            if let Some(text) = step
                .apply(&span[inner.clone()])
                .filter(|t| is_new_text(&span[inner.clone()], t))
            {
                best = Some((
                    vec![step.clone()],
                    text,
                    range.start + inner.start..range.start + inner.end,
                ));
            }
        }
    }
    best
}

/// Characters only a CJK codec produces.
fn is_cjk_like(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7FF
        | 0xE000..=0xF8FF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
}
