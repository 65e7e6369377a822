//! What review shows for one span, plain and coloured, pinned as snapshots.

use unbake::review::render::{help, prompt, render_span};
use unbake::review::{FileReview, Review};
use unbake::{Chain, Change, Codec, Family, Step};

/// `Á` read as windows-1252 leaves `Ã` and an invisible U+0081; the line also
/// holds a no-break space that is not part of the repair.
fn review() -> Review {
    let text = "intro\nname:\u{A0}\u{C3}\u{81}lvaro \u{C3}\u{A9}\r\nend\n";
    let before = "\u{C3}\u{81}";
    let start = text.find(before).unwrap();
    let change = Change {
        span: start..start + before.len(),
        before: before.into(),
        after: "Á".into(),
        family: Family::Mojibake,
        chain: Chain::new(vec![Step::Reinterpret {
            read_as: Codec::Windows1252,
            actual: Codec::Utf8,
        }]),
        confidence: 0.9,
        evidence: "UTF-8 read as windows-1252: implausibility 3.5 → 0.0".into(),
    };
    let other = Change {
        span: text.rfind('\u{C3}').unwrap()..text.rfind('\u{A9}').unwrap() + 2,
        before: "\u{C3}\u{A9}".into(),
        after: "é".into(),
        ..change.clone()
    };
    Review::new(vec![
        FileReview {
            label: "people/names.txt".into(),
            text: text.into(),
            changes: vec![change, other],
        },
        FileReview {
            label: "empty.txt".into(),
            text: String::new(),
            changes: Vec::new(),
        },
    ])
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
fn plain_span_snapshot() {
    let review = review();
    let shown = format!("{}{}", render_span(&review, false), prompt(&review.keys()));
    snapshot!("review_plain", shown);
}

#[test]
fn coloured_span_snapshot() {
    let review = review();
    snapshot!(
        "review_coloured",
        render_span(&review, true).replace('\x1b', "\\e")
    );
}

#[test]
fn help_snapshot() {
    snapshot!("review_help", help(&review().keys()));
}
