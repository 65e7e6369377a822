//! The corpus harness: the tests that decide whether unbake works.
//!
//! Every `corpus/<family>/<case>.in.txt` must be repaired to exactly its
//! `<case>.out.txt`, every clean text (and every expected output) must come
//! back untouched, and every change must replay. The corpus is large and an
//! engine change moves many cases at once, so each test collects all its
//! failures and reports them together, with per-family pass counts, rather
//! than stopping at the first.
//!
//! See `corpus/README.md` for the layout and how the cases are made.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use unbake::{apply_changes, repair, Options, Repair};

const MIN_CLEAN_FILES: usize = 300;
const MIN_CLEAN_LANGUAGES: usize = 30;
const MIN_CASES_PER_FAMILY: usize = 20;

/// Listed failures are capped so a broken engine still gives a readable
/// report; the counts always cover everything.
const MAX_LISTED: usize = 200;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("readable directory entry").path())
        .collect();
    paths.sort();
    paths
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// One damaged text and its expected repair.
struct Case {
    family: String,
    name: String,
    input: String,
    expected: String,
}

/// Every family directory: any directory under `corpus/` that holds cases.
/// Families other helpers add later are picked up without registration.
fn family_dirs() -> Vec<PathBuf> {
    sorted_entries(&corpus_dir())
        .into_iter()
        .filter(|p| p.is_dir())
        .filter(|p| {
            sorted_entries(p).iter().any(|f| {
                let name = file_name(f);
                name.ends_with(".in.txt") || name.ends_with(".out.txt")
            })
        })
        .collect()
}

fn load_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for dir in family_dirs() {
        let family = file_name(&dir);
        for path in sorted_entries(&dir) {
            let file = file_name(&path);
            let Some(name) = file.strip_suffix(".in.txt") else {
                continue;
            };
            let out = dir.join(format!("{name}.out.txt"));
            cases.push(Case {
                family: family.clone(),
                name: name.to_string(),
                input: read(&path),
                expected: read(&out),
            });
        }
    }
    cases
}

/// The engine's answer for one text, or the message it panicked with: one
/// panicking case must not hide the results of all the others.
type Outcome = Result<Repair, String>;

fn run_repair(text: &str) -> Outcome {
    catch_unwind(AssertUnwindSafe(|| repair(text, &Options::default()))).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panicked".to_string())
    })
}

/// The cases with their repairs, computed once: three tests read them, and
/// repairing the whole corpus is the expensive part.
fn repaired_cases() -> &'static [(Case, Outcome)] {
    static REPAIRED: OnceLock<Vec<(Case, Outcome)>> = OnceLock::new();
    REPAIRED.get_or_init(|| {
        load_cases()
            .into_iter()
            .map(|case| {
                let outcome = run_repair(&case.input);
                (case, outcome)
            })
            .collect()
    })
}

/// Where two texts first differ, in words a person can act on.
fn first_difference(expected: &str, got: &str) -> String {
    let (mut byte, mut char_index) = (0, 0);
    let mut e = expected.chars();
    let mut g = got.chars();
    loop {
        match (e.next(), g.next()) {
            (Some(a), Some(b)) if a == b => {
                byte += a.len_utf8();
                char_index += 1;
            }
            (a, b) => {
                let context =
                    |s: &str| -> String { s[byte..].chars().take(24).collect::<String>() };
                let show =
                    |c: Option<char>| c.map_or("end of text".to_string(), |c| format!("{c:?}"));
                return format!(
                    "first difference at byte {byte} (char {char_index}): expected {} {:?}, got {} {:?}",
                    show(a),
                    context(expected),
                    show(b),
                    context(got),
                );
            }
        }
    }
}

fn report_failures(title: &str, failures: &[String], summary: &str) -> String {
    let mut out = format!("{title}: {} failure(s)\n", failures.len());
    for failure in failures.iter().take(MAX_LISTED) {
        let _ = writeln!(out, "  {failure}");
    }
    if failures.len() > MAX_LISTED {
        let _ = writeln!(out, "  ... and {} more", failures.len() - MAX_LISTED);
    }
    out.push_str(summary);
    out
}

#[test]
fn damaged_cases_are_repaired_exactly() {
    let known = known_misses();
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (case, outcome) in repaired_cases() {
        let id = format!("{}/{}", case.family, case.name);
        let count = counts.entry(&case.family).or_default();
        count.2 += 1;
        let problem = match (outcome, known.get(&id)) {
            (Err(panic), _) => Some(format!("engine panicked: {panic}")),
            (Ok(r), None) if r.text == case.expected => None,
            (Ok(r), None) => Some(first_difference(&case.expected, &r.text)),
            (Ok(r), Some(_)) if r.text == case.expected => {
                Some("now repaired exactly: remove it from corpus/known-misses.tsv".to_string())
            }
            (Ok(r), Some(listed)) => {
                count.1 += 1;
                let actual = if r.text == case.input {
                    "unchanged"
                } else {
                    "partial"
                };
                (actual != listed).then(|| {
                    format!(
                        "listed as {listed} in corpus/known-misses.tsv, but is now {actual}: {}",
                        first_difference(&case.expected, &r.text)
                    )
                })
            }
        };
        match problem {
            None => count.0 += 1,
            Some(p) => failures.push(format!("{id}: {p}")),
        }
    }
    for id in known.keys() {
        if !repaired_cases()
            .iter()
            .any(|(c, _)| format!("{}/{}", c.family, c.name) == *id)
        {
            failures.push(format!(
                "{id}: listed in corpus/known-misses.tsv but not in the corpus"
            ));
        }
    }
    let mut summary = String::from("per family (as expected / of which known misses / total):\n");
    let (mut passed, mut missed, mut total) = (0, 0, 0);
    for (family, (p, m, t)) in &counts {
        let _ = writeln!(summary, "  {family:<24} {p:>4} / {m:>2} / {t}");
        passed += p;
        missed += m;
        total += t;
    }
    let _ = writeln!(
        summary,
        "  {:<24} {passed:>4} / {missed:>2} / {total}",
        "all"
    );
    eprintln!("{summary}");
    assert!(total > 0, "no damaged cases found under corpus/");
    assert!(
        failures.is_empty(),
        "{}",
        report_failures(
            "damaged cases not repaired as expected",
            &failures,
            &summary
        )
    );
}

/// `corpus/known-misses.tsv`: case id → outcome (`unchanged` or `partial`).
fn known_misses() -> BTreeMap<String, String> {
    read(&corpus_dir().join("known-misses.tsv"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let id = cols.next().expect("case column").to_string();
            let outcome = cols
                .next()
                .unwrap_or_else(|| panic!("{id}: no outcome column in corpus/known-misses.tsv"))
                .to_string();
            assert!(
                matches!(outcome.as_str(), "unchanged" | "partial"),
                "{id}: outcome must be unchanged or partial"
            );
            assert!(
                cols.next().is_some_and(|why| !why.is_empty()),
                "{id}: say why in corpus/known-misses.tsv"
            );
            (id, outcome)
        })
        .collect()
}

/// Texts that must come back unchanged: the clean set, and every expected
/// output (a repair that is itself "repaired" again was not finished).
fn must_stay_unchanged() -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = sorted_entries(&corpus_dir().join("clean"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| (format!("clean/{}", file_name(&p)), read(&p)))
        .collect();
    for (case, _) in repaired_cases() {
        texts.push((
            format!("{}/{}.out.txt", case.family, case.name),
            case.expected.clone(),
        ));
    }
    texts
}

#[test]
fn clean_texts_come_back_unchanged() {
    let texts = must_stay_unchanged();
    let mut failures = Vec::new();
    for (label, text) in &texts {
        match run_repair(text) {
            Err(panic) => failures.push(format!("{label}: engine panicked: {panic}")),
            Ok(r) if r.text == *text && r.changes.is_empty() => {}
            Ok(r) => {
                let changes: Vec<String> = r
                    .changes
                    .iter()
                    .map(|c| format!("{:?} → {:?} ({})", c.before, c.after, c.chain.describe()))
                    .collect();
                let what = if changes.is_empty() {
                    first_difference(text, &r.text)
                } else {
                    changes.join("; ")
                };
                failures.push(format!("{label}: {what}"));
            }
        }
    }
    let summary = format!(
        "{} of {} texts unchanged\n",
        texts.len() - failures.len(),
        texts.len()
    );
    assert!(
        failures.is_empty(),
        "{}",
        report_failures("clean texts changed", &failures, &summary)
    );
}

#[test]
fn every_change_replays() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (case, outcome) in repaired_cases() {
        let Ok(r) = outcome else {
            // The panic is reported by damaged_cases_are_repaired_exactly.
            continue;
        };
        let label = format!("{}/{}", case.family, case.name);
        let input = &case.input;
        for change in &r.changes {
            checked += 1;
            let span = format!("[{}..{}]", change.span.start, change.span.end);
            match input.get(change.span.clone()) {
                Some(text) if text == change.before => {}
                Some(text) => failures.push(format!(
                    "{label} {span}: before is {:?} but the input there is {text:?}",
                    change.before
                )),
                None => failures.push(format!(
                    "{label} {span}: span is not a character range of the input"
                )),
            }
            let replayed = change.chain.apply(&change.before);
            if replayed.as_deref() != Some(change.after.as_str()) {
                failures.push(format!(
                    "{label} {span}: chain \"{}\" replays {:?} to {replayed:?}, not {:?}",
                    change.chain.describe(),
                    change.before,
                    change.after
                ));
            }
        }
        let spliced = apply_changes(input, &r.changes);
        if spliced != r.text {
            failures.push(format!(
                "{label}: apply_changes differs from the repaired text: {}",
                first_difference(&r.text, &spliced)
            ));
        }
    }
    let summary = format!("{checked} changes checked\n");
    assert!(
        failures.is_empty(),
        "{}",
        report_failures("changes that do not replay", &failures, &summary)
    );
}

/// `fr-003.txt` → `fr`, `zh-hans-012.txt` → `zh-hans`.
fn language_of(file: &str) -> Option<&str> {
    let stem = file.strip_suffix(".txt")?;
    let (lang, number) = stem.rsplit_once('-')?;
    (number.len() == 3 && number.bytes().all(|b| b.is_ascii_digit())).then_some(lang)
}

#[test]
fn corpus_is_big_enough_and_well_formed() {
    let mut problems = Vec::new();

    let clean = sorted_entries(&corpus_dir().join("clean"));
    let mut languages = BTreeSet::new();
    let mut clean_files = 0;
    for path in &clean {
        let file = file_name(path);
        if !file.ends_with(".txt") {
            continue;
        }
        clean_files += 1;
        match language_of(&file) {
            Some(lang) => {
                languages.insert(lang.to_string());
            }
            None => problems.push(format!("clean/{file}: name is not <lang>-<nnn>.txt")),
        }
        let bytes = fs::read(path).unwrap();
        if std::str::from_utf8(&bytes).is_err() {
            problems.push(format!("clean/{file}: not UTF-8"));
        }
        if bytes.contains(&b'\r') {
            problems.push(format!("clean/{file}: has CR line ends"));
        }
        if bytes.last() != Some(&b'\n') {
            problems.push(format!("clean/{file}: does not end in a newline"));
        }
        if bytes.len() >= 2048 {
            problems.push(format!("clean/{file}: {} bytes, over 2 KB", bytes.len()));
        }
    }
    if clean_files < MIN_CLEAN_FILES {
        problems.push(format!(
            "clean/: {clean_files} files, want at least {MIN_CLEAN_FILES}"
        ));
    }
    if languages.len() < MIN_CLEAN_LANGUAGES {
        problems.push(format!(
            "clean/: {} languages, want at least {MIN_CLEAN_LANGUAGES}",
            languages.len()
        ));
    }

    for dir in family_dirs() {
        let family = file_name(&dir);
        let files: Vec<String> = sorted_entries(&dir).iter().map(|p| file_name(p)).collect();
        let inputs: Vec<&str> = files
            .iter()
            .filter_map(|f| f.strip_suffix(".in.txt"))
            .collect();
        let outputs: Vec<&str> = files
            .iter()
            .filter_map(|f| f.strip_suffix(".out.txt"))
            .collect();
        for name in &inputs {
            if !outputs.contains(name) {
                problems.push(format!("{family}/{name}: .in.txt without .out.txt"));
            }
        }
        for name in &outputs {
            if !inputs.contains(name) {
                problems.push(format!("{family}/{name}: .out.txt without .in.txt"));
            }
        }
        // The real samples are what they are; the minimum is for families
        // the corpus makes.
        if inputs.len() < MIN_CASES_PER_FAMILY && family != "chinese-seeds" {
            problems.push(format!(
                "{family}/: {} cases, want at least {MIN_CASES_PER_FAMILY}",
                inputs.len()
            ));
        }
    }

    eprintln!(
        "corpus: {clean_files} clean files in {} languages",
        languages.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A readable account of one repair, for the snapshot of its case.
fn describe_repair(r: &Repair) -> String {
    let mut out = String::new();
    out.push_str("repaired text:\n");
    out.push_str(&r.text);
    if !r.text.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "changes: {}", r.changes.len());
    for c in &r.changes {
        let _ = writeln!(
            out,
            "- [{}..{}] {:?} → {:?}\n  chain: {}\n  family: {:?}\n  confidence: {:.2}",
            c.span.start,
            c.span.end,
            c.before,
            c.after,
            c.chain.describe(),
            c.family,
            c.confidence
        );
    }
    let _ = writeln!(out, "findings: {}", r.findings.len());
    for f in &r.findings {
        let _ = writeln!(
            out,
            "- [{}..{}] {:?}: {}",
            f.span.start, f.span.end, f.family, f.detail
        );
    }
    out
}

#[test]
fn corpus_reports_match_snapshots() {
    insta::with_settings!({
        snapshot_path => "../snapshots/corpus",
        prepend_module_to_snapshot => false,
    }, {
        insta::glob!("../corpus", "*/*.in.txt", |path| {
            let input = read(path);
            let r = repair(&input, &Options::default());
            insta::assert_snapshot!("report", describe_repair(&r));
        });
    });
}
