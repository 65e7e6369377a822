//! Scan throughput over a generated tree: MB/s on clean UTF-8 (mixed
//! Latin and CJK, where the engine's screening of non-ASCII text sets the
//! pace, and plain English, which is validation-bound) and on a tree with
//! damaged files, files/s on many small files, and how it scales from one
//! thread to all of them.

use std::fs;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use unbake::fileio::WalkOptions;
use unbake::scan::{scan, ScanOptions};

const LATIN: &str =
    "Le café de la gare ouvre à sept heures; les voyageurs pressés y prennent un croissant.\n";
const CJK: &str = "配置文件中的参数已经更新，请在重新启动服务之前检查日志输出。\n";
const ENGLISH: &str =
    "The quick brown fox jumps over the lazy dog while the build runs its tests.\n";

/// A file of about `size` bytes; every twentieth line damaged if asked
/// (UTF-8 read as windows-1252, or as GBK for Chinese lines).
fn text(size: usize, damaged: bool) -> String {
    mixed_text(size, damaged, &[ENGLISH, LATIN, CJK])
}

fn mixed_text(size: usize, damaged: bool, lines: &[&str]) -> String {
    let mut out = String::with_capacity(size + 128);
    let mut i = 0;
    while out.len() < size {
        let line = lines[i % lines.len()];
        if damaged && i % 20 == 7 {
            let misread = if line == CJK {
                encoding_rs::GBK
            } else {
                encoding_rs::WINDOWS_1252
            };
            out.push_str(&misread.decode_without_bom_handling(line.as_bytes()).0);
        } else {
            out.push_str(line);
        }
        i += 1;
    }
    out
}

/// Writes `files` files of `size` bytes under a new directory, every
/// `damaged_every`th one damaged; returns it with the total size.
fn tree(
    root: &Path,
    name: &str,
    files: usize,
    size: usize,
    damaged_every: usize,
) -> (PathBuf, u64) {
    tree_of(root, name, files, damaged_every, |damaged| {
        text(size, damaged)
    })
}

/// Writes `files` files made by `body` (given whether to damage it).
fn tree_of(
    root: &Path,
    name: &str,
    files: usize,
    damaged_every: usize,
    body: impl Fn(bool) -> String,
) -> (PathBuf, u64) {
    let dir = root.join(name);
    let mut total = 0;
    for i in 0..files {
        let sub = dir.join(format!("d{}", i % 16));
        fs::create_dir_all(&sub).unwrap();
        let body = body(damaged_every > 0 && i % damaged_every == 0);
        total += body.len() as u64;
        fs::write(sub.join(format!("f{i}.txt")), body).unwrap();
    }
    (dir, total)
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let options = ScanOptions::default();
    let walk = WalkOptions::default();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);

    let (clean, clean_bytes) = tree(tmp.path(), "clean", 64, 512 << 10, 0);
    let (mixed, mixed_bytes) = tree(tmp.path(), "mixed", 64, 512 << 10, 4);
    let (small, _) = tree(tmp.path(), "small", 2000, 2 << 10, 10);
    let (english, english_bytes) = tree_of(tmp.path(), "english", 64, 0, |_| {
        mixed_text(512 << 10, false, &[ENGLISH])
    });

    let mut group = c.benchmark_group("scan");
    group.sample_size(10);
    for n in [1, threads] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap();
        group.throughput(Throughput::Bytes(english_bytes));
        group.bench_function(format!("clean-english/{n}-threads"), |b| {
            b.iter(|| pool.install(|| scan(std::slice::from_ref(&english), &walk, &options)))
        });
        group.throughput(Throughput::Bytes(clean_bytes));
        group.bench_function(format!("clean-utf8/{n}-threads"), |b| {
            b.iter(|| pool.install(|| scan(std::slice::from_ref(&clean), &walk, &options)))
        });
        group.throughput(Throughput::Bytes(mixed_bytes));
        group.bench_function(format!("quarter-damaged/{n}-threads"), |b| {
            b.iter(|| pool.install(|| scan(std::slice::from_ref(&mixed), &walk, &options)))
        });
        group.throughput(Throughput::Elements(2000));
        group.bench_function(format!("small-files/{n}-threads"), |b| {
            b.iter(|| pool.install(|| scan(std::slice::from_ref(&small), &walk, &options)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
