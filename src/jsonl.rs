//! Repairing one string field of JSON Lines, as a streaming filter.
//!
//! This is the pipeline interface (Spark's `pipe`, shard jobs, shell
//! pipes), so its contract is strict:
//!
//! - One output line per input line, in order; no line is ever lost.
//! - Only the field's value changes. The rest of the line is kept byte for
//!   byte (key order, number formatting, escapes, spacing, CRLF): the
//!   field's raw value is located as a slice of the line and the new string
//!   spliced in. Re-serialising the record would silently rewrite data the
//!   user did not ask us to touch.
//! - A line that is not a JSON object with the field as a string passes
//!   through unchanged, and the caller is told its number.
//! - Memory is bounded and output follows input: lines are read in batches,
//!   and a batch is processed (in parallel) and written as soon as it is
//!   full or no more input is waiting, so a slow producer is not held up.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::engine::{repair, Change, Options};

/// How to repair a JSON Lines stream.
#[derive(Clone, Debug)]
pub struct JsonlOptions {
    /// The string field to repair.
    pub field: String,
    /// Add an `"unbake"` key with the changes to each changed record.
    pub explain: bool,
    pub repair: Options,
}

/// Counts for a summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub lines: u64,
    pub changed: u64,
    pub passed_through: u64,
}

/// Most lines in a batch, and most bytes: together they bound memory.
const BATCH_LINES: usize = 4096;
const BATCH_BYTES: usize = 4 << 20;

/// Copies JSON Lines from `input` to `output`, repairing the field.
/// `skipped` is called with the 1-based number and the reason of every
/// line passed through unchanged.
pub fn repair_stream(
    input: impl Read,
    mut output: impl Write,
    options: &JsonlOptions,
    mut skipped: impl FnMut(u64, &str),
) -> io::Result<Stats> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut stats = Stats::default();
    let mut batch: Vec<Vec<u8>> = Vec::new();
    let mut batch_bytes = 0;
    loop {
        let mut line = Vec::new();
        let at_end = input.read_until(b'\n', &mut line)? == 0;
        if !at_end {
            batch_bytes += line.len();
            batch.push(line);
        }
        let waiting = !input.buffer().is_empty();
        if at_end || !waiting || batch.len() >= BATCH_LINES || batch_bytes >= BATCH_BYTES {
            let results: Vec<Line> = batch
                .par_iter()
                .map(|line| repair_line(line, options))
                .collect();
            for (raw, result) in batch.iter().zip(&results) {
                stats.lines += 1;
                match result {
                    Line::Unchanged => output.write_all(raw)?,
                    Line::Changed(new) => {
                        stats.changed += 1;
                        output.write_all(new)?;
                    }
                    Line::PassedThrough(why) => {
                        stats.passed_through += 1;
                        skipped(stats.lines, why);
                        output.write_all(raw)?;
                    }
                }
            }
            output.flush()?;
            batch.clear();
            batch_bytes = 0;
        }
        if at_end {
            return Ok(stats);
        }
    }
}

/// What became of one line.
#[derive(Debug, PartialEq)]
enum Line {
    Unchanged,
    Changed(Vec<u8>),
    PassedThrough(String),
}

fn repair_line(line: &[u8], options: &JsonlOptions) -> Line {
    let content = line.strip_suffix(b"\n").unwrap_or(line);
    let mut de = serde_json::Deserializer::from_slice(content);
    let raw = match (FindField {
        field: &options.field,
    })
    .deserialize(&mut de)
    .and_then(|raw| de.end().map(|()| raw))
    {
        Err(e) if e.is_data() => return Line::PassedThrough("not a JSON object".to_string()),
        Err(e) => return Line::PassedThrough(format!("not valid JSON ({e})")),
        Ok(None) => return Line::PassedThrough(format!("no field \"{}\"", options.field)),
        Ok(Some(raw)) => raw,
    };
    let Ok(value) = serde_json::from_str::<String>(raw.get()) else {
        return Line::PassedThrough(format!("field \"{}\" is not a string", options.field));
    };
    let fixed = repair(&value, &options.repair);
    if fixed.is_unchanged() {
        return Line::Unchanged;
    }
    // The raw value borrows from `content`, so its offset is exact.
    let start = raw.get().as_ptr() as usize - content.as_ptr() as usize;
    let end = start + raw.get().len();
    let new_value = serde_json::to_string(&fixed.text).expect("strings serialize");
    let mut out = Vec::with_capacity(line.len() + new_value.len());
    out.extend_from_slice(&content[..start]);
    out.extend_from_slice(new_value.as_bytes());
    let rest = &content[end..];
    if options.explain {
        // The object's closing brace is its last non-space byte.
        let close = rest
            .iter()
            .rposition(|&b| b == b'}')
            .expect("a JSON object ends with '}'");
        out.extend_from_slice(&rest[..close]);
        out.extend_from_slice(b",\"unbake\":");
        let explained = Explained {
            field: &options.field,
            changes: fixed.changes.iter().map(ExplainedChange::from).collect(),
        };
        serde_json::to_writer(&mut out, &explained).expect("serializes to memory");
        out.extend_from_slice(&rest[close..]);
    } else {
        out.extend_from_slice(rest);
    }
    out.extend_from_slice(&line[content.len()..]);
    Line::Changed(out)
}

#[derive(Serialize)]
struct Explained<'a> {
    field: &'a str,
    changes: Vec<ExplainedChange<'a>>,
}

/// A change as a record carries it: spans are byte offsets into the
/// field's original string value.
#[derive(Serialize)]
struct ExplainedChange<'a> {
    span: [usize; 2],
    before: &'a str,
    after: &'a str,
    family: crate::engine::Family,
    chain: String,
    steps: &'a crate::chains::Chain,
    confidence: f32,
    /// Why the engine believes the repair, in words.
    evidence: &'a str,
}

impl<'a> From<&'a Change> for ExplainedChange<'a> {
    fn from(c: &'a Change) -> Self {
        ExplainedChange {
            span: [c.span.start, c.span.end],
            before: &c.before,
            after: &c.after,
            family: c.family,
            chain: c.chain.describe(),
            steps: &c.chain,
            confidence: c.confidence,
            evidence: &c.evidence,
        }
    }
}

/// Walks a JSON object and keeps the raw value of one key (the first, if
/// the key repeats), without building the rest of the record.
struct FindField<'f> {
    field: &'f str,
}

impl<'de> DeserializeSeed<'de> for FindField<'_> {
    type Value = Option<&'de RawValue>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FindField<'_> {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(is_field) = map.next_key_seed(KeyIs(self.field))? {
            let value: &'de RawValue = map.next_value()?;
            if is_field && found.is_none() {
                found = Some(value);
            }
        }
        Ok(found)
    }
}

/// A key, compared with the wanted name (escapes already undone).
struct KeyIs<'f>(&'f str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> JsonlOptions {
        JsonlOptions {
            field: "text".into(),
            explain: false,
            repair: Options::default(),
        }
    }

    #[test]
    fn field_found_through_escapes_and_nesting() {
        let line = br#"{"a":{"text":1},"t\u0065xt":"x","text":"y"}"#;
        let mut de = serde_json::Deserializer::from_slice(line);
        let raw = FindField { field: "text" }
            .deserialize(&mut de)
            .unwrap()
            .unwrap();
        assert_eq!(raw.get(), r#""x""#);
    }

    #[test]
    fn lines_that_cannot_be_repaired_pass_through() {
        let o = options();
        assert!(matches!(
            repair_line(b"[1,2]\n", &o),
            Line::PassedThrough(_)
        ));
        assert!(matches!(
            repair_line(b"{\"text\":1}\n", &o),
            Line::PassedThrough(_)
        ));
        assert!(matches!(
            repair_line(b"{\"other\":\"x\"}", &o),
            Line::PassedThrough(_)
        ));
        assert!(matches!(
            repair_line(b"{\"text\":\"x\"} {}", &o),
            Line::PassedThrough(_)
        ));
        assert_eq!(
            repair_line(b"{\"text\" : \"clean\" }\r\n", &o),
            Line::Unchanged
        );
    }

    #[test]
    fn every_line_comes_out_in_order() {
        let input: String = (0..10_000)
            .map(|i| format!("{{\"id\":{i},\"text\":\"line {i}\"}}\n"))
            .collect::<String>()
            + "{\"id\":\"last\"}";
        let mut out = Vec::new();
        let mut skipped = Vec::new();
        let stats = repair_stream(input.as_bytes(), &mut out, &options(), |n, _| {
            skipped.push(n)
        })
        .unwrap();
        assert_eq!(out, input.as_bytes());
        assert_eq!(stats.lines, 10_001);
        assert_eq!(skipped, vec![10_001]);
    }
}
