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
//! When a split site admits several lost bytes, the choice is scored with
//! what the document itself says (the character pairs it uses, its script,
//! the characters the inserter is seen to annotate) and with word
//! frequencies from jieba's dictionary; a site whose best choice does not
//! clearly beat the next is reported, not repaired.
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

pub(crate) mod readings;
pub(crate) mod split;
pub(crate) mod traditional;

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
    // Han characters are three- or four-byte UTF-8 led by 0xE3..=0xE9,
    // 0xEF or 0xF0; a byte test rules out most text without decoding it.
    if !may_hold_han(text.as_bytes()) || !text.chars().any(is_han) {
        return (changes, findings);
    }
    if memchr::memchr2(b'(', b'?', text.as_bytes()).is_some() {
        if let Some(insertions) = find_insertions(text) {
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

/// Whether `bytes` contain a lead byte of a Han character, tested 64 bytes
/// at a time so that the test vectorises: every text passes through here.
fn may_hold_han(bytes: &[u8]) -> bool {
    let lead = |b: &u8| u8::from(matches!(*b, 0xE3..=0xE9 | 0xEF | 0xF0));
    let mut chunks = bytes.chunks_exact(64);
    let found = chunks
        .by_ref()
        .any(|chunk| chunk.iter().map(lead).fold(0, |a, b| a | b) != 0);
    found || chunks.remainder().iter().any(|b| lead(b) != 0)
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

fn find_insertions(text: &str) -> Option<Insertions> {
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

    let mut splits: Vec<SplitSite> = Vec::new();
    let mut undetermined = Vec::new();
    let mut context = None;
    let mut from = 0;
    while let Some(offset) = text[from..].find('?') {
        let question = from + offset;
        from = question + 1;
        if !split::is_site(text, question) {
            continue;
        }
        let context =
            context.get_or_insert_with(|| Context::new(text, listed.keys().map(|k| k.0).collect()));
        match choose(text, question, &listed, context) {
            Ok(site) => {
                from = site.span.end;
                splits.push(site);
            }
            Err(detail) => undetermined.push(Finding {
                span: question..question + 1,
                family: Family::SplitCharacters,
                detail,
            }),
        }
    }

    let distinct = listed
        .keys()
        .map(|k| k.0)
        .collect::<std::collections::BTreeSet<_>>();
    if splits.is_empty() && (readings.len() < 3 || distinct.len() < 2) {
        return None;
    }
    // Readings inside a split site are removed by the site's own change.
    readings.retain(|r| {
        !splits
            .iter()
            .any(|s| r.span.start < s.span.end && s.span.start < r.span.end)
    });
    Some(Insertions {
        readings,
        splits,
        undetermined,
    })
}

/// What the rest of the document says about plausible characters: which
/// character pairs it uses (news text repeats its words: 疫情, 習近平) and
/// whether it is written in traditional or simplified characters.
struct Context {
    bigrams: HashMap<(char, char), u32>,
    traditional: bool,
    /// Bytes below 0x40 that follow a character in the document, and how
    /// often.
    separators: Vec<(u8, u32)>,
    words: RefCell<HashMap<String, f32>>,
    /// How often each punctuation mark occurs.
    marks: HashMap<char, u32>,
    /// Characters the inserter is seen to annotate.
    annotated: HashSet<char>,
    /// Characters seen without a reading after them.
    bare: HashSet<char>,
    priors: RefCell<HashMap<(char, bool), f32>>,
}

impl Context {
    fn new(text: &str, annotated: HashSet<char>) -> Context {
        let mut bigrams = HashMap::new();
        let mut distinct = HashSet::new();
        let mut separators = BTreeMap::new();
        let mut marks = HashMap::new();
        let mut bare = HashSet::new();
        let mut prev: Option<char> = None;
        let mut i = 0;
        while let Some(ch) = text[i..].chars().next() {
            i += ch.len_utf8();
            if ch.is_ascii_alphabetic() {
                prev = None;
                continue;
            }
            if !ch.is_ascii() && !is_han(ch) {
                *marks.entry(ch).or_insert(0) += 1;
            }
            if let Some(p) = prev {
                *bigrams.entry((p, ch)).or_insert(0) += 1;
                if !p.is_ascii() && (ch < '@' || ch == '\x7F') && ch != '?' {
                    *separators.entry(ch as u8).or_insert(0) += 1;
                }
            }
            prev = Some(ch);
            if is_han(ch) {
                if distinct.len() < 3000 {
                    distinct.insert(ch);
                }
                // Readings interrupt the text, not its words.
                let len = readings_after(ch, &text[i..]).1;
                if len == 0 {
                    bare.insert(ch);
                }
                i += len;
            }
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
            bigrams,
            traditional: t > s,
            separators: separators.into_iter().collect(),
            words: RefCell::new(HashMap::new()),
            marks,
            annotated,
            bare,
            priors: RefCell::new(HashMap::new()),
        }
    }

    /// Whether the text just before `at` is traditional: a document may mix
    /// scripts sentence by sentence (004 does), so the neighbours decide,
    /// and the document only when they do not.
    fn traditional_at(&self, text: &str, at: usize) -> bool {
        let (mut t, mut s) = (0, 0);
        for c in text[..at].chars().rev().filter(|&c| is_han(c)).take(12) {
            match traditional::script(c) {
                (true, _) => t += 1,
                (_, true) => s += 1,
                _ => {}
            }
        }
        if t == s {
            self.traditional
        } else {
            t > s
        }
    }

    fn prior(&self, c: char, traditional: bool) -> f32 {
        *self
            .priors
            .borrow_mut()
            .entry((c, traditional))
            .or_insert_with(|| {
                let (is_traditional, is_simplified) = traditional::script(c);
                let foreign = if traditional {
                    is_simplified
                } else {
                    is_traditional
                };
                // Punctuation is as likely as the document makes it.
                let mark = self
                    .marks
                    .get(&c)
                    .map_or(0.0, |&n| 0.7 * (1.0 + n as f32).ln());
                split::plausibility(c) as f32 + mark - if foreign { 2.0 } else { 0.0 }
            })
    }

    fn bigram(&self, a: char, b: char) -> f32 {
        let n = self.bigrams.get(&(a, b)).copied().unwrap_or(0);
        2.0 * (1.0 + n as f32).ln()
    }

    /// How common the characters are as a word, by jieba's dictionary
    /// (of simplified Chinese, so traditional text is converted first):
    /// 责任 5946, 责人 6.
    fn word(&self, chars: &[char]) -> f32 {
        static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
        if !chars.iter().all(|&c| is_han(c)) {
            return 0.0;
        }
        let word: String = chars.iter().collect();
        *self
            .words
            .borrow_mut()
            .entry(word.clone())
            .or_insert_with(|| {
                let jieba = JIEBA.get_or_init(jieba_rs::Jieba::new);
                let simplified = traditional::to_simplified(&word);
                if jieba.has_word(&simplified) {
                    (jieba.suggest_freq(&simplified) as f32).ln()
                } else {
                    0.0
                }
            })
    }

    /// How well a run of characters reads: pairs the document itself uses,
    /// and how common its words of two or three characters are.
    fn fluency(&self, window: &[char]) -> f32 {
        let pairs: f32 = window.windows(2).map(|w| self.bigram(w[0], w[1])).sum();
        let words: f32 = window
            .windows(2)
            .chain(window.windows(3))
            .map(|w| self.word(w))
            .sum();
        pairs + 0.5 * words
    }

    /// How often the document puts this separator after a character; the
    /// ASCII comma, the usual one in Chinese web text, is preferred when the
    /// document is too short to say.
    fn separator(&self, c: char) -> f32 {
        let n = self
            .separators
            .iter()
            .find(|s| char::from(s.0) == c)
            .map_or(0, |s| s.1);
        (1.0 + n as f32).ln() + if c == ',' { 1.0 } else { 0.0 }
    }
}

/// How much better the best choice of lost bytes must score than the next
/// for a site to count as determined.
const MARGIN: f32 = 1.5;

/// Picks the lost bytes for the site at `question`. Each choice is scored
/// by how common its characters are, whether they match the document's
/// script, whether the document uses the character pairs they make, and
/// whether the inserter is seen to annotate the straddling character with
/// the same reading elsewhere. A tie is reported, not guessed.
fn choose(
    text: &str,
    question: usize,
    listed: &BTreeMap<(char, &str), usize>,
    context: &Context,
) -> Result<SplitSite, String> {
    // A line feed is always a candidate: the one that ended the text may be
    // the very byte that was lost.
    let mut separators: Vec<u8> = context.separators.iter().map(|s| s.0).collect();
    if !separators.contains(&b'\n') {
        separators.push(b'\n');
    }
    let found = split::candidates(text, question, &separators);
    let traditional = context.traditional_at(text, question);
    let score = |site: &split::Rebuilt| -> f32 {
        let mut score = 0.0;
        if let Some(c) = site.text.chars().next_back().filter(|c| c.is_ascii()) {
            score += context.separator(c);
            // A text's last byte is a line feed.
            if site.end == text.len() && c == '\n' {
                score += 6.0;
            }
        }
        for (c, reading) in std::iter::once(&site.straddler).chain(&site.owners) {
            score += context.prior(*c, traditional);
            // The inserter annotates every occurrence of the characters on
            // its list, and the straddling character is one of them.
            if listed.contains_key(&(*c, reading.as_str())) {
                score += 3.0;
            } else if context.bare.contains(c) {
                score -= 3.0;
            }
        }
        let last = site.text.chars().next_back().unwrap_or(site.before);
        let trailing = readings_after(last, &text[site.end..]).1;
        let after = site.end + trailing;
        // The inserter annotates every occurrence of a listed character, so
        // a rebuilt character it is seen to annotate must carry a reading.
        let count = site.text.chars().count();
        for (k, c) in site.text.chars().enumerate() {
            let annotated_here =
                site.owners.iter().any(|o| o.0 == c) || (k + 1 == count && trailing > 0);
            if context.annotated.contains(&c) && !annotated_here {
                score -= 4.0;
            }
        }
        let window: Vec<char> = std::iter::once(site.before)
            .chain(site.text.chars())
            .chain(text[after..].chars().next())
            .collect();
        score += site
            .text
            .chars()
            .map(|c| context.prior(c, traditional))
            .sum::<f32>();
        score += context.fluency(&window);
        score
    };
    let mut scored: Vec<(f32, Vec<u8>, split::Rebuilt)> = found
        .into_iter()
        .map(|(lost, site)| (score(&site), lost, site))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let site_text = &text[question
        ..text[question..]
            .find(')')
            .map_or(text.len(), |e| question + e + 1)];
    let Some((best, lost, rebuilt)) = scored.first().cloned() else {
        return Err(format!(
            "a character split by the reading inserter at `{site_text}`, \
             but no lost byte fits the bytes around it; left as it is"
        ));
    };
    if let Some((second, ..)) = scored.get(1) {
        if best - *second < MARGIN {
            let options: Vec<String> = scored
                .iter()
                .take_while(|s| best - s.0 < MARGIN)
                .map(|s| format!("{} ({:02X})", s.2.text, s.1[0]))
                .collect();
            return Err(format!(
                "a character split by the reading inserter at `{site_text}`; \
                 the lost byte cannot be determined: {} fit almost equally well",
                options.join(", ")
            ));
        }
    }
    let last = rebuilt.text.chars().next_back().unwrap_or('?');
    let end = rebuilt.end + readings_after(last, &text[rebuilt.end..]).1;
    let (confidence, note) = match scored.len() {
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
            let before = &text[site.span.clone()];
            let mut steps = vec![Step::RejoinSplitCharacters {
                lost: site.lost.clone(),
            }];
            let rejoined = rejoin(before, &site.lost).expect("a chosen site rebuilds");
            if drop_readings(&rejoined).is_some() {
                steps.push(Step::DropReadings);
            }
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
                Chain::new(steps),
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
