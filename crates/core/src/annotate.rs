//! Entities over a document: what was found or labelled, by whom, and how far it has
//! been reviewed.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// Who proposed an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntitySource {
    Lexicon,
    Rule,
    Model,
    Manual,
}

impl EntitySource {
    pub fn as_str(self) -> &'static str {
        match self {
            EntitySource::Lexicon => "lexicon",
            EntitySource::Rule => "rule",
            EntitySource::Model => "model",
            EntitySource::Manual => "manual",
        }
    }
}

/// How far a person has reviewed an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proposed by a machine, not yet reviewed.
    Suggested,
    Accepted,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Suggested => "suggested",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
        }
    }
}

/// One entity: a labelled span of [`crate::Document::text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable within a document: `e1`, `e2`, ... in order of position.
    pub id: String,
    /// UTF-8 byte range in the document text (never exported as such).
    pub range: Range<usize>,
    pub label: String,
    pub source: EntitySource,
    pub status: Status,
    /// The canonical name, e.g. 特斯拉 → "Tesla".
    pub canonical: Option<String>,
    /// Why it was found, in words a teacher can point at: "lexicon alias 特斯拉 of Tesla".
    pub evidence: String,
}
