//! Reading files as text, repairing them chunk by chunk, and writing them
//! back exactly as they were except for the repairs.
//!
//! Files are not strings. They come with a byte-order mark, in UTF-16 or a
//! legacy codepage, with CRLF line ends, sometimes with lines from a second
//! writer in another encoding, and sometimes larger than memory. The rules
//! here follow from "a repair must not change anything it did not mean to":
//!
//! - A file is read in chunks that end at a line end. The engine never
//!   repairs across a `\n`, so chunked results equal whole-file results and
//!   memory stays bounded by the chunk size (or the longest line).
//! - Each line is decoded on its own and mapped back to its byte range.
//!   Lines without a change are copied byte for byte from the input; only
//!   changed lines are re-encoded. So a decoder's quirks (a byte it replaced
//!   with U+FFFD, a mapping that does not round-trip) can never alter a line
//!   that was not repaired, and BOMs and line ends survive untouched.
//! - In a UTF-8 file, a line that is not UTF-8 was written by someone else
//!   in a legacy encoding; it is decoded with that encoding and counts as a
//!   change, since writing the file turns it into UTF-8.

mod detect;
mod walk;
mod write;

use std::borrow::Cow;
use std::io::{self, Read};
use std::ops::Range;

use encoding_rs::Encoding;

use crate::codecs::Codec;
use crate::engine::{Change, Finding, Options};

pub use detect::{guess_legacy, sniff, Detection, Sniff};
pub use walk::{relative_to_cwd, walk, Entry, WalkOptions, IGNORE_FILE};
pub use write::{replace_atomically, ReplaceFile};

/// How a file's text is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileEncoding {
    Utf8 {
        bom: bool,
    },
    Utf16 {
        big_endian: bool,
        bom: bool,
    },
    Utf32 {
        big_endian: bool,
        bom: bool,
    },
    /// An ASCII-compatible legacy encoding (GBK, Shift_JIS, windows-1251…).
    Legacy(&'static Encoding),
    /// A DOS codepage encoding_rs lacks (IBM437, IBM850, IBM852, IBM737),
    /// served by unbake's own tables.
    Dos(Codec),
}

impl FileEncoding {
    /// The name people know it by: "UTF-8", "UTF-16LE with BOM", "GBK".
    pub fn name(self) -> String {
        let (base, bom) = match self {
            FileEncoding::Utf8 { bom } => ("UTF-8", bom),
            FileEncoding::Utf16 { big_endian, bom } => {
                (if big_endian { "UTF-16BE" } else { "UTF-16LE" }, bom)
            }
            FileEncoding::Utf32 { big_endian, bom } => {
                (if big_endian { "UTF-32BE" } else { "UTF-32LE" }, bom)
            }
            FileEncoding::Legacy(encoding) => (encoding.name(), false),
            FileEncoding::Dos(codec) => (codec.name(), false),
        };
        if bom {
            format!("{base} with BOM")
        } else {
            base.to_string()
        }
    }

    pub fn is_utf8(self) -> bool {
        matches!(self, FileEncoding::Utf8 { .. })
    }

    /// The byte-order mark the file starts with, if any.
    pub fn bom(self) -> &'static [u8] {
        match self {
            FileEncoding::Utf8 { bom: true } => b"\xEF\xBB\xBF",
            FileEncoding::Utf16 {
                big_endian: false,
                bom: true,
            } => b"\xFF\xFE",
            FileEncoding::Utf16 {
                big_endian: true,
                bom: true,
            } => b"\xFE\xFF",
            FileEncoding::Utf32 {
                big_endian: false,
                bom: true,
            } => b"\xFF\xFE\0\0",
            FileEncoding::Utf32 {
                big_endian: true,
                bom: true,
            } => b"\0\0\xFE\xFF",
            _ => b"",
        }
    }

    /// The encoding `--to-utf8` writes: UTF-8, keeping a UTF-8 BOM only if
    /// the file already had one.
    pub fn to_utf8(self) -> FileEncoding {
        match self {
            FileEncoding::Utf8 { bom } => FileEncoding::Utf8 { bom },
            _ => FileEncoding::Utf8 { bom: false },
        }
    }

    /// The line feed as this encoding stores it.
    fn newline(self) -> &'static [u8] {
        match self {
            FileEncoding::Utf8 { .. } | FileEncoding::Legacy(_) | FileEncoding::Dos(_) => b"\n",
            FileEncoding::Utf16 { big_endian, .. } => {
                if big_endian {
                    b"\0\n"
                } else {
                    b"\n\0"
                }
            }
            FileEncoding::Utf32 { big_endian, .. } => {
                if big_endian {
                    b"\0\0\0\n"
                } else {
                    b"\n\0\0\0"
                }
            }
        }
    }

    /// Decodes a line (BOM already removed); malformed bytes become U+FFFD.
    fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        match self {
            FileEncoding::Utf8 { .. } => String::from_utf8_lossy(bytes),
            FileEncoding::Utf16 { big_endian, .. } => {
                let encoding = if big_endian {
                    encoding_rs::UTF_16BE
                } else {
                    encoding_rs::UTF_16LE
                };
                encoding.decode_without_bom_handling(bytes).0
            }
            FileEncoding::Utf32 { big_endian, .. } => Cow::Owned(
                bytes
                    .chunks(4)
                    .map(|u| {
                        let unit = match <[u8; 4]>::try_from(u) {
                            Ok(u) if big_endian => u32::from_be_bytes(u),
                            Ok(u) => u32::from_le_bytes(u),
                            Err(_) => u32::MAX,
                        };
                        char::from_u32(unit).unwrap_or('\u{FFFD}')
                    })
                    .collect(),
            ),
            FileEncoding::Legacy(encoding) => encoding.decode_without_bom_handling(bytes).0,
            FileEncoding::Dos(codec) => Cow::Owned(codec.decode_lossy(bytes).0),
        }
    }

    /// Encodes text, or `None` if the encoding has no bytes for some of it.
    pub fn encode(self, text: &str) -> Option<Vec<u8>> {
        Some(match self {
            FileEncoding::Utf8 { .. } => text.as_bytes().to_vec(),
            FileEncoding::Utf16 { big_endian, .. } => text
                .encode_utf16()
                .flat_map(|u| {
                    if big_endian {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    }
                })
                .collect(),
            FileEncoding::Utf32 { big_endian, .. } => text
                .chars()
                .flat_map(|c| {
                    if big_endian {
                        (c as u32).to_be_bytes()
                    } else {
                        (c as u32).to_le_bytes()
                    }
                })
                .collect(),
            FileEncoding::Legacy(encoding) => {
                let (bytes, _, unmappable) = encoding.encode(text);
                if unmappable {
                    return None;
                }
                bytes.into_owned()
            }
            FileEncoding::Dos(codec) => codec.encode(text)?,
        })
    }
}

/// What to do with a file's text.
#[derive(Clone, Debug)]
pub struct FileOptions {
    pub repair: Options,
    /// Write the result as UTF-8 whatever the file's encoding.
    pub to_utf8: bool,
    /// Bytes read at a time; chunks grow past it only to reach a line end.
    pub chunk_size: usize,
}

impl Default for FileOptions {
    fn default() -> Self {
        FileOptions {
            repair: Options::default(),
            to_utf8: false,
            chunk_size: 8 << 20,
        }
    }
}

/// Something found at a place in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    pub item: T,
}

impl<T> Located<T> {
    fn at((line, column): (u64, u64), item: T) -> Self {
        Located { line, column, item }
    }
}

/// A line of a UTF-8 file that was written in another encoding.
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignLine {
    /// 1-based line.
    pub line: u64,
    pub encoding: FileEncoding,
}

/// One line's place in the chunk's bytes and in its decoded texts.
#[derive(Clone, Debug)]
struct LineMap {
    bytes: Range<usize>,
    before: Range<usize>,
    after: Range<usize>,
    edited: bool,
}

/// A chunk of a file, decoded and repaired.
#[derive(Debug)]
pub struct Chunk {
    /// The chunk's decoded text.
    pub before: String,
    /// The repaired text, if it differs.
    after: Option<String>,
    pub changes: Vec<Located<Change>>,
    pub findings: Vec<Located<Finding>>,
    pub foreign: Vec<ForeignLine>,
    /// 1-based number of the chunk's first line.
    pub first_line: u64,
    /// Number of lines in the chunk.
    pub lines: u64,
    source: FileEncoding,
    map: Vec<LineMap>,
}

/// A line the repaired text cannot be written back into.
#[derive(Debug)]
pub struct Unencodable {
    pub line: u64,
    pub encoding: String,
}

impl std::fmt::Display for Unencodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: the repaired text has characters {} cannot store (use --to-utf8)",
            self.line, self.encoding
        )
    }
}

impl Chunk {
    /// Decodes and repairs `bytes` (whole lines of a file in `source`,
    /// without its BOM); `first_line` is the 1-based number of its first line.
    pub fn process(
        bytes: &[u8],
        source: FileEncoding,
        first_line: u64,
        options: &Options,
    ) -> Chunk {
        let mut map = Vec::new();
        let mut before = String::with_capacity(bytes.len());
        let mut foreign = Vec::new();
        let whole_utf8 = source
            .is_utf8()
            .then(|| simdutf8::basic::from_utf8(bytes).ok())
            .flatten();
        if let Some(text) = whole_utf8 {
            // The common case: one copy, and the line map is only built if
            // the engine finds something to place.
            before.push_str(text);
        } else {
            let ranges = line_ranges(bytes, source.newline());
            let mut i = 0;
            while i < ranges.len() {
                let range = ranges[i].clone();
                let line = &bytes[range.clone()];
                if source.is_utf8() && simdutf8::basic::from_utf8(line).is_err() {
                    // A run of foreign lines is one writer's text: guess its
                    // encoding from all of it, which is surer than per line.
                    let end = (i..ranges.len())
                        .find(|&j| simdutf8::basic::from_utf8(&bytes[ranges[j].clone()]).is_ok())
                        .unwrap_or(ranges.len());
                    let run = &bytes[ranges[i].start..ranges[end - 1].end];
                    let encoding = detect::legacy_encoding(run, true);
                    for (j, range) in ranges[i..end].iter().enumerate() {
                        let start = before.len();
                        before.push_str(&encoding.decode(&bytes[range.clone()]));
                        map.push(LineMap {
                            bytes: range.clone(),
                            before: start..before.len(),
                            after: 0..0,
                            edited: true,
                        });
                        foreign.push(ForeignLine {
                            line: first_line + (i + j) as u64,
                            encoding,
                        });
                    }
                    i = end;
                    continue;
                }
                let start = before.len();
                before.push_str(&source.decode(line));
                map.push(LineMap {
                    bytes: range,
                    before: start..before.len(),
                    after: 0..0,
                    edited: false,
                });
                i += 1;
            }
        }

        let repair = crate::engine::repair(&before, options);
        if repair.changes.is_empty() && repair.findings.is_empty() && foreign.is_empty() {
            let lines = if map.is_empty() {
                count_lines(&before)
            } else {
                map.len() as u64
            };
            return Chunk {
                before,
                after: None,
                changes: Vec::new(),
                findings: Vec::new(),
                foreign,
                first_line,
                lines,
                source,
                map: Vec::new(),
            };
        }
        if whole_utf8.is_some() {
            let mut at = 0;
            for line in before.split_inclusive('\n') {
                map.push(LineMap {
                    bytes: at..at + line.len(),
                    before: at..at + line.len(),
                    after: 0..0,
                    edited: false,
                });
                at += line.len();
            }
        }
        let line_ends: Vec<usize> = map.iter().map(|m| m.before.end).collect();
        let line_of = |offset: usize| {
            line_ends
                .partition_point(|&end| end <= offset)
                .min(line_ends.len().saturating_sub(1))
        };
        // Columns are counted on from the last offset placed when it is
        // earlier on the same line (changes and findings come in order): a
        // long line with a repair in every word is counted once, not once
        // per repair.
        let last = std::cell::Cell::new((usize::MAX, 0, 0u64));
        let locate = |offset: usize| {
            let line = line_of(offset);
            let (last_line, last_offset, last_column) = last.get();
            let (from, column) = if last_line == line && last_offset <= offset {
                (last_offset, last_column)
            } else {
                (if line == 0 { 0 } else { line_ends[line - 1] }, 1)
            };
            let column = column + before[from..offset].chars().count() as u64;
            last.set((line, offset, column));
            (line, column)
        };

        let mut after = String::with_capacity(before.len());
        let mut changes = repair.changes;
        changes.sort_by_key(|c| c.span.start);
        let mut pending = changes.iter().peekable();
        for (index, line) in map.iter_mut().enumerate() {
            let start = after.len();
            let mut at = line.before.start;
            while let Some(change) = pending.next_if(|c| line_of(c.span.start) == index) {
                after.push_str(&before[at..change.span.start]);
                after.push_str(&change.after);
                at = change.span.end;
                line.edited = true;
            }
            after.push_str(&before[at..line.before.end]);
            line.after = start..after.len();
        }

        let place = |start: usize| {
            let (line, column) = locate(start);
            (first_line + line as u64, column)
        };
        let changes = changes
            .into_iter()
            .map(|item| Located::at(place(item.span.start), item))
            .collect();
        let findings = repair
            .findings
            .into_iter()
            .map(|item| Located::at(place(item.span.start), item))
            .collect();
        Chunk {
            before,
            after: Some(after),
            changes,
            findings,
            foreign,
            first_line,
            lines: map.len() as u64,
            source,
            map,
        }
    }

    /// The repaired text.
    pub fn after(&self) -> &str {
        self.after.as_deref().unwrap_or(&self.before)
    }

    /// Whether writing the chunk back changes its bytes (in its own encoding).
    pub fn changed(&self) -> bool {
        self.map.iter().any(|m| m.edited)
    }

    /// The chunk's bytes after repair, in `target`. Lines without a change
    /// are copied from `src`, the bytes the chunk was made from.
    pub fn output(&self, src: &[u8], target: FileEncoding) -> Result<Vec<u8>, Unencodable> {
        let unencodable = |index: usize| Unencodable {
            line: self.first_line + index as u64,
            encoding: target.name(),
        };
        if target != self.source {
            return target.encode(self.after()).ok_or_else(|| {
                let index = self
                    .after()
                    .split_inclusive('\n')
                    .position(|line| target.encode(line).is_none())
                    .unwrap_or(0);
                unencodable(index)
            });
        }
        if !self.changed() {
            return Ok(src.to_vec());
        }
        let mut out = Vec::with_capacity(src.len());
        for (index, line) in self.map.iter().enumerate() {
            if line.edited {
                let bytes = target
                    .encode(&self.after()[line.after.clone()])
                    .ok_or_else(|| unencodable(index))?;
                out.extend(bytes);
            } else {
                out.extend_from_slice(&src[line.bytes.clone()]);
            }
        }
        Ok(out)
    }
}

/// Lines in a text; a last line without a line end counts.
fn count_lines(text: &str) -> u64 {
    // Counted in blocks with a byte-sized sum, which compiles to SIMD; a
    // plain filter-count is several times slower and shows in scan speed.
    let newlines: u64 = text
        .as_bytes()
        .chunks(255)
        .map(|block| {
            let n = block
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n')));
            u64::from(n)
        })
        .sum();
    newlines + u64::from(!text.is_empty() && !text.ends_with('\n'))
}

/// Byte ranges of the lines in `bytes`, each with its line end; a line end
/// counts only at a multiple of its own width.
fn line_ranges(bytes: &[u8], newline: &[u8]) -> Vec<Range<usize>> {
    let width = newline.len();
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at + width <= bytes.len() {
        if &bytes[at..at + width] == newline {
            ranges.push(start..at + width);
            start = at + width;
        }
        at += width;
    }
    if start < bytes.len() {
        ranges.push(start..bytes.len());
    }
    ranges
}

/// End of the last complete line in `bytes`, if any.
fn last_line_end(bytes: &[u8], newline: &[u8]) -> Option<usize> {
    let width = newline.len();
    let mut at = bytes.len() / width * width;
    while at >= width {
        if &bytes[at - width..at] == newline {
            return Some(at);
        }
        at -= width;
    }
    None
}

/// A file opened as text: what it is, and its chunks one after another.
pub struct TextReader<R> {
    reader: R,
    buf: Vec<u8>,
    /// Start of the unprocessed bytes in `buf`.
    start: usize,
    eof: bool,
    /// Bytes of the file before `buf[start]`.
    offset: u64,
    next_line: u64,
    pub detection: Detection,
    options: FileOptions,
}

/// What opening a file found.
pub enum Opened<R> {
    Empty,
    /// Not text: why, the bytes read so far, and the rest of the input (a
    /// pipeline passes binary data through rather than drop it).
    Binary {
        why: &'static str,
        head: Vec<u8>,
        rest: R,
    },
    Text(TextReader<R>),
}

impl<R: Read> TextReader<R> {
    /// Reads the first chunk and decides what the file is.
    pub fn open(mut reader: R, options: FileOptions) -> io::Result<Opened<R>> {
        let mut buf = Vec::new();
        let eof = fill(&mut reader, &mut buf, options.chunk_size)?;
        let detection = match sniff(&buf, eof) {
            Sniff::Empty => return Ok(Opened::Empty),
            Sniff::Binary(why) => {
                return Ok(Opened::Binary {
                    why,
                    head: buf,
                    rest: reader,
                })
            }
            Sniff::Text(detection) => detection,
        };
        let bom = detection.encoding.bom().len();
        Ok(Opened::Text(TextReader {
            reader,
            buf,
            start: bom,
            eof,
            offset: bom as u64,
            next_line: 1,
            detection,
            options,
        }))
    }

    pub fn encoding(&self) -> FileEncoding {
        self.detection.encoding
    }

    /// Bytes of the file before the next chunk (its BOM included).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The next chunk and the bytes it was made from, or `None` at the end.
    pub fn next_chunk(&mut self) -> io::Result<Option<(&[u8], Chunk)>> {
        let newline = self.detection.encoding.newline();
        let end = loop {
            let pending = &self.buf[self.start..];
            if self.eof {
                break pending.len();
            }
            if pending.len() >= self.options.chunk_size {
                if let Some(end) = last_line_end(pending, newline) {
                    break end;
                }
            }
            self.buf.drain(..self.start);
            self.start = 0;
            let want = self.buf.len() + self.options.chunk_size;
            self.eof = fill(&mut self.reader, &mut self.buf, want)?;
        };
        if end == 0 {
            return Ok(None);
        }
        let bytes = &self.buf[self.start..self.start + end];
        let chunk = Chunk::process(
            bytes,
            self.detection.encoding,
            self.next_line,
            &self.options.repair,
        );
        self.start += end;
        self.offset += end as u64;
        self.next_line += chunk.lines;
        Ok(Some((bytes, chunk)))
    }
}

/// Reads until `buf` holds `want` bytes or the input ends; true at the end.
/// The buffer grows with what is read (not to `want` up front), so a small
/// file costs a small allocation.
fn fill(reader: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    let missing = want.saturating_sub(buf.len());
    reader.take(missing as u64).read_to_end(buf)?;
    Ok(buf.len() < want)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(bytes: &[u8], chunk_size: usize) -> Vec<(Vec<u8>, Chunk)> {
        let options = FileOptions {
            chunk_size,
            ..FileOptions::default()
        };
        let Ok(Opened::Text(mut reader)) = TextReader::open(bytes, options) else {
            panic!("not text");
        };
        let mut out = Vec::new();
        while let Some((src, chunk)) = reader.next_chunk().unwrap() {
            out.push((src.to_vec(), chunk));
        }
        out
    }

    #[test]
    fn chunks_end_at_line_ends_and_cover_the_file() {
        let text = "one\r\ntwo\nthree\nfour";
        for size in 1..text.len() + 2 {
            let got = chunks(text.as_bytes(), size);
            let joined: Vec<u8> = got.iter().flat_map(|(src, _)| src.clone()).collect();
            assert_eq!(joined, text.as_bytes(), "chunk size {size}");
            let lines: u64 = got.iter().map(|(_, c)| c.lines).sum();
            assert_eq!(lines, 4);
            for (src, _) in &got[..got.len() - 1] {
                assert!(src.ends_with(b"\n"));
            }
        }
    }

    #[test]
    fn unchanged_lines_are_copied_byte_for_byte() {
        // 0xFF is not GBK; a round trip through the decoder would turn it
        // into U+FFFD, so it must come from the source.
        let src = b"\xb2\xce\xca\xfd\xff\r\nabc\n";
        let chunk = Chunk::process(
            src,
            FileEncoding::Legacy(encoding_rs::GBK),
            1,
            &Options::default(),
        );
        assert!(!chunk.changed());
        assert_eq!(
            chunk
                .output(src, FileEncoding::Legacy(encoding_rs::GBK))
                .unwrap(),
            src
        );
    }

    #[test]
    fn foreign_lines_become_utf8() {
        let src = "naïve\n"
            .bytes()
            .chain(*b"caf\xe9 cr\xe8me br\xfbl\xe9e\n")
            .collect::<Vec<_>>();
        let chunk = Chunk::process(
            &src,
            FileEncoding::Utf8 { bom: false },
            1,
            &Options::default(),
        );
        assert!(chunk.changed());
        assert_eq!(chunk.foreign.len(), 1);
        assert_eq!(chunk.foreign[0].line, 2);
        assert_eq!(
            chunk
                .output(&src, FileEncoding::Utf8 { bom: false })
                .unwrap(),
            "naïve\ncafé crème brûlée\n".as_bytes()
        );
        // Lines from a DOS program, in a codepage chardetng does not guess.
        let dos = "Die Größe der Datei wird überprüft, bevor sie geöffnet wird.\n";
        let src = ["naïve\n".as_bytes(), &Codec::Ibm850.encode(dos).unwrap()].concat();
        let chunk = Chunk::process(
            &src,
            FileEncoding::Utf8 { bom: false },
            1,
            &Options::default(),
        );
        assert!(matches!(chunk.foreign[0].encoding, FileEncoding::Dos(_)));
        assert_eq!(
            chunk
                .output(&src, FileEncoding::Utf8 { bom: false })
                .unwrap(),
            format!("naïve\n{dos}").as_bytes()
        );
    }

    #[test]
    fn utf16_round_trip_keeps_crlf() {
        let text = "a\r\nb\n";
        let src: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let enc = FileEncoding::Utf16 {
            big_endian: true,
            bom: false,
        };
        let chunk = Chunk::process(&src, enc, 1, &Options::default());
        assert_eq!(chunk.before, text);
        assert_eq!(chunk.lines, 2);
        assert_eq!(chunk.output(&src, enc).unwrap(), src);
        assert_eq!(chunk.output(&src, enc.to_utf8()).unwrap(), text.as_bytes());
    }
}
