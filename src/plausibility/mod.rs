//! One plausibility model for every script: how unlike real text a string is.
//!
//! The engine never asks "is this mojibake?" in the abstract. It asks whether
//! a candidate reinterpretation is clearly *more plausible* than what is
//! there, so the model only has to rank, and it has to rank the same way in
//! every script. It scores a string as a sum of costs, zero for ordinary
//! text, from two kinds of evidence that wrong decodes leave behind:
//!
//! - Characters real text rarely uses: C1 controls, private-use characters,
//!   rare Latin and rare scripts, and for Han, kana and Hangul, characters
//!   outside the commonness sets that the legacy standards already carry
//!   (GB2312 level 1, Big5 level 1, JIS X 0208 level 1, the 2,350 Hangul of
//!   KS X 1001). UTF-8 read as GBK lands mostly outside GB2312 level 1;
//!   clean Chinese almost never does. The sets are derived from encoding_rs's
//!   own tables at first use, so there is no data file to keep in sync.
//! - Sequences real text does not produce: an accented letter followed by a
//!   currency sign or a symbol (`Ã©`, `â€™`), letters of two alphabets inside
//!   one word (`РџСЂРёРІРµС‚` mixes in `‚` and `µ`), box drawing glued to
//!   letters (`├⌐`), lower-to-upper case flips inside a word, half-width
//!   katakana between kanji (`縺薙ｓ縺ｫ`), a lone Han character inside a Latin
//!   word (`caf茅`).
//!
//! Costs are looked up in a 64K-entry table of character classes, so scoring
//! clean text is a table lookup per character; that is what lets the engine
//! score every line it cannot skip outright.

mod frequent;

use std::sync::OnceLock;

use crate::codecs::Codec;

/// Declares [`Class`] and the list of all its values from one list, so
/// tables over every class cannot miss one.
macro_rules! classes {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Coarse character classes; the cost model is written in terms of these.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub(crate) enum Class {
            $($(#[$doc])* $name,)*
        }

        /// Every class, in discriminant order.
        const ALL_CLASSES: &[Class] = &[$(Class::$name,)*];
    };
}

classes! {
    Space,
    AsciiLetter,
    Digit,
    AsciiPunct,
    Control,
    C1,
    /// Latin letters beyond ASCII in common use (Latin-1, Extended-A and
    /// Additional, the Romanian and Vietnamese letters of Extended-B).
    Latin,
    /// The letters windows-1252 keeps in 0x80..0x9F (`ƒ Š Œ Ž š œ ž Ÿ`):
    /// common as the second character of UTF-8 misread as windows-1252.
    WinLetter,
    /// Rest of Latin Extended-B and IPA.
    LatinRare,
    /// Symbols that do not follow a letter in real text (`© ¬ ± ¶ € †`).
    SymOpen,
    /// Punctuation that does close a word (`’ ” » … – —`).
    SymClose,
    /// Spacing modifier letters (`ˆ ˜ ˇ`).
    Modifier,
    /// Combining marks next to no text uses: double diacritics, medieval
    /// superscript letters. A no-break space misread after a Cyrillic
    /// capital (`Н\u{A0}`) is one of them as UTF-8.
    RareMark,
    Combining,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    /// Scripts that real text rarely mixes with the above and that
    /// two-byte UTF-8 sequences land in when misdecoded: Syriac, Thaana,
    /// NKo, Samaritan and the like.
    RareScript,
    /// Other living scripts: Indic, Thai, Lao, Georgian, Ethiopic, Khmer...
    OtherLetter,
    Box,
    Symbol,
    CjkPunct,
    Kana,
    HalfKana,
    Fullwidth,
    HanCommon,
    HanKnown,
    HanRare,
    HangulCommon,
    HangulRare,
    Jamo,
    PrivateUse,
    Replacement,
    /// Invisible formatting characters (`U+200E`, `U+2066`...).
    Format,
    Other,
}

use Class::*;

const UPPER: u8 = 1;
const LOWER: u8 = 2;
/// Among the characters that make up most running text in its script.
const FREQUENT: u8 = 4;
/// A letter rare in running text in its script.
const RARE: u8 = 8;
const VOWEL: u8 = 16;
/// A Han character that JIS X 0208 has, so Japanese can use it.
const IN_JIS: u8 = 32;
/// Cyrillic letters of Serbian and Macedonian only, and letters those two
/// lack: see [`frequent::NOT_SOUTH_SLAVIC`].
const SOUTH_SLAVIC: u8 = 64;
const NOT_SOUTH_SLAVIC: u8 = 128;

/// Class and flags of every BMP character, and the pair costs of every
/// two classes with their case.
struct Table {
    class: Vec<Class>,
    flags: Vec<u8>,
    pairs: Vec<f32>,
    /// The [`screen`] category of every BMP character.
    screen: std::boxed::Box<[u8; 0x10000]>,
}

const CLASSES: usize = ALL_CLASSES.len();

#[inline]
fn pair_index(a: Class, a_case: u8, b: Class, b_case: u8) -> usize {
    ((a as usize * 3 + a_case as usize) * CLASSES + b as usize) * 3 + b_case as usize
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build_table)
}

fn build_table() -> Table {
    let mut class = vec![Other; 0x10000];
    let mut flags = vec![0u8; 0x10000];
    for cp in 0..0x10000u32 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        class[cp as usize] = base_class(c);
        if c.is_uppercase() {
            flags[cp as usize] = UPPER;
        } else if c.is_lowercase() {
            flags[cp as usize] = LOWER;
        }
    }
    for (set, flag) in [
        (frequent::HAN, FREQUENT),
        (frequent::KANJI, FREQUENT),
        (frequent::HANGUL, FREQUENT),
        (frequent::CYRILLIC_RARE, RARE),
        (frequent::GREEK_RARE, RARE),
        (frequent::ARABIC_RARE, RARE),
        (frequent::VOWELS, VOWEL),
        (frequent::SOUTH_SLAVIC, SOUTH_SLAVIC),
        (frequent::NOT_SOUTH_SLAVIC, NOT_SOUTH_SLAVIC),
    ] {
        for c in set.chars().filter(|c| (*c as u32) < 0x10000) {
            flags[c as usize] |= flag;
        }
    }
    // Enclosed CJK letters and CJK unit symbols (`㎡㏃㎒`) are rows that
    // Korean and Japanese codecs reach from other codecs' letters.
    for f in &mut flags[0x3200..=0x33FF] {
        *f |= RARE;
    }
    // So are the supplemental arrows and mathematical operators
    // (`⤝`, `⦂`, `⨀`), where UTF-8's `â¤`, `â¦` and `â¨` lead when a
    // misread is undone through the wrong codepage.
    for f in &mut flags[0x2900..=0x2AFF] {
        *f |= RARE;
    }
    for lead in 0xB0..=0xF4u8 {
        for trail in 0xA1..=0xFEu8 {
            if let Some(c) = Codec::EucJp
                .decode_strict(&[lead, trail])
                .and_then(|s| s.chars().next())
            {
                flags[c as usize] |= IN_JIS;
            }
        }
    }
    // Commonness of Han and Hangul from the legacy standards' level-1 rows.
    let mut mark = |codec: Codec,
                    leads: std::ops::RangeInclusive<u8>,
                    trails: &[std::ops::RangeInclusive<u8>],
                    as_class: Class| {
        for lead in leads {
            for trail in trails.iter().cloned().flatten() {
                if let Some(s) = codec.decode_strict(&[lead, trail]) {
                    if let Some(c) = s.chars().next() {
                        let slot = &mut class[c as usize];
                        let upgrade = matches!(
                            (as_class, *slot),
                            (HanCommon, HanKnown | HanRare)
                                | (HanKnown, HanRare)
                                | (HangulCommon, HangulRare)
                        );
                        if upgrade {
                            *slot = as_class;
                        }
                    }
                }
            }
        }
    };
    let high = [0xA1..=0xFE];
    let big5_trails = [0x40..=0x7E, 0xA1..=0xFE];
    mark(Codec::Gbk, 0xD8..=0xF7, &high, HanKnown);
    mark(Codec::Big5, 0xC9..=0xF9, &big5_trails, HanKnown);
    mark(Codec::EucJp, 0xD0..=0xF4, &high, HanKnown);
    mark(Codec::EucKr, 0xCA..=0xFD, &high, HanKnown);
    for (codec, leads, trails) in HAN_LEVEL_ONE {
        mark(codec, leads, trails, HanCommon);
    }
    mark(Codec::EucKr, 0xB0..=0xC8, &high, HangulCommon);
    let mut pairs = vec![0.0; CLASSES * 3 * CLASSES * 3];
    for &a in ALL_CLASSES {
        for a_case in 0..3u8 {
            for &b in ALL_CLASSES {
                for b_case in 0..3u8 {
                    pairs[pair_index(a, a_case, b, b_case)] = pair_cost(a, a_case, b, b_case);
                }
            }
        }
    }
    let screen = (0..0x10000)
        .map(|cp| screen::category(cp, class[cp], flags[cp]))
        .collect::<Vec<u8>>()
        .try_into()
        .expect("one category per BMP character");
    Table {
        class,
        flags,
        pairs,
        screen,
    }
}

/// The screen for words beyond ASCII. In a word made only of common Han,
/// kana and Hangul, accented Latin letters other than `Ã` and `Â`, box
/// drawing, CJK and full-width punctuation, and ASCII, every rule of
/// [`Scorer`] is silent except a few pair rules (letters glued to CJK, kana
/// next to Hangul, kana next to Han that Japanese does not use, a capital
/// after a lower-case letter beyond ASCII, `Š` and its kin after an
/// accented capital, box drawing next to anything but ASCII punctuation)
/// and the run of four accented letters. Symbols beyond ASCII are where
/// mojibake lives, and the scorer weighs them with more than their
/// neighbours; but one between CJK characters, as Chinese puts its quotes
/// (`说：“你好”。`), costs nothing. So such a word is checked with one table
/// lookup and one mask test per character, and only words with anything
/// else in them are scored.
mod screen {
    use super::Class::{self, *};
    use super::{IN_JIS, LOWER, UPPER};

    /// Anything else: score the word.
    pub(super) const SCORE: u8 = 0;
    /// ASCII digits and punctuation.
    const ASCII_NEUTRAL: u8 = 1;
    /// CJK and full-width punctuation.
    const CJK_NEUTRAL: u8 = 2;
    const ASCII_LOWER: u8 = 3;
    const ASCII_UPPER: u8 = 4;
    /// Common accented Latin (`é`, `ł`, `ß`; `É`, `Ł`).
    const LATIN_LOWER: u8 = 5;
    const LATIN_UPPER: u8 = 6;
    /// The lower-case letters windows-1252 puts among its symbols (`š`,
    /// `ž`, `œ`, `ƒ`): after an accented capital they are mojibake (`Ãš`).
    const WIN_LOWER: u8 = 7;
    /// Common Han that JIS X 0208 has.
    const HAN_JIS: u8 = 8;
    /// Common Han that JIS X 0208 lacks (simplified forms).
    const HAN: u8 = 9;
    const KANA: u8 = 10;
    const HANGUL: u8 = 11;
    const BOX: u8 = 12;
    /// Symbols and typographic punctuation beyond ASCII, without case
    /// (`“ ” ‘ ’ … — · ℃ ■`), where they stand between CJK characters:
    /// Chinese quotes with them. Next to a letter or another symbol their
    /// cost depends on more than the pair (a symbol inside a word makes
    /// the letter after it cost), so there the scorer decides.
    pub(super) const SYMBOL: u8 = 13;

    const fn set(categories: &[u8]) -> u16 {
        let mut mask = 0;
        let mut i = 0;
        while i < categories.len() {
            mask |= 1 << categories[i];
            i += 1;
        }
        mask
    }

    const CJK: u16 = set(&[HAN_JIS, HAN, KANA, HANGUL]);
    const ASCII: u16 = set(&[ASCII_LOWER, ASCII_UPPER]);
    const ACCENTED: u16 = set(&[LATIN_LOWER, LATIN_UPPER, WIN_LOWER]);
    const CAPITALS: u16 = set(&[ASCII_UPPER, LATIN_UPPER]);
    /// What ends a word for the scorer, so that a symbol after it is in no
    /// word, and what may follow such a symbol at no cost.
    const AROUND_SYMBOLS: u16 = set(&[CJK_NEUTRAL, HAN_JIS, HAN, KANA, HANGUL]);

    pub(super) fn category(cp: usize, class: Class, flags: u8) -> u8 {
        match class {
            Digit | AsciiPunct => ASCII_NEUTRAL,
            CjkPunct => CJK_NEUTRAL,
            Fullwidth if flags & (UPPER | LOWER) == 0 => CJK_NEUTRAL,
            AsciiLetter if flags & UPPER != 0 => ASCII_UPPER,
            AsciiLetter => ASCII_LOWER,
            Latin if flags & LOWER != 0 => LATIN_LOWER,
            // `Ã` and `Â` lead every Latin-1 character misread.
            Latin if flags & UPPER != 0 && cp != 'Ã' as usize && cp != 'Â' as usize => {
                LATIN_UPPER
            }
            WinLetter if flags & LOWER != 0 => WIN_LOWER,
            HanCommon if flags & IN_JIS != 0 => HAN_JIS,
            HanCommon => HAN,
            Kana => KANA,
            HangulCommon => HANGUL,
            Box => BOX,
            SymOpen | SymClose | Symbol if flags & (UPPER | LOWER) == 0 => SYMBOL,
            _ => SCORE,
        }
    }

    /// For each category, the categories that cost something right after
    /// it; `pair_cost` and the kana rule of [`super::Scorer`] say why.
    /// A pair with [`SYMBOL`] in it is a clash only in that the screen
    /// cannot tell: see [`is_unsure`]. Sixteen entries, so that a category
    /// masked to four bits indexes it without a bounds check.
    pub(super) const CLASHES: [u16; 16] = {
        // ASCII digits and punctuation clash with nothing.
        let mut clashes = [0; 16];
        clashes[CJK_NEUTRAL as usize] = set(&[BOX]);
        clashes[ASCII_LOWER as usize] = CJK | set(&[LATIN_UPPER, BOX]);
        clashes[ASCII_UPPER as usize] = CJK | set(&[BOX]);
        clashes[LATIN_LOWER as usize] = CJK | CAPITALS | set(&[BOX]);
        clashes[LATIN_UPPER as usize] = CJK | set(&[WIN_LOWER, BOX]);
        clashes[WIN_LOWER as usize] = CJK | CAPITALS | set(&[BOX]);
        let letters = ASCII | ACCENTED | set(&[BOX]);
        clashes[HAN_JIS as usize] = letters;
        clashes[HAN as usize] = letters | set(&[KANA]);
        clashes[KANA as usize] = letters | set(&[HAN, HANGUL]);
        clashes[HANGUL as usize] = letters | set(&[KANA]);
        clashes[BOX as usize] = !set(&[ASCII_NEUTRAL, BOX]);
        let mut category = ASCII_NEUTRAL as usize;
        while category <= BOX as usize {
            if AROUND_SYMBOLS & (1 << category) == 0 {
                clashes[category] |= 1 << SYMBOL;
            }
            category += 1;
        }
        clashes[SYMBOL as usize] = !(AROUND_SYMBOLS | set(&[ASCII_NEUTRAL]));
        clashes
    };

    /// Whether a clash between these two categories is one the scorer must
    /// weigh: a symbol's.
    #[inline]
    pub(super) fn is_unsure(before: u8, category: u8) -> bool {
        before == SYMBOL || category == SYMBOL
    }

    /// Whether the category counts towards a run of accented letters.
    #[inline]
    pub(super) fn is_accented(category: u8) -> bool {
        ACCENTED & (1 << category) != 0
    }
}

fn base_class(c: char) -> Class {
    let cp = c as u32;
    match c {
        ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C' => Space,
        'a'..='z' | 'A'..='Z' => AsciiLetter,
        '0'..='9' => Digit,
        '\0'..='\x1F' | '\x7F' => Control,
        '!'..='~' => AsciiPunct,
        '\u{80}'..='\u{9F}' => C1,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FEFF}' => Format,
        '\u{A0}' => Space,
        '’' | '”' | '»' | '›' | '…' | '–' | '—' | '\u{AD}' => SymClose,
        '™' => SymOpen,
        'ƒ' | 'Š' | 'Œ' | 'Ž' | 'š' | 'œ' | 'ž' | 'Ÿ' => WinLetter,
        '\u{A1}'..='\u{BF}' | '×' | '÷' => SymOpen,
        '\u{C0}'..='\u{24F}' if is_common_latin(cp) => Latin,
        '\u{180}'..='\u{2AF}' => LatinRare,
        '\u{346}'..='\u{34E}' | '\u{350}'..='\u{36F}' => RareMark,
        '\u{2B0}'..='\u{2FF}' | '\u{329}'..='\u{36F}' => Modifier,
        '\u{300}'..='\u{328}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}' => Combining,
        '\u{370}'..='\u{3FF}' | '\u{1F00}'..='\u{1FFF}' => Greek,
        '\u{400}'..='\u{52F}'
        | '\u{1C80}'..='\u{1C8F}'
        | '\u{2DE0}'..='\u{2DFF}'
        | '\u{A640}'..='\u{A69F}' => Cyrillic,
        '\u{530}'..='\u{58F}' | '\u{FB13}'..='\u{FB17}' => Armenian,
        '\u{591}'..='\u{5BD}'
        | '\u{5BF}'
        | '\u{5C1}'
        | '\u{5C2}'
        | '\u{5C4}'
        | '\u{5C5}'
        | '\u{5C7}'
        // Arabic's vowel marks and tanwin sit on a letter as Hebrew's points
        // do (`كتابٌ`); one after a space or quote is windows-1256 read
        // through another codepage (`ٍدعح`, Ukrainian `Розм` as KOI8-R).
        // So do its honorific signs (`ؐ`).
        | '\u{610}'..='\u{61A}'
        | '\u{64B}'..='\u{65F}'
        | '\u{670}' => Combining,
        // The maqaf is Hebrew's hyphen: it ends a word, and a quote may
        // open after it (`ל־„A”`).
        '\u{5BE}' => SymClose,
        '\u{590}'..='\u{5FF}' | '\u{FB1D}'..='\u{FB4F}' => Hebrew,
        '\u{600}'..='\u{6FF}'
        | '\u{750}'..='\u{77F}'
        | '\u{8A0}'..='\u{8FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}' => Arabic,
        '\u{700}'..='\u{89F}' => RareScript,
        '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}' => Latin,
        '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' => SymOpen,
        '\u{2000}'..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' => Space,
        '\u{20A0}'..='\u{20CF}' => SymOpen,
        '\u{2500}'..='\u{259F}' => Box,
        // Braille: where windows-1251 and IBM866 Cyrillic lands when read
        // as UTF-8, and rare in text of its own.
        '\u{2800}'..='\u{28FF}' => RareScript,
        '\u{2100}'..='\u{24FF}' | '\u{25A0}'..='\u{2BFF}' => Symbol,
        '\u{3000}'..='\u{303F}' | '\u{FE30}'..='\u{FE4F}' => CjkPunct,
        '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' => Kana,
        '\u{3100}'..='\u{312F}' | '\u{31A0}'..='\u{31BF}' => OtherLetter,
        '\u{1100}'..='\u{11FF}'
        | '\u{3130}'..='\u{318F}'
        | '\u{A960}'..='\u{A97F}'
        | '\u{D7B0}'..='\u{D7FF}' => Jamo,
        '\u{3190}'..='\u{33FF}' => Symbol,
        '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' => HanRare,
        '\u{4E00}'..='\u{9FFF}' => HanRare,
        '\u{AC00}'..='\u{D7A3}' => HangulRare,
        '\u{E000}'..='\u{F8FF}' => PrivateUse,
        '\u{FF01}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFEE}' => Fullwidth,
        '\u{FF61}'..='\u{FF9F}' => HalfKana,
        '\u{FFA0}'..='\u{FFDC}' => Jamo,
        '\u{FFFD}' => Replacement,
        '\u{900}'..='\u{DFF}'
        | '\u{E00}'..='\u{FFF}'
        | '\u{1000}'..='\u{109F}'
        | '\u{10A0}'..='\u{10FF}'
        | '\u{1200}'..='\u{139F}'
        | '\u{1780}'..='\u{17FF}' => OtherLetter,
        _ => Other,
    }
}

/// Latin letters beyond ASCII that living orthographies use: Latin-1,
/// Extended-A, and the few Extended-B letters of Romanian, Vietnamese,
/// Pinyin, Azerbaijani and African orthographies.
fn is_common_latin(cp: u32) -> bool {
    matches!(cp,
        0xC0..=0x17F
        | 0x18F | 0x192 | 0x1A0 | 0x1A1 | 0x1AF | 0x1B0 | 0x1CD..=0x1DC | 0x1E6..=0x1E7
        | 0x1F8..=0x1FF | 0x218..=0x21B | 0x259)
}

#[inline]
fn lookup(t: &Table, c: char) -> (Class, u8) {
    let cp = c as u32;
    if cp < 0x10000 {
        (t.class[cp as usize], t.flags[cp as usize])
    } else {
        (class_of(c), 0)
    }
}

/// Rows of a double-byte codec's table: the codec, its lead bytes, and the
/// trail bytes each takes.
type Rows = (
    Codec,
    std::ops::RangeInclusive<u8>,
    &'static [std::ops::RangeInclusive<u8>],
);

/// The level-1 rows, the common characters, of the standards the CJK
/// codecs take their Han from: GB2312's, Big5's, JIS X 0208's. Han common
/// in any of them is [`Class::HanCommon`].
const HAN_LEVEL_ONE: [Rows; 3] = [
    (Codec::Gbk, 0xB0..=0xD7, &[0xA1..=0xFE]),
    (Codec::Big5, 0xA4..=0xC6, &[0x40..=0x7E, 0xA1..=0xFE]),
    (Codec::EucJp, 0xB0..=0xCF, &[0xA1..=0xFE]),
];

/// Whether `c` is in the level-1 rows of the standard `codec` takes its Han
/// from (Shift_JIS's are EUC-JP's), not just of some standard.
pub(crate) fn is_common_in(codec: Codec, c: char) -> bool {
    let codec = if codec == Codec::ShiftJis {
        Codec::EucJp
    } else {
        codec
    };
    let Some((_, leads, trails)) = HAN_LEVEL_ONE.iter().find(|(c, _, _)| *c == codec) else {
        return false;
    };
    class_of(c) == HanCommon
        && codec
            .encode(c.encode_utf8(&mut [0; 4]))
            .is_some_and(|bytes| match bytes[..] {
                [lead, trail] => leads.contains(&lead) && trails.iter().any(|t| t.contains(&trail)),
                _ => false,
            })
}

/// Whether `c` is among the characters that make up most running text in
/// its script.
pub(crate) fn is_frequent(c: char) -> bool {
    lookup(table(), c).1 & FREQUENT != 0
}

#[inline]
pub(crate) fn class_of(c: char) -> Class {
    let cp = c as u32;
    if cp < 0x10000 {
        table().class[cp as usize]
    } else if (0x20000..0x32000).contains(&cp) {
        HanRare
    } else if (0xF0000..0x110000).contains(&cp) {
        PrivateUse
    } else if (0x1F000..0x1FB00).contains(&cp) {
        // Emoji and pictographs.
        Symbol
    } else if (0xE0000..0xE0080).contains(&cp) {
        Format
    } else {
        // Historic scripts and rare symbols: where four-byte UTF-8
        // sequences land when legacy text is misread as UTF-8's cousins.
        RareScript
    }
}

/// The cost of one character on its own.
#[inline]
fn char_cost(class: Class) -> f32 {
    match class {
        C1 => 5.0,
        Control => 4.0,
        PrivateUse => 3.0,
        RareScript | RareMark => 2.5,
        HanRare => 2.0,
        LatinRare | HangulRare | Format => 1.5,
        HanKnown | Modifier => 1.0,
        Jamo => 0.5,
        _ => 0.0,
    }
}

fn script(class: Class) -> u8 {
    match class {
        AsciiLetter | Latin | WinLetter | LatinRare => 1,
        Greek => 2,
        Cyrillic => 3,
        Armenian => 4,
        Hebrew => 5,
        Arabic => 6,
        RareScript => 7,
        OtherLetter => 8,
        // Half-width katakana is a legacy form of its own; Latin letters
        // glued to it (`perchﾃｩ`) are Shift_JIS misreads.
        HalfKana => 9,
        _ => 0,
    }
}

fn is_han(class: Class) -> bool {
    matches!(class, HanCommon | HanKnown | HanRare)
}

/// What a flip from lower to upper case inside a word costs between
/// letters of a script, and what a unit symbol's flip (`кБ`) is not
/// charged.
const CASE_FLIP: f32 = 1.0;

/// The cost of two adjacent characters, beyond their own costs.
#[inline]
fn pair_cost(a: Class, a_case: u8, b: Class, b_case: u8) -> f32 {
    let a_letter_beyond_ascii = matches!(
        a,
        Latin | WinLetter | LatinRare | Greek | Cyrillic | Armenian | Hebrew | Arabic | RareScript
    );
    let mut cost = 0.0;
    if a_letter_beyond_ascii {
        cost += match b {
            SymOpen | C1 | Modifier | RareMark => 2.5,
            // `Ãœ` is Ü misread; Czech capitals put `ÝŠ` together.
            WinLetter if a_case == UPPER && a != WinLetter => {
                if b_case == LOWER {
                    2.5
                } else {
                    1.0
                }
            }
            SymClose => 0.5,
            Box => 2.5,
            _ => 0.0,
        };
    }
    if matches!(a, SymOpen | SymClose | WinLetter)
        && matches!(b, SymOpen | C1 | Modifier | RareMark)
    {
        cost += 1.0;
    }
    if a_case == LOWER && b_case == UPPER && (a != AsciiLetter || b != AsciiLetter) {
        // `ðŸ` starts every emoji misread as windows-1252.
        cost += if b == WinLetter { 2.0 } else { CASE_FLIP };
    }
    if (a == Box) != (b == Box)
        && !matches!(a, Space | AsciiPunct | Digit)
        && !matches!(b, Space | AsciiPunct | Digit)
    {
        cost += 1.0;
    }
    let ah = is_han(a) || a == Kana;
    let bh = is_han(b) || b == Kana;
    if (ah && b == HalfKana) || (a == HalfKana && bh) {
        cost += 1.5;
    }
    let a_cjk = is_han(a) || matches!(a, HangulCommon | HangulRare | Kana);
    let b_cjk = is_han(b) || matches!(b, HangulCommon | HangulRare | Kana);
    if (a == AsciiLetter && b_cjk) || (a_cjk && b == AsciiLetter) {
        cost += 0.75;
    }
    // Accented Latin glued to CJK (`Za웁녔`) is no orthography's.
    if (matches!(a, Latin | WinLetter) && b_cjk) || (a_cjk && matches!(b, Latin | WinLetter)) {
        cost += 2.0;
    }
    if (matches!(a, HangulCommon | HangulRare) && b == Kana)
        || (a == Kana && matches!(b, HangulCommon | HangulRare))
    {
        cost += 2.0;
    }
    cost
}

/// How implausible `text` is, with the characters just outside it as
/// context (pair costs across the edges count).
pub(crate) fn cost_in_context(before: Option<char>, text: &str, after: Option<char>) -> f32 {
    score(before, text, after, true)
}

/// The character before `at` as context for scoring what follows it: the
/// end of an escape (`\fP`, `\n`, `%li`) counts as the word break it is, as inside
/// a scored text.
pub(crate) fn char_before(line: &str, at: usize) -> Option<char> {
    let c = line[..at].chars().next_back()?;
    let escape = c.is_ascii_graphic()
        && line.as_bytes()[..at]
            .iter()
            .rev()
            .take(16)
            .take_while(|b| b.is_ascii_graphic())
            .any(|&b| is_escape(char::from(b)));
    Some(if escape { ' ' } else { c })
}

/// The characters that start markup glued to words: troff's and C's
/// escapes, and printf's conversions.
fn is_escape(c: char) -> bool {
    c == '\\' || c == '%'
}

/// [`cost_in_context`] without the ranking costs: only evidence of damage.
pub(crate) fn structural_cost_in_context(
    before: Option<char>,
    text: &str,
    after: Option<char>,
) -> f32 {
    score(before, text, after, false)
}

/// [`structural_cost_in_context`], scored only until it reaches `bound`
/// (damage shows within a few characters): the whole cost if it stays
/// below, and some cost at least `bound` if not.
pub(crate) fn structural_cost_up_to(
    before: Option<char>,
    text: &str,
    after: Option<char>,
    bound: f32,
) -> f32 {
    let mut scorer = Scorer::default();
    if let Some(c) = before {
        scorer.push(c, false);
    }
    for c in text.chars() {
        scorer.push(c, true);
        // A closing quote's cost may yet be relieved by what follows.
        if scorer.total >= bound && !scorer.quote_after_letter {
            return scorer.total;
        }
    }
    if let Some(c) = after {
        scorer.push(c, false);
    }
    scorer.finish()
}

fn score(before: Option<char>, text: &str, after: Option<char>, ranking: bool) -> f32 {
    let mut scorer = Scorer {
        ranking,
        ..Scorer::default()
    };
    if let Some(c) = before {
        scorer.push(c, false);
    }
    for c in text.chars() {
        scorer.push(c, true);
    }
    if let Some(c) = after {
        scorer.push(c, false);
    }
    scorer.finish()
}

/// Accented Latin letters in a row that cost something: see [`Scorer`].
const ACCENTED_RUN_COSTS: u32 = 4;

/// Accumulates costs character by character.
///
/// Costs come in two kinds. Structural costs are evidence of damage on
/// their own. Ranking costs (characters and letters that are merely less
/// frequent, words without vowels) are not: real text has plenty of them.
/// They only help choose between candidate decodings of text that
/// structural evidence has already shown to be damaged, so the check for
/// clean text leaves them out.
#[derive(Default)]
struct Scorer {
    ranking: bool,
    total: f32,
    prev: Option<(Class, u8)>,
    /// Script of the last letter in the current word.
    word_script: u8,
    /// Letters and vowels of the current word, in alphabets that need vowels.
    word_letters: u32,
    word_vowels: u32,
    /// The [`SOUTH_SLAVIC`] and [`NOT_SOUTH_SLAVIC`] flags of the current
    /// word's letters.
    word_orthography: u8,
    /// Accented Latin letters in a row.
    accented_run: u32,
    prev_flags_lack_jis: bool,
    prev_char: char,
    /// A symbol has followed the last letter of the current word.
    symbol_in_word: bool,
    /// Inside an escape: a backslash and the ASCII graphic characters
    /// after it.
    escape: bool,
    /// The last character was `“` right after a letter beyond ASCII: see
    /// [`CLOSING_QUOTE_RELIEF`].
    quote_after_letter: bool,
    /// The letter the marks after it sit on, if the last character but
    /// marks was a letter.
    mark_base: Option<Class>,
    /// The current word started as a unit symbol, its case flip not
    /// charged: see [`UNIT_PREFIXES`].
    unit_flip: bool,
}

/// The lower-case SI prefixes of Cyrillic unit symbols (кило, милли,
/// микро as мк, нано, пико, деци, санти, гекто), and the capitals of the
/// units they go before (байт, вольт and ватт, герц, ампер, ньютон,
/// паскаль, джоуль, фарад, кулон, тесла, ом). A word that goes on in
/// capitals after the flip (`мЮЛЕР`, windows-1251 read as KOI8-R) is no
/// unit, and is charged after all.
const UNIT_PREFIXES: &str = "кмнпдсг";
const UNIT_CAPITALS: &str = "БВГАНПДФКТО";

/// What `“` after a letter costs less when the word ends there: German,
/// Czech, Serbian and Ukrainian close quotes with it (`„schön“`,
/// `„упутства“`, `„.SH НАЗИВ“`). A misread puts it after a letter as the
/// middle byte of a sequence (`å“ˆ` is 哈 read as windows-1252) with a
/// symbol or letter after it, or as the last byte of a sequence whose lead
/// carries its own cost (`Ã“` is Ó).
const CLOSING_QUOTE_RELIEF: f32 = 2.0;

impl Scorer {
    #[inline]
    fn push(&mut self, c: char, own: bool) {
        self.push_in(table(), c, own)
    }

    #[inline]
    fn push_in(&mut self, t: &Table, c: char, own: bool) {
        let (class, flags) = lookup(t, c);
        let case = flags & (UPPER | LOWER);
        if own {
            // Korean chat repeats a letter on its own (`ㅋㅋㅋ`, `ㅠㅠ`): one
            // is as odd as three. Japanese kana read as EUC-KR, where lone
            // letters come from, rarely repeats a kana.
            if !(class == Jamo && c == self.prev_char) {
                self.total += char_cost(class);
            }
            if self.ranking {
                self.total += rank_cost(class, flags);
            }
        }
        if self.quote_after_letter {
            self.quote_after_letter = false;
            if matches!(class, Space | AsciiPunct | Control | SymClose | CjkPunct) {
                self.total -= CLOSING_QUOTE_RELIEF;
            }
        }
        // The end of an escape is a word break, as a space would be
        // (`\fIパッケージ\fR`): no letter of it touches what follows.
        let after_escape = self.escape && !c.is_ascii_graphic();
        // A symbol repeated (`•••`, `———`) is typography; misreads put
        // different cells side by side.
        let repeated_symbol = c == self.prev_char && matches!(class, SymOpen | SymClose | Symbol);
        // A letter and its capital (`[nNнНхХ]`, a pattern's class) are a
        // listing, not a case flip; misreads put unrelated cells together.
        // (Latin is left to the screen, which does not look so closely.)
        let mut letter_and_capital = false;
        let mut unit = false;
        if case == UPPER && matches!(class, Cyrillic | Greek | Armenian) {
            match self.prev {
                Some((_, LOWER)) => {
                    letter_and_capital = c.to_lowercase().eq(std::iter::once(self.prev_char));
                    // A unit symbol (`кБ`, `кВт`, `мкА`) puts an SI prefix
                    // in lower case before the unit's capital, where the
                    // flip is spelling.
                    unit = class == Cyrillic
                        && self.word_letters <= 2
                        && UNIT_PREFIXES.contains(self.prev_char)
                        && UNIT_CAPITALS.contains(c);
                }
                // Capitals go on (`мЮЛЕР`): a case-inverting misread.
                Some((_, UPPER)) if std::mem::take(&mut self.unit_flip) => {
                    self.total += CASE_FLIP;
                }
                _ => {}
            }
        }
        if let (Some((pc, pcase)), false) = (
            self.prev,
            after_escape || repeated_symbol || letter_and_capital,
        ) {
            self.total += t.pairs[pair_index(pc, pcase, class, case)];
            if unit {
                self.total -= CASE_FLIP;
                self.unit_flip = true;
            }
            // Simplified-only Han next to kana: Chinese misread as Japanese
            // or the reverse; Japanese uses the characters of JIS X 0208.
            if (pc == Kana && is_han(class) && flags & IN_JIS == 0)
                || (class == Kana && self.prev_flags_lack_jis)
            {
                self.total += 1.5;
            }
        }
        // A backslash starts an escape (`\n`, troff's `\fB` and `\*(Aq`),
        // and a percent sign a conversion (`%li`, `%llu`); either ends the
        // word: the escape is markup, and a word glued to it (`\nмир`,
        // `%liд`) mixes no alphabets.
        let escaped = self.escape && c.is_ascii_graphic();
        self.escape = is_escape(c) || escaped;
        if is_escape(c) {
            self.end_word();
        }
        self.quote_after_letter = c == '“'
            && self
                .prev
                .is_some_and(|(p, _)| p != AsciiLetter && is_letter(p));
        if class == AsciiLetter && self.word_script == 1 && !self.symbol_in_word {
            // The common case inside Latin words: nothing below applies.
            self.accented_run = 0;
            self.prev_flags_lack_jis = false;
            self.prev_char = c;
            self.prev = Some((class, case));
            return;
        }
        // Symbols inside a word (`zamkn¹æ`, Mac Roman's `f√ºr`); the
        // Catalan middle dot is the one that belongs there.
        if is_letter(class) {
            if self.symbol_in_word && self.word_script != 0 {
                self.total += 2.0;
            }
            self.symbol_in_word = false;
        } else if matches!(class, SymOpen | Symbol)
            && c != '·'
            // An acute accent between ASCII letters is typed for an
            // apostrophe (`don´t`, Turkish `login´e`), and the ordinal
            // indicators are letters after an abbreviation or a number
            // (`nºlin.`, `2ª`).
            && !(matches!(c, '´' | 'º' | 'ª')
                && self.prev.is_some_and(|(p, _)| p == AsciiLetter || (p == Digit && c != '´')))
        {
            self.symbol_in_word = self.word_script != 0;
        }
        // `Ã` and `Â` are the lead bytes of every Latin-1 character in
        // UTF-8; real text never follows them with another non-ASCII
        // character in the same word, nor with a no-break space (`Â\u{a0}`
        // is a no-break space misread, `Ã\u{a0}` an `à`).
        if matches!(self.prev_char, 'Ã' | 'Â') && !c.is_ascii() && (class != Space || c == '\u{a0}')
        {
            self.total += 2.0;
        }
        // A combining mark with no letter to sit on, and a final form with
        // the word going on (`ָגאם`, `קמיםבמיו`): legacy Cyrillic or Greek
        // read as Hebrew.
        if class == Combining {
            // Hebrew's points and Arabic's vowel marks sit on a letter of
            // their own script (`ٌ` on `jaŸ` is no Arabic), stacked as
            // they may be (`رَّ`); other marks on any letter.
            let fits = match c {
                '\u{590}'..='\u{5FF}' => self.mark_base == Some(Hebrew),
                '\u{600}'..='\u{6FF}' => self.mark_base == Some(Arabic),
                _ => self.mark_base.is_some(),
            };
            if !fits {
                self.total += 2.0;
            }
        } else {
            self.mark_base = is_letter(class).then_some(class);
        }
        if is_letter(class)
            && matches!(
                self.prev_char,
                'ך' | 'ם' | 'ן' | 'ף' | 'ץ' | 'ς' | 'ة' | 'ى'
            )
        {
            self.total += 1.5;
        }
        // Letters of two alphabets in one word, even with symbols between
        // (`Za©СЁФ`).
        let s = script(class);
        // CJK punctuation separates words as a space does (`“blob”、“tree”`),
        // and so does CJK text itself, which does not space its words: the
        // quotes of `worktree”的“CONFIGURATION` are not inside a word.
        if matches!(
            class,
            Space | CjkPunct | Fullwidth | Kana | HangulCommon | HangulRare
        ) || is_han(class)
        {
            self.end_word();
        } else if class == AsciiPunct {
            // ASCII punctuation joins words of two alphabets in real text
            // (`файл.txt`, `список_pid`, `Windows-совместимый`) and is never
            // part of a misread letter.
            self.word_script = 0;
        } else if s != 0 && !escaped {
            if self.word_script != 0 && self.word_script != s {
                self.total += 2.0;
            }
            self.word_script = s;
            if matches!(class, Cyrillic | Greek) {
                self.word_letters += 1;
                self.word_vowels += u32::from(flags & VOWEL != 0);
                let both = SOUTH_SLAVIC | NOT_SOUTH_SLAVIC;
                if self.word_orthography != both {
                    self.word_orthography |= flags & both;
                    if self.word_orthography == both {
                        self.total += 2.0;
                    }
                }
            }
        }
        // Runs of accented letters: legacy text read as Western (`Ïðèâåò`
        // is windows-1251 "Привет") is all accented letters, while real
        // orthographies rarely put four together. A letter held for
        // emphasis (`nããããão`, `ÄÄÄÄH!`) is one letter, not a run.
        if matches!(class, Latin | WinLetter) {
            if c != self.prev_char {
                self.accented_run += 1;
                if self.accented_run >= ACCENTED_RUN_COSTS {
                    self.total += 0.75;
                }
            }
        } else {
            self.accented_run = 0;
        }
        self.prev_flags_lack_jis = is_han(class) && flags & IN_JIS == 0;
        self.prev_char = c;
        self.prev = Some((class, case));
    }

    fn end_word(&mut self) {
        if self.ranking && self.word_letters >= 3 && self.word_vowels == 0 {
            self.total += 1.0;
        }
        self.word_script = 0;
        self.symbol_in_word = false;
        self.word_letters = 0;
        self.word_vowels = 0;
        self.word_orthography = 0;
        self.unit_flip = false;
    }

    fn finish(mut self) -> f32 {
        if self.quote_after_letter {
            self.total -= CLOSING_QUOTE_RELIEF;
        }
        self.end_word();
        self.total
    }
}

fn is_letter(class: Class) -> bool {
    script(class) != 0
}

/// The alphabet of a letter: 1 for Latin, 2 Greek, 3 Cyrillic, 4 Armenian,
/// 5 Hebrew, 6 Arabic, higher for others; 0 for anything not a letter of
/// an alphabet (Han, kana and Hangul included).
pub(crate) fn alphabet(c: char) -> u8 {
    script(class_of(c))
}

/// The number of letters in `text`, in any script.
pub(crate) fn letters(text: &str) -> usize {
    text.chars().filter(|&c| is_any_letter(c)).count()
}

/// Whether `c` is a letter of any script: of an alphabet, Han, kana or
/// Hangul.
pub(crate) fn is_any_letter(c: char) -> bool {
    let class = class_of(c);
    is_letter(class)
        || matches!(
            class,
            HanCommon | HanKnown | HanRare | HangulCommon | HangulRare | Kana
        )
}

/// Ranking cost of a character: see [`Scorer`].
#[inline]
fn rank_cost(class: Class, flags: u8) -> f32 {
    match class {
        HanCommon | HanKnown | HanRare | HangulCommon | HangulRare if flags & FREQUENT == 0 => 0.2,
        Cyrillic | Greek | Arabic if flags & RARE != 0 => 0.3,
        Symbol if flags & RARE != 0 => 0.5,
        // Half-width katakana is where Shift_JIS puts bytes 0xA1..0xDF, so
        // any Western text read as Shift_JIS turns into it.
        HalfKana => 0.5,
        _ => 0.0,
    }
}

/// How implausible `text` is on its own.
pub fn cost(text: &str) -> f32 {
    cost_in_context(None, text, None)
}

/// True if nothing in `text` scores: the engine can skip it. This is the
/// hot path for clean text. ASCII is passed over eight bytes at a time
/// (ASCII next to ASCII never costs anything), and so is an accented Latin
/// letter between ASCII characters, the common case in European text: the
/// only cost it could carry is a case flip with its neighbours. A word with
/// other characters goes through the [`screen`], and only if that cannot
/// decide is the word scored.
pub fn is_unremarkable(text: &str) -> bool {
    let t = table();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while let Some(chunk) = bytes.get(i..i + 8) {
            if u64::from_le_bytes(chunk.try_into().expect("eight bytes")) & 0x8080_8080_8080_8080
                != 0
            {
                break;
            }
            i += 8;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if b < 0x80 {
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("char boundary");
        let end = i + c.len_utf8();
        let (class, flags) = lookup(t, c);
        if class == Latin {
            let prev = if i == 0 { b' ' } else { bytes[i - 1] };
            let next = bytes.get(end).copied().unwrap_or(b' ');
            let flips = (flags & LOWER != 0 && next.is_ascii_uppercase())
                || (flags & UPPER != 0 && prev.is_ascii_lowercase());
            if prev < 0x80 && next < 0x80 && !flips {
                i = end;
                continue;
            }
        }
        // The whitespace-delimited word around this character.
        let start = bytes[..i]
            .iter()
            .rposition(|b| b.is_ascii_whitespace())
            .map_or(0, |p| p + 1);
        let (screen, end) = screened(t, bytes, start);
        match screen {
            Some(true) => {}
            Some(false) => return false,
            None => {
                let end = bytes[end..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace())
                    .map_or(bytes.len(), |p| end + p);
                let mut scorer = Scorer::default();
                for c in text[start..end].chars() {
                    scorer.push_in(t, c, true);
                    if scorer.total > 0.0 {
                        return false;
                    }
                }
                if scorer.finish() > 0.0 {
                    return false;
                }
                i = end;
                continue;
            }
        }
        i = end;
    }
    true
}

/// Whether the word that starts at `start` costs nothing, by the CJK
/// [`screen`], and where the screen stopped: at the end of the word, or
/// with `None` at a character it does not cover (the caller scores the
/// word). One pass both finds the end of the word and screens it.
#[inline]
fn screened(t: &Table, bytes: &[u8], start: usize) -> (Option<bool>, usize) {
    let mut clashes = 0;
    let mut accented_run = 0;
    let mut prev = 0;
    let mut before = screen::SCORE;
    let mut i = start;
    loop {
        // `bytes` is valid UTF-8, so the length of each sequence is its
        // lead byte's, and a slice pattern takes the lead byte and the
        // rest of the sequence with one bounds check. Three-byte
        // characters first: they are what this screen is for.
        let (cp, len) = match bytes[i..] {
            [b @ 0xE0..=0xEF, b1, b2, ..] => (
                (u32::from(b & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F),
                3,
            ),
            [] | [b'\t' | b'\n' | b'\x0C' | b'\r' | b' ', ..] => break,
            [b @ 0..=0x7F, ..] => (u32::from(b), 1),
            [b @ 0xC0..=0xDF, b1, ..] => ((u32::from(b & 0x1F) << 6) | u32::from(b1 & 0x3F), 2),
            _ => return (None, i),
        };
        let category = t.screen[cp as u16 as usize];
        if category == screen::SCORE {
            return (None, i);
        }
        if clashes & (1 << category) != 0 {
            let clean = (!screen::is_unsure(before, category)).then_some(false);
            return (clean, i);
        }
        if screen::is_accented(category) {
            if cp != prev {
                accented_run += 1;
                if accented_run == ACCENTED_RUN_COSTS {
                    return (Some(false), i);
                }
            }
        } else {
            accented_run = 0;
        }
        clashes = screen::CLASHES[usize::from(category & 15)];
        before = category;
        prev = cp;
        i += len;
    }
    (Some(true), i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_costs_more_than_its_repair() {
        for (bad, good) in [
            ("cafÃ©", "café"),
            ("â€™", "’"),
            ("РџСЂРёРІРµС‚", "Привет"),
            ("鍙傛暟", "参数"),
            ("縺薙ｓ縺ｫ縺｡縺ｯ", "こんにちは"),
            ("Ó¡Ë¢Çé¿ö", "印刷情况"),
            ("╨Я╤А╨╕╨▓╨╡╤В", "Привет"),
            ("Za¿ó³æ gêœl¹ jaŸñ", "Zażółć gęślą jaźń"),
        ] {
            assert!(
                cost(bad) >= cost(good) + 2.0,
                "{bad}: {} vs {good}: {}",
                cost(bad),
                cost(good)
            );
        }
    }

    #[test]
    fn clean_text_is_unremarkable() {
        for text in [
            "Ðóra Þórsdóttir",
            "NÃO É POSSÍVEL",
            "Tiếng Việt có dấu",
            "Ελληνικά κείμενα",
            "Съешь же ещё этих мягких французских булок",
            "中文文本，没有问题。",
            "日本語のテキストです。",
            "한국어 텍스트입니다",
            "Microsoft™ Windows® © 2024, 25°C",
            "∀x ∈ ℝ: x² ≥ 0",
            "Gęślą jaźń, výše, ŠKODA",
        ] {
            assert!(is_unremarkable(text), "{text}: {}", cost(text));
        }
    }

    #[test]
    fn symbols_are_screened_only_between_cjk() {
        let screen = |word: &str| screened(table(), word.as_bytes(), 0).0;
        assert_eq!(screen("他说：“你好”，温度２０℃。"), Some(true));
        // A symbol inside a word makes the letter after it cost, however
        // far (`a1“2b`); two symbols together may cost (`“”`).
        for word in ["a1“2b", "ß1™1Z", "é“", "“”", "─“"] {
            assert_eq!(screen(word), None, "{word}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        // Mostly characters the screen covers, one of each category, and a
        // few it leaves to the scorer.
        #[test]
        fn the_screen_agrees_with_the_scorer(word in "[aZ1.的们ア한。１Ａ鍙éłßÉšÃ─“”’…·℃™ℂ]{0,8}") {
            if let (Some(clean), _) = screened(table(), word.as_bytes(), 0) {
                proptest::prop_assert_eq!(
                    clean,
                    structural_cost_in_context(None, &word, None) == 0.0
                );
            }
        }
    }

    #[test]
    fn commonness_sets_come_from_the_standards() {
        assert_eq!(class_of('的'), HanCommon);
        assert_eq!(class_of('們'), HanCommon);
        assert_eq!(class_of('鍙'), HanKnown);
        assert_eq!(class_of('한'), HangulCommon);
    }
}
