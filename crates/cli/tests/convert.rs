//! `huaxian export` and `huaxian import`, run as a person runs them, on fixtures the
//! project wrote (tests/fixtures/formats/ and the sample article).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn fixture(name: &str) -> String {
    format!("{ROOT}/tests/fixtures/formats/{name}")
}

fn sample() -> String {
    format!("{ROOT}/assets/sample-article.html")
}

fn overlaps() -> String {
    format!("{ROOT}/crates/core/tests/formats/overlaps.huaxian.json")
}

fn huaxian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huaxian")).args(args).output().expect("the binary runs")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("huaxian-convert-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn slice_chars(text: &str, start: u64, end: u64) -> String {
    text.chars().skip(start as usize).take((end - start) as usize).collect()
}

/// (start, end, label) of every entity of a Huaxian export.
fn spans(export: &Value) -> Vec<(u64, u64, String)> {
    let mut v: Vec<_> = export["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap(), e["label"].as_str().unwrap().to_string()))
        .collect();
    v.sort();
    v
}

fn articles() -> Vec<String> {
    vec![sample(), fixture("astral-emoji.html"), fixture("crlf-nbsp.txt")]
}

#[test]
fn export_help_lists_every_format() {
    let out = huaxian(&["export", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for name in ["huaxian", "huaxian-jsonl", "doccano", "label-studio", "spacy-jsonl", "spacy", "prodigy", "brat", "iob2", "w3c"] {
        assert!(help.contains(&format!("- {name}:")), "{name} missing from:\n{help}");
    }
}

#[test]
fn every_importable_format_round_trips_the_articles() {
    let mut args = vec!["annotate", "--format", "jsonl"];
    let arts = articles();
    args.extend(arts.iter().map(String::as_str));
    let original = lines(&huaxian(&args).stdout);
    assert_eq!(original.len(), 3);
    assert!(original.iter().all(|d| !d["entities"].as_array().unwrap().is_empty()));
    for format in ["huaxian-jsonl", "doccano", "label-studio", "spacy-jsonl", "prodigy", "brat", "iob2"] {
        let dir = temp(format);
        let out_dir = format!("{}/", dir.display());
        let mut args = vec!["export", "--suggestions", "--format", format, "--out", &out_dir];
        args.extend(arts.iter().map(String::as_str));
        let out = huaxian(&args);
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        let files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .filter(|p| !p.ends_with(".xml") && !p.ends_with(".txt"))
            .collect();
        let mut args = vec!["import"];
        args.extend(files.iter().map(String::as_str));
        let out = huaxian(&args);
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        let mut back = lines(&out.stdout);
        assert_eq!(back.len(), 3, "{format}");
        if format == "brat" {
            // One document per .ann, in the order of the file names.
            back.sort_by_key(|d| d["document"]["source"].as_str().unwrap().to_string());
        }
        let mut expected = original.clone();
        if format == "brat" {
            expected.sort_by_key(|d| Path::new(d["document"]["source"].as_str().unwrap()).file_stem().unwrap().to_string_lossy().into_owned());
        }
        for (o, b) in expected.iter().zip(&back) {
            let (ot, bt) = (o["document"]["text"].as_str().unwrap(), b["document"]["text"].as_str().unwrap());
            if format == "iob2" {
                // IOB2 keeps tokens, not white space.
                let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
                assert_eq!(strip(bt), strip(ot));
                let texts = |d: &Value| d["entities"].as_array().unwrap().iter().map(|e| (strip(e["text"].as_str().unwrap()), e["label"].clone())).collect::<Vec<_>>();
                assert_eq!(texts(b), texts(o), "{format}");
            } else {
                assert_eq!(bt, ot, "{format}");
                assert_eq!(spans(b), spans(o), "{format}");
            }
            for e in b["entities"].as_array().unwrap() {
                assert_eq!(slice_chars(bt, e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap()), e["text"].as_str().unwrap());
            }
        }
    }
}

#[test]
fn overlaps_dropped_by_iob2_are_warned_on_stderr() {
    let out = huaxian(&["export", "--format", "iob2", "--suggestions", &overlaps()]);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("huaxian: warning:")).collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(warnings[0].contains("dropped e2 ORG [5, 7) 商汤") && warnings[0].contains("overlaps e3"), "{stderr}");
    assert!(stderr.contains("2 dropped"), "{stderr}");
    // Formats that hold overlaps warn about nothing.
    let out = huaxian(&["export", "--format", "doccano", "--suggestions", &overlaps()]);
    assert!(!String::from_utf8(out.stderr).unwrap().contains("warning"));
}

#[test]
fn suggestions_are_left_out_by_default_and_said_so() {
    let out = huaxian(&["export", "--format", "doccano", &sample()]);
    assert!(out.status.success());
    let line = &lines(&out.stdout)[0];
    assert_eq!(line["label"].as_array().unwrap().len(), 0);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("suggestions left out") && stderr.contains("--suggestions"), "{stderr}");
}

#[test]
fn utf16_offsets_and_a_label_map_are_applied_and_stated() {
    let art = fixture("astral-emoji.html");
    let out = huaxian(&["export", "--format", "doccano", "--suggestions", "--offsets", "utf16", "--label-map", "COMPANY=ORG", &art]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line = &lines(&out.stdout)[0];
    assert_eq!(line["offset_unit"], "utf16");
    let utf16: Vec<u16> = line["text"].as_str().unwrap().encode_utf16().collect();
    let labels = line["label"].as_array().unwrap();
    assert!(labels.len() >= 5);
    let mut differs = false;
    let cp = lines(&huaxian(&["export", "--format", "doccano", "--suggestions", &art]).stdout)[0]["label"].clone();
    for (l, c) in labels.iter().zip(cp.as_array().unwrap()) {
        assert_eq!(l[2], "ORG");
        let (s, e) = (l[0].as_u64().unwrap() as usize, l[1].as_u64().unwrap() as usize);
        let said = slice_chars(line["text"].as_str().unwrap(), c[0].as_u64().unwrap(), c[1].as_u64().unwrap());
        assert_eq!(String::from_utf16(&utf16[s..e]).unwrap(), said);
        differs |= l[0] != c[0];
    }
    assert!(differs, "the fixture has astral characters before its entities");
    // Import reads the stated unit back into code points.
    let dir = temp("utf16");
    let file = dir.join("a.jsonl");
    std::fs::write(&file, &out.stdout).unwrap();
    let back = &lines(&huaxian(&["import", file.to_str().unwrap()]).stdout)[0];
    assert_eq!(back["entities"][0]["start"].as_u64(), cp[0][0].as_u64());
}

#[test]
fn many_files_need_out_and_go_to_a_folder_or_one_zip() {
    let out = huaxian(&["export", "--format", "brat", &sample()]);
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("--out"));
    let dir = temp("zip");
    let zip = dir.join("dataset.zip");
    let out = huaxian(&["export", "--format", "brat", "--suggestions", "--out", zip.to_str().unwrap(), &sample(), &fixture("astral-emoji.html")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&zip).unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    for name in ["sample-article.txt", "sample-article.ann", "astral-emoji.txt", "astral-emoji.ann"] {
        assert!(bytes.windows(name.len()).any(|w| w == name.as_bytes()), "{name} not in the archive");
    }
    let spacy = dir.join("train.spacy");
    let out = huaxian(&["export", "--format", "spacy", "--suggestions", "--out", spacy.to_str().unwrap(), &sample()]);
    assert!(out.status.success());
    assert_eq!(std::fs::read(&spacy).unwrap()[0], 0x78, "a zlib stream");
}

#[test]
fn a_malformed_file_is_refused_with_file_line_and_reason_and_the_others_still_import() {
    let dir = temp("bad");
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "{\"text\": \"商汤\", \"label\": [[0, 2, \"COMPANY\"]]}\n{\"text\": \"商汤\", \"label\": [[1, 5, \"COMPANY\"]]}\n").unwrap();
    let good = dir.join("good.conll");
    std::fs::write(&good, "商 B-COMPANY\n汤 I-COMPANY\n好 O\n").unwrap();
    let out = huaxian(&["import", bad.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(&format!("{}:2: ", bad.display())) && stderr.contains("outside the text"), "{stderr}");
    let docs = lines(&out.stdout);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["document"]["text"], "商汤好");
    assert_eq!(spans(&docs[0]), vec![(0, 2, "COMPANY".to_string())]);
}

#[test]
fn brat_ann_is_read_with_the_txt_beside_it() {
    let dir = temp("brat");
    let out = huaxian(&["export", "--format", "brat", "--suggestions", "--out", &format!("{}/", dir.display()), &overlaps()]);
    assert!(out.status.success());
    let ann = dir.join("overlaps.ann");
    let out = huaxian(&["import", ann.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = &lines(&out.stdout)[0];
    assert_eq!(doc["document"]["source"], "overlaps.txt");
    let tesla = doc["entities"].as_array().unwrap().iter().find(|e| e["text"] == "Tesla").unwrap();
    assert_eq!(tesla["canonical"], "Tesla");
    std::fs::remove_file(dir.join("overlaps.txt")).unwrap();
    let out = huaxian(&["import", ann.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("overlaps.txt"));
}

#[test]
fn shared_lingang_article_exports_to_every_format_needs_shared() {
    let article = format!("{ROOT}/../shared/fixtures/articles/lingang-ai-2022-08-18.html");
    if !Path::new(&article).exists() {
        eprintln!("skipped: {article} is not here");
        return;
    }
    for format in ["huaxian", "huaxian-jsonl", "doccano", "label-studio", "spacy-jsonl", "spacy", "prodigy", "brat", "iob2", "w3c"] {
        let dir = temp(&format!("shared-{format}"));
        let out = huaxian(&["export", "--suggestions", "--format", format, "--out", &format!("{}/", dir.display()), &article]);
        assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::read_dir(&dir).unwrap().count() >= 1);
    }
}
