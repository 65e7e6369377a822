//! `unbake review` driven through a pseudo-terminal with scripted keys, as a
//! person would use it; each test checks the files written.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use rexpect::process::WaitStatus;
use rexpect::session::{spawn_command, PtySession};

/// Four repaired spans in `a.txt` (on lines 1, 2, 2 and 4), two in `b.txt`.
/// Expectations are ASCII: rexpect reads the terminal's bytes one by one.
const A: &str = "caf\u{C3}\u{A9}\n\u{C3}\u{A9}t\u{C3}\u{A9}\nplain\nna\u{C3}\u{AF}ve\n";
const B: &str = "r\u{C3}\u{A9}sum\u{C3}\u{A9}\n";

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), A).unwrap();
    fs::write(dir.path().join("b.txt"), B).unwrap();
    dir
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

/// Starts `unbake review ARGS` on a pseudo-terminal in `dir`. The timeout
/// only stops a hung review from hanging the test run; nothing depends on it.
fn review(dir: &Path, args: &[&str]) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_unbake"));
    command
        .arg("review")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1");
    spawn_command(command, Some(60_000)).unwrap()
}

/// Waits for the span headed `header`, then presses `key`.
fn answer(session: &mut PtySession, header: &str, key: char) {
    session.exp_string(header).unwrap();
    session.exp_string("]? ").unwrap();
    session.send(&key.to_string()).unwrap();
    session.flush().unwrap();
}

/// Reads the rest of the output and checks the exit code.
fn finish(mut session: PtySession) -> String {
    let rest = session.exp_eof().unwrap();
    match session.process().wait().unwrap() {
        WaitStatus::Exited(_, 0) => rest,
        other => panic!("review ended with {other:?}:\n{rest}"),
    }
}

#[test]
fn accept_reject_and_skip_one_at_a_time() {
    let dir = setup();
    let mut s = review(dir.path(), &["a.txt", "b.txt"]);
    answer(&mut s, "1/6, file 1 of 2: a.txt, line 1", 'y');
    answer(&mut s, "2/6, file 1 of 2: a.txt, line 2", 'n');
    answer(&mut s, "3/6, file 1 of 2: a.txt, line 2", 'y');
    answer(&mut s, "4/6, file 1 of 2: a.txt, line 4", 's');
    s.exp_string("wrote a.txt: 2 of 4 repairs").unwrap();
    answer(&mut s, "5/6, file 2 of 2: b.txt, line 1", 'n');
    answer(&mut s, "6/6, file 2 of 2: b.txt, line 1", 'y');
    s.exp_string("wrote b.txt: 1 of 2 repairs").unwrap();
    let rest = finish(s);
    assert!(rest.contains("3 accepted, 2 rejected, 1 skipped, 0 not reviewed"));
    assert_eq!(
        read(dir.path(), "a.txt"),
        "café\n\u{C3}\u{A9}té\nplain\nna\u{C3}\u{AF}ve\n"
    );
    assert_eq!(read(dir.path(), "b.txt"), "r\u{C3}\u{A9}sumé\n");
}

#[test]
fn accept_rest_of_file_then_reject_everything_remaining() {
    let dir = setup();
    let mut s = review(dir.path(), &["a.txt", "b.txt"]);
    answer(&mut s, "1/6, file 1 of 2", 'n');
    answer(&mut s, "2/6, file 1 of 2", 'a');
    s.exp_string("wrote a.txt: 3 of 4 repairs").unwrap();
    answer(&mut s, "5/6, file 2 of 2", 'R');
    let rest = finish(s);
    assert!(rest.contains("3 accepted, 3 rejected, 0 skipped, 0 not reviewed"));
    assert_eq!(
        read(dir.path(), "a.txt"),
        "caf\u{C3}\u{A9}\nété\nplain\nnaïve\n"
    );
    assert_eq!(read(dir.path(), "b.txt"), B);
}

#[test]
fn accept_everything_remaining_writes_every_file() {
    let dir = setup();
    let mut s = review(dir.path(), &["a.txt", "b.txt"]);
    answer(&mut s, "1/6, file 1 of 2", 'A');
    let rest = finish(s);
    assert!(rest.contains("6 accepted"));
    assert_eq!(read(dir.path(), "a.txt"), "café\nété\nplain\nnaïve\n");
    assert_eq!(read(dir.path(), "b.txt"), "résumé\n");
}

#[test]
fn quit_midway_keeps_what_was_accepted_and_nothing_else() {
    let dir = setup();
    let mut s = review(dir.path(), &["b.txt", "a.txt"]);
    answer(&mut s, "1/6, file 1 of 2: b.txt", 'y');
    answer(&mut s, "2/6, file 1 of 2: b.txt", 'y');
    s.exp_string("wrote b.txt: 2 of 2 repairs").unwrap();
    answer(&mut s, "3/6, file 2 of 2: a.txt", 'y');
    answer(&mut s, "4/6, file 2 of 2: a.txt", 'q');
    let rest = finish(s);
    assert!(rest.contains("3 accepted, 0 rejected, 0 skipped, 3 not reviewed"));
    assert_eq!(read(dir.path(), "b.txt"), "résumé\n");
    assert_eq!(
        read(dir.path(), "a.txt"),
        "café\n\u{C3}\u{A9}t\u{C3}\u{A9}\nplain\nna\u{C3}\u{AF}ve\n"
    );
}

/// Presses `?` at the current prompt and returns the help shown.
fn ask_help(session: &mut PtySession) -> String {
    session.send("?").unwrap();
    session.flush().unwrap();
    session.exp_string("? - show this help").unwrap()
}

#[test]
fn help_lists_only_the_keys_that_apply() {
    let dir = setup();
    let mut s = review(dir.path(), &["a.txt", "b.txt"]);
    s.exp_string("1/6, file 1 of 2").unwrap();
    s.exp_string("[y,n,a,d,A,R,s,q,?]? ").unwrap();
    let first = ask_help(&mut s);
    assert!(first.contains("a - accept this and the rest of this file"));
    assert!(first.contains("A - accept this and everything remaining"));
    answer(&mut s, "", 'd');

    // In the last file, nothing beyond it to accept or reject.
    s.exp_string("5/6, file 2 of 2").unwrap();
    s.exp_string("[y,n,a,d,s,q,?]? ").unwrap();
    let middle = ask_help(&mut s);
    assert!(middle.contains("a - accept this and the rest of this file"));
    assert!(!middle.contains("A - "), "no other file remains:\n{middle}");
    answer(&mut s, "", 'y');

    // At the last span, not even the rest of the file.
    s.exp_string("6/6, file 2 of 2").unwrap();
    s.exp_string("[y,n,s,q,?]? ").unwrap();
    let last = ask_help(&mut s);
    assert!(last.contains("y - accept this repair"));
    assert!(
        !last.contains("a - "),
        "no span remains in this file:\n{last}"
    );
    answer(&mut s, "", 'n');
    let rest = finish(s);
    assert!(rest.contains("1 accepted, 5 rejected"));
    assert_eq!(read(dir.path(), "a.txt"), A);
    assert_eq!(read(dir.path(), "b.txt"), "résum\u{C3}\u{A9}\n");
}

#[test]
fn saved_plan_writes_no_file_and_applies_later_exactly() {
    let dir = setup();
    let mut s = review(dir.path(), &["a.txt", "b.txt", "--save-plan", "plan.json"]);
    for (header, key) in [("1/6", 'y'), ("2/6", 'n'), ("3/6", 'y'), ("4/6", 'n')] {
        answer(&mut s, header, key);
    }
    answer(&mut s, "5/6", 'd');
    let rest = finish(s);
    assert!(rest.contains("plan for 1 file saved to plan.json"));
    assert_eq!(read(dir.path(), "a.txt"), A);
    assert_eq!(read(dir.path(), "b.txt"), B);

    let apply = Command::new(env!("CARGO_BIN_EXE_unbake"))
        .args(["repair", "--apply-plan", "plan.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(apply.status.success(), "{apply:?}");
    assert_eq!(
        read(dir.path(), "a.txt"),
        "café\n\u{C3}\u{A9}té\nplain\nna\u{C3}\u{AF}ve\n"
    );
    assert_eq!(read(dir.path(), "b.txt"), B);
}

#[test]
fn review_without_a_terminal_refuses_and_points_to_diff() {
    let dir = setup();
    let output = Command::new(env!("CARGO_BIN_EXE_unbake"))
        .args(["review", "a.txt"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("repair --diff"), "{stderr}");
    assert_eq!(read(dir.path(), "a.txt"), A);
}

#[test]
fn a_file_edited_during_the_review_is_not_overwritten() {
    let dir = setup();
    let mut s = review(dir.path(), &["a.txt"]);
    s.exp_string("1/4, file 1 of 1").unwrap();
    fs::write(dir.path().join("a.txt"), "edited meanwhile\n").unwrap();
    answer(&mut s, "", 'a');
    let rest = s.exp_eof().unwrap();
    assert!(
        rest.contains("a.txt: changed on disk since it was read; not written"),
        "{rest}"
    );
    assert!(matches!(
        s.process().wait().unwrap(),
        WaitStatus::Exited(_, 2)
    ));
    assert_eq!(read(dir.path(), "a.txt"), "edited meanwhile\n");
}

#[test]
fn a_file_with_lines_in_another_encoding_is_left_to_repair() {
    let dir = setup();
    // A windows-1252 line in a UTF-8 file: writing only some repairs would
    // have to re-encode it, so review leaves the file alone.
    fs::write(
        dir.path().join("mixed.txt"),
        b"caf\xc3\x83\xc2\xa9\nna\xefve\n",
    )
    .unwrap();
    let mut s = review(dir.path(), &["mixed.txt", "b.txt"]);
    s.exp_string("mixed.txt: line 2 is in").unwrap();
    answer(&mut s, "1/2, file 1 of 1: b.txt", 'A');
    s.exp_eof().unwrap();
    assert!(matches!(
        s.process().wait().unwrap(),
        WaitStatus::Exited(_, 2)
    ));
    assert_eq!(
        fs::read(dir.path().join("mixed.txt")).unwrap(),
        b"caf\xc3\x83\xc2\xa9\nna\xefve\n"
    );
    assert_eq!(read(dir.path(), "b.txt"), "résumé\n");
}
