//! The ingested article: one fixed text, its structure, its metadata and offset maps.
//!
//! A [`Document`] is made once by [`crate::ingest`] and never changes afterwards, so every
//! span over it stays valid. Spans inside the core are UTF-8 byte ranges on
//! [`Document::text`]; [`Document::map`] converts them to code points (exports) and UTF-16
//! (the DOM).

use std::ops::Range;

use crate::offsets::TextMap;

/// What kind of block a run of text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Heading(u8),
    Paragraph,
    ListItem,
    TableCell,
    Quote,
    Preformatted,
    /// Text directly inside a container such as `<div>` or `<body>`.
    Other,
}

/// A block of the text: a heading, a paragraph, a list item... Blocks do not overlap and
/// are separated in the text by exactly one `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// Byte range in [`Document::text`].
    pub range: Range<usize>,
}

/// A link of the article, kept as a span with its target and attributes.
///
/// Its attributes are hints a recognizer may weigh, never labels: the seed article
/// links 机器人 ("robots") to a stock code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub range: Range<usize>,
    /// Only `http`, `https` and `mailto` targets are kept.
    pub href: Option<String>,
    /// Attributes other than `href`, `style`, `target`, `rel` and event handlers,
    /// e.g. `("code", "300024")` or `("data-id", "7")`.
    pub hints: Vec<(String, String)>,
}

/// How the bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingSource {
    /// A byte order mark.
    Bom,
    /// A `<meta charset>` or `http-equiv` declaration.
    Declared,
    /// Guessed from the bytes.
    Detected,
}

/// The encoding a document was decoded with, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EncodingInfo {
    /// The WHATWG name, e.g. `UTF-8`, `GBK`, `Big5`.
    pub name: String,
    pub source: EncodingSource,
}

/// The shape the input had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Html,
    /// Markdown (by its `.md` name), rendered to HTML with pulldown-cmark, then read as HTML.
    Markdown,
    Text,
}

/// Something ingestion repaired, dropped or guessed. Never fatal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub message: String,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic { message: message.into() }
    }
}

/// One ingested article. (Equality is by value; `Rc<Document>` compares pointers first.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Lowercase hex SHA-256 of the source bytes: the same file always has the same id.
    pub id: String,
    /// The file name (or "pasted", "sample"...) the bytes came from.
    pub source: String,
    pub title: Option<String>,
    /// Front matter fields and the page's own metadata (author, date, description...).
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// The plain text a person reads; every offset indexes it. Fixed once ingested.
    pub text: String,
    pub blocks: Vec<Block>,
    pub links: Vec<Link>,
    pub encoding: EncodingInfo,
    pub kind: InputKind,
    pub diagnostics: Vec<Diagnostic>,
    pub map: TextMap,
}

impl Document {
    /// The text of a byte range.
    pub fn slice(&self, range: &Range<usize>) -> &str {
        &self.text[range.clone()]
    }

    /// A byte range as code points, the unit of every export.
    pub fn to_chars(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.map.byte_to_char(&self.text, range.start).expect("span on a char boundary");
        let end = self.map.byte_to_char(&self.text, range.end).expect("span on a char boundary");
        start..end
    }

    /// A code point range as bytes; `None` if it lies outside the text.
    pub fn chars_to_bytes(&self, range: &Range<usize>) -> Option<Range<usize>> {
        let start = self.map.char_to_byte(&self.text, range.start)?;
        let end = self.map.char_to_byte(&self.text, range.end)?;
        (start <= end).then_some(start..end)
    }
}
