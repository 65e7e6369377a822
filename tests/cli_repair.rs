//! `unbake repair` as a user runs it: the binary, on files in a temp dir.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

const DAMAGED: &str = "Ã©tÃ© Ã  Paris";
const REPAIRED: &str = "été à Paris";

/// Chinese text as it looks after its UTF-8 bytes were read as GBK.
fn gbk_mojibake(text: &str) -> String {
    let (s, _, errors) = encoding_rs::GBK.decode(text.as_bytes());
    assert!(!errors, "{text} must misread cleanly");
    s.into_owned()
}

const ZH: &str = "配置文件中的参数无效";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs unbake in `dir`; empty `stdin` is none at all (`/dev/null`), as a
/// shell or CI gives a command it pipes nothing to.
fn unbake(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unbake"))
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_empty() {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(mut input) = child.stdin.take() {
        // A command that refuses to run may exit before reading its input.
        if let Err(e) = input.write_all(stdin) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn unbake_bytes(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unbake"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || input.write_all(&stdin).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (out.status.code().unwrap(), out.stdout)
}

/// A tree with two damaged files, a clean one, and one ignored by git.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir(p.join("sub")).unwrap();
    fs::write(p.join("damaged.txt"), format!("Title\n{DAMAGED}\nend\n")).unwrap();
    fs::write(p.join("sub/zh.txt"), format!("{}\n", gbk_mojibake(ZH))).unwrap();
    fs::write(p.join("clean.txt"), format!("{REPAIRED}\nNÃO É POSSÍVEL\n")).unwrap();
    fs::write(p.join(".gitignore"), "ignored.txt\n").unwrap();
    fs::write(p.join("ignored.txt"), format!("{DAMAGED}\n")).unwrap();
    fs::write(p.join(".hidden.txt"), format!("{DAMAGED}\n")).unwrap();
    dir
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap()
}

#[test]
fn check_lists_files_that_would_change_and_writes_nothing() {
    let dir = tree();
    let before = read(&dir.path().join("damaged.txt"));
    let run = unbake(dir.path(), &["repair", "--check"], b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "damaged.txt\nsub/zh.txt\n");
    assert!(
        run.stderr.contains("2 files would be repaired"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&dir.path().join("damaged.txt")), before);

    let run = unbake(dir.path(), &["repair", "--check", "clean.txt"], b"");
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

#[test]
fn walk_honours_gitignore_and_hidden_unless_told_otherwise() {
    let dir = tree();
    let run = unbake(
        dir.path(),
        &["repair", "--check", "--no-ignore", "--hidden"],
        b"",
    );
    assert_eq!(
        run.stdout,
        ".hidden.txt\ndamaged.txt\nignored.txt\nsub/zh.txt\n"
    );
}

#[test]
fn unbakeignore_and_exclude_pass_over_files_other_tools_still_see() {
    let dir = tree();
    let p = dir.path();
    fs::create_dir(p.join("fixtures")).unwrap();
    fs::write(p.join("fixtures/broken.txt"), format!("{DAMAGED}\n")).unwrap();
    fs::write(p.join("notes.md"), format!("{DAMAGED}\n")).unwrap();
    fs::write(p.join(".unbakeignore"), "fixtures/\n").unwrap();

    let run = unbake(p, &["repair", "--check", "--exclude", "*.md"], b"");
    assert_eq!(run.stdout, "damaged.txt\nsub/zh.txt\n", "{}", run.stderr);
    // Named on the command line, a file is visited whatever the rules say.
    let run = unbake(
        p,
        &[
            "repair",
            "--check",
            "--exclude",
            "*.md",
            "notes.md",
            "fixtures/broken.txt",
        ],
        b"",
    );
    assert_eq!(run.stdout, "notes.md\nfixtures/broken.txt\n");
    // `--no-ignore` drops .unbakeignore with the others, not `--exclude`.
    let run = unbake(
        p,
        &["repair", "--check", "--no-ignore", "--exclude", "sub"],
        b"",
    );
    assert_eq!(
        run.stdout,
        "damaged.txt\nfixtures/broken.txt\nignored.txt\nnotes.md\n"
    );
    // The same walk for scan and review.
    let run = unbake(p, &["scan", "--exclude", "sub/", "--format", "jsonl"], b"");
    assert!(run.stdout.contains("damaged.txt"), "{}", run.stdout);
    assert!(!run.stdout.contains("zh.txt") && !run.stdout.contains("fixtures"));
}

#[test]
fn a_bad_exclude_glob_is_a_usage_error_and_nothing_is_written() {
    let dir = tree();
    let before = read(&dir.path().join("damaged.txt"));
    let run = unbake(dir.path(), &["repair", "--exclude", "a[b"], b"");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--exclude") && run.stderr.contains("a[b"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&dir.path().join("damaged.txt")), before);
}

#[test]
fn lines_marked_unbake_ignore_keep_their_mojibake() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let text = format!(
        "{DAMAGED}\n`cafÃ©` is café read wrong <!-- unbake: ignore -->\n# unbake:ignore {DAMAGED}\n"
    );
    fs::write(p.join("doc.md"), &text).unwrap();
    let run = unbake(p, &["repair", "doc.md"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want = text.replacen(DAMAGED, REPAIRED, 1);
    assert_eq!(read(&p.join("doc.md")), want);
    // What is left is left on purpose: a check passes, a scan is clean.
    let run = unbake(p, &["repair", "--check", "doc.md"], b"");
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    let run = unbake(p, &["scan", "doc.md"], b"");
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn repairs_in_place() {
    let dir = tree();
    let run = unbake(dir.path(), &["repair"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(&dir.path().join("damaged.txt")),
        format!("Title\n{REPAIRED}\nend\n")
    );
    assert_eq!(read(&dir.path().join("sub/zh.txt")), format!("{ZH}\n"));
    assert_eq!(
        read(&dir.path().join("clean.txt")),
        format!("{REPAIRED}\nNÃO É POSSÍVEL\n")
    );
    assert_eq!(
        read(&dir.path().join("ignored.txt")),
        format!("{DAMAGED}\n")
    );
    // Nothing is left behind.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("unbake"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    // A second run finds nothing.
    let again = unbake(dir.path(), &["repair", "--check"], b"");
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
}

#[test]
fn diff_applies_with_patch_and_gives_the_repaired_files() {
    let dir = tree();
    let run = unbake(dir.path(), &["repair", "--diff"], b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("--- a/damaged.txt\n+++ b/damaged.txt\n"));
    assert!(run.stderr.contains("2 files would be repaired"));
    // Nothing written yet.
    assert!(read(&dir.path().join("damaged.txt")).contains(DAMAGED));

    let patch = Command::new("patch")
        .args(["-p1", "--quiet"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(run.stdout.as_bytes())?;
            child.wait()
        })
        .unwrap();
    assert!(patch.success());
    assert_eq!(
        read(&dir.path().join("damaged.txt")),
        format!("Title\n{REPAIRED}\nend\n")
    );
    assert_eq!(read(&dir.path().join("sub/zh.txt")), format!("{ZH}\n"));
}

#[test]
fn explain_gives_place_chain_confidence_and_evidence() {
    let dir = tree();
    let run = unbake(
        dir.path(),
        &["repair", "--check", "--explain", "damaged.txt"],
        b"",
    );
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let confidence = |line: &str| -> f32 {
        let (_, tail) = line.rsplit_once("; confidence ").unwrap();
        tail.trim_end_matches(')').parse().unwrap()
    };
    assert!(
        lines[0].starts_with("damaged.txt:2:1: Ã© → é (UTF-8 read as windows-1252; confidence "),
        "{}",
        run.stdout
    );
    assert!(confidence(lines[0]) > 0.5);
    // Each change is followed by why the engine believes it.
    assert!(
        lines[1].starts_with("  evidence: UTF-8 read as windows-1252: implausibility "),
        "{}",
        run.stdout
    );
    // The space after `Ã` was a no-break space; its column is in characters.
    let nbsp = lines
        .iter()
        .find(|l| l.starts_with("damaged.txt:2:7: Ã  → à ("));
    assert!(
        nbsp.is_some_and(|l| l.contains("no-break spaces turned into spaces")),
        "{}",
        run.stdout
    );
    assert_eq!(lines.last(), Some(&"damaged.txt"));

    let run = unbake(
        dir.path(),
        &["repair", "--check", "--explain", "sub/zh.txt"],
        b"",
    );
    assert!(run.stdout.contains("sub/zh.txt:1:1: "), "{}", run.stdout);
    assert!(run.stdout.contains("UTF-8 read as GBK"), "{}", run.stdout);
}

#[test]
fn stdin_to_stdout() {
    let input = format!("{DAMAGED}\r\n{}\nclean é\n", gbk_mojibake(ZH));
    let (code, out) = unbake_bytes(&["repair", "-"], input.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("{REPAIRED}\r\n{ZH}\nclean é\n")
    );

    let clean = "NÃO É POSSÍVEL\nCAFÉ Â LA CARTE";
    assert_eq!(
        unbake_bytes(&["repair", "-"], clean.as_bytes()),
        (0, clean.into())
    );

    let (code, out) = unbake_bytes(&["repair", "--check", "-"], input.as_bytes());
    assert_eq!((code, out), (1, b"<stdin>\n".to_vec()));
}

/// `cat notes.txt | unbake repair` means stdin, but with no path repair
/// walks the current directory and rewrites it in place. It is refused,
/// and nothing is touched; `-` reads stdin, and `--check` only looks.
#[test]
fn piped_stdin_without_a_path_is_refused_not_taken_for_the_directory() {
    let dir = tree();
    let piped = format!("{DAMAGED}\n");
    let run = unbake(dir.path(), &["repair"], piped.as_bytes());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`unbake repair -`"), "{}", run.stderr);
    assert!(read(&dir.path().join("damaged.txt")).contains(DAMAGED));
    let run = unbake(dir.path(), &["repair", "-"], piped.as_bytes());
    assert_eq!((run.code, run.stdout), (0, format!("{REPAIRED}\n")));
    let run = unbake(dir.path(), &["repair", "--check"], piped.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(read(&dir.path().join("damaged.txt")).contains(DAMAGED));
}

#[test]
fn binary_stdin_passes_through_with_an_error() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0";
    assert_eq!(unbake_bytes(&["repair", "-"], png), (2, png.to_vec()));
}

#[test]
fn keeps_bom_crlf_encoding_and_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();

    let utf8 = p.join("bom.txt");
    fs::write(&utf8, format!("\u{FEFF}a\r\n{DAMAGED}\r\nb")).unwrap();
    fs::set_permissions(&utf8, fs::Permissions::from_mode(0o640)).unwrap();

    let utf16 = p.join("utf16.txt");
    let wide = |s: &str| -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    };
    fs::write(&utf16, wide(&format!("x\r\n{DAMAGED}\r\n"))).unwrap();
    fs::set_permissions(&utf16, fs::Permissions::from_mode(0o600)).unwrap();

    let run = unbake(p, &["repair", "bom.txt", "utf16.txt"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(&utf8), format!("\u{FEFF}a\r\n{REPAIRED}\r\nb"));
    assert_eq!(
        fs::metadata(&utf8).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        fs::read(&utf16).unwrap(),
        wide(&format!("x\r\n{REPAIRED}\r\n"))
    );
    assert_eq!(
        fs::metadata(&utf16).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn mixed_encoding_lines_become_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.txt");
    let mut bytes = "naïve\n".as_bytes().to_vec();
    bytes.extend(b"caf\xe9 cr\xe8me br\xfbl\xe9e\n");
    fs::write(&file, &bytes).unwrap();
    let run = unbake(dir.path(), &["repair", "--check", "--explain"], b"");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("mixed.txt:2:1: line written in windows-1252 → UTF-8"),
        "{}",
        run.stdout
    );
    let run = unbake(dir.path(), &["repair", "--diff"], b"");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "note: mixed.txt: 1 line in another encoding would become UTF-8 (not shown in the diff)"
        ),
        "{}",
        run.stderr
    );
    unbake(dir.path(), &["repair"], b"");
    assert_eq!(read(&file), "naïve\ncafé crème brûlée\n");
}

#[test]
fn legacy_files_keep_their_encoding_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gbk.txt");
    let text = "配置文件中的参数无效，请检查后重新启动服务。\n日志已经写入磁盘。\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    fs::write(&file, &gbk).unwrap();

    let run = unbake(dir.path(), &["repair", "--check"], b"");
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    unbake(dir.path(), &["repair"], b"");
    assert_eq!(fs::read(&file).unwrap(), gbk.as_ref());

    let run = unbake(dir.path(), &["repair", "--check", "--to-utf8"], b"");
    assert_eq!((run.code, run.stdout.as_str()), (1, "gbk.txt\n"));
    unbake(dir.path(), &["repair", "--to-utf8"], b"");
    assert_eq!(read(&file), text);
}

/// A German text saved by a DOS program: read as windows-1252, as chardetng
/// guesses, its `ü` is a byte windows-1252 leaves undefined, and each was
/// once "repaired" into box drawing (`│berpr│ft`, KOI8-R read as
/// ISO-8859-1), or refused as a character windows-1252 cannot store. It is
/// a clean file in a DOS codepage, and `--to-utf8` reads it as one.
#[test]
fn dos_files_are_read_in_their_codepage() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("liesmich.txt");
    let text = "Die Größe der Datei wird überprüft, bevor sie geöffnet wird.\r\n\
                Änderungen müssen gespeichert werden: Straße, Käse, Bär.\r\n";
    let bytes = unbake::Codec::Ibm850.encode(text).unwrap();
    fs::write(&file, &bytes).unwrap();

    let run = unbake(dir.path(), &["scan", "--format", "jsonl"], b"");
    let report: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert!(
        report["encoding"].as_str().unwrap().starts_with("IBM"),
        "{report}"
    );
    assert_eq!(report["damaged_lines"], 0, "{report}");
    let run = unbake(dir.path(), &["repair", "--check"], b"");
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    assert_eq!(fs::read(&file).unwrap(), bytes);
    let run = unbake(dir.path(), &["repair", "--to-utf8"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(&file), text);
}

#[test]
fn to_utf8_transcodes_wide_files_and_drops_their_bom() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.txt");
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(
        format!("Grüße\r\n{DAMAGED}\r\n")
            .encode_utf16()
            .flat_map(u16::to_be_bytes),
    );
    fs::write(&file, &bytes).unwrap();
    let run = unbake(dir.path(), &["repair", "--to-utf8", "wide.txt"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        fs::read(&file).unwrap(),
        format!("Grüße\r\n{REPAIRED}\r\n").as_bytes()
    );
}

#[test]
fn mojibake_inside_a_legacy_file_is_repaired_in_its_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gbk.txt");
    let clean = "配置文件中的参数无效，请检查后重新启动服务。\n";
    let damaged = format!("{clean}{}\n{clean}", gbk_mojibake(ZH));
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&damaged);
    assert!(!unmappable);
    fs::write(&file, &bytes).unwrap();

    let run = unbake(dir.path(), &["repair", "--explain", "gbk.txt"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("gbk.txt:2:1: "), "{}", run.stdout);
    let repaired = format!("{clean}{ZH}\n{clean}");
    let (expected, _, _) = encoding_rs::GBK.encode(&repaired);
    assert_eq!(fs::read(&file).unwrap(), expected.as_ref());
}

#[test]
fn binary_and_unreadable_files_are_reported_and_the_rest_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xc3\x83\xc2\xa9";
    fs::write(p.join("image.png"), png).unwrap();
    fs::write(p.join("damaged.txt"), format!("{DAMAGED}\n")).unwrap();
    std::os::unix::fs::symlink("nowhere.txt", p.join("broken.txt")).unwrap();

    let run = unbake(
        p,
        &[
            "repair",
            "image.png",
            "missing.txt",
            "broken.txt",
            "damaged.txt",
        ],
        b"",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("image.png: binary file"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("missing.txt: "), "{}", run.stderr);
    assert!(run.stderr.contains("broken.txt: "), "{}", run.stderr);
    assert_eq!(fs::read(p.join("image.png")).unwrap(), png);
    assert_eq!(read(&p.join("damaged.txt")), format!("{REPAIRED}\n"));

    // Binary files met while walking are skipped without an error, but
    // counted; broken links are skipped quietly, as ripgrep does.
    let run = unbake(p, &["repair", "--check"], b"");
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (0, "1 file skipped as binary\n")
    );
    assert_eq!(fs::read(p.join("image.png")).unwrap(), png);
}

#[test]
fn a_file_larger_than_a_chunk_is_repaired_throughout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.txt");
    let filler = "The quick brown fox jumps over the lazy dog, again and again.\n";
    let mut text = format!("{DAMAGED}\n");
    while text.len() < 9 << 20 {
        text.push_str(filler);
    }
    text.push_str(&format!("{DAMAGED}\nlast line without newline"));
    fs::write(&file, &text).unwrap();
    let run = unbake(dir.path(), &["repair", "--check", "--explain"], b"");
    assert_eq!(run.code, 1);
    let lines = text.lines().count();
    assert!(
        run.stdout
            .contains(&format!("big.txt:{}:1: Ã© → é", lines - 1)),
        "{}",
        run.stdout
    );
    unbake(dir.path(), &["repair"], b"");
    // Not assert_eq: a failure would print 9 MiB.
    assert!(read(&file) == text.replace(DAMAGED, REPAIRED));
}
