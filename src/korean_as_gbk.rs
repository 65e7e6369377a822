//! Korean whose EUC-KR bytes were read as GBK.
//!
//! This misread leaves nothing that character-level plausibility can see.
//! EUC-KR puts the 2,350 Hangul syllables of KS X 1001 at lead bytes
//! 0xB0–0xC8, trail bytes 0xA1–0xFE, and GBK has GB2312's level-1 Han
//! characters in exactly those cells: `이 책은` becomes `捞 氓篮`, every
//! character a valid, listed, even fairly common one. What gives it away
//! is the text as a whole, in three ways no Chinese line shares at once:
//!
//! - every character lies in that block of cells (real Chinese draws on
//!   all of GB2312 and beyond: 是, 在, 中, 我, 有 and 一 lie outside it);
//! - the Han runs are separated by spaces, as Korean words are and Chinese
//!   words are not;
//! - few of them are among the characters that make up most Chinese text,
//!   since the block's cells are ordered by Hangul spelling, not by how
//!   often Chinese uses the character there.
//!
//! So this is a line-level check, run on lines the character-level screen
//! passes, and it asks for enough characters that the three together
//! cannot be chance.

use std::ops::Range;

use crate::chains::{Chain, Step};
use crate::chinese::readings::is_han;
use crate::codecs::Codec;
use crate::engine::{Change, Family};
use crate::plausibility;

/// Han characters a line needs before its shape counts as evidence: a name
/// or a two-word title is as likely to be rare Chinese.
const MIN_HAN: usize = 8;

/// The most of a line's Han characters that may be frequent in Chinese.
/// Real Chinese lines have well over half (the clean set's lowest, a line
/// of units and symbols, has 42%); a Hangul reading has about one in eight,
/// the block's own share.
const MAX_FREQUENT_SHARE: f32 = 0.3;

/// The least of the syllables read back that must be frequent in Korean:
/// real Korean lines have four in five or more, the block's cells taken at
/// random about one in nine.
const MIN_KOREAN_SHARE: f32 = 0.5;

/// Whether a line's first character beyond ASCII could start such a
/// reading, and the line has a space for Korean word spacing. This is the
/// only cost that most clean text pays: a pass over the ASCII before the
/// first other character, eight bytes at a time.
#[inline]
fn may_be(line: &str) -> bool {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        if u64::from_le_bytes(chunk.try_into().expect("eight bytes")) & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .find(|&&b| b >= 0x80)
        .is_some_and(|&b| (0xE4..=0xE9).contains(&b))
        && memchr::memchr(b' ', bytes).is_some()
}

/// The misread, as a repair step.
const MISREAD: Step = Step::Reinterpret {
    read_as: Codec::Gbk,
    actual: Codec::EucKr,
};

/// If `line`, which starts at `offset` in the text, is Korean read as GBK,
/// the changes that read its runs back as EUC-KR; else none.
pub(crate) fn repair(line: &str, offset: usize) -> Vec<Change> {
    find(line, offset).unwrap_or_default()
}

fn find(line: &str, offset: usize) -> Option<Vec<Change>> {
    if !may_be(line) {
        return None;
    }
    // The shape first, which costs nothing to check: ideographs only,
    // in runs with spaces between them. Chinese prose stops here at its
    // first full-width comma, Japanese at its first kana.
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut spaced = 0;
    for (i, c) in line.char_indices() {
        if c.is_ascii() {
            continue;
        }
        if !is_han(c) {
            return None;
        }
        match runs.last_mut() {
            Some(run) if run.end == i => run.end = i + c.len_utf8(),
            last => {
                spaced += usize::from(last.is_some_and(|run| line[run.end..i].contains(' ')));
                runs.push(i..i + c.len_utf8());
            }
        }
    }
    let han = runs
        .iter()
        .map(|r| line[r.clone()].chars().count())
        .sum::<usize>();
    if han < MIN_HAN || spaced == 0 {
        return None;
    }
    let mut frequent = 0;
    for c in runs.iter().flat_map(|r| line[r.clone()].chars()) {
        if !in_hangul_block(c) {
            return None;
        }
        frequent += usize::from(plausibility::is_frequent(c));
    }
    if frequent as f32 > MAX_FREQUENT_SHARE * han as f32 {
        return None;
    }
    let fixed: Vec<String> = runs
        .iter()
        .map(|run| MISREAD.apply(&line[run.clone()]))
        .collect::<Option<_>>()?;
    let korean = fixed
        .iter()
        .flat_map(|t| t.chars())
        .filter(|&c| plausibility::is_frequent(c))
        .count();
    if (korean as f32) < MIN_KOREAN_SHARE * han as f32 {
        return None;
    }
    let evidence = format!(
        "all {han} Han characters are GBK's readings of the EUC-KR cells of Hangul \
         syllables, their runs are spaced into words as Korean is and Chinese is not, \
         only {frequent} of them {} common in Chinese, and {korean} of the syllables \
         read back are common in Korean",
        if frequent == 1 { "is" } else { "are" }
    );
    Some(
        runs.into_iter()
            .zip(fixed)
            .map(|(run, after)| Change {
                span: offset + run.start..offset + run.end,
                before: line[run].to_string(),
                after,
                family: Family::Mojibake,
                chain: Chain::new(vec![MISREAD]),
                confidence: 0.8,
                evidence: evidence.clone(),
            })
            .collect(),
    )
}

/// Whether GBK puts `c` in the block where EUC-KR has its Hangul.
fn in_hangul_block(c: char) -> bool {
    Codec::Gbk
        .encode(c.encode_utf8(&mut [0; 4]))
        .is_some_and(|b| matches!(b[..], [0xB0..=0xC8, 0xA1..=0xFE]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_korean_sentence_is_found_and_chinese_ones_are_not() {
        let changes = repair("捞 氓篮 茄 累篮 付阑狼 捞具扁甫 淬绊 乐嚼聪促.", 0);
        let text: Vec<&str> = changes.iter().map(|c| c.after.as_str()).collect();
        assert_eq!(text[..3], ["이", "책은", "한"]);
        // Spaced Chinese of common characters, and unspaced text of the
        // block's cells, are both left alone.
        assert!(repair("市委常委 市政府领导同志 及市有关方面负责同志", 0).is_empty());
        assert!(repair("捞氓篮茄累篮付阑狼捞具扁甫淬绊乐嚼聪促.", 0).is_empty());
        assert!(repair("辫刮霖", 0).is_empty());
    }
}
