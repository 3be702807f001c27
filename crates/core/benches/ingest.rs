//! Ingestion throughput on a large generated article, beside html5ever's parse alone on
//! the same input (the limit ingestion can approach). Run: `cargo bench -p huaxian-core
//! --bench ingest`; criterion prints MB/s for both, and the README records the ratio.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// About `target` bytes of news-like HTML: front matter, headings, paragraphs with inline
/// markup, links with hints, lists and a table, in Chinese with some English.
fn article(target: usize) -> String {
    let mut html = String::from("---\ntitle: 基准文章\nauthor: 划线\n---\n<html><head><title>基准</title></head><body>\n");
    let mut i = 0;
    while html.len() < target {
        i += 1;
        html.push_str(&format!(
            "<h2>第{i}节 产业动态</h2>\n<p>{i}月18日，<b>临港</b>新片区发布行动方案，商汤绝影、特斯拉、沐曦和Unity中国等企业签约，\
             合计投资额超过300亿元。<a class=\"hot\" code=\"300024\" href=\"https://example.com/s/{i}\">机器人</a>赛道持续升温；\
             Tesla and MetaX signed a deal worth $4.4 billion &amp; more.</p>\n\
             <ul><li>宁德时代：电池</li><li>百度：自动驾驶 🚗</li></ul>\n\
             <table><tr><td>指标</td><td>{i}%</td></tr></table>\n<script>var x = {i};</script>\n"
        ));
    }
    html.push_str("</body></html>");
    html
}

fn bench(c: &mut Criterion) {
    let html = article(8 * 1024 * 1024);
    let mut group = c.benchmark_group("ingest-8MiB");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("html5ever parse only", |b| b.iter(|| huaxian_core::ingest::parse_html_only(&html)));
    group.bench_function("huaxian ingest", |b| b.iter(|| huaxian_core::ingest(html.as_bytes(), "bench.html").unwrap()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
