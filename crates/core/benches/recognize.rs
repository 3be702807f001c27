//! Speed of each recognizer and of the whole pipeline, in characters per second (criterion
//! prints them as "elem/s"). The text is our own sample article (assets/sample-article.html)
//! as ingested, repeated to about 50,000 characters; bench/jieba_peer.py times jieba's
//! tagger on exactly the same text.
//!
//! ```text
//! cargo bench -p huaxian-core --bench recognize
//! python3 bench/jieba_peer.py
//! ```
//!
//! The `scaling` groups guard against work that grows faster than the text. Each runs the
//! same code at two sizes and prints characters per second for both: the pipeline on
//! 55,000 and 875,000 characters (16 times as long), the tagger on a run of letters of 100
//! and 1,000. Linear code shows about the same elem/s at both sizes; a quadratic step shows
//! as the larger size's figure falling (giving every sentence all the lexicon matches
//! again halves it: 1.03 M → 0.50 M elem/s). Three such steps were found and removed:
//! the tagger's hints (35 s for 10 MB), propagation's list of names (quadratic in the
//! number of distinct names), and a run of Latin letters scanned once per letter.
//!
//! ```text
//! cargo bench -p huaxian-core --bench recognize -- scaling
//! ```

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use huaxian_core::recognize::lexicon::Lexicon;
use huaxian_core::recognize::tagger::{self, Tagger};
use huaxian_core::recognize::{rules, Recognizer};

/// How many copies of the sample's text make the benchmark text (bench/jieba_peer.py uses
/// the same number).
const COPIES: usize = 40;

fn text() -> String {
    let html = include_bytes!("../../../assets/sample-article.html");
    let doc = huaxian_core::ingest(html, "sample-article.html").expect("the sample ingests");
    vec![doc.text.as_str(); COPIES].join("\n")
}

/// `units` copies of a varied unit: the sample's text, 100 company names that occur in no
/// other unit (so that the number of distinct names grows with the text), and a line of
/// Latin letters without a space. About 14,000 characters a unit.
fn scaling_text(units: usize) -> String {
    let sample = text();
    const HAN: [char; 32] = [
        '华', '海', '金', '星', '宏', '泰', '新', '达', '远', '博', '恒', '瑞', '天', '明', '光', '东', '方', '中', '信',
        '安', '盛', '通', '广', '源', '鑫', '龙', '飞', '腾', '云', '智', '嘉', '铭',
    ];
    let mut out = String::new();
    for u in 0..units {
        out.push_str(&sample);
        out.push('\n');
        for k in 0..100 {
            let id = u * 100 + k;
            let name: String = [id % 32, id / 32 % 32, id / 1024 % 32].iter().map(|&d| HAN[d]).collect();
            out.push_str(&format!("据悉，杭州{name}数据科技有限公司今天发布新品，{name}数据表示将扩大投资。\n"));
        }
        out.push_str(&"NorthwindRoboticsAS".repeat(40));
        out.push('\n');
    }
    out
}

fn scaling(c: &mut Criterion) {
    let recognizer = Recognizer::builtin();
    let mut group = c.benchmark_group("scaling/pipeline");
    group.sample_size(10);
    for units in [4, 64] {
        let text = scaling_text(units);
        let n = text.chars().count() as u64;
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::from_parameter(format!("{n}_chars")), &text, |b, text| {
            b.iter(|| recognizer.recognize_text(text).len())
        });
    }
    group.finish();

    // The tagger on one "sentence" that is a single run of letters (no space, no
    // punctuation), 100 and 1,000 characters long (sentences are cut at 1,000).
    let tagger = Tagger::builtin();
    let mut group = c.benchmark_group("scaling/tagger_latin_run");
    for len in [100, 1000] {
        let chars: Vec<char> = "northwindrobotics".chars().cycle().take(len).collect();
        let hints = vec![tagger::Hint::default(); len];
        group.throughput(Throughput::Elements(len as u64));
        group.bench_with_input(BenchmarkId::from_parameter(format!("{len}_chars")), &chars, |b, chars| {
            b.iter(|| tagger.tag(chars, &hints).len())
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let text = text();
    let n = text.chars().count() as u64;
    let lexicon = Lexicon::builtin();
    let tagger = Tagger::builtin();
    let recognizer = Recognizer::new(lexicon.clone()).with_tagger(tagger.clone());
    println!("benchmark text: {n} characters ({COPIES} copies of assets/sample-article.html)");
    // The tagger alone, sentence by sentence, with lexicon hints as the pipeline gives it.
    let sentences: Vec<(Vec<char>, Vec<tagger::Hint>)> = text
        .split_inclusive(['。', '\n'])
        .map(|s| (s.chars().collect(), tagger::hints(s, &lexicon)))
        .collect();

    let mut group = c.benchmark_group("recognize");
    group.throughput(Throughput::Elements(n));
    group.sample_size(20);
    group.bench_function("lexicon", |b| b.iter(|| lexicon.find(&text).len()));
    group.bench_function("rules", |b| b.iter(|| rules::find(&text, &lexicon).len()));
    group.bench_function("tagger", |b| b.iter(|| sentences.iter().map(|(chars, hints)| tagger.tag(chars, hints).len()).sum::<usize>()));
    group.bench_function("pipeline", |b| b.iter(|| recognizer.recognize_text(&text).len()));
    group.finish();

    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("tagger_from_asset_bytes", |b| b.iter(|| Tagger::from_bytes(tagger::BUILTIN_ASSET).unwrap().bits()));
    group.bench_function("builtin_lexicon", |b| b.iter(|| Lexicon::builtin().entries().len()));
    group.finish();
}

criterion_group!(recognize, benches, scaling);
criterion_main!(recognize);
