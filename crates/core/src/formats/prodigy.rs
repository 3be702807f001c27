//! Prodigy JSON lines, as `ner_manual` and `spans_manual` write them:
//! ```json
//! {"text": "…", "tokens": [{"text": "商", "start": 0, "end": 1, "id": 0, "ws": false}],
//!  "spans": [{"start": 0, "end": 4, "token_start": 0, "token_end": 3, "label": "COMPANY"}],
//!  "answer": "accept", "meta": {"source": "a.html", "offset_unit": "codepoint"}}
//! ```
//! `token_end` is inclusive. Tokens come from [`super::tokens`] (cut at entity boundaries,
//! white space left out, `ws` set on the token before it). Overlapping spans are kept
//! (`spans_manual` shows them); status rides in each span's `status`.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

use super::tokens::tokenize;
use super::{build, ExportOptions, FormatError, Incoming, OutputFile, Origin, Prepared};
use crate::annotate::Status;
use crate::export::Export;

#[derive(Serialize)]
struct Task<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    spans: Vec<Span<'a>>,
    answer: &'static str,
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct Token {
    text: String,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

#[derive(Serialize)]
struct Span<'a> {
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_end: Option<usize>,
    label: &'a str,
    text: &'a str,
    status: &'static str,
}

#[derive(Serialize)]
struct Meta<'a> {
    source: &'a str,
    offset_unit: &'static str,
}

/// Written with typed structs rather than JSON values: a task holds a token object per
/// character of Chinese text, and values would cost many times the text in memory.
pub(crate) fn export(docs: &[Prepared], options: &ExportOptions, base: &str) -> Vec<OutputFile> {
    let unit = options.offset_unit;
    let mut out = Vec::new();
    for p in docs {
        let cuts: BTreeSet<usize> = p.entities.iter().flat_map(|e| [e.start, e.end]).collect();
        let all = tokenize(p.text(), &cuts);
        let chars: Vec<char> = p.text().chars().collect();
        let words: Vec<_> = all.iter().enumerate().filter(|(_, t)| !t.space).map(|(i, t)| (t, all.get(i + 1).is_some_and(|n| n.space))).collect();
        let tokens: Vec<Token> = words
            .iter()
            .enumerate()
            .map(|(id, (t, ws))| Token {
                text: chars[t.start..t.end].iter().collect(),
                start: p.offset(t.start, unit),
                end: p.offset(t.end, unit),
                id,
                ws: *ws,
            })
            .collect();
        let spans: Vec<Span> = p
            .entities
            .iter()
            .map(|e| {
                // Words are in text order and cut at every entity boundary: the words of
                // an entity are the run from the first starting at or after its start.
                let first = words.partition_point(|(t, _)| t.start < e.start);
                let end = words.partition_point(|(t, _)| t.end <= e.end);
                Span {
                    start: p.offset(e.start, unit),
                    end: p.offset(e.end, unit),
                    token_start: (first < end).then_some(first),
                    token_end: (first < end).then(|| end - 1),
                    label: &e.label,
                    text: e.text,
                    status: e.status.as_str(),
                }
            })
            .collect();
        let task = Task { text: p.text(), tokens, spans, answer: "accept", meta: Meta { source: &p.export.document.source, offset_unit: unit.as_str() } };
        serde_json::to_writer(&mut out, &task).expect("writing JSON into memory");
        out.push(b'\n');
    }
    vec![OutputFile { name: format!("{base}.prodigy.jsonl"), bytes: out }]
}

pub(crate) fn import(file: &str, text: &str) -> Result<Vec<Export>, FormatError> {
    let records: Vec<(usize, Value)> = super::parse_json_lines(file, text).collect::<Result<_, _>>()?;
    let many = records.len() > 1;
    let mut out = Vec::new();
    for (n, (line, v)) in records.into_iter().enumerate() {
        let at = Some(line);
        let err = |reason: &str| FormatError::new(file, at, reason.to_string());
        if matches!(v.get("answer").and_then(|a| a.as_str()), Some("reject" | "ignore")) {
            continue;
        }
        let text = super::string(v.get("text"), "text", file, at)?.to_string();
        let meta = v.get("meta").and_then(|m| m.as_object()).cloned().unwrap_or_default();
        let unit = super::stated_unit(meta.get("offset_unit"), file, at)?;
        let mut incoming = Vec::new();
        if let Some(spans) = v.get("spans") {
            for s in spans.as_array().ok_or_else(|| err("spans must be a list"))? {
                let mut e = Incoming::new(
                    super::offset(s.get("start"), "span start", file, at)?,
                    super::offset(s.get("end"), "span end", file, at)?,
                    super::string(s.get("label"), "span label", file, at)?,
                );
                e.text = s.get("text").and_then(|t| t.as_str()).map(str::to_string);
                if s.get("status").and_then(|t| t.as_str()) == Some("suggested") {
                    e.status = Status::Suggested;
                }
                incoming.push(e);
            }
        }
        let source = meta.get("source").and_then(|s| s.as_str()).map(str::to_string).unwrap_or_else(|| super::record_source(file, n + 1, many));
        let rest: Map<String, Value> = meta.into_iter().filter(|(k, _)| k != "source" && k != "offset_unit").collect();
        out.push(build(Origin { file, line: at }, source, text, rest, unit, incoming)?);
    }
    Ok(out)
}
