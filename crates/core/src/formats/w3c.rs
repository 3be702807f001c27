//! W3C Web Annotation JSON-LD: one `AnnotationPage` whose items are one `Annotation` per
//! entity, with a `TextQuoteSelector` (exact text, up to 32 code points of prefix and
//! suffix) and a `TextPositionSelector` (code points: the model's MUST, whatever the
//! offset option says).
//!
//! ```json
//! {"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "id": "urn:uuid:…",
//!  "motivation": "tagging",
//!  "body": [{"type": "TextualBody", "purpose": "tagging", "value": "COMPANY"},
//!           {"type": "TextualBody", "purpose": "identifying", "value": "SenseTime Jueying"}],
//!  "target": {"source": "urn:sha256:…", "selector": [
//!    {"type": "TextQuoteSelector", "exact": "商汤绝影", "prefix": "", "suffix": "与Tesla合作"},
//!    {"type": "TextPositionSelector", "start": 0, "end": 4}]}}
//! ```
//! The target's `source` is `urn:sha256:` and the document id. Ids are derived from the
//! document id and the entity id, so the same export gives the same file.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{OutputFile, Prepared};
use crate::annotate::Status;

const CONTEXT: usize = 32;

pub(crate) fn export(docs: &[Prepared], base: &str) -> Vec<OutputFile> {
    let mut items = Vec::new();
    for p in docs {
        let chars: Vec<char> = p.text().chars().collect();
        for e in &p.entities {
            let prefix: String = chars[e.start.saturating_sub(CONTEXT)..e.start].iter().collect();
            let suffix: String = chars[e.end..(e.end + CONTEXT).min(chars.len())].iter().collect();
            let mut body = vec![json!({"type": "TextualBody", "purpose": "tagging", "value": e.label})];
            if let Some(c) = e.canonical {
                body.push(json!({"type": "TextualBody", "purpose": "identifying", "value": c}));
            }
            let mut annotation = json!({
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "type": "Annotation",
                "id": uuid_urn(&p.export.document.id, e.id),
                "motivation": "tagging",
                "body": body,
                "target": {
                    "source": format!("urn:sha256:{}", p.export.document.id),
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": e.text, "prefix": prefix, "suffix": suffix},
                        {"type": "TextPositionSelector", "start": e.start, "end": e.end},
                    ],
                },
            });
            if e.status == Status::Suggested {
                annotation["creator"] = json!({"type": "Software", "name": format!("huaxian {}", e.source.as_str())});
            }
            items.push(annotation);
        }
    }
    let page = json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationPage",
        "items": Value::Array(items),
    });
    let mut bytes = serde_json::to_string_pretty(&page).expect("JSON values serialize").into_bytes();
    bytes.push(b'\n');
    vec![OutputFile { name: format!("{base}.w3c.jsonld"), bytes }]
}

/// A name-based UUID (version 8, from SHA-256) for one entity of one document.
fn uuid_urn(doc_id: &str, entity_id: &str) -> String {
    let h = Sha256::digest(format!("{doc_id}/{entity_id}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}
