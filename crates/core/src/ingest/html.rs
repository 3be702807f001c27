//! HTML to text: html5ever builds the tree, then one walk lays out the text a browser
//! would show, with blocks, links and the page's metadata.

use html5ever::tendril::TendrilSink;
use html5ever::{parse_document, ParseOpts};

use super::tree::{Handle, NodeData, Sink};
use super::TextBuilder;
use crate::document::{BlockKind, Diagnostic, Link};

/// What the walk found besides the text.
#[derive(Default)]
pub(super) struct HtmlExtract {
    pub title: Option<String>,
    pub meta: serde_json::Map<String, serde_json::Value>,
    pub links: Vec<Link>,
}

/// Elements whose content is never part of the article's text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "template" | "noscript" | "iframe" | "object" | "embed" | "frame"
            | "frameset" | "noembed" | "noframes" | "svg" | "math" | "canvas" | "audio" | "video"
            | "input" | "select" | "textarea" | "button" | "dialog" | "map"
    )
}

fn block_kind(name: &str) -> Option<BlockKind> {
    Some(match name {
        "h1" => BlockKind::Heading(1),
        "h2" => BlockKind::Heading(2),
        "h3" => BlockKind::Heading(3),
        "h4" => BlockKind::Heading(4),
        "h5" => BlockKind::Heading(5),
        "h6" => BlockKind::Heading(6),
        "p" => BlockKind::Paragraph,
        "li" | "dt" | "dd" => BlockKind::ListItem,
        "td" | "th" | "caption" => BlockKind::TableCell,
        "blockquote" => BlockKind::Quote,
        "pre" | "listing" | "xmp" | "plaintext" => BlockKind::Preformatted,
        "html" | "body" | "div" | "section" | "article" | "main" | "header" | "footer" | "aside"
        | "nav" | "ul" | "ol" | "dl" | "table" | "thead" | "tbody" | "tfoot" | "tr" | "figure"
        | "figcaption" | "address" | "details" | "summary" | "form" | "fieldset" | "legend"
        | "center" | "hr" | "hgroup" | "menu" => BlockKind::Other,
        _ => return None,
    })
}

/// True for elements a browser does not render: `hidden`, `display:none`, hidden inputs.
fn is_hidden(node: &Handle) -> bool {
    if node.attr("hidden").is_some() || node.attr("aria-hidden").as_deref() == Some("true") {
        return true;
    }
    node.attr("style").is_some_and(|style| {
        let compact: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        compact.contains("display:none") || compact.contains("visibility:hidden")
    })
}

/// Keeps only link targets that are plain web or mail addresses.
fn safe_href(href: &str) -> Option<String> {
    let trimmed = href.trim();
    let lower = trimmed.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:"))
        .then(|| trimmed.to_string())
}

fn is_hint_attribute(name: &str) -> bool {
    !matches!(name, "href" | "style" | "target" | "rel") && !name.starts_with("on")
}

pub(super) fn extract(html: &str, out: &mut TextBuilder, diagnostics: &mut Vec<Diagnostic>) -> HtmlExtract {
    let (root, errors) = parse_document(Sink::new(), ParseOpts::default()).one(html);
    if errors > 0 {
        diagnostics.push(Diagnostic::new(format!(
            "the HTML had {errors} syntax error(s); it was repaired as a browser would"
        )));
    }
    let mut found = HtmlExtract::default();
    let mut dropped_scripts = 0usize;

    enum Step {
        Enter(Handle),
        LeaveBlock,
        LeaveLink { start: usize, href: Option<String>, hints: Vec<(String, String)> },
        LeavePre,
    }
    let mut stack = vec![Step::Enter(root)];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Enter(node) => node,
            Step::LeaveBlock => {
                out.end_block();
                continue;
            }
            Step::LeavePre => {
                out.pre_depth -= 1;
                out.end_block();
                continue;
            }
            Step::LeaveLink { start, href, hints } => {
                let range = out.trimmed_range_since(start);
                if !range.is_empty() {
                    found.links.push(Link { range, href, hints });
                }
                continue;
            }
        };
        match &node.data {
            NodeData::Text(contents) => {
                out.push_text(&contents.borrow());
                continue;
            }
            NodeData::Other => continue,
            NodeData::Document | NodeData::Element { .. } => {}
        }
        if let Some(name) = node.element_name() {
            if name == "head" {
                read_head(&node, &mut found);
                continue;
            }
            if is_skipped(name) || is_hidden(&node) {
                if name == "script" {
                    dropped_scripts += 1;
                }
                continue;
            }
            if name == "br" {
                out.line_break();
                continue;
            }
            if name == "a" {
                let href = node.attr("href").and_then(|h| safe_href(&h));
                let hints = node.attrs().into_iter().filter(|(k, _)| is_hint_attribute(k)).collect();
                stack.push(Step::LeaveLink { start: out.len(), href, hints });
            } else if let Some(kind) = block_kind(name) {
                out.start_block(kind);
                if kind == BlockKind::Preformatted {
                    out.pre_depth += 1;
                    stack.push(Step::LeavePre);
                } else {
                    stack.push(Step::LeaveBlock);
                }
            }
        }
        let children = node.children.borrow();
        stack.extend(children.iter().rev().cloned().map(Step::Enter));
    }
    if dropped_scripts > 0 {
        diagnostics.push(Diagnostic::new(format!("dropped {dropped_scripts} script element(s); article code never runs")));
    }
    found
}

/// Reads `<title>`, `<meta>` and `<link rel=canonical>` from the head; nothing of it
/// enters the text.
fn read_head(head: &Handle, found: &mut HtmlExtract) {
    let mut stack = vec![head.clone()];
    while let Some(node) = stack.pop() {
        match node.element_name() {
            Some("title") => {
                let mut title = TextBuilder::default();
                for child in node.children.borrow().iter() {
                    if let NodeData::Text(t) = &child.data {
                        title.push_text(&t.borrow());
                    }
                }
                let title = title.finish_text();
                if !title.is_empty() && found.title.is_none() {
                    found.title = Some(title);
                }
            }
            Some("meta") => {
                let key = node.attr("name").or_else(|| node.attr("property")).map(|k| k.to_ascii_lowercase());
                if let (Some(key), Some(content)) = (key, node.attr("content")) {
                    let key = match key.as_str() {
                        "description" | "og:description" => "description",
                        "author" | "article:author" => "author",
                        "keywords" | "news_keywords" => "keywords",
                        "date" | "pubdate" | "article:published_time" => "date",
                        "og:title" => "og_title",
                        "og:url" => "canonical_url",
                        _ => continue,
                    };
                    found.meta.entry(key.to_string()).or_insert(content.trim().into());
                }
            }
            Some("link") => {
                let rel = node.attr("rel").unwrap_or_default().to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") {
                    if let Some(href) = node.attr("href").and_then(|h| safe_href(&h)) {
                        found.meta.insert("canonical_url".into(), href.into());
                    }
                }
            }
            _ => stack.extend(node.children.borrow().iter().rev().cloned()),
        }
    }
}
