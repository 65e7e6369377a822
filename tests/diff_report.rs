//! The diff reporter over real repairs of text with hidden characters:
//! snapshots of plain and coloured output, and proof that the plain diff is
//! still a patch that applies.

use std::process::Command;

use unbake::report::{repair_diff, DiffOptions};

/// Damage next to characters that print as nothing: a C1 control left by a
/// codepage hole (`Ã` U+0081 is `Á` read as windows-1252), a no-break space
/// inside a misread sequence, a zero-width space and a BOM in context, a
/// U+FFFD that is already lost, CRLF line ends, and no final newline.
const HIDDEN: &str = "\u{FEFF}title: r\u{C3}\u{A9}sum\u{C3}\u{A9}\r\n\
    line two\u{200B} is fine\r\n\
    \u{C3}\u{81}lvaro pays \u{C3}\u{A0} la carte\r\n\
    nothing here\r\n\
    lost: \u{FFFD} stays, caf\u{C3}\u{A9} does not\r\n\
    end of file \u{C3}\u{A9}t\u{C3}\u{A9}";

const CHINESE: &str = "配置\n鍙傛暟 说明\n完\n";

fn diff(text: &str, options: &DiffOptions) -> String {
    let mut changes = unbake::repair(text, &unbake::Options::default()).changes;
    // The reporter is under test here, not the engine's calibration: a fixed
    // confidence keeps the snapshots still while the engine is tuned.
    for change in &mut changes {
        change.confidence = 0.9;
    }
    repair_diff("notes/hidden.txt", text, &changes, options)
}

macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => "../snapshots/report",
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[test]
fn plain_diff_snapshot() {
    let options = DiffOptions {
        explain: true,
        ..DiffOptions::default()
    };
    snapshot!("plain_hidden", diff(HIDDEN, &options));
}

#[test]
fn coloured_diff_snapshot() {
    let options = DiffOptions {
        explain: true,
        color: true,
        ..DiffOptions::default()
    };
    // Escapes written out, so the snapshot shows where each style begins.
    snapshot!(
        "coloured_hidden",
        diff(HIDDEN, &options).replace('\x1b', "\\e")
    );
}

#[test]
fn chinese_diff_snapshot() {
    snapshot!("plain_chinese", diff(CHINESE, &DiffOptions::default()));
}

/// Writes `text` to `notes/hidden.txt` in a fresh directory, applies the
/// diff there with `program`, and checks that the file is now the repair.
fn check_applies(text: &str, options: &DiffOptions, program: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    let path = dir.path().join("notes/hidden.txt");
    std::fs::write(&path, text).unwrap();
    let repaired = unbake::repair(text, &unbake::Options::default()).text;
    assert_ne!(repaired, text, "the engine should repair this input");
    let patch = diff(text, options);
    let patch_file = dir.path().join("fix.patch");
    std::fs::write(&patch_file, &patch).unwrap();
    let status = Command::new(program[0])
        .args(&program[1..])
        .arg(&patch_file)
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success(), "{program:?} refused the diff:\n{patch}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), repaired);
}

fn has(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

#[test]
fn plain_diff_applies_and_gives_the_repaired_file() {
    // patch where it is installed, git apply where it is not.
    let program: &[&str] = if has("patch") {
        &["patch", "-p1", "--quiet", "--input"]
    } else {
        &["git", "apply"]
    };
    let explained = DiffOptions {
        explain: true,
        ..DiffOptions::default()
    };
    let tight = DiffOptions {
        context: 0,
        ..explained.clone()
    };
    check_applies(HIDDEN, &explained, program);
    check_applies(HIDDEN, &tight, program);
    check_applies(CHINESE, &DiffOptions::default(), program);
}

#[test]
fn git_apply_takes_the_plain_diff() {
    let explained = DiffOptions {
        explain: true,
        ..DiffOptions::default()
    };
    check_applies(HIDDEN, &explained, &["git", "apply"]);
}

#[test]
fn unchanged_text_has_no_diff() {
    assert_eq!(diff("nothing to see\n", &DiffOptions::default()), "");
}

/// Corpus files whose damage involves characters that print as nothing or
/// as something else: C1 controls (`sloppy-c1`), private-use characters
/// (`gbk-private-use`), no-break spaces (`nbsp-as-space`), U+FFFD (`lossy`).
/// Each gets a plain and a coloured snapshot, and its plain diff must apply.
#[test]
fn corpus_files_with_hidden_characters() {
    let program: &[&str] = if has("patch") {
        &["patch", "-p1", "--quiet", "--input"]
    } else {
        &["git", "apply"]
    };
    insta::glob!(
        "../corpus",
        "{sloppy-c1,gbk-private-use,nbsp-as-space,lossy}/00[1-3]*.in.txt",
        |path| {
            let text = std::fs::read_to_string(path).unwrap();
            let plain = diff(
                &text,
                &DiffOptions {
                    explain: true,
                    ..DiffOptions::default()
                },
            );
            let coloured = diff(
                &text,
                &DiffOptions {
                    explain: true,
                    color: true,
                    ..DiffOptions::default()
                },
            );
            snapshot!("corpus_plain", plain);
            snapshot!("corpus_coloured", coloured);
            check_applies(&text, &DiffOptions::default(), program);
        }
    );
}
