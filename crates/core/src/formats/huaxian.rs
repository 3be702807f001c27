//! The native Huaxian export (see [`crate::export`]) as a dataset format: pretty JSON for
//! one document, JSON lines for many.
//!
//! Options apply here too: suggestions are left out unless asked for, labels are mapped,
//! and with UTF-16 offsets `offset_unit` says `"utf16"`. Rejected entities are kept: they
//! are decisions, and an import continues from them.

use super::{build_native, ExportOptions, FormatError, OutputFile, Prepared};
use crate::export::{Export, ExportEntity, FORMAT, VERSION};

fn native(p: &Prepared, options: &ExportOptions) -> Export {
    let unit = options.offset_unit;
    let by_id: std::collections::HashMap<&str, &ExportEntity> = p.export.entities.iter().map(|e| (e.id.as_str(), e)).collect();
    Export {
        offset_unit: unit.as_str().into(),
        labels: p.labels(options),
        entities: p
            .entities
            .iter()
            .map(|e| ExportEntity {
                start: p.offset(e.start, unit),
                end: p.offset(e.end, unit),
                label: e.label.clone(),
                ..(*by_id[e.id]).clone()
            })
            .collect(),
        ..p.export.clone()
    }
}

/// One pretty JSON file per document (several go to a folder or a ZIP).
pub(crate) fn export_json(docs: &[Prepared], options: &ExportOptions, base: &str) -> Vec<OutputFile> {
    let stems = match docs {
        [_] => vec![base.to_string()],
        _ => super::unique_stems(docs),
    };
    docs.iter()
        .zip(stems)
        .map(|(p, stem)| {
            let mut bytes = native(p, options).to_json_pretty().into_bytes();
            bytes.push(b'\n');
            OutputFile { name: format!("{stem}.json"), bytes }
        })
        .collect()
}

pub(crate) fn export_jsonl(docs: &[Prepared], options: &ExportOptions, base: &str) -> Vec<OutputFile> {
    let mut out = String::new();
    for p in docs {
        out.push_str(&native(p, options).to_json_line());
        out.push('\n');
    }
    vec![OutputFile { name: format!("{base}.jsonl"), bytes: out.into_bytes() }]
}

/// Reads one pretty export or JSON lines of them.
pub(crate) fn import(file: &str, text: &str) -> Result<Vec<Export>, FormatError> {
    let trimmed = text.trim();
    // One JSON value for the whole file (pretty or not), else one per line.
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(trimmed) {
        return Ok(vec![one(file, None, value)?]);
    }
    let first_line = trimmed.lines().next().unwrap_or("");
    if serde_json::from_str::<serde_json::Value>(first_line).is_err() {
        let e = serde_json::from_str::<serde_json::Value>(trimmed).unwrap_err();
        return Err(FormatError::new(file, Some(e.line()), format!("not JSON: {e}")));
    }
    super::parse_json_lines(file, text).map(|r| r.and_then(|(line, v)| one(file, Some(line), v))).collect()
}

fn one(file: &str, line: Option<usize>, value: serde_json::Value) -> Result<Export, FormatError> {
    let err = |reason: String| FormatError::new(file, line, reason);
    match value.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => return Err(err(format!("format is {other:?}, not \"huaxian\""))),
        None => return Err(err("no \"format\": \"huaxian\": not a Huaxian export".into())),
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == VERSION as u64 => {}
        Some(v) => return Err(err(format!("version {v} is not supported (this build reads version {VERSION})"))),
        None => return Err(err("no version".into())),
    }
    let unit = super::stated_unit(value.get("offset_unit"), file, line)?;
    let export: Export = serde_json::from_value(value).map_err(|e| err(format!("not a Huaxian export: {e}")))?;
    build_native(file, line, export, unit)
}
