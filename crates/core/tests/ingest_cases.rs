//! Ingestion, tested as data: every file in `tests/ingest_cases/` is ingested and what came
//! out is compared with `<file>.expected.json` beside it. To add a case, add a file and run
//! `UPDATE_EXPECT=1 cargo test -p huaxian-core --test ingest_cases`, then read the new
//! expectation before committing it.

use std::path::Path;

use huaxian_core::document::BlockKind;
use huaxian_core::ingest;
use serde_json::{json, Value};

fn observe(bytes: &[u8], name: &str) -> Value {
    match ingest(bytes, name) {
        Err(err) => json!({ "error": err.to_string() }),
        Ok(doc) => {
            let blocks: Vec<Value> = doc
                .blocks
                .iter()
                .map(|b| {
                    let kind = match b.kind {
                        BlockKind::Heading(n) => format!("h{n}"),
                        other => serde_json::to_value(other).unwrap().as_str().unwrap_or("?").to_string(),
                    };
                    json!([kind, doc.slice(&b.range)])
                })
                .collect();
            let links: Vec<Value> = doc
                .links
                .iter()
                .map(|l| json!({ "text": doc.slice(&l.range), "href": l.href, "hints": l.hints }))
                .collect();
            json!({
                "kind": doc.kind,
                "encoding": doc.encoding,
                "title": doc.title,
                "meta": doc.meta,
                "text": doc.text,
                "blocks": blocks,
                "links": links,
                "diagnostics": doc.diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>(),
            })
        }
    }
}

#[test]
fn every_case_matches_its_expectation() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ingest_cases");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".expected.json"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "expected the case files in {}", dir.display());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let observed = observe(&std::fs::read(case).unwrap(), &name);
        let expected_path = dir.join(format!("{name}.expected.json"));
        if update {
            std::fs::write(&expected_path, serde_json::to_string_pretty(&observed).unwrap() + "\n").unwrap();
            continue;
        }
        let expected: Value = match std::fs::read_to_string(&expected_path) {
            Ok(s) => serde_json::from_str(&s).unwrap(),
            Err(_) => {
                failures.push(format!("{name}: no {name}.expected.json (run with UPDATE_EXPECT=1)"));
                continue;
            }
        };
        if observed != expected {
            failures.push(format!(
                "{name}:\n  expected {}\n  observed {}",
                serde_json::to_string(&expected).unwrap(),
                serde_json::to_string(&observed).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{} case(s) differ:\n{}", failures.len(), failures.join("\n"));
}
