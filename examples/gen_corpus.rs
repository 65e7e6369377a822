//! Builds the damaged half of the corpus from the clean half.
//!
//! Run with `cargo run --release --example gen_corpus`. It reads the clean
//! texts in `corpus/clean/`, damages them the way real software does (bytes
//! decoded with the wrong codec, once or several times, bytes lost, no-break
//! spaces flattened) and writes `corpus/<family>/<case>.in.txt` with the
//! damaged text and `<case>.out.txt` with the exact repair expected.
//!
//! The expected output is never what unbake produces: it is the clean source
//! (or, for lost bytes, the source with each destroyed character replaced by
//! one U+FFFD, worked out from the source's own bytes). A case is kept only
//! if the damage changed the text and undoing the damage with unbake's own
//! replayable steps gives the source back, so every case is repairable in
//! principle and nothing here depends on how the engine searches.
//!
//! The output is deterministic (fixed seed, sorted inputs), so regenerating
//! after adding clean texts only changes what the new texts touch.

use std::collections::BTreeMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use unbake::{Chain, Codec, Step};

const SEED: u64 = 0x756e_6261_6b65_2121;

const MIN_CASES: usize = 24;
const MIN_PER_CODEC: usize = 2;

/// Shortest clause fragment worth a case: fewer characters give the engine
/// too little to tell damage from text.
const MIN_FRAGMENT_CHARS: usize = 4;

/// Sources longer than this are used line by line, so cases stay small.
const MAX_SOURCE_BYTES: usize = 600;

/// xorshift64*: tiny, and the corpus must not change when a dependency's
/// RNG does.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// A piece of clean text that can be damaged: a whole file, one of its
/// lines, or one sentence or clause of a line.
#[derive(Clone)]
struct Source {
    lang: String,
    /// Where it came from, for the manifest: `fr-003`, `fr-003:2`, ...
    origin: String,
    text: String,
}

impl Source {
    fn non_ascii(&self) -> usize {
        self.text.chars().filter(|c| !c.is_ascii()).count()
    }

    /// Enough damaged characters to be a fair test: a few for sentences, one
    /// for a short word or name.
    fn worth_damaging(&self) -> bool {
        let n = self.non_ascii();
        n >= 3 || (n >= 1 && self.text.len() < 40)
    }
}

struct CleanSet {
    /// Whole files, by name without `.txt`, in name order.
    files: Vec<(String, String, String)>,
    /// Whole short files and every line of multi-line files.
    texts: Vec<Source>,
    /// Sentences and clauses, for codecs that only read short pieces cleanly.
    pieces: Vec<Source>,
    /// Runs of characters from clauses: multi-byte codecs reject most UTF-8
    /// byte strings, so CJK readers need many shorter tries.
    fragments: Vec<Source>,
}

fn lang_of(stem: &str) -> String {
    stem.rsplit_once('-')
        .map_or(stem, |(lang, _)| lang)
        .to_string()
}

impl CleanSet {
    fn load(dir: &Path) -> CleanSet {
        let mut paths: Vec<PathBuf> = fs::read_dir(dir)
            .expect("corpus/clean exists")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        paths.sort();
        let mut set = CleanSet {
            files: Vec::new(),
            texts: Vec::new(),
            pieces: Vec::new(),
            fragments: Vec::new(),
        };
        for path in paths {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&path).expect("clean text is UTF-8");
            let lang = lang_of(&stem);
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            if lines.len() == 1 || text.len() <= MAX_SOURCE_BYTES {
                set.texts.push(Source {
                    lang: lang.clone(),
                    origin: stem.clone(),
                    text: text.clone(),
                });
            }
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                if lines.len() > 1 {
                    set.texts.push(Source {
                        lang: lang.clone(),
                        origin: format!("{stem}:{}", i + 1),
                        text: format!("{line}\n"),
                    });
                }
                let pieces = split_pieces(line);
                for (j, piece) in pieces.iter().enumerate() {
                    set.pieces.push(Source {
                        lang: lang.clone(),
                        origin: format!("{stem}:{}:{}", i + 1, j + 1),
                        text: format!("{piece}\n"),
                    });
                }
                let whole = [line.trim()];
                let clauses = if pieces.is_empty() {
                    &whole[..]
                } else {
                    &pieces[..]
                };
                for (j, clause) in clauses.iter().enumerate() {
                    for window in windows(clause, MIN_FRAGMENT_CHARS) {
                        set.fragments.push(Source {
                            lang: lang.clone(),
                            origin: format!("{stem}:{}:{}:{window:?}", i + 1, j + 1),
                            text: format!("{}\n", &clause[window]),
                        });
                    }
                }
            }
            set.files.push((stem, lang, text));
        }
        set
    }

    /// Candidates in the given languages, whole texts first (shuffled), then
    /// shorter pieces (shuffled): short pieces are the fallback for codecs
    /// that reject most long byte strings.
    fn candidates(&self, langs: &[&str], rng: &mut Rng) -> Vec<Source> {
        self.candidates_down_to(langs, false, rng)
    }

    /// As [`CleanSet::candidates`], optionally followed by clause fragments,
    /// longest first, so each file gives the longest run a codec can read.
    fn candidates_down_to(&self, langs: &[&str], fragments: bool, rng: &mut Rng) -> Vec<Source> {
        let pick = |v: &[Source], rng: &mut Rng| {
            let mut v: Vec<Source> = v
                .iter()
                .filter(|s| langs.contains(&s.lang.as_str()) && s.worth_damaging())
                .cloned()
                .collect();
            rng.shuffle(&mut v);
            v
        };
        let mut all = pick(&self.texts, rng);
        all.extend(pick(&self.pieces, rng));
        if fragments {
            let mut runs: Vec<Source> = self
                .fragments
                .iter()
                .filter(|s| langs.contains(&s.lang.as_str()) && s.non_ascii() >= 3)
                .cloned()
                .collect();
            runs.sort_by_key(|s| std::cmp::Reverse(s.text.chars().count()));
            all.extend(runs);
        }
        all
    }
}

/// Byte ranges of the runs of at least `min` characters in `clause` that
/// neither start nor end with whitespace.
fn windows(clause: &str, min: usize) -> Vec<Range<usize>> {
    let bounds: Vec<usize> = clause
        .char_indices()
        .map(|(i, _)| i)
        .chain([clause.len()])
        .collect();
    let mut out = Vec::new();
    for (a, &start) in bounds.iter().enumerate() {
        for &end in bounds.get(a + min..).unwrap_or_default() {
            let run = &clause[start..end];
            if run.trim().len() == run.len() {
                out.push(start..end);
            }
        }
    }
    out
}

/// Splits a line into sentences or clauses, keeping their punctuation.
fn split_pieces(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let ends = [
        '.', '!', '?', '。', '！', '？', '，', ',', '、', '；', ';', '։', '।', '።',
    ];
    for (i, c) in line.char_indices() {
        if ends.contains(&c) {
            let end = i + c.len_utf8();
            let piece = line[start..end].trim();
            if piece.chars().count() >= 2 {
                pieces.push(piece);
            }
            start = end;
        }
    }
    if pieces.is_empty() {
        return Vec::new();
    }
    let rest = line[start..].trim();
    if rest.chars().count() >= 2 {
        pieces.push(rest);
    }
    pieces
}

/// One wrong decode: text in `actual` was decoded as `read_as`.
#[derive(Clone, Copy)]
struct Layer {
    actual: Codec,
    read_as: Codec,
}

fn misread(actual: Codec, read_as: Codec) -> Layer {
    Layer { actual, read_as }
}

fn utf8_as(read_as: Codec) -> Layer {
    misread(Codec::Utf8, read_as)
}

/// Applies the layers in order, or `None` if a codec cannot carry the text
/// (the damage could not have happened that way).
fn damage(text: &str, layers: &[Layer]) -> Option<String> {
    let mut current = text.to_string();
    for layer in layers {
        let bytes = layer.actual.encode(&current)?;
        current = layer.read_as.decode_strict(&bytes)?;
    }
    Some(current)
}

/// The undo steps for `layers`, latest damage first.
fn undo(layers: &[Layer]) -> Chain {
    Chain::new(
        layers
            .iter()
            .rev()
            .map(|l| Step::Reinterpret {
                read_as: l.read_as,
                actual: l.actual,
            })
            .collect(),
    )
}

/// Damages `text` and checks that replaying the undo chain restores it.
fn invertible_damage(text: &str, layers: &[Layer]) -> Option<String> {
    let damaged = damage(text, layers)?;
    (damaged != text && undo(layers).apply(&damaged).as_deref() == Some(text)).then_some(damaged)
}

fn describe(layers: &[Layer]) -> String {
    undo(layers).describe()
}

fn slug(codec: Codec) -> String {
    codec.name().to_ascii_lowercase().replace('_', "-")
}

fn has_c1(text: &str) -> bool {
    text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c))
}

fn has_private_use(text: &str) -> bool {
    text.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c))
}

struct Case {
    name: String,
    input: String,
    output: String,
    origin: String,
    how: String,
}

/// The cases of one family, with the codecs each case involves so the
/// coverage rule (every named codepage at least twice) can be checked.
struct Family {
    dir: &'static str,
    cases: Vec<Case>,
    codec_uses: BTreeMap<&'static str, usize>,
    required: Vec<Codec>,
}

impl Family {
    fn new(dir: &'static str, required: &[Codec]) -> Family {
        Family {
            dir,
            cases: Vec::new(),
            codec_uses: BTreeMap::new(),
            required: required.to_vec(),
        }
    }

    fn has_input(&self, input: &str) -> bool {
        self.cases.iter().any(|c| c.input == input)
    }

    fn add(&mut self, src: &Source, label: &str, input: String, output: String, how: String) {
        self.add_with(src, label, input, output, how, &[]);
    }

    fn add_with(
        &mut self,
        src: &Source,
        label: &str,
        input: String,
        output: String,
        how: String,
        codecs: &[Codec],
    ) {
        for codec in codecs {
            *self.codec_uses.entry(codec.name()).or_default() += 1;
        }
        let name = format!("{:03}-{}-{}", self.cases.len() + 1, src.lang, label);
        self.cases.push(Case {
            name,
            input,
            output,
            origin: src.origin.clone(),
            how,
        });
    }

    /// Adds up to `n` wrong-decode cases of `layers` over `candidates`,
    /// one per source file, keeping those `accept` likes.
    fn add_misreads(
        &mut self,
        candidates: &[Source],
        layers: &[Layer],
        n: usize,
        accept: impl Fn(&str) -> bool,
    ) -> usize {
        let mut used_files: Vec<String> = Vec::new();
        let mut added = 0;
        let codecs: Vec<Codec> = layers
            .iter()
            .flat_map(|l| [l.actual, l.read_as])
            .filter(|c| *c != Codec::Utf8)
            .collect();
        let label = layers
            .iter()
            .map(|l| slug(l.read_as))
            .collect::<Vec<_>>()
            .join("-");
        let label = match layers[0].actual {
            Codec::Utf8 => label,
            other => format!("{}-as-{label}", slug(other)),
        };
        for src in candidates {
            if added == n {
                break;
            }
            let file = src.origin.split(':').next().unwrap().to_string();
            if used_files.contains(&file) {
                continue;
            }
            let Some(damaged) = invertible_damage(&src.text, layers) else {
                continue;
            };
            if !accept(&damaged) || self.has_input(&damaged) {
                continue;
            }
            used_files.push(file);
            let how = describe(layers);
            self.add_with(src, &label, damaged, src.text.clone(), how, &codecs);
            added += 1;
        }
        added
    }

    /// What keeps this family from meeting the corpus rules.
    fn shortfalls(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.cases.len() < MIN_CASES {
            out.push(format!("{}: only {} cases", self.dir, self.cases.len()));
        }
        for codec in &self.required {
            let uses = self.codec_uses.get(codec.name()).copied().unwrap_or(0);
            if uses < MIN_PER_CODEC {
                out.push(format!(
                    "{}: {} in only {uses} cases",
                    self.dir,
                    codec.name()
                ));
            }
        }
        out
    }

    /// Replaces this family's directory, and only it: other directories
    /// under `corpus/` (the clean set, hand-made families) are not ours.
    fn write(&self, root: &Path) {
        let dir = root.join(self.dir);
        if dir.exists() {
            fs::remove_dir_all(&dir).expect("remove old generated family");
        }
        fs::create_dir_all(&dir).expect("create family directory");
        let mut manifest = String::from("case\tsource\tdamage\n");
        for case in &self.cases {
            fs::write(dir.join(format!("{}.in.txt", case.name)), &case.input).unwrap();
            fs::write(dir.join(format!("{}.out.txt", case.name)), &case.output).unwrap();
            manifest.push_str(&format!("{}\t{}\t{}\n", case.name, case.origin, case.how));
        }
        fs::write(dir.join("cases.tsv"), manifest).unwrap();
        println!("{:>22}: {} cases", self.dir, self.cases.len());
    }
}

const WESTERN: &[&str] = &[
    "fr", "de", "es", "pt", "it", "ca", "is", "sv", "no", "da", "fi", "ga", "en",
];
const CENTRAL: &[&str] = &["pl", "cs", "sk", "hu", "ro", "hr", "sl"];
const CYRILLIC: &[&str] = &["ru", "uk", "bg", "sr"];
const BALTIC: &[&str] = &["lt", "lv", "et"];

fn utf8_as_single_byte(clean: &CleanSet, rng: &mut Rng) -> Family {
    use Codec::*;
    let plan: &[(Codec, &[&str], usize)] = &[
        (Windows1250, CENTRAL, 3),
        (Windows1251, CYRILLIC, 3),
        (Windows1252, WESTERN, 3),
        (Windows1253, &["el"], 2),
        (Windows1254, &["tr"], 2),
        (Windows1255, &["he"], 2),
        (Windows1256, &["ar", "fa", "ur"], 2),
        (Windows1257, BALTIC, 2),
        (Windows1258, &["vi"], 2),
        (Windows874, &["th", "fr", "de"], 2),
        (Latin1, &["fr", "es", "pt", "de", "it"], 2),
        (Iso8859_2, CENTRAL, 2),
        (Iso8859_5, &["ru", "bg", "sr"], 2),
        (Iso8859_7, &["el"], 2),
        (Iso8859_15, &["fr", "fi", "et", "de"], 2),
        (Koi8R, &["ru"], 2),
        (Koi8U, &["uk"], 2),
        (MacRoman, &["fr", "de", "es", "sv"], 2),
        (MacCyrillic, &["ru", "bg"], 2),
        (Ibm437, &["en", "de", "fr", "es"], 2),
        (Ibm850, &["de", "pt", "es", "fr"], 2),
        (Ibm866, &["ru", "uk"], 2),
    ];
    let required: Vec<Codec> = plan.iter().map(|p| p.0).collect();
    let mut family = Family::new("utf8-as-single-byte", &required);
    for &(codec, langs, n) in plan {
        let candidates = clean.candidates(langs, rng);
        // windows-1252's C1 controls are the sloppy-c1 family's subject.
        let accept = |d: &str| codec != Windows1252 || !has_c1(d);
        family.add_misreads(&candidates, &[utf8_as(codec)], n, accept);
    }
    family
}

fn utf8_as_cjk(clean: &CleanSet, rng: &mut Rng) -> Family {
    use Codec::*;
    let plan: &[(Codec, &[&str], usize)] = &[
        (Gbk, &["zh-hans", "zh-hant"], 4),
        (Gbk, &["ja", "ko"], 2),
        (Gbk, WESTERN, 2),
        (Big5, &["zh-hant", "zh-hans", "ja", "ko"], 3),
        (Big5, WESTERN, 2),
        (ShiftJis, &["ja"], 4),
        (ShiftJis, &["zh-hans", "ko"], 1),
        (ShiftJis, WESTERN, 1),
        (EucJp, &["ja", "zh-hans", "zh-hant", "ko"], 3),
        (EucJp, WESTERN, 1),
        (EucKr, &["ko"], 4),
        (EucKr, &["zh-hans", "ja"], 1),
        (EucKr, WESTERN, 1),
    ];
    let mut family = Family::new("utf8-as-cjk", &[Gbk, Big5, ShiftJis, EucJp, EucKr]);
    for &(codec, langs, n) in plan {
        let candidates = clean.candidates_down_to(langs, true, rng);
        // Private-use results have a family of their own.
        family.add_misreads(&candidates, &[utf8_as(codec)], n, |d| !has_private_use(d));
    }
    family
}

fn sloppy_c1(clean: &CleanSet, rng: &mut Rng) -> Family {
    use Codec::*;
    let mut family = Family::new("sloppy-c1", &[Windows1252, Latin1]);
    // Bytes 0x81 0x8D 0x8F 0x90 0x9D are undefined in windows-1252 and come
    // out as C1 controls: Á Í Ï Ð Ý, the closing quote ” (E2 80 9D) and many
    // Cyrillic, Greek and Czech letters contain them.
    for langs in [
        &["is", "es", "hu", "fr", "de", "en", "pt", "it"][..],
        &["ru", "uk", "bg"],
        &["el"],
        &["cs", "sk", "pl"],
    ] {
        let candidates = clean.candidates(langs, rng);
        family.add_misreads(&candidates, &[utf8_as(Windows1252)], 4, has_c1);
    }
    // windows-1252 text read as ISO-8859-1: curly quotes, dashes, € and ™
    // become the C1 controls at the same byte.
    let langs = &["en", "fr", "de", "es", "it", "pt", "sv", "da", "no", "fi"];
    let candidates = clean.candidates(langs, rng);
    family.add_misreads(&candidates, &[misread(Windows1252, Latin1)], 10, has_c1);
    family
}

fn nbsp_as_space(clean: &CleanSet, rng: &mut Rng) -> Family {
    use Codec::*;
    let mut family = Family::new("nbsp-as-space", &[Windows1252, Latin1]);
    let plan: &[(Codec, &[&str], usize)] = &[
        (Windows1252, &["fr", "pt", "ca", "it"], 16),
        (Latin1, &["fr", "pt", "ca", "it"], 6),
        // Р is D0 A0 and Π is CE A0: the NBSP trap is not only French.
        (Windows1252, &["ru", "bg", "uk"], 3),
        (Windows1252, &["el"], 2),
    ];
    for &(codec, langs, n) in plan {
        let mut added = 0;
        let mut used: Vec<String> = Vec::new();
        for src in clean.candidates(langs, rng) {
            if added == n {
                break;
            }
            let file = src.origin.split(':').next().unwrap().to_string();
            let layers = [utf8_as(codec)];
            let Some(misread) = invertible_damage(&src.text, &layers) else {
                continue;
            };
            if !misread.contains('\u{A0}') || used.contains(&file) {
                continue;
            }
            let flattened = misread.replace('\u{A0}', " ");
            let mut chain = undo(&layers);
            chain.steps.insert(0, Step::SpaceWasNbsp { read_as: codec });
            if chain.apply(&flattened).as_deref() != Some(src.text.as_str())
                || family.has_input(&flattened)
            {
                continue;
            }
            used.push(file);
            let label = format!("{}-nbsp", slug(codec));
            let how = chain.describe();
            family.add_with(&src, &label, flattened, src.text.clone(), how, &[codec]);
            added += 1;
        }
    }
    family
}

fn gbk_private_use(clean: &CleanSet, rng: &mut Rng) -> Family {
    let mut family = Family::new("gbk-private-use", &[Codec::Gbk]);
    let plan: &[(&[&str], usize)] = &[
        (&["zh-hans"], 8),
        (&["zh-hant"], 6),
        (&["ja"], 5),
        (&["ko"], 4),
        (&["ru", "el", "th"], 3),
        (WESTERN, 2),
    ];
    for &(langs, n) in plan {
        let candidates = clean.candidates_down_to(langs, true, rng);
        family.add_misreads(&candidates, &[utf8_as(Codec::Gbk)], n, has_private_use);
    }
    family
}

fn legacy_as_western(clean: &CleanSet, rng: &mut Rng) -> Family {
    use Codec::*;
    let plan: &[(Codec, &[&str], &[Codec])] = &[
        (Gbk, &["zh-hans"], &[Windows1252, Latin1, Ibm850]),
        (Big5, &["zh-hant"], &[Windows1252, Latin1]),
        (ShiftJis, &["ja"], &[Windows1252, Ibm850]),
        (EucJp, &["ja"], &[Latin1, Windows1252]),
        (EucKr, &["ko"], &[Windows1252, Latin1]),
        (Windows1250, CENTRAL, &[Windows1252, Latin1]),
        (Windows1251, CYRILLIC, &[Windows1252, Windows1250, Ibm850]),
        (Windows1253, &["el"], &[Windows1252, Latin1]),
        (Windows1255, &["he"], &[Windows1252, Windows1250]),
        (Windows1256, &["ar", "fa", "ur"], &[Windows1252, Latin1]),
        (Windows1257, BALTIC, &[Windows1252, Windows1250]),
        (Koi8R, &["ru"], &[Windows1252, Latin1]),
    ];
    let required = [
        Gbk,
        Big5,
        ShiftJis,
        EucJp,
        EucKr,
        Windows1250,
        Windows1251,
        Windows1253,
        Windows1255,
        Windows1256,
        Windows1257,
        Koi8R,
        Windows1252,
        Latin1,
        Ibm850,
    ];
    let mut family = Family::new("legacy-as-western", &required);
    for &(actual, langs, readers) in plan {
        for &reader in readers {
            let candidates = clean.candidates(langs, rng);
            family.add_misreads(&candidates, &[misread(actual, reader)], 1, |_| true);
        }
    }
    family
}

fn legacy_as_legacy(clean: &CleanSet, rng: &mut Rng) -> Family {
    use Codec::*;
    let plan: &[(Codec, Codec, &[&str])] = &[
        (Gbk, Big5, &["zh-hans"]),
        (Big5, Gbk, &["zh-hant"]),
        (ShiftJis, Gbk, &["ja"]),
        (EucKr, Gbk, &["ko"]),
        (Windows1251, Koi8R, &["ru", "bg"]),
        (Koi8R, Windows1251, &["ru"]),
    ];
    let mut family = Family::new(
        "legacy-as-legacy",
        &[Gbk, Big5, ShiftJis, EucKr, Windows1251, Koi8R],
    );
    for &(actual, reader, langs) in plan {
        let candidates = clean.candidates(langs, rng);
        family.add_misreads(&candidates, &[misread(actual, reader)], 5, |_| true);
    }
    family
}

fn multi_layer(clean: &CleanSet, rng: &mut Rng) -> Family {
    use Codec::*;
    let mut family = Family::new("multi-layer", &[Windows1252, Latin1, Gbk]);
    // Each layer multiplies the text's size; short sources keep cases readable.
    let short = |v: Vec<Source>, max: usize| -> Vec<Source> {
        v.into_iter().filter(|s| s.text.len() <= max).collect()
    };
    let plan: &[(&[Layer], &[&str], usize, usize)] = &[
        (
            &[utf8_as(Windows1252), utf8_as(Windows1252)],
            &["fr", "de", "es", "pt", "sv", "pl", "cs"],
            9,
            200,
        ),
        (
            &[utf8_as(Latin1), utf8_as(Gbk)],
            &["fr", "de", "es", "pt", "is", "da"],
            7,
            120,
        ),
        (
            &[
                utf8_as(Windows1252),
                utf8_as(Windows1252),
                utf8_as(Windows1252),
            ],
            &["fr", "de", "es", "pt", "it"],
            6,
            80,
        ),
        (
            &[utf8_as(Windows1251), utf8_as(Windows1252)],
            &["ru", "uk"],
            3,
            120,
        ),
        (
            &[utf8_as(Windows1252), utf8_as(Latin1)],
            &["fr", "de", "es"],
            2,
            120,
        ),
    ];
    for &(layers, langs, n, max) in plan {
        let candidates = short(clean.candidates(langs, rng), max);
        family.add_misreads(&candidates, layers, n, |_| true);
    }
    family
}

/// Damages `range` of `text` only.
fn damage_span(text: &str, range: Range<usize>, layers: &[Layer]) -> Option<String> {
    let damaged = invertible_damage(&text[range.clone()], layers)?;
    Some(format!(
        "{}{}{}",
        &text[..range.start],
        damaged,
        &text[range.end..]
    ))
}

/// Byte ranges of the non-empty lines of `text` (without their newline).
fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        if !body.trim().is_empty() {
            out.push(start..start + body.len());
        }
        start += line.len();
    }
    out
}

/// Sub-ranges of `range` in `text` separated by any of `seps`, trimmed.
fn split_ranges(text: &str, range: Range<usize>, seps: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    let mut push = |s: usize, e: usize| {
        let piece = &text[s..e];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if s + lead < e - trail {
            out.push(s + lead..e - trail);
        }
    };
    for (i, c) in text[range.clone()].char_indices() {
        if seps.contains(&c) {
            push(start, range.start + i);
            start = range.start + i + c.len_utf8();
        }
    }
    push(start, range.end);
    out
}

fn partial(clean: &CleanSet, rng: &mut Rng) -> Family {
    use Codec::*;
    let mut family = Family::new("partial", &[]);
    #[derive(Clone, Copy, PartialEq)]
    enum Grain {
        Line,
        CsvField,
        Sentence,
        Word,
    }
    let plan: &[(Grain, &[&str], Codec, usize)] = &[
        (Grain::Line, WESTERN, Windows1252, 3),
        (Grain::Line, &["ru", "uk"], Windows1251, 1),
        (Grain::Line, &["zh-hans", "zh-hant"], Gbk, 2),
        (Grain::CsvField, &["en", "fr", "de", "es"], Windows1252, 5),
        (Grain::CsvField, &["ru"], Windows1251, 1),
        (Grain::CsvField, &["zh-hans"], Gbk, 1),
        (Grain::Sentence, WESTERN, Windows1252, 4),
        (Grain::Sentence, CENTRAL, Windows1250, 2),
        (Grain::Sentence, &["el"], Windows1253, 1),
        (Grain::Sentence, &["vi"], Windows1252, 1),
        (Grain::Word, WESTERN, Windows1252, 4),
        (Grain::Word, CENTRAL, Windows1252, 2),
        (Grain::Word, &["ru", "bg"], Windows1251, 2),
        (Grain::Word, &["tr"], Windows1254, 1),
    ];
    for &(grain, langs, codec, n) in plan {
        let layers = [utf8_as(codec)];
        let mut files: Vec<&(String, String, String)> = clean
            .files
            .iter()
            .filter(|(_, lang, _)| langs.contains(&lang.as_str()))
            .collect();
        rng.shuffle(&mut files);
        let mut added = 0;
        for (stem, lang, text) in files {
            if added == n {
                break;
            }
            // Partial damage needs the clean context around it, so whole
            // files are used, up to a larger bound than single sources.
            if text.len() > MAX_SOURCE_BYTES * 2 {
                continue;
            }
            let lines = line_ranges(text);
            let spans: Vec<Range<usize>> = match grain {
                Grain::Line if lines.len() >= 2 => lines.clone(),
                Grain::CsvField if lines.len() >= 2 && is_csv_header(&text[lines[0].clone()]) => {
                    lines[1..]
                        .iter()
                        .flat_map(|l| split_ranges(text, l.clone(), &[',', ';']))
                        .collect()
                }
                Grain::Sentence => lines
                    .iter()
                    .flat_map(|l| split_ranges(text, l.clone(), &['.', '!', '?', ';', '·']))
                    .collect(),
                Grain::Word => lines
                    .iter()
                    .flat_map(|l| split_ranges(text, l.clone(), &[' ', ',', '.', ':', '!', '?']))
                    .collect(),
                _ => Vec::new(),
            };
            let mut spans: Vec<Range<usize>> = spans
                .into_iter()
                .filter(|r| !text[r.clone()].is_ascii())
                .collect();
            // Damage must be confined: a span that is the whole text is not
            // partial, and a lone word needs clean company to be a test.
            if spans.len() < 2 && grain != Grain::Word {
                continue;
            }
            spans.retain(|r| text[..r.start].trim().len() + text[r.end..].trim().len() > 0);
            if spans.is_empty() {
                continue;
            }
            let span = spans[rng.below(spans.len())].clone();
            let Some(damaged) = damage_span(text, span.clone(), &layers) else {
                continue;
            };
            if family.has_input(&damaged) {
                continue;
            }
            let grain_name = match grain {
                Grain::Line => "line",
                Grain::CsvField => "csv-field",
                Grain::Sentence => "sentence",
                Grain::Word => "word",
            };
            let src = Source {
                lang: lang.clone(),
                origin: format!("{stem} bytes {}..{}", span.start, span.end),
                text: text.clone(),
            };
            let how = format!("{} ({grain_name} only)", describe(&layers));
            let label = format!("{grain_name}-{}", slug(codec));
            family.add_with(&src, &label, damaged, text.clone(), how, &[codec]);
            added += 1;
        }
    }
    family
}

/// A header row of field names, as opposed to prose with commas.
fn is_csv_header(line: &str) -> bool {
    line.contains([',', ';']) && !line.contains(' ')
}

/// UTF-8 read by a strict windows-1252 decoder that wrote `marker` for each
/// byte it has no character for. Returns the damaged text and the expected
/// repair: each character that lost a byte becomes one U+FFFD, worked out
/// from the source's bytes rather than from unbake's replay.
fn strict_1252_loss(text: &str, marker: char) -> (String, String) {
    let mut damaged = String::new();
    let mut expected = String::new();
    for c in text.chars() {
        let mut buf = [0; 4];
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        let mut lost = false;
        for &b in bytes {
            if matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D) {
                damaged.push(marker);
                lost = true;
            } else {
                damaged.push_str(&Codec::Windows1252.decode_strict(&[b]).unwrap());
            }
        }
        expected.push(if lost { '\u{FFFD}' } else { c });
    }
    (damaged, expected)
}

fn lossy(clean: &CleanSet, rng: &mut Rng) -> (Family, usize) {
    let mut family = Family::new("lossy", &[]);
    let mut disagreements = 0;
    let replay = undo(&[utf8_as(Codec::Windows1252)]);
    let plan: &[(&[&str], char, usize)] = &[
        (&["is", "es", "hu", "fr", "en", "de"], '?', 4),
        (&["ru", "uk", "bg"], '?', 4),
        (&["el", "cs", "sk"], '?', 3),
        (&["is", "es", "hu", "fr", "en", "de"], '\u{FFFD}', 3),
        (&["ru", "uk", "bg"], '\u{FFFD}', 3),
        (&["el", "cs", "sk"], '\u{FFFD}', 3),
    ];
    for &(langs, marker, n) in plan {
        let mut added = 0;
        for src in clean.candidates(langs, rng) {
            if added == n {
                break;
            }
            let (damaged, expected) = strict_1252_loss(&src.text, marker);
            let lost = expected.chars().filter(|&c| c == '\u{FFFD}').count();
            let intact = expected
                .chars()
                .zip(src.text.chars())
                .filter(|&(e, s)| e == s && !s.is_ascii())
                .count();
            // A useful case loses something and still has something to save.
            if lost == 0 || intact == 0 || family.has_input(&damaged) {
                continue;
            }
            if replay.apply(&damaged).as_deref() != Some(expected.as_str()) {
                disagreements += 1;
                continue;
            }
            let label = if marker == '?' {
                "question-mark"
            } else {
                "replacement"
            };
            let how =
                format!("UTF-8 read as strict windows-1252, lost bytes written as {marker:?}");
            family.add(&src, label, damaged, expected, how);
            added += 1;
        }
    }
    // 锟斤拷: GBK text decoded as UTF-8 (every character lost to U+FFFD),
    // saved as UTF-8, then read as GBK. The original is gone; unbake must
    // report it and leave it alone.
    let mut added = 0;
    for src in clean.candidates(&["zh-hans", "zh-hant"], rng) {
        if added == 3 {
            break;
        }
        let Some(gbk) = Codec::Gbk.encode(&src.text) else {
            continue;
        };
        let (lost, _) = Codec::Utf8.decode_lossy(&gbk);
        let Some(garbage) = damage(&lost, &[utf8_as(Codec::Gbk)]) else {
            continue;
        };
        if !garbage.contains("锟斤拷") || family.has_input(&garbage) {
            continue;
        }
        let how = "U+FFFD written as UTF-8 and read as GBK (unrecoverable)".to_string();
        family.add(&src, "kunjinkao", garbage.clone(), garbage, how);
        added += 1;
    }
    // 烫烫烫 and 屯屯屯: MSVC's fill bytes 0xCC (uninitialised stack) and
    // 0xCD (uninitialised heap) printed as GBK after a real prefix.
    let mut fills = clean
        .candidates(&["zh-hans", "en", "zh-hant"], rng)
        .into_iter();
    for (fill, label, count) in [
        (0xCC, "tangtang", 6),
        (0xCD, "tuntun", 5),
        (0xCC, "tangtang", 11),
        (0xCD, "tuntun", 8),
    ] {
        let src = fills.next().expect("enough clean sources");
        let prefix: String = src.text.trim_end().chars().take(12).collect();
        let junk = Codec::Gbk.decode_strict(&vec![fill; count * 2]).unwrap();
        let text = format!("{prefix}{junk}\n");
        let how = "uninitialised memory shown as GBK (unrecoverable)".to_string();
        family.add(&src, label, text.clone(), text, how);
    }
    (family, disagreements)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let clean = CleanSet::load(&root.join("clean"));
    let mut rng = Rng(SEED);
    let (lossy, disagreements) = lossy(&clean, &mut rng);
    let families = [
        utf8_as_single_byte(&clean, &mut rng),
        utf8_as_cjk(&clean, &mut rng),
        sloppy_c1(&clean, &mut rng),
        nbsp_as_space(&clean, &mut rng),
        gbk_private_use(&clean, &mut rng),
        legacy_as_western(&clean, &mut rng),
        legacy_as_legacy(&clean, &mut rng),
        multi_layer(&clean, &mut rng),
        partial(&clean, &mut rng),
        lossy,
    ];
    let shortfalls: Vec<String> = families.iter().flat_map(Family::shortfalls).collect();
    // Check everything before writing anything, so a failed run leaves the
    // previous corpus intact.
    assert!(shortfalls.is_empty(), "{}", shortfalls.join("\n"));
    for family in &families {
        family.write(&root);
    }
    if disagreements > 0 {
        println!(
            "warning: {disagreements} lossy sources skipped because unbake's replay \
             disagrees with the expected one-U+FFFD-per-lost-character repair"
        );
    }
}
