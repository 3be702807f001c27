//! spaCy v3: JSON lines for `Example.from_dict`, and the binary DocBin (`.spacy`).
//!
//! # JSON lines
//! ```json
//! {"text": "…", "annotations": {"entities": [[0, 4, "COMPANY"]], "spans": {"sc": [[0, 4, "COMPANY"]]}},
//!  "meta": {"source": "a.html", "offset_unit": "codepoint"}}
//! ```
//! `Example.from_dict(nlp.make_doc(eg["text"]), eg["annotations"])` reads a line.
//! `entities` cannot overlap: overlaps are dropped there (and listed in the summary);
//! `spans.sc` keeps every entity.
//!
//! # DocBin
//! The layout of `spacy/tokens/_serialize.py` (`DocBin.to_bytes`): a zlib stream of one
//! msgpack map `{version, attrs, tokens, spaces, lengths, strings, cats, flags,
//! span_groups}`. `attrs` is `[ORTH, ENT_IOB, ENT_TYPE]`; `tokens` holds one row of
//! little-endian `uint64` per token (the string hashes of the token text and entity label,
//! and the IOB code 3 = B, 1 = I, 2 = O); `spaces` one byte per token (is it followed by a
//! space); `lengths` the tokens per document as `int32`; `strings` every string hashed.
//! Ids are spaCy's: a symbol's id for the strings of its symbol table (`ORG` is 383),
//! else MurmurHash64A of the UTF-8 bytes with seed 1.
//!
//! Tokens follow [`super::tokens`], cut at entity boundaries, so every entity is a span
//! of tokens; a single space after a token is that token's trailing space (as spaCy's own
//! tokenizer does), other white space is a token of its own. Overlaps are dropped.

use std::collections::BTreeSet;
use std::io::Write;

use serde_json::{json, Map, Value};

use super::spacy_symbols::symbol_id;
use super::tokens::tokenize;
use super::{build, ExportOptions, ExportSummary, Format, FormatError, Incoming, OutputFile, Origin, Prepared};
use crate::export::Export;

pub(crate) fn export_jsonl(docs: &[Prepared], options: &ExportOptions, base: &str, summary: &mut ExportSummary) -> Vec<OutputFile> {
    let unit = options.offset_unit;
    let lines: Vec<Value> = docs
        .iter()
        .map(|p| {
            // The JSON lines keep every entity in spans.sc: what `entities` leaves out is a
            // note, not a loss of the file.
            let kept = p.without_overlaps("spaCy entities", " (kept in spans.sc)", summary);
            let triple = |e: &super::Ent| json!([p.offset(e.start, unit), p.offset(e.end, unit), e.label]);
            json!({
                "text": p.text(),
                "annotations": {
                    "entities": kept.iter().map(|e| triple(e)).collect::<Vec<_>>(),
                    "spans": {"sc": p.entities.iter().map(triple).collect::<Vec<_>>()},
                },
                "meta": {"source": p.export.document.source, "offset_unit": unit.as_str()},
            })
        })
        .collect();
    vec![OutputFile { name: format!("{base}.spacy.jsonl"), bytes: super::json_lines(lines) }]
}

pub(crate) fn import_jsonl(file: &str, text: &str) -> Result<Vec<Export>, FormatError> {
    let records: Vec<(usize, Value)> = super::parse_json_lines(file, text).collect::<Result<_, _>>()?;
    let many = records.len() > 1;
    records
        .into_iter()
        .enumerate()
        .map(|(n, (line, v))| {
            let at = Some(line);
            let err = |reason: &str| FormatError::new(file, at, reason.to_string());
            // Also the older `[text, {"entities": [...]}]` pairs.
            let (text, annotations, meta) = match &v {
                Value::Array(pair) if pair.len() == 2 => (pair[0].as_str(), Some(&pair[1]), None),
                Value::Object(o) => (o.get("text").and_then(|t| t.as_str()), o.get("annotations").or(Some(&v)), o.get("meta").and_then(|m| m.as_object())),
                _ => (None, None, None),
            };
            let text = text.ok_or_else(|| err("text must be a string"))?.to_string();
            let unit = super::stated_unit(meta.and_then(|m| m.get("offset_unit")), file, at)?;
            let annotations = annotations.ok_or_else(|| err("no annotations"))?;
            let triples = match annotations.pointer("/spans/sc") {
                Some(sc) => sc,
                None => annotations.get("entities").unwrap_or(&Value::Null),
            };
            let mut incoming = Vec::new();
            if !triples.is_null() {
                for t in triples.as_array().ok_or_else(|| err("entities must be a list of [start, end, LABEL]"))? {
                    let t = t.as_array().filter(|t| t.len() == 3).ok_or_else(|| err("each entity must be [start, end, LABEL]"))?;
                    incoming.push(Incoming::new(
                        super::offset(t.first(), "start", file, at)?,
                        super::offset(t.get(1), "end", file, at)?,
                        super::string(t.get(2), "label", file, at)?,
                    ));
                }
            }
            let source = meta
                .and_then(|m| m.get("source"))
                .and_then(|s| s.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| super::record_source(file, n + 1, many));
            let rest: Map<String, Value> = meta.into_iter().flatten().filter(|(k, _)| *k != "source" && *k != "offset_unit").map(|(k, v)| (k.clone(), v.clone())).collect();
            build(Origin { file, line: at }, source, text, rest, unit, incoming)
        })
        .collect()
}

/// spaCy's attribute ids (`spacy.attrs`).
const ORTH: u64 = 65;
const ENT_IOB: u64 = 77;
const ENT_TYPE: u64 = 78;

/// The id spaCy's StringStore gives a string: its symbol id for the few hundred symbols
/// (`ORG`, `DATE`, `X`, `_`...), else its hash.
pub fn string_id(s: &str) -> u64 {
    if s.is_empty() {
        return 0;
    }
    symbol_id(s).unwrap_or_else(|| hash_string(s))
}

/// spaCy's string hash: MurmurHash64A of the UTF-8 bytes with seed 1
/// (`spacy.strings.hash_string`).
pub fn hash_string(s: &str) -> u64 {
    murmurhash64a(s.as_bytes(), 1)
}

fn murmurhash64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for chunk in &mut chunks {
        let mut k = u64::from_le_bytes(chunk.try_into().unwrap());
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// One spaCy token: its text and whether a space follows it.
struct SpacyToken {
    text: String,
    space: bool,
    iob: u64,
    label: Option<String>,
}

pub(crate) fn export_docbin(docs: &[Prepared], base: &str, summary: &mut ExportSummary) -> Vec<OutputFile> {
    let mut tokens_bytes = Vec::new();
    let mut spaces = Vec::new();
    let mut lengths = Vec::new();
    let mut strings = BTreeSet::new();
    for p in docs {
        let kept = p.without_overlaps(&Format::Spacy.to_string(), "", summary);
        let doc = spacy_tokens(p, &kept);
        lengths.extend_from_slice(&(doc.len() as i32).to_le_bytes());
        for t in doc {
            let orth = string_id(&t.text);
            let ent_type = t.label.as_deref().map_or(0, string_id);
            for v in [orth, t.iob, ent_type] {
                tokens_bytes.extend_from_slice(&v.to_le_bytes());
            }
            spaces.push(t.space as u8);
            strings.insert(t.text);
            if let Some(l) = t.label {
                strings.insert(l);
            }
        }
    }
    let mut msg = Vec::new();
    let w = &mut msg;
    // Writing to a Vec cannot fail.
    rmp::encode::write_map_len(w, 9).unwrap();
    rmp::encode::write_str(w, "version").unwrap();
    rmp::encode::write_str(w, "0.1").unwrap();
    rmp::encode::write_str(w, "attrs").unwrap();
    rmp::encode::write_array_len(w, 3).unwrap();
    for a in [ORTH, ENT_IOB, ENT_TYPE] {
        rmp::encode::write_uint(w, a).unwrap();
    }
    rmp::encode::write_str(w, "tokens").unwrap();
    rmp::encode::write_bin(w, &tokens_bytes).unwrap();
    rmp::encode::write_str(w, "spaces").unwrap();
    rmp::encode::write_bin(w, &spaces).unwrap();
    rmp::encode::write_str(w, "lengths").unwrap();
    rmp::encode::write_bin(w, &lengths).unwrap();
    rmp::encode::write_str(w, "strings").unwrap();
    rmp::encode::write_array_len(w, strings.len() as u32).unwrap();
    for s in &strings {
        rmp::encode::write_str(w, s).unwrap();
    }
    rmp::encode::write_str(w, "cats").unwrap();
    rmp::encode::write_array_len(w, docs.len() as u32).unwrap();
    for _ in docs {
        rmp::encode::write_map_len(w, 0).unwrap();
    }
    rmp::encode::write_str(w, "flags").unwrap();
    rmp::encode::write_array_len(w, docs.len() as u32).unwrap();
    for _ in docs {
        rmp::encode::write_map_len(w, 1).unwrap();
        rmp::encode::write_str(w, "has_unknown_spaces").unwrap();
        rmp::encode::write_bool(w, false).unwrap();
    }
    rmp::encode::write_str(w, "span_groups").unwrap();
    rmp::encode::write_array_len(w, docs.len() as u32).unwrap();
    for _ in docs {
        rmp::encode::write_bin(w, b"").unwrap();
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&msg).expect("compressing into memory");
    let bytes = z.finish().expect("compressing into memory");
    vec![OutputFile { name: format!("{base}.spacy"), bytes }]
}

fn spacy_tokens(p: &Prepared, kept: &[&super::Ent]) -> Vec<SpacyToken> {
    let chars: Vec<char> = p.text().chars().collect();
    let cuts: BTreeSet<usize> = kept.iter().flat_map(|e| [e.start, e.end]).collect();
    let mut out: Vec<SpacyToken> = Vec::new();
    let mut next_entity = 0;
    for t in tokenize(p.text(), &cuts) {
        let mut start = t.start;
        // One space after a word is its trailing space, unless an entity starts or ends
        // at that space.
        if t.space
            && chars[start] == ' '
            && out.last().is_some_and(|prev| !prev.space && !prev.text.chars().all(char::is_whitespace))
            && !cuts.contains(&start)
            && !cuts.contains(&(start + 1))
        {
            out.last_mut().unwrap().space = true;
            start += 1;
            if start == t.end {
                continue;
            }
        }
        // `kept` is in text order and does not overlap: walk it along the tokens.
        while kept.get(next_entity).is_some_and(|e| e.end <= start) {
            next_entity += 1;
        }
        let entity = kept.get(next_entity).filter(|e| e.start <= start && t.end <= e.end);
        let (iob, label) = match entity {
            Some(e) if e.start == start => (3, Some(e.label.clone())),
            Some(e) => (1, Some(e.label.clone())),
            None => (2, None),
        };
        out.push(SpacyToken { text: chars[start..t.end].iter().collect(), space: false, iob, label });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::spacy_symbols::names;
    use super::{hash_string, string_id};

    #[test]
    fn symbols_are_sorted_and_win_over_hashes() {
        let names: Vec<&str> = names().collect();
        assert_eq!(names.len(), 456);
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(string_id("ORG"), 383);
        assert_eq!(string_id("DATE"), 391);
        assert_eq!(string_id("_"), 456);
        assert_eq!(string_id("COMPANY"), hash_string("COMPANY"));
    }

    #[test]
    fn hashes_agree_with_spacy() {
        // Values printed by spaCy 3.8.7's spacy.strings.hash_string.
        assert_eq!(hash_string("a"), 11901859001352538922);
        assert_eq!(hash_string("商汤"), 11152817696968416641);
        assert_eq!(hash_string("Tesla"), 989884730879938440);
        assert_eq!(hash_string("12345678"), 9871996032675327904);
        assert_eq!(hash_string("123456789"), 2056675840866671865);
        assert_eq!(hash_string("COMPANY"), 14413459108638621831);
        assert_eq!(hash_string("🚀"), 1450545737412984427);
    }
}
