//! Regressions: damage the engine once got wrong, each as it was found.

use unbake::{repair, Options};

fn repaired(text: &str) -> String {
    repair(text, &Options::default()).text
}

/// A `?` after a repaired no-break space is a real question mark: it must
/// not be taken for a lost byte by reading the no-break space back through
/// yet another codec (`\u{a0}?` through x-mac-cyrillic is `�`).
#[test]
fn question_mark_after_a_no_break_space_is_kept() {
    assert_eq!(
        repaired("s’il vous plaÃ®tÂ\u{a0}? Je dois partir."),
        "s’il vous plaît\u{a0}? Je dois partir."
    );
}

/// `Â` followed by a no-break space is a misread no-break space even with
/// no other damage on the line.
#[test]
fn lone_misread_no_break_space_is_repaired() {
    assert_eq!(repaired("avant le 3Â\u{a0}mai."), "avant le 3\u{a0}mai.");
    assert_eq!(repaired("CAFÉ Â LA CARTE"), "CAFÉ Â LA CARTE");
}

/// `ï¿½` (U+FFFD read as windows-1252) once became `▀╗╚` as "KOI8-R read
/// as IBM850". It is reported like `锟斤拷` and left as it is; the rule that
/// single-byte readings keep letters letters, which stopped the box drawing,
/// is held by the corpus (`legacy-as-legacy/029`).
#[test]
fn replacement_character_read_as_western_is_left_alone() {
    let text = "The decoder printed ï¿½ where the byte was broken.";
    assert_eq!(repaired(text), text);
}

/// Localised man pages (Debian's Serbian, Russian and Ukrainian ones) once
/// had whole lines "repaired" into Latin-1 (`параметры` → `ïàðàìåòðû`):
/// a troff escape (`\fB`, `\*(Aq`) or a C escape (`\n`) glued to a word
/// looked like two alphabets in one word. Escapes are markup, and ASCII
/// punctuation legitimately joins words of two alphabets.
#[test]
fn escapes_and_punctuation_glued_to_cyrillic_are_not_damage() {
    for text in [
        "hello\\nмир",
        "msg = \"Ошибка:\\nфайл не найден\"",
        "\\fBудп\\fR и \\fIтцп\\fR",
        "\\fBmanpath\\fPа.  Да укључите хијерархије",
        "змінює повне ім\\*(Aqя користувача",
        "зі списку \\fIсписок_pid\\fP. Таким чином,",
        "файл.txt и Windows-совместимый",
    ] {
        assert_eq!(repaired(text), text);
    }
}

/// An acute accent typed for an apostrophe (`don´t`, Turkish `login´e`) is
/// not `ï` read through IBM850.
#[test]
fn acute_accent_as_apostrophe_is_kept() {
    for text in ["don´t and it´s", "\\fBlogin\\fR´e bildirmek"] {
        assert_eq!(repaired(text), text);
    }
}
