//! Lexicon matching: leftmost-longest over the whole text with one Aho-Corasick
//! automaton, so 商汤绝影 wins over 商汤 and no text is scanned twice.

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
        Lexicon::from_tsv(BUILTIN_TSV).expect("the built-in lexicon is valid (tested)")
    }

    /// Reads the TSV form: lines starting with `#` are comments; the first other line is
    /// the header `canonical, label, aliases, ids`; aliases are `|`-separated and ids are
    /// `key=value` pairs separated by `;`.
    pub fn from_tsv(tsv: &str) -> Result<Lexicon, LexiconError> {
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
            let (Some(&canonical), Some(&label)) = (fields.first(), fields.get(1)) else {
                return Err(LexiconError { line: number, reason: "expected at least a canonical name and a label".into() });
            };
            if canonical.is_empty() || label.is_empty() {
                return Err(LexiconError { line: number, reason: "the canonical name and the label must not be empty".into() });
            }
            let mut aliases = vec![canonical.to_string()];
            for alias in fields.get(2).unwrap_or(&"").split('|').map(str::trim).filter(|a| !a.is_empty()) {
                if !aliases.iter().any(|a| a == alias) {
                    aliases.push(alias.to_string());
                }
            }
            let mut ids = Vec::new();
            for pair in fields.get(3).unwrap_or(&"").split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let Some((k, v)) = pair.split_once('=') else {
                    return Err(LexiconError { line: number, reason: format!("id {pair:?} is not key=value") });
                };
                ids.push((k.trim().to_string(), v.trim().to_string()));
            }
            entries.push(LexiconEntry { canonical: canonical.to_string(), label: label.to_string(), aliases, ids });
        }
        Ok(Lexicon::new(entries))
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
            .map(|m| {
                let (e, a) = self.patterns[m.pattern().as_usize()];
                let entry = &self.entries[e];
                LexiconMatch { range: m.start()..m.end(), entry, alias: &entry.aliases[a] }
            })
            .collect()
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_word_bounded(text: &str, start: usize, end: usize) -> bool {
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
    fn bad_lines_name_their_line() {
        let err = Lexicon::from_tsv("canonical\tlabel\taliases\tids\nX\tCOMPANY\t\tnot-a-pair\n").unwrap_err();
        assert_eq!(err.line, 2);
    }
}
