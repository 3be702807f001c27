//! IOB2 CoNLL: `TOKEN TAG` per line, a blank line between sentences, `-DOCSTART- O`
//! before each document.
//!
//! Tokens come from [`super::tokens`]: one per CJK character, one per Latin word or
//! number, cut at entity boundaries; white space is not written. Sentences end after
//! sentence punctuation (。！？!?；) or a line break, never inside an entity.
//!
//! What IOB2 cannot hold, and the export drops (listed in the summary): overlapping
//! entities (the longest, then the earliest, is kept) and entities of white space only.
//! The white space itself is lost; an import joins tokens with nothing between them,
//! except one space between two Latin words, and starts a new line for a sentence that did
//! not end in punctuation.

use std::collections::BTreeSet;

use super::tokens::{ends_sentence, is_word, tokenize};
use super::{build, ExportSummary, Format, FormatError, Incoming, OutputFile, Origin, Prepared};
use crate::export::Export;

pub(crate) fn export(docs: &[Prepared], base: &str, summary: &mut ExportSummary) -> Vec<OutputFile> {
    let mut out = String::new();
    for p in docs {
        let kept = p.without_overlaps(&Format::Iob2.to_string(), "", summary);
        let chars: Vec<char> = p.text().chars().collect();
        let cuts: BTreeSet<usize> = kept.iter().flat_map(|e| [e.start, e.end]).collect();
        let tokens = tokenize(p.text(), &cuts);
        let mut tags: Vec<Option<String>> = vec![None; tokens.len()];
        let mut inside = vec![false; chars.len() + 1];
        let mut first_token = 0;
        for e in &kept {
            for flag in &mut inside[e.start + 1..e.end] {
                *flag = true;
            }
            while tokens[first_token].start < e.start {
                first_token += 1;
            }
            let mut begun = false;
            for (i, t) in tokens.iter().enumerate().skip(first_token).take_while(|(_, t)| t.end <= e.end) {
                if !t.space {
                    tags[i] = Some(format!("{}-{}", if begun { "I" } else { "B" }, e.label));
                    begun = true;
                }
            }
            if !begun {
                summary.dropped.push(p.dropped(e, "IOB2 cannot hold an entity of white space only".into()));
            }
        }
        out.push_str("-DOCSTART- O\n\n");
        let mut open_sentence = false;
        for (i, t) in tokens.iter().enumerate() {
            let text: String = chars[t.start..t.end].iter().collect();
            if !t.space {
                out.push_str(&text);
                out.push(' ');
                out.push_str(tags[i].as_deref().unwrap_or("O"));
                out.push('\n');
                open_sentence = true;
            }
            if open_sentence && ends_sentence(&text, t) && !inside[t.end] {
                out.push('\n');
                open_sentence = false;
            }
        }
        if open_sentence {
            out.push('\n');
        }
    }
    vec![OutputFile { name: format!("{base}.iob2.conll"), bytes: out.into_bytes() }]
}

struct Doc {
    text: String,
    len: usize,
    entities: Vec<Incoming>,
    open: Option<Incoming>,
    sentence_started: bool,
    first_line: usize,
}

impl Doc {
    fn new(first_line: usize) -> Doc {
        Doc { text: String::new(), len: 0, entities: Vec::new(), open: None, sentence_started: false, first_line }
    }
    fn close(&mut self) {
        if let Some(e) = self.open.take() {
            self.entities.push(e);
        }
    }
    fn end_sentence(&mut self) {
        self.close();
        self.sentence_started = false;
    }
}

pub(crate) fn import(file: &str, text: &str) -> Result<Vec<Export>, FormatError> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut doc = Doc::new(1);
    for (i, line) in text.lines().enumerate() {
        let at = Some(i + 1);
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            doc.end_sentence();
            continue;
        }
        if fields[0] == "-DOCSTART-" {
            doc.end_sentence();
            docs.push(std::mem::replace(&mut doc, Doc::new(i + 1)));
            continue;
        }
        if fields.len() < 2 {
            return Err(FormatError::new(file, at, format!("expected `TOKEN TAG`, found {line:?}")));
        }
        let (token, tag) = (fields[0], fields[fields.len() - 1]);
        let (kind, label) = match tag {
            "O" => ("O", ""),
            _ => match tag.split_once('-') {
                Some((k @ ("B" | "I"), label)) if !label.is_empty() => (k, label),
                _ => return Err(FormatError::new(file, at, format!("tag {tag:?} is not O, B-LABEL or I-LABEL"))),
            },
        };
        // Separator: a new line between sentences that did not end in punctuation, a
        // space between two Latin words, nothing otherwise.
        if !doc.text.is_empty() {
            let prev = doc.text.chars().next_back().unwrap();
            let first = token.chars().next().unwrap();
            let sep = if !doc.sentence_started {
                let ended = doc.text.ends_with(['。', '！', '？', '!', '?', '；', ';', '…', '．']);
                if ended { "" } else { "\n" }
            } else if is_word(prev) && is_word(first) {
                " "
            } else {
                ""
            };
            doc.text.push_str(sep);
            doc.len += sep.chars().count();
        }
        doc.sentence_started = true;
        let start = doc.len;
        doc.text.push_str(token);
        doc.len += token.chars().count();
        match kind {
            "O" => doc.close(),
            "I" if doc.open.as_ref().is_some_and(|e| e.label == label) => doc.open.as_mut().unwrap().end = doc.len,
            _ => {
                doc.close();
                doc.open = Some(Incoming::new(start, doc.len, label));
            }
        }
    }
    doc.end_sentence();
    docs.push(doc);
    let docs: Vec<Doc> = docs.into_iter().filter(|d| !d.text.is_empty()).collect();
    let many = docs.len() > 1;
    docs.into_iter()
        .enumerate()
        .map(|(n, d)| {
            build(Origin { file, line: Some(d.first_line) }, super::record_source(file, n + 1, many), d.text, Default::default(), super::OffsetUnit::CodePoint, d.entities)
        })
        .collect()
}
