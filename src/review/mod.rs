//! Interactive review: a person accepts or rejects each repair before it is
//! written.
//!
//! The review is a state machine fed one [`Key`] at a time, kept apart from
//! the terminal: everything that decides what gets written (which spans are
//! accepted, when a file's review ends, what `a` or `A` cover, which keys
//! apply) is here and tested by feeding keys, and the terminal layer in the
//! binary only shows [`render`]ed text, reads keys and writes the files this
//! machine says have ended.
//!
//! A file's review ends when its last span is decided, when `a`/`d`/`A`/`R`
//! decide the rest of it, or on `q`. Its accepted spans are written then, so
//! quitting halfway through a long review loses nothing already decided.
//! Skipped and undecided spans are never written.

pub mod render;

use crate::engine::Change;

/// One file to review: the text the repairs were made from, and the repairs.
#[derive(Clone, Debug)]
pub struct FileReview {
    pub label: String,
    pub text: String,
    pub changes: Vec<Change>,
}

/// What became of one span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Accepted,
    Rejected,
    Skipped,
}

/// The keys of the review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Accept,
    Reject,
    AcceptFile,
    RejectFile,
    AcceptAll,
    RejectAll,
    Skip,
    Quit,
    Help,
}

impl Key {
    /// In the order help lists them.
    pub const ALL: [Key; 9] = [
        Key::Accept,
        Key::Reject,
        Key::AcceptFile,
        Key::RejectFile,
        Key::AcceptAll,
        Key::RejectAll,
        Key::Skip,
        Key::Quit,
        Key::Help,
    ];

    pub fn from_char(c: char) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.char() == c)
    }

    pub fn char(self) -> char {
        match self {
            Key::Accept => 'y',
            Key::Reject => 'n',
            Key::AcceptFile => 'a',
            Key::RejectFile => 'd',
            Key::AcceptAll => 'A',
            Key::RejectAll => 'R',
            Key::Skip => 's',
            Key::Quit => 'q',
            Key::Help => '?',
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Key::Accept => "accept this repair",
            Key::Reject => "reject this repair",
            Key::AcceptFile => "accept this and the rest of this file",
            Key::RejectFile => "reject this and the rest of this file",
            Key::AcceptAll => "accept this and everything remaining, in every file",
            Key::RejectAll => "reject this and everything remaining, in every file",
            Key::Skip => "skip this repair for now (it is not written)",
            Key::Quit => "quit, writing what was accepted so far",
            Key::Help => "show this help",
        }
    }
}

/// Where the review stands, for the header "3/17, file 2 of 5".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Index into [`Review::files`].
    pub file: usize,
    /// Index into that file's changes.
    pub span: usize,
    /// 1-based number of this span among all spans.
    pub number: usize,
    pub total: usize,
    pub files: usize,
}

/// What a key did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// Nothing was decided; show help for these keys.
    Help(Vec<Key>),
    /// Decisions were recorded. The reviews of these files (indices into
    /// [`Review::files`]) ended: write their accepted spans now.
    Decided { ended: Vec<usize> },
}

/// The review of a set of files, one span at a time.
#[derive(Clone, Debug)]
pub struct Review {
    files: Vec<FileReview>,
    decisions: Vec<Vec<Option<Decision>>>,
    file: usize,
    span: usize,
    quit: bool,
}

impl Review {
    /// A review of the files that have repairs; files without any have
    /// nothing to review and are left out (and so are not counted in "file
    /// 2 of 5").
    pub fn new(files: Vec<FileReview>) -> Review {
        let files: Vec<FileReview> = files
            .into_iter()
            .filter(|f| !f.changes.is_empty())
            .collect();
        let decisions = files.iter().map(|f| vec![None; f.changes.len()]).collect();
        Review {
            files,
            decisions,
            file: 0,
            span: 0,
            quit: false,
        }
    }

    pub fn files(&self) -> &[FileReview] {
        &self.files
    }

    pub fn is_finished(&self) -> bool {
        self.quit || self.file >= self.files.len()
    }

    pub fn position(&self) -> Option<Position> {
        if self.is_finished() {
            return None;
        }
        let before: usize = self.files[..self.file]
            .iter()
            .map(|f| f.changes.len())
            .sum();
        Some(Position {
            file: self.file,
            span: self.span,
            number: before + self.span + 1,
            total: self.files.iter().map(|f| f.changes.len()).sum(),
            files: self.files.len(),
        })
    }

    /// The file and the change under review.
    pub fn current(&self) -> Option<(&FileReview, &Change)> {
        let p = self.position()?;
        let file = &self.files[p.file];
        Some((file, &file.changes[p.span]))
    }

    /// The keys that do something different from the others now: `a`/`d`
    /// only when this file has more spans after this one, `A`/`R` only when
    /// a later file has spans too. Nothing applies once the review is over.
    pub fn keys(&self) -> Vec<Key> {
        if self.is_finished() {
            return Vec::new();
        }
        let more_here = self.span + 1 < self.files[self.file].changes.len();
        let more_files = self.file + 1 < self.files.len();
        Key::ALL
            .into_iter()
            .filter(|k| match k {
                Key::AcceptFile | Key::RejectFile => more_here,
                Key::AcceptAll | Key::RejectAll => more_files,
                _ => true,
            })
            .collect()
    }

    /// Feeds one key. Keys after the review is over decide nothing.
    pub fn press(&mut self, key: Key) -> Response {
        if self.is_finished() {
            return Response::Decided { ended: Vec::new() };
        }
        let start = self.file;
        match key {
            Key::Help => return Response::Help(self.keys()),
            Key::Accept => self.decide_one(Decision::Accepted),
            Key::Reject => self.decide_one(Decision::Rejected),
            Key::Skip => self.decide_one(Decision::Skipped),
            Key::AcceptFile => self.decide_file(Decision::Accepted),
            Key::RejectFile => self.decide_file(Decision::Rejected),
            Key::AcceptAll | Key::RejectAll => {
                let decision = if key == Key::AcceptAll {
                    Decision::Accepted
                } else {
                    Decision::Rejected
                };
                while !self.is_finished() {
                    self.decide_file(decision);
                }
            }
            Key::Quit => {
                self.quit = true;
                return Response::Decided { ended: vec![start] };
            }
        }
        let ended = (start..self.file.min(self.files.len())).collect();
        Response::Decided { ended }
    }

    fn decide_one(&mut self, decision: Decision) {
        self.decisions[self.file][self.span] = Some(decision);
        self.span += 1;
        if self.span == self.files[self.file].changes.len() {
            self.file += 1;
            self.span = 0;
        }
    }

    fn decide_file(&mut self, decision: Decision) {
        let file = self.file;
        while self.file == file {
            self.decide_one(decision);
        }
    }

    pub fn decision(&self, file: usize, span: usize) -> Option<Decision> {
        self.decisions[file][span]
    }

    /// The accepted changes of a file, in span order.
    pub fn accepted(&self, file: usize) -> impl Iterator<Item = &Change> {
        self.files[file]
            .changes
            .iter()
            .zip(&self.decisions[file])
            .filter(|(_, d)| **d == Some(Decision::Accepted))
            .map(|(c, _)| c)
    }

    /// How many spans got each decision, and how many were left undecided.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for d in self.decisions.iter().flatten() {
            match d {
                Some(Decision::Accepted) => tally.accepted += 1,
                Some(Decision::Rejected) => tally.rejected += 1,
                Some(Decision::Skipped) => tally.skipped += 1,
                None => tally.undecided += 1,
            }
        }
        tally
    }
}

/// Counts of decisions, for the summary at the end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub accepted: usize,
    pub rejected: usize,
    pub skipped: usize,
    pub undecided: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Chain, Family};

    fn file(label: &str, spans: usize) -> FileReview {
        let text = "Ã© ".repeat(spans);
        let changes = (0..spans)
            .map(|i| Change {
                span: i * 3..i * 3 + 2,
                before: "Ã©".into(),
                after: "é".into(),
                family: Family::Mojibake,
                chain: Chain::default(),
                confidence: 0.9,
                evidence: String::new(),
            })
            .collect();
        FileReview {
            label: label.into(),
            text,
            changes,
        }
    }

    fn run(review: &mut Review, keys: &str) -> Vec<usize> {
        let mut ended = Vec::new();
        for c in keys.chars() {
            if let Response::Decided { ended: e } = review.press(Key::from_char(c).unwrap()) {
                ended.extend(e);
            }
        }
        ended
    }

    fn decisions(review: &Review, file: usize) -> String {
        (0..review.files()[file].changes.len())
            .map(|s| match review.decision(file, s) {
                Some(Decision::Accepted) => 'y',
                Some(Decision::Rejected) => 'n',
                Some(Decision::Skipped) => 's',
                None => '.',
            })
            .collect()
    }

    #[test]
    fn files_without_repairs_are_not_reviewed() {
        let review = Review::new(vec![file("a", 0), file("b", 2), file("c", 0)]);
        assert_eq!(review.files().len(), 1);
        let p = review.position().unwrap();
        assert_eq!((p.number, p.total, p.file, p.files), (1, 2, 0, 1));
    }

    #[test]
    fn position_counts_across_files() {
        let mut review = Review::new(vec![file("a", 2), file("b", 3)]);
        run(&mut review, "yns");
        let p = review.position().unwrap();
        assert_eq!(
            (p.number, p.total, p.file, p.span, p.files),
            (4, 5, 1, 1, 2)
        );
    }

    #[test]
    fn each_file_ends_when_its_last_span_is_decided() {
        let mut review = Review::new(vec![file("a", 2), file("b", 1)]);
        assert_eq!(run(&mut review, "y"), Vec::<usize>::new());
        assert_eq!(run(&mut review, "n"), [0]);
        assert_eq!(run(&mut review, "s"), [1]);
        assert!(review.is_finished());
        assert_eq!(decisions(&review, 0), "yn");
        assert_eq!(decisions(&review, 1), "s");
        assert_eq!(review.accepted(0).count(), 1);
    }

    #[test]
    fn accept_rest_of_file_stops_at_the_file() {
        let mut review = Review::new(vec![file("a", 3), file("b", 2)]);
        assert_eq!(run(&mut review, "na"), [0]);
        assert_eq!(decisions(&review, 0), "nyy");
        assert_eq!(decisions(&review, 1), "..");
        assert_eq!(run(&mut review, "d"), [1]);
        assert_eq!(decisions(&review, 1), "nn");
    }

    #[test]
    fn accept_everything_ends_every_remaining_file() {
        let mut review = Review::new(vec![file("a", 2), file("b", 1), file("c", 2)]);
        assert_eq!(run(&mut review, "nA"), [0, 1, 2]);
        assert_eq!(
            [
                decisions(&review, 0),
                decisions(&review, 1),
                decisions(&review, 2)
            ],
            ["ny", "y", "yy"]
        );
        let mut review = Review::new(vec![file("a", 1), file("b", 1)]);
        assert_eq!(run(&mut review, "R"), [0, 1]);
        assert_eq!(review.tally().rejected, 2);
    }

    #[test]
    fn quit_ends_the_current_file_and_leaves_the_rest_undecided() {
        let mut review = Review::new(vec![file("a", 3), file("b", 1)]);
        assert_eq!(run(&mut review, "yq"), [0]);
        assert!(review.is_finished());
        assert_eq!(decisions(&review, 0), "y..");
        assert_eq!(
            review.tally(),
            Tally {
                accepted: 1,
                rejected: 0,
                skipped: 0,
                undecided: 3
            }
        );
        assert_eq!(run(&mut review, "y"), Vec::<usize>::new());
    }

    #[test]
    fn help_lists_only_keys_that_apply_and_decides_nothing() {
        let mut review = Review::new(vec![file("a", 2), file("b", 1)]);
        let chars = |r: &mut Review| match r.press(Key::Help) {
            Response::Help(keys) => keys.iter().map(|k| k.char()).collect::<String>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(chars(&mut review), "ynadARsq?");
        run(&mut review, "y");
        assert_eq!(chars(&mut review), "ynARsq?");
        run(&mut review, "y");
        assert_eq!(chars(&mut review), "ynsq?");
        assert_eq!(review.position().unwrap().number, 3);
    }
}
