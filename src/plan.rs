//! Review plans: the repairs a person accepted, recorded so they can be
//! applied later, elsewhere, by a machine.
//!
//! A team reviews once (`unbake review --save-plan plan.json`) and applies in
//! a pipeline (`unbake repair --apply-plan plan.json`). Between the two the
//! files may have moved on, and a plan applied to other content could write
//! nonsense at stale byte offsets. So a plan keeps the SHA-256 of each file
//! exactly as it was read (its bytes on disk, before any decoding), and
//! applying refuses a file whose bytes no longer match. As a second guard,
//! each change must still find its `before` text at its span, and its chain
//! must still turn `before` into `after`: a plan edited by hand, or written
//! by a different version of unbake, cannot smuggle in a change that is not
//! a replayable repair.
//!
//! Paths are stored as the reviewer gave them, relative to where review ran,
//! in the same way a patch is applied from the directory it was made in.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::chains::Chain;
use crate::engine::Change;

/// The format name written into every plan, so that a plan from an
/// incompatible version is refused rather than misread.
pub const FORMAT: &str = "unbake-plan/1";

/// Accepted repairs for a set of files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format: String,
    pub files: Vec<PlannedFile>,
}

/// The accepted repairs of one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedFile {
    pub path: String,
    /// Lowercase hex SHA-256 of the file's bytes when it was reviewed.
    pub sha256: String,
    pub changes: Vec<PlannedChange>,
}

/// One accepted repair. The span is a byte range in the file's decoded text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedChange {
    pub span: Range<usize>,
    pub before: String,
    pub after: String,
    pub chain: Chain,
    pub confidence: f32,
}

impl From<&Change> for PlannedChange {
    fn from(change: &Change) -> Self {
        PlannedChange {
            span: change.span.clone(),
            before: change.before.clone(),
            after: change.after.clone(),
            chain: change.chain.clone(),
            confidence: change.confidence,
        }
    }
}

/// Why a plan or one of its files cannot be applied.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanError {
    /// The plan is not JSON of this format.
    Unreadable(String),
    /// The file's bytes are not the ones that were reviewed.
    Changed { path: String },
    /// A change does not fit the file or does not replay.
    BadChange {
        path: String,
        span: Range<usize>,
        why: String,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Unreadable(why) => write!(f, "not a plan: {why}"),
            PlanError::Changed { path } => write!(
                f,
                "{path}: content changed since the plan was made (SHA-256 differs); review it again"
            ),
            PlanError::BadChange { path, span, why } => {
                write!(
                    f,
                    "{path}: change at bytes {}..{}: {why}",
                    span.start, span.end
                )
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            format: FORMAT.to_string(),
            files: Vec::new(),
        }
    }
}

impl Plan {
    /// Records the accepted changes of one file, read as `bytes`. A file
    /// with nothing accepted is left out: the plan says what to write.
    pub fn add<'a>(
        &mut self,
        path: &str,
        bytes: &[u8],
        accepted: impl IntoIterator<Item = &'a Change>,
    ) {
        let mut changes: Vec<PlannedChange> = accepted.into_iter().map(Into::into).collect();
        if changes.is_empty() {
            return;
        }
        changes.sort_by_key(|c| c.span.start);
        self.files.push(PlannedFile {
            path: path.to_string(),
            sha256: sha256_hex(bytes),
            changes,
        });
    }

    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a plan is always serialisable");
        json.push('\n');
        json
    }

    pub fn from_json(json: &str) -> Result<Plan, PlanError> {
        let plan: Plan =
            serde_json::from_str(json).map_err(|e| PlanError::Unreadable(e.to_string()))?;
        if plan.format != FORMAT {
            return Err(PlanError::Unreadable(format!(
                "format is {:?}, this unbake reads {FORMAT:?}",
                plan.format
            )));
        }
        Ok(plan)
    }
}

impl PlannedFile {
    /// Checks that `bytes` (the file as read now) are what was reviewed.
    pub fn check_digest(&self, bytes: &[u8]) -> Result<(), PlanError> {
        if sha256_hex(bytes) == self.sha256 {
            Ok(())
        } else {
            Err(PlanError::Changed {
                path: self.path.clone(),
            })
        }
    }

    /// Applies the planned changes to `text`, the file's decoded text, after
    /// checking each one: its span holds `before`, its chain replays to
    /// `after`, and it does not overlap another.
    pub fn apply(&self, text: &str) -> Result<String, PlanError> {
        let bad = |change: &PlannedChange, why: &str| PlanError::BadChange {
            path: self.path.clone(),
            span: change.span.clone(),
            why: why.to_string(),
        };
        let mut changes: Vec<&PlannedChange> = self.changes.iter().collect();
        changes.sort_by_key(|c| c.span.start);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for change in changes {
            if change.span.start < at {
                return Err(bad(change, "overlaps the change before it"));
            }
            if text.get(change.span.clone()) != Some(change.before.as_str()) {
                return Err(bad(change, "the file does not hold the planned text there"));
            }
            if change.chain.apply(&change.before).as_deref() != Some(change.after.as_str()) {
                return Err(bad(
                    change,
                    &format!(
                        "the chain ({}) does not turn the text into its repair",
                        change.chain
                    ),
                ));
            }
            out.push_str(&text[at..change.span.start]);
            out.push_str(&change.after);
            at = change.span.end;
        }
        out.push_str(&text[at..]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Codec, Family, Step};

    fn change(input: &str, before: &str, after: &str) -> Change {
        let start = input.find(before).unwrap();
        Change {
            span: start..start + before.len(),
            before: before.to_string(),
            after: after.to_string(),
            family: Family::Mojibake,
            chain: Chain::new(vec![Step::Reinterpret {
                read_as: Codec::Windows1252,
                actual: Codec::Utf8,
            }]),
            confidence: 0.9,
            evidence: String::new(),
        }
    }

    #[test]
    fn round_trip_through_json_applies_exactly_the_accepted_changes() {
        let input = "cafÃ© and Ã©tÃ©\n";
        let accepted = change(input, "Ã©tÃ©", "été");
        let mut plan = Plan::default();
        plan.add("notes.txt", input.as_bytes(), [&accepted]);
        plan.add("untouched.txt", b"x", []);
        let plan = Plan::from_json(&plan.to_json()).unwrap();
        assert_eq!(plan.files.len(), 1);
        let file = &plan.files[0];
        file.check_digest(input.as_bytes()).unwrap();
        assert_eq!(file.apply(input).unwrap(), "cafÃ© and été\n");
    }

    #[test]
    fn changed_file_is_refused_by_name() {
        let input = "cafÃ©\n";
        let mut plan = Plan::default();
        plan.add(
            "a/b.txt",
            input.as_bytes(),
            [&change(input, "cafÃ©", "café")],
        );
        let err = plan.files[0].check_digest(b"cafe\n").unwrap_err();
        assert!(err.to_string().starts_with("a/b.txt: content changed"));
    }

    #[test]
    fn a_change_that_does_not_replay_is_refused() {
        let input = "cafÃ©\n";
        let mut plan = Plan::default();
        plan.add("f", input.as_bytes(), [&change(input, "cafÃ©", "café")]);
        let mut file = plan.files[0].clone();
        file.changes[0].after = "cafe".into();
        assert!(matches!(
            file.apply(input),
            Err(PlanError::BadChange { .. })
        ));
        let mut file = plan.files[0].clone();
        file.changes[0].span = 1..6;
        assert!(matches!(
            file.apply(input),
            Err(PlanError::BadChange { .. })
        ));
    }

    #[test]
    fn a_plan_of_another_format_is_refused() {
        let json = r#"{"format": "unbake-plan/99", "files": []}"#;
        assert!(matches!(
            Plan::from_json(json),
            Err(PlanError::Unreadable(_))
        ));
    }
}
