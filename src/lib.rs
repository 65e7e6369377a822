//! unbake finds mojibake, repairs it, and tells how it happened.
//!
//! ```
//! let fixed = unbake::repair("cafÃ©", &unbake::Options::default());
//! assert_eq!(fixed.text, "café");
//! assert_eq!(fixed.changes[0].chain.describe(), "UTF-8 read as windows-1252");
//! ```

mod candidates;
pub mod chains;
pub mod chinese;
pub mod codecs;
pub mod engine;
pub mod fileio;
pub mod jsonl;
mod korean_as_gbk;
pub mod plan;
pub mod plausibility;
pub mod report;
pub mod review;
pub mod scan;
mod suppression;

pub use chains::{Chain, Step};
pub use codecs::Codec;
pub use engine::{apply_changes, repair, Change, Family, Finding, Options, Repair};
