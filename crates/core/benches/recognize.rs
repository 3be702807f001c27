//! Speed of each recognizer and of the whole pipeline, in characters per second (criterion
//! prints them as "elem/s"). The text is our own sample article (assets/sample-article.html)
//! as ingested, repeated to about 50,000 characters; bench/jieba_peer.py times jieba's
//! tagger on exactly the same text.
//!
//! ```text
//! cargo bench -p huaxian-core --bench recognize
//! python3 bench/jieba_peer.py
//! ```

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
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

criterion_group!(recognize, benches);
criterion_main!(recognize);
