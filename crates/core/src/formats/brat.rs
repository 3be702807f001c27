//! brat standoff: `NAME.txt` holds the text, `NAME.ann` one tab-separated line per
//! annotation, offsets in code points, end exclusive, canonical names as notes
//! (`→` stands for a tab):
//! ```text
//! T1→COMPANY 0 4→商汤绝影
//! #1→AnnotatorNotes T1→canonical: SenseTime Jueying
//! ```
//! Offsets are always code points (brat's own unit); the UTF-16 option does not apply.
//! Status is not held: an import gives accepted entities. Line breaks and tabs inside an
//! entity's text are written as spaces on its line (the offsets still say exactly where
//! it is). Relations, events and attributes are skipped on import; a discontinuous span
//! (`0 4;5 10`) is read as the range from its first start to its last end.

use super::{build, FormatError, InputFile, Incoming, OutputFile, Origin, Prepared};
use crate::export::Export;

pub(crate) fn export(docs: &[Prepared]) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for (p, name) in docs.iter().zip(super::unique_stems(docs)) {
        let mut ann = String::new();
        let mut notes = 0;
        for (i, e) in p.entities.iter().enumerate() {
            let label: String = e.label.chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect();
            let shown: String = e.text.chars().map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }).collect();
            ann.push_str(&format!("T{}\t{} {} {}\t{}\n", i + 1, label, e.start, e.end, shown));
            if let Some(c) = e.canonical {
                notes += 1;
                let c: String = c.chars().map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }).collect();
                ann.push_str(&format!("#{notes}\tAnnotatorNotes T{}\tcanonical: {c}\n", i + 1));
            }
        }
        files.push(OutputFile { name: format!("{name}.txt"), bytes: p.text().as_bytes().to_vec() });
        files.push(OutputFile { name: format!("{name}.ann"), bytes: ann.into_bytes() });
    }
    files
}

pub(crate) fn import(txt: &InputFile, ann: &InputFile) -> Result<Export, FormatError> {
    let text = std::str::from_utf8(&txt.bytes).map_err(|_| FormatError::new(&txt.name, None, "not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let annotations = std::str::from_utf8(&ann.bytes).map_err(|_| FormatError::new(&ann.name, None, "not UTF-8 text"))?;
    let annotations = annotations.strip_prefix('\u{feff}').unwrap_or(annotations);
    let file = ann.name.as_str();
    let mut ids: Vec<String> = Vec::new();
    let mut incoming: Vec<Incoming> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    let mut notes: Vec<(usize, String, String)> = Vec::new();
    for (i, line) in annotations.lines().enumerate() {
        let at = Some(i + 1);
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        let err = |reason: String| FormatError::new(file, at, reason);
        match line.chars().next() {
            Some('T') => {
                let [id, spec, said] = fields[..] else {
                    return Err(err("a text-bound annotation needs three tab-separated fields: ID, TYPE START END, TEXT".into()));
                };
                let (label, ranges) = spec.split_once(' ').ok_or_else(|| err(format!("expected `TYPE START END`, found {spec:?}")))?;
                let mut start = usize::MAX;
                let mut end = 0;
                let fragments: Vec<&str> = ranges.split(';').collect();
                for fragment in &fragments {
                    let mut parts = fragment.split_whitespace().map(|n| n.parse::<usize>());
                    match (parts.next(), parts.next(), parts.next()) {
                        (Some(Ok(s)), Some(Ok(e)), None) => {
                            start = start.min(s);
                            end = end.max(e);
                        }
                        _ => return Err(err(format!("offsets must be `START END` integers, found {fragment:?}"))),
                    }
                }
                let mut e = Incoming::new(start, end, label);
                if fragments.len() == 1 {
                    e.text = Some(said.to_string());
                }
                ids.push(id.to_string());
                incoming.push(e);
                lines.push(i + 1);
            }
            Some('#') => {
                if let [_, target, note] = fields[..] {
                    if let Some(target) = target.strip_prefix("AnnotatorNotes ") {
                        if let Some(c) = note.strip_prefix("canonical: ") {
                            notes.push((i + 1, target.trim().to_string(), c.to_string()));
                        }
                    }
                }
            }
            Some('R' | 'E' | 'A' | 'M' | 'N' | '*') => {}
            _ => return Err(err(format!("not a brat annotation line: {line:?}"))),
        }
    }
    for (line, target, canonical) in notes {
        let k = ids.iter().position(|id| *id == target).ok_or_else(|| FormatError::new(file, Some(line), format!("a note on {target}, which is not a text-bound annotation")))?;
        incoming[k].canonical = Some(canonical);
    }
    // Check each span against the text, reporting its own line; brat shows line breaks
    // and tabs inside an entity as spaces.
    let chars: Vec<char> = text.chars().collect();
    for (e, line) in incoming.iter_mut().zip(&lines) {
        if e.start >= e.end || e.end > chars.len() {
            return Err(FormatError::new(file, Some(*line), format!("[{}, {}) is empty or outside the text of {} code points", e.start, e.end, chars.len())));
        }
        let slice: String = chars[e.start..e.end].iter().collect();
        if let Some(said) = e.text.take() {
            let shown: String = slice.chars().map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }).collect();
            if said != shown && said != slice {
                return Err(FormatError::new(file, Some(*line), format!("[{}, {}) says {said:?} but the text there is {slice:?}", e.start, e.end)));
            }
        }
    }
    let source = txt.name.rsplit(['/', '\\']).next().unwrap_or(&txt.name).to_string();
    build(Origin { file, line: None }, source, text.to_string(), Default::default(), super::OffsetUnit::CodePoint, incoming)
}
