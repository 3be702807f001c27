//! The Huaxian export, version 1: the native interchange format.
//!
//! These types are the schema; they are separate from the in-memory model ([`Document`],
//! [`Entity`]) so that the model can change without breaking files people already have.
//!
//! # Offsets
//! Every offset is a **Unicode code point** index into `document.text`, end exclusive:
//! what Python's `str` indexes, so `document["text"][e["start"]:e["end"]] == e["text"]`
//! holds for every entity. The unit is named in the file as `offset_unit`.
//!
//! # Example
//! ```json
//! {
//!   "format": "huaxian",
//!   "version": 1,
//!   "offset_unit": "codepoint",
//!   "document": {
//!     "id": "9f2c…(sha256 of the source bytes)",
//!     "source": "sample.html",
//!     "title": "临港发布行动方案",
//!     "meta": {"author": "证券时报网", "categories": ["金融"]},
//!     "text": "🚀据悉，商汤绝影与特斯拉合作。"
//!   },
//!   "labels": [
//!     {"name": "COMPANY", "color": "#ffd166", "description": "a company or corporate unit"}
//!   ],
//!   "entities": [
//!     {"id": "e1", "start": 4, "end": 8, "text": "商汤绝影", "label": "COMPANY",
//!      "source": "lexicon", "status": "suggested", "canonical": "SenseTime Jueying",
//!      "evidence": "lexicon alias 商汤绝影 of SenseTime Jueying"}
//!   ]
//! }
//! ```
//! Here 🚀 is one code point (two UTF-16 units, four bytes), so 商汤绝影 starts at 4.

use serde::{Deserialize, Serialize};

use crate::annotate::{Entity, EntitySource, Status};
use crate::document::{Diagnostic, Document, EncodingInfo};
use crate::labels::LabelDef;

/// The value of [`Export::format`].
pub const FORMAT: &str = "huaxian";
/// The value of [`Export::version`] this crate writes.
pub const VERSION: u32 = 1;
/// The value of [`Export::offset_unit`].
pub const OFFSET_UNIT: &str = "codepoint";

/// One annotated document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    /// Always `"huaxian"`.
    pub format: String,
    /// The schema version, `1`.
    pub version: u32,
    /// Always `"codepoint"`: the unit of every `start` and `end`.
    pub offset_unit: String,
    pub document: ExportDocument,
    /// The label set in use, in display order.
    pub labels: Vec<LabelDef>,
    /// Entities in text order.
    pub entities: Vec<ExportEntity>,
}

/// The document part of an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportDocument {
    /// Lowercase hex SHA-256 of the source bytes.
    pub id: String,
    /// The file name the document came from.
    pub source: String,
    pub title: Option<String>,
    /// Front matter fields and page metadata, as found.
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// The plain text that every offset indexes.
    pub text: String,
    /// How the bytes were decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<EncodingInfo>,
    /// What ingestion repaired, dropped or guessed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

/// One entity of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportEntity {
    pub id: String,
    /// Code point offset of the first character.
    pub start: usize,
    /// Code point offset just past the last character.
    pub end: usize,
    /// `document.text[start:end]`, repeated for readers and for checking.
    pub text: String,
    pub label: String,
    /// One of `lexicon`, `rule`, `model`, `manual`.
    pub source: EntitySource,
    /// One of `suggested`, `accepted`, `rejected`.
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    /// Why the entity was found.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
}

impl Export {
    /// Builds the export of `doc` with its `entities`, converting byte spans to code points.
    pub fn new(doc: &Document, labels: &[LabelDef], entities: &[Entity]) -> Export {
        Export {
            format: FORMAT.into(),
            version: VERSION,
            offset_unit: OFFSET_UNIT.into(),
            document: ExportDocument {
                id: doc.id.clone(),
                source: doc.source.clone(),
                title: doc.title.clone(),
                meta: doc.meta.clone(),
                text: doc.text.clone(),
                encoding: Some(doc.encoding.clone()),
                diagnostics: doc.diagnostics.clone(),
            },
            labels: labels.to_vec(),
            entities: entities
                .iter()
                .map(|e| {
                    let chars = doc.to_chars(&e.range);
                    ExportEntity {
                        id: e.id.clone(),
                        start: chars.start,
                        end: chars.end,
                        text: doc.slice(&e.range).to_string(),
                        label: e.label.clone(),
                        source: e.source,
                        status: e.status,
                        canonical: e.canonical.clone(),
                        evidence: e.evidence.clone(),
                    }
                })
                .collect(),
        }
    }

    /// Reads an export back into a document and its entities, so work can continue.
    /// The text is taken as it is (each line a block); offsets are checked against it.
    pub fn to_document(&self) -> Result<(Document, Vec<Entity>), String> {
        if self.format != FORMAT || self.offset_unit != OFFSET_UNIT {
            return Err(format!("not a Huaxian export (format {:?}, offset_unit {:?})", self.format, self.offset_unit));
        }
        if self.version != VERSION {
            return Err(format!("export version {} is not supported (this is version {VERSION})", self.version));
        }
        let d = &self.document;
        let text = d.text.clone();
        let mut blocks = Vec::new();
        let mut at = 0;
        for line in text.split('\n') {
            if !line.is_empty() {
                blocks.push(crate::document::Block { kind: crate::document::BlockKind::Paragraph, range: at..at + line.len() });
            }
            at += line.len() + 1;
        }
        let doc = Document {
            id: d.id.clone(),
            source: d.source.clone(),
            title: d.title.clone(),
            meta: d.meta.clone(),
            map: crate::offsets::TextMap::new(&text),
            text,
            blocks,
            links: Vec::new(),
            encoding: d.encoding.clone().unwrap_or(EncodingInfo { name: "UTF-8".into(), source: crate::document::EncodingSource::Detected }),
            kind: crate::document::InputKind::Text,
            diagnostics: d.diagnostics.clone(),
        };
        let mut entities = Vec::with_capacity(self.entities.len());
        for e in &self.entities {
            let range = doc
                .chars_to_bytes(&(e.start..e.end))
                .filter(|r| !r.is_empty())
                .ok_or_else(|| format!("entity {} has offsets {}..{} outside the text", e.id, e.start, e.end))?;
            if doc.slice(&range) != e.text {
                return Err(format!("entity {}: text[{}:{}] is {:?}, not {:?}", e.id, e.start, e.end, doc.slice(&range), e.text));
            }
            entities.push(Entity {
                id: e.id.clone(),
                range,
                label: e.label.clone(),
                source: e.source,
                status: e.status,
                canonical: e.canonical.clone(),
                evidence: e.evidence.clone(),
            });
        }
        Ok((doc, entities))
    }

    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("an export always serializes")
    }

    /// One line, for JSON lines output.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("an export always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ingest, recognize::lexicon::Lexicon, recognize::recognize};

    #[test]
    fn offsets_are_code_points_after_emoji_and_astral_cjk() {
        let doc = ingest("<p>🚀据悉，𠮷商汤绝影与Tesla、沐曦(MetaX)合作。</p>".as_bytes(), "t.html").unwrap();
        let entities = recognize(&doc, &Lexicon::builtin());
        let export = Export::new(&doc, &crate::labels::default_labels(), &entities);
        let chars: Vec<char> = export.document.text.chars().collect();
        assert!(export.entities.len() >= 4);
        for e in &export.entities {
            let slice: String = chars[e.start..e.end].iter().collect();
            assert_eq!(slice, e.text);
        }
        let first = &export.entities[0];
        assert_eq!((first.start, first.end, first.text.as_str()), (5, 9, "商汤绝影"));
        let json = export.to_json_line();
        assert!(json.contains(r#""offset_unit":"codepoint""#));
        let back: Export = serde_json::from_str(&json).unwrap();
        assert_eq!(back, export);
        // And back into a document whose export is the same.
        let (doc2, entities2) = back.to_document().unwrap();
        assert_eq!(Export::new(&doc2, &back.labels, &entities2).entities, export.entities);
        assert_eq!(doc2.text, doc.text);
    }
}
