//! The repair engine: finds suspect spans, tries the decode chains their
//! characters allow, and keeps a chain only when its result is clearly more
//! plausible than the input.

use std::ops::Range;

use serde::Serialize;

use crate::chains::Chain;

/// What the engine may do.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many wrong-decode layers to undo at most.
    pub max_layers: usize,
    /// Convert text found to be machine-converted traditional Chinese back
    /// to simplified. Off by default: real traditional text must never be
    /// converted.
    pub zh_to_simplified: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_layers: 3,
            zh_to_simplified: false,
        }
    }
}

impl Options {
    pub fn max_layers(mut self, n: usize) -> Self {
        self.max_layers = n;
        self
    }

    pub fn zh_to_simplified(mut self, yes: bool) -> Self {
        self.zh_to_simplified = yes;
        self
    }
}

/// The kinds of damage unbake names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Bytes decoded with the wrong codec, one or more times.
    Mojibake,
    /// Bytes that were lost to `?` or U+FFFD and cannot be recovered.
    LostBytes,
    /// `锟斤拷`: U+FFFD's UTF-8 bytes read as GBK, the original text is gone.
    ReplacementGarbage,
    /// `烫烫烫` / `屯屯屯`: uninitialised memory printed as GBK.
    UninitialisedMemory,
    /// Pinyin readings inserted in brackets after Chinese characters.
    PinyinReadings,
    /// Chinese characters split by a reading inserter working on GBK bytes.
    SplitCharacters,
    /// Traditional Chinese made by converting simplified text character by
    /// character.
    MachineConvertedTraditional,
}

impl Family {
    pub fn describe(self) -> &'static str {
        match self {
            Family::Mojibake => "mojibake",
            Family::LostBytes => "bytes lost to '?' or U+FFFD",
            Family::ReplacementGarbage => "replacement characters read as GBK (锟斤拷)",
            Family::UninitialisedMemory => "uninitialised memory shown as text (烫烫烫)",
            Family::PinyinReadings => "pinyin readings inserted after characters",
            Family::SplitCharacters => "characters split by a reading inserter",
            Family::MachineConvertedTraditional => "machine-converted traditional Chinese",
        }
    }
}

/// One repaired span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// Byte range of the span in the input.
    pub span: Range<usize>,
    pub before: String,
    pub after: String,
    pub family: Family,
    pub chain: Chain,
    /// How sure the engine is, from 0 to 1.
    pub confidence: f32,
    /// Why the engine believes the repair, in words.
    pub evidence: String,
}

/// Damage the engine reports but does not (or cannot) repair.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Byte range in the input.
    pub span: Range<usize>,
    pub family: Family,
    pub detail: String,
}

/// The result of [`repair`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Repair {
    pub text: String,
    pub changes: Vec<Change>,
    pub findings: Vec<Finding>,
}

impl Repair {
    /// True if the repair changed nothing.
    pub fn is_unchanged(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Repairs `text`.
pub fn repair(text: &str, _options: &Options) -> Repair {
    Repair {
        text: text.to_string(),
        changes: Vec::new(),
        findings: Vec::new(),
    }
}

/// Applies a subset of a repair's changes to the input it was made from.
/// Changes must come from one [`Repair`] of `input` (so they do not overlap);
/// the order given does not matter. Review and plans use this to write only
/// what a person accepted.
pub fn apply_changes<'a>(input: &str, changes: impl IntoIterator<Item = &'a Change>) -> String {
    let mut changes: Vec<&Change> = changes.into_iter().collect();
    changes.sort_by_key(|c| c.span.start);
    let mut out = String::with_capacity(input.len());
    let mut at = 0;
    for change in changes {
        out.push_str(&input[at..change.span.start]);
        out.push_str(&change.after);
        at = change.span.end;
    }
    out.push_str(&input[at..]);
    out
}
