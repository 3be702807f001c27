//! The command line, run as a person runs it, on fixtures the project wrote.

use std::process::Command;

use serde_json::Value;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/sample-article.html");

fn huaxian(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_huaxian")).args(args).output().expect("the binary runs")
}

/// `text[start:end]` as Python computes it: code points.
fn slice_chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn annotate_one_file_prints_the_export() {
    let out = huaxian(&["annotate", SAMPLE]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let export: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(export["format"], "huaxian");
    assert_eq!(export["version"], 1);
    assert_eq!(export["offset_unit"], "codepoint");
    let doc = &export["document"];
    assert_eq!(doc["title"], "🚗 智能汽车联盟在临港启动 首期投入50亿元");
    assert_eq!(doc["meta"]["author"], "划线示例编辑部");
    assert_eq!(doc["source"], "sample-article.html");
    assert_eq!(doc["id"].as_str().unwrap().len(), 64);
    let text = doc["text"].as_str().unwrap();
    assert!(!text.contains("hacked"), "script text leaked into the document");
    let entities = export["entities"].as_array().unwrap();
    for e in entities {
        let (start, end) = (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize);
        assert_eq!(slice_chars(text, start, end), e["text"].as_str().unwrap());
    }
    let companies: Vec<&str> = entities.iter().filter(|e| e["label"] == "COMPANY").map(|e| e["text"].as_str().unwrap()).collect();
    for expected in ["商汤绝影", "特斯拉", "沐曦", "Unity中国", "宁德时代", "百度", "Tesla", "MetaX"] {
        assert!(companies.contains(&expected), "{expected} not found in {companies:?}");
    }
    let tesla = entities.iter().find(|e| e["text"] == "特斯拉").unwrap();
    assert_eq!(tesla["canonical"], "Tesla");
    assert_eq!(tesla["source"], "lexicon");
    assert_eq!(tesla["status"], "suggested");
}

#[test]
fn several_files_print_one_line_each_and_a_missing_file_is_one_error_line() {
    let out = huaxian(&["annotate", SAMPLE, "/no/such/file.html", SAMPLE]);
    assert!(!out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    for line in lines {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["format"], "huaxian");
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/no/such/file.html") && stderr.contains("no such file"), "{stderr}");
}

#[test]
fn a_binary_file_is_refused_with_what_it_looks_like() {
    let dir = std::env::temp_dir().join(format!("huaxian-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("photo.html");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let out = huaxian(&["annotate", png.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("PNG image"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn jsonl_format_prints_one_line_for_one_file() {
    let out = huaxian(&["annotate", "--format", "jsonl", SAMPLE]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
}

#[test]
fn verbose_prints_the_encoding_and_what_was_repaired_on_stderr() {
    let dir = std::env::temp_dir().join(format!("huaxian-cli-v-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("old.html");
    // GBK bytes for 百度 behind a gb2312 declaration, as old Chinese news archives have it.
    let mut bytes = b"<meta charset=gb2312><p>".to_vec();
    bytes.extend_from_slice(&[0xb0, 0xd9, 0xb6, 0xc8]);
    bytes.extend_from_slice(b"</p>");
    std::fs::write(&file, bytes).unwrap();
    let out = huaxian(&["annotate", "--verbose", file.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("decoded as GBK (Declared)"), "{stderr}");
    assert!(stderr.contains("declared gb2312, decoded as GBK"), "{stderr}");
    let export: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(export["document"]["text"], "百度");
    assert_eq!(export["entities"][0]["canonical"], "Baidu");
}

#[test]
fn an_own_lexicon_is_checked_before_the_built_in_one_and_a_broken_one_is_refused() {
    let dir = std::env::temp_dir().join(format!("huaxian-cli-lexicon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let article = dir.join("article.txt");
    std::fs::write(&article, "蓝鲸星图与特斯拉签约。").unwrap();
    // 特斯拉 is relabelled by our own entry: ours wins over the built-in one.
    let lexicon = dir.join("ours.csv");
    std::fs::write(&lexicon, "canonical,label,aliases,ids\n蓝鲸星图科技,COMPANY,蓝鲸星图,\nTesla Motors,ORG,特斯拉,\n").unwrap();
    let out = huaxian(&["annotate", "--lexicon", lexicon.to_str().unwrap(), article.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let export: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, String)> = export["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["text"].as_str().unwrap().into(), e["label"].as_str().unwrap().into(), e["evidence"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        found,
        [
            ("蓝鲸星图".to_string(), "COMPANY".to_string(), "lexicon alias 蓝鲸星图 of 蓝鲸星图科技".to_string()),
            ("特斯拉".to_string(), "ORG".to_string(), "lexicon alias 特斯拉 of Tesla Motors".to_string()),
        ]
    );
    let broken = dir.join("broken.tsv");
    std::fs::write(&broken, "canonical\tlabel\taliases\tids\n蓝鲸星图科技\t\t蓝鲸星图\t\n").unwrap();
    let out = huaxian(&["annotate", "--lexicon", broken.to_str().unwrap(), article.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.tsv: lexicon line 2: the canonical name and the label must not be empty"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
