//! Finding entities in a document. Each recognizer proposes candidates; the merge turns
//! them deterministically into non-overlapping suggestions, each with its evidence.
//!
//! # Recognizers
//! - [`lexicon`]: entries written by the project (and those a person imports), matched
//!   leftmost-longest with one automaton.
//! - [`rules`]: money, percentages, dates; names by their shape (杭州青禾数据科技有限公司,
//!   Northwind Robotics AS, 临港新片区党工委).
//! - [`tagger`]: a character-level averaged perceptron trained on public gold data, for the
//!   names no list holds. Optional: [`Recognizer::with_tagger`].
//! - Lists: the other members of an enumeration holding a known company are companies
//!   too (特斯拉、延电科技、华翔翼锐等).
//! - Propagation: once a name is found, its other mentions in the same document are found
//!   too, and a company's full name brings its short forms (杭州青禾数据科技有限公司 →
//!   青禾数据科技, 青禾数据; Northwind Robotics AS → Northwind Robotics, Northwind).
//!
//! # Merging (deterministic)
//! 1. Model spans below [`Config::min_model_confidence`], one character long, or
//!    crossing a lexicon or rule span (overlapping it without containing it) are dropped:
//!    the model may extend what knowledge found (北京 → 北京市海淀区), never cut it.
//! 2. The rest are taken **longest first**; equal lengths go by source — number rules
//!    (MONEY, PERCENT, DATE), then lexicon, then name-shape rules, then the model — then
//!    by position. A candidate overlapping one already taken is dropped.
//! 3. Propagated mentions fill only text that nothing took in step 2, longest first.
//! 4. Members of a list that holds a company the lexicon knows (特斯拉、延电科技、华翔翼锐等)
//!    fill what is still free ([`lists`]).
//!
//! Every entity keeps its evidence: the alias and canonical name, the rule, the model's
//! confidence, or the full name it was propagated from. A link's attributes (a stock code
//! on 机器人) are hints in the [`Document`], never labels.

pub mod lexicon;
mod lists;
pub mod rules;
pub mod tagger;

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::annotate::{Entity, EntitySource, Status};
use crate::document::Document;
use lexicon::Lexicon;
use tagger::Tagger;

/// A proposal before merging.
#[derive(Debug, Clone)]
struct Candidate {
    range: Range<usize>,
    label: String,
    source: EntitySource,
    /// Order among equally long candidates (lower wins).
    rank: u8,
    /// The model's confidence, for model spans.
    confidence: Option<f32>,
    canonical: Option<String>,
    evidence: String,
}

/// Settings of the merge, chosen on CLUENER's validation split (see docs/RECOGNITION.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Model spans whose confidence is below this are dropped.
    pub min_model_confidence: f32,
    /// Find other mentions of names found elsewhere in the document.
    pub propagate: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config { min_model_confidence: 0.5, propagate: true }
    }
}

/// The whole pipeline: lexicon, rules, an optional tagger, propagation and the merge.
#[derive(Debug, Clone)]
pub struct Recognizer {
    lexicon: Lexicon,
    tagger: Option<Tagger>,
    pub config: Config,
}

impl Recognizer {
    /// Lexicon, rules and propagation; no model until [`Recognizer::with_tagger`].
    pub fn new(lexicon: Lexicon) -> Recognizer {
        Recognizer { lexicon, tagger: None, config: Config::default() }
    }

    /// Adds the statistical tagger, e.g. `Tagger::from_bytes(&asset)?` once the app has
    /// fetched the asset, or [`Tagger::builtin`].
    pub fn with_tagger(mut self, tagger: Tagger) -> Recognizer {
        self.tagger = Some(tagger);
        self
    }

    /// The built-in lexicon and the built-in tagger.
    pub fn builtin() -> Recognizer {
        Recognizer::new(Lexicon::builtin()).with_tagger(Tagger::builtin())
    }

    /// Adds or replaces the tagger in place (the app's one recognizer, when the weights
    /// arrive after the first paint).
    pub fn set_tagger(&mut self, tagger: Tagger) {
        self.tagger = Some(tagger);
    }

    /// Replaces the lexicon and keeps the tagger (a person imported their own).
    pub fn set_lexicon(&mut self, lexicon: Lexicon) {
        self.lexicon = lexicon;
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    pub fn has_tagger(&self) -> bool {
        self.tagger.is_some()
    }

    /// Entities of a document, in text order, with ids `e1`, `e2`, ...
    pub fn recognize(&self, doc: &Document) -> Vec<Entity> {
        self.recognize_text(&doc.text)
    }

    /// Entities of a plain text (byte ranges), in text order, with ids `e1`, `e2`, ...
    pub fn recognize_text(&self, text: &str) -> Vec<Entity> {
        run(text, &self.lexicon, self.tagger.as_ref(), &self.config)
    }

    /// Starts a pass over `text` in steps: lexicon and rules now, the tagger a slice at a
    /// time through [`Recognizer::step`], the merge in [`Recognizer::finish`].
    /// The pass is ready for the tagger even if it has not arrived yet: the app keeps a
    /// pass from before the weights came and continues it once they have.
    pub fn start(&self, text: &str) -> Pass {
        Pass::start(text, &self.lexicon, true)
    }

    /// Tags whole sentences of `pass` until at least `budget` bytes of text are done;
    /// false once nothing is left to tag.
    pub fn step(&self, text: &str, pass: &mut Pass, budget: usize) -> bool {
        pass.step(text, self.tagger.as_ref(), &self.config, budget)
    }

    /// The entities of a pass whose steps are done: the same as [`Recognizer::recognize_text`].
    pub fn finish(&self, text: &str, pass: Pass) -> Vec<Entity> {
        pass.finish(text, &self.lexicon, &self.config)
    }
}

/// Lexicon, rules and propagation over a document, without the statistical tagger (see
/// [`Recognizer`] for the whole pipeline). Suggestions in text order, ids `e1`, `e2`, ...
pub fn recognize(doc: &Document, lexicon: &Lexicon) -> Vec<Entity> {
    run(&doc.text, lexicon, None, &Config::default())
}

/// The pipeline. The lexicon is scanned once; its matches serve as candidates, as the
/// places that start Chinese names, and as the tagger's hints.
fn run(text: &str, lexicon: &Lexicon, tagger: Option<&Tagger>, config: &Config) -> Vec<Entity> {
    let mut pass = Pass::start(text, lexicon, tagger.is_some());
    while pass.step(text, tagger, config, usize::MAX) {}
    pass.finish(text, lexicon, config)
}

/// The pipeline over one text in steps, for a caller that must stay responsive (the page
/// tags a long article a slice at a time and paints in between). [`Recognizer::recognize`]
/// is this pass run in one step, so both give the same entities.
///
/// A pass belongs to one text and one recognizer: give every call the same ones. A clone
/// finished before any step gives what lexicon and rules alone find, and the original can
/// still go on to the model (the app paints the one and keeps the other).
#[derive(Debug, Clone)]
pub struct Pass {
    /// Lexicon and rule candidates.
    knowledge: Vec<Candidate>,
    /// The lexicon's matches as the tagger's hints need them: range and label index.
    hint_spans: Vec<(Range<usize>, u8)>,
    sentences: Vec<Range<usize>>,
    /// The first sentence not tagged yet.
    next: usize,
    model: Vec<Candidate>,
}

impl Pass {
    /// Scans the lexicon and runs the rules: the knowledge candidates, at once. The
    /// sentences and the tagger's hints are kept only `for_model`: without a tagger they
    /// would be megabytes for nothing on a long text.
    fn start(text: &str, lexicon: &Lexicon, for_model: bool) -> Pass {
        let matches = lexicon.find(text);
        let knowledge = knowledge_candidates(text, &matches);
        let (hint_spans, sentences) = if for_model {
            (matches.iter().map(|m| (m.range.clone(), tagger::label_index(&m.entry.label))).collect(), sentences(text))
        } else {
            (Vec::new(), Vec::new())
        };
        Pass { knowledge, hint_spans, sentences, next: 0, model: Vec::new() }
    }

    /// Tags whole sentences until at least `budget` bytes of text are done; false once
    /// nothing is left to tag (at once without a tagger).
    fn step(&mut self, text: &str, tagger: Option<&Tagger>, config: &Config, budget: usize) -> bool {
        let Some(tagger) = tagger else { return false };
        let mut done = 0;
        while done < budget {
            let Some(sentence) = self.sentences.get(self.next).cloned() else { return false };
            self.next += 1;
            done += sentence.len();
            model_candidates(tagger, text, &sentence, spans_within(&self.hint_spans, &sentence), config, &mut self.model);
        }
        self.next < self.sentences.len()
    }

    /// The merge: candidates from knowledge and the model become the entities.
    fn finish(self, text: &str, lexicon: &Lexicon, config: &Config) -> Vec<Entity> {
        let Pass { mut knowledge, model, .. } = self;
        let mut candidates = if model.is_empty() {
            knowledge
        } else {
            let known = SpanIndex::new(knowledge.iter().map(|c| c.range.clone()).collect());
            // A known name is complete as written: the model may not run a company, body or
            // person the lexicon or rules found on by a character or two (Unity中国 →
            // "Unity中国达" from 达成) unless the result ends like a name (百度公司). It may
            // still grow a place into an address (北京 → 北京市海淀区).
            let names = SpanIndex::new(
                knowledge.iter().filter(|c| matches!(c.label.as_str(), "COMPANY" | "ORG" | "PERSON")).map(|c| c.range.clone()).collect(),
            );
            knowledge.extend(model.into_iter().filter(|m| {
                !known.any_crossed_by(&m.range) && (ends_like_a_name(&text[m.range.clone()]) || !names.grown_slightly_by(text, &m.range))
            }));
            knowledge
        };
        // No entity begins or ends with white space: a model span may run on into a space
        // (or an NBSP), which no consumer's tokenizer would align with.
        for c in &mut candidates {
            c.range = trim_range(text, c.range.clone());
        }
        candidates.retain(|c| !c.range.is_empty());
        let mut taken = take_longest(candidates, &Default::default());
        if config.propagate {
            let more = propagate(text, &taken, lexicon);
            let extra = take_longest(more, &taken);
            taken.extend(extra);
            // Then the members of lists that hold a company (特斯拉、延电科技、华翔翼锐等).
            let listed = lists::members(text, &taken);
            let extra = take_longest(listed, &taken);
            taken.extend(extra);
        }
        finish(taken)
    }
}

/// `range` without white space at either end.
fn trim_range(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = (range.end - (slice.len() - slice.trim_end().len())).max(start);
    start..end
}

/// Lexicon and rule candidates.
fn knowledge_candidates(text: &str, matches: &[lexicon::LexiconMatch<'_>]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = matches
        .iter()
        .map(|m| Candidate {
            range: m.range.clone(),
            label: m.entry.label.clone(),
            source: EntitySource::Lexicon,
            rank: 1,
            confidence: None,
            canonical: Some(m.entry.canonical.clone()),
            evidence: if m.alias == m.entry.canonical {
                format!("lexicon entry {}", m.entry.canonical)
            } else {
                format!("lexicon alias {} of {}", m.alias, m.entry.canonical)
            },
        })
        .collect();
    let places: Vec<Range<usize>> = matches.iter().filter(|m| m.entry.label == "LOC").map(|m| m.range.clone()).collect();
    for m in rules::find_with_places(text, &places) {
        let rank = if matches!(m.label, "MONEY" | "PERCENT" | "DATE") { 0 } else { 2 };
        out.push(Candidate { range: m.range, label: m.label.to_string(), source: EntitySource::Rule, rank, confidence: None, canonical: None, evidence: format!("rule: {}", m.rule) });
    }
    out
}

/// Tagger candidates of one sentence, given the lexicon's matches inside it.
fn model_candidates(tagger: &Tagger, text: &str, sentence: &Range<usize>, spans: &[(Range<usize>, u8)], config: &Config, out: &mut Vec<Candidate>) {
    let chunk = &text[sentence.clone()];
    let offsets: Vec<usize> = chunk.char_indices().map(|(b, _)| sentence.start + b).chain([sentence.end]).collect();
    let chars: Vec<char> = chunk.chars().collect();
    let hints = tagger::hints_for_spans(&offsets, spans);
    for span in tagger.tag(&chars, &hints) {
        let confidence = span.confidence;
        let label = tagger::LABELS[span.label];
        if span.chars.len() < 2
            || confidence < config.min_model_confidence
            || NOT_NAMES.contains(&&text[offsets[span.chars.start]..offsets[span.chars.end]])
        {
            continue;
        }
        // A bracketed code after a name (交通银行（601328.sh）) is not part of it.
        let mut end = span.chars.end;
        if let Some(open) = chars[span.chars.clone()].iter().position(|c| matches!(c, '（' | '(')) {
            let inside = &chars[span.chars.start + open + 1..end];
            if open >= 2 && inside.iter().all(|c| c.is_ascii() || matches!(c, '）' | ')')) {
                end = span.chars.start + open;
            }
        }
        out.push(Candidate {
            range: offsets[span.chars.start]..offsets[end],
            label: label.to_string(),
            source: EntitySource::Model,
            rank: 3,
            confidence: Some(confidence),
            canonical: None,
            evidence: format!("model: {label}, confidence {confidence:.2}"),
        });
    }
}

/// The matches lying wholly inside `range`. Lexicon matches come in text order and never
/// overlap, so their starts and their ends both ascend: those inside a range are one run
/// of `matches`, found by two binary searches. (Handing every sentence all the matches
/// made the tagger's hints quadratic in the text's length: 35 s for 10 MB.)
fn spans_within<'m>(spans: &'m [(Range<usize>, u8)], range: &Range<usize>) -> &'m [(Range<usize>, u8)] {
    let from = spans.partition_point(|(r, _)| r.start < range.start);
    let to = spans.partition_point(|(r, _)| r.end <= range.end).max(from);
    &spans[from..to]
}

/// Whether a span ends as an organisation's name does (百度公司, 华为技术有限公司, 招商银行),
/// so that the model's growing a known name to it is believable.
fn ends_like_a_name(span: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "公司", "集团", "银行", "科技", "股份", "控股", "汽车", "证券", "基金", "保险", "电子", "网络", "通信", "医药",
        "传媒", "能源", "实验室", "研究院", "大学", "协会", "委员会", "中心", "局", "部", "厅", "所", "院", "会",
    ];
    ENDINGS.iter().any(|e| span.ends_with(e))
}

/// Ranges sorted by start, for "does this span cross any of them?" without a full scan.
struct SpanIndex {
    ranges: Vec<Range<usize>>,
    longest: usize,
}

impl SpanIndex {
    fn new(mut ranges: Vec<Range<usize>>) -> SpanIndex {
        ranges.sort_by_key(|r| (r.start, r.end));
        let longest = ranges.iter().map(|r| r.len()).max().unwrap_or(0);
        SpanIndex { ranges, longest }
    }

    /// Does `span` cross (overlap without containing) one of the ranges? Only ranges
    /// starting within `longest` bytes before `span` ends can overlap it.
    fn any_crossed_by(&self, span: &Range<usize>) -> bool {
        let from = self.ranges.partition_point(|r| r.start + self.longest < span.start);
        let to = self.ranges.partition_point(|r| r.start < span.end);
        self.ranges[from..to.max(from)].iter().any(|r| crosses(span, r))
    }

    /// Does `span` hold one of the ranges plus one or two characters more (the model
    /// running a name on into the next word: Unity中国 → Unity中国达)?
    fn grown_slightly_by(&self, text: &str, span: &Range<usize>) -> bool {
        let from = self.ranges.partition_point(|r| r.start + self.longest < span.start);
        let to = self.ranges.partition_point(|r| r.start < span.end);
        self.ranges[from..to.max(from)].iter().any(|r| {
            let contained = span.start <= r.start && r.end <= span.end && r != span;
            contained && text[span.clone()].chars().count() - text[r.clone()].chars().count() <= 2
        })
    }
}

/// Byte ranges of sentences: split after 。！？!? and at line breaks; a piece longer than
/// 300 characters is split again after ；，.
fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut count = 0;
    for (b, c) in text.char_indices() {
        count += 1;
        let end = b + c.len_utf8();
        let hard = matches!(c, '。' | '！' | '？' | '!' | '?' | '\n');
        let soft = count > 300 && matches!(c, '；' | '，' | ';' | ',');
        if hard || soft || count >= 1000 {
            if !text[start..end].trim().is_empty() {
                out.push(start..end);
            }
            start = end;
            count = 0;
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(start..text.len());
    }
    out
}

/// Does `a` overlap `b` without containing it?
fn crosses(a: &Range<usize>, b: &Range<usize>) -> bool {
    let overlap = a.start < b.end && b.start < a.end;
    let contains = a.start <= b.start && b.end <= a.end;
    overlap && !contains
}

/// Takes candidates longest first (then by rank, then position), skipping any that
/// overlaps one already taken or one in `blocked`. Returns those taken, keyed by start.
fn take_longest(mut candidates: Vec<Candidate>, blocked: &std::collections::BTreeMap<usize, Candidate>) -> std::collections::BTreeMap<usize, Candidate> {
    candidates.sort_by(|a, b| {
        (std::cmp::Reverse(a.range.len()), a.rank, a.range.start, &a.label).cmp(&(std::cmp::Reverse(b.range.len()), b.rank, b.range.start, &b.label))
    });
    let mut taken: std::collections::BTreeMap<usize, Candidate> = std::collections::BTreeMap::new();
    // Taken spans never overlap, so the one starting last before `c` ends is the only one
    // that can overlap it: O(log n) per candidate.
    let overlaps = |map: &std::collections::BTreeMap<usize, Candidate>, r: &Range<usize>| {
        map.range(..r.end).next_back().is_some_and(|(_, t)| t.range.end > r.start)
    };
    for c in candidates {
        if !c.range.is_empty() && !overlaps(&taken, &c.range) && !overlaps(blocked, &c.range) {
            taken.insert(c.range.start, c);
        }
    }
    taken
}

fn finish(taken: std::collections::BTreeMap<usize, Candidate>) -> Vec<Entity> {
    taken
        .into_values()
        .enumerate()
        .map(|(i, c)| Entity {
            id: format!("e{}", i + 1),
            range: c.range,
            label: c.label,
            source: c.source,
            status: Status::Suggested,
            canonical: c.canonical,
            evidence: c.evidence,
        })
        .collect()
}

/// A model find below this confidence is not looked for elsewhere in the document.
const PROPAGATE_MODEL_CONFIDENCE: f32 = 0.9;

/// Common words that are never a name on their own, whatever the model says: 机器人 is
/// robots (and, linked to a stock code, also a listed company's short name).
const NOT_NAMES: &[&str] = &[
    "机器人", "交通", "汽车", "科技", "银行", "公司", "集团", "政府", "企业", "平台", "中心", "市场", "基金", "证券", "保险",
    "芯片", "软件", "互联网", "人工智能", "智能", "新能源", "电池", "半导体", "产业", "行业", "国家", "城市", "地方",
];

/// Industry words that may end a Chinese company's short form (青禾数据科技 → 青禾数据).
const INDUSTRY: &[&str] = &[
    "科技", "技术", "信息", "网络", "电子", "智能", "软件", "数据", "通信", "传媒", "文化", "实业", "控股", "投资", "能源",
    "汽车", "电器", "医药", "药业", "生物", "新材料", "材料", "半导体", "集成电路", "微电子", "机器人", "物流", "贸易", "咨询",
];

/// English words too common to stand alone as a short form.
const COMMON_FIRST_WORDS: &[&str] = &["China", "Chinese", "United", "General", "American", "National", "International", "First", "New", "Global", "The", "Bank"];

/// The short forms of a full company name, longest first.
pub fn short_forms(full: &str, lexicon: &Lexicon) -> Vec<String> {
    let mut forms = Vec::new();
    let is_latin = full.is_ascii();
    if is_latin {
        let words: Vec<&str> = full.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        const SUFFIX: &[&str] = &["Inc", "Inc.", "Incorporated", "Corp", "Corp.", "Corporation", "Co", "Co.", "Ltd", "Ltd.", "Limited", "LLC", "LLP", "PLC", "plc", "ASA", "AS", "AG", "GmbH", "S.A.", "SE", "N.V.", "Group", "Holdings"];
        let mut n = words.len();
        while n > 0 && SUFFIX.contains(&words[n - 1]) {
            n -= 1;
        }
        if n > 0 && n < words.len() {
            forms.push(words[..n].join(" "));
            if n > 1 && words[0].len() >= 3 && !COMMON_FIRST_WORDS.contains(&words[0]) {
                forms.push(words[0].to_string());
            }
        }
        return forms;
    }
    // Not a bare 集团: 上海电气集团's short form is a question of knowledge, not of shape.
    let Some(suffix) = rules::CN_LEGAL.iter().filter(|s| **s != "集团").find(|s| full.ends_with(**s)) else {
        return forms;
    };
    let mut core = &full[..full.len() - suffix.len()];
    // A leading place: 杭州青禾数据科技 → 青禾数据科技.
    if let Some(m) = lexicon.find(core).into_iter().find(|m| m.range.start == 0 && m.entry.label == "LOC") {
        core = &core[m.range.end..];
    }
    // Parenthesised places inside: 英特尔（中国） → 英特尔.
    let core = core.split(['（', '(']).next().unwrap_or(core);
    if core.chars().count() >= 2 {
        forms.push(core.to_string());
    }
    if let Some(word) = INDUSTRY.iter().find(|w| core.ends_with(**w)) {
        let shorter = &core[..core.len() - word.len()];
        if shorter.chars().count() >= 2 {
            forms.push(shorter.to_string());
        }
    }
    forms
}

/// Other mentions of what was taken: exact repeats of every name (not of numbers or
/// dates, which the rules find anyway) and the short forms of company full names.
fn propagate(text: &str, taken: &std::collections::BTreeMap<usize, Candidate>, lexicon: &Lexicon) -> Vec<Candidate> {
    // (form, index of the origin among `origins`)
    let origins: Vec<&Candidate> = taken.values().filter(|c| matches!(c.label.as_str(), "COMPANY" | "ORG" | "PERSON" | "LOC")).collect();
    let mut forms: Vec<(String, usize, bool)> = Vec::new();
    // The forms already in `forms`: looking each one up by a scan of `forms` was
    // quadratic in the number of distinct names (2 MB of news about 30,000 companies
    // spent 60% of its time comparing strings).
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (k, c) in origins.iter().enumerate() {
        let surface = &text[c.range.clone()];
        // Repeats of a model find only when the model was sure: one wrong guess must not
        // spread through the document.
        let sure = c.confidence.is_none_or(|p| p >= PROPAGATE_MODEL_CONFIDENCE);
        if surface.chars().count() >= 2 && c.source != EntitySource::Lexicon && sure && !seen.contains(surface) {
            seen.insert(surface.to_string());
            forms.push((surface.to_string(), k, false));
        }
        if c.label == "COMPANY" {
            for f in short_forms(surface, lexicon) {
                if seen.insert(f.clone()) {
                    forms.push((f, k, true));
                }
            }
        }
    }
    if forms.is_empty() {
        return Vec::new();
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(forms.iter().map(|f| f.0.as_str()))
        .expect("a handful of names");
    let mut out = Vec::new();
    for m in automaton.find_iter(text) {
        let (form, k, short) = &forms[m.pattern().as_usize()];
        let origin = origins[*k];
        if origin.range == (m.start()..m.end()) || !lexicon::is_word_bounded(text, m.start(), m.end()) {
            continue;
        }
        let full = &text[origin.range.clone()];
        let evidence = if *short {
            format!("short form {form} of {full} ({})", origin.evidence)
        } else {
            format!("another mention of {full} ({})", origin.evidence)
        };
        out.push(Candidate {
            range: m.start()..m.end(),
            label: origin.label.clone(),
            source: origin.source,
            rank: 4,
            confidence: origin.confidence,
            canonical: origin.canonical.clone().or_else(|| Some(full.to_string())),
            evidence,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, recognizer: &Recognizer) -> Vec<(String, String, String)> {
        recognizer.recognize_text(text).into_iter().map(|e| (text[e.range].to_string(), e.label, e.evidence)).collect()
    }

    #[test]
    fn the_model_does_not_grow_a_known_company() {
        let text = "据悉，沐曦(MetaX)及Unity中国达成合作。";
        let found: Vec<_> = Recognizer::builtin().recognize_text(text).into_iter().map(|e| text[e.range].to_string()).collect();
        assert!(found.contains(&"Unity中国".to_string()), "{found:?}");
        assert!(!found.iter().any(|f| f.starts_with("Unity中国") && f != "Unity中国"), "{found:?}");
    }

    #[test]
    fn no_entity_starts_or_ends_with_white_space() {
        // Regression: the tagger ran a span on into the NBSP (kept as a space) after a name.
        let text = "🚀据悉，华为\u{a0}和 Unity Technologies 将合作！\r\n";
        for e in Recognizer::builtin().recognize_text(text) {
            let s = &text[e.range.clone()];
            assert_eq!(s, s.trim(), "{e:?}");
        }
        assert_eq!(trim_range(" a b ", 0..5), 1..4);
        assert_eq!(trim_range("   ", 0..3).len(), 0);
    }

    #[test]
    fn short_forms_of_full_names() {
        let lexicon = Lexicon::builtin();
        assert_eq!(short_forms("杭州青禾数据科技有限公司", &lexicon), vec!["青禾数据科技", "青禾数据"]);
        assert_eq!(short_forms("Northwind Robotics AS", &lexicon), vec!["Northwind Robotics", "Northwind"]);
        assert_eq!(short_forms("China Widgets Inc.", &lexicon), vec!["China Widgets"]);
    }

    #[test]
    fn propagation_points_to_the_full_name() {
        let recognizer = Recognizer::new(Lexicon::builtin());
        let text = "杭州青禾数据科技有限公司今天发布新品。青禾数据表示，Northwind Robotics AS 也将合作。Northwind 的团队来自挪威。";
        let f = found(text, &recognizer);
        let get = |s: &str| f.iter().find(|(t, _, _)| t == s).unwrap_or_else(|| panic!("{s} not in {f:?}")).clone();
        assert_eq!(get("杭州青禾数据科技有限公司").1, "COMPANY");
        let short = get("青禾数据");
        assert_eq!(short.1, "COMPANY");
        assert!(short.2.contains("杭州青禾数据科技有限公司"), "{}", short.2);
        assert!(get("Northwind").2.contains("Northwind Robotics AS"));
        assert_eq!(get("Northwind Robotics AS").1, "COMPANY");
    }

    #[test]
    fn merge_is_longest_first_and_model_never_cuts_knowledge() {
        let a = Candidate { range: 0..6, label: "COMPANY".into(), source: EntitySource::Lexicon, rank: 1, confidence: None, canonical: None, evidence: String::new() };
        let b = Candidate { range: 3..9, label: "COMPANY".into(), source: EntitySource::Model, rank: 3, confidence: None, canonical: None, evidence: String::new() };
        let c = Candidate { range: 0..12, label: "LOC".into(), source: EntitySource::Model, rank: 3, confidence: None, canonical: None, evidence: String::new() };
        assert!(crosses(&b.range, &a.range));
        assert!(!crosses(&c.range, &a.range));
        let taken = take_longest(vec![a.clone(), c.clone()], &Default::default());
        assert_eq!(taken.values().map(|c| c.range.clone()).collect::<Vec<_>>(), vec![0..12]);
        // Equal lengths: the lower rank (lexicon before model) wins, whatever the order.
        let d = Candidate { range: 0..6, label: "ORG".into(), source: EntitySource::Model, rank: 3, confidence: None, canonical: None, evidence: String::new() };
        let taken = take_longest(vec![d, a], &Default::default());
        assert_eq!(taken[&0].source, EntitySource::Lexicon);
    }

    fn builtin() -> &'static Recognizer {
        static R: std::sync::OnceLock<Recognizer> = std::sync::OnceLock::new();
        R.get_or_init(Recognizer::builtin)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever the text, entities are non-empty, on character boundaries, in order,
        /// never overlapping, and each says why it was found.
        #[test]
        fn entities_are_well_formed_on_any_text(text in "([临港新片区百度科技有限公司上海宁德时代说，。、（）()%$0-9a-zA-Z .年月日亿元𠮷🚀\n]){0,80}") {
            let entities = builtin().recognize_text(&text);
            let mut end = 0;
            for e in &entities {
                proptest::prop_assert!(!e.range.is_empty() && e.range.start >= end);
                proptest::prop_assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
                proptest::prop_assert!(!e.evidence.is_empty());
                end = e.range.end;
            }
        }
    }

    fn recognize_text_without_model(text: &str) -> Vec<Entity> {
        Recognizer::new(Lexicon::builtin()).recognize_text(text)
    }

    #[test]
    fn a_pass_in_small_steps_finds_what_one_call_finds() {
        let recognizer = Recognizer::builtin();
        let text = include_str!("../../../../assets/sample-article.html").repeat(3);
        let whole = recognizer.recognize_text(&text);
        assert!(whole.iter().any(|e| e.source == EntitySource::Model), "the text must give the model something");
        for budget in [1, 40, 500] {
            let mut pass = recognizer.start(&text);
            let mut steps = 0;
            while recognizer.step(&text, &mut pass, budget) {
                steps += 1;
            }
            assert!(steps > 3, "budget {budget}: {steps} steps");
            assert!(!recognizer.step(&text, &mut pass, budget), "nothing is left once step says so");
            assert_eq!(recognizer.finish(&text, pass), whole, "budget {budget}");
        }
        // A pass finished before any step is lexicon and rules alone (what the page paints
        // first, from a clone of the pass the model then continues).
        let pass = recognizer.start(&text);
        assert_eq!(recognizer.finish(&text, pass.clone()), recognize_text_without_model(&text));
    }

    #[test]
    fn a_sentences_matches_are_those_inside_it() {
        let lexicon = Lexicon::builtin();
        let text = "特斯拉和宁德时代。\n百度与商汤绝影合作，上海临港。Tesla 与 MetaX！百度";
        let spans: Vec<(Range<usize>, u8)> = lexicon.find(text).iter().map(|m| (m.range.clone(), tagger::label_index(&m.entry.label))).collect();
        assert!(spans.len() >= 6, "{spans:?}");
        for r in sentences(text).into_iter().chain([0..0, 0..text.len(), 3..9, 9..text.len() - 3]) {
            let inside: Vec<_> = spans.iter().filter(|(m, _)| m.start >= r.start && m.end <= r.end).cloned().collect();
            assert_eq!(spans_within(&spans, &r), inside.as_slice(), "{r:?}");
        }
    }

    #[test]
    fn sentences_split_at_full_stops() {
        let text = "第一句。第二句！\n第三句";
        let parts: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, vec!["第一句。", "第二句！", "\n", "第三句"].into_iter().filter(|s| !s.trim().is_empty()).collect::<Vec<_>>());
    }
}
