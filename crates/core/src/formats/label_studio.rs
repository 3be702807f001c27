//! Label Studio tasks: a JSON array, machine suggestions as `predictions`, a person's
//! decisions as `annotations`, and the labelling config written beside them.
//!
//! ```json
//! [{"data": {"text": "…", "source": "a.html", "offset_unit": "codepoint"},
//!   "predictions": [{"model_version": "huaxian", "result": [
//!     {"id": "e1", "from_name": "label", "to_name": "text", "type": "labels", "origin": "prediction",
//!      "value": {"start": 0, "end": 4, "text": "商汤绝影", "labels": ["COMPANY"]},
//!      "meta": {"text": ["canonical: SenseTime Jueying"]}}]}],
//!   "annotations": [{"result": [ … "origin": "manual" … ]}]}]
//! ```
//! Label Studio's `<Text>` counts code points; `data.offset_unit` says which unit the file
//! uses (UTF-16 only when asked for, for JavaScript consumers).

use serde_json::{json, Map, Value};

use super::{build, ExportOptions, FormatError, Incoming, OutputFile, Origin, Prepared};
use crate::annotate::{EntitySource, Status};
use crate::export::Export;

pub(crate) fn export(docs: &[Prepared], options: &ExportOptions, base: &str) -> Vec<OutputFile> {
    let unit = options.offset_unit;
    let tasks: Vec<Value> = docs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let item = |e: &super::Ent, origin: &str| {
                let mut item = json!({
                    "id": e.id,
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "origin": origin,
                    "value": {"start": p.offset(e.start, unit), "end": p.offset(e.end, unit), "text": e.text, "labels": [e.label]},
                });
                if let Some(c) = e.canonical {
                    item["meta"] = json!({"text": [format!("canonical: {c}")]});
                }
                item
            };
            let suggested: Vec<Value> = p.entities.iter().filter(|e| e.status == Status::Suggested).map(|e| item(e, "prediction")).collect();
            let accepted: Vec<Value> = p.entities.iter().filter(|e| e.status != Status::Suggested).map(|e| item(e, "manual")).collect();
            let mut task = json!({
                "id": i + 1,
                "data": {"text": p.text(), "source": p.export.document.source, "offset_unit": unit.as_str()},
            });
            if let Some(title) = &p.export.document.title {
                task["data"]["title"] = json!(title);
            }
            if !suggested.is_empty() {
                task["predictions"] = json!([{"model_version": "huaxian", "result": suggested}]);
            }
            if !accepted.is_empty() {
                task["annotations"] = json!([{"result": accepted}]);
            }
            task
        })
        .collect();
    let mut labels = Vec::new();
    for p in docs {
        for l in p.labels(options) {
            if !labels.iter().any(|x: &crate::labels::LabelDef| x.name == l.name) {
                labels.push(l);
            }
        }
    }
    let mut config = String::from("<View>\n  <Labels name=\"label\" toName=\"text\">\n");
    for l in &labels {
        config.push_str(&format!("    <Label value=\"{}\" background=\"{}\"/>\n", xml_escape(&l.name), xml_escape(&l.color)));
    }
    config.push_str("  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n</View>\n");
    let mut json = serde_json::to_string_pretty(&Value::Array(tasks)).expect("JSON values serialize").into_bytes();
    json.push(b'\n');
    vec![
        OutputFile { name: format!("{base}.label-studio.json"), bytes: json },
        OutputFile { name: format!("{base}.label-studio-config.xml"), bytes: config.into_bytes() },
    ]
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub(crate) fn import(file: &str, text: &str) -> Result<Vec<Export>, FormatError> {
    let value: Value = serde_json::from_str(text).map_err(|e| FormatError::new(file, Some(e.line()), format!("not JSON: {e}")))?;
    let tasks = match value {
        Value::Array(tasks) => tasks,
        task @ Value::Object(_) => vec![task],
        _ => return Err(FormatError::new(file, Some(1), "Label Studio tasks must be a JSON array of tasks")),
    };
    let many = tasks.len() > 1;
    tasks.into_iter().enumerate().map(|(i, t)| task(file, i + 1, many, t)).collect()
}

fn task(file: &str, n: usize, many: bool, task: Value) -> Result<Export, FormatError> {
    let err = |reason: String| FormatError::new(file, None, format!("task {n}: {reason}"));
    let data = task.get("data").and_then(|d| d.as_object()).ok_or_else(|| err("no data object".into()))?;
    let text = match data.get("text") {
        Some(Value::String(s)) => s.clone(),
        _ => data.values().find_map(|v| v.as_str()).ok_or_else(|| err("data has no text".into()))?.to_string(),
    };
    let unit = super::stated_unit(data.get("offset_unit"), file, None).map_err(|e| err(e.reason))?;
    let mut incoming = Vec::new();
    for (key, status) in [("annotations", Status::Accepted), ("predictions", Status::Suggested)] {
        let Some(groups) = task.get(key) else { continue };
        let groups = groups.as_array().ok_or_else(|| err(format!("{key} must be a list")))?;
        for g in groups {
            if g.get("was_cancelled").and_then(|c| c.as_bool()) == Some(true) {
                continue;
            }
            let results = g.get("result").and_then(|r| r.as_array()).ok_or_else(|| err(format!("each of {key} needs a result list")))?;
            for r in results {
                if r.get("type").and_then(|t| t.as_str()) != Some("labels") {
                    continue; // relations, choices, text areas: not entities
                }
                let v = r.get("value").ok_or_else(|| err("a result without value".into()))?;
                let start = v.get("start").and_then(|s| s.as_u64()).ok_or_else(|| err("value.start must be a non-negative integer".into()))?;
                let end = v.get("end").and_then(|s| s.as_u64()).ok_or_else(|| err("value.end must be a non-negative integer".into()))?;
                let labels = v.get("labels").and_then(|l| l.as_array()).ok_or_else(|| err("value.labels must be a list".into()))?;
                let canonical = r
                    .pointer("/meta/text")
                    .and_then(|t| t.as_array())
                    .and_then(|t| t.iter().find_map(|s| s.as_str()?.strip_prefix("canonical: ").map(str::to_string)));
                for label in labels {
                    let label = label.as_str().ok_or_else(|| err("a label must be a string".into()))?;
                    let mut e = Incoming::new(start as usize, end as usize, label);
                    e.status = status;
                    e.source = if status == Status::Suggested { EntitySource::Model } else { EntitySource::Manual };
                    e.canonical = canonical.clone();
                    e.text = v.get("text").and_then(|t| t.as_str()).map(str::to_string);
                    incoming.push(e);
                }
            }
        }
    }
    let source = data.get("source").and_then(|s| s.as_str()).map(str::to_string).unwrap_or_else(|| super::record_source(file, n, many));
    let mut meta = Map::new();
    for (k, v) in data {
        if !matches!(k.as_str(), "text" | "source" | "offset_unit" | "title") {
            meta.insert(k.clone(), v.clone());
        }
    }
    let mut export = build(Origin { file, line: None }, source, text, meta, unit, incoming).map_err(|e| err(e.reason))?;
    export.document.title = data.get("title").and_then(|t| t.as_str()).map(str::to_string);
    Ok(export)
}
