//! The generator of Chinese test cases, shared by `tests/chinese.rs` and the
//! fitter of the evidence weights (`examples/fit_evidence.rs`), so that the
//! weights are fitted on the damage the test measures, from other seeds.
//!
//! The generated cases come from an inserter and a page decoder written here
//! from the description, independently of the repair code: the
//! inserter scans GBK bytes one at a time and puts `(reading)` after every
//! byte pair that is a listed character, wherever the pair starts; the
//! decoder turns an orphaned lead byte and the byte after it into one `?`.

use std::collections::HashMap;
use std::path::Path;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;
use pinyin::ToPinyin;

/// A file of the Chinese seeds, whose text the cases are made from.
pub fn seed(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/chinese-seeds")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// SplitMix64: a fixed, dependency-free stream for the generated cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

fn gbk(text: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

/// A two-byte GBK character, if the pair is one.
fn gbk_pair(lead: u8, trail: u8) -> Option<char> {
    if !(0x81..=0xFE).contains(&lead) || !matches!(trail, 0x40..=0x7E | 0x80..=0xFE) {
        return None;
    }
    let pair = [lead, trail];
    let text = encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(&pair)?;
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The inserter: one byte at a time, and whenever the two bytes ending here
/// are a listed character, its bracketed reading(s) go in after them.
fn insert_readings(bytes: &[u8], list: &HashMap<[u8; 2], Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for (i, &b) in bytes.iter().enumerate() {
        out.push(b);
        if i > 0 {
            if let Some(insert) = list.get(&[bytes[i - 1], b]) {
                out.extend(insert);
            }
        }
    }
    out
}

/// The page's decoder: an orphaned lead byte and the byte after it become
/// one `?`.
fn page_decode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b @ 0..=0x7F => {
                out.push(char::from(b));
                i += 1;
            }
            0x80 => {
                out.push('€');
                i += 1;
            }
            0xFF => {
                out.push('?');
                i += 1;
            }
            lead => {
                out.push(
                    bytes
                        .get(i + 1)
                        .and_then(|&t| gbk_pair(lead, t))
                        .unwrap_or('?'),
                );
                i += 2;
            }
        }
    }
    out
}

pub struct Generated {
    pub input: String,
    pub expected: String,
    pub split: bool,
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Sentences of clean simplified news text: the seeds' originals.
fn source_sentences() -> Vec<String> {
    let t2s = OpenCC::from_config(BuiltinConfig::T2s).unwrap();
    let texts = [
        seed("001.in.txt"),
        t2s.convert(&seed("000.in.txt")),
        t2s.convert(&seed("002.out.txt")),
        t2s.convert(&seed("003.out.txt")),
        t2s.convert(&seed("004.out.txt")),
    ];
    texts
        .iter()
        .flat_map(|t| t.split_inclusive(['。', '\n']))
        .map(|s| s.trim().to_string())
        .filter(|s| s.chars().filter(|&c| is_han(c)).count() >= 8)
        .collect()
}

/// `count` cases, half of them with split sites, drawn with the given seed.
pub fn generate(count: usize, seed: u64) -> Vec<Generated> {
    let s2t = OpenCC::from_config(BuiltinConfig::S2t).unwrap();
    let sentences = source_sentences();
    let mut rng = Rng(seed);
    let mut cases = Vec::new();
    while cases.len() < count {
        let want_split = cases.len() % 2 == 0;
        let start = rng.below(sentences.len());
        let len = 6 + rng.below(15);
        // Some cases keep a sentence simplified, as 004 does.
        let keep_simplified = rng.chance(20).then(|| rng.below(len));
        let mut clean = String::new();
        for (k, sentence) in sentences.iter().cycle().skip(start).take(len).enumerate() {
            if keep_simplified == Some(k) {
                clean += sentence;
            } else {
                clean += &s2t.convert(sentence);
            }
        }
        clean.push('\n');
        let Some(bytes) = gbk(&clean) else { continue };

        let toned = rng.chance(70);
        let repeats = if rng.chance(15) { 2 } else { 1 };
        let reading_of = |c: char| {
            let p = c.to_pinyin()?;
            Some(if toned { p.with_tone() } else { p.plain() })
        };
        let mut list: HashMap<[u8; 2], Vec<u8>> = HashMap::new();
        let add = |c: char, list: &mut HashMap<[u8; 2], Vec<u8>>| -> bool {
            let (Some(reading), Some(key)) = (reading_of(c), gbk(&c.to_string())) else {
                return false;
            };
            let insert = gbk(&format!("({reading})").repeat(repeats)).unwrap();
            list.insert([key[0], key[1]], insert);
            true
        };
        let han: Vec<char> = clean.chars().filter(|&c| is_han(c)).collect();
        for _ in 0..4 + rng.below(20) {
            add(han[rng.below(han.len())], &mut list);
        }
        if want_split {
            // Byte pairs that straddle two characters and are themselves a
            // character with a reading: putting one on the list splits.
            let chars: Vec<char> = clean.chars().collect();
            let mut straddlers = Vec::new();
            for w in chars.windows(2) {
                let (Some(x), Some(y)) = (gbk(&w[0].to_string()), gbk(&w[1].to_string())) else {
                    continue;
                };
                if x.len() == 2 && y.len() == 2 {
                    if let Some(c) = gbk_pair(x[1], y[0]).filter(|&c| is_han(c)) {
                        straddlers.push(c);
                    }
                }
            }
            if straddlers.is_empty() {
                continue;
            }
            let c = straddlers[rng.below(straddlers.len())];
            if !add(c, &mut list) {
                continue;
            }
        }
        let input = page_decode(&insert_readings(&bytes, &list));
        let split = input.matches('?').count() > clean.matches('?').count();
        if split != want_split || input == clean {
            continue;
        }
        cases.push(Generated {
            input,
            expected: clean,
            split,
        });
    }
    cases
}
