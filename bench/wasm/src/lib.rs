//! Huaxian's recognizers, one by one and as the whole pipeline, callable from JavaScript so
//! that `bench/recognize.mjs` can time them in the browser beside jieba-wasm on the same
//! text. Every function returns a count of what it found, so no work can be optimised away.
//!
//! The set-up mirrors `crates/core/benches/recognize.rs`: the lexicon and the tagger are
//! loaded once (timed on their own: [`load_lexicon`], [`load_tagger`]), and the tagger alone
//! gets the text already split into sentences with its lexicon hints, as the criterion
//! benchmark gives it.

use huaxian_core::recognize::lexicon::Lexicon;
use huaxian_core::recognize::tagger::{self, Tagger};
use huaxian_core::recognize::{rules, Recognizer};
use wasm_bindgen::prelude::*;

/// One text and everything the recognizers need, ready to be timed.
#[wasm_bindgen]
pub struct Bench {
    text: String,
    lexicon: Lexicon,
    tagger: Tagger,
    recognizer: Recognizer,
    sentences: Vec<(Vec<char>, Vec<tagger::Hint>)>,
}

#[wasm_bindgen]
impl Bench {
    /// The built-in lexicon and tagger (as `Recognizer::builtin` and the command line use
    /// them) over `text`.
    #[wasm_bindgen(constructor)]
    pub fn new(text: String) -> Bench {
        let lexicon = Lexicon::builtin();
        let tagger = Tagger::builtin();
        let recognizer = Recognizer::new(lexicon.clone()).with_tagger(tagger.clone());
        let sentences = text.split_inclusive(['。', '\n']).map(|s| (s.chars().collect(), tagger::hints(s, &lexicon))).collect();
        Bench { text, lexicon, tagger, recognizer, sentences }
    }

    /// The text's length in code points (what "characters per second" counts).
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }

    /// Lexicon matches (one Aho-Corasick pass).
    pub fn lexicon(&self) -> usize {
        self.lexicon.find(&self.text).len()
    }

    /// Rule matches (money, percentages, dates, name shapes; places from the lexicon).
    pub fn rules(&self) -> usize {
        rules::find(&self.text, &self.lexicon).len()
    }

    /// The tagger's spans, sentence by sentence, with the lexicon hints precomputed.
    pub fn tagger(&self) -> usize {
        self.sentences.iter().map(|(chars, hints)| self.tagger.tag(chars, hints).len()).sum()
    }

    /// Entities of the whole pipeline: lexicon, rules, tagger, propagation and the merge.
    pub fn pipeline(&self) -> usize {
        self.recognizer.recognize_text(&self.text).len()
    }
}

/// Compiles the built-in lexicon; returns its number of entries.
#[wasm_bindgen]
pub fn load_lexicon() -> usize {
    Lexicon::builtin().entries().len()
}

/// Decodes the built-in tagger asset; returns its hash width in bits.
#[wasm_bindgen]
pub fn load_tagger() -> u8 {
    Tagger::builtin().bits()
}

/// The text of an article as Huaxian ingests it (HTML, Markdown or plain text by `name`).
#[wasm_bindgen]
pub fn ingest_text(bytes: &[u8], name: &str) -> Result<String, String> {
    huaxian_core::ingest(bytes, name).map(|doc| doc.text).map_err(|e| e.to_string())
}
