//! Fits the weights of the split-site evidence (`Evidence::score` in
//! `src/chinese/mod.rs`) and measures them. The fit prints the weights as
//! `WEIGHTS` wants them.
//!
//! Every split site of a generated case offers its candidates, each with
//! its features; the true one is the candidate whose window of text the
//! clean original contains. The weights are those that make the true
//! candidates most likely under a softmax over each site's candidates (a
//! conditional logit), found by Newton's method with a slight ridge. So a
//! score behaves like a log probability, and the margin the repair asks
//! between the best and the second choice like log odds; the fit reports
//! how sites fare at several margins on seeds it was not fitted on.
//!
//! The cases come from the test's own generator (`tests/support`), with
//! seeds other than the test's:
//!
//! ```text
//! cargo run --release --example fit_evidence               # fit on 1, 2, 6, 7; check on 3, 4
//! cargo run --release --example fit_evidence -- eval 3 4 5 # whole cases through unbake::repair
//! ```

#[path = "../tests/support/generator.rs"]
mod generator;

use generator::{generate, Generated};
use rayon::prelude::*;
use unbake::chinese::{split_site_evidence, EVIDENCE_FEATURES};
use unbake::{apply_changes, Options};

const FIT_SEEDS: [u64; 4] = [1, 2, 6, 7];
const CHECK_SEEDS: [u64; 2] = [3, 4];
const CASES: usize = 1000;
const RIDGE: f64 = 0.1;
const MARGINS: [f64; 7] = [0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0];

/// A site with more than one candidate: each candidate's features, and
/// which candidate is true.
struct Site {
    candidates: Vec<Vec<f64>>,
    truth: usize,
}

fn sites(cases: &[Generated]) -> Vec<Site> {
    let traced: Vec<_> = cases
        .par_iter()
        .filter(|c| c.split)
        .map(|case| (case, split_site_evidence(&case.input)))
        .collect();
    let mut out = Vec::new();
    for (case, traced) in traced {
        for site in traced {
            let true_ones: Vec<usize> = (0..site.len())
                .filter(|&k| case.expected.contains(&site[k].1))
                .collect();
            // A site whose window runs into other damage shows no true
            // candidate, and one whose candidates read alike shows several:
            // neither tells the weights anything.
            if let ([truth], true) = (true_ones.as_slice(), site.len() > 1) {
                out.push(Site {
                    candidates: site
                        .iter()
                        .map(|(f, _)| f.iter().map(|&x| f64::from(x)).collect())
                        .collect(),
                    truth: *truth,
                });
            }
        }
    }
    out
}

fn scores(site: &Site, w: &[f64]) -> Vec<f64> {
    site.candidates
        .iter()
        .map(|f| f.iter().zip(w).map(|(x, w)| x * w).sum())
        .collect()
}

/// The negative log likelihood of the true candidates plus the ridge.
fn loss(sites: &[Site], w: &[f64]) -> f64 {
    let mut loss: f64 = w.iter().map(|w| RIDGE * w * w / 2.0).sum();
    for site in sites {
        let s = scores(site, w);
        let top = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        loss += top + s.iter().map(|s| (s - top).exp()).sum::<f64>().ln() - s[site.truth];
    }
    loss
}

/// Maximum likelihood weights, by Newton's method on [`loss`], each step
/// halved until it lowers the loss (the loss is convex, but a full step
/// from far away can overshoot).
fn fit(sites: &[Site]) -> Vec<f64> {
    let n = EVIDENCE_FEATURES.len();
    let mut w = vec![0.0; n];
    let mut current = loss(sites, &w);
    for round in 0..100 {
        let mut grad: Vec<f64> = w.iter().map(|w| RIDGE * w).collect();
        let mut hess = vec![vec![0.0; n]; n];
        for site in sites {
            let s = scores(site, &w);
            let top = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let z: f64 = s.iter().map(|s| (s - top).exp()).sum();
            let p: Vec<f64> = s.iter().map(|s| (s - top).exp() / z).collect();
            let mean: Vec<f64> = (0..n)
                .map(|i| site.candidates.iter().zip(&p).map(|(f, p)| p * f[i]).sum())
                .collect();
            for i in 0..n {
                grad[i] += mean[i] - site.candidates[site.truth][i];
            }
            for (f, p) in site.candidates.iter().zip(&p) {
                for i in 0..n {
                    for j in 0..n {
                        hess[i][j] += p * (f[i] - mean[i]) * (f[j] - mean[j]);
                    }
                }
            }
        }
        for (i, row) in hess.iter_mut().enumerate() {
            row[i] += RIDGE;
        }
        let mut step = solve(hess, grad);
        let mut next: Vec<f64>;
        loop {
            next = w.iter().zip(&step).map(|(w, s)| w - s).collect();
            let after = loss(sites, &next);
            if after <= current || step.iter().all(|s| s.abs() < 1e-9) {
                current = after;
                break;
            }
            step.iter_mut().for_each(|s| *s /= 2.0);
        }
        let size = step.iter().map(|s| s * s).sum::<f64>().sqrt();
        w = next;
        eprintln!("round {round}: loss {current:.2}, step {size:.5}");
        if size < 1e-6 {
            break;
        }
    }
    w
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .expect("a row");
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (upper, lower) = a.split_at_mut(col + 1);
        let pivot_row = &upper[col];
        for (row, target) in lower.iter_mut().enumerate() {
            let factor = target[col] / pivot_row[col];
            for (t, p) in target[col..].iter_mut().zip(&pivot_row[col..]) {
                *t -= factor * p;
            }
            b[col + 1 + row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    x
}

/// How the sites fare at each margin: decided right, decided wrong, left.
fn check(sites: &[Site], w: &[f64]) {
    for margin in MARGINS {
        let (mut right, mut wrong, mut left) = (0, 0, 0);
        for site in sites {
            let s = scores(site, w);
            let mut order: Vec<usize> = (0..s.len()).collect();
            order.sort_by(|&a, &b| s[b].total_cmp(&s[a]));
            if s[order[0]] - s[order[1]] < margin {
                left += 1;
            } else if order[0] == site.truth {
                right += 1;
            } else {
                wrong += 1;
            }
        }
        println!("  margin {margin:.1}: {right} right, {wrong} wrong, {left} left");
    }
}

/// Repairs whole cases with the weights as compiled, as the test counts.
fn eval(seed: u64) {
    let cases = generate(CASES, seed);
    let repaired: Vec<_> = cases
        .par_iter()
        .map(|case| unbake::repair(&case.input, &Options::default()).changes)
        .collect();
    let (mut failed, mut split_failed, mut wrong) = (0, 0, 0);
    for (case, changes) in cases.iter().zip(repaired) {
        if apply_changes(&case.input, &changes) != case.expected {
            failed += 1;
            split_failed += usize::from(case.split);
            wrong += usize::from(changes.iter().any(|c| !case.expected.contains(&c.after)));
        }
    }
    println!(
        "seed {seed}: {:.1}% of {} cases restored exactly ({split_failed} of {} split cases not), \
         {wrong} with a wrong change",
        100.0 * (1.0 - failed as f64 / cases.len() as f64),
        cases.len(),
        cases.iter().filter(|c| c.split).count(),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("eval") {
        for seed in &args[1..] {
            eval(seed.parse().expect("a seed"));
        }
        return;
    }
    let train: Vec<Site> = FIT_SEEDS
        .iter()
        .flat_map(|&seed| sites(&generate(CASES, seed)))
        .collect();
    let held: Vec<Site> = CHECK_SEEDS
        .iter()
        .flat_map(|&seed| sites(&generate(CASES, seed)))
        .collect();
    let w = fit(&train);
    println!("const WEIGHTS: [f32; FEATURES] = [");
    for (name, w) in EVIDENCE_FEATURES.iter().zip(&w) {
        println!("    {w:.2}, // {name}");
    }
    println!("];");
    println!("seeds {FIT_SEEDS:?}, {} sites, as fitted:", train.len());
    check(&train, &w);
    println!("seeds {CHECK_SEEDS:?}, {} sites, held out:", held.len());
    check(&held, &w);
}
