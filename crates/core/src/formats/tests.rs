//! Round trips over random documents (emoji, 𠮷, CRLF, NBSP, ZWJ sequences, combining
//! marks), and the promises each format makes about what it keeps and drops.

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::annotate::{EntitySource, Status};
use crate::export::{Export, ExportEntity};

fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// A document as the app would hold it: entities sorted, ids e1, e2, ...
fn doc(source: &str, text: &str, spans: &[(usize, usize, &str, Status, Option<&str>)]) -> Export {
    let mut spans = spans.to_vec();
    spans.sort_by_key(|s| (s.0, s.1));
    let mut export = build(Origin { file: source, line: None }, source.into(), text.into(), Default::default(), OffsetUnit::CodePoint, vec![]).unwrap();
    export.entities = spans
        .iter()
        .enumerate()
        .map(|(i, &(start, end, label, status, canonical))| ExportEntity {
            id: format!("e{}", i + 1),
            start,
            end,
            text: slice(text, start, end),
            label: label.into(),
            source: if status == Status::Suggested { EntitySource::Lexicon } else { EntitySource::Manual },
            status,
            canonical: canonical.map(str::to_string),
            evidence: String::new(),
        })
        .collect();
    export
}

fn example() -> Export {
    doc(
        "example.html",
        "商汤绝影与Tesla合作，沐曦发布新品。",
        &[
            (0, 4, "COMPANY", Status::Accepted, Some("SenseTime Jueying")),
            (5, 10, "COMPANY", Status::Accepted, Some("Tesla")),
            (13, 15, "COMPANY", Status::Suggested, None),
        ],
    )
}

fn inputs(out: &ExportOutput) -> Vec<InputFile> {
    out.files.iter().filter(|f| !f.name.ends_with(".xml")).map(|f| InputFile::new(f.name.clone(), f.bytes.clone())).collect()
}

fn spans(e: &Export, with_status: bool) -> Vec<(usize, usize, String, Option<&'static str>)> {
    let mut v: Vec<_> = e.entities.iter().map(|x| (x.start, x.end, x.label.clone(), with_status.then_some(x.status.as_str()))).collect();
    v.sort();
    v
}

#[test]
fn doccano_line_is_the_documented_shape() {
    let out = export(Format::Doccano, &[example()], &ExportOptions::default()).unwrap();
    let line: Value = serde_json::from_slice(&out.files[0].bytes).unwrap();
    assert_eq!(line["label"], serde_json::json!([[0, 4, "COMPANY"], [5, 10, "COMPANY"]]));
    assert_eq!(line["offset_unit"], "codepoint");
    assert_eq!(out.summary.suggestions_left_out, 1);
    assert_eq!(out.summary.entities, 2);
}

#[test]
fn label_map_and_utf16_offsets_are_applied_and_stated() {
    let mut d = example();
    d.document.text = format!("🚀{}", d.document.text);
    for e in &mut d.entities {
        e.start += 1;
        e.end += 1;
    }
    let options = ExportOptions {
        include_suggestions: true,
        label_map: [("COMPANY".to_string(), "ORG".to_string())].into(),
        offset_unit: OffsetUnit::Utf16,
        name: None,
    };
    let out = export(Format::Doccano, &[d.clone()], &options).unwrap();
    let line: Value = serde_json::from_slice(&out.files[0].bytes).unwrap();
    assert_eq!(line["label"][0], serde_json::json!([2, 6, "ORG"]));
    assert_eq!(line["offset_unit"], "utf16");
    let back = import(&inputs(&out), None).unwrap();
    assert_eq!(back[0].entities[0].start, 1);
    assert_eq!(back[0].entities[0].label, "ORG");
}

#[test]
fn iob2_and_docbin_report_what_they_drop() {
    let d = doc(
        "o.txt",
        "商汤绝影与Tesla合作",
        &[(0, 4, "COMPANY", Status::Accepted, None), (0, 2, "ORG", Status::Accepted, None), (5, 10, "COMPANY", Status::Accepted, None)],
    );
    for format in [Format::Iob2, Format::Spacy, Format::SpacyJsonl] {
        let out = export(format, std::slice::from_ref(&d), &ExportOptions::default()).unwrap();
        assert_eq!(out.summary.dropped.len(), 1, "{format}");
        let dropped = &out.summary.dropped[0];
        assert_eq!((dropped.start, dropped.end, dropped.label.as_str()), (0, 2, "ORG"));
        assert!(dropped.reason.contains("overlaps e"), "{}", dropped.reason);
    }
    let out = export(Format::Iob2, &[d], &ExportOptions::default()).unwrap();
    let conll = String::from_utf8(out.files[0].bytes.clone()).unwrap();
    assert!(conll.starts_with("-DOCSTART- O\n\n商 B-COMPANY\n汤 I-COMPANY\n绝 I-COMPANY\n影 I-COMPANY\n与 O\nTesla B-COMPANY\n合 O\n"), "{conll}");
    for format in [Format::Doccano, Format::Brat, Format::LabelStudio, Format::Prodigy, Format::W3c] {
        let out = export(format, &[example()], &ExportOptions::default()).unwrap();
        assert!(out.summary.dropped.is_empty());
    }
}

#[test]
fn malformed_files_are_refused_with_file_line_and_reason() {
    let cases: [(&str, &str, Option<usize>, &str); 6] = [
        ("d.jsonl", "{\"text\": \"abc\", \"label\": [[0, 2, \"X\"]]}\n{\"text\": \"abc\", \"label\": [[2, 9, \"X\"]]}\n", Some(2), "outside the text"),
        ("d.jsonl", "{\"text\": \"abc\", \"label\": [[0, 2, \"X\"]]}\n{oops\n", Some(2), "not JSON"),
        ("x.conll", "商 B-ORG\n汤 I-ORG\n与 BAD\n", Some(3), "not O, B-LABEL or I-LABEL"),
        ("x.conll", "商 B-ORG\n汤\n", Some(2), "expected `TOKEN TAG`"),
        ("h.json", "{\"format\": \"huaxian\", \"version\": 2}", None, "version 2"),
        ("t.json", "[{\"data\": {\"text\": \"abc\"}, \"annotations\": [{\"result\": [{\"type\": \"labels\", \"value\": {\"start\": 0, \"end\": 2, \"text\": \"xy\", \"labels\": [\"X\"]}}]}]}]", None, "says \"xy\""),
    ];
    for (name, body, line, reason) in cases {
        let err = import(&[InputFile::new(name, body)], None).unwrap_err();
        assert_eq!(err.file, name);
        assert_eq!(err.line, line, "{err}");
        assert!(err.reason.contains(reason), "{err}");
    }
    let ann = InputFile::new("a.ann", "T1\tORG 0 2\tab\nT2\tORG 1 2\tzz\n");
    let err = import(&[InputFile::new("a.txt", "abc"), ann.clone()], None).unwrap_err();
    assert_eq!((err.file.as_str(), err.line), ("a.ann", Some(2)));
    let err = import(&[ann], None).unwrap_err();
    assert!(err.reason.contains("a.txt is missing"), "{err}");
    // A byte order mark and Windows line ends are not errors.
    let ann = InputFile::new("b.ann", "\u{feff}T1\tORG 0 2\tab\r\n#1\tAnnotatorNotes T1\tcanonical: AB\r\n");
    let back = import(&[InputFile::new("b.txt", "abc"), ann], None).unwrap();
    assert_eq!(back[0].entities[0].canonical.as_deref(), Some("AB"));
    let back = import(&[InputFile::new("c.conll", "\u{feff}商 B-ORG\r\n汤 I-ORG\r\n\r\n好 O\r\n")], None).unwrap();
    assert_eq!((back[0].document.text.as_str(), back[0].entities.len()), ("商汤\n好", 1));
    let err = import(&[InputFile::new("a.ann", "T1\tORG 0 2\tab\n")], None).unwrap_err();
    assert!(err.reason.contains("a.txt is missing"), "{err}");
}

#[test]
fn zip_holds_every_file() {
    let out = export(Format::Brat, &[example(), doc("b.html", "沐曦", &[])], &ExportOptions::default()).unwrap();
    let bytes = zip(&out.files);
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    assert_eq!(bytes, zip(&out.files), "the same files give the same archive");
    for f in &out.files {
        let name = f.name.as_bytes();
        assert!(bytes.windows(name.len()).any(|w| w == name), "{} missing", f.name);
    }
}

#[test]
fn docbin_is_a_zlib_msgpack_map() {
    use std::io::Read;
    let out = export(Format::Spacy, &[example()], &ExportOptions::default()).unwrap();
    let mut msg = Vec::new();
    flate2::read::ZlibDecoder::new(&out.files[0].bytes[..]).read_to_end(&mut msg).unwrap();
    assert_eq!(msg[0], 0x89, "a msgpack map of 9 keys");
    assert_eq!(out.files[0].name, "example.spacy");
}

// ---------------------------------------------------------------------------------------
// Property tests.

fn tricky_text() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "a", "Z", "Tesla", "42", " ", "  ", "中", "国", "商汤", "𠮷", "🚀", "👩\u{200d}💻", "\u{200d}", "\r\n", "\n", "\u{a0}", "é",
        "e\u{301}", "。", "，", "-", "\t",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

fn random_doc(source: &'static str) -> impl Strategy<Value = Export> {
    tricky_text().prop_flat_map(move |text| {
        let n = text.chars().count();
        let span = (0..n.max(1), 1..=n.max(1)).prop_filter_map("a non-empty span", move |(a, b)| (a < b && b <= n).then_some((a, b)));
        let entity = (
            span,
            prop::sample::select(vec!["COMPANY", "ORG", "PERSON"]),
            prop::sample::select(vec![Status::Suggested, Status::Accepted, Status::Rejected]),
            prop::option::of(prop::sample::select(vec!["Tesla", "商汤 Inc."])),
        );
        let entities = if n == 0 { prop::collection::vec(entity, 0..1).boxed() } else { prop::collection::vec(entity, 0..6).boxed() };
        (Just(text), entities).prop_map(move |(text, es)| {
            let spans: Vec<_> = es.into_iter().map(|((s, e), l, st, c)| (s, e, l, st, c)).collect();
            doc(source, &text, &spans)
        })
    })
}

fn unit() -> impl Strategy<Value = OffsetUnit> {
    prop::sample::select(vec![OffsetUnit::CodePoint, OffsetUnit::Utf16])
}

fn no_ws(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn native_round_trip_is_exact(d in random_doc("a.html"), unit in unit()) {
        let options = ExportOptions { include_suggestions: true, offset_unit: unit, ..Default::default() };
        for format in [Format::Huaxian, Format::HuaxianJsonl] {
            let out = export(format, std::slice::from_ref(&d), &options).unwrap();
            let back = import(&inputs(&out), None).unwrap();
            prop_assert_eq!(&back, &vec![d.clone()]);
        }
    }

    #[test]
    fn offset_formats_round_trip_text_spans_and_labels(a in random_doc("a.html"), b in random_doc("b.md"), unit in unit()) {
        let options = ExportOptions { include_suggestions: true, offset_unit: unit, ..Default::default() };
        let docs = vec![a, b];
        for format in [Format::Doccano, Format::LabelStudio, Format::SpacyJsonl, Format::Prodigy, Format::Brat] {
            let out = export(format, &docs, &options).unwrap();
            let back = import(&inputs(&out), None).unwrap();
            prop_assert_eq!(back.len(), 2, "{}", format);
            for (d, r) in docs.iter().zip(&back) {
                prop_assert_eq!(&r.document.text, &d.document.text, "{}", format);
                let mut kept = d.clone();
                kept.entities.retain(|e| e.status != Status::Rejected);
                let with_status = matches!(format, Format::LabelStudio | Format::Prodigy);
                prop_assert_eq!(spans(r, with_status), spans(&kept, with_status), "{}", format);
                for e in &r.entities {
                    prop_assert_eq!(&slice(&r.document.text, e.start, e.end), &e.text);
                }
                if matches!(format, Format::Brat | Format::LabelStudio) {
                    let canon = |x: &Export| x.entities.iter().map(|e| (e.start, e.end, e.label.clone(), e.canonical.clone())).collect::<BTreeSet<_>>();
                    prop_assert_eq!(canon(r), canon(&kept), "{}", format);
                }
            }
        }
    }

    #[test]
    fn iob2_round_trip_keeps_tokens_and_the_non_overlapping_entities(d in random_doc("a.html")) {
        let options = ExportOptions { include_suggestions: true, ..Default::default() };
        let out = export(Format::Iob2, std::slice::from_ref(&d), &options).unwrap();
        let back = import(&inputs(&out), None).unwrap();
        if no_ws(&d.document.text).is_empty() {
            prop_assert!(back.is_empty());
            return Ok(());
        }
        prop_assert_eq!(back.len(), 1);
        let r = &back[0];
        prop_assert_eq!(no_ws(&r.document.text), no_ws(&d.document.text));
        let dropped: BTreeSet<&str> = out.summary.dropped.iter().map(|x| x.id.as_str()).collect();
        let expected: Vec<(String, String)> = d.entities.iter()
            .filter(|e| e.status != Status::Rejected && !dropped.contains(e.id.as_str()))
            .map(|e| (no_ws(&e.text), e.label.clone())).collect();
        let got: Vec<(String, String)> = r.entities.iter().map(|e| (no_ws(&e.text), e.label.clone())).collect();
        prop_assert_eq!(got, expected);
        // What was dropped overlaps something kept, or is white space only.
        for x in &out.summary.dropped {
            prop_assert!(x.reason.contains("overlaps") || no_ws(&x.text).is_empty(), "{}", x);
        }
    }

    #[test]
    fn w3c_selectors_quote_the_text_they_point_at(d in random_doc("a.html")) {
        let options = ExportOptions { include_suggestions: true, offset_unit: OffsetUnit::Utf16, ..Default::default() };
        let out = export(Format::W3c, std::slice::from_ref(&d), &options).unwrap();
        let page: Value = serde_json::from_slice(&out.files[0].bytes).unwrap();
        let items = page["items"].as_array().unwrap();
        prop_assert_eq!(items.len(), d.entities.iter().filter(|e| e.status != Status::Rejected).count());
        let text = &d.document.text;
        for item in items {
            let quote = &item["target"]["selector"][0];
            let pos = &item["target"]["selector"][1];
            let (s, e) = (pos["start"].as_u64().unwrap() as usize, pos["end"].as_u64().unwrap() as usize);
            prop_assert_eq!(slice(text, s, e), quote["exact"].as_str().unwrap());
            let prefix = quote["prefix"].as_str().unwrap();
            let suffix = quote["suffix"].as_str().unwrap();
            let p = prefix.chars().count();
            prop_assert_eq!(slice(text, s - p, s), prefix);
            prop_assert_eq!(slice(text, e, e + suffix.chars().count()), suffix);
        }
    }

    #[test]
    fn token_formats_align_every_entity_to_tokens(d in random_doc("a.html"), unit in unit()) {
        let options = ExportOptions { include_suggestions: true, offset_unit: unit, ..Default::default() };
        let out = export(Format::Prodigy, std::slice::from_ref(&d), &options).unwrap();
        let task: Value = serde_json::from_slice(&out.files[0].bytes).unwrap();
        let tokens = task["tokens"].as_array().unwrap();
        let utf16: Vec<u16> = d.document.text.encode_utf16().collect();
        let chars: Vec<char> = d.document.text.chars().collect();
        let at = |s: usize, e: usize| match unit {
            OffsetUnit::CodePoint => chars[s..e].iter().collect::<String>(),
            OffsetUnit::Utf16 => String::from_utf16(&utf16[s..e]).unwrap(),
        };
        for t in tokens {
            prop_assert_eq!(at(t["start"].as_u64().unwrap() as usize, t["end"].as_u64().unwrap() as usize), t["text"].as_str().unwrap());
        }
        for s in task["spans"].as_array().unwrap() {
            let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
            prop_assert_eq!(at(start as usize, end as usize), s["text"].as_str().unwrap());
            if let (Some(a), Some(b)) = (s["token_start"].as_u64(), s["token_end"].as_u64()) {
                prop_assert!(tokens[a as usize]["start"].as_u64().unwrap() >= start);
                prop_assert!(tokens[b as usize]["end"].as_u64().unwrap() <= end);
            } else {
                prop_assert!(no_ws(s["text"].as_str().unwrap()).is_empty(), "only white space has no tokens");
            }
        }
    }
}

#[test]
fn one_file_per_document_formats_name_files_uniquely() {
    let docs = [example(), example(), doc("dir/b.md", "沐曦", &[])];
    let names = |f: Format| export(f, &docs, &ExportOptions::default()).unwrap().files.into_iter().map(|f| f.name).collect::<Vec<_>>();
    assert_eq!(names(Format::Huaxian), ["example.json", "example-2.json", "b.json"]);
    assert_eq!(names(Format::Brat), ["example.txt", "example.ann", "example-2.txt", "example-2.ann", "b.txt", "b.ann"]);
    assert_eq!(names(Format::Doccano), ["dataset.doccano.jsonl"]);
    let one = export(Format::Huaxian, &docs[..1], &ExportOptions { name: Some("mine".into()), ..Default::default() }).unwrap();
    assert_eq!(one.files[0].name, "mine.json");
}
