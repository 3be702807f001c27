//! Arbitrary bytes into ingestion and recognition: never a panic, and every produced
//! span lies on character boundaries of the document text and converts to code points.
#![no_main]

use std::sync::OnceLock;

use huaxian_core::recognize::{lexicon::Lexicon, recognize};
use libfuzzer_sys::fuzz_target;

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::builtin)
}

fuzz_target!(|data: &[u8]| {
    // The name decides HTML, Markdown or text; let the first byte choose.
    let name = match data.first().map(|b| b % 3) {
        Some(0) => "a.html",
        Some(1) => "a.md",
        _ => "a.txt",
    };
    if let Ok(doc) = huaxian_core::ingest(data, name) {
        for block in &doc.blocks {
            assert!(doc.text.is_char_boundary(block.range.start) && doc.text.is_char_boundary(block.range.end));
            let chars = doc.to_chars(&block.range);
            assert_eq!(doc.chars_to_bytes(&chars), Some(block.range.clone()));
        }
        for link in &doc.links {
            let _ = doc.to_chars(&link.range);
        }
        for entity in recognize(&doc, lexicon()) {
            let chars = doc.to_chars(&entity.range);
            assert_eq!(doc.chars_to_bytes(&chars), Some(entity.range.clone()));
        }
    }
});
