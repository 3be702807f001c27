//! The seed article (../shared/fixtures/articles/lingang-ai-2022-08-18.*): every entity of
//! its gold file is found with its label, and none of its forbidden ones.

use std::path::PathBuf;

use huaxian_core::recognize::Recognizer;

fn shared() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/articles");
    assert!(
        dir.join("lingang-ai-2022-08-18.gold.json").is_file(),
        "this test needs ../shared (the project's shared folder beside the repository): {} is missing",
        dir.display()
    );
    dir
}

#[test]
fn seed_article_needs_shared_every_gold_entity_found_and_robots_not_a_company() {
    let dir = shared();
    let html = std::fs::read(dir.join("lingang-ai-2022-08-18.html")).unwrap();
    let gold: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("lingang-ai-2022-08-18.gold.json")).unwrap()).unwrap();
    let doc = huaxian_core::ingest(&html, "lingang-ai-2022-08-18.html").unwrap();
    let entities = Recognizer::builtin().recognize(&doc);
    let found: Vec<(&str, &str)> = entities.iter().map(|e| (doc.slice(&e.range), e.label.as_str())).collect();
    let mut missing = Vec::new();
    for pair in gold["entities"].as_array().unwrap() {
        let (text, label) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        if !found.contains(&(text, label)) {
            missing.push(format!("{text} {label}"));
        }
    }
    assert!(missing.is_empty(), "not found: {missing:?}\nfound: {found:?}");
    for pair in gold["forbidden"].as_array().unwrap() {
        let (text, label) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        assert!(!found.contains(&(text, label)), "{text} must not be labelled {label}");
    }
    // Every entity says why it was found.
    assert!(entities.iter().all(|e| !e.evidence.is_empty()));
}
