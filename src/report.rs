//! The diff reporter: shows each repair so a person can review it.

use similar::TextDiff;

/// How to render a diff.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Lines of context around each hunk.
    pub context: usize,
}

/// A unified diff of `before` and `after`, headed `a/{label}` and `b/{label}`
/// so that `patch -p1` and `git apply` take it.
pub fn unified_diff(label: &str, before: &str, after: &str, options: &DiffOptions) -> String {
    let context = if options.context == 0 {
        3
    } else {
        options.context
    };
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(context)
        .header(&format!("a/{label}"), &format!("b/{label}"))
        .to_string()
}
