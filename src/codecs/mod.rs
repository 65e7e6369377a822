//! The byte encodings unbake can reason about, behind one small API.
//!
//! Mojibake is the trace of bytes decoded with the wrong codec, so undoing it
//! means running codecs backwards: encode the damaged text with the codec that
//! misread it, then decode the bytes with the codec they were really in. Every
//! codec here therefore needs an exact, strict encoder as well as a decoder,
//! and must say when a character has no byte in it (that rules the codec out).
//!
//! encoding_rs supplies every codec of the WHATWG Encoding Standard. Its
//! single-byte decoders are the "sloppy" kind that real software uses: bytes a
//! codepage leaves undefined come out as C1 controls rather than errors, which
//! is exactly how `Ã` followed by U+0081 arises. Codepages that real damage
//! and real files use are missing from the standard: true ISO-8859-1 (the
//! standard maps the label to windows-1252) and DOS's IBM437, IBM850, IBM852
//! and IBM737; they are small tables here.
//!
//! Single-byte codecs are served from a 128-entry table built once from the
//! decoder, so encoding a character is a binary search rather than a trip
//! through an encoder object: candidate generation encodes the same short
//! spans with dozens of codecs, and that cost dominates repair time.

mod dos_tables;

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};

/// A byte encoding, named as the WHATWG Encoding Standard (or IBM) names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Codec {
    Utf8,
    Windows1252,
    Latin1,
    Iso8859_15,
    Windows1250,
    Iso8859_2,
    Windows1251,
    Koi8R,
    Koi8U,
    Ibm866,
    MacCyrillic,
    Iso8859_5,
    Windows1253,
    Iso8859_7,
    Windows1254,
    Windows1255,
    Windows1256,
    Windows1257,
    Windows1258,
    Windows874,
    MacRoman,
    Ibm437,
    Ibm850,
    Ibm852,
    Ibm737,
    Gbk,
    Big5,
    ShiftJis,
    EucJp,
    EucKr,
}

impl Codec {
    /// Every codec, in the order ties are broken: when two codecs explain
    /// the same damage equally well, the earlier (more common in the wild)
    /// one is named.
    pub const ALL: [Codec; 30] = [
        Codec::Utf8,
        Codec::Windows1252,
        Codec::Latin1,
        Codec::Iso8859_15,
        Codec::Windows1250,
        Codec::Iso8859_2,
        Codec::Windows1251,
        Codec::Koi8R,
        Codec::Koi8U,
        Codec::Ibm866,
        Codec::MacCyrillic,
        Codec::Iso8859_5,
        Codec::Windows1253,
        Codec::Iso8859_7,
        Codec::Windows1254,
        Codec::Windows1255,
        Codec::Windows1256,
        Codec::Windows1257,
        Codec::Windows1258,
        Codec::Windows874,
        Codec::MacRoman,
        Codec::Ibm437,
        Codec::Ibm850,
        Codec::Ibm852,
        Codec::Ibm737,
        Codec::Gbk,
        Codec::Big5,
        Codec::ShiftJis,
        Codec::EucJp,
        Codec::EucKr,
    ];

    /// The codec's usual name, as unbake prints it.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "UTF-8",
            Codec::Windows1252 => "windows-1252",
            Codec::Latin1 => "ISO-8859-1",
            Codec::Iso8859_15 => "ISO-8859-15",
            Codec::Windows1250 => "windows-1250",
            Codec::Iso8859_2 => "ISO-8859-2",
            Codec::Windows1251 => "windows-1251",
            Codec::Koi8R => "KOI8-R",
            Codec::Koi8U => "KOI8-U",
            Codec::Ibm866 => "IBM866",
            Codec::MacCyrillic => "x-mac-cyrillic",
            Codec::Iso8859_5 => "ISO-8859-5",
            Codec::Windows1253 => "windows-1253",
            Codec::Iso8859_7 => "ISO-8859-7",
            Codec::Windows1254 => "windows-1254",
            Codec::Windows1255 => "windows-1255",
            Codec::Windows1256 => "windows-1256",
            Codec::Windows1257 => "windows-1257",
            Codec::Windows1258 => "windows-1258",
            Codec::Windows874 => "windows-874",
            Codec::MacRoman => "macintosh",
            Codec::Ibm437 => "IBM437",
            Codec::Ibm850 => "IBM850",
            Codec::Ibm852 => "IBM852",
            Codec::Ibm737 => "IBM737",
            Codec::Gbk => "GBK",
            Codec::Big5 => "Big5",
            Codec::ShiftJis => "Shift_JIS",
            Codec::EucJp => "EUC-JP",
            Codec::EucKr => "EUC-KR",
        }
    }

    /// Looks a codec up by any of its names or WHATWG labels, ignoring case.
    /// `latin1` and `iso-8859-1` mean true ISO-8859-1 here, not the WHATWG
    /// alias for windows-1252: the distinction is the point of having both.
    pub fn from_name(name: &str) -> Option<Codec> {
        let lower = name.trim().to_ascii_lowercase();
        if let Some(c) = Codec::ALL
            .iter()
            .find(|c| c.name().eq_ignore_ascii_case(&lower))
        {
            return Some(*c);
        }
        match lower.as_str() {
            "latin1" | "latin-1" | "iso8859-1" | "l1" => return Some(Codec::Latin1),
            "cp437" | "437" => return Some(Codec::Ibm437),
            "cp850" | "850" => return Some(Codec::Ibm850),
            "cp852" | "852" => return Some(Codec::Ibm852),
            "cp737" | "737" => return Some(Codec::Ibm737),
            "gb2312" | "gb18030" | "cp936" => return Some(Codec::Gbk),
            _ => {}
        }
        let encoding = Encoding::for_label(lower.as_bytes())?;
        Codec::ALL
            .iter()
            .copied()
            .find(|c| c.encoding() == Some(encoding))
    }

    /// The encoding_rs codec behind this one, if there is one.
    pub fn encoding(self) -> Option<&'static Encoding> {
        use encoding_rs::*;
        Some(match self {
            Codec::Utf8 => UTF_8,
            Codec::Windows1252 => WINDOWS_1252,
            Codec::Latin1 | Codec::Ibm437 | Codec::Ibm850 | Codec::Ibm852 | Codec::Ibm737 => {
                return None
            }
            Codec::Iso8859_15 => ISO_8859_15,
            Codec::Windows1250 => WINDOWS_1250,
            Codec::Iso8859_2 => ISO_8859_2,
            Codec::Windows1251 => WINDOWS_1251,
            Codec::Koi8R => KOI8_R,
            Codec::Koi8U => KOI8_U,
            Codec::Ibm866 => IBM866,
            Codec::MacCyrillic => X_MAC_CYRILLIC,
            Codec::Iso8859_5 => ISO_8859_5,
            Codec::Windows1253 => WINDOWS_1253,
            Codec::Iso8859_7 => ISO_8859_7,
            Codec::Windows1254 => WINDOWS_1254,
            Codec::Windows1255 => WINDOWS_1255,
            Codec::Windows1256 => WINDOWS_1256,
            Codec::Windows1257 => WINDOWS_1257,
            Codec::Windows1258 => WINDOWS_1258,
            Codec::Windows874 => WINDOWS_874,
            Codec::MacRoman => MACINTOSH,
            Codec::Gbk => GBK,
            Codec::Big5 => BIG5,
            Codec::ShiftJis => SHIFT_JIS,
            Codec::EucJp => EUC_JP,
            Codec::EucKr => EUC_KR,
        })
    }

    /// Whether this is one of the double-byte codepages of CJK text (GBK,
    /// Big5, Shift_JIS, EUC-JP, EUC-KR): neither single-byte nor UTF-8.
    pub fn is_double_byte(self) -> bool {
        !self.is_single_byte() && self != Codec::Utf8
    }

    /// True for codecs where every byte is one character.
    pub fn is_single_byte(self) -> bool {
        !matches!(
            self,
            Codec::Utf8 | Codec::Gbk | Codec::Big5 | Codec::ShiftJis | Codec::EucJp | Codec::EucKr
        )
    }

    /// The single-byte table, for single-byte codecs.
    pub(crate) fn table(self) -> Option<&'static SingleByte> {
        static TABLES: OnceLock<Vec<Option<SingleByte>>> = OnceLock::new();
        let tables = TABLES.get_or_init(|| {
            Codec::ALL
                .iter()
                .map(|c| c.is_single_byte().then(|| SingleByte::build(*c)))
                .collect()
        });
        tables[self as usize].as_ref()
    }

    /// Encodes `text`, or `None` if some character has no byte sequence in
    /// this codec. Never substitutes.
    pub fn encode(self, text: &str) -> Option<Vec<u8>> {
        if let Some(table) = self.table() {
            let mut out = Vec::with_capacity(text.len());
            for c in text.chars() {
                out.push(table.encode(c)?);
            }
            return Some(out);
        }
        if self == Codec::Utf8 {
            return Some(text.as_bytes().to_vec());
        }
        let (bytes, _, unmappable) = self.encoding()?.encode(text);
        (!unmappable).then(|| bytes.into_owned())
    }

    /// Each character's code in this codec: its bytes read as one
    /// big-endian number (GBK's `丂` is 0x8140). `None` if some character
    /// has no byte sequence in this codec.
    pub(crate) fn codes(self, text: &str) -> Option<Vec<u32>> {
        let bytes = self.encode(text)?;
        let mut out = Vec::with_capacity(text.len());
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let len = match self {
                _ if b < 0x80 || self.is_single_byte() => 1,
                Codec::Utf8 => b.leading_ones() as usize,
                Codec::ShiftJis if (0xA1..=0xDF).contains(&b) => 1,
                Codec::EucJp if b == 0x8F => 3,
                // GBK's euro sign is one byte; its encoder writes none of
                // GB18030's four-byte sequences.
                Codec::Gbk if b == 0x80 => 1,
                _ => 2,
            };
            let end = (i + len).min(bytes.len());
            out.push(bytes[i..end].iter().fold(0, |n, &b| n << 8 | u32::from(b)));
            i = end;
        }
        Some(out)
    }

    /// Encodes `text` into `out` (cleared first); false if some character
    /// has no byte sequence in this codec. Lets a search reuse one buffer.
    pub fn encode_into(self, text: &str, out: &mut Vec<u8>) -> bool {
        out.clear();
        if let Some(table) = self.table() {
            for c in text.chars() {
                match table.encode(c) {
                    Some(b) => out.push(b),
                    None => return false,
                }
            }
            return true;
        }
        match self.encode(text) {
            Some(bytes) => {
                *out = bytes;
                true
            }
            None => false,
        }
    }

    /// Decodes `bytes`, or `None` if they are malformed in this codec.
    pub fn decode_strict(self, bytes: &[u8]) -> Option<String> {
        if let Some(table) = self.table() {
            return bytes.iter().map(|&b| table.decode(b)).collect();
        }
        self.encoding()?
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(Cow::into_owned)
    }

    /// Decodes `bytes`, turning malformed sequences into U+FFFD as the
    /// WHATWG decoders do. Returns the text and whether anything was replaced.
    pub fn decode_lossy(self, bytes: &[u8]) -> (String, bool) {
        if let Some(table) = self.table() {
            let mut lost = false;
            let text = bytes
                .iter()
                .map(|&b| {
                    table.decode(b).unwrap_or_else(|| {
                        lost = true;
                        '\u{FFFD}'
                    })
                })
                .collect();
            return (text, lost);
        }
        let encoding = self
            .encoding()
            .expect("multi-byte codecs come from encoding_rs");
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        (text.into_owned(), had_errors)
    }
}

/// A set of codecs, one bit per position in [`Codec::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CodecSet(u32);

impl CodecSet {
    pub(crate) const ALL: CodecSet = CodecSet((1 << Codec::ALL.len()) - 1);

    pub(crate) fn contains(self, codec: Codec) -> bool {
        self.0 & (1 << codec as u32) != 0
    }

    /// The codecs that can encode every character of `text`. Computed from
    /// the decoders' repertoires, so a codec in the set may still refuse a
    /// character (WHATWG Big5 decodes some HKSCS bytes it will not encode),
    /// but a codec outside it certainly cannot encode the text. Candidate
    /// search uses it to skip codecs without running their encoders.
    pub(crate) fn able_to_encode(text: &str) -> CodecSet {
        let table = repertoires();
        let mut set = CodecSet::ALL;
        // U+FFFD may stand for bytes that were lost; whether a codec can
        // account for it is the lossy decoder's question, not this one's.
        for c in text.chars().filter(|c| !c.is_ascii() && *c != '\u{FFFD}') {
            let cp = c as usize;
            set.0 &= if cp < table.len() { table[cp] } else { 0 };
            if set.0 == 0 {
                break;
            }
        }
        set
    }
}

/// For every BMP character, the set of codecs whose decoders produce it.
fn repertoires() -> &'static [u32] {
    static TABLE: OnceLock<Vec<u32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![1u32 << Codec::Utf8 as u32; 0x10000];
        for codec in Codec::ALL {
            let bit = 1u32 << codec as u32;
            if let Some(single) = codec.table() {
                for c in single.high.iter().flatten() {
                    if (*c as usize) < table.len() {
                        table[*c as usize] |= bit;
                    }
                }
            } else if codec != Codec::Utf8 {
                // Every two-byte sequence the CJK codecs define, plus the
                // three-byte rows of EUC-JP (JIS X 0212).
                let mut mark = |bytes: &[u8]| {
                    if let Some(text) = codec.decode_strict(bytes) {
                        for c in text.chars().filter(|c| (*c as usize) < 0x10000) {
                            table[c as usize] |= bit;
                        }
                    }
                };
                for lead in 0x81..=0xFEu8 {
                    for trail in 0x40..=0xFEu8 {
                        mark(&[lead, trail]);
                        if codec == Codec::EucJp && lead == 0x8F && trail >= 0xA1 {
                            for third in 0xA1..=0xFEu8 {
                                mark(&[0x8F, trail, third]);
                            }
                        }
                    }
                }
                for b in 0xA1..=0xDFu8 {
                    mark(&[b]);
                }
            }
        }
        table
    })
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Codec> for &'static str {
    fn from(c: Codec) -> Self {
        c.name()
    }
}

impl TryFrom<String> for Codec {
    type Error = String;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        Codec::from_name(&name).ok_or_else(|| format!("unknown encoding '{name}'"))
    }
}

/// A single-byte codepage as two lookup tables. The lower half is ASCII in
/// every codec unbake handles.
pub(crate) struct SingleByte {
    high: [Option<char>; 128],
    /// The byte of every character below U+2600 (0 for none): every
    /// single-byte codepage here keeps its upper half below that, but for a
    /// handful of characters looked up in `reverse`.
    direct: Box<[u8; DIRECT]>,
    /// (character, byte) for the upper half, sorted by character.
    reverse: Vec<(char, u8)>,
}

const DIRECT: usize = 0x2600;

impl SingleByte {
    fn build(codec: Codec) -> SingleByte {
        let mut high = [None; 128];
        for (i, slot) in high.iter_mut().enumerate() {
            let byte = 0x80 + i as u8;
            *slot = match codec {
                Codec::Latin1 => Some(char::from(byte)),
                Codec::Ibm437 => Some(dos_tables::IBM437_HIGH[i]),
                Codec::Ibm850 => Some(dos_tables::IBM850_HIGH[i]),
                Codec::Ibm852 => Some(dos_tables::IBM852_HIGH[i]),
                Codec::Ibm737 => Some(dos_tables::IBM737_HIGH[i]),
                _ => {
                    let encoding = codec
                        .encoding()
                        .expect("single-byte codec from encoding_rs");
                    let bytes = [byte];
                    let text = encoding.decode_without_bom_handling_and_without_replacement(&bytes);
                    text.and_then(|t| t.chars().next())
                }
            };
        }
        let mut reverse: Vec<(char, u8)> = high
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (c, 0x80 + i as u8)))
            .collect();
        reverse.sort_unstable();
        reverse.dedup_by_key(|(c, _)| *c);
        let mut direct = Box::new([0u8; DIRECT]);
        for &(c, b) in &reverse {
            if (c as usize) < DIRECT {
                direct[c as usize] = b;
            }
        }
        SingleByte {
            high,
            direct,
            reverse,
        }
    }

    #[inline]
    pub(crate) fn encode(&self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return Some(c as u8);
        }
        if let Some(&b) = self.direct.get(c as usize) {
            return (b != 0).then_some(b);
        }
        self.reverse
            .binary_search_by_key(&c, |(k, _)| *k)
            .ok()
            .map(|i| self.reverse[i].1)
    }

    #[inline]
    pub(crate) fn decode(&self, b: u8) -> Option<char> {
        if b < 0x80 {
            Some(b as char)
        } else {
            self.high[(b - 0x80) as usize]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_byte_round_trip_every_byte() {
        for codec in Codec::ALL.iter().filter(|c| c.is_single_byte()) {
            for b in 0u8..=255 {
                if let Some(text) = codec.decode_strict(&[b]) {
                    assert_eq!(codec.encode(&text), Some(vec![b]), "{codec} byte {b:#04x}");
                }
            }
        }
    }

    #[test]
    fn latin1_is_not_windows_1252() {
        assert_eq!(Codec::Latin1.decode_strict(&[0x80]).unwrap(), "\u{80}");
        assert_eq!(Codec::Windows1252.decode_strict(&[0x80]).unwrap(), "€");
        assert_eq!(Codec::from_name("iso-8859-1"), Some(Codec::Latin1));
        assert_eq!(Codec::from_name("cp1252"), Some(Codec::Windows1252));
    }

    #[test]
    fn windows_1252_is_sloppy() {
        // Undefined bytes decode to C1 controls, as browsers and most tools do.
        assert_eq!(Codec::Windows1252.decode_strict(&[0x81]).unwrap(), "\u{81}");
    }

    #[test]
    fn dos_tables_match_known_bytes() {
        assert_eq!(Codec::Ibm437.decode_strict(&[0xC9]).unwrap(), "╔");
        assert_eq!(Codec::Ibm850.decode_strict(&[0x9B]).unwrap(), "ø");
    }

    #[test]
    fn multi_byte_strictness() {
        assert_eq!(
            Codec::Gbk.encode("参数").unwrap(),
            vec![0xB2, 0xCE, 0xCA, 0xFD]
        );
        assert_eq!(Codec::Gbk.encode("é"), Some(vec![0xA8, 0xA6]));
        assert_eq!(Codec::ShiftJis.encode("참"), None);
        assert_eq!(Codec::Utf8.decode_strict(&[0xC3]), None);
        let (text, lost) = Codec::Utf8.decode_lossy(&[0x61, 0xC3]);
        assert_eq!((text.as_str(), lost), ("a\u{FFFD}", true));
    }

    #[test]
    fn codes_are_whole_characters() {
        assert_eq!(
            Codec::Gbk.codes("a丂€参"),
            Some(vec![0x61, 0x8140, 0x80, 0xB2CE])
        );
        assert_eq!(Codec::ShiftJis.codes("ｱア"), Some(vec![0xB1, 0x8341]));
        assert_eq!(
            Codec::Utf8.codes("aé丂"),
            Some(vec![0x61, 0xC3A9, 0xE4B882])
        );
        assert_eq!(Codec::Windows1251.codes("Жa"), Some(vec![0xC6, 0x61]));
        assert_eq!(Codec::EucKr.codes("갂"), Some(vec![0x8141]));
        assert_eq!(Codec::ShiftJis.codes("참"), None);
    }

    #[test]
    fn names_round_trip() {
        for codec in Codec::ALL {
            assert_eq!(Codec::from_name(codec.name()), Some(codec));
        }
    }
}
