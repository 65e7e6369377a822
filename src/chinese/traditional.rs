//! Traditional text made by converting simplified text one character at a
//! time.
//!
//! Simplified Chinese merged many traditional characters into one: 干 stands
//! for 幹, 乾 and 干; 并 for 並, 併 and 并; 后 for 後 and 后. A converter that
//! works character by character cannot choose, and the cheap ones leave such
//! characters as they are, so their output has `干部` where traditional text
//! has 幹部 and `并` where it has 並. Writers of traditional text (Taiwan, Hong
//! Kong) never produce these. So the evidence for machine conversion is
//! positions where the text differs from every phrase-aware conversion of its
//! own simplified form (OpenCC's general, Taiwan and Hong Kong standards),
//! at one of the characters such converters are known to get wrong: real
//! traditional text agrees with at least one of them there. The list is
//! deliberately short; characters where Taiwan usage itself varies (台/臺,
//! 匯/彙) or where OpenCC's phrase tables misfire (了 in 明了方向) are left
//! out, since a single false count could brand real text as machine-made.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

use super::readings::is_han;

/// Characters a character-by-character converter leaves (or produces) where
/// traditional text usually has another character: 干 for 幹/乾, 并 for 並,
/// 發 for 髮, 沖 for 衝.
const NAIVE: &str =
    "干并后里松扎系面只余准冲沖斗谷丑卷征郁胡须須划范制历歷发發云采致咸尽盡愿筑御吁";

fn converter(config: BuiltinConfig) -> &'static OpenCC {
    static T2S: OnceLock<OpenCC> = OnceLock::new();
    static S2T: OnceLock<OpenCC> = OnceLock::new();
    static S2TW: OnceLock<OpenCC> = OnceLock::new();
    static S2HK: OnceLock<OpenCC> = OnceLock::new();
    let cell = match config {
        BuiltinConfig::T2s => &T2S,
        BuiltinConfig::S2t => &S2T,
        BuiltinConfig::S2tw => &S2TW,
        BuiltinConfig::S2hk => &S2HK,
        _ => unreachable!("only these four conversions are used"),
    };
    cell.get_or_init(|| OpenCC::from_config(config).expect("built-in OpenCC configuration"))
}

/// Traditional to simplified, with OpenCC's phrase tables.
pub(crate) fn to_simplified(text: &str) -> String {
    converter(BuiltinConfig::T2s).convert(text)
}

/// The evidence that a text is machine-converted traditional Chinese.
#[derive(Clone, Debug, Default)]
pub(crate) struct Conversion {
    /// Characters only traditional text uses (會, 學, 習).
    pub traditional: usize,
    /// Characters only simplified text uses (会, 学).
    pub simplified: usize,
    /// Naive conversions: (as written, as traditional text has it) → count.
    pub naive: BTreeMap<(String, String), usize>,
    /// The text has kana: it is Japanese, whose kanji keep forms (尽, 干)
    /// that a conversion from simplified Chinese would have changed.
    pub japanese: bool,
}

impl Conversion {
    pub fn naive_count(&self) -> usize {
        self.naive.values().sum()
    }

    /// Whether the evidence is strong enough to call the text machine-made.
    /// Real traditional text has a few characters that OpenCC's phrase
    /// tables would write otherwise: transliterated names (干達, 里薩) and
    /// the tables' own choices (系統 for 係統, 只是 for 隻是). Taiwan's and
    /// Hong Kong's software translations show up to one in 90 of their
    /// traditional-only characters; the machine-converted seeds one in 70
    /// to one in 40, mostly in common words (干部 for 幹部, 并 for 並).
    pub fn is_machine_converted(&self) -> bool {
        let naive = self.naive_count();
        !self.japanese && naive >= 2 && naive * NAIVE_SHARE >= self.traditional
    }

    pub fn describe(&self) -> String {
        let mut naive: Vec<_> = self.naive.iter().collect();
        naive.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let examples: Vec<String> = naive
            .iter()
            .take(6)
            .map(|((written, proper), n)| {
                format!("{written} where traditional text has {proper} (×{n})")
            })
            .collect();
        format!(
            "traditional characters from a character-by-character conversion of simplified text: \
             {} naive conversions: {}; {} traditional-only and {} simplified-only characters",
            self.naive_count(),
            examples.join(", "),
            self.traditional,
            self.simplified
        )
    }
}

/// Which script a character belongs to: (only traditional, only simplified).
pub(crate) fn script(c: char) -> (bool, bool) {
    let bits = script_bits(c);
    (bits & 1 != 0, bits & 2 != 0)
}

/// [`script`] as the bits of [`block_scripts`].
fn script_bits(c: char) -> u8 {
    match block_scripts().get((c as u32).wrapping_sub(BLOCK_FIRST) as usize) {
        Some(&bits) => bits,
        None => {
            let s = c.to_string();
            let traditional = to_simplified(&s) != s;
            let simplified = !traditional && converter(BuiltinConfig::S2t).convert(&s) != s;
            u8::from(traditional) | (u8::from(simplified) << 1)
        }
    }
}

const BLOCK_FIRST: u32 = 0x4E00;
const BLOCK_LAST: u32 = 0x9FFF;

/// [`script`] of every character of the main CJK block, as bits (1: only
/// traditional, 2: only simplified, 4: in [`NAIVE`]), built once since
/// every Han character of every text is classified.
fn block_scripts() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // Converting the whole block as one string is much cheaper than a
        // conversion per character; OpenCC maps the block one to one except
        // where a phrase rule applies, so phrases are kept apart with
        // separators.
        let block: String = (BLOCK_FIRST..=BLOCK_LAST)
            .filter_map(char::from_u32)
            .flat_map(|c| [c, '\n'])
            .collect();
        let simplified = to_simplified(&block);
        let traditional = converter(BuiltinConfig::S2t).convert(&block);
        let lines = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
        let (simplified, traditional) = (lines(&simplified), lines(&traditional));
        (BLOCK_FIRST..=BLOCK_LAST)
            .enumerate()
            .map(|(i, cp)| {
                let own = char::from_u32(cp).map(String::from).unwrap_or_default();
                let is_traditional = simplified.get(i).is_some_and(|s| *s != own);
                let is_simplified =
                    !is_traditional && traditional.get(i).is_some_and(|t| *t != own);
                u8::from(is_traditional)
                    | (u8::from(is_simplified) << 1)
                    | (u8::from(NAIVE.contains(own.as_str())) << 2)
            })
            .collect()
    })
}

fn is_naive(c: char) -> bool {
    block_scripts()
        .get((c as u32).wrapping_sub(BLOCK_FIRST) as usize)
        .is_some_and(|bits| bits & 4 != 0)
}

/// Counts the traditional-only and simplified-only characters of `line`,
/// and tells whether it has a character of [`NAIVE`]. Every text with Han
/// in it passes through here, so three-byte characters are put together
/// from the bytes and the main CJK block is looked up directly; other Han
/// characters are rare and take the general path.
fn count_scripts(table: &[u8], line: &str) -> (usize, usize, bool) {
    let bytes = line.as_bytes();
    // The characters of each kind, by their bits: one count per character
    // instead of three.
    let mut seen = [0usize; 8];
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // Continuation bytes and the leads of shorter sequences are all
        // below 0xE3, where no Han character starts; Western text is passed
        // over sixteen bytes at a time (a test the compiler vectorises).
        if b < 0xE3 {
            i += 1;
            while let Some(chunk) = bytes.get(i..i + 16) {
                if chunk.iter().fold(0, |any, &b| any | u8::from(b >= 0xE3)) != 0 {
                    break;
                }
                i += 16;
            }
            continue;
        }
        // `line` is valid UTF-8, so a lead byte from 0xE3 to 0xEF has its
        // two continuation bytes; the slice pattern takes them with one
        // bounds check.
        let bits = if let [0xE3..=0xEF, b1, b2, ..] = bytes[i..] {
            let cp =
                (u32::from(b & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            i += 3;
            match table.get(cp.wrapping_sub(BLOCK_FIRST) as usize) {
                Some(&bits) => bits,
                // Extension A and the compatibility ideographs: rare.
                None if matches!(cp, 0x3400..=0x4DBF | 0xF900..=0xFAFF) => {
                    script_bits(char::from_u32(cp).expect("a three-byte sequence"))
                }
                // CJK and full-width punctuation and kana, mostly.
                None => continue,
            }
        } else {
            let c = line[i..].chars().next().expect("char boundary");
            i += c.len_utf8();
            if !is_han(c) {
                continue;
            }
            script_bits(c)
        };
        seen[usize::from(bits & 7)] += 1;
    }
    let with = |bit: usize| {
        (1..8)
            .filter(|b| b & bit != 0)
            .map(|b| seen[b])
            .sum::<usize>()
    };
    (with(1), with(2), with(4) > 0)
}

/// Clauses converted at most per text: by then the evidence is plain, and
/// traditional text must not cost a conversion of all of it.
const CLAUSE_BUDGET: usize = 100;

/// Gathers the evidence. `None` when the text has (almost) no traditional
/// characters, which is the cheap common case.
pub(crate) fn detect(text: &str) -> Option<Conversion> {
    let mut evidence = Conversion::default();
    let mut lines = Vec::new();
    let table = block_scripts();
    for line in crate::engine::lines(text) {
        let (traditional_here, simplified_here, naive) = count_scripts(table, line);
        evidence.simplified += simplified_here;
        evidence.traditional += traditional_here;
        if traditional_here >= 2 && naive {
            lines.push(line);
        }
    }
    if evidence.traditional < 20 {
        return None;
    }
    let s2t = converter(BuiltinConfig::S2t);
    let s2tw = converter(BuiltinConfig::S2tw);
    let s2hk = converter(BuiltinConfig::S2hk);
    // Phrases do not cross punctuation, so only the clauses holding a
    // suspect character need converting: most of the text never does.
    let clauses = lines
        .into_iter()
        .flat_map(|line| line.split(|c: char| !is_han(c) && !c.is_alphanumeric()))
        .filter(|clause| clause.chars().any(is_naive))
        .take(CLAUSE_BUDGET);
    let chars = |c: &OpenCC, s: &str| c.convert(s).chars().collect::<Vec<char>>();
    for clause in clauses {
        let simplified = to_simplified(clause);
        let written: Vec<char> = clause.chars().collect();
        // The general standard first: where it agrees with the text at
        // every suspect character, as it does for real traditional text,
        // nothing can count and the other two need not be asked.
        let general = chars(s2t, &simplified);
        let disagrees = |form: &[char]| {
            form.len() == written.len()
                && written
                    .iter()
                    .zip(form)
                    .any(|(&c, &f)| is_naive(c) && c != f)
        };
        if !disagrees(&general) {
            continue;
        }
        let forms = [general, chars(s2tw, &simplified), chars(s2hk, &simplified)];
        if forms.iter().any(|f| f.len() != written.len()) {
            continue;
        }
        for (i, &c) in written.iter().enumerate() {
            // Counted only where every standard's conversion disagrees.
            if !is_naive(c) || forms.iter().any(|f| f[i] == c) {
                continue;
            }
            let (from, to) = if written.get(i + 1).is_some_and(|&n| is_han(n)) {
                (i, i + 2)
            } else if i > 0 && is_han(written[i - 1]) {
                (i - 1, i + 1)
            } else {
                (i, i + 1)
            };
            let shown: String = written[from..to].iter().collect();
            let proper: String = forms[0][from..to].iter().collect();
            *evidence.naive.entry((shown, proper)).or_default() += 1;
        }
    }
    // Only asked where the rest would call the text converted: it is rare.
    if evidence.naive_count() >= 2 {
        evidence.japanese = text
            .chars()
            .filter(|c| matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}'))
            .nth(9)
            .is_some();
    }
    Some(evidence)
}

/// At least one naive conversion in this many traditional-only characters
/// makes a text machine-converted; see [`Conversion::is_machine_converted`].
const NAIVE_SHARE: usize = 80;
