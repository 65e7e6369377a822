//! Chinese forensics: pinyin readings inserted after characters, characters
//! split by the inserter, and traditional text made by machine conversion.
//!
//! Content farms republish Chinese news after two mechanical passes. First a
//! character-by-character converter turns the simplified original into
//! traditional characters, leaving the characters it cannot decide (干, 并)
//! as they were ([`traditional`]). Then an inserter adds a pinyin reading
//! after every occurrence of the characters on its list: `會(huì)議`. That
//! inserter worked on GBK bytes and matched byte pairs anywhere, so now and
//! then a match straddled two characters and split the second one; the page's
//! decoder turned the orphaned byte and the `(` into `?` ([`split`] explains
//! why the lost byte can be worked out exactly).
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

use std::collections::BTreeMap;
use std::ops::Range;

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
    if !text.chars().any(is_han) {
        return (changes, findings);
    }
    if text.contains(['(', '?']) {
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
    let mut readings = Vec::new();
    let mut han = 0usize;
    let mut i = 0;
    while let Some(ch) = text[i..].chars().next() {
        let start = i;
        i += ch.len_utf8();
        if !is_han(ch) {
            continue;
        }
        han += 1;
        let (found, len) = readings_after(ch, &text[i..]);
        if !found.is_empty() {
            readings.push(ReadingSite {
                span: start..i + len,
                ch,
                readings: found.iter().map(|r| r.to_string()).collect(),
            });
            i += len;
        }
    }
    // What the inserter's list holds, as far as the intact readings show.
    let listed: BTreeMap<(char, &str), usize> =
        readings.iter().fold(BTreeMap::new(), |mut m, site| {
            *m.entry((site.ch, site.readings[0].as_str())).or_default() += 1;
            m
        });

    let mut splits: Vec<SplitSite> = Vec::new();
    let mut undetermined = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find('?') {
        let question = from + offset;
        from = question + 1;
        if !split::is_site(text, question) {
            continue;
        }
        match choose(text, question, &listed) {
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
    let annotated = readings.len();
    let primer = annotated * 5 >= han * 4;
    if splits.is_empty() && (annotated < 3 || distinct.len() < 2 || primer) {
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

/// Picks the lost bytes for the site at `question`: the rebuilt characters
/// must be plausible, and a straddling character the inserter is seen to
/// annotate elsewhere with the same reading is strong evidence. A tie is
/// reported, not guessed.
fn choose(
    text: &str,
    question: usize,
    listed: &BTreeMap<(char, &str), usize>,
) -> Result<SplitSite, String> {
    let found = split::candidates(text, question);
    let score = |site: &split::Rebuilt| -> i32 {
        let (c, reading) = &site.straddler;
        let listed = listed.contains_key(&(*c, reading.as_str()));
        split::plausibility(*c)
            + site.text.chars().map(split::plausibility).sum::<i32>()
            + if listed { 4 } else { 0 }
    };
    let mut scored: Vec<(i32, Vec<u8>, split::Rebuilt)> = found
        .into_iter()
        .map(|(lost, site)| (score(&site), lost, site))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0));
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
        if *second == best {
            let options: Vec<String> = scored
                .iter()
                .take_while(|s| s.0 == best)
                .map(|s| format!("{} ({:02X})", s.2.text, s.1[0]))
                .collect();
            return Err(format!(
                "a character split by the reading inserter at `{site_text}`; \
                 the lost byte cannot be determined: {} fit equally well",
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
                many => format!(
                    "{} are readings of {}; inserted after it {} times",
                    many.join(", "),
                    site.ch,
                    many.len()
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
