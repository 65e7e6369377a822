//! `unbake repair --apply-plan FILE`: applies exactly the repairs a review
//! accepted, and nothing else.
//!
//! All or nothing: every file is read and checked (its digest, each change's
//! span and chain) before any is written. A pipeline that applies a plan
//! must not leave half the files repaired because the tenth had moved on.

use std::path::Path;

use unbake::plan::Plan;

use super::review_io::{read_text, write_atomically};
use super::{error, Outcome};

pub fn run(plan_path: &Path) -> Outcome {
    let plan = match std::fs::read_to_string(plan_path)
        .map_err(|e| e.to_string())
        .and_then(|json| Plan::from_json(&json).map_err(|e| e.to_string()))
    {
        Ok(plan) => plan,
        Err(e) => {
            error(format!("{}: {e}", plan_path.display()));
            return Outcome::Error;
        }
    };
    let mut ready = Vec::new();
    let mut refused = false;
    for file in &plan.files {
        let path = Path::new(&file.path);
        let checked = read_text(path)
            .map_err(|e| format!("{}: {e}", file.path))
            .and_then(|(bytes, text)| {
                file.check_digest(&bytes).map_err(|e| e.to_string())?;
                file.apply(&text).map_err(|e| e.to_string())
            });
        match checked {
            Ok(text) => ready.push((path, text)),
            Err(e) => {
                error(e);
                refused = true;
            }
        }
    }
    if refused {
        error(format!(
            "{}: not applied; no file was changed",
            plan_path.display()
        ));
        return Outcome::Error;
    }
    let mut outcome = Outcome::Clean;
    for (path, text) in ready {
        if let Err(e) = write_atomically(path, text.as_bytes()) {
            error(format!("{}: {e}", path.display()));
            outcome = Outcome::Error;
        }
    }
    let repairs: usize = plan.files.iter().map(|f| f.changes.len()).sum();
    eprintln!(
        "unbake: applied {repairs} repairs to {} files from {}",
        plan.files.len(),
        plan_path.display()
    );
    outcome
}
