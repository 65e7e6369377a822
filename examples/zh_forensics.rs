//! Times the Chinese forensics pass: on the five seeds, and on 10 MB of clean
//! Chinese, simplified and traditional (every input passes through it, so
//! clean text must be cheap).
//!
//! `cargo run --release --example zh_forensics`

use std::time::Instant;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;
use unbake::chinese::repair;
use unbake::Options;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/chinese-seeds");
    let options = Options::default();
    for n in 0..5 {
        let text = std::fs::read_to_string(format!("{dir}/00{n}.in.txt")).unwrap();
        let start = Instant::now();
        let (changes, findings) = repair(&text, &options);
        println!(
            "seed 00{n}: {} bytes, {} changes, {} findings, {:.1?}",
            text.len(),
            changes.len(),
            findings.len(),
            start.elapsed()
        );
    }
    let simplified = std::fs::read_to_string(format!("{dir}/001.in.txt")).unwrap();
    let traditional = OpenCC::from_config(BuiltinConfig::S2tw)
        .unwrap()
        .convert(&simplified);
    for (name, unit) in [("simplified", simplified), ("traditional", traditional)] {
        let text = unit.repeat(10_000_000 / unit.len() + 1);
        let start = Instant::now();
        let (changes, findings) = repair(&text, &options);
        let elapsed = start.elapsed();
        println!(
            "clean {name}: {:.1} MB, {} changes, {} findings, {:.2?} ({:.1} MB/s)",
            text.len() as f64 / 1e6,
            changes.len(),
            findings.len(),
            elapsed,
            text.len() as f64 / 1e6 / elapsed.as_secs_f64()
        );
    }
}
