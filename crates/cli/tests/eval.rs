//! `huaxian eval` on small gold files the project wrote (crates/cli/tests/fixtures).

use std::process::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn huaxian(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_huaxian")).args(args).output().expect("the binary runs")
}

/// The table's row for `label`: (gold, predicted, correct, F1).
fn row(table: &str, label: &str) -> (usize, usize, usize, f64) {
    let line = table.lines().find(|l| l.split_whitespace().next() == Some(label)).unwrap_or_else(|| panic!("no {label} row in\n{table}"));
    let f: Vec<&str> = line.split_whitespace().collect();
    (f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap(), f[6].parse().unwrap())
}

#[test]
fn eval_scores_a_cluener_file_per_label() {
    let out = huaxian(&["eval", &format!("{FIXTURES}/tiny.cluener.jsonl")]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("3 sentences"), "{table}");
    // CLUENER's four mapped labels are scored; its game label is not ours.
    let (gold, _, correct, f1) = row(&table, "COMPANY");
    assert_eq!(gold, 3);
    assert_eq!(correct, 3, "{table}");
    assert!(f1 > 99.0, "{table}");
    assert_eq!(row(&table, "ORG").0, 1);
    assert_eq!(row(&table, "PERSON").0, 1);
    assert_eq!(row(&table, "LOC").0, 0);
    assert!(!table.lines().any(|l| l.starts_with("DATE")), "CLUENER has no dates to score\n{table}");
    assert_eq!(row(&table, "micro").0, 5);
}

#[test]
fn eval_reads_bio_columns_and_scores_only_their_labels() {
    let out = huaxian(&["eval", "--no-model", &format!("{FIXTURES}/tiny.bio")]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("2 sentences") && table.contains("lexicon + rules"), "{table}");
    // 百度 is a company to Huaxian and an ORG to this file: a miss and a wrong ORG-less guess.
    assert_eq!(row(&table, "ORG"), (1, 0, 0, 0.0));
    assert_eq!(row(&table, "LOC"), (1, 1, 1, 100.0));
    assert_eq!(row(&table, "PERSON"), (1, 1, 1, 100.0));
    assert!(!table.lines().any(|l| l.starts_with("COMPANY")), "{table}");
}

#[test]
fn eval_refuses_a_broken_gold_file_naming_the_line() {
    let dir = std::env::temp_dir().join(format!("huaxian-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "{\"text\": \"百度\", \"label\": {\"company\": {\"百度\": [[0, 0]]}}}\n").unwrap();
    let out = huaxian(&["eval", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("line 1") && stderr.contains("百度"), "{stderr}");
}

#[test]
fn lexicon_imports_csv_and_exports_json_and_eval_uses_it() {
    let mine = format!("{FIXTURES}/mine.csv");
    let out = huaxian(&["lexicon", "--no-builtin", "--import", &mine, "--format", "json"]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["canonical"], "Northwind Robotics AS");
    assert_eq!(json[0]["aliases"][1], "诺风机器人");
    assert_eq!(json[0]["ids"]["orgnr"], "999888777");
    let out = huaxian(&["lexicon", "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("canonical,label,aliases,ids\n") && csv.contains("CATL,COMPANY,"), "{}", &csv[..200]);
    let out = huaxian(&["eval", "--no-model", "--lexicon", &mine, &format!("{FIXTURES}/tiny.cluener.jsonl")]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
}
