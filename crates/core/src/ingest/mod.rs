//! Article bytes to one [`Document`].
//!
//! The steps, in order: refuse what is not text or is too large; decode (BOM, declared
//! charset, detection); split off YAML front matter; lay out the text of the HTML (parsed
//! by html5ever) or of plain text; compute the offset maps.
//!
//! **Invariant:** broken HTML is never an error. It is repaired as a browser would and
//! the repairs are listed in [`Document::diagnostics`]. Only input that is not text at all,
//! or is larger than [`MAX_INPUT_BYTES`], is refused.

mod encoding;
mod front_matter;
mod html;
mod tree;

use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::document::{Block, BlockKind, Document, InputKind};
use crate::offsets::TextMap;

/// The largest input accepted: 64 MiB. A 50 MB article ingests; past this the person is
/// told, and nothing is half-loaded.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Why bytes could not become a document. Messages are written for the person who chose
/// the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestError {
    /// The bytes are not text: an image, an archive, a program...
    NotText { looks_like: String },
    TooLarge { size: usize, limit: usize },
    Empty,
}

impl std::fmt::Display for IngestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IngestError::NotText { looks_like } => {
                write!(f, "this is not an article: it looks like {looks_like}. Open an HTML, Markdown or text file")
            }
            IngestError::TooLarge { size, limit } => write!(
                f,
                "this file is too large to open: {:.1} MB, and the limit is {} MB",
                *size as f64 / 1e6,
                limit / (1024 * 1024)
            ),
            IngestError::Empty => write!(f, "this file is empty: there is no text to annotate"),
        }
    }
}

impl std::error::Error for IngestError {}

/// Turns the bytes of an article into a [`Document`]. `source` is the file name (used to
/// tell HTML from plain text when the bytes alone do not say, and kept in the export).
pub fn ingest(bytes: &[u8], source: &str) -> Result<Document, IngestError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(IngestError::TooLarge { size: bytes.len(), limit: MAX_INPUT_BYTES });
    }
    encoding::refuse_binary(bytes)?;
    let mut diagnostics = Vec::new();
    let looks_html = looks_like_html(bytes, source);
    let (decoded, encoding) = encoding::decode(bytes, looks_html, &mut diagnostics);
    let (front, body) = front_matter::split(&decoded, &mut diagnostics);

    let mut out = TextBuilder::default();
    let (kind, mut title, mut meta, links) = if is_markdown(source) {
        let mut html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(body));
        let found = html::extract(&html, &mut out, &mut diagnostics);
        (InputKind::Markdown, found.title, found.meta, found.links)
    } else if looks_html || looks_like_html(body.as_bytes(), source) {
        let found = html::extract(body, &mut out, &mut diagnostics);
        (InputKind::Html, found.title, found.meta, found.links)
    } else {
        plain_text(body, &mut out);
        (InputKind::Text, None, serde_json::Map::new(), Vec::new())
    };
    let (text, blocks) = out.finish();
    if text.trim().is_empty() && front.is_empty() {
        return Err(IngestError::Empty);
    }

    // Front matter wins over the page's own metadata.
    if let Some(t) = front.get("title").and_then(|v| v.as_str()) {
        title = Some(t.trim().to_string());
    }
    for (key, value) in front {
        meta.insert(key, value);
    }
    if title.is_none() {
        title = blocks
            .iter()
            .find(|b| matches!(b.kind, BlockKind::Heading(_)))
            .map(|b| text[b.range.clone()].to_string());
    }

    let map = TextMap::new(&text);
    Ok(Document {
        id: sha256_hex(bytes),
        source: source.to_string(),
        title,
        meta,
        text,
        blocks,
        links,
        encoding,
        kind,
        diagnostics,
        map,
    })
}

/// Parses `html` with html5ever into the tree ingestion uses, and nothing else: the
/// parser's own cost, which the ingestion benchmark reports beside the whole pipeline.
/// Returns the number of syntax errors so the work cannot be optimised away.
#[doc(hidden)]
pub fn parse_html_only(html: &str) -> usize {
    use html5ever::tendril::TendrilSink;
    html5ever::parse_document(tree::Sink::new(), html5ever::ParseOpts::default()).one(html).1
}

/// A document id: the SHA-256 of its bytes, in hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn is_markdown(source: &str) -> bool {
    let name = source.to_ascii_lowercase();
    name.ends_with(".md") || name.ends_with(".markdown")
}

/// HTML by its name, else by its first kilobytes holding something shaped like a tag.
fn looks_like_html(bytes: &[u8], source: &str) -> bool {
    let name = source.to_ascii_lowercase();
    if [".html", ".htm", ".xhtml", ".shtml"].iter().any(|e| name.ends_with(e)) {
        return true;
    }
    if [".txt", ".text", ".md", ".markdown"].iter().any(|e| name.ends_with(e)) {
        return false;
    }
    let head = &bytes[..bytes.len().min(8192)];
    head.windows(2).enumerate().any(|(i, w)| {
        w[0] == b'<'
            && (w[1].is_ascii_alphabetic() || w[1] == b'!' || w[1] == b'/')
            && head[i..].iter().take(256).any(|&b| b == b'>')
    })
}

/// Plain text: each non-empty line is a block.
fn plain_text(body: &str, out: &mut TextBuilder) {
    out.pre_depth += 1;
    for line in body.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        out.start_block(BlockKind::Paragraph);
        out.push_text(line);
        out.end_block();
    }
    out.pre_depth -= 1;
}

/// Lays out text as a browser does: blocks on their own lines, inline runs joined with no
/// invented spaces (`<b>宁德</b>时代` reads 宁德时代), runs of white space collapsed to one
/// space except inside `<pre>`, and `&nbsp;` kept as a space that never collapses.
#[derive(Default)]
pub(crate) struct TextBuilder {
    text: String,
    blocks: Vec<Block>,
    kinds: Vec<BlockKind>,
    block_start: usize,
    pending_space: bool,
    pub(crate) pre_depth: usize,
}

impl TextBuilder {
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    pub(crate) fn push_text(&mut self, s: &str) {
        for ch in s.chars() {
            if self.pre_depth > 0 {
                self.push_char(if ch == '\u{a0}' { ' ' } else { ch });
            } else if matches!(ch, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
                self.pending_space = true;
            } else {
                let at_line_start = self.text.len() == self.block_start || self.text.ends_with('\n');
                if self.pending_space && !at_line_start {
                    self.text.push(' ');
                }
                self.pending_space = false;
                self.push_char(if ch == '\u{a0}' { ' ' } else { ch });
            }
        }
    }

    fn push_char(&mut self, ch: char) {
        self.text.push(ch);
    }

    /// A `<br>`: a new line inside the current block.
    pub(crate) fn line_break(&mut self) {
        self.pending_space = false;
        self.text.push('\n');
    }

    pub(crate) fn start_block(&mut self, kind: BlockKind) {
        self.close_block();
        self.kinds.push(kind);
    }

    pub(crate) fn end_block(&mut self) {
        self.close_block();
        self.kinds.pop();
    }

    /// Ends the run of text since the last block boundary, if there is one.
    fn close_block(&mut self) {
        self.pending_space = false;
        let kind = self.kinds.last().copied().unwrap_or(BlockKind::Other);
        // Trailing white space is invisible; in preformatted text only the final line
        // break is (spaces there are kept).
        let trailing: &[char] = if kind == BlockKind::Preformatted { &['\n'] } else { &['\n', ' '] };
        while self.text.len() > self.block_start && self.text.ends_with(trailing) {
            self.text.pop();
        }
        if self.text.len() > self.block_start {
            self.blocks.push(Block { kind, range: self.block_start..self.text.len() });
            self.text.push('\n');
            self.block_start = self.text.len();
        }
    }

    /// The byte range written since `start`, without white space at either end.
    pub(crate) fn trimmed_range_since(&self, start: usize) -> Range<usize> {
        let start = start.min(self.text.len());
        let slice = &self.text[start..];
        let lead = slice.len() - slice.trim_start().len();
        let trail = slice.len() - slice.trim_end().len();
        (start + lead)..(self.text.len() - trail).max(start + lead)
    }

    pub(crate) fn finish(mut self) -> (String, Vec<Block>) {
        self.close_block();
        if self.text.ends_with('\n') {
            self.text.pop();
        }
        (self.text, self.blocks)
    }

    /// The text alone, for short runs such as a `<title>`.
    pub(crate) fn finish_text(self) -> String {
        self.finish().0.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> String {
        ingest(html.as_bytes(), "t.html").unwrap().text
    }

    #[test]
    fn inline_runs_join_without_spaces() {
        assert_eq!(text_of("<p><b>宁德</b>时代</p>"), "宁德时代");
    }

    #[test]
    fn blocks_are_separated_by_one_newline() {
        let doc = ingest("<div><h1> 标题 </h1>\n\n<p>第一段</p><p>第二  \n 段</p></div>".as_bytes(), "t.html").unwrap();
        assert_eq!(doc.text, "标题\n第一段\n第二 段");
        assert_eq!(doc.blocks.len(), 3);
        assert_eq!(doc.blocks[0].kind, BlockKind::Heading(1));
        assert_eq!(doc.title.as_deref(), Some("标题"));
    }

    #[test]
    fn scripts_styles_and_comments_are_left_out() {
        assert_eq!(
            text_of("<p>a<script>alert(1)</script><style>p{}</style><!-- c -->b</p><noscript>x</noscript>"),
            "ab"
        );
    }

    #[test]
    fn pre_keeps_white_space_and_nbsp_stays() {
        assert_eq!(text_of("<pre>a  b\n  c</pre><p>x&nbsp; y</p>"), "a  b\n  c\nx  y");
    }

    #[test]
    fn links_keep_safe_targets_and_hints() {
        let doc = ingest(
            r#"<p>服务<a class="hot" code="300024" href="https://x.test/?s=1" onclick="evil()">机器人</a>和<a href="javascript:alert(1)">链接</a></p>"#.as_bytes(),
            "t.html",
        )
        .unwrap();
        assert_eq!(doc.links.len(), 2);
        assert_eq!(doc.slice(&doc.links[0].range), "机器人");
        assert_eq!(doc.links[0].href.as_deref(), Some("https://x.test/?s=1"));
        assert!(doc.links[0].hints.contains(&("code".into(), "300024".into())));
        assert!(!doc.links[0].hints.iter().any(|(k, _)| k == "onclick"));
        assert_eq!(doc.links[1].href, None);
    }

    #[test]
    fn plain_text_is_kept_line_by_line() {
        let doc = ingest("第一行\r\n\r\n  第二行  \n".as_bytes(), "a.txt").unwrap();
        assert_eq!(doc.text, "第一行\n  第二行");
        assert_eq!(doc.kind, InputKind::Text);
    }

    #[test]
    fn empty_and_binary_input_are_refused() {
        assert_eq!(ingest(b"   ", "a.txt").unwrap_err(), IngestError::Empty);
        assert!(matches!(ingest(b"PK\x03\x04rest", "a.html"), Err(IngestError::NotText { .. })));
    }

    #[test]
    fn input_past_the_limit_is_refused_before_any_work() {
        let big = vec![b'a'; MAX_INPUT_BYTES + 1];
        let err = ingest(&big, "big.txt").unwrap_err();
        assert!(matches!(err, IngestError::TooLarge { .. }));
        assert!(err.to_string().contains("the limit is 64 MB"), "{err}");
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        // 10,000 levels on a 256 KiB stack: any recursion per level (in the walk or in
        // dropping the tree) would overflow. (html5ever's own cost grows with the square of
        // the depth, which is why the depth here is not larger.)
        let html = "<div>".repeat(10_000) + "深" + &"</div>".repeat(10_000);
        let text = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || text_of(&html))
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(text, "深");
    }
}
