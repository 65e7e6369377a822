//! `unbake repair --diff` end to end: a plain diff that patch applies, and
//! colour only where asked for or where a terminal shows it.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use rexpect::session::spawn_command;

/// `é` misread, and `Á` misread into a C1 control, on a CRLF line.
const DAMAGED: &[u8] = b"caf\xc3\x83\xc2\xa9 \xc3\x83\xc2\x81lvaro\r\nok\n";
const REPAIRED: &str = "café Álvaro\r\nok\n";

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("docs")).unwrap();
    fs::write(dir.path().join("docs/a.txt"), DAMAGED).unwrap();
    dir
}

fn unbake(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unbake"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

#[test]
fn piped_diff_is_plain_explained_and_applies_with_patch() {
    let dir = setup();
    let diff = unbake(dir.path(), &["repair", "--diff", "--explain", "docs/a.txt"]);
    assert_eq!(diff.status.code(), Some(1), "{diff:?}");
    let text = String::from_utf8(diff.stdout).unwrap();
    assert!(!text.contains('\x1b'), "piped output must not be coloured");
    assert!(text.contains("# line 1: caf[-Ã©-]{+é+} [-Ã<U+0081>-]{+Á+}lvaro\n"));
    assert!(text.contains("@@ -1,2 +1,2 @@ UTF-8 read as windows-1252 (2 spans, lowest confidence"));
    // The file is untouched until the patch is applied.
    assert_eq!(fs::read(dir.path().join("docs/a.txt")).unwrap(), DAMAGED);

    fs::write(dir.path().join("fix.patch"), &text).unwrap();
    let patched = Command::new("patch")
        .args(["-p1", "--input", "fix.patch"])
        .current_dir(dir.path())
        .output();
    let patched = match patched {
        Ok(output) => output,
        // No patch here: git apply reads the same format.
        Err(_) => Command::new("git")
            .args(["apply", "fix.patch"])
            .current_dir(dir.path())
            .output()
            .unwrap(),
    };
    assert!(patched.status.success(), "{patched:?}\n{text}");
    assert_eq!(
        fs::read_to_string(dir.path().join("docs/a.txt")).unwrap(),
        REPAIRED
    );
}

#[test]
fn color_always_marks_changes_and_hidden_characters() {
    let dir = setup();
    let diff = unbake(
        dir.path(),
        &["repair", "--diff", "--color", "always", "docs/a.txt"],
    );
    let text = String::from_utf8(diff.stdout).unwrap();
    assert!(text.contains("\x1b[4m<U+0081>\x1b[24m"), "{text}");
    assert!(text.contains("\x1b[31m-caf\x1b[7m"), "{text}");
    assert!(
        !text.contains("# unbake"),
        "notes are for plain output only"
    );
}

/// On a terminal `auto` colours, unless NO_COLOR is set.
fn on_terminal(no_color: bool) -> String {
    let dir = setup();
    let mut command = Command::new(env!("CARGO_BIN_EXE_unbake"));
    command
        .args(["repair", "--diff", "docs/a.txt"])
        .current_dir(dir.path());
    if no_color {
        command.env("NO_COLOR", "1");
    } else {
        command.env_remove("NO_COLOR");
    }
    // The timeout only keeps a hung run from hanging the tests.
    let mut session = spawn_command(command, Some(60_000)).unwrap();
    session.exp_eof().unwrap()
}

#[test]
fn auto_colours_a_terminal_unless_no_color_is_set() {
    assert!(on_terminal(false).contains("\x1b[7m"));
    let plain = on_terminal(true);
    assert!(plain.contains("+++ b/docs/a.txt"), "{plain}");
    assert!(!plain.contains('\x1b'), "{plain}");
}
