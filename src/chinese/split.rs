//! Characters split by the inserter, and how their bytes are put back.
//!
//! The inserter worked on GBK bytes and matched each listed character's two
//! bytes anywhere, one byte at a time, so a match can straddle two
//! characters: the trail byte of X and the lead byte of Y. It inserted
//! `(reading)` after the match, that is between Y's lead and trail bytes. The
//! page's decoder then met Y's lead byte followed by `(`, not a trail byte,
//! and turned both into a single `?`. The reading after it lost its `(`, and
//! from Y's trail byte on every byte was read one position off, until a byte
//! below 0x80 (or 0x80, €) stood where a lead byte was expected:
//!
//! ```text
//! 輸 DD 94 | 等 B5 C8 | 環 AD 68      94 B5 is 數 (shù)
//! DD 94  B5 ( s h ù )  C8 AD  68 ( h u á n )
//! 輸     ?    shù)     拳     h  (huán)
//! ```
//!
//! Every byte needed survives except the swallowed lead byte, and that byte
//! is constrained twice over: the straddling character (X's trail byte, the
//! lost byte) must have the inserted reading, and the lost byte must start a
//! plausible character with the shifted bytes after it. Both usually leave a
//! single choice. The same holds when the shifted run meets another inserted
//! reading: the trail byte it swallows with that reading's `(` is the trail
//! of the character the reading belongs to, whose lead byte is known. And
//! a shifted character is itself a straddling pair: when that pair is on
//! the list too, its reading follows it whole and the run goes on.
//!
//! The run can also end badly: a trail byte read as a lead byte, followed
//! by a byte that cannot be a trail (a comma, a line break), is swallowed
//! with it. The bytes say only that the trail was one a decoder takes for
//! a lead (0x81 and up, or it would have been read as ASCII); plausibility
//! must tell the rest, so the caller scores every choice and reports the
//! site when no choice stands out.
//!
//! The tables are the WHATWG gbk/gb18030 ones, as encoding_rs has them, so
//! re-encoding a damaged character gives back exactly the bytes that were
//! decoded into it.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::readings::{is_han, is_reading_of, parse_group, parse_open_reading};

struct Gbk {
    /// Two-byte characters by `(lead - 0x81) * 190 + trail index`.
    decode: Vec<Option<char>>,
    encode: HashMap<char, [u8; 2]>,
}

fn trail_index(trail: u8) -> Option<usize> {
    match trail {
        0x40..=0x7E => Some(usize::from(trail - 0x40)),
        0x80..=0xFE => Some(usize::from(trail - 0x41)),
        _ => None,
    }
}

fn gbk() -> &'static Gbk {
    static GBK: OnceLock<Gbk> = OnceLock::new();
    GBK.get_or_init(|| {
        let mut decode = vec![None; 126 * 190];
        let mut encode = HashMap::new();
        for lead in 0x81..=0xFEu8 {
            for trail in (0x40..=0xFEu8).filter(|&t| t != 0x7F) {
                let pair = [lead, trail];
                let Some(text) =
                    encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(&pair)
                else {
                    continue;
                };
                let mut chars = text.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    continue;
                };
                decode[usize::from(lead - 0x81) * 190 + trail_index(trail).unwrap()] = Some(c);
                // Only the encoder's own choice is kept, so that encoding is
                // the exact inverse of what a decoder produced.
                let (bytes, _, unmappable) = encoding_rs::GBK.encode(text.as_ref());
                if !unmappable && *bytes == pair {
                    encode.insert(c, pair);
                }
            }
        }
        Gbk { decode, encode }
    })
}

/// The character a GBK byte pair decodes to.
pub(crate) fn pair(lead: u8, trail: u8) -> Option<char> {
    if !(0x81..=0xFE).contains(&lead) {
        return None;
    }
    gbk().decode[usize::from(lead - 0x81) * 190 + trail_index(trail)?]
}

/// A character's GBK bytes: one for ASCII and €, two otherwise.
fn bytes_of(c: char, out: &mut Vec<u8>) -> Option<()> {
    match c {
        '\0'..='\x7F' => out.push(c as u8),
        '€' => out.push(0x80),
        _ => out.extend(gbk().encode.get(&c)?),
    }
    Some(())
}

/// Whether the page's decoder takes `b` for a lead byte, and so swallows
/// the byte after it when that cannot be a trail. Every lost byte was read
/// so: a trail byte below 0x81 would have been decoded as ASCII and nothing
/// would have been swallowed with it.
fn is_lead(b: u8) -> bool {
    (0x81..=0xFE).contains(&b)
}

/// A character's two GBK bytes, if it has two.
pub(crate) fn pair_of(c: char) -> Option<[u8; 2]> {
    gbk().encode.get(&c).copied()
}

fn trail_byte(c: char) -> Option<u8> {
    pair_of(c).map(|p| p[1])
}

/// One split site rebuilt with a given choice of lost bytes.
#[derive(Clone, Debug)]
pub(crate) struct Rebuilt {
    /// End of the damaged run (after the character that brought the bytes
    /// back in step).
    pub end: usize,
    /// The characters the damaged run stands for.
    pub text: String,
    /// How many lost bytes the site used.
    pub used: usize,
    /// The straddling character and its reading.
    pub straddler: (char, String),
    /// Characters annotated inside the shifted run, with their reading:
    /// those whose trail byte was swallowed with the `(` of their own
    /// reading, and straddling pairs whose reading follows them intact.
    pub owners: Vec<(char, String)>,
    /// The character before the `?` whose trail byte began the straddle,
    /// and its offset.
    pub before: char,
    pub before_at: usize,
}

/// Why a site could not be rebuilt with the bytes given.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Stop {
    /// The text around the `?` is not a split site, or the bytes given do
    /// not fit the evidence.
    NoFit,
    /// Another lost byte is needed: the trail of the character with this
    /// lead byte that has this reading.
    NeedsByte { lead: u8, reading: String },
    /// Two more lost bytes are needed: the trail of the character with this
    /// lead byte, and the ASCII byte swallowed with it.
    NeedsPair { lead: u8 },
}

/// Whether a `?` at `question` starts a split site: `?reading)`.
pub(crate) fn is_site(text: &str, question: usize) -> bool {
    text[question..].starts_with('?') && parse_open_reading(&text[question + 1..]).is_some()
}

/// The character before the `?`, skipping any readings inserted after it.
fn char_before(text: &str, question: usize) -> Option<(usize, char)> {
    let mut at = question;
    loop {
        let (i, c) = text[..at].char_indices().next_back()?;
        if c != ')' {
            return Some((i, c));
        }
        let open = text[..i].rfind('(')?;
        parse_group(&text[open..]).filter(|&(_, n)| open + n == at)?;
        at = open;
    }
}

/// Skips repeated readings of `ch` at `at`.
fn skip_repeats(text: &str, mut at: usize, ch: char) -> usize {
    while let Some((reading, n)) = parse_group(&text[at..]) {
        if !is_reading_of(reading, ch) {
            break;
        }
        at += n;
    }
    at
}

/// Rebuilds the split site whose `?` is at `question`, using `lost` for the
/// swallowed bytes in order.
pub(crate) fn rebuild(text: &str, question: usize, lost: &[u8]) -> Result<Rebuilt, Stop> {
    let (before_at, before) = char_before(text, question).ok_or(Stop::NoFit)?;
    let x_trail = trail_byte(before).ok_or(Stop::NoFit)?;
    let (reading, n) = parse_open_reading(&text[question + 1..]).ok_or(Stop::NoFit)?;
    let &lead = lost.first().ok_or(Stop::NoFit)?;
    // The swallowed byte was a lead byte (only those are swallowed), and the
    // straddling pair must be a character with the inserted reading.
    let straddler = pair(x_trail, lead).filter(|_| is_lead(lead));
    let straddler = straddler
        .filter(|&c| is_han(c) && is_reading_of(reading, c))
        .ok_or(Stop::NoFit)?;
    let mut at = skip_repeats(text, question + 1 + n, straddler);
    let mut bytes = vec![lead];
    let mut used = 1;
    let mut owners = Vec::new();
    let mut tail = None;
    loop {
        let c = text[at..].chars().next().ok_or(Stop::NoFit)?;
        if c == '?' {
            if let Some((reading, n)) = parse_open_reading(&text[at + 1..]) {
                // A trail byte swallowed with the `(` of the next reading:
                // it belongs to the character that reading annotates.
                let lead = *bytes.last().unwrap();
                let Some(&trail) = lost.get(used) else {
                    return Err(Stop::NeedsByte {
                        lead,
                        reading: reading.to_string(),
                    });
                };
                let owner = pair(lead, trail)
                    .filter(|&c| is_lead(trail) && is_reading_of(reading, c))
                    .ok_or(Stop::NoFit)?;
                used += 1;
                bytes.push(trail);
                owners.push((owner, reading.to_string()));
                at = skip_repeats(text, at + 1 + n, owner);
                break;
            }
            // A trail byte swallowed with a byte that cannot follow a lead
            // byte: a comma, a space, a line break. Both are lost, and only
            // plausibility can choose them.
            let lead = *bytes.last().unwrap();
            let (Some(&trail), Some(&next)) = (lost.get(used), lost.get(used + 1)) else {
                return Err(Stop::NeedsPair { lead });
            };
            if !is_lead(trail) || !(next < 0x40 || next == 0x7F) {
                return Err(Stop::NoFit);
            }
            used += 2;
            bytes.push(trail);
            tail = Some(char::from(next));
            at += 1;
            break;
        }
        let len = bytes.len();
        bytes_of(c, &mut bytes).ok_or(Stop::NoFit)?;
        at += c.len_utf8();
        if bytes.len() - len == 1 {
            break;
        }
        // A shifted character is a byte pair that straddles two of the
        // original characters; when that pair is on the inserter's list,
        // its reading follows it intact and the run goes on after it.
        let next = skip_repeats(text, at, c);
        if next > at {
            let (reading, _) = parse_group(&text[at..]).expect("a reading was skipped");
            owners.push((c, reading.to_string()));
            at = next;
        }
    }
    let mut restored = String::new();
    for p in bytes.chunks(2) {
        let [l, t] = *p else { return Err(Stop::NoFit) };
        restored.push(pair(l, t).ok_or(Stop::NoFit)?);
    }
    restored.extend(tail);
    Ok(Rebuilt {
        end: at,
        text: restored,
        used,
        straddler: (straddler, reading.to_string()),
        owners,
        before,
        before_at,
    })
}

/// The replay of [`crate::Step::RejoinSplitCharacters`]: rebuilds every
/// split site in `text` with the recorded lost bytes, which must all be used.
pub(crate) fn rejoin(text: &str, lost: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut used = 0;
    while let Some(offset) = text[at..].find('?') {
        let question = at + offset;
        if !is_site(text, question) {
            out.push_str(&text[at..=question]);
            at = question + 1;
            continue;
        }
        let site = rebuild(text, question, &lost[used..]).ok()?;
        out.push_str(&text[at..question]);
        out.push_str(&site.text);
        used += site.used;
        at = site.end;
    }
    out.push_str(&text[at..]);
    (used == lost.len() && used > 0).then_some(out)
}

/// Every way to rebuild the site at `question`: the lost bytes and the
/// result, for each choice the evidence allows. `separators` are the bytes
/// below 0x40 the document puts after its characters, the candidates for an
/// ASCII byte swallowed with a trail byte.
pub(crate) fn candidates(
    text: &str,
    question: usize,
    separators: &[u8],
) -> Vec<(Vec<u8>, Rebuilt)> {
    let mut found = Vec::new();
    let mut pending: Vec<Vec<u8>> = (0x81..=0xFEu8).map(|b| vec![b]).collect();
    while let Some(lost) = pending.pop() {
        match rebuild(text, question, &lost) {
            Ok(site) => found.push((lost, site)),
            Err(Stop::NeedsPair { lead }) if lost.len() < 4 => {
                for trail in (0x81..=0xFEu8).filter(|&t| pair(lead, t).is_some()) {
                    for &next in separators {
                        let mut more = lost.clone();
                        more.extend([trail, next]);
                        pending.push(more);
                    }
                }
            }
            Err(Stop::NeedsByte { lead, reading }) if lost.len() < 4 => {
                for trail in 0x81..=0xFEu8 {
                    if pair(lead, trail).is_some_and(|c| is_reading_of(&reading, c)) {
                        let mut more = lost.clone();
                        more.push(trail);
                        pending.push(more);
                    }
                }
            }
            Err(_) => {}
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_sites_rebuild_uniquely() {
        let text = "交通運(yùn)輸?shù)拳h(huán)節(jié)";
        let q = text.find('?').unwrap();
        let found = candidates(text, q, b",");
        assert_eq!(found.len(), 1, "{found:?}");
        let (lost, site) = &found[0];
        assert_eq!(lost, &[0xB5]);
        assert_eq!(site.text, "等環");
        assert_eq!(site.straddler, ('數', "shù".to_string()));
        assert_eq!(
            rejoin("輸?shù)拳h(huán)", &[0xB5]).as_deref(),
            Some("輸等環(huán)")
        );
        assert_eq!(
            rejoin("不獲全勝?zèng)Q不", &[0x9B]).as_deref(),
            Some("不獲全勝決不")
        );
    }

    #[test]
    fn rejoin_checks_the_evidence() {
        // 0xB6 makes the straddling pair 擊, which is not read shù.
        assert_eq!(rejoin("輸?shù)拳h", &[0xB6]), None);
        assert_eq!(rejoin("輸?shù)拳h", &[]), None);
        assert_eq!(rejoin("why? no)", &[0xB5]), None);
    }
}
