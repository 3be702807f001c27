//! The in-browser benchmark's functions, natively, on the same text:
//! `cargo run --profile fast -p huaxian-bench-wasm --example native -- TEXT_FILE [RUNS]`.
//! bench/recognize.mjs runs it. Prints one JSON object: for each function, the median
//! (and fastest) time in milliseconds of RUNS rounds after a warm-up round (every function once per round,
//! as the page does), and what it found.

use std::time::Instant;

use huaxian_bench_wasm::{load_lexicon, load_tagger, Bench};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: native TEXT_FILE [RUNS]");
    let runs: usize = args.next().map_or(5, |r| r.parse().expect("RUNS is a number"));
    let text = std::fs::read_to_string(&path).expect("the text file reads as UTF-8");

    let once = |f: &dyn Fn() -> usize| {
        let start = Instant::now();
        let found = f();
        (start.elapsed().as_secs_f64() * 1e3, found)
    };
    let (lexicon_load, _) = once(&|| load_lexicon());
    let (tagger_load, _) = once(&|| load_tagger() as usize);
    let bench = Bench::new(text);
    let mut out = vec![
        format!("\"chars\":{}", bench.chars()),
        format!("\"load_lexicon\":{{\"ms\":{lexicon_load:.3}}}"),
        format!("\"load_tagger\":{{\"ms\":{tagger_load:.3}}}"),
    ];
    let fns: [(&str, &dyn Fn() -> usize); 4] =
        [("lexicon", &|| bench.lexicon()), ("rules", &|| bench.rules()), ("tagger", &|| bench.tagger()), ("pipeline", &|| bench.pipeline())];
    // Rounds, as the page times them: a warm-up round, then RUNS rounds of every function.
    let found: Vec<usize> = fns.iter().map(|(_, f)| once(*f).1).collect();
    let mut times = vec![Vec::new(); fns.len()];
    for _ in 0..runs {
        for (i, (name, f)) in fns.iter().enumerate() {
            let (ms, n) = once(*f);
            assert_eq!(n, found[i], "{name} found {} then {n}", found[i]);
            times[i].push(ms);
        }
    }
    for (i, (name, _)) in fns.iter().enumerate() {
        times[i].sort_by(f64::total_cmp);
        out.push(format!("\"{name}\":{{\"ms\":{:.3},\"min\":{:.3},\"found\":{}}}", times[i][runs / 2], times[i][0], found[i]));
    }
    println!("{{{}}}", out.join(","));
}
