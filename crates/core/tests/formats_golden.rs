//! Data-driven format tests: `formats/overlaps.huaxian.json` (written by hand: emoji, 𠮷,
//! a ZWJ sequence, NBSP, overlapping, suggested and rejected entities) is exported to
//! every text format and compared byte for byte with the files in `formats/expected/`,
//! which were read and checked by hand. `HUAXIAN_BLESS=1 cargo test` rewrites them after
//! an intended change; read the diff before committing it.

use std::path::PathBuf;

use huaxian_core::export::Export;
use huaxian_core::formats::{export, import, ExportOptions, Format, InputFile};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/formats")
}

fn input() -> Export {
    let bytes = std::fs::read(dir().join("overlaps.huaxian.json")).unwrap();
    import(&[InputFile::new("overlaps.huaxian.json", bytes)], None).unwrap().remove(0)
}

#[test]
fn every_text_format_matches_its_expected_files() {
    let doc = input();
    let bless = std::env::var_os("HUAXIAN_BLESS").is_some();
    let options = ExportOptions { include_suggestions: true, ..Default::default() };
    let mut mismatches = Vec::new();
    for format in Format::ALL.into_iter().filter(|f| *f != Format::Spacy) {
        let out = export(format, std::slice::from_ref(&doc), &options).unwrap();
        let mut files = out.files.clone();
        let summary: String = out.summary.dropped.iter().map(|d| format!("{d}\n")).chain(out.summary.notes.iter().map(|n| format!("note: {n}\n"))).collect();
        files.push(huaxian_core::formats::OutputFile { name: format!("{format}.dropped.txt"), bytes: summary.into_bytes() });
        for f in files {
            let path = dir().join("expected").join(&f.name);
            if bless {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &f.bytes).unwrap();
                continue;
            }
            match std::fs::read(&path) {
                Ok(expected) if expected == f.bytes => {}
                Ok(_) => mismatches.push(format!("{format}: {} differs", f.name)),
                Err(_) => mismatches.push(format!("{format}: {} is missing", f.name)),
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}\n(HUAXIAN_BLESS=1 rewrites them)");
}

#[test]
fn expected_files_import_back_to_the_input_spans() {
    let doc = input();
    let expected = dir().join("expected");
    let kept: Vec<(usize, usize, String)> =
        doc.entities.iter().filter(|e| e.status != huaxian_core::Status::Rejected).map(|e| (e.start, e.end, e.label.clone())).collect();
    for names in [&["overlaps.doccano.jsonl"][..], &["overlaps.label-studio.json"], &["overlaps.spacy.jsonl"], &["overlaps.prodigy.jsonl"], &["overlaps.txt", "overlaps.ann"]] {
        let files: Vec<InputFile> = names.iter().map(|n| InputFile::new(*n, std::fs::read(expected.join(n)).unwrap())).collect();
        let back = import(&files, None).unwrap();
        assert_eq!(back.len(), 1, "{names:?}");
        assert_eq!(back[0].document.text, doc.document.text, "{names:?}");
        let got: Vec<(usize, usize, String)> = back[0].entities.iter().map(|e| (e.start, e.end, e.label.clone())).collect();
        assert_eq!(got, kept, "{names:?}");
    }
    let back = import(&[InputFile::new("overlaps.jsonl", std::fs::read(expected.join("overlaps.jsonl")).unwrap())], None).unwrap();
    assert_eq!(back, vec![doc]);
}
