//! IOB2 import on the public CoNLL-style data sets in ../shared/data (tests that need
//! ../shared say so in their names; they pass with a note when it is absent).

use std::path::PathBuf;

use huaxian_core::formats::{import, Format, InputFile};

fn shared(path: &str) -> Option<InputFile> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(path);
    match std::fs::read(&p) {
        Ok(bytes) => Some(InputFile::new(path, bytes)),
        Err(_) => {
            eprintln!("skipped: {} is not here", p.display());
            None
        }
    }
}

/// Every B- tag of the file, and every entity the import found, agree in number, and
/// each entity's text is its tokens joined.
fn check(file: InputFile) {
    let text = String::from_utf8(file.bytes.clone()).unwrap();
    let begins = text.lines().filter(|l| l.split_whitespace().last().is_some_and(|t| t.starts_with("B-"))).count();
    let docs = import(&[file], Some(Format::Iob2)).unwrap();
    assert_eq!(docs.len(), 1);
    let entities = &docs[0].entities;
    assert_eq!(entities.len(), begins);
    let chars: Vec<char> = docs[0].document.text.chars().collect();
    for e in entities {
        assert_eq!(chars[e.start..e.end].iter().collect::<String>(), e.text);
    }
}

#[test]
fn imports_people_daily_iob2_needs_shared() {
    if let Some(f) = shared("people_daily/example.dev") {
        check(f);
    }
}

#[test]
fn imports_weibo_iob2_with_segment_digits_needs_shared() {
    if let Some(f) = shared("weibo/weiboNER_2nd_conll.dev") {
        check(f);
    }
}
