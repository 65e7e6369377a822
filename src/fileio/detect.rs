//! Telling what a file's bytes are before any repair is attempted.
//!
//! The order of the tests matters. A byte-order mark is the writer's own
//! statement and wins. UTF-32 and UTF-16 without a mark are recognised by
//! their zero bytes, so they must be tried before zero bytes are taken as a
//! sign of binary data. Valid UTF-8 is trusted next: legacy multi-byte text
//! almost never forms valid UTF-8 by chance over a whole file. What remains
//! is either UTF-8 with some lines from another writer (mixed) or a legacy
//! file, told apart by which kind of line is in the majority. A legacy file
//! that names its own encoding (`scriptencoding cp1251`, `-*- coding:
//! latin-1 -*-`, `<meta charset=...>`, a catalogue's `charset=KOI8-R`) is
//! taken at its word where its bytes bear it out: a keymap of ASCII with a
//! few Cyrillic letters is too little for any guess.
//!
//! chardetng guesses among the encodings of the web, which has no DOS
//! codepages but IBM866, and it never guesses the classic Mac OS's Roman. A
//! German text from DOS (`Größe` in IBM850) would be read as windows-1252
//! (`Gr”áe`) and its `ü`, a byte windows-1252 leaves undefined, taken for
//! damage; a Greek one in IBM737 is letter soup in any guess; a French one
//! from a Mac reads `CafŽ`. So a single-byte guess is weighed against those
//! codepages, and the file is read in one when it reads as much more
//! plausible text.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;

use super::FileEncoding;
use crate::codecs::Codec;
use crate::plausibility;

/// What a file's first chunk says about it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sniff {
    Empty,
    /// Not text; the reason, for people.
    Binary(&'static str),
    Text(Detection),
}

/// A file's encoding and how sure the guess is, from 0 to 1. Marks and
/// valid UTF-8 are certain; a legacy guess is as sure as its evidence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    pub encoding: FileEncoding,
    pub confidence: f32,
}

impl Detection {
    fn certain(encoding: FileEncoding) -> Detection {
        Detection {
            encoding,
            confidence: 1.0,
        }
    }
}

/// Looks at the start of a file (`whole` if it is all of it).
pub fn sniff(bytes: &[u8], whole: bool) -> Sniff {
    if bytes.is_empty() {
        return Sniff::Empty;
    }
    if let Some(encoding) = bom(bytes) {
        return Sniff::Text(Detection::certain(encoding));
    }
    if let Some(encoding) = wide_without_bom(bytes) {
        return Sniff::Text(Detection::certain(encoding));
    }
    if bytes.contains(&0) {
        return Sniff::Binary("binary file (contains NUL bytes)");
    }
    // Like ripgrep, judge by the start: binary formats show it at once,
    // and counting over a whole chunk would cost more than validating it.
    let head = &bytes[..bytes.len().min(64 << 10)];
    let controls = head.iter().filter(|&&b| is_binary_control(b)).count();
    if controls * 10 > head.len() {
        return Sniff::Binary("binary file (mostly control bytes)");
    }
    // A chunk of a larger file may end inside a character; only the whole
    // file must validate to the last byte.
    let valid = match simdutf8::compat::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => !whole && e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4,
    };
    if valid {
        return Sniff::Text(Detection::certain(FileEncoding::Utf8 { bom: false }));
    }
    let (mut utf8_lines, mut other_lines) = (0usize, 0usize);
    for line in bytes.split(|&b| b == b'\n') {
        if line.is_ascii() {
            continue;
        }
        if simdutf8::basic::from_utf8(line).is_ok() {
            utf8_lines += 1;
        } else {
            other_lines += 1;
        }
    }
    if utf8_lines > 0 && utf8_lines >= other_lines {
        return Sniff::Text(Detection {
            encoding: FileEncoding::Utf8 { bom: false },
            confidence: utf8_lines as f32 / (utf8_lines + other_lines) as f32,
        });
    }
    if let Some(encoding) = declared(bytes) {
        return Sniff::Text(Detection {
            encoding,
            confidence: DECLARED,
        });
    }
    let encoding = legacy_encoding(bytes, whole);
    let confidence = match encoding {
        FileEncoding::Legacy(encoding) => legacy_confidence(bytes, encoding),
        _ => confidence_from(bytes, true),
    };
    Sniff::Text(Detection {
        encoding,
        confidence,
    })
}

/// The legacy encoding of `bytes`: chardetng's guess, or a codepage it
/// does not guess where the text reads far more plausibly in that.
pub(super) fn legacy_encoding(bytes: &[u8], whole: bool) -> FileEncoding {
    let guess = guess_legacy(bytes, whole);
    unguessed_codepage(bytes, guess).unwrap_or(FileEncoding::Legacy(guess))
}

/// The DOS codepages unbake has tables for, in the order ties go when a
/// text reads the same in several (German letters are the same bytes in
/// all but IBM737): the most common first.
const DOS_CODEPAGES: [Codec; 4] = [Codec::Ibm437, Codec::Ibm850, Codec::Ibm852, Codec::Ibm737];

/// How much less implausible than the guess a codepage must read, on top
/// of being half as implausible: a character or two that reads oddly in
/// the guess is not enough to overrule it.
const UNGUESSED_MARGIN: f32 = 8.0;

/// The codepage chardetng does not guess (DOS's, Mac OS Roman) that the
/// start of `bytes` is in, if chardetng's guess is a single-byte encoding
/// (or one the bytes are malformed in) and the text reads far more
/// plausibly in that codepage than in the guess.
fn unguessed_codepage(bytes: &[u8], guess: &'static Encoding) -> Option<FileEncoding> {
    let head = &bytes[..bytes.len().min(64 << 10)];
    let (guessed, malformed) = guess.decode_without_bom_handling(head);
    if !guess.is_single_byte() && !malformed {
        return None;
    }
    let guessed = plausibility::cost(&guessed);
    let (codec, cost) = DOS_CODEPAGES
        .iter()
        .chain(&[Codec::MacRoman])
        .map(|&codec| (codec, plausibility::cost(&codec.decode_lossy(head).0)))
        .fold(
            None,
            |best: Option<(Codec, f32)>, (codec, cost)| match best {
                Some((_, least)) if least <= cost => best,
                _ => Some((codec, cost)),
            },
        )?;
    (cost * 2.0 + UNGUESSED_MARGIN <= guessed).then(|| match codec.encoding() {
        Some(encoding) => FileEncoding::Legacy(encoding),
        None => FileEncoding::Dos(codec),
    })
}

/// How sure a declaration that the bytes bear out is: the writer's word,
/// but one a copied header can get wrong.
const DECLARED: f32 = 0.95;

/// Where a declaration of the file's encoding is looked for: HTML's and
/// Python's rules ask for it in the first kilobyte or two lines, and
/// catalogues put it in a header after their comments.
const DECLARATION_HEAD: usize = 4 << 10;

/// The legacy encoding the start of `bytes` declares for itself, if
/// encoding_rs or the DOS tables know its label (`coding: cp850`) and it
/// decodes every whole line of the head. A declaration of UTF-8 or UTF-16
/// in a file that is neither is wrong, and ignored.
fn declared(bytes: &[u8]) -> Option<FileEncoding> {
    let head = &bytes[..bytes.len().min(DECLARATION_HEAD)];
    let lower = head.to_ascii_lowercase();
    const KEYS: [&[u8]; 6] = [
        b"charset=",
        b"encoding=",
        b"coding:",
        b"coding=",
        b"scriptencoding ",
        b"fenc=",
    ];
    // The first declaration counts: one on the first line is about the
    // file, an `encoding="cp1252"` further down about something it opens.
    let mut found: Vec<usize> = KEYS
        .iter()
        .filter_map(|key| Some(memchr::memmem::find(&lower, key)? + key.len()))
        .collect();
    found.sort_unstable();
    let encoding = found.into_iter().find_map(|at| {
        let label: Vec<u8> = lower[at..]
            .iter()
            .skip_while(|&&b| matches!(b, b' ' | b'"' | b'\''))
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
            .copied()
            .collect();
        match Encoding::for_label(&label) {
            Some(encoding) => Some(Ok(encoding)),
            None => std::str::from_utf8(&label)
                .ok()
                .and_then(Codec::from_name)
                .filter(|codec| DOS_CODEPAGES.contains(codec))
                .map(Err),
        }
    })?;
    let encoding = match encoding {
        Ok(encoding) => encoding,
        // Every byte is a character in a DOS codepage.
        Err(codec) => return Some(FileEncoding::Dos(codec)),
    };
    let whole_lines = &head[..head.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)];
    // UTF-16, ISO-2022-JP and the replacement encoding are not
    // ASCII-compatible.
    let is_legacy = encoding.is_ascii_compatible() && encoding != encoding_rs::UTF_8;
    (is_legacy
        && encoding
            .decode_without_bom_handling_and_without_replacement(whole_lines)
            .is_some())
    .then_some(FileEncoding::Legacy(encoding))
}

/// The legacy encoding chardetng finds most plausible; never UTF-8, never
/// the stateful ISO-2022-JP (lines of it cannot be decoded one at a time).
pub fn guess_legacy(bytes: &[u8], whole: bool) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, whole);
    detector.guess(None, Utf8Detection::Deny)
}

/// chardetng gives no confidence, so it is estimated from the evidence: a
/// guess that fails to decode is weak, and one that decodes cleanly grows
/// surer with the number of non-ASCII bytes it explains.
fn legacy_confidence(bytes: &[u8], encoding: &'static Encoding) -> f32 {
    let decodes = encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .is_some();
    confidence_from(bytes, decodes)
}

/// A guess that decodes grows surer with the number of non-ASCII bytes it
/// explains.
fn confidence_from(bytes: &[u8], decodes: bool) -> f32 {
    if !decodes {
        return 0.3;
    }
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count() as f32;
    let confidence = 1.0 - 0.5 * (-non_ascii / 32.0).exp();
    (confidence * 100.0).round().min(99.0) / 100.0
}

fn bom(bytes: &[u8]) -> Option<FileEncoding> {
    // UTF-32LE's mark starts with UTF-16LE's, so it is tested first.
    Some(match bytes {
        [0xEF, 0xBB, 0xBF, ..] => FileEncoding::Utf8 { bom: true },
        [0xFF, 0xFE, 0, 0, ..] => FileEncoding::Utf32 {
            big_endian: false,
            bom: true,
        },
        [0, 0, 0xFE, 0xFF, ..] => FileEncoding::Utf32 {
            big_endian: true,
            bom: true,
        },
        [0xFF, 0xFE, ..] => FileEncoding::Utf16 {
            big_endian: false,
            bom: true,
        },
        [0xFE, 0xFF, ..] => FileEncoding::Utf16 {
            big_endian: true,
            bom: true,
        },
        _ => return None,
    })
}

/// UTF-32 or UTF-16 without a mark. Text in them, unlike binary data,
/// decodes to valid scalar values without NULs; UTF-16 is only recognised
/// when it carries enough ASCII to show the zero half of each unit, which
/// is the case for nearly all real exports.
fn wide_without_bom(bytes: &[u8]) -> Option<FileEncoding> {
    // The start decides, as for binary files; the length of the whole
    // must still fit the unit size.
    let whole = bytes;
    let bytes = &whole[..whole.len().min(64 << 10)];
    if bytes.len() >= 4 && whole.len().is_multiple_of(4) {
        for big_endian in [false, true] {
            let units = bytes.chunks_exact(4).map(|u| {
                let u = [u[0], u[1], u[2], u[3]];
                if big_endian {
                    u32::from_be_bytes(u)
                } else {
                    u32::from_le_bytes(u)
                }
            });
            let mut ascii = 0;
            let mut all_text = true;
            for unit in units {
                match char::from_u32(unit) {
                    Some('\0') | None => {
                        all_text = false;
                        break;
                    }
                    Some(c) => ascii += usize::from(c.is_ascii()),
                }
            }
            if all_text && ascii * 4 >= bytes.len() / 4 {
                return Some(FileEncoding::Utf32 {
                    big_endian,
                    bom: false,
                });
            }
        }
    }
    if bytes.len() >= 2 && whole.len().is_multiple_of(2) {
        let pairs = bytes.len() / 2;
        let high_zero_le = bytes.chunks_exact(2).filter(|p| p[1] == 0 && p[0] != 0);
        let high_zero_be = bytes.chunks_exact(2).filter(|p| p[0] == 0 && p[1] != 0);
        for (big_endian, count) in [(false, high_zero_le.count()), (true, high_zero_be.count())] {
            let encoding = if big_endian {
                encoding_rs::UTF_16BE
            } else {
                encoding_rs::UTF_16LE
            };
            if count * 10 >= pairs * 3
                && !bytes.chunks_exact(2).any(|p| p == [0, 0])
                && encoding
                    .decode_without_bom_handling_and_without_replacement(bytes)
                    .is_some()
            {
                return Some(FileEncoding::Utf16 {
                    big_endian,
                    bom: false,
                });
            }
        }
    }
    None
}

/// Control bytes that text files do not contain; tab, line feed, vertical
/// tab, form feed, carriage return and escape (terminal colours) do occur.
fn is_binary_control(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoding(bytes: &[u8]) -> FileEncoding {
        match sniff(bytes, true) {
            Sniff::Text(d) => d.encoding,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn marks() {
        assert_eq!(encoding(b"\xEF\xBB\xBFa"), FileEncoding::Utf8 { bom: true });
        assert_eq!(
            encoding(b"\xFF\xFEa\0"),
            FileEncoding::Utf16 {
                big_endian: false,
                bom: true
            }
        );
        assert_eq!(
            encoding(b"\xFF\xFE\0\0a\0\0\0"),
            FileEncoding::Utf32 {
                big_endian: false,
                bom: true
            }
        );
    }

    #[test]
    fn wide_text_without_marks() {
        let le: Vec<u8> = "hello, wörld\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "hello, wörld\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let be32: Vec<u8> = "héllo\n"
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        assert_eq!(
            encoding(&le),
            FileEncoding::Utf16 {
                big_endian: false,
                bom: false
            }
        );
        assert_eq!(
            encoding(&be),
            FileEncoding::Utf16 {
                big_endian: true,
                bom: false
            }
        );
        assert_eq!(
            encoding(&be32),
            FileEncoding::Utf32 {
                big_endian: true,
                bom: false
            }
        );
    }

    #[test]
    fn binary() {
        assert!(matches!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", true),
            Sniff::Binary(_)
        ));
        assert!(matches!(sniff(b"\x01\x02\x03abc", true), Sniff::Binary(_)));
        assert_eq!(sniff(b"", true), Sniff::Empty);
    }

    #[test]
    fn utf8_legacy_and_mixed() {
        assert_eq!(
            encoding("été\n".as_bytes()),
            FileEncoding::Utf8 { bom: false }
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("参数设置，请检查配置文件。\n");
        assert_eq!(encoding(&gbk), FileEncoding::Legacy(encoding_rs::GBK));
        let mixed = b"caf\xC3\xA9\nna\xC3\xAFve\ncaf\xE9\n";
        assert_eq!(encoding(mixed), FileEncoding::Utf8 { bom: false });
        // A legacy file that names its encoding, with too few letters of it
        // for a guess (vim's Serbian keymap); a declaration of UTF-8 in a
        // file that is not is no evidence.
        let keymap = encoding_rs::WINDOWS_1251
            .encode(
                "\" Vim Keymap file for Serbian characters\n\
                 scriptencoding cp1251\n\
                 loadkeymap\nQ\tЉ\nW\tЊ\nE\tЕ\nR\tР\n",
            )
            .0;
        assert_ne!(guess_legacy(&keymap, true), encoding_rs::WINDOWS_1251);
        assert_eq!(
            encoding(&keymap),
            FileEncoding::Legacy(encoding_rs::WINDOWS_1251)
        );
        let python = encoding_rs::WINDOWS_1251
            .encode(
                "# -*- coding: cp1251 -*-\n\
                 data = open(path, encoding=\"latin-1\").read()\n\
                 keys = {\"Q\": \"Љ\", \"W\": \"Њ\"}\n",
            )
            .0;
        assert_eq!(
            encoding(&python),
            FileEncoding::Legacy(encoding_rs::WINDOWS_1251)
        );
        let mut wrong = b"<meta charset=\"utf-8\">\n".to_vec();
        wrong.extend_from_slice(&gbk);
        assert_eq!(encoding(&wrong), FileEncoding::Legacy(encoding_rs::GBK));
        // A chunk cut inside a character is still UTF-8.
        assert_eq!(
            sniff("ab é".as_bytes().split_last().unwrap().1, false),
            Sniff::Text(Detection::certain(FileEncoding::Utf8 { bom: false }))
        );
    }

    #[test]
    fn codepages_chardetng_does_not_guess() {
        let dos = |codec: Codec, text: &str| codec.encode(text).unwrap();
        // German letters are the same bytes in IBM437, IBM850 and IBM852.
        let german = dos(
            Codec::Ibm850,
            "Die Größe der Datei wird überprüft, bevor sie geöffnet wird.\n",
        );
        assert!(matches!(encoding(&german), FileEncoding::Dos(_)));
        let greek = dos(
            Codec::Ibm737,
            "Ο Vim είναι ένας πανίσχυρος συντάκτης που έχει πολλές εντολές.\n",
        );
        assert_eq!(encoding(&greek), FileEncoding::Dos(Codec::Ibm737));
        let art = dos(
            Codec::Ibm437,
            "╔══════════════════╗\n║  RELEASE  INFO   ║\n╚══════════════════╝\n\
             ░▒▓█ Group presents █▓▒░\n",
        );
        assert_eq!(encoding(&art), FileEncoding::Dos(Codec::Ibm437));
        let declared = dos(Codec::Ibm850, "# -*- coding: cp850 -*-\nname = 'Ø'\n");
        assert_eq!(encoding(&declared), FileEncoding::Dos(Codec::Ibm850));
        // A classic Mac OS file, its lines ended by CR alone.
        let mac = dos(
            Codec::MacRoman,
            "Café crème\rNaïve résumé\rÀ bientôt, dit-il.\r",
        );
        assert_eq!(encoding(&mac), FileEncoding::Legacy(encoding_rs::MACINTOSH));
        // Western text with a symbol or two is not DOS text.
        let french = encoding_rs::WINDOWS_1252
            .encode("Le café coûte 3 € à Noël — dit-il, « très cher ».\n")
            .0;
        assert_eq!(
            encoding(&french),
            FileEncoding::Legacy(encoding_rs::WINDOWS_1252)
        );
    }
}
