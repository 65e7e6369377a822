//! `unbake repair --apply-plan FILE`: applies exactly the repairs a review
//! accepted, and nothing else.
//!
//! All or nothing: every file is read and checked (its digest, each change's
//! span and chain) before any is written. A pipeline that applies a plan
//! must not leave half the files repaired because the tenth had moved on.

use std::path::Path;

use unbake::fileio::FileOptions;
use unbake::plan::Plan;

use super::repair::plural;
use super::review_io::{load, Load};
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
    let options = FileOptions::default();
    let mut ready = Vec::new();
    let mut refused = false;
    for planned in &plan.files {
        let checked = match load(Path::new(&planned.path), &options) {
            Ok(Load::Text(file)) => planned
                .check_digest(&file.bytes)
                .and_then(|()| planned.apply(&file.text))
                .map(|text| (file, text))
                .map_err(|e| e.to_string()),
            Ok(_) => Err(format!("{}: no longer a text file", planned.path)),
            Err(e) => Err(e),
        };
        match checked {
            Ok(pair) => ready.push(pair),
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
    for (file, text) in &ready {
        if let Err(e) = file.write(text) {
            error(e);
            outcome = Outcome::Error;
        }
    }
    let repairs: usize = plan.files.iter().map(|f| f.changes.len()).sum();
    eprintln!(
        "unbake: applied {} to {} from {}",
        plural(repairs, "repair"),
        plural(plan.files.len(), "file"),
        plan_path.display()
    );
    outcome
}
