//! Gold data for training and evaluation: readers for public NER formats and exact-span
//! scoring. Pure parsing of strings; the caller reads the files.
//!
//! Labels are mapped to Huaxian's: CLUENER `company` → COMPANY, `name` → PERSON,
//! `address` → LOC, `government` and `organization` → ORG (its other labels — book, game,
//! movie, position, scene — are not ours and are dropped); BIO `PER` → PERSON, `LOC` and
//! `GPE` → LOC, `ORG` → ORG, with Weibo's `.NAM` suffix (named mentions) accepted and its
//! `.NOM` (nominal mentions such as 男友) dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// One sentence with its gold spans, in code points (end exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldSentence {
    pub text: String,
    /// `(chars, label)`, sorted by start.
    pub spans: Vec<(Range<usize>, String)>,
}

/// A gold file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for GoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for GoldError {}

/// The labels a gold format annotates, after mapping: what an evaluation scores.
pub const CLUENER_LABELS: [&str; 4] = ["COMPANY", "ORG", "PERSON", "LOC"];

/// Maps a CLUENER label to Huaxian's, `None` for labels Huaxian does not use.
pub fn map_cluener_label(label: &str) -> Option<&'static str> {
    match label {
        "company" => Some("COMPANY"),
        "name" => Some("PERSON"),
        "address" => Some("LOC"),
        "government" | "organization" => Some("ORG"),
        _ => None,
    }
}

/// Maps a BIO entity type (the part after `B-`) to Huaxian's.
pub fn map_bio_label(label: &str) -> Option<&'static str> {
    let (base, kind) = label.split_once('.').unwrap_or((label, "NAM"));
    if kind != "NAM" {
        return None;
    }
    match base {
        "PER" | "PERSON" | "NR" => Some("PERSON"),
        "LOC" | "GPE" | "NS" => Some("LOC"),
        "ORG" | "NT" => Some("ORG"),
        "COMPANY" => Some("COMPANY"),
        "DATE" | "MONEY" | "PERCENT" => Some(match base {
            "DATE" => "DATE",
            "MONEY" => "MONEY",
            _ => "PERCENT",
        }),
        _ => None,
    }
}

/// Reads CLUENER JSON lines: `{"text": ..., "label": {"company": {"浙商银行": [[0, 3]]}}}`
/// with **end-inclusive** code point spans. Each span is checked against its text.
pub fn parse_cluener(input: &str) -> Result<Vec<GoldSentence>, GoldError> {
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let err = |reason: String| GoldError { line: line_no, reason };
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| err(format!("not JSON: {e}")))?;
        let text = v["text"].as_str().ok_or_else(|| err("no \"text\" string".into()))?.to_string();
        let chars: Vec<char> = text.chars().collect();
        let mut spans = Vec::new();
        if let Some(labels) = v.get("label").and_then(|l| l.as_object()) {
            for (label, mentions) in labels {
                let Some(mapped) = map_cluener_label(label) else { continue };
                let mentions = mentions.as_object().ok_or_else(|| err(format!("label {label} is not an object")))?;
                for (surface, ranges) in mentions {
                    for r in ranges.as_array().into_iter().flatten() {
                        let (Some(s), Some(e)) = (r.get(0).and_then(|x| x.as_u64()), r.get(1).and_then(|x| x.as_u64())) else {
                            return Err(err(format!("span of {surface} is not [start, end]")));
                        };
                        let (s, e) = (s as usize, e as usize + 1);
                        if s >= e || e > chars.len() || chars[s..e].iter().collect::<String>() != *surface {
                            return Err(err(format!("span [{s}, {}] does not hold {surface:?}", e - 1)));
                        }
                        spans.push((s..e, mapped.to_string()));
                    }
                }
            }
        }
        spans.sort_by(|a, b| (a.0.start, a.0.end, &a.1).cmp(&(b.0.start, b.0.end, &b.1)));
        out.push(GoldSentence { text, spans });
    }
    Ok(out)
}

/// Reads BIO columns: one character and its tag per line (separated by white space), a
/// blank line between sentences. A character may carry Weibo's segmentation digit (科0).
/// Tags are `O`, `B-X`, `I-X` (also `M-`, `E-`, `S-` as BIOES).
pub fn parse_bio_columns(input: &str) -> Result<Vec<GoldSentence>, GoldError> {
    let mut out = Vec::new();
    let mut chars: Vec<char> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            if !chars.is_empty() {
                out.push(sentence_from_tags(&chars, &tags));
                chars.clear();
                tags.clear();
            }
            continue;
        }
        // The character may itself be a space-like symbol; split at the last white space.
        let line = line.trim_end();
        let Some(split) = line.rfind([' ', '\t']) else {
            return Err(GoldError { line: line_no, reason: "expected a character and a tag".into() });
        };
        let (token, tag) = (&line[..split], line[split + 1..].trim());
        let token = token.trim_end_matches([' ', '\t']);
        // Weibo's segmentation digit (科0) and its broken emoji (two U+FFFD for one
        // character) both leave one character per line: keep the first.
        let Some(c) = token.chars().next() else {
            return Err(GoldError { line: line_no, reason: "no character before the tag".into() });
        };
        chars.push(c);
        tags.push(tag.to_string());
    }
    if !chars.is_empty() {
        out.push(sentence_from_tags(&chars, &tags));
    }
    Ok(out)
}

/// Reads the MSRA layout: sentences with space-separated characters on one line of
/// `sentences`, their tags on the same line of `tags`.
pub fn parse_bio_parallel(sentences: &str, tags: &str) -> Result<Vec<GoldSentence>, GoldError> {
    let mut out = Vec::new();
    let mut tag_lines = tags.lines();
    for (n, line) in sentences.lines().enumerate() {
        let tag_line = tag_lines.next().ok_or_else(|| GoldError { line: n + 1, reason: "the tags file is shorter".into() })?;
        let chars: Vec<char> = line.split_whitespace().filter_map(|t| t.chars().next()).collect();
        let t: Vec<String> = tag_line.split_whitespace().map(str::to_string).collect();
        if chars.len() != t.len() {
            return Err(GoldError { line: n + 1, reason: format!("{} characters but {} tags", chars.len(), t.len()) });
        }
        if !chars.is_empty() {
            out.push(sentence_from_tags(&chars, &t));
        }
    }
    Ok(out)
}

fn sentence_from_tags(chars: &[char], tags: &[String]) -> GoldSentence {
    let mut spans = Vec::new();
    let mut open: Option<(usize, String)> = None;
    let close = |open: &mut Option<(usize, String)>, end: usize, spans: &mut Vec<(Range<usize>, String)>| {
        if let Some((s, l)) = open.take() {
            if let Some(m) = map_bio_label(&l) {
                spans.push((s..end, m.to_string()));
            }
        }
    };
    for (i, tag) in tags.iter().enumerate() {
        let (prefix, label) = tag.split_once('-').unwrap_or((tag.as_str(), ""));
        match prefix {
            "B" | "S" => {
                close(&mut open, i, &mut spans);
                open = Some((i, label.to_string()));
                if prefix == "S" {
                    close(&mut open, i + 1, &mut spans);
                }
            }
            "I" | "M" | "E" => {
                if open.as_ref().is_none_or(|(_, l)| l != label) {
                    close(&mut open, i, &mut spans);
                    open = Some((i, label.to_string()));
                }
                if prefix == "E" {
                    close(&mut open, i + 1, &mut spans);
                }
            }
            _ => close(&mut open, i, &mut spans),
        }
    }
    close(&mut open, chars.len(), &mut spans);
    GoldSentence { text: chars.iter().collect(), spans }
}

/// Precision, recall and F1 counts of one label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 { 0.0 } else { self.correct as f64 / self.predicted as f64 }
    }
    pub fn recall(&self) -> f64 {
        if self.gold == 0 { 0.0 } else { self.correct as f64 / self.gold as f64 }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

/// Exact-span scores per label: a prediction is correct when its start, end and label
/// all equal a gold span's. Repeated identical spans count once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scores {
    pub per_label: BTreeMap<String, Counts>,
}

impl Scores {
    /// Adds one sentence. Predictions with a label outside `scored` are ignored (CLUENER
    /// annotates no dates, so predicted dates are neither right nor wrong there).
    pub fn add(&mut self, gold: &[(Range<usize>, String)], predicted: &[(Range<usize>, String)], scored: &[&str]) {
        let gold: BTreeSet<(usize, usize, &str)> =
            gold.iter().filter(|g| scored.contains(&g.1.as_str())).map(|(r, l)| (r.start, r.end, l.as_str())).collect();
        let predicted: BTreeSet<(usize, usize, &str)> =
            predicted.iter().filter(|p| scored.contains(&p.1.as_str())).map(|(r, l)| (r.start, r.end, l.as_str())).collect();
        for label in scored {
            self.per_label.entry(label.to_string()).or_default();
        }
        for g in &gold {
            let c = self.per_label.get_mut(g.2).expect("scored label");
            c.gold += 1;
            if predicted.contains(g) {
                c.correct += 1;
            }
        }
        for p in &predicted {
            self.per_label.get_mut(p.2).expect("scored label").predicted += 1;
        }
    }

    /// All labels pooled.
    pub fn micro(&self) -> Counts {
        self.per_label.values().fold(Counts::default(), |a, c| Counts {
            gold: a.gold + c.gold,
            predicted: a.predicted + c.predicted,
            correct: a.correct + c.correct,
        })
    }

    /// A plain-text table: label, gold, predicted, correct, P, R, F1 (percent), in the
    /// order of `order` then any other label.
    pub fn table(&self, order: &[&str]) -> String {
        let mut labels: Vec<&str> = order.iter().copied().filter(|l| self.per_label.contains_key(*l)).collect();
        for l in self.per_label.keys() {
            if !labels.contains(&l.as_str()) {
                labels.push(l);
            }
        }
        let mut out = format!("{:<9} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}\n", "label", "gold", "pred", "right", "P", "R", "F1");
        let row = |name: &str, c: &Counts| {
            format!(
                "{:<9} {:>6} {:>6} {:>6} {:>6.2} {:>6.2} {:>6.2}\n",
                name,
                c.gold,
                c.predicted,
                c.correct,
                100.0 * c.precision(),
                100.0 * c.recall(),
                100.0 * c.f1()
            )
        };
        for l in labels {
            out.push_str(&row(l, &self.per_label[l]));
        }
        out.push_str(&row("micro", &self.micro()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluener_spans_are_end_inclusive_and_mapped() {
        let s = parse_cluener(r#"{"text": "浙商银行叶老桂说", "label": {"name": {"叶老桂": [[4, 6]]}, "company": {"浙商银行": [[0, 3]]}, "game": {"说": [[7, 7]]}}}"#).unwrap();
        assert_eq!(s[0].spans, vec![(0..4, "COMPANY".to_string()), (4..7, "PERSON".to_string())]);
        assert!(parse_cluener(r#"{"text": "浙商银行", "label": {"company": {"浙商银行": [[0, 2]]}}}"#).is_err());
    }

    #[test]
    fn bio_columns_with_weibo_digits_and_nominals() {
        let input = "科0\tB-ORG.NAM\n技1\tI-ORG.NAM\n男0\tB-PER.NOM\n\n上 B-LOC\n海 I-LOC\n人 O\n";
        let s = parse_bio_columns(input).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "科技男");
        assert_eq!(s[0].spans, vec![(0..2, "ORG".to_string())]);
        assert_eq!(s[1].spans, vec![(0..2, "LOC".to_string())]);
    }

    #[test]
    fn parallel_layout_and_scores() {
        let s = parse_bio_parallel("李 明 在 北 京\n", "B-PER I-PER O B-LOC I-LOC\n").unwrap();
        let mut scores = Scores::default();
        let predicted = vec![(0..2, "PERSON".to_string()), (3..4, "LOC".to_string()), (0..1, "DATE".to_string())];
        scores.add(&s[0].spans, &predicted, &["PERSON", "LOC"]);
        assert_eq!(scores.per_label["PERSON"], Counts { gold: 1, predicted: 1, correct: 1 });
        assert_eq!(scores.per_label["LOC"], Counts { gold: 1, predicted: 1, correct: 0 });
        assert!((scores.micro().f1() - 0.5).abs() < 1e-9);
    }
}
