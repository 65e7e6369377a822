//! Chinese forensics: pinyin readings inserted after characters, characters
//! split by the inserter, and traditional text made by machine conversion.
//!
//! Content farms republish Chinese news after two mechanical passes. First a
//! character-by-character converter turns the simplified original into
//! traditional characters, leaving the characters it cannot decide (干, 并)
//! as they were (`traditional.rs`). Then an inserter adds a pinyin reading
//! after every occurrence of the characters on its list: `會(huì)議`. That
//! inserter worked on GBK bytes and matched byte pairs anywhere, so now and
//! then a match straddled two characters and split the second one; the page's
//! decoder turned the orphaned byte and the `(` into `?` (`split.rs` explains
//! why the lost byte can be worked out exactly).
//!
//! When a split site admits several lost bytes, the bytes rule out what
//! they can first: the inserter annotated every occurrence of every listed
//! byte pair, so a pair the document shows unannotated (a character
//! without a reading, the straddling bytes of two characters side by side)
//! is not on the list. The choices left are scored with what the document
//! itself says (the characters and pairs it uses, what follows what, its
//! script, its parallel phrases), with word frequencies and word classes
//! from jieba's dictionary, with how often recent text uses each word
//! (`words.rs`), and with how news text strings characters together
//! (`ngrams.rs`), weighed by a log-linear model fitted on
//! generated damage; a site whose best choice does not clearly beat the
//! next is reported, not repaired. Sites after characters with the same
//! trail byte and the same reading share their straddling character, so
//! they are decided together, on their summed evidence.
//!
//! Readings are removed only where the bracket holds a reading of the
//! character before it, and only when the whole text shows the inserter at
//! work: several such readings, or a split site. A primer that annotates
//! every character keeps its readings: there they are the text.
//!
//! The machine conversion is only reported; converting back to simplified is
//! the `zh_to_simplified` option, since real traditional text (Taiwan, Hong
//! Kong) must never be touched. What tells them apart is the naive
//! conversions only a machine makes, never the mere use of traditional
//! characters.

mod ngrams;
pub(crate) mod readings;
pub(crate) mod split;
pub(crate) mod surnames;
pub(crate) mod traditional;
mod words;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use crate::chains::{Chain, Step};
use crate::engine::{Change, Family, Finding, Options};

pub(crate) use readings::drop_readings;
use readings::{is_han, readings_after};
pub(crate) use split::rejoin;
pub(crate) use traditional::to_simplified;

/// Finds inserted readings, split characters and machine conversion in
/// `text`. Changes are sorted, do not overlap, and each replays: applying its
/// chain to `before` gives `after`.
pub fn repair(text: &str, options: &Options) -> (Vec<Change>, Vec<Finding>) {
    let mut changes = Vec::new();
    let mut findings = Vec::new();
    if !holds_han(text) {
        return (changes, findings);
    }
    if memchr::memchr2(b'(', b'?', text.as_bytes()).is_some() {
        if let Some(insertions) = find_insertions(text, None) {
            changes = insertions.changes(text);
            findings.push(Finding {
                span: 0..text.len(),
                family: Family::PinyinReadings,
                detail: insertions.summary(text),
            });
            findings.extend(insertions.undetermined);
        }
    }
    if let Some(conversion) = traditional::detect(text).filter(|c| c.is_machine_converted()) {
        findings.push(Finding {
            span: 0..text.len(),
            family: Family::MachineConvertedTraditional,
            detail: conversion.describe(),
        });
        if options.zh_to_simplified {
            changes = simplify_lines(text, changes, &conversion.describe());
        }
    }
    (changes, findings)
}

/// Drops the readings on primer lines. A primer annotates (nearly) every
/// character of a line, and there the readings are the text; the inserter
/// annotates only the characters on its list. The test is per line because
/// a primer can be quoted inside a longer text, which must not make its
/// readings look like the inserter's.
fn drop_primer_lines(text: &str, readings: &mut Vec<ReadingSite>) {
    let mut keep = vec![true; readings.len()];
    let mut i = 0;
    while i < readings.len() {
        let at = readings[i].span.start;
        let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
        let end = text[at..].find('\n').map_or(text.len(), |p| at + p);
        let on_line = readings[i..]
            .iter()
            .take_while(|r| r.span.start < end)
            .count();
        let han = text[start..end].chars().filter(|&c| is_han(c)).count();
        if on_line >= PRIMER_MIN_READINGS && on_line * 5 >= han * 4 {
            keep[i..i + on_line].fill(false);
        }
        i += on_line;
    }
    let mut keep = keep.into_iter();
    readings.retain(|_| keep.next().expect("one flag per reading"));
}

/// Readings a line must have before it can be taken for a primer: a short
/// headline whose few characters all happen to be on the inserter's list
/// is not one.
const PRIMER_MIN_READINGS: usize = 4;

/// Whether `text` has a Han character. Han characters are three- or
/// four-byte UTF-8 led by 0xE3..=0xE9, 0xEF or 0xF0, so the bytes are
/// tested for those 64 at a time, a test that vectorises (every text passes
/// through here), and only a block that holds one is decoded at its lead
/// bytes: Western text with the odd emoji or U+FFFD stays at byte speed.
fn holds_han(text: &str) -> bool {
    let lead = |b: u8| matches!(b, 0xE3..=0xE9 | 0xEF | 0xF0);
    text.as_bytes()
        .chunks(64)
        .enumerate()
        .filter(|(_, block)| block.iter().fold(0, |any, &b| any | u8::from(lead(b))) != 0)
        .any(|(n, block)| {
            block
                .iter()
                .enumerate()
                .filter(|&(_, &b)| lead(b))
                .any(|(i, _)| {
                    // A lead byte always starts a character.
                    text[n * 64 + i..].chars().next().is_some_and(is_han)
                })
        })
}

/// The runs of `text` that the reading inserter's split sites damaged: each
/// `?` with its reading and the shifted characters after it, as far as any
/// choice of lost bytes reaches. Their bytes are out of step, so they read
/// as rare characters and lost bytes of their own (`?nà)茽I` for 改善營),
/// which the engine must leave to [`repair`] to rebuild.
pub(crate) fn split_runs(text: &str) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    for question in memchr::memchr_iter(b'?', text.as_bytes()) {
        // The `?` follows a character of two GBK bytes, or a reading of
        // one: a question mark after a Western word is passed over at once.
        let after_han = question > 0 && matches!(text.as_bytes()[question - 1], 0x80.. | b')');
        if !after_han || !split::is_site(text, question) {
            continue;
        }
        let found = split::candidates(text, question, b"\n ,");
        if let Some(end) = found.iter().map(|(_, site)| site.end).max() {
            runs.push(question..end);
        }
    }
    runs
}

/// A character followed by readings of it.
struct ReadingSite {
    span: Range<usize>,
    ch: char,
    readings: Vec<String>,
}

/// A split site and the lost bytes chosen for it.
struct SplitSite {
    span: Range<usize>,
    lost: Vec<u8>,
    rebuilt: split::Rebuilt,
    confidence: f32,
    note: String,
}

struct Insertions {
    readings: Vec<ReadingSite>,
    splits: Vec<SplitSite>,
    undetermined: Vec<Finding>,
}

/// Each split site's candidates, as [`find_insertions`] meets them on its
/// first walk, before restored sites inform the document's counts: the
/// evidence for each, and the text it was read in (the restored characters
/// with [`WINDOW`] characters of context on each side).
type Trace = Vec<Vec<(Evidence, String)>>;

/// For fitting [`Evidence::score`] (`examples/fit_evidence.rs`): each split
/// site of `text` with its candidates' features, in the order of
/// [`EVIDENCE_FEATURES`], and the window of text each was read in, by which
/// the fitter tells the true candidate.
#[doc(hidden)]
pub fn split_site_evidence(text: &str) -> Vec<Vec<(Vec<f32>, String)>> {
    let mut trace = Vec::new();
    find_insertions(text, Some(&mut trace));
    trace
        .into_iter()
        .map(|site| {
            site.into_iter()
                .map(|(evidence, window)| (evidence.features().to_vec(), window))
                .collect()
        })
        .collect()
}

fn find_insertions(text: &str, trace: Option<&mut Trace>) -> Option<Insertions> {
    // Readings open with a bracket right after their character, so only the
    // brackets are visited, not every character of the text.
    let mut readings = Vec::new();
    let mut from = 0;
    while let Some(offset) = memchr::memchr(b'(', &text.as_bytes()[from..]) {
        let open = from + offset;
        from = open + 1;
        let Some(ch) = text[..open].chars().next_back().filter(|&c| is_han(c)) else {
            continue;
        };
        let (found, len) = readings_after(ch, &text[open..]);
        if !found.is_empty() {
            readings.push(ReadingSite {
                span: open - ch.len_utf8()..open + len,
                ch,
                readings: found.iter().map(|r| r.to_string()).collect(),
            });
            from = open + len;
        }
    }
    drop_primer_lines(text, &mut readings);
    // What the inserter's list holds, as far as the intact readings show.
    let listed: BTreeMap<(char, &str), usize> =
        readings.iter().fold(BTreeMap::new(), |mut m, site| {
            *m.entry((site.ch, site.readings[0].as_str())).or_default() += 1;
            m
        });

    let mut context = None;
    let mut walk = Walk::decide(text, &listed, &mut context, trace);
    // The sites a walk settles restore words the document uses elsewhere
    // (處置, 人民, 巡察 split wherever they occur): read once more with
    // them restored, the sites it left may be settled by them.
    if let (Some(first), false, false) = (
        &context,
        walk.undetermined.is_empty(),
        walk.splits.is_empty(),
    ) {
        let mut adapted = Some(first.adapted(&restored(text, &walk.splits)));
        walk = Walk::decide(text, &listed, &mut adapted, None);
    }
    let Walk {
        splits,
        undetermined,
        unrepaired,
        ..
    } = walk;

    let distinct = listed
        .keys()
        .map(|k| k.0)
        .collect::<std::collections::BTreeSet<_>>();
    if splits.is_empty() && (readings.len() < 3 || distinct.len() < 2) {
        return None;
    }
    // Readings inside a split site are removed by the site's own change.
    // Those inside a damaged run left for a person stay: a reading there
    // may follow a character that the shifted bytes made up, and it is
    // evidence for whoever repairs the run.
    readings.retain(|r| {
        let overlaps = |s: &Range<usize>| r.span.start < s.end && s.start < r.span.end;
        !splits.iter().any(|s| overlaps(&s.span)) && !unrepaired.iter().any(overlaps)
    });
    Some(Insertions {
        readings,
        splits,
        undetermined,
    })
}

impl SplitSite {
    /// What restores the site: the lost bytes put back, then the readings
    /// the damaged run holds dropped, if it holds any.
    fn chain(&self, text: &str) -> Chain {
        let mut steps = vec![Step::RejoinSplitCharacters {
            lost: self.lost.clone(),
        }];
        let rejoined =
            rejoin(&text[self.span.clone()], &self.lost).expect("a chosen site rebuilds");
        if drop_readings(&rejoined).is_some() {
            steps.push(Step::DropReadings);
        }
        Chain::new(steps)
    }
}

/// `text` with the split sites it has settled restored.
fn restored(text: &str, splits: &[SplitSite]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for site in splits {
        let before = &text[site.span.clone()];
        out += &text[at..site.span.start];
        out += &site
            .chain(text)
            .apply(before)
            .expect("a chosen site rebuilds");
        at = site.span.end;
    }
    out += &text[at..];
    out
}

/// Split sites that must share their straddling character: those after
/// characters with the same trail byte, whose readings are the same. The
/// straddler is that trail byte and the lost byte, and the inserter's list
/// holds one character with that lead byte and reading, so the lost byte is
/// the same at all of them. A document repeats its words (防控, 部署), and
/// every occurrence of a split pair is split: what one site leaves open,
/// the others may settle.
type GroupKey = (u8, String);

/// One pass over the split sites of a text.
#[derive(Default)]
struct Walk {
    splits: Vec<SplitSite>,
    undetermined: Vec<Finding>,
    unrepaired: Vec<Range<usize>>,
    /// For each group of sites, each site's straddlers with the best score
    /// of a choice that has it.
    groups: HashMap<GroupKey, Vec<Vec<(char, f32)>>>,
    /// The straddler decided for a group of several sites, or `None` where
    /// the group's sites together do not decide it.
    shared: HashMap<GroupKey, Option<char>>,
}

impl Walk {
    /// Walks the split sites, and walks them again where groups of sites
    /// that share a straddler are decided together.
    fn decide(
        text: &str,
        listed: &BTreeMap<(char, &str), usize>,
        context: &mut Option<Context>,
        trace: Option<&mut Trace>,
    ) -> Walk {
        let mut walk = Walk::default();
        walk.run(text, listed, context, trace);
        let shared = walk.shared_straddlers(listed);
        if !shared.is_empty() {
            walk = Walk {
                shared,
                ..Walk::default()
            };
            walk.run(text, listed, context, None);
        }
        walk
    }

    fn run(
        &mut self,
        text: &str,
        listed: &BTreeMap<(char, &str), usize>,
        context: &mut Option<Context>,
        mut trace: Option<&mut Trace>,
    ) {
        let mut from = 0;
        while let Some(offset) = text[from..].find('?') {
            let question = from + offset;
            from = question + 1;
            if !split::is_site(text, question) {
                continue;
            }
            let context = context
                .get_or_insert_with(|| Context::new(text, listed.keys().map(|k| k.0).collect()));
            match choose(text, question, listed, context, self, trace.as_deref_mut()) {
                Ok(site) => {
                    from = site.span.end;
                    self.splits.push(site);
                }
                Err((detail, end)) => {
                    from = end;
                    self.unrepaired.push(question..end);
                    self.undetermined.push(Finding {
                        span: question..question + 1,
                        family: Family::SplitCharacters,
                        detail,
                    });
                }
            }
        }
    }

    /// The straddler of each group of several sites: the one whose best
    /// choices score highest summed over the sites (each site being
    /// evidence of its own, their log odds add), if it beats the next by
    /// [`MARGIN`]. A straddler some site rules out is out for all.
    fn shared_straddlers(
        &self,
        listed: &BTreeMap<(char, &str), usize>,
    ) -> HashMap<GroupKey, Option<char>> {
        let mut shared = HashMap::new();
        for (key, sites) in self.groups.iter().filter(|(_, sites)| sites.len() > 1) {
            // Two candidates the document shows on the list (不 and 部 are
            // both `bu` and share their lead byte): the sites need not share
            // a straddler.
            let mut seen: Vec<char> = sites
                .iter()
                .flatten()
                .map(|s| s.0)
                .filter(|&c| listed.contains_key(&(c, key.1.as_str())))
                .collect();
            seen.sort_unstable();
            seen.dedup();
            if seen.len() > 1 {
                continue;
            }
            let mut totals: Vec<(char, f32)> = sites[0]
                .iter()
                .filter_map(|&(c, _)| {
                    let total: Option<f32> = sites
                        .iter()
                        .map(|site| site.iter().find(|s| s.0 == c).map(|s| s.1))
                        .sum();
                    total.map(|t| (c, t))
                })
                .collect();
            totals.sort_by(|a, b| b.1.total_cmp(&a.1));
            let choice = match totals.as_slice() {
                // Sites that share no straddler: the list holds more than
                // one such character after all, and each site stands alone.
                [] => continue,
                [(c, _)] => Some(*c),
                [(c, best), (_, second), ..] => (best - second >= MARGIN).then_some(*c),
            };
            shared.insert(key.clone(), choice);
        }
        shared
    }
}

/// What the rest of the document says about plausible characters: which
/// characters and character runs it uses (news text repeats its words:
/// 疫情, 習近平), its punctuation, and whether it is written in traditional
/// or simplified characters.
struct Context {
    counts: HashMap<char, u32>,
    total: u32,
    bigrams: HashMap<(char, char), u32>,
    trigrams: HashMap<(char, char, char), u32>,
    /// How often a character of one class follows one of another.
    transitions: [[u32; CLASSES]; CLASSES],
    /// Characters of each class.
    class_counts: [u32; CLASSES],
    /// How often a character is followed by another in the document, and
    /// by how many different ones.
    follows: HashMap<char, (u32, u32)>,
    traditional: bool,
    /// Bytes below 0x40 that follow a character in the document.
    separators: Vec<u8>,
    /// Characters the inserter is seen to annotate.
    annotated: HashSet<char>,
    /// Byte pairs the inserter is seen to pass over, so not on its list:
    /// characters without a reading after them, and the pairs that
    /// straddle two adjacent characters without splitting the second.
    unlisted: HashSet<char>,
    /// Natural log of jieba's frequency for the strings looked up so far.
    words: RefCell<HashMap<String, Option<f32>>>,
    /// [`Context::ends_on_function_word`] for the runs looked up so far.
    clause_ends: RefCell<HashMap<String, bool>>,
}

impl Context {
    fn new(text: &str, annotated: HashSet<char>) -> Context {
        let mut counts = HashMap::new();
        let mut total = 0;
        let mut bigrams = HashMap::new();
        let mut trigrams = HashMap::new();
        let mut transitions = [[0; CLASSES]; CLASSES];
        let mut distinct = HashSet::new();
        let mut separators = Vec::new();
        let mut unlisted = HashSet::new();
        // The trail byte of the character before, in the original byte
        // order: the inserter's readings do not part two characters there.
        let mut trail = None;
        let (mut prev2, mut prev): (Option<char>, Option<char>) = (None, None);
        let mut i = 0;
        while let Some(ch) = text[i..].chars().next() {
            i += ch.len_utf8();
            let bytes = split::pair_of(ch);
            if let (Some(t), Some([l, _])) = (trail, bytes) {
                unlisted.extend(split::pair(t, l));
            }
            trail = bytes.map(|b| b[1]);
            *counts.entry(ch).or_insert(0) += 1;
            total += 1;
            if ch.is_ascii_alphabetic() {
                (prev2, prev) = (None, None);
                continue;
            }
            if let Some(p) = prev {
                *bigrams.entry((p, ch)).or_insert(0) += 1;
                transitions[class(p)][class(ch)] += 1;
                if let Some(p2) = prev2 {
                    *trigrams.entry((p2, p, ch)).or_insert(0) += 1;
                }
                if !p.is_ascii()
                    && (ch < '@' || ch == '\x7F')
                    && ch != '?'
                    && !separators.contains(&(ch as u8))
                {
                    separators.push(ch as u8);
                }
            }
            (prev2, prev) = (prev, Some(ch));
            if is_han(ch) {
                if distinct.len() < 3000 {
                    distinct.insert(ch);
                }
                // Readings interrupt the text, not its words.
                let len = readings_after(ch, &text[i..]).1;
                if len == 0 {
                    unlisted.insert(ch);
                }
                i += len;
            }
        }
        let mut class_counts = [0; CLASSES];
        for (&c, &n) in &counts {
            class_counts[class(c)] += n;
        }
        let mut follows: HashMap<char, (u32, u32)> = HashMap::new();
        for (&(a, _), &n) in &bigrams {
            let entry = follows.entry(a).or_default();
            *entry = (entry.0 + n, entry.1 + 1);
        }
        let (mut t, mut s) = (0, 0);
        for &c in &distinct {
            match traditional::script(c) {
                (true, _) => t += 1,
                (_, true) => s += 1,
                _ => {}
            }
        }
        Context {
            counts,
            total,
            bigrams,
            trigrams,
            transitions,
            class_counts,
            follows,
            traditional: t > s,
            separators,
            annotated,
            unlisted,
            words: RefCell::new(HashMap::new()),
            clause_ends: RefCell::new(HashMap::new()),
        }
    }

    /// The context of `view`, the document with some sites restored, for
    /// everything but what the inserter's list is seen to hold: a restored
    /// character shows no reading, and the pair its straddler made with
    /// the character before is intact, yet both are on the list.
    fn adapted(&self, view: &str) -> Context {
        Context {
            separators: self.separators.clone(),
            unlisted: self.unlisted.clone(),
            ..Context::new(view, self.annotated.clone())
        }
    }

    /// Whether a rebuilt site agrees with what the document shows of the
    /// inserter's list. The inserter annotated every occurrence of a listed
    /// byte pair, wherever it stood, so a pair it passed over (a character
    /// without a reading, two characters whose straddling bytes were not
    /// split) is not on the list and cannot be the straddling pair, and a
    /// character seen with a reading must carry one wherever it is rebuilt.
    /// The shifted characters of other damaged runs count too: they are
    /// byte pairs of the original, which the inserter matched like any
    /// other. A pair seen both ways (a gloss the author wrote) settles
    /// nothing.
    fn fits_the_list(&self, text: &str, site: &split::Rebuilt) -> bool {
        let listed = |c: &char| self.annotated.contains(c) && !self.unlisted.contains(c);
        let unlisted = |c: &char| self.unlisted.contains(c) && !self.annotated.contains(c);
        if std::iter::once(&site.straddler)
            .chain(&site.owners)
            .any(|(c, _)| unlisted(c))
        {
            return false;
        }
        let last = site.text.chars().next_back();
        let trailing = last.is_some_and(|c| readings_after(c, &text[site.end..]).1 > 0);
        let count = site.text.chars().count();
        site.text.chars().enumerate().all(|(k, c)| {
            let annotated_here =
                site.owners.iter().any(|o| o.0 == c) || (k + 1 == count && trailing);
            annotated_here || !listed(&c)
        })
    }

    /// Whether the text around a damaged run (before `at`, after `end`)
    /// is traditional, and whether decisively so (none of the other script
    /// on either side). A document may mix scripts sentence by sentence
    /// (004 does), so the neighbours decide, and the document only when
    /// they do not; a run where one script gives way to the other is
    /// decisive for neither.
    fn traditional_at(&self, text: &str, at: usize, end: usize) -> (bool, bool) {
        let (mut t, mut s) = (0, 0);
        let before = text[..at].chars().rev().filter(|&c| is_han(c)).take(12);
        let after = text[end..].chars().filter(|&c| is_han(c)).take(12);
        for c in before.chain(after) {
            match traditional::script(c) {
                (true, _) => t += 1,
                (_, true) => s += 1,
                _ => {}
            }
        }
        if t == s {
            (self.traditional, false)
        } else {
            (t > s, t.min(s) == 0 && t.max(s) >= 2)
        }
    }

    /// The log frequency of a word in jieba's dictionary, if it has it.
    fn word(&self, word: &str) -> Option<f32> {
        *self
            .words
            .borrow_mut()
            .entry(word.to_string())
            .or_insert_with(|| {
                let jieba = jieba();
                jieba
                    .has_word(word)
                    .then(|| (jieba.suggest_freq(word) as f32).ln())
            })
    }

    /// Whether a run of Han characters ends on a word that cannot end a
    /// clause in jieba's tagging: a preposition, a conjunction, an adverb
    /// or a structural particle other than 了 (在, 和, 就, 都 before a
    /// comma).
    fn ends_on_function_word(&self, han: &str) -> bool {
        *self
            .clause_ends
            .borrow_mut()
            .entry(han.to_string())
            .or_insert_with(|| {
                let simplified = traditional::to_simplified(han);
                jieba().tag(&simplified, false).last().is_some_and(|t| {
                    matches!(t.tag, "p" | "c" | "d" | "uj" | "uz" | "ud" | "ug" | "uv")
                })
            })
    }

    /// The log probability of a run of Han characters under jieba's model,
    /// each word as likely as its frequency, summed over every way to cut
    /// the run into words: a run that reads as words in more than one way
    /// (强弱/项, 强/弱项) is that much more plausible than one that reads
    /// only one way. The dictionary is of simplified Chinese, and so must
    /// the run be.
    fn words_logp(&self, simplified: &[char]) -> f32 {
        segmentations_logp(simplified, -JIEBA_LOG_TOTAL, |word| {
            self.word(word).map(|freq| freq - JIEBA_LOG_TOTAL)
        })
    }

    /// How a window of text reads, added to `f`: its Han runs by jieba's
    /// model, its other characters as often as the document uses them, its
    /// steps into and out of them, the pairs and triples of characters the
    /// document itself uses, the rules of Chinese punctuation, and whether
    /// its clauses end on words that can end one.
    fn fluency(&self, window: &[char], f: &mut Evidence) {
        for run in window.split(|&c| !is_han(c)).filter(|r| !r.is_empty()) {
            let run = traditional::to_simplified(&run.iter().collect::<String>());
            let run: Vec<char> = run.chars().collect();
            f.words += self.words_logp(&run);
            f.modern_words += segmentations_logp(&run, words::unseen_logp(), words::logp);
        }
        for &c in window.iter().filter(|&&c| !is_han(c)) {
            let n = self.counts.get(&c).copied().unwrap_or(0) as f32;
            let general = GENERAL_TEXT * general_share(c);
            f.marks += ((n + 0.5 + general) / (self.total as f32 + GENERAL_TEXT)).ln();
        }
        for w in window.windows(2) {
            let (a, b) = (w[0], w[1]);
            let n = self.bigrams.get(&(a, b)).copied().unwrap_or(0);
            f.document_pairs += (1.0 + n as f32).ln();
            if !(is_han(a) && is_han(b)) {
                f.steps += self.step_logp(a, b, n);
            }
            if n == 0 && !adjacent_marks_fit(a, b) {
                f.bad_marks += 1.0;
            }
        }
        for (w, news) in window.windows(3).zip(ngrams::logps(window)) {
            let n = self.trigrams.get(&(w[0], w[1], w[2])).copied().unwrap_or(0);
            f.document_triples += (1.0 + n as f32).ln();
            f.chars += news;
            // The news model adapted to the document: its own counts, with
            // the news model as the prior of each context's distribution.
            let context = self.bigrams.get(&(w[0], w[1])).copied().unwrap_or(0);
            f.document_chars +=
                ((n as f32 + ADAPTATION * news.exp()) / (context as f32 + ADAPTATION)).ln();
        }
        for (k, w) in window.windows(2).enumerate() {
            if is_han(w[0]) && matches!(w[1], ',' | '，' | '。' | '、' | ';' | '；' | '\n') {
                let start = window[..=k]
                    .iter()
                    .rposition(|&c| !is_han(c))
                    .map_or(0, |p| p + 1);
                let run: String = window[start..=k].iter().collect();
                f.function_end += f32::from(u8::from(self.ends_on_function_word(&run)));
            }
        }
    }

    /// How likely a character of `b`'s class is to follow `a`, by the
    /// document's habits (`在2022年` rather than `在,022年`).
    fn class_p(&self, a: char, b: char) -> f32 {
        let row = &self.transitions[class(a)];
        (1 + row[class(b)]) as f32 / (CLASSES as u32 + row.iter().sum::<u32>()) as f32
    }

    /// The log probability that `b` follows `a` where one of them is not
    /// Han, `n` being how often the document has the pair. What follows a
    /// given character in the document (a digit before 月, never a comma)
    /// is mixed with what follows its class, as much as the character's own
    /// record allows (Witten-Bell). For a Han `b`, whose own likelihood is
    /// the word model's, only how much more likely the document makes it
    /// here counts.
    fn step_logp(&self, a: char, b: char, n: u32) -> f32 {
        let (seen, kinds) = self.follows.get(&a).copied().unwrap_or((0, 0));
        let (seen, kinds, n) = (seen as f32, kinds as f32, n as f32);
        let count = self.counts.get(&b).copied().unwrap_or(0) as f32;
        let class_count = self.class_counts[class(b)] as f32;
        let (own, back) = if is_han(b) {
            ((count + 1.0) / (class_count + 1.0), self.class_p(a, b))
        } else {
            let general = GENERAL_TEXT * general_share(b);
            let own = (count + 0.5 + general) / (class_count + GENERAL_TEXT);
            (1.0, self.class_p(a, b) * own)
        };
        if seen == 0.0 {
            return back.ln();
        }
        ((n / own + kinds * back) / (seen + kinds)).ln()
    }
}

/// The log probability of a run of Han characters, summed over every way
/// to cut it into words of at most [`LONGEST_WORD`] characters, each word
/// as likely as `logp` says (`None`: not a word). A character that is not
/// a word of its own has the probability `unseen`, as if seen once.
fn segmentations_logp(chars: &[char], unseen: f32, logp: impl Fn(&str) -> Option<f32>) -> f32 {
    let n = chars.len();
    let mut rest = vec![0.0f32; n + 1];
    let mut word = String::new();
    for i in (0..n).rev() {
        let mut cuts = Vec::with_capacity(LONGEST_WORD);
        word.clear();
        for len in 1..=LONGEST_WORD.min(n - i) {
            word.push(chars[i + len - 1]);
            match logp(&word) {
                Some(p) => cuts.push(p + rest[i + len]),
                None if len == 1 => cuts.push(unseen + rest[i + len]),
                None => {}
            }
        }
        let top = cuts.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        rest[i] = top + cuts.iter().map(|c| (c - top).exp()).sum::<f32>().ln();
    }
    rest[0]
}

pub(crate) fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

/// Han characters, digits, Latin letters, ASCII marks, other marks, spaces
/// and line breaks: the classes whose order the document's own habits
/// tell (`在2022年` rather than `在,022年`).
const CLASSES: usize = 7;

fn class(c: char) -> usize {
    match c {
        _ if is_han(c) => 0,
        '0'..='9' => 1,
        '\n' => 6,
        ' ' | '\t' => 5,
        _ if c.is_ascii_alphabetic() => 2,
        _ if c.is_ascii() => 3,
        _ => 4,
    }
}

/// Whether a restored character that is not Han is one running Chinese
/// text uses: ASCII, the full-width forms, and the marks of Chinese prose
/// (`、。《》“”—…·〇`). GBK's symbol rows hold many more (々 and 〃, ※,
/// primes, kana, Greek, box drawing, pinyin letters), and a lost byte that
/// makes one of them is far more likely a mark the text does use.
fn is_text_mark(c: char) -> bool {
    c.is_ascii()
        || matches!(c,
            '·' | '—' | '‘'..='”' | '…' | '‰'
            | '\u{3000}'..='\u{3002}' | '〇'..='】' | '〔'..='〗'
            | '\u{FF01}'..='\u{FF5E}' | '￥')
}

/// How many characters of general Chinese text the share below stands
/// for, next to the document's own counts: enough to tell a mark the
/// document happens not to use yet (a closing quote) from one Chinese
/// prose hardly uses (a lone `…`), not enough to outweigh the document.
const GENERAL_TEXT: f32 = 200.0;

/// The share of a character that is not Han in Chinese news text, roughly:
/// commas and full stops are common, enumeration commas, quotes, colons and
/// digits less so, other marks rare. Half-width marks count as the
/// full-width ones they stand for, since many sites write those.
fn general_share(c: char) -> f32 {
    match c {
        ',' | '，' => 0.05,
        '。' => 0.025,
        '、' | '\n' => 0.01,
        '“' | '”' | '0'..='9' => 0.004,
        ':' | '：' => 0.003,
        ';' | '；' | '《' | '》' | ' ' => 0.002,
        '(' | ')' | '（' | '）' | '.' | '%' | '％' => 0.001,
        '?' | '？' | '!' | '！' | '—' | '‘' | '’' | '·' | '-' => 0.0005,
        '…' | '「' | '」' | '【' | '】' | '/' => 0.0002,
        _ => 0.0,
    }
}

/// The longest word looked up in jieba's dictionary.
const LONGEST_WORD: usize = 4;

/// The natural log of the sum of the frequencies in jieba's dictionary
/// (60 101 964), which turns a frequency into a probability.
const JIEBA_LOG_TOTAL: f32 = 17.91;

const OPENING: &str = "“‘「『（(《〈【";
const CLOSING: &str = "”’」』）)》〉】";
/// Marks after which a sentence or line may end.
const FINAL: &str = "。！？!?…";

/// Whether two adjacent characters can stand together as Chinese
/// punctuation does: marks follow each other only around quotes and
/// brackets, and a line does not end on a comma, an enumeration comma or
/// an opening mark.
fn adjacent_marks_fit(a: char, b: char) -> bool {
    let mark = |c: char| !is_han(c) && !c.is_alphanumeric() && c != ' ';
    if b == '\n' {
        return is_han(a) || a.is_alphanumeric() || FINAL.contains(a) || CLOSING.contains(a);
    }
    !(mark(a) && mark(b))
        || CLOSING.contains(a)
        || OPENING.contains(b)
        || (FINAL.contains(a) && CLOSING.contains(b))
}

/// A quote or bracket restored at a site must pair with one in the text:
/// a closing mark with an opening one before it on the line, an opening
/// mark with a closing one after. The restored characters around it are
/// part of the line (a run may restore both quotes of `“四方責任”`).
/// `Some(true)` when the `k`th restored character pairs, `Some(false)`
/// when it does not, `None` for other characters.
fn pairs_up(text: &str, before: usize, after: usize, restored: &[char], k: usize) -> Option<bool> {
    let c = restored[k];
    let (line_start, line_end) = line_around(text, before, after);
    if let Some(i) = CLOSING.chars().position(|m| m == c) {
        let open = OPENING.chars().nth(i).expect("paired lists");
        let mut depth = 0i32;
        for ch in marks(&text[line_start..before]).chain(restored[..k].iter().copied()) {
            depth += i32::from(ch == open) - i32::from(ch == c && depth > 0);
            if ch == '\n' {
                depth = 0;
            }
        }
        return Some(depth > 0);
    }
    let i = OPENING.chars().position(|m| m == c)?;
    let close = CLOSING.chars().nth(i).expect("paired lists");
    let mut depth = 0i32;
    for ch in restored[k + 1..]
        .iter()
        .copied()
        .chain(marks(&text[after..line_end]))
    {
        if ch == c {
            depth += 1;
        } else if ch == close {
            if depth == 0 {
                return Some(true);
            }
            depth -= 1;
        } else if ch == '\n' {
            break;
        }
    }
    Some(false)
}

/// How far from a split site, in bytes, its quotes and brackets are paired
/// with others on the line. A quotation opens and closes within a
/// paragraph; a line of megabytes is a file without line feeds, and reading
/// all of it for every choice at every site would take time in the square
/// of its length.
const QUOTE_REACH: usize = 4096;

/// The line around `before..after`, as far as [`QUOTE_REACH`] on each side.
fn line_around(text: &str, before: usize, after: usize) -> (usize, usize) {
    let mut from = before.saturating_sub(QUOTE_REACH);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = (after + QUOTE_REACH).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let start = text[from..before]
        .rfind('\n')
        .map_or(from, |p| from + p + 1);
    let end = text[after..to].find('\n').map_or(to, |p| after + p);
    (start, end)
}

/// The characters of `text` without the inserter's brackets: whole
/// readings, and the halves that split sites leave (`?shù)`).
fn marks(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let c = text[at..].chars().next()?;
        at += c.len_utf8();
        if matches!(c, '(' | '?') {
            if let Some((_, n)) = readings::parse_open_reading(&text[at..]) {
                at += n;
                return Some(' ');
            }
        }
        Some(c)
    })
}

/// Whether a line leaves a quote or bracket it opens unclosed.
fn leaves_open(line: impl Iterator<Item = char>) -> bool {
    let mut depth = [0i32; 9];
    for c in line {
        if let Some(k) = OPENING.chars().position(|m| m == c) {
            depth[k] += 1;
        } else if let Some(k) = CLOSING.chars().position(|m| m == c) {
            depth[k] = (depth[k] - 1).max(0);
        }
    }
    depth.iter().any(|&d| d > 0)
}

/// How many characters on each side are searched for the restored
/// characters of a parallel phrase.
const PARALLEL: usize = 12;

/// How many of the `restored` characters of `seq` stand where an item of
/// an enumeration next to theirs has the same character. Items joined by 、
/// are parallel, aligned at their ends and most often sharing their last
/// character (複雜性、艱鉅性、反覆性; 政治領悟力、政治執行力). The first item is
/// the run of Han characters before the first 、, which may hold the words
/// that lead into the list (但疫情仍然多點散發、局部暴發): it is compared by
/// as many of its last characters as the item next to it has. Other items
/// of other lengths are not compared (應急處置、督查檢查等機制 shares no
/// slot), nor items cut off by the end of `seq`, nor an item with its own
/// copy, which an enumeration does not list.
fn parallel_slots(seq: &[char], restored: Range<usize>) -> usize {
    let item = |k: usize| {
        let start = seq[..k]
            .iter()
            .rposition(|&c| !is_han(c))
            .map_or(0, |p| p + 1);
        let end = seq[k..]
            .iter()
            .position(|&c| !is_han(c))
            .map_or(seq.len(), |p| k + p);
        (start > 0 && end < seq.len()).then_some(start..end)
    };
    let first = |item: &Range<usize>| seq[item.start - 1] != '、';
    restored
        .filter(|&k| is_han(seq[k]))
        .filter(|&k| {
            let Some(own) = item(k) else { return false };
            let mut neighbours = Vec::new();
            if own.start >= 2 && seq[own.start - 1] == '、' && is_han(seq[own.start - 2]) {
                neighbours.extend(item(own.start - 2));
            }
            if seq[own.end] == '、' && seq.get(own.end + 1).is_some_and(|&c| is_han(c)) {
                neighbours.extend(item(own.end + 1));
            }
            neighbours.into_iter().any(|other| {
                let longer = if own.len() > other.len() {
                    &own
                } else {
                    &other
                };
                if own.len() != other.len() && !first(longer) {
                    return false;
                }
                let n = own.len().min(other.len());
                let (own, other) = (own.end - n..own.end, other.end - n..other.end);
                own.contains(&k)
                    && seq[other.clone()] != seq[own.clone()]
                    && seq[other.start + k - own.start] == seq[k]
            })
        })
        .count()
}

/// Each number (a run of digits) in `seq` with a character in `restored`
/// or starting right after it (the lost byte may have been its first digit),
/// with the characters before and after it.
fn numbers(seq: &[char], restored: Range<usize>) -> Vec<Number> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < seq.len() {
        if !seq[k].is_ascii_digit() {
            k += 1;
            continue;
        }
        let start = k;
        while k < seq.len() && seq[k].is_ascii_digit() {
            k += 1;
        }
        // A run cut off by the edge of `seq` is not the whole number.
        if start > 0 && k < seq.len() && start <= restored.end && restored.start < k {
            out.push(Number {
                before: seq[start - 1],
                digits: seq[start..k].iter().collect(),
                after: seq[k],
            });
        }
    }
    out
}

/// A number in the text around a split site.
struct Number {
    before: char,
    digits: String,
    after: char,
}

/// Whether a number fits a date it is part of. A year written in four
/// digits falls in 1900-2099, a month in 1-12 and a day in 1-31; a date
/// gives the year first (2022年6月, never 6月2022年), and no part of it has
/// three digits led by a zero.
fn fits_the_calendar(number: &Number) -> bool {
    let digits = number.digits.as_str();
    let value: u32 = digits.parse().unwrap_or(u32::MAX);
    let dated = matches!(number.after, '年' | '月' | '日' | '號' | '号');
    if dated && digits.len() >= 3 && digits.starts_with('0') {
        return false;
    }
    match number.after {
        '年' if digits.len() == 4 => {
            (1900..2100).contains(&value) && !matches!(number.before, '月' | '日')
        }
        '月' => (1..=12).contains(&value),
        '日' | '號' | '号' => (1..=31).contains(&value),
        _ => true,
    }
}

/// Up to `n` characters of text before `at`, nearest last, skipping the
/// inserter's readings and stopping at another split site.
fn text_before(text: &str, mut at: usize, n: usize) -> Vec<char> {
    let mut out = Vec::new();
    while out.len() < n {
        let Some((i, c)) = text[..at].char_indices().next_back() else {
            break;
        };
        if c == ')' {
            if let Some(open) = text[..i].rfind('(') {
                let inner = readings::parse_group(&text[open..]).filter(|&(_, n)| open + n == at);
                let owner = text[..open].chars().next_back();
                if inner.is_some_and(|(r, _)| owner.is_some_and(|o| readings::is_reading_of(r, o)))
                {
                    at = open;
                    continue;
                }
            }
        }
        if c == '?' {
            break;
        }
        out.push(c);
        at = i;
    }
    out.reverse();
    out
}

/// Up to `n` characters of text from `at` on, skipping the inserter's
/// readings and stopping at another split site.
fn text_after(text: &str, mut at: usize, n: usize) -> Vec<char> {
    let mut out = Vec::new();
    while let Some(c) = text[at..].chars().next().filter(|_| out.len() < n) {
        if c == '?' {
            break;
        }
        out.push(c);
        at += c.len_utf8();
        if is_han(c) {
            at += readings_after(c, &text[at..]).1;
        }
    }
    out
}

/// What a choice of lost bytes is scored on.
#[derive(Default)]
struct Evidence {
    /// The log probability of the window's Han runs under jieba's model,
    /// and under the word counts of modern text (`words.rs`).
    words: f32,
    modern_words: f32,
    /// The log probability of its other characters, as often as the
    /// document and general Chinese text use them.
    marks: f32,
    /// How often the document has each pair and triple of the window, as
    /// the log of one more than the count.
    document_pairs: f32,
    document_triples: f32,
    /// Pairs of marks that Chinese punctuation does not put together, where
    /// the document does not either.
    bad_marks: f32,
    /// The log probability of each step into or out of a character that
    /// is not Han, by what the document puts after the character before.
    steps: f32,
    /// Characters the choice needs on the inserter's list that the
    /// document shows there, and that it does not.
    listed: f32,
    unseen_on_list: f32,
    /// Restored characters of the other script, where the text around is
    /// decisively of one script and where it only leans to one.
    other_script: f32,
    other_script_nearby: f32,
    /// Restored symbols Chinese prose does not use (々, kana, box drawing).
    odd_marks: f32,
    /// Restored quotes and brackets that pair with one on the line, and
    /// that do not.
    paired: f32,
    unpaired: f32,
    /// Whether the choice restores the line feed that ends the text.
    final_line_feed: f32,
    /// How often the document uses the restored Han characters, as the log
    /// of one more than the count.
    han_seen: f32,
    /// Restored pairs the window has elsewhere: Chinese repeats itself in
    /// parallel phrases (人民至上、生命至上).
    echoes: f32,
    /// Clauses that end on a preposition, conjunction, adverb or particle.
    function_end: f32,
    /// The log probability of the window's characters, each after the two
    /// before it, as news text strings them (`ngrams.rs`), and as the
    /// document itself does, with news text for what it has not shown.
    chars: f32,
    document_chars: f32,
    /// Restored Han characters that the text around repeats.
    echoed_chars: f32,
    /// Whether the choice ends a line that leaves a quote or bracket open.
    left_open: f32,
    /// Restored Han characters in the same place of an enumeration's item
    /// as in the item next to it (精準度、知曉度、便捷度).
    parallel: f32,
    /// Numbers with restored digits, or starting right after the restored
    /// text, that no calendar has (6022年, 13月, 5月2022年).
    bad_date: f32,
}

/// The names of [`Evidence::features`], for the fitter.
#[doc(hidden)]
pub const EVIDENCE_FEATURES: [&str; FEATURES] = [
    "words",
    "marks",
    "document_pairs",
    "document_triples",
    "bad_marks",
    "steps",
    "listed",
    "unseen_on_list",
    "other_script",
    "other_script_nearby",
    "odd_marks",
    "paired",
    "unpaired",
    "final_line_feed",
    "han_seen",
    "echoes",
    "function_end",
    "chars",
    "document_chars",
    "echoed_chars",
    "left_open",
    "parallel",
    "bad_date",
    "modern_words",
];

const FEATURES: usize = 24;

/// How many characters of news text the news model counts for next to the
/// document's own, in each context: a document repeats its phrases (政治巡察
/// twice, 應急處置), and a few occurrences should outweigh the news.
const ADAPTATION: f32 = 3.0;

impl Evidence {
    /// A log-linear score. The weights were fitted by maximum likelihood
    /// (`examples/fit_evidence.rs`): on four thousand cases of generated
    /// damage (the generator of `tests/chinese.rs` with seeds 1, 2, 6 and
    /// 7, not the test's own), each site's true choice was made as likely
    /// as it could be against the others, and the fit held on cases from
    /// seeds it had not seen. So the score behaves like a log probability,
    /// and a margin between two choices like a log odds.
    ///
    /// `parallel` has since learnt to read the first item of an enumeration
    /// by its last characters. A refit with it (`parallel` 3.00 → 4.35, and
    /// every other weight moved a little) restored fewer cases exactly on
    /// seeds 3, 4 and 5 (117 of 3,000 not restored against 114, 5 with a
    /// wrong change either way), so the weights stand as they were fitted.
    fn score(&self) -> f32 {
        self.features()
            .iter()
            .zip(WEIGHTS)
            .map(|(feature, weight)| feature * weight)
            .sum()
    }

    fn features(&self) -> [f32; FEATURES] {
        [
            self.words,
            self.marks,
            self.document_pairs,
            self.document_triples,
            self.bad_marks,
            self.steps,
            self.listed,
            self.unseen_on_list,
            self.other_script,
            self.other_script_nearby,
            self.odd_marks,
            self.paired,
            self.unpaired,
            self.final_line_feed,
            self.han_seen,
            self.echoes,
            self.function_end,
            self.chars,
            self.document_chars,
            self.echoed_chars,
            self.left_open,
            self.parallel,
            self.bad_date,
            self.modern_words,
        ]
    }
}

/// The weights of [`Evidence::features`], as `examples/fit_evidence.rs`
/// fitted them.
const WEIGHTS: [f32; FEATURES] = [
    -0.26, 0.44, 0.06, 1.21, -4.58, 0.29, 4.55, -4.73, -6.13, -0.65, -1.64, 4.96, -1.54, 6.03,
    0.30, 2.77, -1.38, -0.18, 0.64, 0.72, -2.38, 3.00, -4.69, 0.67,
];

/// How many characters of context on each side a choice is read with.
const WINDOW: usize = 4;

/// How much better the best choice of lost bytes must score than the next
/// for a site to count as determined. Scores behave like log probabilities,
/// so this asks for the best reading to be about seven times as likely.
/// Measured on 3,000 cases of seeds the weights were not fitted on (3, 4
/// and 5), a margin of 2.5 leaves 138 cases not restored exactly, 4 of
/// them with a wrong change; 2.0 leaves 119, 5 of them wrong; 1.5 leaves
/// 103, 10 wrong. Below 2.0 a case gained costs about a wrong one: the
/// models know how common words are, not which fits the sentence (有效 or
/// 有序 after 保障羣衆生活, 實事 or 實施 after 民生).
const MARGIN: f32 = 2.0;

/// Picks the lost bytes for the site at `question`. Choices that disagree
/// with the inserter's list as the document shows it are dropped; the rest
/// are scored on their [`Evidence`]: how well the text reads with them
/// (`Context::fluency`), whether their characters match the document's
/// script, whether their quotes and brackets pair up, and whether the
/// inserter is seen to annotate the characters they need on its list. A
/// tie is reported, not guessed, together with where the damaged run ends.
fn choose(
    text: &str,
    question: usize,
    listed: &BTreeMap<(char, &str), usize>,
    context: &Context,
    walk: &mut Walk,
    trace: Option<&mut Trace>,
) -> Result<SplitSite, (String, usize)> {
    // A line feed is always a candidate: the one that ended the text may be
    // the very byte that was lost. So is a bracket or space, which a short
    // document may not show elsewhere after a character.
    let mut separators = context.separators.clone();
    for b in [b'\n', b'(', b' '] {
        if !separators.contains(&b) {
            separators.push(b);
        }
    }
    // A document that puts a digit after a character can put any digit
    // there: the year it cites elsewhere as 2021 may start a number here.
    if separators.iter().any(u8::is_ascii_digit) {
        for b in b'0'..=b'9' {
            if !separators.contains(&b) {
                separators.push(b);
            }
        }
    }
    let mut found = split::candidates(text, question, &separators);
    found.retain(|(_, site)| context.fits_the_list(text, site));
    let evidence = |site: &split::Rebuilt| -> (Evidence, String) {
        let mut f = Evidence::default();
        // A text's last byte is a line feed.
        if site.end == text.len() && site.text.ends_with('\n') {
            f.final_line_feed = 1.0;
        }
        // The inserter annotates every occurrence of the characters on its
        // list, and the straddling character is one of them: a choice that
        // needs only characters it is seen to annotate needs no unseen
        // entry on the list. Each character counts once, however often the
        // site shows it.
        let mut needed: Vec<&(char, String)> = Vec::new();
        for pair in std::iter::once(&site.straddler).chain(&site.owners) {
            if !needed.contains(&pair) {
                needed.push(pair);
            }
        }
        for (c, reading) in needed {
            if listed.contains_key(&(*c, reading.as_str())) {
                f.listed += 1.0;
            } else {
                f.unseen_on_list += 1.0;
            }
        }
        let last = site.text.chars().next_back().unwrap_or(site.before);
        let after = site.end + readings_after(last, &text[site.end..]).1;
        let restored: Vec<char> = site.text.chars().collect();
        for (k, &c) in restored.iter().enumerate() {
            let (is_traditional, is_simplified) = traditional::script(c);
            let (traditional, decisive) = context.traditional_at(text, question, after);
            if (traditional && is_simplified) || (!traditional && is_traditional) {
                // A converter leaves no simplified character in the
                // sentences it converts, and writers of simplified text do
                // not use traditional ones.
                if decisive {
                    f.other_script += 1.0;
                } else {
                    f.other_script_nearby += 1.0;
                }
            }
            if !is_han(c) && !is_text_mark(c) {
                f.odd_marks += 1.0;
            }
            // The character before the site is text like any other: a
            // quote it opens (做到“, whose trail byte began the straddle)
            // is one the site may close.
            match pairs_up(text, question, after, &restored, k) {
                Some(true) => f.paired += 1.0,
                Some(false) => f.unpaired += 1.0,
                None => {}
            }
            if is_han(c) {
                f.han_seen += (1.0 + context.counts.get(&c).copied().unwrap_or(0) as f32).ln();
            }
        }
        let mut window = text_before(text, site.before_at, WINDOW);
        window.push(site.before);
        let from = window.len();
        window.extend(site.text.chars());
        let to = window.len();
        window.extend(text_after(text, after, WINDOW));
        // Chinese repeats itself in parallel phrases (人民至上、生命至上):
        // a restored pair the window has elsewhere is more likely.
        for k in from - 1..to {
            let Some(pair) = window.get(k..k + 2) else {
                continue;
            };
            if window
                .windows(2)
                .enumerate()
                .any(|(j, w)| j != k && w == pair)
            {
                f.echoes += 1.0;
            }
        }
        // Parallel phrases also repeat single characters in the same
        // place (複雜性、艱鉅性、反覆性; 領悟力、執行力), further apart.
        let mut around = text_before(text, site.before_at, PARALLEL);
        around.extend(text_after(text, after, PARALLEL));
        f.echoed_chars = site
            .text
            .chars()
            .filter(|&c| is_han(c) && around.contains(&c))
            .count() as f32;
        let mut wide = text_before(text, site.before_at, PARALLEL);
        wide.push(site.before);
        let at = wide.len()..wide.len() + restored.len();
        wide.extend(&restored);
        wide.extend(text_after(text, after, PARALLEL));
        f.parallel = parallel_slots(&wide, at.clone()) as f32;
        f.bad_date = numbers(&wide, at)
            .iter()
            .filter(|number| !fits_the_calendar(number))
            .count() as f32;
        // A line a choice ends must not leave a quote or bracket open
        // (壓實“四方責任”, not 壓實“四方責任。).
        if let Some(k) = site.text.find('\n') {
            let line_start = line_around(text, question, question).0;
            let line = marks(&text[line_start..question]).chain(site.text[..k].chars());
            f.left_open = f32::from(u8::from(leaves_open(line)));
        }
        context.fluency(&window, &mut f);
        (f, window.into_iter().collect())
    };
    let mut scored: Vec<(f32, Vec<u8>, split::Rebuilt)> = Vec::new();
    let mut candidates = Vec::new();
    for (lost, rebuilt) in found {
        let (evidence, window) = evidence(&rebuilt);
        scored.push((evidence.score(), lost, rebuilt));
        candidates.push((evidence, window));
    }
    if let Some(trace) = trace {
        trace.push(candidates);
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let site_text = &text[question
        ..text[question..]
            .find(')')
            .map_or(text.len(), |e| question + e + 1)];
    // The sites inside the damaged run are part of this one.
    let end = scored.iter().map(|s| s.2.end).max().unwrap_or(question + 1);
    let fitting = scored.len();
    let key = scored
        .first()
        .and_then(|s| Some((split::pair_of(s.2.before)?[1], s.2.straddler.1.clone())));
    if let Some(key) = key {
        let mut straddlers: Vec<(char, f32)> = Vec::new();
        for (score, _, site) in &scored {
            if !straddlers.iter().any(|s| s.0 == site.straddler.0) {
                straddlers.push((site.straddler.0, *score));
            }
        }
        match walk.shared.get(&key) {
            // The choices the other sites rule out still fit this one's
            // bytes: they count against its confidence all the same.
            Some(Some(c)) => scored.retain(|s| s.2.straddler.0 == *c),
            Some(None) => {
                let options: Vec<String> = straddlers.iter().map(|s| s.0.to_string()).collect();
                return Err((
                    format!(
                        "a character split by the reading inserter at `{site_text}`; \
                         the lost byte cannot be determined: the straddling character, \
                         which other sites share, may be {}",
                        options.join(", ")
                    ),
                    end,
                ));
            }
            None => {}
        }
        walk.groups.entry(key).or_default().push(straddlers);
    }
    let Some((best, lost, rebuilt)) = scored.first().cloned() else {
        return Err((
            format!(
                "a character split by the reading inserter at `{site_text}`, \
                 but no lost byte fits the bytes around it; left as it is"
            ),
            question + 1,
        ));
    };
    if let Some((second, ..)) = scored.get(1) {
        if best - *second < MARGIN {
            let options: Vec<String> = scored
                .iter()
                .take_while(|s| best - s.0 < MARGIN)
                .map(|s| format!("{} ({:02X})", s.2.text, s.1[0]))
                .collect();
            return Err((
                format!(
                    "a character split by the reading inserter at `{site_text}`; \
                     the lost byte cannot be determined: {} fit almost equally well",
                    options.join(", ")
                ),
                end,
            ));
        }
    }
    let last = rebuilt.text.chars().next_back().unwrap_or('?');
    let end = rebuilt.end + readings_after(last, &text[rebuilt.end..]).1;
    let (confidence, note) = match fitting {
        1 => (0.95, String::new()),
        n => (
            0.75,
            format!(
                " ({} other lost bytes fit the reading but give less likely characters)",
                n - 1
            ),
        ),
    };
    Ok(SplitSite {
        span: rebuilt.before_at..end,
        lost,
        rebuilt,
        confidence,
        note,
    })
}

impl Insertions {
    fn changes(&self, text: &str) -> Vec<Change> {
        let mut changes: Vec<Change> = Vec::new();
        for site in &self.readings {
            let before = &text[site.span.clone()];
            let evidence = match site.readings.as_slice() {
                [one] => format!("{one} is a reading of {}; inserted after it", site.ch),
                [first, rest @ ..] if rest.iter().all(|r| r == first) => format!(
                    "{first} is a reading of {}; inserted after it {} times",
                    site.ch,
                    rest.len() + 1
                ),
                many => format!(
                    "{} are readings of {}; inserted after it",
                    many.join(", "),
                    site.ch
                ),
            };
            changes.push(change(
                text,
                site.span.clone(),
                Family::PinyinReadings,
                Chain::new(vec![Step::DropReadings]),
                0.9,
                evidence,
            ));
            debug_assert_eq!(
                changes.last().unwrap().after,
                site.ch.to_string(),
                "{before}"
            );
        }
        for site in &self.splits {
            let (c, reading) = &site.rebuilt.straddler;
            let lost: Vec<String> = site.lost.iter().map(|b| format!("{b:02X}")).collect();
            let evidence = format!(
                "{c} ({reading}) matched across the bytes of {} and the next character; \
                 its reading was inserted inside that character and the lost byte{} {} \
                 restored: {}{}",
                site.rebuilt.before,
                if lost.len() > 1 { "s" } else { "" },
                lost.join(" "),
                site.rebuilt.text,
                site.note
            );
            changes.push(change(
                text,
                site.span.clone(),
                Family::SplitCharacters,
                site.chain(text),
                site.confidence,
                evidence,
            ));
        }
        changes.sort_by_key(|c| c.span.start);
        changes
    }

    fn summary(&self, text: &str) -> String {
        let mut by_char: BTreeMap<(char, &str), usize> = BTreeMap::new();
        for site in &self.readings {
            *by_char.entry((site.ch, &site.readings[0])).or_default() += 1;
        }
        let mut common: Vec<_> = by_char.into_iter().collect();
        common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let examples: Vec<String> = common
            .iter()
            .take(5)
            .map(|((c, r), n)| format!("{c} {r} ×{n}"))
            .collect();
        let mut summary = format!(
            "pinyin readings inserted after {} characters ({})",
            self.readings.len()
                + self
                    .splits
                    .iter()
                    .map(|s| 1 + annotated_chars(
                        &rejoin(&text[s.span.clone()], &s.lost).unwrap_or_default()
                    ))
                    .sum::<usize>(),
            examples.join(", ")
        );
        let restored = self.splits.len();
        if restored > 0 {
            summary += &format!(
                "; {restored} character{} split by the inserter, restored",
                if restored == 1 { "" } else { "s" }
            );
        }
        let lost = self.undetermined.len();
        if lost > 0 {
            summary += &format!(
                "; {lost} split site{} left undetermined",
                if lost == 1 { "" } else { "s" }
            );
        }
        summary
    }
}

/// How many characters in `text` are followed by readings of them.
fn annotated_chars(text: &str) -> usize {
    let mut count = 0;
    let mut i = 0;
    while let Some(ch) = text[i..].chars().next() {
        i += ch.len_utf8();
        if is_han(ch) {
            let len = readings_after(ch, &text[i..]).1;
            count += usize::from(len > 0);
            i += len;
        }
    }
    count
}

fn change(
    text: &str,
    span: Range<usize>,
    family: Family,
    chain: Chain,
    confidence: f32,
    evidence: String,
) -> Change {
    let before = text[span.clone()].to_string();
    let after = chain
        .apply(&before)
        .expect("a change's chain replays on its own span");
    Change {
        span,
        before,
        after,
        family,
        chain,
        confidence,
        evidence,
    }
}

/// With `zh_to_simplified`, each line of machine-converted text becomes one
/// change that also undoes the inserter's damage on that line, since a
/// conversion needs whole phrases and changes may not overlap.
fn simplify_lines(text: &str, sites: Vec<Change>, evidence: &str) -> Vec<Change> {
    let mut out = Vec::new();
    let mut sites = sites.into_iter().peekable();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let span = start..start + content.len();
        start += line.len();
        let mut here = Vec::new();
        while sites.peek().is_some_and(|c| c.span.start < span.end) {
            here.push(sites.next().unwrap());
        }
        let mut steps = Vec::new();
        let lost: Vec<u8> = here
            .iter()
            .flat_map(|c| &c.chain.steps)
            .filter_map(|s| match s {
                Step::RejoinSplitCharacters { lost } => Some(lost.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        if !lost.is_empty() {
            steps.push(Step::RejoinSplitCharacters { lost });
        }
        if here
            .iter()
            .any(|c| c.chain.steps.contains(&Step::DropReadings))
        {
            steps.push(Step::DropReadings);
        }
        steps.push(Step::ToSimplified);
        let chain = Chain::new(steps);
        let before = &text[span.clone()];
        match chain.apply(before) {
            Some(after) if after != before => out.push(Change {
                span,
                before: before.to_string(),
                after,
                family: Family::MachineConvertedTraditional,
                chain,
                confidence: 0.8,
                evidence: format!("converted to simplified: {evidence}"),
            }),
            _ => out.extend(here),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{fits_the_calendar, holds_han, parallel_slots, Number};

    #[test]
    fn parallel_items_share_their_slots() {
        let slots = |text: &str, restored: char| {
            let seq: Vec<char> = text.chars().collect();
            let k = seq.iter().rposition(|&c| c == restored).unwrap();
            parallel_slots(&seq, k..k + 1)
        };
        assert_eq!(slots("提高精準度、知曉度、便捷度,幫助", '度'), 1);
        assert_eq!(slots("判斷力、政治領悟力、政治執行力,統籌", '力'), 1);
        assert_eq!(slots("判斷力、政治領悟力、政治執行了,統籌", '了'), 0);
        // A longer item is not one of the list, nor a repeated one.
        assert_eq!(slots("值守、應急處置、督查檢查等機置,遇到", '置'), 0);
        assert_eq!(slots("堅持,兩手抓、兩手抓,全力", '抓'), 0);
        // The first item holds the words that lead into the list.
        let first = "成效,但疫情仍然多點散發、局部暴發,部分";
        assert_eq!(slots(first, '發'), 1);
        let seq: Vec<char> = first.chars().collect();
        let k = seq.iter().position(|&c| c == '發').unwrap();
        assert_eq!(parallel_slots(&seq, k..k + 1), 1);
        assert_eq!(slots("成效,但疫情仍然多點散發、局部暴風,部分", '風'), 0);
        // Only the first item may be longer: a last one runs on past it.
        assert_eq!(slots("成效,多點散發、但局部暴發,部分", '發'), 0);
    }

    #[test]
    fn dates_fit_the_calendar() {
        let fits = |before, digits: &str, after| {
            fits_the_calendar(&Number {
                before,
                digits: digits.to_string(),
                after,
            })
        };
        assert!(fits('在', "2022", '年'));
        assert!(!fits('在', "6022", '年'));
        assert!(fits('年', "12", '月'));
        assert!(!fits('年', "13", '月'));
        assert!(!fits('月', "32", '日'));
        assert!(fits('有', "6022", '人'));
        // The year comes first, and no part has a zero before three digits.
        assert!(!fits('月', "2022", '年'));
        assert!(fits('月', "20", '日'));
        assert!(!fits(',', "022", '年'));
        assert!(fits('年', "06", '月'));
    }

    #[test]
    fn han_is_found_in_any_block_and_lookalike_leads_are_passed_over() {
        let western = "Emoji 🙂, U+FFFD �, and ぁ are led by the bytes Han is led by. ";
        assert!(!holds_han(western));
        for pad in 0..70 {
            let text = format!("{}{western}中", "x".repeat(pad));
            assert!(holds_han(&text), "Han after {pad} bytes of padding");
        }
    }
}
