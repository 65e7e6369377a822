//! Bracketed pinyin readings: recognising them and checking them against the
//! character before them.
//!
//! A bracket counts as a reading only when its text is one of the readings
//! the `pinyin` crate (pinyin-data) lists for the preceding character, with
//! tone marks (`huì`), without them (`hui`, `lü`/`lv`), or with a trailing
//! tone number (`hui4`). Everything else in brackets — `(Hospital)`, `(市)`,
//! `(Beijing)` after 京 — is text and never a reading.

use pinyin::ToPinyinMulti;

/// Han ideographs, including the compatibility and extension blocks.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüḿńňǹ".contains(c)
}

/// Parses `reading)` at the start of `s` (the opening bracket already
/// consumed or swallowed). Returns the reading and the byte length including
/// the closing bracket. A trailing tone digit is allowed.
pub(crate) fn parse_open_reading(s: &str) -> Option<(&str, usize)> {
    let mut end = 0;
    let mut letters = 0;
    for c in s.chars() {
        if is_pinyin_letter(c) {
            letters += 1;
        } else if c.is_ascii_digit() && letters > 0 && ('1'..='5').contains(&c) {
            // A tone number ends the syllable.
            end += 1;
            break;
        } else {
            break;
        }
        end += c.len_utf8();
        if letters > 7 {
            return None;
        }
    }
    if letters == 0 || !s[end..].starts_with(')') {
        return None;
    }
    Some((&s[..end], end + 1))
}

/// Parses `(reading)` at the start of `s`: the reading and the group's byte
/// length.
pub(crate) fn parse_group(s: &str) -> Option<(&str, usize)> {
    let rest = s.strip_prefix('(')?;
    parse_open_reading(rest).map(|(r, n)| (r, n + 1))
}

/// Whether `reading` is a reading of `ch`.
pub(crate) fn is_reading_of(reading: &str, ch: char) -> bool {
    let Some(multi) = ch.to_pinyin_multi() else {
        return false;
    };
    multi.into_iter().any(|p| {
        let toned = p.with_tone();
        reading == toned
            || reading == p.plain()
            || reading == p.with_tone_num_end()
            || toneless_matches(reading, toned)
    })
}

/// Compares a toneless reading with a toned one, letter by letter, so that
/// `lü` and `lv` both match `lǜ`.
fn toneless_matches(reading: &str, toned: &str) -> bool {
    let mut r = reading.chars();
    for t in toned.chars() {
        let base = match t {
            'ā' | 'á' | 'ǎ' | 'à' => 'a',
            'ē' | 'é' | 'ě' | 'è' => 'e',
            'ī' | 'í' | 'ǐ' | 'ì' => 'i',
            'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
            'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
            'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'ü' => 'ü',
            'ḿ' => 'm',
            'ń' | 'ň' | 'ǹ' => 'n',
            c => c,
        };
        match r.next() {
            Some(c) if c == base || (base == 'ü' && c == 'v') => {}
            _ => return false,
        }
    }
    r.next().is_none()
}

/// The valid reading groups right after `ch` at the start of `s`: their
/// readings and their total byte length.
pub(crate) fn readings_after(ch: char, s: &str) -> (Vec<&str>, usize) {
    let mut found = Vec::new();
    let mut len = 0;
    while let Some((reading, n)) = parse_group(&s[len..]) {
        if !is_reading_of(reading, ch) {
            break;
        }
        found.push(reading);
        len += n;
    }
    (found, len)
}

/// The replay of [`crate::Step::DropReadings`]: removes every bracketed
/// reading that is a valid reading of the character before it. `None` if
/// there was none, so a replay on the wrong text fails instead of passing.
pub(crate) fn drop_readings(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut removed = 0;
    let mut i = 0;
    while let Some(ch) = text[i..].chars().next() {
        out.push(ch);
        i += ch.len_utf8();
        if is_han(ch) {
            let (found, len) = readings_after(ch, &text[i..]);
            removed += found.len();
            i += len;
        }
    }
    (removed > 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_with_and_without_tones() {
        assert!(is_reading_of("huì", '會'));
        assert!(is_reading_of("hui", '會'));
        assert!(is_reading_of("hui4", '會'));
        assert!(is_reading_of("kuài", '會'));
        assert!(!is_reading_of("huí", '會'));
        assert!(is_reading_of("lǜ", '綠'));
        assert!(is_reading_of("lü", '綠'));
        assert!(is_reading_of("lv", '綠'));
        assert!(!is_reading_of("Beijing", '京'));
    }

    #[test]
    fn groups() {
        assert_eq!(parse_group("(huì)議"), Some(("huì", 6)));
        assert_eq!(parse_group("(hui4)議"), Some(("hui4", 6)));
        assert_eq!(parse_group("(市)"), None);
        assert_eq!(parse_group("(Hospital)"), None);
        assert_eq!(parse_open_reading("shù)拳"), Some(("shù", 5)));
    }

    #[test]
    fn drop_keeps_other_brackets() {
        assert_eq!(drop_readings("會(huì)(hui)議").as_deref(), Some("會議"));
        assert_eq!(
            drop_readings("區(qū)(市)主責(zé)").as_deref(),
            Some("區(市)主責")
        );
        assert_eq!(drop_readings("醫院(Hospital)"), None);
        assert_eq!(drop_readings("會(huí)"), None);
    }
}
