//! Properties of the engine over random inputs.
//!
//! - Damage a clean sentence with a random chain of wrong decodes from the
//!   families unbake undoes: repair gives back the sentence, or leaves the
//!   damaged text as it is. A half-repair or an invented text fails.
//! - Any text at all: repair never panics, every change replays from its
//!   own span, and splicing the changes gives the output.
//! - A damaged line marked `unbake: ignore` comes back byte for byte, and
//!   the damaged lines around it are repaired as they would be without it.

use proptest::prelude::*;
use unbake::{apply_changes, repair, Codec, Options, Repair, Step};

/// Clean sentences in several scripts, long enough to carry evidence.
const SENTENCES: &[&str] = &[
    "Le café était déjà fermé à minuit, hélas.",
    "Müller würde gern größere Brötchen backen.",
    "El niño pidió una canción más en español.",
    "A reunião começará às nove horas, não às dez.",
    "Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "Zażółć gęślą jaźń, powiedział sąsiad.",
    "Съешь же ещё этих мягких французских булок.",
    "Η γρήγορη καφέ αλεπού πηδά πάνω από τον σκύλο.",
    "我们今天下午在会议室讨论这个问题。",
    "東京駅から新幹線で大阪まで行きます。",
    "오늘 회의는 오후 세 시에 시작합니다.",
    "Ceci n’est pas une pipe — c’est « l’art ».",
];

/// Wrong decodes of UTF-8 and of legacy text that unbake undoes, as
/// (bytes really in, read as).
const MISREADS: &[(Codec, Codec)] = &[
    (Codec::Utf8, Codec::Windows1252),
    (Codec::Utf8, Codec::Latin1),
    (Codec::Utf8, Codec::Windows1250),
    (Codec::Utf8, Codec::Windows1251),
    (Codec::Utf8, Codec::Koi8R),
    (Codec::Utf8, Codec::MacRoman),
    (Codec::Utf8, Codec::Gbk),
    (Codec::Utf8, Codec::ShiftJis),
    (Codec::Gbk, Codec::Windows1252),
    (Codec::Windows1251, Codec::Windows1252),
];

/// Whether text in a legacy codec is in that codec's own script, as real
/// legacy files are (GBK holds Chinese, windows-1251 holds Cyrillic). GBK
/// also has Cyrillic and Greek rows, but Russian stored as GBK and read as
/// Western is a puzzle, not a thing that happens.
fn native(text: &str, codec: Codec) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic() && !c.is_ascii());
    match codec {
        Codec::Gbk => letters
            .clone()
            .all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
        Codec::Windows1251 => letters
            .clone()
            .all(|c| ('\u{400}'..='\u{4FF}').contains(&c)),
        _ => true,
    }
}

/// Damages `text` by encoding it in `actual` and decoding as `read_as`,
/// keeping the damage only if it is exactly reversible.
fn misread(text: &str, actual: Codec, read_as: Codec) -> Option<String> {
    if !native(text, actual) {
        return None;
    }
    let bytes = actual.encode(text)?;
    let damaged = read_as.decode_strict(&bytes)?;
    let undo = Step::Reinterpret { read_as, actual };
    (damaged != text && undo.apply(&damaged).as_deref() == Some(text)).then_some(damaged)
}

fn check_replay(input: &str, repaired: &Repair) -> Result<(), TestCaseError> {
    for change in &repaired.changes {
        prop_assert_eq!(&input[change.span.clone()], change.before.as_str());
        prop_assert_eq!(
            change.chain.apply(&change.before),
            Some(change.after.clone())
        );
    }
    prop_assert_eq!(
        apply_changes(input, &repaired.changes),
        repaired.text.clone()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn damage_is_undone_or_left_alone(
        sentence in prop::sample::select(SENTENCES),
        first in prop::sample::select(MISREADS),
        second in prop::option::of(prop::sample::select(MISREADS)),
    ) {
        let Some(mut damaged) = misread(sentence, first.0, first.1) else {
            return Ok(());
        };
        // A second layer misreads the UTF-8 bytes of text that was itself
        // UTF-8 misread: the double encoding that pipelines produce.
        if let Some((_, read_as)) = second.filter(|_| first.0 == Codec::Utf8) {
            match misread(&damaged, Codec::Utf8, read_as) {
                Some(twice) => damaged = twice,
                None => return Ok(()),
            }
        }
        let repaired = repair(&damaged, &Options::default());
        prop_assert!(
            repaired.text == sentence || repaired.is_unchanged(),
            "{damaged:?} became {:?}, expected {sentence:?} or no change",
            repaired.text
        );
        check_replay(&damaged, &repaired)?;
    }

    #[test]
    fn a_marked_line_is_kept_and_its_neighbours_repaired(
        sentences in prop::collection::vec(prop::sample::select(SENTENCES), 3),
        misread_as in prop::sample::select(MISREADS),
        marked in 0usize..3,
    ) {
        let Some(damaged) = sentences
            .iter()
            .map(|s| misread(s, misread_as.0, misread_as.1))
            .collect::<Option<Vec<String>>>()
        else {
            return Ok(());
        };
        let lines: Vec<String> = damaged
            .iter()
            .enumerate()
            .map(|(k, line)| if k == marked { format!("{line} # unbake: ignore\n") } else { format!("{line}\n") })
            .collect();
        let repaired = repair(&lines.concat(), &Options::default());
        let out: Vec<&str> = repaired.text.split_inclusive('\n').collect();
        prop_assert_eq!(out.len(), 3);
        prop_assert_eq!(out[marked], lines[marked].as_str());
        let unmarked: String = damaged.iter().map(|line| format!("{line}\n")).collect();
        let without = repair(&unmarked, &Options::default());
        let without: Vec<&str> = without.text.split_inclusive('\n').collect();
        for k in (0..3).filter(|&k| k != marked) {
            prop_assert_eq!(out[k], without[k]);
        }
        check_replay(&lines.concat(), &repaired)?;
    }

    #[test]
    fn any_text_repairs_without_panic_and_replays(text in "\\PC{0,60}") {
        let repaired = repair(&text, &Options::default());
        check_replay(&text, &repaired)?;
    }

    #[test]
    fn any_latin1_range_text_replays(text in "[\\u{20}-\\u{7E}\\u{80}-\\u{FF}\\u{2010}-\\u{2122}]{0,40}") {
        let repaired = repair(&text, &Options::default());
        check_replay(&text, &repaired)?;
    }
}
