//! `cargo bench --bench scan`: scans the shared corpus of real public manifests and prints
//! figures — files, objects, bytes, wall time, objects/s — for a full scan, for parsing alone,
//! and the wall time of a one-file scan through the binary (start-up included: the pre-commit
//! case). Not a pass/fail test; the figures go in the README.
//!
//! The corpus is `../shared/corpus` beside the repository, or `KORDON_BENCH_CORPUS`.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use kordon::Scanner;
use kordon::document::{Document, ParseLimits};
use kordon::input::{InputOptions, discover, read_source};
use rayon::prelude::*;

// The same allocator as the `kordon` binary, so library figures match what the CLI does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KORDON_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.is_dir().then_some(dir)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    // `cargo test --benches` runs benches once with `--bench` absent: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let Some(corpus) = corpus_dir() else {
        eprintln!(
            "no corpus found: set KORDON_BENCH_CORPUS or put ../shared/corpus beside the repo"
        );
        return;
    };
    let rounds = 5;
    let options = InputOptions::default();
    // `KORDON_BENCH_ONLY=parse`: one parse of the corpus and nothing else, for scripts/bench.sh
    // to time the process (and its peak memory) from outside.
    if std::env::var("KORDON_BENCH_ONLY").as_deref() == Ok("parse") {
        let (paths, _) = discover(std::slice::from_ref(&corpus), &options);
        let documents: Vec<Document> = paths
            .par_iter()
            .filter_map(|p| read_source(p, &options).ok())
            .map(|s| Document::parse(std::sync::Arc::new(s), ParseLimits::default()))
            .collect();
        let objects: usize = documents.iter().map(|d| d.objects.len()).sum();
        println!("{} files, {objects} objects", documents.len());
        std::mem::forget(documents);
        return;
    }

    // Parse only: discovery, reading and the span-preserving parse, in parallel as the scan does.
    let mut parse_times = Vec::new();
    let mut objects = 0;
    let mut bytes = 0;
    let mut files = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let (paths, _) = discover(std::slice::from_ref(&corpus), &options);
        let documents: Vec<Document> = paths
            .par_iter()
            .filter_map(|p| read_source(p, &options).ok())
            .map(|s| Document::parse(std::sync::Arc::new(s), ParseLimits::default()))
            .collect();
        parse_times.push(started.elapsed());
        files = documents.len();
        objects = documents.iter().map(|d| d.objects.len()).sum();
        bytes = documents.iter().map(|d| d.source.text.len()).sum();
    }
    let parse = median(parse_times);

    // Full scan with the built-in rules (scanner built once, as an embedder would).
    let scanner = Scanner::builder()
        .render(kordon::RenderOptions::default())
        .build()
        .expect("built-in rules load");
    let mut scan_times = Vec::new();
    let mut findings = 0;
    let mut checks = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let report = scanner.scan_paths(std::slice::from_ref(&corpus));
        scan_times.push(started.elapsed());
        findings = report.findings.len();
        checks = report.stats.checks;
    }
    let scan = median(scan_times);

    // The same scan without rendering kustomizations and charts (`--no-render`): parsing plus rule
    // evaluation only, comparable with the parse-only figure.
    let unrendered = Scanner::builder()
        .render(kordon::RenderOptions {
            enabled: false,
            ..Default::default()
        })
        .build()
        .expect("built-in rules load");
    let mut plain_times = Vec::new();
    let mut plain_objects = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let report = unrendered.scan_paths(std::slice::from_ref(&corpus));
        plain_times.push(started.elapsed());
        plain_objects = report.stats.objects;
    }
    let plain = median(plain_times);

    // One file through the binary, start-up and rule loading included.
    let one_file =
        corpus.join("GoogleCloudPlatform+microservices-demo/kubernetes-manifests/frontend.yaml");
    let mut one_times = Vec::new();
    if one_file.is_file() {
        for _ in 0..20 {
            let started = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_kordon"))
                .args(["scan", "--quiet", "--format", "json"])
                .arg(&one_file)
                .output()
                .expect("kordon runs");
            one_times.push(started.elapsed());
            assert!(
                status.status.code().is_some_and(|c| c <= 1),
                "one-file scan failed"
            );
        }
    }

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("corpus: {}", corpus.display());
    println!(
        "files {files}, objects {objects}, bytes {bytes} ({:.1} MB)",
        bytes as f64 / 1e6
    );
    println!(
        "parse only (median of {rounds}): {:.1} ms, {:.0} objects/s, {:.1} MB/s",
        ms(parse),
        objects as f64 / parse.as_secs_f64(),
        bytes as f64 / 1e6 / parse.as_secs_f64()
    );
    println!(
        "full scan, kustomizations rendered (median of {rounds}): {:.1} ms, {:.0} objects/s, {checks} checks, {findings} findings, {} rules; {:.2}x parse-only",
        ms(scan),
        objects as f64 / scan.as_secs_f64(),
        scanner.rules().rules().len(),
        scan.as_secs_f64() / parse.as_secs_f64()
    );
    println!(
        "full scan without rendering (median of {rounds}): {:.1} ms, {plain_objects} objects, {:.0} objects/s; {:.2}x parse-only",
        ms(plain),
        plain_objects as f64 / plain.as_secs_f64(),
        plain.as_secs_f64() / parse.as_secs_f64()
    );
    if !one_times.is_empty() {
        println!(
            "one-file scan via the binary (median of 20): {:.1} ms",
            ms(median(one_times))
        );
    }
}
