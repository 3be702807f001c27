//! The workspace in IndexedDB, the browser's own database (through `rexie`). Nothing is
//! sent anywhere: the data stays in this browser profile.
//!
//! Three object stores, keyed by document id (the SHA-256 of its bytes):
//! `sources` holds each document's file name and bytes (written once), `annotations` its
//! annotations, undo history and review status as JSON (rewritten on every edit), and
//! `workspace` the order of documents and which one is open (key `order`) and a lexicon
//! the person imported (key `lexicon`: its file name and entries as TSV).

use js_sys::{Object, Reflect, Uint8Array};
use rexie::{ObjectStore, Rexie, TransactionMode, TransactionResult};
use wasm_bindgen::{JsCast, JsValue};

const DB: &str = "huaxian";
const SOURCES: &str = "sources";
const ANNOTATIONS: &str = "annotations";
const WORKSPACE: &str = "workspace";
const LEXICON_KEY: &str = "lexicon";

/// A stored document, as read back.
pub struct StoredDoc {
    pub name: String,
    pub bytes: Vec<u8>,
    /// JSON of the annotations, if any edit was stored.
    pub annotations: Option<String>,
}

/// Says what went wrong in words a person can act on; a full disk is named as such.
fn describe(e: rexie::Error) -> String {
    let text = e.to_string();
    if text.contains("Quota") || text.contains("quota") {
        "the browser's storage is full, so your latest changes are not saved. Export your work now".into()
    } else {
        format!("saving to the browser's storage failed ({text}). Export your work to keep it")
    }
}

pub async fn open() -> Result<Rexie, String> {
    Rexie::builder(DB)
        .version(1)
        .add_object_store(ObjectStore::new(SOURCES))
        .add_object_store(ObjectStore::new(ANNOTATIONS))
        .add_object_store(ObjectStore::new(WORKSPACE))
        .build()
        .await
        .map_err(|e| format!("the browser refused its storage ({e}); work will not survive a reload, so export it"))
}

async fn put(db: &Rexie, store: &str, key: &str, value: &JsValue) -> Result<(), String> {
    let tx = db.transaction(&[store], TransactionMode::ReadWrite).map_err(describe)?;
    let s = tx.store(store).map_err(describe)?;
    s.put(value, Some(&JsValue::from_str(key))).await.map_err(describe)?;
    committed(tx.done().await)
}

/// A transaction the browser aborted did not save anything. The usual reason is a full
/// disk or quota (the abort carries a QuotaExceededError).
fn committed(result: rexie::Result<TransactionResult>) -> Result<(), String> {
    match result.map_err(describe)? {
        TransactionResult::Committed => Ok(()),
        TransactionResult::Aborted => Err(
            "the browser's storage is full (or refused the write), so your latest changes are not saved. Export your work now".into(),
        ),
    }
}

pub async fn save_source(db: &Rexie, id: &str, name: &str, bytes: &[u8]) -> Result<(), String> {
    let record = Object::new();
    let _ = Reflect::set(&record, &"name".into(), &name.into());
    let _ = Reflect::set(&record, &"bytes".into(), &Uint8Array::from(bytes).into());
    put(db, SOURCES, id, &record.into()).await
}

pub async fn save_annotations(db: &Rexie, id: &str, json: &str) -> Result<(), String> {
    put(db, ANNOTATIONS, id, &JsValue::from_str(json)).await
}

/// The document order and the open document.
pub async fn save_order(db: &Rexie, ids: &[String], current: usize) -> Result<(), String> {
    let json = serde_json::json!({ "ids": ids, "current": current }).to_string();
    put(db, WORKSPACE, "order", &JsValue::from_str(&json)).await
}

/// Stores an imported lexicon as TSV with the name of its file, or forgets it.
pub async fn save_lexicon(db: &Rexie, lexicon: Option<(&str, &str)>) -> Result<(), String> {
    match lexicon {
        Some((name, tsv)) => {
            let json = serde_json::json!({ "name": name, "tsv": tsv }).to_string();
            put(db, WORKSPACE, LEXICON_KEY, &JsValue::from_str(&json)).await
        }
        None => {
            let tx = db.transaction(&[WORKSPACE], TransactionMode::ReadWrite).map_err(describe)?;
            tx.store(WORKSPACE).map_err(describe)?.delete(JsValue::from_str(LEXICON_KEY)).await.map_err(describe)?;
            committed(tx.done().await)
        }
    }
}

/// The imported lexicon, if one is stored: its file name and TSV.
pub async fn load_lexicon(db: &Rexie) -> Result<Option<(String, String)>, String> {
    let tx = db.transaction(&[WORKSPACE], TransactionMode::ReadOnly).map_err(describe)?;
    let value = tx.store(WORKSPACE).map_err(describe)?.get(JsValue::from_str(LEXICON_KEY)).await.map_err(describe)?;
    let Some(json) = value.and_then(|v| v.as_string()) else { return Ok(None) };
    let value: serde_json::Value = serde_json::from_str(&json).map_err(|e| format!("the stored lexicon is unreadable: {e}"))?;
    match (value["name"].as_str(), value["tsv"].as_str()) {
        (Some(name), Some(tsv)) => Ok(Some((name.to_string(), tsv.to_string()))),
        _ => Err("the stored lexicon is unreadable: name or entries missing".into()),
    }
}

/// Every stored document in workspace order, and the index of the open one.
pub async fn load(db: &Rexie) -> Result<(Vec<StoredDoc>, usize), String> {
    let tx = db.transaction(&[SOURCES, ANNOTATIONS, WORKSPACE], TransactionMode::ReadOnly).map_err(describe)?;
    let order = tx.store(WORKSPACE).map_err(describe)?.get(JsValue::from_str("order")).await.map_err(describe)?;
    let Some(order) = order.and_then(|v| v.as_string()) else { return Ok((Vec::new(), 0)) };
    let order: serde_json::Value = serde_json::from_str(&order).map_err(|e| e.to_string())?;
    let current = order["current"].as_u64().unwrap_or(0) as usize;
    let sources = tx.store(SOURCES).map_err(describe)?;
    let annotations = tx.store(ANNOTATIONS).map_err(describe)?;
    let mut docs = Vec::new();
    for id in order["ids"].as_array().into_iter().flatten().filter_map(|v| v.as_str()) {
        let Some(record) = sources.get(JsValue::from_str(id)).await.map_err(describe)? else { continue };
        let name = Reflect::get(&record, &"name".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        let bytes = Reflect::get(&record, &"bytes".into())
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .map(|a| a.to_vec())
            .unwrap_or_default();
        let ann = annotations.get(JsValue::from_str(id)).await.map_err(describe)?.and_then(|v| v.as_string());
        docs.push(StoredDoc { name, bytes, annotations: ann });
    }
    Ok((docs, current))
}

/// Removes every document; an imported lexicon is a setting and stays.
pub async fn clear(db: &Rexie) -> Result<(), String> {
    let tx = db.transaction(&[SOURCES, ANNOTATIONS, WORKSPACE], TransactionMode::ReadWrite).map_err(describe)?;
    for store in [SOURCES, ANNOTATIONS] {
        tx.store(store).map_err(describe)?.clear().await.map_err(describe)?;
    }
    tx.store(WORKSPACE).map_err(describe)?.delete(JsValue::from_str("order")).await.map_err(describe)?;
    committed(tx.done().await)
}
