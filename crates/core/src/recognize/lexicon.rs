//! Lexicon matching: leftmost-longest over the whole text with one Aho-Corasick
//! automaton, so 商汤绝影 wins over 商汤 and no text is scanned twice.
//!
//! # File formats (import and export)
//! Three forms carry the same entries; [`Lexicon::parse`] reads them, [`Lexicon::write`]
//! writes them.
//! - **TSV** (`.tsv`): lines starting with `#` are comments; the first other line is the
//!   header `canonical<TAB>label<TAB>aliases<TAB>ids`; aliases are separated by `|`, ids
//!   are `key=value` pairs separated by `;`. The built-in lexicon is in this form.
//! - **CSV** (`.csv`): the same four columns with the header `canonical,label,aliases,ids`,
//!   RFC 4180 quoting (`"Tesla, Inc."`).
//! - **JSON** (`.json`): an array of `{"canonical": "CATL", "label": "COMPANY",
//!   "aliases": ["宁德时代"], "ids": {"szse": "300750"}}`; `aliases` and `ids` are optional.
//!
//! # Matching
//! Leftmost-longest. A Latin alias must stand as a whole word (Tesla, not the middle of
//! Teslas). Case-aware: a Latin alias matches as written, or in capitals in a headline
//! (TESLA); an alias written in capitals (CATL, AMD) matches only in capitals, and a
//! capitalised alias never matches a lower-case word (Apple, not apple).

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

/// One lexicon entry: a canonical name with its aliases, label and ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconEntry {
    pub canonical: String,
    pub label: String,
    /// Surface forms matched in text, the canonical name included.
    pub aliases: Vec<String>,
    /// Identifiers such as `("szse", "300750")`.
    pub ids: Vec<(String, String)>,
}

/// A match of an alias in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconMatch<'a> {
    pub range: Range<usize>,
    pub entry: &'a LexiconEntry,
    pub alias: &'a str,
}

/// A compiled lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    entries: Vec<LexiconEntry>,
    /// For each automaton pattern: (entry index, alias index).
    patterns: Vec<(usize, usize)>,
    automaton: AhoCorasick,
}

/// A line of a lexicon file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "lexicon line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for LexiconError {}

const BUILTIN_TSV: &str = include_str!("../../data/lexicon.tsv");

impl Lexicon {
    /// The lexicon Huaxian ships with (`crates/core/data/lexicon.tsv`).
    pub fn builtin() -> Lexicon {
        Lexicon::new(builtin_entries().to_vec())
    }

    /// Reads the TSV form: lines starting with `#` are comments; the first other line is
    /// the header `canonical, label, aliases, ids`; aliases are `|`-separated and ids are
    /// `key=value` pairs separated by `;`.
    pub fn from_tsv(tsv: &str) -> Result<Lexicon, LexiconError> {
        tsv_entries(tsv).map(Lexicon::new)
    }

    /// Reads a lexicon in any of the three forms.
    pub fn parse(input: &str, format: LexiconFormat) -> Result<Lexicon, LexiconError> {
        parse_entries(input, format).map(Lexicon::new)
    }

    /// Reads the CSV form (see the module documentation).
    pub fn from_csv(csv: &str) -> Result<Lexicon, LexiconError> {
        csv_entries(csv).map(Lexicon::new)
    }

    /// Reads the JSON form (see the module documentation).
    pub fn from_json(json: &str) -> Result<Lexicon, LexiconError> {
        json_entries(json).map(Lexicon::new)
    }
}

/// The entries of the built-in lexicon, read once.
pub fn builtin_entries() -> &'static [LexiconEntry] {
    static ENTRIES: std::sync::OnceLock<Vec<LexiconEntry>> = std::sync::OnceLock::new();
    ENTRIES.get_or_init(|| tsv_entries(BUILTIN_TSV).expect("the built-in lexicon is valid (tested)"))
}

/// The entries of a lexicon in any of the three forms, without building its automaton.
pub fn parse_entries(input: &str, format: LexiconFormat) -> Result<Vec<LexiconEntry>, LexiconError> {
    match format {
        LexiconFormat::Tsv => tsv_entries(input),
        LexiconFormat::Csv => csv_entries(input),
        LexiconFormat::Json => json_entries(input),
    }
}

fn tsv_entries(tsv: &str) -> Result<Vec<LexiconEntry>, LexiconError> {
    let mut entries = Vec::new();
    let mut header_seen = false;
    for (number, line) in tsv.lines().enumerate() {
        let number = number + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        if !header_seen {
            header_seen = true;
            if fields.first() != Some(&"canonical") || fields.get(1) != Some(&"label") {
                return Err(LexiconError { line: number, reason: "the header must start with canonical<TAB>label".into() });
            }
            continue;
        }
        let field = |i: usize| fields.get(i).copied().unwrap_or("");
        entries.push(entry_from_fields(number, field(0), field(1), field(2), field(3))?);
    }
    Ok(entries)
}

fn csv_entries(csv: &str) -> Result<Vec<LexiconEntry>, LexiconError> {
    let mut entries = Vec::new();
    let mut header_seen = false;
    for (number, fields) in csv_records(csv)? {
        if fields.iter().all(|f| f.trim().is_empty()) || fields[0].starts_with('#') {
            continue;
        }
        if !header_seen {
            header_seen = true;
            if fields.first().map(|f| f.trim()) != Some("canonical") || fields.get(1).map(|f| f.trim()) != Some("label") {
                return Err(LexiconError { line: number, reason: "the header must start with canonical,label".into() });
            }
            continue;
        }
        let field = |i: usize| fields.get(i).map(|f| f.trim()).unwrap_or("");
        entries.push(entry_from_fields(number, field(0), field(1), field(2), field(3))?);
    }
    Ok(entries)
}

fn json_entries(json: &str) -> Result<Vec<LexiconEntry>, LexiconError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| LexiconError { line: e.line(), reason: format!("not JSON: {e}") })?;
    let items = value.as_array().ok_or_else(|| LexiconError { line: 1, reason: "expected an array of entries".into() })?;
    let mut entries = Vec::new();
    for (i, item) in items.iter().enumerate() {
        // JSON has no useful line per entry: report the entry's position (1-based).
        let err = |reason: &str| LexiconError { line: i + 1, reason: format!("entry {}: {reason}", i + 1) };
        let canonical = item["canonical"].as_str().ok_or_else(|| err("no canonical string"))?;
        let label = item["label"].as_str().ok_or_else(|| err("no label string"))?;
        let aliases: Vec<&str> = match item.get("aliases") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(a) => a.as_array().ok_or_else(|| err("aliases is not an array"))?.iter().map(|a| a.as_str().ok_or_else(|| err("an alias is not a string"))).collect::<Result<_, _>>()?,
        };
        let ids: Vec<String> = match item.get("ids") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(ids) => ids
                .as_object()
                .ok_or_else(|| err("ids is not an object"))?
                .iter()
                .map(|(k, v)| Ok(format!("{k}={}", v.as_str().ok_or_else(|| err("an id is not a string"))?)))
                .collect::<Result<_, LexiconError>>()?,
        };
        entries.push(entry_from_fields(i + 1, canonical, label, &aliases.join("|"), &ids.join(";"))?);
    }
    Ok(entries)
}

impl Lexicon {
    /// Writes the lexicon in one of the three forms; reading it back gives the same entries.
    pub fn write(&self, format: LexiconFormat) -> String {
        write_entries(&self.entries, format)
    }


    /// The built-in lexicon with a person's own entries checked first: where an alias is
    /// in both, theirs wins (the automaton prefers the earlier of two equal matches). The
    /// app, `huaxian annotate --lexicon` and `huaxian eval --lexicon` all combine this way.
    pub fn builtin_with(imported: &[LexiconEntry]) -> Lexicon {
        Lexicon::new(imported.iter().chain(builtin_entries()).cloned().collect())
    }

    /// Reads a lexicon file in the form its name says (`.tsv`, `.tab`, `.txt`, `.csv`,
    /// `.json`); a byte-order mark is ignored. A file without entries is refused: it is
    /// more likely the wrong file than an intent. Errors start with `name`.
    /// Its entries are returned, not compiled: they are combined with others first.
    pub fn read_file(name: &str, text: &str) -> Result<Vec<LexiconEntry>, String> {
        let format = LexiconFormat::from_file_name(name).ok_or_else(|| format!("{name}: a lexicon file is named .tsv, .csv or .json"))?;
        let entries = parse_entries(text.trim_start_matches('\u{feff}'), format).map_err(|e| format!("{name}: {e}"))?;
        if entries.is_empty() {
            return Err(format!("{name}: no entries after the header"));
        }
        Ok(entries)
    }

    pub fn new(entries: Vec<LexiconEntry>) -> Lexicon {
        let mut patterns = Vec::new();
        let mut strings = Vec::new();
        for (e, entry) in entries.iter().enumerate() {
            for (a, alias) in entry.aliases.iter().enumerate() {
                patterns.push((e, a));
                strings.push(alias.as_str());
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&strings)
            .expect("lexicon automaton within size limits");
        Lexicon { entries, patterns, automaton }
    }

    pub fn entries(&self) -> &[LexiconEntry] {
        &self.entries
    }

    /// Every leftmost-longest match in `text`. A Latin alias must stand as a whole word
    /// (Tesla, not the middle of Teslas); CJK aliases need no boundary, as Chinese has no
    /// spaces between words.
    pub fn find<'a>(&'a self, text: &str) -> Vec<LexiconMatch<'a>> {
        self.automaton
            .find_iter(text)
            .filter(|m| is_word_bounded(text, m.start(), m.end()))
            .filter_map(|m| {
                let (e, a) = self.patterns[m.pattern().as_usize()];
                let entry = &self.entries[e];
                let alias = entry.aliases[a].as_str();
                case_matches(alias, &text[m.start()..m.end()]).then(|| LexiconMatch { range: m.start()..m.end(), entry, alias })
            })
            .collect()
    }
}

/// Writes entries in one of the three forms; reading them back gives the same entries.
pub fn write_entries(entries: &[LexiconEntry], format: LexiconFormat) -> String {
    let extra = |e: &LexiconEntry| -> (String, String) {
        (
            e.aliases.iter().filter(|a| **a != e.canonical).cloned().collect::<Vec<_>>().join("|"),
            e.ids.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";"),
        )
    };
    match format {
        LexiconFormat::Tsv => {
            let mut out = String::from("canonical\tlabel\taliases\tids\n");
            for e in entries {
                let (aliases, ids) = extra(e);
                out.push_str(&format!("{}\t{}\t{aliases}\t{ids}\n", e.canonical, e.label));
            }
            out
        }
        LexiconFormat::Csv => {
            let quote = |s: &str| {
                if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
            };
            let mut out = String::from("canonical,label,aliases,ids\n");
            for e in entries {
                let (aliases, ids) = extra(e);
                out.push_str(&format!("{},{},{},{}\n", quote(&e.canonical), quote(&e.label), quote(&aliases), quote(&ids)));
            }
            out
        }
        LexiconFormat::Json => {
            let items: Vec<serde_json::Value> = entries
                .iter()
                .map(|e| {
                    let ids: serde_json::Map<String, serde_json::Value> =
                        e.ids.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
                    serde_json::json!({
                        "canonical": e.canonical,
                        "label": e.label,
                        "aliases": e.aliases.iter().filter(|a| **a != e.canonical).collect::<Vec<_>>(),
                        "ids": ids,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&items).expect("a lexicon always serializes") + "\n"
        }
    }
}

/// Which form a lexicon file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexiconFormat {
    Tsv,
    Csv,
    Json,
}

impl LexiconFormat {
    /// The form a file name's extension names (`.tsv`, `.csv`, `.json`).
    pub fn from_file_name(name: &str) -> Option<LexiconFormat> {
        let ext = name.rsplit('.').next()?.to_ascii_lowercase();
        match ext.as_str() {
            "tsv" | "tab" | "txt" => Some(LexiconFormat::Tsv),
            "csv" => Some(LexiconFormat::Csv),
            "json" => Some(LexiconFormat::Json),
            _ => None,
        }
    }
}

/// One entry from its four text fields (aliases `|`-separated, ids `key=value;...`).
fn entry_from_fields(line: usize, canonical: &str, label: &str, aliases: &str, ids: &str) -> Result<LexiconEntry, LexiconError> {
    let (canonical, label) = (canonical.trim(), label.trim());
    if canonical.is_empty() || label.is_empty() {
        return Err(LexiconError { line, reason: "the canonical name and the label must not be empty".into() });
    }
    let mut all = vec![canonical.to_string()];
    for alias in aliases.split('|').map(str::trim).filter(|a| !a.is_empty()) {
        if !all.iter().any(|a| a == alias) {
            all.push(alias.to_string());
        }
    }
    let mut pairs = Vec::new();
    for pair in ids.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(LexiconError { line, reason: format!("id {pair:?} is not key=value") });
        };
        pairs.push((k.trim().to_string(), v.trim().to_string()));
    }
    Ok(LexiconEntry { canonical: canonical.to_string(), label: label.to_string(), aliases: all, ids: pairs })
}

/// RFC 4180 records with the line each starts on.
fn csv_records(input: &str) -> Result<Vec<(usize, Vec<String>)>, LexiconError> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start_line = 1;
    let mut quoted = false;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                records.push((start_line, std::mem::take(&mut fields)));
                line += 1;
                start_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(LexiconError { line: start_line, reason: "a quoted field is not closed".into() });
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((start_line, fields));
    }
    Ok(records)
}

/// The case rule of the module documentation.
fn case_matches(alias: &str, surface: &str) -> bool {
    if alias == surface {
        return true;
    }
    let has_lower = alias.chars().any(|c| c.is_ascii_lowercase());
    // Only aliases with lower-case letters may appear in capitals (a headline).
    has_lower && surface == alias.to_ascii_uppercase()
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Does `text[start..end]` stand as a whole word where it starts or ends with a Latin
/// letter or digit?
pub(crate) fn is_word_bounded(text: &str, start: usize, end: usize) -> bool {
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let left_ok = !(first.is_some_and(is_word_char) && before.is_some_and(is_word_char));
    let right_ok = !(last.is_some_and(is_word_char) && after.is_some_and(is_word_char));
    left_ok && right_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_parses() {
        let lexicon = Lexicon::builtin();
        assert!(lexicon.entries().len() > 50);
    }

    #[test]
    fn longest_match_wins_and_latin_needs_word_boundaries() {
        let lexicon = Lexicon::builtin();
        let text = "商汤绝影与Tesla合作，Teslas不算，沐曦发布新品。";
        let found: Vec<_> = lexicon.find(text).iter().map(|m| (&text[m.range.clone()], m.entry.canonical.as_str())).collect();
        assert_eq!(found, vec![("商汤绝影", "SenseTime Jueying"), ("Tesla", "Tesla"), ("沐曦", "MetaX")]);
    }

    #[test]
    fn case_aware_latin_matching() {
        let lexicon = Lexicon::from_tsv("canonical\tlabel\taliases\tids\nApple\tCOMPANY\t\t\nCATL\tCOMPANY\t\t\n").unwrap();
        let text = "APPLE and Apple, not apple; CATL, not Catl or catl.";
        let found: Vec<&str> = lexicon.find(text).iter().map(|m| &text[m.range.clone()]).collect();
        assert_eq!(found, vec!["APPLE", "Apple", "CATL"]);
    }

    #[test]
    fn the_three_forms_round_trip() {
        let builtin = Lexicon::builtin();
        for format in [LexiconFormat::Tsv, LexiconFormat::Csv, LexiconFormat::Json] {
            let back = Lexicon::parse(&builtin.write(format), format).unwrap();
            assert_eq!(back.entries(), builtin.entries(), "{format:?}");
        }
        let csv = "canonical,label,aliases,ids\n\"Tesla, Inc.\",COMPANY,特斯拉|Tesla,nasdaq=TSLA\n";
        let lexicon = Lexicon::from_csv(csv).unwrap();
        assert_eq!(lexicon.entries()[0].canonical, "Tesla, Inc.");
        assert_eq!(lexicon.entries()[0].aliases, vec!["Tesla, Inc.", "特斯拉", "Tesla"]);
        let json = r#"[{"canonical": "Northwind Robotics AS", "label": "COMPANY", "aliases": ["Northwind"], "ids": {"orgnr": "999"}}]"#;
        let lexicon = Lexicon::from_json(json).unwrap();
        assert_eq!(lexicon.entries()[0].ids, vec![("orgnr".to_string(), "999".to_string())]);
        assert!(Lexicon::from_json(r#"[{"label": "COMPANY"}]"#).is_err());
        assert_eq!(LexiconFormat::from_file_name("mine.CSV"), Some(LexiconFormat::Csv));
    }

    #[test]
    fn bad_lines_name_their_line() {
        let err = Lexicon::from_tsv("canonical\tlabel\taliases\tids\nX\tCOMPANY\t\tnot-a-pair\n").unwrap_err();
        assert_eq!(err.line, 2);
    }
}
