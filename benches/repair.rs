//! Engine throughput on one core, in MB/s: clean text, and text with one
//! line in twenty damaged, in Latin-script and CJK languages.
//!
//! The text is the corpus's own clean set, repeated to 4 MiB; damaged lines
//! are UTF-8 misread as windows-1252 (Latin) or as GBK (CJK), the commonest
//! damage of each. Targets (issue 2): 300 MB/s clean, 100 MB/s at 5%.
//!
//! And the worst shape for a line-by-line engine: the Latin text damaged
//! throughout and run into one 4 MiB line, as a minified record or a file
//! without line feeds is. The engine once took time in the square of a
//! line's length there (minutes for a few megabytes); it must stay linear.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use unbake::{repair, Codec, Options};

const SIZE: usize = 4 << 20;

/// Lines of the clean corpus files whose names start with one of `langs`.
fn lines(langs: &[&str]) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/clean");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus/clean")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    names
        .iter()
        .filter(|p| {
            langs.iter().any(|l| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(l))
            })
        })
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .expect("clean text")
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// About `SIZE` bytes of `lines`, every `damage_every`th line misread.
fn text(lines: &[String], damage_every: Option<usize>, misread: Codec) -> String {
    let mut out = String::with_capacity(SIZE + 4096);
    for (i, line) in lines.iter().cycle().enumerate() {
        if out.len() >= SIZE {
            break;
        }
        match damage_every {
            Some(n) if i % n == n / 2 => out.push_str(&misread.decode_lossy(line.as_bytes()).0),
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn throughput(c: &mut Criterion) {
    // One core, as the targets are stated; repair itself would use them all.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");
    let latin = lines(&["fr-", "de-", "es-", "pt-", "it-", "en-", "pl-", "cs-"]);
    let cjk = lines(&["zh-", "ja-"]);
    let cases = [
        ("latin clean", text(&latin, None, Codec::Windows1252)),
        (
            "latin 5% damaged",
            text(&latin, Some(20), Codec::Windows1252),
        ),
        ("cjk clean", text(&cjk, None, Codec::Gbk)),
        ("cjk 5% damaged", text(&cjk, Some(20), Codec::Gbk)),
        (
            "latin one line all damaged",
            text(&latin, Some(1), Codec::Windows1252).replace('\n', " "),
        ),
    ];
    let mut group = c.benchmark_group("repair");
    group.sample_size(10);
    for (name, input) in &cases {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| pool.install(|| repair(input, &Options::default())))
        });
    }
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
