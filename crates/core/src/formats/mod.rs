//! Dataset formats: export the native [`Export`] to the formats dataset builders train
//! with, and import them back.
//!
//! The pivot is [`Export`]: one document with its labels and entities in code points.
//! Every format exports from `&[Export]` ([`export`]) and imports into `Vec<Export>`
//! ([`import`]). Nothing here reads or writes files: inputs are `(name, bytes)`, outputs are
//! [`OutputFile`]s, and [`zip`] packs several into one archive for a download.
//!
//! | format | export | import | overlaps | offsets |
//! |---|---|---|---|---|
//! | [`Format::Huaxian`] (a file per document), [`Format::HuaxianJsonl`] | yes | yes | kept | stated (`offset_unit`) |
//! | [`Format::Doccano`] | yes | yes | kept | stated (`offset_unit` key) |
//! | [`Format::LabelStudio`] | yes (+ labelling config) | yes | kept | stated (`data.offset_unit`) |
//! | [`Format::SpacyJsonl`] | yes | yes | `entities` drop them, `spans.sc` keeps them | stated (`meta.offset_unit`) |
//! | [`Format::Spacy`] (`.spacy` DocBin) | yes | no | dropped | none (tokens) |
//! | [`Format::Prodigy`] | yes | yes | kept | stated (`meta.offset_unit`) |
//! | [`Format::Brat`] | yes (`.txt` + `.ann`) | yes | kept | always code points |
//! | [`Format::Iob2`] | yes | yes | dropped | none (tokens) |
//! | [`Format::W3c`] | yes | no | kept | always code points (a MUST) |

pub mod brat;
pub mod conll;
pub mod doccano;
pub mod huaxian;
pub mod label_studio;
pub mod prodigy;
pub mod spacy;
mod spacy_symbols;
pub mod tokens;
pub mod w3c;
mod archive;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;


use crate::annotate::{EntitySource, Status};
use crate::export::{Export, ExportDocument, ExportEntity};
use crate::labels::{default_labels, LabelDef};
use crate::offsets::TextMap;

pub use archive::{zip, Zipper};

/// A dataset format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// The native Huaxian export, pretty JSON, one file per document.
    Huaxian,
    /// The native Huaxian export, one document per line.
    HuaxianJsonl,
    /// doccano sequence labelling JSON lines: `{"text", "label": [[start, end, LABEL]]}`.
    Doccano,
    /// Label Studio tasks (JSON array) with the labelling config beside them.
    LabelStudio,
    /// spaCy JSON lines for `Example.from_dict`.
    SpacyJsonl,
    /// spaCy binary DocBin (`.spacy`).
    Spacy,
    /// Prodigy JSON lines (`ner_manual` / `spans_manual` tasks).
    Prodigy,
    /// brat standoff: `.txt` + `.ann` per document.
    Brat,
    /// IOB2 CoNLL: `TOKEN TAG` per line, a blank line between sentences.
    Iob2,
    /// W3C Web Annotation JSON-LD (an `AnnotationPage`).
    W3c,
}

impl Format {
    pub const ALL: [Format; 10] = [
        Format::Huaxian,
        Format::HuaxianJsonl,
        Format::Doccano,
        Format::LabelStudio,
        Format::SpacyJsonl,
        Format::Spacy,
        Format::Prodigy,
        Format::Brat,
        Format::Iob2,
        Format::W3c,
    ];

    /// The name used on the command line and in the app.
    pub fn name(self) -> &'static str {
        match self {
            Format::Huaxian => "huaxian",
            Format::HuaxianJsonl => "huaxian-jsonl",
            Format::Doccano => "doccano",
            Format::LabelStudio => "label-studio",
            Format::SpacyJsonl => "spacy-jsonl",
            Format::Spacy => "spacy",
            Format::Prodigy => "prodigy",
            Format::Brat => "brat",
            Format::Iob2 => "iob2",
            Format::W3c => "w3c",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// One line for menus and `--help`.
    pub fn description(self) -> &'static str {
        match self {
            Format::Huaxian => "Huaxian JSON, one document (native)",
            Format::HuaxianJsonl => "Huaxian JSON lines, one document per line (native)",
            Format::Doccano => "doccano JSON lines",
            Format::LabelStudio => "Label Studio tasks and labelling config",
            Format::SpacyJsonl => "spaCy JSON lines for Example.from_dict",
            Format::Spacy => "spaCy binary DocBin (.spacy)",
            Format::Prodigy => "Prodigy JSON lines",
            Format::Brat => "brat standoff (.txt + .ann)",
            Format::Iob2 => "IOB2 CoNLL, one token per line",
            Format::W3c => "W3C Web Annotation JSON-LD",
        }
    }

    /// Whether [`import`] reads this format.
    pub fn can_import(self) -> bool {
        !matches!(self, Format::Spacy | Format::W3c)
    }

    /// Whether the format can hold overlapping entities. Exports to formats that cannot
    /// drop overlaps and list them in [`ExportSummary::dropped`].
    pub fn holds_overlaps(self) -> bool {
        !matches!(self, Format::Iob2 | Format::Spacy)
    }

    /// Whether the format has offsets and room to state their unit; the others are always
    /// in code points (brat, W3C) or have no offsets (IOB2, DocBin).
    pub fn states_offset_unit(self) -> bool {
        matches!(
            self,
            Format::Huaxian | Format::HuaxianJsonl | Format::Doccano | Format::LabelStudio | Format::SpacyJsonl | Format::Prodigy
        )
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The unit of exported offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OffsetUnit {
    /// Unicode code points: Python's `str`, spaCy, brat, Label Studio, W3C.
    #[default]
    CodePoint,
    /// UTF-16 code units: JavaScript's `.length`, the DOM.
    Utf16,
}

impl OffsetUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            OffsetUnit::CodePoint => "codepoint",
            OffsetUnit::Utf16 => "utf16",
        }
    }

    pub fn from_name(name: &str) -> Option<OffsetUnit> {
        match name {
            "codepoint" | "code_point" | "codepoints" => Some(OffsetUnit::CodePoint),
            "utf16" | "utf-16" => Some(OffsetUnit::Utf16),
            _ => None,
        }
    }
}

/// What to export and how.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Also export machine suggestions not yet reviewed. By default only accepted
    /// entities are exported. Rejected entities are never in a dataset format; the native
    /// format keeps them, as decisions to continue from.
    pub include_suggestions: bool,
    /// Labels renamed on the way out, e.g. `COMPANY → ORG`. Unmapped labels are kept.
    pub label_map: BTreeMap<String, String>,
    /// The unit of offsets, for formats that state it ([`Format::states_offset_unit`]).
    pub offset_unit: OffsetUnit,
    /// The base of the file names; by default the document's file stem for one document,
    /// `dataset` for several.
    pub name: Option<String>,
}

/// One file of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// An entity a format could not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The document's source name.
    pub document: String,
    pub id: String,
    /// Code points.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: String,
    pub reason: String,
}

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: dropped {} {} [{}, {}) {}: {}", self.document, self.id, self.label, self.start, self.end, self.text, self.reason)
    }
}

/// What an export wrote and what it left out: data, so that the app can show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub documents: usize,
    /// Entities written.
    pub entities: usize,
    /// Suggestions left out because `include_suggestions` was off.
    pub suggestions_left_out: usize,
    /// Entities the format could not hold (overlaps, white space only).
    pub dropped: Vec<Dropped>,
    /// Other things worth saying, e.g. that brat offsets stay in code points.
    pub notes: Vec<String>,
}

/// The files of an export and its summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOutput {
    pub files: Vec<OutputFile>,
    pub summary: ExportSummary,
}

/// A file refused, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub file: String,
    /// 1-based line, where the format has lines.
    pub line: Option<usize>,
    pub reason: String,
}

impl FormatError {
    pub fn new(file: impl Into<String>, line: Option<usize>, reason: impl Into<String>) -> FormatError {
        FormatError { file: file.into(), line, reason: reason.into() }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl std::error::Error for FormatError {}

/// Exports `docs` to `format`.
///
/// Entities are checked first: an entity outside its text, or whose `text` differs from
/// the text it spans, refuses the export with the document's source as the file name.
pub fn export(format: Format, docs: &[Export], options: &ExportOptions) -> Result<ExportOutput, FormatError> {
    let mut job = ExportJob::new(format, docs, options);
    while job.prepare_next()? {}
    Ok(job.write())
}

/// An export done in steps, for a caller that shows progress: one document is prepared
/// (checked, its offsets mapped, its entities chosen) per [`ExportJob::prepare_next`],
/// then [`ExportJob::write`] writes the format. [`export`] is this job run to the end.
pub struct ExportJob<'a> {
    format: Format,
    docs: &'a [Export],
    options: &'a ExportOptions,
    prepared: Vec<Prepared<'a>>,
    summary: ExportSummary,
}

impl<'a> ExportJob<'a> {
    pub fn new(format: Format, docs: &'a [Export], options: &'a ExportOptions) -> ExportJob<'a> {
        let summary = ExportSummary { documents: docs.len(), ..ExportSummary::default() };
        ExportJob { format, docs, options, prepared: Vec::with_capacity(docs.len()), summary }
    }

    /// Documents prepared so far, and how many there are.
    pub fn progress(&self) -> (usize, usize) {
        (self.prepared.len(), self.docs.len())
    }

    /// Prepares the next document; false once every document is prepared.
    pub fn prepare_next(&mut self) -> Result<bool, FormatError> {
        let Some(doc) = self.docs.get(self.prepared.len()) else { return Ok(false) };
        let prepared = Prepared::new(doc, self.options, self.format, &mut self.summary)?;
        self.prepared.push(prepared);
        Ok(true)
    }

    /// Writes the format from the prepared documents (call after every
    /// [`ExportJob::prepare_next`] has returned false).
    pub fn write(mut self) -> ExportOutput {
        let (format, options, docs, prepared) = (self.format, self.options, self.docs, &self.prepared);
        let summary = &mut self.summary;
        if options.offset_unit == OffsetUnit::Utf16 && !format.states_offset_unit() {
            summary.notes.push(match format {
                Format::Brat | Format::W3c => format!("{format} offsets are always code points; the UTF-16 option does not apply"),
                _ => format!("{format} has no character offsets; the UTF-16 option does not apply"),
            });
        }
        let base = options.name.clone().unwrap_or_else(|| match docs {
            [one] => file_stem(&one.document.source),
            _ => "dataset".to_string(),
        });
        let files = match format {
            Format::Huaxian => huaxian::export_json(prepared, options, &base),
            Format::HuaxianJsonl => huaxian::export_jsonl(prepared, options, &base),
            Format::Doccano => doccano::export(prepared, options, &base),
            Format::LabelStudio => label_studio::export(prepared, options, &base),
            Format::SpacyJsonl => spacy::export_jsonl(prepared, options, &base, summary),
            Format::Spacy => spacy::export_docbin(prepared, &base, summary),
            Format::Prodigy => prodigy::export(prepared, options, &base),
            Format::Brat => brat::export(prepared),
            Format::Iob2 => conll::export(prepared, &base, summary),
            Format::W3c => w3c::export(prepared, &base),
        };
        summary.entities = match format {
            _ if !format.holds_overlaps() => prepared.iter().map(|p| p.entities.len()).sum::<usize>() - summary.dropped.len(),
            _ => prepared.iter().map(|p| p.entities.len()).sum(),
        };
        ExportOutput { files, summary: self.summary }
    }
}

/// One input file: its name (used in errors and to guess the format) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl InputFile {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> InputFile {
        InputFile { name: name.into(), bytes: bytes.into() }
    }
}

/// Imports files into documents ready to continue, in the order given.
///
/// `format` forces one format for every file; `None` guesses each file's format from its
/// name and content ([`detect`]). brat `.ann` files are paired with the `.txt` of the same
/// stem among `files`; a `.txt` with an `.ann` beside it is only read as that pair.
pub fn import(files: &[InputFile], format: Option<Format>) -> Result<Vec<Export>, FormatError> {
    let mut out = Vec::new();
    let stems_with_ann: BTreeSet<String> =
        files.iter().filter(|f| f.name.ends_with(".ann")).map(|f| strip_ext(&f.name).to_string()).collect();
    for file in files {
        let fmt = match format {
            Some(f) => f,
            None => {
                if file.name.ends_with(".txt") && stems_with_ann.contains(strip_ext(&file.name)) {
                    continue;
                }
                detect(&file.name, &file.bytes)
                    .ok_or_else(|| FormatError::new(&file.name, None, "cannot tell its format: expected Huaxian JSON or JSON lines, doccano, Label Studio, spaCy or Prodigy JSON lines, brat .txt + .ann, or IOB2 (the command line takes --format to name it)"))?
            }
        };
        if fmt == Format::Brat {
            if !file.name.ends_with(".ann") {
                continue;
            }
            let stem = strip_ext(&file.name);
            let txt = files
                .iter()
                .find(|f| f.name.ends_with(".txt") && strip_ext(&f.name) == stem)
                .ok_or_else(|| FormatError::new(&file.name, None, format!("brat annotations need their text: {stem}.txt is missing")))?;
            out.push(brat::import(txt, file)?);
            continue;
        }
        out.extend(import_one(fmt, file)?);
    }
    Ok(out)
}

/// Imports one file of a known format (brat needs [`import`], which pairs `.txt` and `.ann`).
pub fn import_one(format: Format, file: &InputFile) -> Result<Vec<Export>, FormatError> {
    let text = std::str::from_utf8(&file.bytes).map_err(|e| {
        let line = file.bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        FormatError::new(&file.name, Some(line), "not UTF-8 text")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Huaxian | Format::HuaxianJsonl => huaxian::import(&file.name, text),
        Format::Doccano => doccano::import(&file.name, text),
        Format::LabelStudio => label_studio::import(&file.name, text),
        Format::SpacyJsonl => spacy::import_jsonl(&file.name, text),
        Format::Prodigy => prodigy::import(&file.name, text),
        Format::Iob2 => conll::import(&file.name, text),
        Format::Brat => Err(FormatError::new(&file.name, None, "brat standoff needs the .txt and the .ann together")),
        Format::Spacy | Format::W3c => Err(FormatError::new(&file.name, None, format!("{format} cannot be imported"))),
    }
}

/// Guesses the format of a file from its name and its first line.
pub fn detect(name: &str, bytes: &[u8]) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "ann" => return Some(Format::Brat),
        "conll" | "iob" | "iob2" | "bio" | "conllx" | "dev" | "train" | "test" => return Some(Format::Iob2),
        "spacy" => return Some(Format::Spacy),
        _ => {}
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    if text.starts_with('[') {
        return Some(Format::LabelStudio);
    }
    if text.starts_with('{') {
        let first = text.lines().next().unwrap_or("");
        let value: Option<serde_json::Value> = serde_json::from_str(first).ok();
        let whole = ext == "json" || value.is_none();
        let value = match value {
            Some(v) => v,
            None => serde_json::from_str(text).ok()?,
        };
        let obj = value.as_object()?;
        if obj.get("format").and_then(|f| f.as_str()) == Some(crate::export::FORMAT) {
            return Some(if whole { Format::Huaxian } else { Format::HuaxianJsonl });
        }
        if obj.contains_key("data") {
            return Some(Format::LabelStudio);
        }
        if obj.contains_key("tokens") || obj.contains_key("answer") {
            return Some(Format::Prodigy);
        }
        if obj.contains_key("annotations") {
            return Some(Format::SpacyJsonl);
        }
        if obj.contains_key("text") {
            return Some(Format::Doccano);
        }
        return None;
    }
    // Token-per-line text: `TOKEN TAG` with an O/B-/I- tag.
    let looks_iob = text.lines().filter(|l| !l.trim().is_empty()).take(5).all(|l| {
        let tag = l.split_whitespace().last().unwrap_or("");
        l.split_whitespace().count() >= 2 && (tag == "O" || tag.starts_with("B-") || tag.starts_with("I-"))
    });
    (looks_iob && !text.is_empty()).then_some(Format::Iob2)
}

// ---------------------------------------------------------------------------------------
// Shared by the formats.

/// An entity ready to write: label mapped, offsets checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ent<'a> {
    pub id: &'a str,
    /// Code points.
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub label: String,
    pub source: EntitySource,
    pub status: Status,
    pub canonical: Option<&'a str>,
}

/// A document ready to write.
pub(crate) struct Prepared<'a> {
    pub export: &'a Export,
    pub map: TextMap,
    /// The entities to write, in text order.
    pub entities: Vec<Ent<'a>>,
}

impl<'a> Prepared<'a> {
    fn new(export: &'a Export, options: &ExportOptions, format: Format, summary: &mut ExportSummary) -> Result<Prepared<'a>, FormatError> {
        let text = &export.document.text;
        let map = TextMap::new(text);
        let native = matches!(format, Format::Huaxian | Format::HuaxianJsonl);
        let mut entities = Vec::new();
        for e in &export.entities {
            if e.start >= e.end || e.end > map.len_chars() {
                return Err(FormatError::new(
                    &export.document.source,
                    None,
                    format!("entity {} [{}, {}) lies outside the text of {} code points or is empty", e.id, e.start, e.end, map.len_chars()),
                ));
            }
            let (bs, be) = (map.char_to_byte(text, e.start).unwrap(), map.char_to_byte(text, e.end).unwrap());
            if text[bs..be] != e.text {
                return Err(FormatError::new(
                    &export.document.source,
                    None,
                    format!("entity {} [{}, {}) says {:?} but the text there is {:?}", e.id, e.start, e.end, e.text, &text[bs..be]),
                ));
            }
            match e.status {
                Status::Rejected if !native => continue,
                Status::Suggested if !options.include_suggestions => {
                    summary.suggestions_left_out += 1;
                    continue;
                }
                _ => {}
            }
            entities.push(Ent {
                id: &e.id,
                start: e.start,
                end: e.end,
                text: &text[bs..be],
                label: options.label_map.get(&e.label).cloned().unwrap_or_else(|| e.label.clone()),
                source: e.source,
                status: e.status,
                canonical: e.canonical.as_deref(),
            });
        }
        entities.sort_by_key(|e| (e.start, e.end));
        Ok(Prepared { export, map, entities })
    }

    pub fn text(&self) -> &'a str {
        &self.export.document.text
    }

    /// A code point offset in the unit asked for.
    pub fn offset(&self, cp: usize, unit: OffsetUnit) -> usize {
        match unit {
            OffsetUnit::CodePoint => cp,
            OffsetUnit::Utf16 => self.map.char_to_utf16(self.text(), cp).expect("offset checked"),
        }
    }

    /// The labels in use after the label map, in display order, deduplicated.
    pub fn labels(&self, options: &ExportOptions) -> Vec<LabelDef> {
        map_labels(&self.export.labels, &self.entities, options)
    }

    /// The entities that do not overlap, longest first then earliest; the others go to
    /// `summary.dropped`, with the reason "`holder` cannot hold overlaps; …`after`".
    pub fn without_overlaps(&self, holder: &str, after: &str, summary: &mut ExportSummary) -> Vec<&Ent<'a>> {
        let mut order: Vec<&Ent> = self.entities.iter().collect();
        order.sort_by_key(|e| (std::cmp::Reverse(e.end - e.start), e.start));
        let mut kept: BTreeMap<usize, &Ent> = BTreeMap::new();
        let mut dropped = Vec::new();
        for e in order {
            let clash = kept.range(..e.end).next_back().filter(|(_, k)| k.end > e.start).map(|(_, k)| *k);
            match clash {
                Some(k) => dropped.push(self.dropped(e, format!("{holder} cannot hold overlaps; it overlaps {} {}{after}", k.id, k.text))),
                None => {
                    kept.insert(e.start, e);
                }
            }
        }
        dropped.sort_by_key(|d| (d.start, d.end));
        summary.dropped.extend(dropped);
        kept.into_values().collect()
    }

    pub fn dropped(&self, e: &Ent, reason: String) -> Dropped {
        Dropped {
            document: self.export.document.source.clone(),
            id: e.id.to_string(),
            start: e.start,
            end: e.end,
            text: e.text.to_string(),
            label: e.label.clone(),
            reason,
        }
    }
}

fn map_labels(labels: &[LabelDef], entities: &[Ent], options: &ExportOptions) -> Vec<LabelDef> {
    let mut out: Vec<LabelDef> = Vec::new();
    for l in labels {
        let name = options.label_map.get(&l.name).cloned().unwrap_or_else(|| l.name.clone());
        if !out.iter().any(|o| o.name == name) {
            out.push(LabelDef { name, ..l.clone() });
        }
    }
    for e in entities {
        if !out.iter().any(|o| o.name == e.label) {
            out.push(unknown_label(&e.label));
        }
    }
    out
}

fn unknown_label(name: &str) -> LabelDef {
    LabelDef { name: name.to_string(), color: "#e0e0e0".into(), description: String::new() }
}

/// The file name without folders and without its last extension.
pub(crate) fn file_stem(source: &str) -> String {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    let stem = strip_ext(name);
    let stem = if stem.is_empty() { "document" } else { stem };
    stem.chars().map(|c| if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c }).collect()
}

/// One file stem per document, from its source, made unique with `-2`, `-3`...
pub(crate) fn unique_stems(docs: &[Prepared]) -> Vec<String> {
    let mut used = BTreeSet::new();
    docs.iter()
        .map(|p| {
            let stem = file_stem(&p.export.document.source);
            let mut name = stem.clone();
            let mut n = 1;
            while !used.insert(name.clone()) {
                n += 1;
                name = format!("{stem}-{n}");
            }
            name
        })
        .collect()
}

fn strip_ext(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > 0 && !name[i..].contains(['/', '\\']) => &name[..i],
        _ => name,
    }
}

/// JSON lines: one value per line, a final newline.
pub(crate) fn json_lines(values: impl IntoIterator<Item = serde_json::Value>) -> Vec<u8> {
    let mut out = String::new();
    for v in values {
        out.push_str(&serde_json::to_string(&v).expect("JSON values serialize"));
        out.push('\n');
    }
    out.into_bytes()
}

/// Non-empty lines with their 1-based numbers, each parsed as JSON.
pub(crate) fn parse_json_lines<'t>(file: &'t str, text: &'t str) -> impl Iterator<Item = Result<(usize, serde_json::Value), FormatError>> + 't {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(move |(i, l)| {
        serde_json::from_str(l).map(|v| (i + 1, v)).map_err(|e| FormatError::new(file, Some(i + 1), format!("not JSON: {e}")))
    })
}

/// An entity being imported, offsets in the unit of its file.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub status: Status,
    pub source: EntitySource,
    pub canonical: Option<String>,
    /// The text the file says the entity covers, checked if present.
    pub text: Option<String>,
}

impl Incoming {
    pub fn new(start: usize, end: usize, label: impl Into<String>) -> Incoming {
        Incoming { start, end, label: label.into(), status: Status::Accepted, source: EntitySource::Manual, canonical: None, text: None }
    }
}

/// Where an imported document came from, for errors and for `document.source`.
pub(crate) struct Origin<'a> {
    pub file: &'a str,
    pub line: Option<usize>,
}

/// Builds a native export from imported parts, checking every span.
pub(crate) fn build(
    origin: Origin,
    source: String,
    text: String,
    meta: serde_json::Map<String, serde_json::Value>,
    unit: OffsetUnit,
    incoming: Vec<Incoming>,
) -> Result<Export, FormatError> {
    let err = |reason: String| FormatError::new(origin.file, origin.line, reason);
    let map = TextMap::new(&text);
    let mut entities = Vec::with_capacity(incoming.len());
    for e in incoming {
        let (start, end) = match unit {
            OffsetUnit::CodePoint => (e.start, e.end),
            OffsetUnit::Utf16 => (
                map.utf16_to_char(&text, e.start).ok_or_else(|| err(format!("UTF-16 offset {} is outside the text or inside a character", e.start)))?,
                map.utf16_to_char(&text, e.end).ok_or_else(|| err(format!("UTF-16 offset {} is outside the text or inside a character", e.end)))?,
            ),
        };
        if start >= end || end > map.len_chars() {
            return Err(err(format!("entity [{}, {}) {} is empty or outside the text of {} code points", e.start, e.end, e.label, map.len_chars())));
        }
        if e.label.is_empty() {
            return Err(err(format!("entity [{}, {}) has no label", e.start, e.end)));
        }
        let slice = &text[map.char_to_byte(&text, start).unwrap()..map.char_to_byte(&text, end).unwrap()];
        if let Some(said) = &e.text {
            if said != slice {
                return Err(err(format!("entity [{}, {}) says {:?} but the text there is {:?}", e.start, e.end, said, slice)));
            }
        }
        entities.push(ExportEntity {
            id: String::new(),
            start,
            end,
            text: slice.to_string(),
            label: e.label,
            source: e.source,
            status: e.status,
            canonical: e.canonical,
            evidence: String::new(),
        });
    }
    entities.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
    for (i, e) in entities.iter_mut().enumerate() {
        e.id = format!("e{}", i + 1);
    }
    let mut labels = default_labels();
    for e in &entities {
        if !labels.iter().any(|l| l.name == e.label) {
            labels.push(unknown_label(&e.label));
        }
    }
    Ok(Export {
        format: crate::export::FORMAT.into(),
        version: crate::export::VERSION,
        offset_unit: crate::export::OFFSET_UNIT.into(),
        document: ExportDocument {
            id: crate::ingest::sha256_hex(text.as_bytes()),
            source,
            title: None,
            meta,
            text,
            encoding: None,
            diagnostics: Vec::new(),
        },
        labels,
        entities,
    })
}

/// Checks a native export's spans and brings its offsets from `unit` to code points.
pub(crate) fn build_native(file: &str, line: Option<usize>, mut export: Export, unit: OffsetUnit) -> Result<Export, FormatError> {
    let err = |reason: String| FormatError::new(file, line, reason);
    let text = &export.document.text;
    let map = TextMap::new(text);
    for e in &mut export.entities {
        let (start, end) = match unit {
            OffsetUnit::CodePoint => (e.start, e.end),
            OffsetUnit::Utf16 => (
                map.utf16_to_char(text, e.start).ok_or_else(|| err(format!("entity {}: UTF-16 offset {} is outside the text or inside a character", e.id, e.start)))?,
                map.utf16_to_char(text, e.end).ok_or_else(|| err(format!("entity {}: UTF-16 offset {} is outside the text or inside a character", e.id, e.end)))?,
            ),
        };
        if start >= end || end > map.len_chars() {
            return Err(err(format!("entity {} [{}, {}) is empty or outside the text of {} code points", e.id, e.start, e.end, map.len_chars())));
        }
        let slice = &text[map.char_to_byte(text, start).unwrap()..map.char_to_byte(text, end).unwrap()];
        if slice != e.text {
            return Err(err(format!("entity {} [{}, {}) says {:?} but the text there is {:?}", e.id, e.start, e.end, e.text, slice)));
        }
        e.start = start;
        e.end = end;
    }
    export.offset_unit = crate::export::OFFSET_UNIT.into();
    Ok(export)
}

/// `file` for a one-document file, `file#N` for the N-th record of a many-document file.
pub(crate) fn record_source(file: &str, n: usize, many: bool) -> String {
    if many { format!("{file}#{n}") } else { file.to_string() }
}

/// The offset unit a record states, code points if it states none.
pub(crate) fn stated_unit(value: Option<&serde_json::Value>, file: &str, line: Option<usize>) -> Result<OffsetUnit, FormatError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(OffsetUnit::CodePoint),
        Some(v) => v
            .as_str()
            .and_then(OffsetUnit::from_name)
            .ok_or_else(|| FormatError::new(file, line, format!("unknown offset_unit {v}; expected \"codepoint\" or \"utf16\""))),
    }
}

/// A JSON number as an offset.
pub(crate) fn offset(v: Option<&serde_json::Value>, what: &str, file: &str, line: Option<usize>) -> Result<usize, FormatError> {
    v.and_then(|v| v.as_u64())
        .map(|n| n as usize)
        .ok_or_else(|| FormatError::new(file, line, format!("{what} must be a non-negative integer")))
}

/// A JSON string field.
pub(crate) fn string<'v>(v: Option<&'v serde_json::Value>, what: &str, file: &str, line: Option<usize>) -> Result<&'v str, FormatError> {
    v.and_then(|v| v.as_str()).ok_or_else(|| FormatError::new(file, line, format!("{what} must be a string")))
}

#[cfg(test)]
mod tests;
