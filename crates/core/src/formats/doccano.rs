//! doccano sequence-labelling JSON lines.
//!
//! ```json
//! {"text": "商汤绝影与Tesla合作", "label": [[0, 4, "COMPANY"], [5, 10, "COMPANY"]], "source": "a.html", "offset_unit": "codepoint"}
//! ```
//! `label` holds `[start, end, LABEL]`, end exclusive. doccano keeps extra keys as
//! metadata, so `source` and `offset_unit` ride along. Import also reads the
//! relation-mode shape `entities: [{start_offset, end_offset, label}]`.

use serde_json::{json, Map, Value};

use super::{build, ExportOptions, FormatError, Incoming, OutputFile, Origin, Prepared};
use crate::export::Export;

pub(crate) fn export(docs: &[Prepared], options: &ExportOptions, base: &str) -> Vec<OutputFile> {
    let unit = options.offset_unit;
    let lines = docs.iter().map(|p| {
        let labels: Vec<Value> = p.entities.iter().map(|e| json!([p.offset(e.start, unit), p.offset(e.end, unit), e.label])).collect();
        json!({
            "text": p.text(),
            "label": labels,
            "source": p.export.document.source,
            "offset_unit": unit.as_str(),
        })
    });
    vec![OutputFile { name: format!("{base}.doccano.jsonl"), bytes: super::json_lines(lines) }]
}

pub(crate) fn import(file: &str, text: &str) -> Result<Vec<Export>, FormatError> {
    let records: Vec<(usize, Value)> = super::parse_json_lines(file, text).collect::<Result<_, _>>()?;
    let many = records.len() > 1;
    records.into_iter().enumerate().map(|(n, (line, v))| one(file, line, n + 1, many, v)).collect()
}

fn one(file: &str, line: usize, n: usize, many: bool, value: Value) -> Result<Export, FormatError> {
    let at = Some(line);
    let err = |reason: &str| FormatError::new(file, at, reason.to_string());
    let Value::Object(mut obj) = value else { return Err(err("a doccano line must be a JSON object")) };
    let text = super::string(obj.get("text"), "text", file, at)?.to_string();
    let unit = super::stated_unit(obj.get("offset_unit"), file, at)?;
    let mut incoming = Vec::new();
    if let Some(labels) = obj.get("label").or_else(|| obj.get("labels")) {
        let labels = labels.as_array().ok_or_else(|| err("label must be a list of [start, end, LABEL]"))?;
        for l in labels {
            let triple = l.as_array().filter(|t| t.len() == 3).ok_or_else(|| err("each label must be [start, end, LABEL]"))?;
            incoming.push(Incoming::new(
                super::offset(triple.first(), "start", file, at)?,
                super::offset(triple.get(1), "end", file, at)?,
                super::string(triple.get(2), "label", file, at)?,
            ));
        }
    }
    if let Some(entities) = obj.get("entities") {
        let entities = entities.as_array().ok_or_else(|| err("entities must be a list"))?;
        for e in entities {
            incoming.push(Incoming::new(
                super::offset(e.get("start_offset"), "start_offset", file, at)?,
                super::offset(e.get("end_offset"), "end_offset", file, at)?,
                super::string(e.get("label"), "label", file, at)?,
            ));
        }
    }
    let source = match obj.get("source").and_then(|s| s.as_str()) {
        Some(s) => s.to_string(),
        None => super::record_source(file, n, many),
    };
    for key in ["text", "label", "labels", "entities", "relations", "offset_unit", "source"] {
        obj.remove(key);
    }
    build(Origin { file, line: at }, source, text, Map::from_iter(obj), unit, incoming)
}
