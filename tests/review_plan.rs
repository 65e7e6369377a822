//! `repair --apply-plan`: a plan applies only to the bytes it was made from.

use std::fs;
use std::process::{Command, Output};

use unbake::plan::Plan;
use unbake::{Chain, Change, Codec, Family, Step};

fn change(text: &str, before: &str, after: &str) -> Change {
    let start = text.find(before).unwrap();
    Change {
        span: start..start + before.len(),
        before: before.into(),
        after: after.into(),
        family: Family::Mojibake,
        chain: Chain::new(vec![Step::Reinterpret {
            read_as: Codec::Windows1252,
            actual: Codec::Utf8,
        }]),
        confidence: 0.9,
        evidence: String::new(),
    }
}

fn apply(dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unbake"))
        .args(["repair", "--apply-plan", "plan.json"])
        .current_dir(dir)
        .output()
        .unwrap()
}

const ONE: &str = "caf\u{C3}\u{A9} and \u{C3}\u{A9}t\u{C3}\u{A9}\n";
const TWO: &str = "r\u{C3}\u{A9}sum\u{C3}\u{A9}\n";

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join("one.txt"), ONE).unwrap();
    fs::write(dir.path().join("sub/two.txt"), TWO).unwrap();
    let mut plan = Plan::default();
    plan.add(
        "one.txt",
        ONE.as_bytes(),
        [&change(ONE, "\u{C3}\u{A9}t\u{C3}\u{A9}", "été")],
    );
    plan.add(
        "sub/two.txt",
        TWO.as_bytes(),
        [&change(TWO, "r\u{C3}\u{A9}sum\u{C3}\u{A9}", "résumé")],
    );
    fs::write(dir.path().join("plan.json"), plan.to_json()).unwrap();
    dir
}

#[test]
fn plan_applies_exactly_its_changes() {
    let dir = setup();
    let output = apply(dir.path());
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        fs::read_to_string(dir.path().join("one.txt")).unwrap(),
        "caf\u{C3}\u{A9} and été\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("sub/two.txt")).unwrap(),
        "résumé\n"
    );
}

#[test]
fn a_changed_file_is_refused_by_name_and_nothing_is_written() {
    let dir = setup();
    let edited = TWO.replace("sum", "SUM");
    fs::write(dir.path().join("sub/two.txt"), &edited).unwrap();
    let output = apply(dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("sub/two.txt: content changed"), "{stderr}");
    assert_eq!(fs::read_to_string(dir.path().join("one.txt")).unwrap(), ONE);
    assert_eq!(
        fs::read_to_string(dir.path().join("sub/two.txt")).unwrap(),
        edited
    );
}

#[test]
fn a_plan_edited_by_hand_is_refused() {
    let dir = setup();
    let json = fs::read_to_string(dir.path().join("plan.json")).unwrap();
    fs::write(
        dir.path().join("plan.json"),
        json.replace("\"été\"", "\"ete\""),
    )
    .unwrap();
    let output = apply(dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("one.txt: change at bytes"), "{stderr}");
    assert_eq!(fs::read_to_string(dir.path().join("one.txt")).unwrap(), ONE);
}
