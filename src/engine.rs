//! The repair engine: finds suspect spans, tries the decode chains their
//! characters allow, and keeps a chain only when its result is clearly more
//! plausible than the input.
//!
//! The work is per line, because damage is: a misread happens to a field, a
//! record, a file, and never joins two lines (so texts are split at line
//! ends and repaired in parallel, with the same result as in one piece).
//! Lines that the plausibility screen finds unremarkable, nearly all clean
//! text, cost one table lookup per non-ASCII character and nothing more,
//! except for one line-level check: Korean read as GBK is made of valid,
//! ordinary Han characters, and only the shape of a whole line shows it
//! (`korean_as_gbk.rs`).
//!
//! For the rest, every span of the line gets its candidate chains
//! (`candidates.rs`), and then misreads compete: the one whose spans
//! gain most in total wins the line, spans that show nothing of their own
//! (`Ã?`, `Ã `, `¹`) join it if it does them no harm, and the next misread
//! takes what is left. A line that the winners leave about as garbled as
//! they found it is in an encoding no chain reads, and chance made the
//! scraps they explain: it is left as it is and reported. Across a text, a
//! legacy misread that several lines show also carries the lines that show
//! nothing. Chinese forensics runs
//! last, on the text with its bytes put right, and its spans are mapped
//! back so that every change is a span of the input with a chain that
//! replays from it.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::ops::Range;
use std::rc::Rc;

use rayon::prelude::*;
use serde::Serialize;

use crate::candidates::{self, Found, Granularity};
use crate::chains::{Chain, Step, LOST_MARKERS};
use crate::chinese;
use crate::codecs::Codec;
use crate::korean_as_gbk;
use crate::plausibility::{self, Class};
use crate::suppression;

/// What the engine may do.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many wrong-decode layers to undo at most.
    pub max_layers: usize,
    /// Convert text found to be machine-converted traditional Chinese back
    /// to simplified. Off by default: real traditional text must never be
    /// converted.
    pub zh_to_simplified: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_layers: 3,
            zh_to_simplified: false,
        }
    }
}

impl Options {
    pub fn max_layers(mut self, n: usize) -> Self {
        self.max_layers = n;
        self
    }

    pub fn zh_to_simplified(mut self, yes: bool) -> Self {
        self.zh_to_simplified = yes;
        self
    }
}

/// The kinds of damage unbake names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Bytes decoded with the wrong codec, one or more times.
    Mojibake,
    /// Bytes that were lost to `?` or U+FFFD and cannot be recovered.
    LostBytes,
    /// `锟斤拷`: U+FFFD's UTF-8 bytes read as GBK, the original text is gone.
    ReplacementGarbage,
    /// `烫烫烫` / `屯屯屯`: uninitialised memory printed as GBK.
    UninitialisedMemory,
    /// Pinyin readings inserted in brackets after Chinese characters.
    PinyinReadings,
    /// Chinese characters split by a reading inserter working on GBK bytes.
    SplitCharacters,
    /// Traditional Chinese made by converting simplified text character by
    /// character.
    MachineConvertedTraditional,
    /// Text that no decode chain reads, as text in an encoding unbake does
    /// not know reads.
    Unreadable,
}

impl Family {
    pub fn describe(self) -> &'static str {
        match self {
            Family::Mojibake => "mojibake",
            Family::LostBytes => "bytes lost to '?' or U+FFFD",
            Family::ReplacementGarbage => "replacement characters misread (锟斤拷, ï¿½)",
            Family::UninitialisedMemory => "uninitialised memory shown as text (烫烫烫)",
            Family::PinyinReadings => "pinyin readings inserted after characters",
            Family::SplitCharacters => "characters split by a reading inserter",
            Family::MachineConvertedTraditional => "machine-converted traditional Chinese",
            Family::Unreadable => "text no decode chain reads",
        }
    }
}

/// One repaired span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// Byte range of the span in the input.
    pub span: Range<usize>,
    pub before: String,
    pub after: String,
    pub family: Family,
    pub chain: Chain,
    /// How sure the engine is, from 0 to 1.
    pub confidence: f32,
    /// Why the engine believes the repair, in words.
    pub evidence: String,
}

/// Damage the engine reports but does not (or cannot) repair.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Byte range in the input.
    pub span: Range<usize>,
    pub family: Family,
    pub detail: String,
}

/// The result of [`repair`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Repair {
    pub text: String,
    pub changes: Vec<Change>,
    pub findings: Vec<Finding>,
}

impl Repair {
    /// True if the repair changed nothing.
    pub fn is_unchanged(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Repairs `text`: every span that a wrong-decode chain explains clearly
/// better than the text itself is undone; everything else comes back byte
/// for byte, and so do lines marked `unbake: ignore` (`suppression`).
pub fn repair(text: &str, options: &Options) -> Repair {
    let mut changes = Vec::new();
    let mut findings = garbage_findings(text);
    if !text.is_ascii() {
        // The characters a reading inserter's split site shifted out of
        // step are its damage, not a misread's: a rare character there is
        // not UTF-8 read as GBK, nor a `?` beside it a lost byte, and a line
        // repaired for them would take clean characters along. The engine
        // reads around them and leaves them to the forensics below.
        let runs = chinese::split_runs(text);
        let mut memo = Memo::default();
        let mut from = 0;
        for run in runs.iter().chain([&(text.len()..text.len())]) {
            if run.start > from {
                let part = &text[from..run.start];
                repair_part(part, from, options, &mut memo, &mut changes, &mut findings);
            }
            from = from.max(run.end);
        }
    }
    let mut repaired = if changes.is_empty() {
        text.to_string()
    } else {
        apply_changes(text, &changes)
    };
    // Chinese forensics reads the text as it is once the bytes are right.
    let (zh_changes, zh_findings) = chinese::repair(&repaired, options);
    if !zh_changes.is_empty() || !zh_findings.is_empty() {
        let map = OffsetMap::new(&changes);
        for f in zh_findings {
            findings.push(Finding {
                span: map
                    .to_input(&f.span, true)
                    .expect("lenient mapping always maps"),
                ..f
            });
        }
        // A forensic change inside a span the engine already rewrote has no
        // replayable chain from the input; it is left for a second run.
        let mapped: Vec<Change> = zh_changes
            .into_iter()
            .filter_map(|c| {
                map.to_input(&c.span, false)
                    .map(|span| Change { span, ..c })
            })
            .collect();
        if !mapped.is_empty() {
            changes.extend(mapped);
            changes.sort_by_key(|c| c.span.start);
            repaired = apply_changes(text, &changes);
        }
    }
    if (!changes.is_empty() || !findings.is_empty())
        && suppression::leave_marked_lines(text, &mut changes, &mut findings)
    {
        repaired = apply_changes(text, &changes);
    }
    findings.sort_by_key(|f| f.span.start);
    Repair {
        text: repaired,
        changes,
        findings,
    }
}

/// Maps byte offsets in repaired text back to the input.
struct OffsetMap {
    /// For each change, in order: its span in the input and in the output.
    spans: Vec<(Range<usize>, Range<usize>)>,
}

impl OffsetMap {
    fn new(changes: &[Change]) -> Self {
        let mut delta: isize = 0;
        let spans = changes
            .iter()
            .map(|c| {
                let start = (c.span.start as isize + delta) as usize;
                delta += c.after.len() as isize - c.before.len() as isize;
                (c.span.clone(), start..start + c.after.len())
            })
            .collect();
        OffsetMap { spans }
    }

    /// The input range for an output range. A range that overlaps a changed
    /// span maps only when `lenient`, to the union with that span.
    fn to_input(&self, out: &Range<usize>, lenient: bool) -> Option<Range<usize>> {
        let mut delta: isize = 0;
        let (mut start, mut end) = (None, None);
        for (input, output) in &self.spans {
            if output.end <= out.start {
                delta = input.end as isize - output.end as isize;
                continue;
            }
            if output.start >= out.end {
                break;
            }
            if !lenient {
                return None;
            }
            start.get_or_insert(input.start.min((out.start as isize + delta) as usize));
            end = Some(input.end);
        }
        let start = start.unwrap_or((out.start as isize + delta) as usize);
        let end = end.map_or((out.end as isize + delta) as usize, |e| {
            e.max((out.end as isize + delta) as usize)
        });
        Some(start..end)
    }
}

/// Texts at least this long are repaired in parallel chunks.
const PARALLEL_MIN_BYTES: usize = 1 << 20;
const PARALLEL_CHUNK_BYTES: usize = 256 << 10;

/// Repairs the lines of `part`, which starts at `base` in the text: in
/// parallel chunks when it is long. Repairs never cross a line, so chunks
/// split at newlines are independent. The memo is per worker, not per
/// chunk: damage repeats across a whole file.
fn repair_part(
    part: &str,
    base: usize,
    options: &Options,
    memo: &mut Memo,
    changes: &mut Vec<Change>,
    findings: &mut Vec<Finding>,
) {
    if part.len() < PARALLEL_MIN_BYTES {
        repair_lines(part, base, options, memo, changes, findings);
        return;
    }
    let results: Vec<(Vec<Change>, Vec<Finding>)> = line_aligned_chunks(part, PARALLEL_CHUNK_BYTES)
        .into_par_iter()
        .map_init(Memo::default, |memo, (offset, chunk)| {
            let (mut c, mut f) = (Vec::new(), Vec::new());
            repair_lines(chunk, base + offset, options, memo, &mut c, &mut f);
            (c, f)
        })
        .collect();
    for (c, f) in results {
        changes.extend(c);
        findings.extend(f);
    }
}

fn line_aligned_chunks(text: &str, size: usize) -> Vec<(usize, &str)> {
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + size).min(text.len());
        if end < text.len() {
            end = match text.as_bytes()[end..].iter().position(|&b| b == b'\n') {
                Some(i) => end + i + 1,
                None => text.len(),
            };
        }
        chunks.push((start, &text[start..end]));
        start = end;
    }
    chunks
}

fn repair_lines(
    text: &str,
    base: usize,
    options: &Options,
    memo: &mut Memo,
    changes: &mut Vec<Change>,
    findings: &mut Vec<Finding>,
) {
    let first = changes.len();
    let first_finding = findings.len();
    let mut votes = Votes::default();
    // Lines whose repairs would carry the text's letters out of their
    // script, or its box drawing out of its tables.
    let mut weighed = Vec::new();
    let mut garbled = Vec::new();
    for (offset, line) in non_ascii_lines(text, base) {
        let before = changes.len();
        if !plausibility::is_unremarkable(line) {
            let repaired = LineRepair::new(line).run(options, memo);
            if let Some(why) = repaired.garbled {
                garbled.push((offset..offset + line.trim_end().len(), why));
            }
            repaired.emit(offset, changes, findings);
        } else {
            changes.extend(korean_as_gbk::repair(line, offset));
        }
        let repairs = &changes[before..];
        if repairs.is_empty() {
            continue;
        }
        weighed.extend(
            Carried::of(line, repairs).map(|carried| (offset..offset + line.len(), carried)),
        );
        votes.add(repairs);
    }
    let refused = keep_the_texts_own(text, base, weighed, changes, first);
    let left = leave_the_garbled(text, base, garbled, changes, first, findings, first_finding);
    if refused || left {
        // Rare: counted again with the refused repairs gone.
        votes = Votes::default();
        for (_, _, repairs) in lines_with_changes(text, base, &changes[first..]) {
            votes.add(repairs);
        }
    }
    if let Some((misread, lines)) = votes.winner() {
        let untouched = untouched_lines(text, base, &changes[first..]);
        follow_the_text(&misread, lines, untouched, changes);
    }
}

/// Leaves as they are, and reports, the lines whose repairs leave them
/// garbled (see [`LEFT_GARBLED`]), and tells whether it left any. A line
/// whose repairs [`keep_the_texts_own`] has refused already is the text's
/// own, not garbled. Where garbled lines are most of those repaired in the
/// stretch, and at least [`VOTE_MIN_LINES`], the whole stretch is in an
/// encoding the engine does not know, and what its other lines seem to
/// show is chance in the same encoding: they are left and reported too.
fn leave_the_garbled(
    text: &str,
    base: usize,
    garbled: Vec<(Range<usize>, Garbled)>,
    changes: &mut Vec<Change>,
    first: usize,
    findings: &mut Vec<Finding>,
    first_finding: usize,
) -> bool {
    let ours = &changes[first..];
    let garbled: Vec<(Range<usize>, Garbled)> = garbled
        .into_iter()
        .filter(|(span, _)| {
            let next = ours.partition_point(|c| c.span.start < span.start);
            ours.get(next).is_some_and(|c| span.contains(&c.span.start))
        })
        .collect();
    if garbled.is_empty() {
        return false;
    }
    let repaired: Vec<Range<usize>> = lines_with_changes(text, base, ours)
        .filter(|(_, _, repairs)| !repairs.is_empty())
        .map(|(offset, line, _)| offset..offset + line.trim_end().len())
        .collect();
    let whole = garbled.len() >= VOTE_MIN_LINES && garbled.len() * 2 > repaired.len();
    let left: Vec<(Range<usize>, Garbled)> = if whole {
        let text_wide = Garbled::Text(garbled.len(), repaired.len());
        // Both in the text's order, the garbled lines among the repaired.
        let mut unread = garbled.into_iter().peekable();
        repaired
            .into_iter()
            .map(|span| match unread.next_if(|(g, _)| *g == span) {
                Some(line) => line,
                None if lists_a_chart(&text[span.start - base..span.end - base]) => {
                    (span, Garbled::Chart)
                }
                None => (span, text_wide),
            })
            .collect()
    } else {
        garbled
    };
    // In order, and lines do not overlap.
    let in_left = |at: usize| {
        let after = left.partition_point(|(span, _)| span.start <= at);
        after > 0 && left[after - 1].0.contains(&at)
    };
    let mut ours = changes.split_off(first);
    ours.retain(|c| !in_left(c.span.start));
    changes.extend(ours);
    // The lost bytes a repair would have shown go with it.
    let mut reported = findings.split_off(first_finding);
    reported.retain(|f| !in_left(f.span.start));
    findings.extend(reported);
    findings.extend(left.into_iter().filter_map(|(span, why)| why.finding(span)));
    true
}

/// The lines of `text` (which starts at `base`) with characters beyond
/// ASCII, each with its offset: the only lines the engine reads.
fn non_ascii_lines(text: &str, base: usize) -> impl Iterator<Item = (usize, &str)> {
    lines(text)
        .scan(base, |offset, line| {
            let at = *offset;
            *offset += line.len();
            Some((at, line))
        })
        .filter(|(_, line)| !line.is_ascii())
}

/// Each line of [`non_ascii_lines`] with the repairs made in it, from
/// `changes`, which are in order and each within a line.
fn lines_with_changes<'t, 'c>(
    text: &'t str,
    base: usize,
    changes: &'c [Change],
) -> impl Iterator<Item = (usize, &'t str, &'c [Change])> {
    let mut next = 0;
    non_ascii_lines(text, base).map(move |(offset, line)| {
        let from = next;
        while changes
            .get(next)
            .is_some_and(|c| c.span.start < offset + line.len())
        {
            next += 1;
        }
        (offset, line, &changes[from..next])
    })
}

/// The lines of [`non_ascii_lines`] that `changes` leave as they are.
fn untouched_lines<'t>(text: &'t str, base: usize, changes: &[Change]) -> Vec<(usize, &'t str)> {
    lines_with_changes(text, base, changes)
        .filter(|(_, _, repairs)| repairs.is_empty())
        .map(|(offset, line, _)| (offset, line))
        .collect()
}

/// The document-level vote's count, line by line: for each legacy
/// single-byte misread, the lines it repaired; and the lines repaired at
/// all.
#[derive(Default)]
struct Votes {
    votes: Vec<(Step, usize)>,
    repaired_lines: usize,
}

impl Votes {
    /// Counts a line's repairs, if it has any.
    fn add(&mut self, repairs: &[Change]) {
        if repairs.is_empty() {
            return;
        }
        self.repaired_lines += 1;
        let mut seen: Vec<&Step> = Vec::new();
        for change in repairs {
            let misread = candidates::first_misread(&change.chain.steps);
            if matches!(misread, Step::Reinterpret { actual, .. } if actual.is_single_byte())
                && !seen.contains(&misread)
            {
                seen.push(misread);
                match self.votes.iter_mut().find(|(m, _)| m == misread) {
                    Some((_, n)) => *n += 1,
                    None => self.votes.push((misread.clone(), 1)),
                }
            }
        }
    }

    /// The one misread that repaired enough lines, and most of those
    /// repaired, for the rest of the text to follow it; with its lines.
    fn winner(self) -> Option<(Step, usize)> {
        match <[_; 1]>::try_from(self.votes) {
            Ok([(misread, lines)])
                if lines >= VOTE_MIN_LINES && lines * 2 > self.repaired_lines =>
            {
                Some((misread, lines))
            }
            _ => None,
        }
    }
}

/// Distinct letters a repaired span must hold for [`keep_the_texts_own`]
/// to weigh it: fewer are no alphabet (`NÃO` has one, and so does the `Ã`
/// of `cafÃ©`).
const ALPHABET_LETTERS: usize = 4;

/// Cyrillic and Greek letters a typist puts in a Latin word for their
/// Latin twins (`viсs@` with a Cyrillic `с`, the key a keyboard layout puts
/// Latin `c` on), and windows-1251 and -1253 give for Western letters
/// (`ñ`, `î`). One alone on a line is a slip; more are weighed as a run
/// would be: in a text that writes them elsewhere, slips explain them as
/// well as a misread.
const LATIN_LOOKALIKES: &str = "аеорсухіјѕАВЕКМНОРСТХІЈЅοΑΒΕΖΗΙΚΜΝΟΡΤΥΧ";

/// The alphabet of a letter beyond ASCII, of those a text is written in
/// and a misread turns into another script: Latin, Greek or Cyrillic (as
/// [`plausibility::alphabet`] numbers them); `None` for anything else.
fn text_alphabet(c: char) -> Option<u8> {
    if c.is_ascii() {
        return None;
    }
    Some(plausibility::alphabet(c)).filter(|a| (1..=3).contains(a))
}

/// The alphabet a repair carries out of the text: that of the first
/// character it replaces beyond ASCII, where what it puts in their place
/// has no letter of that alphabet beyond ASCII.
fn alphabet_left(change: &Change) -> Option<u8> {
    let first = change.before.chars().find(|c| !c.is_ascii())?;
    let alphabet = text_alphabet(first)?;
    let kept = change
        .after
        .chars()
        .any(|c| text_alphabet(c) == Some(alphabet));
    (!kept).then_some(alphabet)
}

fn folded(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The alphabet and the letters (in lower case) of the runs a line's
/// repairs carry out of their script, if those runs are letters of one
/// alphabet and nothing else: [`Carried::Letters`] if at least
/// [`ALPHABET_LETTERS`] of them or only [`LATIN_LOOKALIKES`], else
/// [`Carried::Few`] if they are Greek or Cyrillic.
fn letters_carried_out(repairs: &[Change]) -> Option<Carried> {
    let mut alphabet = None;
    let mut found = BTreeSet::new();
    let mut lookalikes = true;
    for change in repairs {
        let Some(left) = alphabet_left(change) else {
            continue;
        };
        if alphabet.is_some_and(|a| a != left) {
            return None;
        }
        alphabet = Some(left);
        for c in change.before.chars().filter(|c| !c.is_ascii()) {
            if text_alphabet(c) != Some(left) {
                return None;
            }
            lookalikes &= LATIN_LOOKALIKES.contains(c);
            found.insert(folded(c));
        }
    }
    let alphabet = alphabet?;
    if lookalikes && found.len() == 1 {
        // One slip (`deсode` in strace's changelog) needs no evidence from
        // the rest of the text: a misread shows more than one letter.
        found.clear();
    }
    if lookalikes || found.len() >= ALPHABET_LETTERS {
        Some(Carried::Letters(alphabet, found))
    } else {
        (alphabet != LATIN).then_some(Carried::Few(alphabet, found))
    }
}

/// [`plausibility::alphabet`]'s number for Latin.
const LATIN: u8 = 1;

/// Whether a repair carries box-drawing characters out of the text.
fn carries_box_drawing(change: &Change) -> bool {
    change.before.chars().any(is_box_drawing) && !change.after.chars().any(is_box_drawing)
}

/// Whether a repair replaces characters beyond ASCII, none of them a
/// letter: box drawing and the symbols a table holds.
fn carries_no_letters(change: &Change) -> bool {
    let mut beyond_ascii = change.before.chars().filter(|c| !c.is_ascii()).peekable();
    beyond_ascii.peek().is_some() && !beyond_ascii.any(plausibility::is_any_letter)
}

/// Box drawing and block elements, as the plausibility model classes them.
fn is_box_drawing(c: char) -> bool {
    plausibility::class_of(c) == Class::Box
}

/// The box drawing of a line, each with its column (in characters).
fn box_columns(line: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    line.chars().enumerate().filter(|&(_, c)| is_box_drawing(c))
}

/// Whether a line draws a table's rule: three of the same box-drawing
/// character in a row (`───`, `═══`). Misreads put box drawing between
/// letters (`╨┐╤А`), never one cell three times.
fn draws_a_rule(line: &str) -> bool {
    has_run(line, 3, |a, b| a == b && is_box_drawing(b))
}

/// Whether `text` has `len` characters in a row, each following the one
/// before as `follows` says.
fn has_run(text: &str, len: usize, follows: impl Fn(char, char) -> bool) -> bool {
    let mut chars = text.chars();
    let Some(mut prev) = chars.next() else {
        return false;
    };
    let mut run = 1;
    chars.any(|c| {
        run = if follows(prev, c) { run + 1 } else { 1 };
        prev = c;
        run >= len
    })
}

/// What a line's repairs would carry out of the text, to be weighed
/// against the lines left as they are.
enum Carried {
    /// A run of letters out of their alphabet: see [`letters_carried_out`].
    Letters(u8, BTreeSet<char>),
    /// Fewer Greek or Cyrillic letters than make an alphabet, not all of
    /// them [`LATIN_LOOKALIKES`], each between Latin ones (`aжbжcжd`,
    /// `abcгде`, in a test of string functions): Western text read as
    /// windows-1251 (`Mдdchen`) or a test string written so. A text whose
    /// untouched lines write those letters in words of two or more letters
    /// of their own alphabet (`'абв'`, `'кабан'`) writes them; a damaged
    /// one shows them glued to Latin (even where a damaged line is left:
    /// `Jag дr hemma.`) or alone (French `à` read as windows-1251 is `а`).
    Few(u8, BTreeSet<char>),
    /// Box drawing, turned into letters (`│optcode` into `łoptcode`, as
    /// windows-1250 read as IBM850), with the symbols in its cells (`¶│`
    /// into `ôł`, in a keymap's table); and whether the line's repairs
    /// carry letters too (`Æ│` into `挸`, GBK read as IBM850).
    BoxDrawing { letters: bool },
}

impl Carried {
    fn of(line: &str, repairs: &[Change]) -> impl Iterator<Item = Carried> {
        let letters = letters_carried_out(repairs);
        let letters_too = !repairs.iter().all(carries_no_letters);
        // A row with letters is told by its columns, which takes two, and
        // it opens with its border (`// ║ A Æ│`).
        let row = || {
            line.chars()
                .find(|c| !c.is_ascii())
                .is_some_and(is_box_drawing)
                && box_columns(line).nth(1).is_some()
        };
        let boxes = (repairs.iter().any(carries_box_drawing) && (!letters_too || row())).then_some(
            Carried::BoxDrawing {
                letters: letters_too,
            },
        );
        letters.into_iter().chain(boxes)
    }

    /// Whether `change` is one of the repairs that carry this.
    fn by(&self, change: &Change) -> bool {
        match self {
            Carried::Letters(alphabet, _) | Carried::Few(alphabet, _) => {
                alphabet_left(change) == Some(*alphabet)
            }
            Carried::BoxDrawing { letters: false } => carries_no_letters(change),
            Carried::BoxDrawing { letters: true } => change.before.chars().any(is_box_drawing),
        }
    }
}

/// Refuses repairs that turn a run of the text's own letters into another
/// script, and tells whether it refused any. `áéýúíóþæðö` reads as Greek
/// through windows-1253, and its capitals as Han through EUC-JP, both more
/// plausible than ten accented letters in a row; Bulgarian `РАЗМEР`, its
/// `E` a Latin one, reads as windows-1252 (`ÐÀÇÌEÐ`), and Ukrainian column
/// heads run together (`РозмФайлРозмПам`) as Arabic through windows-1256.
/// But where the lines the engine leaves as they are (in the same stretch
/// of text: a chunk of a long one) write every one of those letters (an
/// Icelandic catalogue, its alphabet listed among its messages; a
/// Bulgarian one), the run is in the text's alphabet, not a misread. A text
/// damaged by a misread shows the misread's letters in its damaged lines
/// only: a Russian line read as windows-1252 (`Ïðèâåò`) in French text has
/// `ð` and `å`, which French does not write. Repairs within a script
/// (Polish read as windows-1252, KOI8-R read as windows-1251) are not
/// weighed; the rule is for runs a repair would carry out of the script the
/// text reads in. Box drawing is weighed likewise: in a text that draws
/// tables (a rule of `───` left as it is), `│optcode│` is a table's row,
/// not windows-1250 read as IBM850. Where the line's repairs carry letters
/// too, the line is a row only if its box drawing stands in the columns of
/// the rules' (`║ A Æ│ U Ù│` under `╠═══════╩╗───┴┬───┴┬`): a line of
/// Polish read as IBM850 has `│` for `ł` among other damage (`£` for `ś`,
/// `ó│µ` for `łć`), wherever its words put it. `weighed` holds each line
/// with what its repairs carry.
fn keep_the_texts_own(
    text: &str,
    base: usize,
    weighed: Vec<(Range<usize>, Carried)>,
    changes: &mut Vec<Change>,
    first: usize,
) -> bool {
    if weighed.is_empty() {
        return false;
    }
    let untouched = untouched_lines(text, base, &changes[first..]);
    // Each worked out only if some line is weighed against it.
    let written: OnceCell<BTreeSet<(u8, char)>> = OnceCell::new();
    let written = || {
        written.get_or_init(|| {
            untouched
                .iter()
                .flat_map(|(_, line)| line.chars())
                .filter_map(|c| text_alphabet(c).map(|a| (a, folded(c))))
                .collect()
        })
    };
    // Letters the untouched lines write in words wholly of their alphabet.
    let in_words: OnceCell<BTreeSet<(u8, char)>> = OnceCell::new();
    let in_words = || {
        in_words.get_or_init(|| {
            untouched
                .iter()
                .flat_map(|(_, line)| line.split(|c: char| !plausibility::is_any_letter(c)))
                .filter_map(|word| {
                    let alphabet = text_alphabet(word.chars().next()?)?;
                    let own = word.chars().all(|c| text_alphabet(c) == Some(alphabet));
                    (own && word.chars().nth(1).is_some()).then_some((alphabet, word))
                })
                .flat_map(|(alphabet, word)| word.chars().map(move |c| (alphabet, folded(c))))
                .collect()
        })
    };
    // If the text draws tables, the columns where their rules cross or
    // turn.
    let tables: OnceCell<Option<BTreeSet<usize>>> = OnceCell::new();
    let tables = || {
        tables.get_or_init(|| {
            let mut rules = untouched
                .iter()
                .filter(|(_, line)| draws_a_rule(line))
                .peekable();
            rules.peek()?;
            Some(
                rules
                    .flat_map(|(_, line)| box_columns(line))
                    .filter(|&(_, c)| !matches!(c, '─' | '━' | '═'))
                    .map(|(column, _)| column)
                    .collect(),
            )
        })
    };
    let refused: Vec<(Range<usize>, Carried)> = weighed
        .into_iter()
        .filter(|(range, carried)| match carried {
            Carried::Letters(alphabet, letters) => {
                letters.iter().all(|&c| written().contains(&(*alphabet, c)))
            }
            Carried::Few(alphabet, letters) => letters
                .iter()
                .all(|&c| in_words().contains(&(*alphabet, c))),
            Carried::BoxDrawing { letters: false } => tables().is_some(),
            Carried::BoxDrawing { letters: true } => tables().as_ref().is_some_and(|columns| {
                let line = &text[range.start - base..range.end - base];
                box_columns(line).all(|(column, _)| columns.contains(&column))
            }),
        })
        .collect();
    if refused.is_empty() {
        return false;
    }
    let mut ours = changes.split_off(first);
    ours.retain(|c| {
        !refused
            .iter()
            .any(|(line, carried)| line.contains(&c.span.start) && carried.by(c))
    });
    changes.extend(ours);
    true
}

/// The lines of `text`, each with its line break, as `split_inclusive('\n')`
/// gives them but found with memchr's vectorised search: every text passes
/// through here.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|newline| newline + 1)
        .chain(std::iter::once(text.len()))
        .filter_map(move |end| {
            let line = (start < end).then(|| &text[start..end]);
            start = end;
            line
        })
}

/// Lines a legacy misread must have repaired before the rest of the text
/// follows it.
const VOTE_MIN_LINES: usize = 2;

/// The document-level vote. When one legacy single-byte misread (KOI8-R
/// read as windows-1251, say) and no other has repaired several lines of a
/// text, and most of the lines repaired at all, that is how the whole text
/// was read: lines with no evidence of their own (an all-capital header,
/// `ЖБНЙМЙС,ЙНС,ЗПТПД`) follow it where that adds no evidence of damage and
/// makes them clearly more like real text. UTF-8 misreads need no vote: their spans carry their own evidence.
fn follow_the_text(
    misread: &Step,
    lines: usize,
    untouched: Vec<(usize, &str)>,
    changes: &mut Vec<Change>,
) {
    let chain = Chain::new(vec![misread.clone()]);
    for (offset, line) in untouched {
        let runs: Vec<(Range<usize>, String)> = spans_of(line)
            .filter_map(|r| {
                misread
                    .apply(&line[r.clone()])
                    .filter(|t| *t != line[r.clone()])
                    .map(|t| (r, t))
            })
            .collect();
        if runs.is_empty() {
            continue;
        }
        let fixed = splice(line, &runs);
        let structural = |t: &str| plausibility::structural_cost_in_context(None, t, None);
        let full = |t: &str| plausibility::cost_in_context(None, t, None);
        if structural(&fixed) > structural(line) || full(&fixed) + MIN_GAIN / 2.0 > full(line) {
            continue;
        }
        for (range, after) in runs {
            changes.push(Change {
                span: offset + range.start..offset + range.end,
                before: line[range].to_string(),
                after,
                family: Family::Mojibake,
                chain: chain.clone(),
                confidence: 0.6,
                evidence: format!(
                    "{chain}: the same misread repaired {lines} other lines of this text"
                ),
            });
        }
    }
    changes.sort_by_key(|c| c.span.start);
}

fn spans_of(line: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    spans(line, Granularity::NonAsciiRun)
}

fn splice(line: &str, runs: &[(Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for (range, text) in runs {
        out.push_str(&line[at..range.start]);
        out.push_str(text);
        at = range.end;
    }
    out.push_str(&line[at..]);
    out
}

/// Patterns that are damage but carry no trace of the text they replaced.
/// Uninitialised memory fills a buffer, so it takes three of its character
/// to tell it from words: `烫烫` is Chinese for scalding hot, and both it
/// and `屯屯` are in jieba's dictionary.
const GARBAGE: [(&str, Family, &str); 4] = [
    ("锟斤拷", Family::ReplacementGarbage, "U+FFFD replacement characters whose UTF-8 bytes were read as GBK; the original text is gone"),
    ("ï¿½", Family::ReplacementGarbage, "a U+FFFD replacement character whose UTF-8 bytes were read as windows-1252; the original text is gone"),
    ("烫烫烫", Family::UninitialisedMemory, "bytes 0xCC (uninitialised stack memory) shown as GBK; there was never text here"),
    ("屯屯屯", Family::UninitialisedMemory, "bytes 0xCD (uninitialised heap memory) shown as GBK; there was never text here"),
];

fn garbage_findings(text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    if text.is_ascii() {
        return findings;
    }
    for (pattern, family, detail) in GARBAGE {
        let first = pattern.chars().next().expect("patterns are not empty");
        let repeated = pattern.chars().all(|c| c == first);
        let finder = memchr::memmem::Finder::new(pattern);
        let mut at = 0;
        while let Some(i) = finder.find(&text.as_bytes()[at..]) {
            let start = at + i;
            // Extend over the whole repetition, counting it as one finding.
            let mut end = start + pattern.len();
            if repeated {
                end += text[end..].len() - text[end..].trim_start_matches(first).len();
            } else {
                while text[end..].starts_with(pattern) {
                    end += pattern.len();
                }
            }
            findings.push(Finding {
                span: start..end,
                family,
                detail: detail.to_string(),
            });
            at = end;
        }
    }
    findings
}

fn is_garbage(span: &str) -> bool {
    GARBAGE.iter().any(|(p, _, _)| span.contains(p))
}

/// A line being repaired, as segments that tile it: untouched text, and
/// spans with the steps applied to them so far.
struct LineRepair<'a> {
    line: &'a str,
    segments: Vec<Segment<'a>>,
    /// Set by [`LineRepair::run`] when its repairs leave the line garbled.
    garbled: Option<Garbled>,
}

struct Segment<'a> {
    /// Byte range in the original line.
    src: Range<usize>,
    /// Untouched text is the line's own, borrowed.
    text: Cow<'a, str>,
    steps: Vec<Step>,
    confidence: f32,
    evidence: Vec<String>,
}

/// A span of the line and the ways it could be undone.
#[derive(Clone)]
struct Atom {
    range: Range<usize>,
    granularity: Granularity,
    /// The ways, with spans relative to the start of `range`, so that the
    /// [`Memo`] shares them between every place the span occurs.
    options: Rc<[Found]>,
    /// Lost bytes and no-break spaces turned into spaces leave spans that
    /// look innocent on their own (`Ã?`, `Ã `), and a short span may look
    /// like real text (`¹`, `êœ`); such spans are repaired only alongside
    /// spans that show the same misread clearly.
    weak: bool,
}

impl Atom {
    /// One of the atom's options, placed in the line.
    fn placed(&self, option: &Found) -> Found {
        let start = self.range.start;
        Found {
            span: start + option.span.start..start + option.span.end,
            ..option.clone()
        }
    }
}

/// An accepted repair of one span, in the current text of the line.
struct Accepted {
    found: Found,
    confidence: f32,
    evidence: String,
}

/// A chain must make the spans it explains on a line this much more
/// plausible in total before it is applied. A single misread pair such as
/// `Ã©` or `â€™` costs at least 2.5, so one is enough on its own, while
/// anything that merely looks a little unusual (one rare Han character, one
/// case flip) is not.
const MIN_GAIN: f32 = 2.0;

/// Passes over a line: a second pass catches spans damaged differently
/// from the rest of the line.
const PASSES: usize = 2;

/// The implausibility a line's repairs may leave, if they leave half of
/// what it had or more. Mojibake is one chain's work, so undoing it leaves
/// little: the bundled corpus's repaired lines keep at most 4.3, and a
/// third of their implausibility at most. Text in an encoding the engine
/// does not know (a Greek DOS file read as windows-1252: `œå¤˜ ©¬¤«á¡«ž`)
/// is garbled everywhere, and chains explain scraps of it by chance (`å¤˜`
/// as UTF-8 is 夘), leaving the rest as it was.
const LEFT_GARBLED: f32 = 8.0;

/// Why a line with spans that chains explain is left as it is.
#[derive(Clone, Copy)]
enum Garbled {
    /// The repairs would leave the line about as implausible as it was.
    Line { was: f32, left: f32 },
    /// Most lines with damage in this stretch of text, this many of so
    /// many, read in no chain.
    Text(usize, usize),
    /// The line is a code chart, as implausible as text gets and the
    /// text's own: left, and nothing to report.
    Chart,
}

impl Garbled {
    fn finding(self, span: Range<usize>) -> Option<Finding> {
        let detail = match self {
            Garbled::Chart => return None,
            Garbled::Line { was, left } => format!(
                "the decode chains that explain parts of this line leave it about as \
                 implausible as it was ({was:.1} → {left:.1}), as they would text \
                 in an encoding unbake does not know; left as it is"
            ),
            Garbled::Text(n, of) => format!(
                "{n} of the {of} damaged lines here read in no decode chain, so what this \
                 line seems to show is likely chance in an encoding unbake does not know; \
                 left as it is"
            ),
        };
        Some(Finding {
            span,
            family: Family::Unreadable,
            detail,
        })
    }
}

impl<'a> LineRepair<'a> {
    fn new(line: &'a str) -> Self {
        let whole = Segment {
            src: 0..line.len(),
            text: Cow::Borrowed(line),
            steps: Vec::new(),
            confidence: 1.0,
            evidence: Vec::new(),
        };
        LineRepair {
            line,
            segments: vec![whole],
            garbled: None,
        }
    }

    fn current(&self) -> String {
        self.segments.iter().map(|s| s.text.as_ref()).collect()
    }

    /// Whether the repairs, which leave the line as `current` and still
    /// remarkable, leave it garbled: see [`LEFT_GARBLED`].
    fn garbled(&self, current: &str) -> Option<Garbled> {
        let left = plausibility::cost(current);
        if left < LEFT_GARBLED {
            return None;
        }
        let was = plausibility::cost(self.line);
        if left * 2.0 < was {
            return None;
        }
        Some(if lists_a_chart(self.line) {
            Garbled::Chart
        } else {
            Garbled::Line { was, left }
        })
    }

    /// Repairs the line, which the caller has found remarkable.
    fn run(mut self, options: &Options, memo: &mut Memo) -> Self {
        let mut current = self.line.to_string();
        for _ in 0..PASSES {
            let accepted = choose(
                &current,
                atoms(&current, options.max_layers, memo),
                options.max_layers,
            );
            if accepted.is_empty() || !self.apply(accepted) {
                break;
            }
            current = self.current();
            if plausibility::is_unremarkable(&current) {
                return self;
            }
        }
        if self.segments.iter().any(|s| !s.steps.is_empty()) {
            self.garbled = self.garbled(&current);
        }
        self
    }

    /// Applies accepted repairs; returns whether anything changed. Each is
    /// made where it lies within one segment, the last first, so that of
    /// two that overlap the later one stands. The segments are taken apart
    /// from the end, those past the repair at hand set aside in reverse
    /// order, and untouched text is borrowed from the line, never copied: a
    /// long line with thousands of repairs costs its length once, not once
    /// per repair.
    fn apply(&mut self, accepted: Vec<Accepted>) -> bool {
        debug_assert!(
            accepted.is_sorted_by_key(|a| a.found.span.start),
            "choose returns repairs in the order of the line"
        );
        let mut changed = false;
        let mut left = std::mem::take(&mut self.segments);
        let mut left_end: usize = left.iter().map(|s| s.text.len()).sum();
        let mut right: Vec<Segment<'a>> = Vec::new();
        for Accepted {
            found,
            confidence,
            evidence,
        } in accepted.into_iter().rev()
        {
            let range = found.span.clone();
            while left_end > range.start {
                let seg = left.pop().expect("segments cover the line");
                left_end -= seg.text.len();
                right.push(seg);
            }
            // The segment that starts the range: the last set aside (which
            // may start just where the range does), else none.
            let Some(seg) = right.last_mut() else {
                continue;
            };
            let seg_start = left_end;
            let seg_end = seg_start + seg.text.len();
            if range.end > seg_end {
                continue;
            }
            if !seg.steps.is_empty() {
                // A repaired span takes further steps only as a whole, so
                // its chain still replays from its original text, and only
                // further UTF-8 layers: a legacy reading on top of a repair
                // is a second guess, not a second layer.
                let utf8 = found.steps.iter().all(|s| {
                    matches!(
                        s,
                        Step::Reinterpret {
                            actual: Codec::Utf8,
                            ..
                        }
                    )
                });
                if range.start != seg_start || range.end != seg_end || !utf8 {
                    continue;
                }
                seg.steps.extend(found.steps);
                seg.text = Cow::Owned(found.text);
                seg.confidence = seg.confidence.min(confidence);
                seg.evidence.push(evidence);
                changed = true;
                continue;
            }
            // Untouched text maps one to one onto the original line.
            let seg = right.pop().expect("just looked at");
            let local = range.start - seg_start..range.end - seg_start;
            let src = seg.src.start + local.start..seg.src.start + local.end;
            let line = self.line;
            let untouched = |src: Range<usize>| Segment {
                text: Cow::Borrowed(&line[src.clone()]),
                src,
                steps: Vec::new(),
                confidence: 1.0,
                evidence: Vec::new(),
            };
            if src.end < seg.src.end {
                right.push(untouched(src.end..seg.src.end));
            }
            right.push(Segment {
                src: src.clone(),
                text: Cow::Owned(found.text),
                steps: found.steps,
                confidence,
                evidence: vec![evidence],
            });
            if seg.src.start < src.start {
                // The text before the repair is ahead of what is set aside.
                left.push(untouched(seg.src.start..src.start));
                left_end += local.start;
            }
            changed = true;
        }
        left.extend(right.into_iter().rev());
        self.segments = left;
        changed
    }

    fn emit(self, base: usize, changes: &mut Vec<Change>, findings: &mut Vec<Finding>) {
        for seg in self.segments.into_iter().filter(|s| !s.steps.is_empty()) {
            let before = &self.line[seg.src.clone()];
            let span = base + seg.src.start..base + seg.src.end;
            let lost = seg
                .text
                .matches('\u{FFFD}')
                .count()
                .saturating_sub(before.matches('\u{FFFD}').count());
            if lost > 0 {
                let detail = format!(
                    "{lost} character{} lost: bytes were replaced by '?' or U+FFFD before this text was misread, so {} shown as U+FFFD",
                    if lost == 1 { "" } else { "s" },
                    if lost == 1 { "it is" } else { "they are" }
                );
                findings.push(Finding {
                    span: span.clone(),
                    family: Family::LostBytes,
                    detail,
                });
            }
            changes.push(Change {
                span,
                before: before.to_string(),
                after: seg.text.into_owned(),
                family: Family::Mojibake,
                chain: Chain::new(seg.steps),
                confidence: (seg.confidence * 100.0).round() / 100.0,
                evidence: seg.evidence.join("; "),
            });
        }
    }
}

/// Every span of the line that some chain could undo, at both
/// granularities. Spans that cost nothing have no options of their own;
/// they may still join a misread that the rest of the line establishes.
fn atoms(line: &str, max_layers: usize, memo: &mut Memo) -> Vec<Atom> {
    let mut atoms: Vec<Atom> = spans(line, Granularity::NonAsciiRun)
        .filter_map(|r| memo.atom(line, r, Granularity::NonAsciiRun, max_layers))
        .collect();
    // A token whose runs UTF-8 already explains perfectly is not legacy
    // text read as Western; trying the legacy codecs on it is wasted work.
    // The runs, in order, and whether UTF-8 explains each.
    let runs: Vec<(Range<usize>, bool)> = atoms
        .iter()
        .map(|a| {
            let explained = a.options.iter().any(|f| {
                f.cost == 0.0
                    && matches!(
                        f.first_misread(),
                        Step::Reinterpret {
                            actual: Codec::Utf8,
                            ..
                        }
                    )
            });
            (a.range.clone(), explained)
        })
        .collect();
    for token in spans(line, Granularity::Token) {
        // Found by search, not by a scan of every run: a line can be
        // megabytes of one minified record with a damaged word in every
        // token.
        let first = runs.partition_point(|(r, _)| r.start < token.start);
        let mut inside = runs[first..]
            .iter()
            .take_while(|(r, _)| r.end <= token.end)
            .peekable();
        if inside.peek().is_some() && inside.all(|(_, explained)| *explained) {
            continue;
        }
        atoms.extend(memo.atom(line, token, Granularity::Token, max_layers));
    }
    atoms
}

/// Atoms already worked out in this text, by one worker (chunks of a long
/// text share their worker's memo). Damaged text repeats its damage
/// (`Ã©` in every other French word), and an atom depends only on its span
/// and the characters around it: the one before, the one after, and when
/// that is a space (which may have been a no-break space), the one after
/// the space; of an ASCII neighbour, only its kind counts (see
/// [`neighbour_kind`]). So most spans are worked out once per text.
#[derive(Default)]
struct Memo {
    /// Keys are short and made by this text, so a fast hash serves better
    /// than a keyed one. An atom's options are shared; its range is where
    /// it was first found.
    atoms: rustc_hash::FxHashMap<MemoKey, Option<Atom>>,
}

type MemoKey = (
    Granularity,
    String,
    Option<char>,
    Option<char>,
    Option<char>,
);

/// One representative of the ASCII characters that an atom cannot tell
/// apart from `c`. Plausibility sees an ASCII character only as its class
/// and case, and the no-break-space variant asks only whether it is a
/// space, other whitespace, or a lower-case letter. Non-ASCII characters
/// and `?` (a possible lost byte) stand for themselves.
fn neighbour_kind(c: char) -> char {
    match c {
        ' ' | '?' => c,
        _ if c.is_ascii_whitespace() => '\t',
        _ if c.is_ascii_lowercase() => 'a',
        _ if c.is_ascii_uppercase() => 'A',
        _ if c.is_ascii_digit() => '0',
        _ if c.is_ascii_control() => '\x01',
        _ if c.is_ascii_punctuation() => '!',
        _ => c,
    }
}

/// Atoms remembered at most; a text of distinct damage starts afresh.
const MEMO_MAX: usize = 4096;

impl Memo {
    fn atom(
        &mut self,
        line: &str,
        range: Range<usize>,
        granularity: Granularity,
        max_layers: usize,
    ) -> Option<Atom> {
        let mut after = line[range.end..].chars();
        let next = after.next();
        let key = (
            granularity,
            line[range.clone()].to_string(),
            plausibility::char_before(line, range.start).map(neighbour_kind),
            next.map(neighbour_kind),
            after
                .next()
                .filter(|_| next == Some(' '))
                .map(neighbour_kind),
        );
        let placed = |atom: &Atom| Atom {
            range: range.clone(),
            ..atom.clone()
        };
        if let Some(known) = self.atoms.get(&key) {
            return known.as_ref().map(placed);
        }
        let found = atom(line, range.clone(), granularity, max_layers);
        if self.atoms.len() >= MEMO_MAX {
            self.atoms.clear();
        }
        self.atoms.insert(key, found.clone());
        found
    }
}

fn atom(
    line: &str,
    range: Range<usize>,
    granularity: Granularity,
    max_layers: usize,
) -> Option<Atom> {
    let span = &line[range.clone()];
    if is_garbage(span) {
        return None;
    }
    // Legacy text read as Western leaves runs of at least two non-ASCII
    // characters; a token without one is plain text.
    if granularity == Granularity::Token && !candidates::has_non_ascii_pair(span) {
        return None;
    }
    let weak = span.contains(LOST_MARKERS)
        || (line[range.end..].starts_with(' ')
            && span.chars().next_back().is_some_and(may_lead_utf8));
    let innocent = plausibility::cost_in_context(
        plausibility::char_before(line, range.start),
        span,
        line[range.end..].chars().next(),
    ) == 0.0;
    let options: Rc<[Found]> = if innocent && !weak {
        Rc::new([])
    } else {
        candidates::options(line, range.clone(), granularity, max_layers)
            .into_iter()
            .filter(|f| f.gain() > 0.0 || (weak && f.gain() >= 0.0))
            .filter(|f| keeps_letters(&line[f.span.clone()], f))
            .map(|f| Found {
                span: f.span.start - range.start..f.span.end - range.start,
                ..f
            })
            .collect()
    };
    Some(Atom {
        range,
        granularity,
        options,
        weak: weak || innocent,
    })
}

/// Whether `c` could be the byte that starts a UTF-8 sequence, read as one
/// of the single-byte codecs that no-break spaces get lost through.
fn may_lead_utf8(c: char) -> bool {
    [
        Codec::Windows1252,
        Codec::Windows1250,
        Codec::Windows1251,
        Codec::Windows1253,
    ]
    .into_iter()
    .any(|codec| {
        codec
            .encode(c.encode_utf8(&mut [0; 4]))
            .is_some_and(|b| (0xC2..=0xF4).contains(&b[0]))
    })
}

/// How `misread` would undo an atom that has no options of its own: as a
/// single step, and only if that makes the span no less plausible.
fn join(line: &str, atom: &Atom, misread: &Step, max_layers: usize) -> Option<Found> {
    if candidates::granularity_of(misread) != atom.granularity {
        return None;
    }
    let span = &line[atom.range.clone()];
    let text = misread
        .apply(span)
        .filter(|t| t != span && !t.contains('\u{FFFD}'))?;
    let before = plausibility::char_before(line, atom.range.start);
    let after = line[atom.range.end..].chars().next();
    let found = Found {
        cost: plausibility::cost_in_context(before, &text, after),
        original_cost: plausibility::cost_in_context(before, span, after),
        steps: vec![misread.clone()],
        text,
        span: atom.range.clone(),
    };
    let found = candidates::deepen(found, before, after, max_layers);
    // The span showed no damage of its own, so it joins unless the repair
    // adds evidence of damage; being less frequent text is no such evidence.
    let no_worse = plausibility::structural_cost_in_context(before, &found.text, after)
        <= plausibility::structural_cost_in_context(before, span, after);
    let keeps_letters = match misread {
        Step::Reinterpret {
            actual: Codec::Utf8,
            ..
        } => plausibility::letters(&found.text) > 0 || plausibility::letters(span) == 0,
        _ => keeps_letters(span, &found),
    };
    (no_worse && keeps_letters).then_some(found)
}

/// Turning letters into symbols is no repair, whatever the costs say
/// (`ï¿½` read back through KOI8-R is `▀╗╚`, which costs nothing). A
/// single-byte codec maps character for character, so its letters must stay
/// letters one for one; UTF-8 and the multi-byte codecs fold several
/// characters into one and are not held to it.
fn keeps_letters(span: &str, found: &Found) -> bool {
    let single_byte = matches!(
        found.first_misread(),
        Step::Reinterpret { actual, .. } if actual.is_single_byte()
    );
    !single_byte || plausibility::letters(&found.text) >= plausibility::letters(span)
}

/// Spans of the line at a granularity: runs of non-ASCII characters (with
/// any `?` standing among or after them, which may be a lost byte), or
/// whitespace-separated tokens that contain non-ASCII characters.
fn spans(line: &str, granularity: Granularity) -> impl Iterator<Item = Range<usize>> + '_ {
    let inside = move |c: char| match granularity {
        Granularity::NonAsciiRun => !c.is_ascii() || c == '?',
        Granularity::Token => !c.is_ascii_whitespace(),
    };
    let mut chars = line.char_indices().peekable();
    std::iter::from_fn(move || loop {
        let (start, c) = chars.next()?;
        if !inside(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some((i, c)) = chars.next_if(|&(_, c)| inside(c)) {
            end = i + c.len_utf8();
        }
        if !line[start..end].is_ascii() {
            return Some(start..end);
        }
    })
}

/// How much a misread's gain counts, when misreads compete and against the
/// threshold. A single-byte codec decodes any bytes into letters of its
/// alphabet, so reading text as windows-1256 or KOI8-R can make almost
/// anything look like clean Arabic or Russian (`ПрП` as `دًد`); such a
/// reading has to beat a UTF-8 or CJK reading (which must also get the byte
/// structure right) by a clear margin, and needs more evidence on its own.
fn prior(misread: &Step) -> f32 {
    match misread {
        Step::Reinterpret { actual, .. } if actual.is_single_byte() => 0.75,
        _ => 1.0,
    }
}

/// Chooses repairs for a line. The misread that explains the most, summed
/// over all the spans it repairs, is taken first: one story that explains
/// several spans of a line is stronger evidence than any of them alone, and
/// it keeps a short span from being explained by an accident of some other
/// codec. Then the next, over the spans left, until none gains enough.
fn choose(line: &str, mut atoms: Vec<Atom>, max_layers: usize) -> Vec<Accepted> {
    let mut accepted = Vec::new();
    let mut refused: Vec<Step> = Vec::new();
    loop {
        // Total gain per misread, over the spans where it gains.
        let mut totals: Vec<(Step, f32, f32, f32, usize)> = Vec::new();
        for atom in &atoms {
            for f in atom.options.iter().filter(|f| f.gain() > 0.0) {
                let key = f.first_misread();
                if refused.contains(key) {
                    continue;
                }
                match totals.iter_mut().find(|t| t.0 == *key) {
                    Some(t) => {
                        t.1 += f.gain();
                        t.2 += f.original_cost;
                        t.3 += f.cost;
                        t.4 += 1;
                    }
                    None => totals.push((key.clone(), f.gain(), f.original_cost, f.cost, 1)),
                }
            }
        }
        // The repaired spans must also be plausible in themselves, not just
        // less implausible than the damage.
        let best = totals
            .into_iter()
            .filter(|t| prior(&t.0) * t.1 >= MIN_GAIN && t.3 <= 0.5 * t.2)
            .fold(None::<(Step, f32, f32, f32, usize)>, |best, t| match best {
                Some(b) if prior(&b.0) * b.1 + 1e-4 >= prior(&t.0) * t.1 => Some(b),
                _ => Some(t),
            });
        let Some((key, gain, _, _, _)) = best else {
            break;
        };
        let confidence = (gain / (gain + MIN_GAIN)).min(0.99);
        let mut taken: Vec<Range<usize>> = Vec::new();
        let mut members = Vec::new();
        for atom in &atoms {
            let option = atom
                .options
                .iter()
                .find(|f| f.first_misread() == &key && (f.gain() > 0.0 || atom.weak))
                .map(|f| atom.placed(f));
            if let Some(f) = option.or_else(|| join(line, atom, &key, max_layers)) {
                taken.push(f.span.clone());
                members.push(f);
            }
        }
        if !removes_damage(line, &members)
            || contradicted(line, &key, &members)
            || !shown_as_damage(line, &key, &members)
            || !keeps_western_words(line, &key, &members)
            || !gains_han_words(line, &key, &members)
            || !shows_a_word(line, &members)
        {
            refused.push(key);
            continue;
        }
        let shared = match members.len() {
            1 => String::new(),
            n => format!("; the same misread explains {n} spans on this line"),
        };
        // Members mostly share one chain; it is described once.
        let mut described: Vec<(Vec<Step>, String)> = Vec::new();
        for found in members {
            let chain = match described.iter().find(|(steps, _)| *steps == found.steps) {
                Some((_, words)) => words,
                None => {
                    let words = Chain::new(found.steps.clone()).describe();
                    described.push((found.steps.clone(), words));
                    &described.last().expect("just pushed").1
                }
            };
            // Pushed piece by piece: the formatting machinery costs more
            // than the repair of a short span.
            let mut evidence = String::with_capacity(chain.len() + shared.len() + 40);
            evidence.push_str(chain);
            evidence.push_str(": implausibility ");
            push_tenths(&mut evidence, found.original_cost);
            evidence.push_str(" → ");
            push_tenths(&mut evidence, found.cost);
            evidence.push_str(&shared);
            accepted.push(Accepted {
                found,
                confidence,
                evidence,
            });
        }
        // By search, with the furthest end of the taken spans so far: the
        // taken spans of a long line are many.
        taken.sort_by_key(|t| t.start);
        let furthest: Vec<usize> = taken
            .iter()
            .scan(0, |end, t| {
                *end = t.end.max(*end);
                Some(*end)
            })
            .collect();
        atoms.retain(|a| {
            let before = taken.partition_point(|t| t.start < a.range.end + 1);
            before == 0 || furthest[before - 1] <= a.range.start
        });
    }
    accepted.sort_by_key(|a| a.found.span.start);
    accepted
}

/// A misread must take away evidence of damage from the line, not only
/// make it read as more frequent text: a line with no structural cost is
/// clean as far as anything can tell, and summed over thirty words, the
/// ranking costs of one Cyrillic codepage's letters against another's
/// (`і`, `ц`) would otherwise rewrite a clean Ukrainian line into capitals.
/// A text whose other lines show the misread still carries such a line
/// (`follow_the_text`).
const MIN_STRUCTURAL_GAIN: f32 = 1.0;

fn removes_damage(line: &str, members: &[Found]) -> bool {
    // Span by span, in context, so that a line whose first span shows the
    // damage (`Ã©`) is settled without scoring the rest, nor the rest of
    // that span once its damage outweighs its repair.
    let mut gain = 0.0;
    for f in members {
        let before = plausibility::char_before(line, f.span.start);
        let after = line[f.span.end..].chars().next();
        let original = &line[f.span.clone()];
        let repaired = plausibility::structural_cost_in_context(before, &f.text, after);
        let needed = MIN_STRUCTURAL_GAIN - gain + repaired;
        gain += plausibility::structural_cost_up_to(before, original, after, needed) - repaired;
        if gain >= MIN_STRUCTURAL_GAIN {
            return true;
        }
    }
    false
}

/// How much less plausible a misread may make one of the spans its line
/// takes along: real damage undone reads at least as well, span by span.
const GARBLED: f32 = 1.0;

/// Whether the line shows clean text that a legacy misread would have
/// garbled, or would garble. Such a misread decoded every byte of the line
/// with one codec, so a clean word it would turn into damage (`Страница`
/// read back from windows-1251 as windows-1257 is `Ñòðàíèöà`) says the
/// line was never read that way, and its one odd word (`?ltред`, in
/// markup) is something else. Words the misread leaves alone, or cannot
/// encode (Cyrillic in a field beside one read as windows-1252), say
/// nothing.
fn contradicted(line: &str, misread: &Step, members: &[Found]) -> bool {
    if matches!(
        misread,
        Step::Reinterpret {
            actual: Codec::Utf8,
            ..
        }
    ) {
        return false;
    }
    let garbles = |r: &Range<usize>, t: &str| {
        let span = &line[r.clone()];
        let before = plausibility::char_before(line, r.start);
        let after = line[r.end..].chars().next();
        let structural = |t: &str| plausibility::structural_cost_in_context(before, t, after);
        t != span && structural(span) == 0.0 && structural(t) > 0.0
    };
    // A clean word the line's vote would take along counts as much as one
    // it leaves, and so does one it would make much less likely, if not
    // impossible (`bsН задержка` through KOI8-R and windows-1256 is Arabic
    // that only the mixed word gains from).
    members
        .iter()
        .any(|m| m.gain() <= -GARBLED || garbles(&m.span, &m.text))
        || spans_of(line)
            .filter(|r| {
                !members
                    .iter()
                    .any(|m| r.start < m.span.end && m.span.start < r.end)
            })
            .any(|r| {
                misread
                    .apply(&line[r.clone()])
                    .is_some_and(|t| garbles(&r, &t))
            })
}

/// Whether a misread is shown as real damage is, by the spans that gain
/// from it (the others only joined them).
///
/// A misread of legacy bytes that only swaps symbols for symbols (`•••`
/// for `∙∙∙`, `„` for `└`) has nothing to show: clean punctuation of one
/// codepage always reads as some punctuation of another. C1 controls
/// standing for windows-1252's punctuation are the exception: they are
/// damage on their own. Symbols read back as letters show a misread where
/// they stand in a word (`a±o` is `año` read as IBM850) or are a DOS
/// codepage's box drawing (KOI8-R's Cyrillic read as IBM866), not where
/// they stand between punctuation: `'“„‘‚'` in docutils' table of quotes
/// is `塘曹` in Shift_JIS, and Julia's operators `'…~¬±×÷'` are `ªñžö`
/// in windows-1252 read as IBM850 and `П鱗` in EUC-KR.
///
/// And one word of one alphabet read back as a single symbol (`МатМЛ`'s
/// `тМЛ`, from IBM866 through UTF-8, is `⌋`) is an abbreviation's case,
/// not a misread symbol; a misread symbol comes with others (`тФВ` for `│`
/// down a table) or with letters of two alphabets (`Γöé`).
///
/// Nor does a code chart show anything to a misread: Latin-1's letters in
/// code order (`ÀÁÂÃÄÅÆÇ`, in pyparsing's changelog) read as windows-1251's
/// alphabet just as well, and either chart is as likely as the other. So
/// does a listing of an alphabet's letters and their capitals (chardet's
/// Czech `áčďéěí…ÁČĎÉĚÍ…` read as windows-1251 through windows-1250 is
/// Cyrillic `бипймн…БИПЙМН…`).
fn shown_as_damage(line: &str, misread: &Step, members: &[Found]) -> bool {
    let evidence: Vec<(&Range<usize>, &str, &str)> = members
        .iter()
        .filter(|f| f.gain() > 0.0)
        .map(|f| (&f.span, &line[f.span.clone()], f.text.as_str()))
        .collect();
    let has_letter = |t: &str| plausibility::letters(t) > 0;
    let has_c1 = |t: &str| t.chars().any(is_c1);
    if is_code_chart(line, misread, members)
        || evidence.iter().any(|(_, from, _)| lists_an_alphabet(from))
    {
        return false;
    }
    let legacy = matches!(misread, Step::Reinterpret { actual, .. } if actual.is_single_byte());
    let cjk_as_single_byte = matches!(misread, Step::Reinterpret { actual, read_as }
        if actual.is_double_byte() && read_as.is_single_byte());
    let shows = |&(span, from, to): &(&Range<usize>, &str, &str)| {
        has_letter(from)
            || has_c1(from)
            || (legacy && has_letter(to) && from.chars().any(is_box_drawing))
            || (has_letter(to) && touches_a_letter(line, span))
    };
    if (legacy || cjk_as_single_byte) && !evidence.iter().any(shows) {
        return false;
    }
    let one_word_to_a_symbol = |from: &str, to: &str| {
        let first = from.chars().next().map_or(0, plausibility::alphabet);
        first != 0 && from.chars().all(|c| plausibility::alphabet(c) == first) && !has_letter(to)
    };
    !matches!(evidence.as_slice(), [(_, from, to)] if one_word_to_a_symbol(from, to))
}

/// Whether a misread shows in a word, not only in lone characters.
///
/// Misreads garble words: `caf茅` glues its Han to Latin letters, and a
/// Russian word read as GBK is a run of Han (`袩褉懈胁械褌`). A line where
/// a misread explains only single characters with no letter beside them
/// (`轀\t輼`, `# 脌`, `('흭', '힇')`, `r#"˘"#`) is a listing of characters
/// (a dictionary of variants, a code table, a keymap), and a rare
/// character standing alone is what such a listing is for: reading `轀`
/// back as the Syriac letter `ݜ` explains nothing. Nor does a doubled one
/// (`悒悒`, `侃侃訚訚`: Chinese doubles characters, and no word of an
/// alphabet is one letter doubled). A lone character between words is a
/// word (`Bienvenue 脿 Paris`), and a C1 control is damage even alone
/// (`1990 \u{96} 2000`), but for a character literal (`'\u{9c}'` in Rust's
/// documentation of `is_control`). That C1 is one of windows-1252's
/// signs read as Latin-1, the one misread that leaves C1 controls in text;
/// the five bytes windows-1252 leaves undefined are a listing again, as
/// in a keymap for a DOS codepage (`B\t<char-129>\t" \u{81}`), and alone
/// nothing tells which codepage's letter or sign they were. A mark with no
/// letter to sit on is no word either.
fn shows_a_word(line: &str, members: &[Found]) -> bool {
    let letter = |c: Option<char>| c.is_some_and(plausibility::is_any_letter);
    let spaced = |c: Option<char>| c.is_none_or(|c| c == ' ');
    members.iter().filter(|f| f.gain() > 0.0).any(|f| {
        let span = &line[f.span.clone()];
        let mut left = line[..f.span.start].chars().rev();
        let mut right = line[f.span.end..].chars();
        let (l0, l1, r0, r1) = (left.next(), left.next(), right.next(), right.next());
        // Nor is a mark with no letter to sit on (`•Ø•R` read back as
        // UTF-8 puts Arabic's `ؕ` on a bullet).
        if !letter(l0)
            && f.text
                .chars()
                .all(|c| plausibility::class_of(c) == Class::Combining)
        {
            return false;
        }
        let mut pairs = span.chars().step_by(2).zip(span.chars().skip(1).step_by(2));
        let lone = span.chars().nth(1).is_none();
        let doubled = span.chars().count().is_multiple_of(2) && pairs.all(|(a, b)| a == b);
        if !lone && !doubled {
            return true;
        }
        let literal = l0 == r0 && matches!(l0, Some('\'' | '"'));
        (span.chars().any(is_c1) && !literal && span.chars().all(is_punctuation_of_1252))
            || touches_a_letter(line, &f.span)
            || (spaced(l0) && spaced(r0) && (letter(l1) || letter(r1)))
    })
}

/// Whether `c` is not a C1 control, or one windows-1252 reads as a sign or
/// letter of its own (U+0096 is its en dash, U+0081 nothing).
fn is_punctuation_of_1252(c: char) -> bool {
    !is_c1(c)
        || Codec::Windows1252
            .table()
            .and_then(|table| table.decode(c as u8))
            .is_some_and(|d| d != c)
}

/// Whether `c` is a C1 control, which text never holds but where a
/// misread puts it.
fn is_c1(c: char) -> bool {
    plausibility::class_of(c) == Class::C1
}

/// Whether the characters just before and after `span` include a letter.
fn touches_a_letter(line: &str, span: &Range<usize>) -> bool {
    [
        line[..span.start].chars().next_back(),
        line[span.end..].chars().next(),
    ]
    .into_iter()
    .flatten()
    .any(plausibility::is_any_letter)
}

/// Whether the letters beyond ASCII in `text` list some letters and then
/// the same letters in the other case (`ñáéÑÁÉ`, `ÀÈÉàèé`), three or more.
fn lists_an_alphabet(text: &str) -> bool {
    // Han and the other scripts without case list no capitals.
    let first = text.chars().find(|c| !c.is_ascii());
    if !first.is_some_and(|c| c.is_lowercase() || c.is_uppercase()) {
        return false;
    }
    let letters = || {
        text.chars()
            .filter(|&c| !c.is_ascii() && plausibility::is_any_letter(c))
    };
    let n = letters().count();
    n >= 6
        && n.is_multiple_of(2)
        && letters()
            .zip(letters().skip(n / 2))
            .take(n / 2)
            .all(|(a, b)| a != b && (a.to_uppercase().eq([b]) || a.to_lowercase().eq([b])))
}

/// Whether the spans a misread explains run through [`CHART_RUN`]
/// characters in code order: in Unicode's, or in that of the codec the
/// text was read with, where a chart of a double-byte codepage may skip a
/// few cells (iconv-lite's tables list GBK's `丂丄丅丆丏丒` and UHC's
/// `갂갃갅갆갋` row by row), or in that of another double-byte codepage.
/// The bytes of a chart are a chart in any codec, so it reads as another
/// codepage's chart (`、。，．・`) just as well.
fn is_code_chart(line: &str, misread: &Step, members: &[Found]) -> bool {
    let Step::Reinterpret { read_as, actual } = misread else {
        return false;
    };
    // Members come in the order of the line. ASCII between them is the
    // table's markup (`["8141","갂갃갅갆갋",4,`).
    let chars = || {
        members
            .iter()
            .filter(|f| f.gain() > 0.0)
            .flat_map(|f| line[f.span.clone()].chars())
            .filter(|c| !c.is_ascii())
    };
    // Text read as UTF-8 has its codes in Unicode's order already. UTF-8
    // read as another codec is not weighed in that codec's order: most of
    // its characters are three bytes, which straddle the codec's, and
    // encoding every damaged line again cost the CJK benchmark 8% more
    // instructions.
    if runs_in_code_order(chars().map(u32::from)) {
        return true;
    }
    if *actual == Codec::Utf8 || *read_as == Codec::Utf8 {
        return false;
    }
    // The chart may be of a third codepage: iconv-lite's table of Big5
    // (`堙堞堧堣堨埵`, D8A1 on) reads as Shift_JIS shown through GBK, and is
    // in order only in Big5.
    let text: String = chars().collect();
    if read_as.is_double_byte() {
        in_double_byte_order(&text)
    } else {
        in_order_of(*read_as, &text)
    }
}

/// Whether the characters of `text` run in the code order of some
/// double-byte codepage.
fn in_double_byte_order(text: &str) -> bool {
    Codec::ALL
        .into_iter()
        .filter(|c| c.is_double_byte())
        .any(|codec| in_order_of(codec, text))
}

/// Whether the characters of `text` run in `codec`'s code order (see
/// [`runs_in_code_order`]).
fn in_order_of(codec: Codec, text: &str) -> bool {
    codec
        .codes(text)
        .is_some_and(|codes| runs_in_code_order(codes.into_iter()))
}

/// Whether a line's characters beyond ASCII run in code order, Unicode's
/// or a double-byte codepage's: a code chart, such as a codec library's
/// tables (iconv-lite lists GBK a row at a time, `["c480","膧膩膫",7,"膴"`,
/// with counts of the cells it passes over between).
fn lists_a_chart(line: &str) -> bool {
    let text: String = line.chars().filter(|c| !c.is_ascii()).collect();
    runs_in_code_order(text.chars().map(u32::from)) || in_double_byte_order(&text)
}

/// Whether `codes` run through [`CHART_RUN`] in order: each one after the
/// one before it, or, above 0xFF (beyond Latin-1 in Unicode, double-byte
/// in a codec), at most [`CHART_SKIP`] cells after it.
fn runs_in_code_order(codes: impl Iterator<Item = u32>) -> bool {
    let mut run = 0;
    let mut prev = None;
    for n in codes {
        let most = if n > 0xFF { CHART_SKIP } else { 1 };
        run = match prev {
            Some(p) if n > p && n - p <= most => run + 1,
            _ => 1,
        };
        if run >= CHART_RUN {
            return true;
        }
        prev = Some(n);
    }
    false
}

/// Characters in code order that make a chart: the alphabets of the
/// codepages misreads go between are in code order too, eight and more
/// letters long, where words put at most a few in a row (`abc`, `rst`).
const CHART_RUN: usize = 8;

/// How many cells a chart may skip between two characters beyond Latin-1,
/// where charts leave out cells a codepage does not map. Han and Hangul
/// text draws its characters from thousands of cells, and an alphabet's
/// words seldom put eight letters in rising order: in 536,426 lines of
/// translations and man pages, 38 do, 21 of them Bulgarian.
const CHART_SKIP: u32 = 16;

/// Words of at most this many letters, fewer than [`SHORT_WORDS`] of them,
/// are no evidence of Western text read through another alphabet's codepage.
const SHORT_WORD: usize = 3;
const SHORT_WORDS: usize = 3;

/// Western text read through a Cyrillic, Greek, Hebrew or Arabic codepage
/// keeps its ASCII letters: its words are mostly ASCII with a foreign letter
/// here and there (`cafй crиme`). A word of that alphabet with an ASCII
/// letter inside (`Анgола`, `Малайaлам`: a homoglyph typed by mistake) is
/// the other way round, and no misread made it. And one or two words of
/// three letters show no language at all: a Cyrillic letter between two
/// Latin ones (`'AдB' ~ 'a[д]b'` in PostgreSQL's tests) is what a test of
/// mixed scripts looks like, as much as `aäb` read as windows-1251. The
/// misread shows in longer words (`Mдdchen`) or in many (`Jag дr pе vдg`).
fn keeps_western_words(line: &str, misread: &Step, members: &[Found]) -> bool {
    if !matches!(misread, Step::Reinterpret { actual, .. } if actual.is_single_byte()) {
        return true;
    }
    let foreign = |t: &str| {
        t.chars()
            .any(|c| (2..=6).contains(&plausibility::alphabet(c)))
    };
    let latin = |t: &str| {
        t.chars()
            .any(|c| !c.is_ascii() && plausibility::alphabet(c) == 1)
    };
    let touched: Vec<&Range<usize>> = members
        .iter()
        .filter(|f| foreign(&line[f.span.clone()]) && latin(&f.text))
        .map(|f| &f.span)
        .collect();
    touched.is_empty() || shows_a_language(line, &touched) && keeps_ascii(line, &touched)
}

/// Whether the runs of letters that hold `spans` are long enough, or many
/// enough, to be words of a language (`upper('aдb')` holds one, `aдb`). A
/// letter three times in a row is a test string's, not a word's
/// (`b"fooжжж"`).
fn shows_a_language(line: &str, spans: &[&Range<usize>]) -> bool {
    let words = words_holding(line, spans, |c| plausibility::alphabet(c) != 0);
    words.len() >= SHORT_WORDS
        || words.iter().any(|w| {
            let word = &line[w.clone()];
            plausibility::letters(word) > SHORT_WORD && !has_run(word, 3, |a, b| a == b)
        })
}

/// Whether the words (between spaces) that hold `spans` are mostly ASCII
/// letters.
fn keeps_ascii(line: &str, spans: &[&Range<usize>]) -> bool {
    let words = words_holding(line, spans, |c| !c.is_whitespace());
    let (mut ascii, mut other) = (0, 0);
    for c in words.iter().flat_map(|w| line[w.clone()].chars()) {
        if c.is_ascii_alphabetic() {
            ascii += 1;
        } else if plausibility::alphabet(c) != 0 {
            other += 1;
        }
    }
    ascii > other
}

/// The runs of characters that are `part` of a word around each of
/// `spans`, each run once.
fn words_holding(
    line: &str,
    spans: &[&Range<usize>],
    part: impl Fn(char) -> bool,
) -> Vec<Range<usize>> {
    let mut words: Vec<Range<usize>> = Vec::new();
    for span in spans {
        let before: usize = line[..span.start]
            .chars()
            .rev()
            .take_while(|&c| part(c))
            .map(char::len_utf8)
            .sum();
        let after: usize = line[span.end..]
            .chars()
            .take_while(|&c| part(c))
            .map(char::len_utf8)
            .sum();
        let word = span.start - before..span.end + after;
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// Whether each small kana of `text` but the sokuon follows a full-size
/// kana, as spelling puts them (`ちょっと`, `ファイル`). Han read back as
/// kana draws its cells at random, small ones among them: Korean letters
/// typed one by one (`ㅅㅓㅇㅜㄹ`, a keymap's example) read back from GBK
/// are `さっしぬぉぇ`.
fn spells_its_small_kana(text: &str) -> bool {
    const SMALL: &str = "ぁぃぅぇぉゃゅょゎァィゥェォャュョヮ";
    let mut prev = None;
    for c in text.chars() {
        if SMALL.contains(c)
            && !prev.is_some_and(|p: char| {
                plausibility::class_of(p) == Class::Kana
                    && !SMALL.contains(p)
                    && !matches!(p, 'っ' | 'ッ' | 'ー')
            })
        {
            return false;
        }
        prev = Some(c);
    }
    true
}

/// Whether the Han that UTF-8 read as a CJK codec would read back is
/// mostly not in words. UTF-8 read as GBK shows Han that no text writes
/// together (`袩褉懈胁械褌` for `Привет`), while a line of clean Chinese
/// with two rare characters (`鄢 鄢 医药`) would read back as UTF-8 into
/// an Extended Arabic-Indic digit and letters of the Abkhaz alphabet
/// (`۳ ۳ ҽҩ`), taking the word `医药` with it.
fn keeps_han_words(line: &str, members: &[Found]) -> bool {
    let spans = distinct_gains(line, members);
    let han = || {
        spans
            .iter()
            .flat_map(|(span, _)| span.chars())
            .filter(|&c| chinese::readings::is_han(c))
    };
    // Mostly rare characters, as such misreads show, need no dictionary.
    let (mut total, mut common) = (0, 0);
    for c in han() {
        total += 1;
        common += usize::from(plausibility::class_of(c) == Class::HanCommon);
    }
    common * 2 <= total || chars_in_words(&han().collect::<String>(), |_| true) * 2 < total
}

/// The members that gain, with their spans of `line`, each text once: a
/// word listed twice (`出橐\t出橐`) is not a word run into itself.
fn distinct_gains<'l, 'm>(line: &'l str, members: &'m [Found]) -> Vec<(&'l str, &'m Found)> {
    let mut out: Vec<(&str, &Found)> = Vec::new();
    for f in members.iter().filter(|f| f.gain() > 0.0) {
        let span = &line[f.span.clone()];
        if out.iter().all(|(seen, _)| *seen != span) {
            out.push((span, f));
        }
    }
    out
}

/// How many characters of `run`, read as simplified Chinese, jieba puts in
/// words of two or more characters that `counts`.
fn chars_in_words(run: &str, counts: impl Fn(&str) -> bool) -> usize {
    chinese::jieba()
        .cut(&chinese::to_simplified(run), false)
        .into_iter()
        .filter(|w| counts(w.word))
        .map(|w| w.word.chars().count())
        .filter(|&n| n >= 2)
        .sum()
}

/// Han characters in the longest names [`gains_han_words`] lets through
/// without a word: Chinese names are two or three characters.
const LONGEST_NAME: usize = 3;

/// One CJK codec's Han read back as another's is told from clean text by
/// words, not by characters: both readings are valid characters, often
/// common ones (`不涉及亵渎` read back from GBK as EUC-JP is `音膚式摧簑`,
/// five common characters for two rare ones). Such a misread must give
/// more of the text to words of jieba's dictionary than there were, both
/// read as simplified Chinese. Where neither reading has such a word, only
/// a reading into Japanese or Korean can stand, shown by a word of kana or
/// Hangul: Han that reads as no word either way (`巖徼` as `派閡`, `龘龘龘`
/// as `瀚瀚瀚`, a dictionary's rare characters read back as common ones)
/// shows no misread, and neither do syllables Korean seldom writes beside
/// Han (`出橐` read back from EUC-KR as GBK is `놔友`). The same holds for
/// Western text read back from a CJK codec: a name styled with bullets
/// (`T•Ø•R•Ü•S`) read back from Shift_JIS is `T娩紐舗百`, Han of no word,
/// while CJK text misread as Western reads back into its words. UTF-8
/// read as a CJK codec goes the other way: see [`keeps_han_words`].
fn gains_han_words(line: &str, misread: &Step, members: &[Found]) -> bool {
    let Step::Reinterpret { read_as, actual } = misread else {
        return true;
    };
    if *actual == Codec::Utf8 && read_as.is_double_byte() {
        return keeps_han_words(line, members);
    }
    if !actual.is_double_byte() {
        return true;
    }
    // Words of two or more different characters. A doubled character is a
    // word in either reading (`懔懔` is one, and so is `時時`, EUC-KR read
    // back as GBK).
    let in_words = |run: &str| chars_in_words(run, |w| !has_run(w, 2, |a, b| a == b));
    // Kana, or Hangul of the syllables most Korean text is made of: a
    // Korean word has some, Han read back as Hangul draws its cells at
    // random (`啧啧称奇` read back from EUC-KR as GBK is `曙曙냔펜`).
    let kana_or_hangul = |c: char| match plausibility::class_of(c) {
        Class::Kana => true,
        Class::HangulCommon | Class::HangulRare => plausibility::is_frequent(c),
        _ => false,
    };
    // The members' Han read as one run (`distinct_gains`): a primer's
    // readings part its characters (`扂(w辛)蠅(men)`), not its words (我們).
    let han = |t: &str| {
        t.chars()
            .filter(|&c| chinese::readings::is_han(c))
            .collect::<String>()
    };
    let (mut before, mut after, mut other_words) = (String::new(), String::new(), false);
    for (span, f) in distinct_gains(line, members) {
        before.push_str(&han(span));
        after.push_str(&han(&f.text));
        other_words |= has_run(&f.text, 2, |a, b| kana_or_hangul(a) && kana_or_hangul(b))
            && spells_its_small_kana(&f.text);
    }
    // Han read out of Western text is mostly a name, which no dictionary
    // lists: a run no longer than a name, of the common characters names
    // are written with in the codec's own standard, need not hold a word
    // (`ÀîÃ÷` is 李明; `ää²¹öö` read back from GBK is `滗补鲻`, two of them
    // rare; `©ß¯]` is `羔頬`, the second a Japanese form GB2312 lacks). A
    // Chinese name starts with a surname (the same `©ß¯]` read back from
    // Big5 is `拋珠`), and no name is one character (`Á©`, a Latin-1 string
    // in a comment, read back from EUC-JP is `践`). Korean writes its names
    // in Hangul.
    let chinese = matches!(actual, Codec::Gbk | Codec::Big5);
    if read_as.is_single_byte()
        && *actual != Codec::EucKr
        && (2..=LONGEST_NAME).contains(&after.chars().count())
        && after
            .chars()
            .all(|c| plausibility::is_common_in(*actual, c))
        && (!chinese
            || after
                .chars()
                .next()
                .is_some_and(chinese::surnames::is_common_surname))
    {
        return true;
    }
    let (before, after) = (in_words(&before), in_words(&after));
    after > before || (before == 0 && other_words)
}

/// Writes a cost (never negative) with one decimal, as `{:.1}` writes it:
/// ties to even on the exact value, which `f64` holds exactly. Every change
/// carries two of these, and the general float formatter is slow enough to
/// show.
fn push_tenths(out: &mut String, cost: f32) {
    let tenths = (f64::from(cost) * 10.0).round_ties_even() as u64;
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut whole = tenths / 10;
    loop {
        at -= 1;
        digits[at] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
    out.push('.');
    out.push(char::from(b'0' + (tenths % 10) as u8));
}

/// Applies a subset of a repair's changes to the input it was made from.
/// Changes must come from one [`Repair`] of `input` (so they do not overlap);
/// the order given does not matter. Review and plans use this to write only
/// what a person accepted.
pub fn apply_changes<'a>(input: &str, changes: impl IntoIterator<Item = &'a Change>) -> String {
    let mut changes: Vec<&Change> = changes.into_iter().collect();
    changes.sort_by_key(|c| c.span.start);
    let mut out = String::with_capacity(input.len());
    let mut at = 0;
    for change in changes {
        out.push_str(&input[at..change.span.start]);
        out.push_str(&change.after);
        at = change.span.end;
    }
    out.push_str(&input[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> String {
        repair(text, &Options::default()).text
    }

    #[test]
    fn repairs_the_classic_families() {
        for (bad, good) in [
            ("cafÃ©", "café"),
            ("Ã©tÃ© Ã  Paris", "été à Paris"),
            ("cafÃƒÂ©", "café"),
            ("鍙傛暟", "参数"),
            ("縺薙ｓ縺ｫ縺｡縺ｯ", "こんにちは"),
            ("Ó¡Ë¢Çé¿ö", "印刷情况"),
            ("Robin Fran脙搂ois", "Robin François"),
            ("РџСЂРёРІРµС‚ РјРёСЂ", "Привет мир"),
            ("Za¿ó³æ gêœl¹ jaŸñ", "Zażółć gęślą jaźń"),
        ] {
            assert_eq!(fixed(bad), good, "{bad}");
        }
    }

    #[test]
    fn leaves_lookalikes_alone() {
        for text in [
            "NÃO É POSSÍVEL",
            "CAFÉ Â LA CARTE",
            "Ðóra Þórsdóttir",
            "výší",
            "VÝŠE",
            "Fuß”",
            "CAFÉ…",
        ] {
            let r = repair(text, &Options::default());
            assert!(r.is_unchanged(), "{text} became {}", r.text);
        }
    }

    #[test]
    fn repairs_only_the_damaged_span() {
        let text = "naïve line\nsecond: Ã©tÃ©\nthird: été\n";
        let r = repair(text, &Options::default());
        assert_eq!(r.text, "naïve line\nsecond: été\nthird: été\n");
        for c in &r.changes {
            assert_eq!(&text[c.span.clone()], c.before);
            assert_eq!(c.chain.apply(&c.before).as_deref(), Some(c.after.as_str()));
        }
    }

    #[test]
    fn lost_bytes_are_reported_not_invented() {
        let r = repair("Ã€ bientÃ´t, Ã§a va? Ã?a", &Options::default());
        assert_eq!(r.text, "À bientôt, ça va? \u{FFFD}a");
        assert!(r.findings.iter().any(|f| f.family == Family::LostBytes));
    }

    #[test]
    fn garbage_is_reported_not_fixed() {
        for (text, family) in [
            ("锟斤拷锟斤拷", Family::ReplacementGarbage),
            ("烫烫烫烫", Family::UninitialisedMemory),
            ("屯屯屯", Family::UninitialisedMemory),
            // Not read back as KOI8-R box drawing (`▀╗╚`), which costs
            // nothing but is no text.
            ("printed ï¿½ here", Family::ReplacementGarbage),
        ] {
            let r = repair(text, &Options::default());
            assert!(r.is_unchanged());
            assert_eq!(r.findings.len(), 1);
            assert_eq!(r.findings[0].family, family);
        }
    }

    #[test]
    fn costs_are_written_as_the_float_formatter_writes_them() {
        for x in (0..2000)
            .map(|i| i as f32 * 0.05)
            .chain([0.15, 0.25, 0.35, 0.45, 1.25])
        {
            let mut written = String::new();
            push_tenths(&mut written, x);
            assert_eq!(written, format!("{x:.1}"), "{x}");
        }
    }

    #[test]
    fn lines_are_split_as_the_standard_library_splits_them() {
        for text in ["", "\n", "a", "a\n", "a\nb", "\n\nb\r\n", "é\n中\n\n"] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.split_inclusive('\n').collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn large_texts_are_repaired_in_chunks_with_the_same_result() {
        let line = "clean line with naïve text\nbroken: Ã©tÃ©\n";
        let text = line.repeat(PARALLEL_MIN_BYTES / line.len() + 10);
        let r = repair(&text, &Options::default());
        assert_eq!(
            r.text,
            "clean line with naïve text\nbroken: été\n"
                .repeat(PARALLEL_MIN_BYTES / line.len() + 10)
        );
        assert_eq!(apply_changes(&text, &r.changes), r.text);
    }
}
