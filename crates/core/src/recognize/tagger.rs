//! The statistical tagger: a character-level averaged structured perceptron with BIO tags
//! for COMPANY, ORG, PERSON and LOC, decoded with Viterbi.
//!
//! No word segmenter: every feature is about characters around the current one (unigrams,
//! bigrams, a trigram, a skip bigram, character types), plus two kinds of knowledge
//! written by the project: where a lexicon entry covers the character, and how far the next
//! company suffix (公司, 集团, 银行, 科技...) or organisation suffix lies. Features are
//! hashed (FNV-1a, 32 bits) into `2^bits` rows of one weight per tag, so the model stores
//! no strings.
//!
//! The same [`Sentence::features`] is used by `huaxian-train` to learn the weights and by
//! [`Tagger::tag`] to apply them: the two can never drift apart.
//!
//! # Asset format (`crates/core/data/tagger.bin`)
//! A zlib stream (RFC 1950) of: magic `HXTG`, version `u8` = 1, `bits: u8`, `n_tags: u8`,
//! `scale: f32` (weight = stored integer × scale), `(n_tags + 1) × n_tags` transition
//! weights as `f32` (the first row is "from the start"), `n_rows: u32`, then per non-zero
//! row: the gap from the previous row index as a LEB128 varint and `n_tags` zigzag LEB128
//! varints. All integers little-endian.

use std::ops::Range;

/// The labels the tagger knows, in tag order: tag `1 + 2k` is `B-LABELS[k]`, `2 + 2k`
/// is `I-LABELS[k]`, tag 0 is `O`.
pub const LABELS: [&str; 4] = ["COMPANY", "ORG", "PERSON", "LOC"];
/// Number of tags: O plus B and I per label.
pub const N_TAGS: usize = 1 + 2 * LABELS.len();

const MAGIC: &[u8; 4] = b"HXTG";
const VERSION: u8 = 1;

/// The asset that ships with Huaxian (see `crates/core/data/README.md` for provenance).
pub const BUILTIN_ASSET: &[u8] = include_bytes!("../../data/tagger.bin");

/// Per-character knowledge given to the tagger besides the text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hint {
    /// A lexicon entry covers this character: (label index in [`LABELS`] or 4 for other
    /// labels, position: 0 begin, 1 inside, 2 end, 3 single).
    pub lexicon: Option<(u8, u8)>,
}

/// The lexicon hints of every character of `text` (one per `char`).
pub fn hints(text: &str, lexicon: &super::lexicon::Lexicon) -> Vec<Hint> {
    let offsets: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
    let spans: Vec<(Range<usize>, u8)> = lexicon.find(text).iter().map(|m| (m.range.clone(), label_index(&m.entry.label))).collect();
    hints_for_spans(&offsets, &spans)
}

/// The index of a label in [`LABELS`], or `LABELS.len()` for a label the tagger lacks, as
/// hints carry it.
pub fn label_index(label: &str) -> u8 {
    LABELS.iter().position(|l| *l == label).unwrap_or(LABELS.len()) as u8
}

/// Lexicon hints for the characters of a stretch of text, from the lexicon's matches given
/// as (byte range, [`label_index`]). `offsets` holds the byte offset of each character
/// and, last, of the stretch's end; matches outside it are ignored.
pub fn hints_for_spans(offsets: &[usize], spans: &[(Range<usize>, u8)]) -> Vec<Hint> {
    let n = offsets.len() - 1;
    let (start, end) = (offsets[0], offsets[n]);
    let mut hints = vec![Hint::default(); n];
    for (range, label) in spans.iter().filter(|(r, _)| r.start >= start && r.end <= end) {
        let (Ok(s), Ok(e)) = (offsets.binary_search(&range.start), offsets.binary_search(&range.end)) else { continue };
        let label = *label;
        for (i, h) in hints.iter_mut().enumerate().take(e).skip(s) {
            let pos = if e - s == 1 { 3 } else if i == s { 0 } else if i + 1 == e { 2 } else { 1 };
            h.lexicon = Some((label, pos));
        }
    }
    hints
}

/// The tag of a label's beginning.
pub fn tag_b(label: usize) -> usize {
    1 + 2 * label
}

/// The tag inside a label.
pub fn tag_i(label: usize) -> usize {
    2 + 2 * label
}

/// `Some((label, is_begin))` for a tag, `None` for O.
pub fn tag_parts(tag: usize) -> Option<(usize, bool)> {
    (tag != 0).then(|| ((tag - 1) / 2, (tag - 1) % 2 == 0))
}

/// May `to` follow `from` in BIO? (`from == None` is the start of the sentence.)
pub fn allowed(from: Option<usize>, to: usize) -> bool {
    match tag_parts(to) {
        Some((label, false)) => from.and_then(tag_parts).is_some_and(|(l, _)| l == label),
        _ => true,
    }
}

/// Characters folded for features: full-width ASCII to ASCII, digits to `0`, Latin
/// letters to lower case.
fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii_digit() {
        '0'
    } else {
        c.to_ascii_lowercase()
    }
}

/// A coarse character class.
fn class(c: char) -> u32 {
    match c {
        '0'..='9' | '０'..='９' => 1,
        'A'..='Z' | 'Ａ'..='Ｚ' => 2,
        'a'..='z' | 'ａ'..='ｚ' => 3,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2FFFF}' => 4,
        c if c.is_whitespace() => 5,
        c if c.is_alphanumeric() => 6,
        _ => 7,
    }
}

/// Company-like suffixes whose distance ahead is a feature.
const COMPANY_CUES: &[&str] = &[
    "公司", "集团", "银行", "科技", "股份", "控股", "证券", "保险", "基金", "汽车", "电子", "网络", "传媒", "地产",
    "能源", "电器", "通信", "软件", "信息", "技术", "实业", "药业", "制药", "影业", "娱乐", "航空", "电气", "工业",
    "置业", "资本", "投资", "信托", "文化", "智能", "电商", "物流", "酒店", "百货", "有限",
];
/// Organisation-like suffixes (government bodies, institutes, teams, schools).
const ORG_CUES: &[&str] = &[
    "委员会", "政府", "部", "局", "厅", "委", "院", "大学", "学院", "中学", "协会", "学会", "联盟", "中心", "研究所",
    "法院", "检察院", "办公室", "队", "俱乐部", "组织", "联合会", "基金会", "党委", "管委会",
];

const FNV_OFFSET: u32 = 0x811C_9DC5;
const FNV_PRIME: u32 = 0x0100_0193;

fn fnv(mut h: u32, x: u32) -> u32 {
    for b in x.to_le_bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn hash(template: u32, parts: &[u32]) -> u32 {
    let mut h = fnv(FNV_OFFSET, template);
    for &p in parts {
        h = fnv(h, p);
    }
    h
}

/// For each position of `text` in a run of ASCII letters and digits (after [`fold`]):
/// the run's hash (lower case), the position (0 begin, 1 inside, 2 end, 3 single) and the
/// run's length; `None` elsewhere. One pass over the text: looking for the run's ends from
/// every position was quadratic in the run's length (a 1,000-character run of letters
/// took a million steps).
fn latin_runs(text: &[char]) -> Vec<Option<(u32, u32, u32)>> {
    let is_latin = |c: char| fold(c).is_ascii_alphanumeric();
    let mut out = vec![None; text.len()];
    let mut s = 0;
    while s < text.len() {
        if !is_latin(text[s]) {
            s += 1;
            continue;
        }
        let mut e = s + 1;
        while e < text.len() && is_latin(text[e]) {
            e += 1;
        }
        let token = text[s..e].iter().fold(0x9E37_79B9u32, |h, &c| fnv(h, fold(c) as u32));
        for (i, slot) in out.iter_mut().enumerate().take(e).skip(s) {
            let pos = if e - s == 1 { 3 } else if i == s { 0 } else if i + 1 == e { 2 } else { 1 };
            *slot = Some((token, pos, (e - s) as u32));
        }
        s = e;
    }
    out
}

/// Distance (1..=8) from `i` to the first position at or after `i + 1` where a cue
/// starts (`starts[j]`), bucketed; 0 if none within reach or a sentence break comes first.
fn cue_ahead(text: &[char], starts: &[bool], i: usize) -> u32 {
    for d in 1..=8usize {
        let j = i + d;
        if j >= text.len() || is_sentence_break(text[j]) {
            break;
        }
        if starts[j] {
            return d as u32;
        }
    }
    0
}

/// Cues as characters, with their first characters sorted for a quick "can a cue start
/// here?" (most characters start none).
struct Cues {
    cues: Vec<Vec<char>>,
    firsts: Vec<char>,
}

impl Cues {
    fn new(cues: &[&str]) -> Cues {
        let cues: Vec<Vec<char>> = cues.iter().map(|c| c.chars().collect()).collect();
        let mut firsts: Vec<char> = cues.iter().filter_map(|c| c.first().copied()).collect();
        firsts.sort_unstable();
        firsts.dedup();
        Cues { cues, firsts }
    }
}

fn company_cues() -> &'static Cues {
    static CUES: std::sync::OnceLock<Cues> = std::sync::OnceLock::new();
    CUES.get_or_init(|| Cues::new(COMPANY_CUES))
}

fn org_cues() -> &'static Cues {
    static CUES: std::sync::OnceLock<Cues> = std::sync::OnceLock::new();
    CUES.get_or_init(|| Cues::new(ORG_CUES))
}

/// For each position of `text`: does one of `cues` start there?
fn cue_starts(text: &[char], cues: &Cues) -> Vec<bool> {
    (0..text.len())
        .map(|j| {
            let rest = &text[j..];
            cues.firsts.binary_search(&rest[0]).is_ok() && cues.cues.iter().any(|cue| rest.starts_with(cue))
        })
        .collect()
}

fn is_sentence_break(c: char) -> bool {
    matches!(c, '，' | '。' | '、' | '；' | '：' | '！' | '？' | ',' | ';' | '!' | '?' | '\n' | '“' | '”' | '《' | '》')
}

/// A sentence prepared for feature extraction: its characters, their hints, and where
/// the company and organisation cues start (found once, not once per position).
pub struct Sentence<'a> {
    text: &'a [char],
    hints: &'a [Hint],
    company_cues: Vec<bool>,
    org_cues: Vec<bool>,
    latin_runs: Vec<Option<(u32, u32, u32)>>,
}

impl<'a> Sentence<'a> {
    /// `hints` has one entry per character of `text`.
    pub fn new(text: &'a [char], hints: &'a [Hint]) -> Sentence<'a> {
        Sentence {
            text,
            hints,
            company_cues: cue_starts(text, company_cues()),
            org_cues: cue_starts(text, org_cues()),
            latin_runs: latin_runs(text),
        }
    }

    /// The hashed features of position `i` (a character index), appended to `out`
    /// (cleared first).
    pub fn features(&self, i: usize, out: &mut Vec<u32>) {
        features(self, i, out)
    }
}

fn features(sentence: &Sentence<'_>, i: usize, out: &mut Vec<u32>) {
    let (text, hints) = (sentence.text, sentence.hints);
    let latin_run = |j: usize| sentence.latin_runs.get(j).copied().flatten();
    out.clear();
    const BOS: u32 = 0x11_0001;
    const EOS: u32 = 0x11_0002;
    let at = |k: isize| -> u32 {
        let j = i as isize + k;
        if j < 0 {
            BOS
        } else if j as usize >= text.len() {
            EOS
        } else {
            fold(text[j as usize]) as u32
        }
    };
    let cls = |k: isize| -> u32 {
        let j = i as isize + k;
        if j < 0 || j as usize >= text.len() { 0 } else { class(text[j as usize]) }
    };
    let (m2, m1, c0, p1, p2) = (at(-2), at(-1), at(0), at(1), at(2));
    out.push(hash(0, &[]));
    out.push(hash(1, &[m2]));
    out.push(hash(2, &[m1]));
    out.push(hash(3, &[c0]));
    out.push(hash(4, &[p1]));
    out.push(hash(5, &[p2]));
    out.push(hash(6, &[m2, m1]));
    out.push(hash(7, &[m1, c0]));
    out.push(hash(8, &[c0, p1]));
    out.push(hash(9, &[p1, p2]));
    out.push(hash(10, &[m1, c0, p1]));
    out.push(hash(11, &[m1, p1]));
    out.push(hash(12, &[m2, m1, c0]));
    out.push(hash(13, &[c0, p1, p2]));
    out.push(hash(14, &[cls(-1), cls(0), cls(1)]));
    out.push(hash(15, &[cls(-2), cls(-1), cls(0), cls(1), cls(2)]));
    let (m3, p3) = (at(-3), at(3));
    out.push(hash(23, &[m3]));
    out.push(hash(24, &[p3]));
    out.push(hash(25, &[m3, m2, m1, c0]));
    out.push(hash(26, &[c0, p1, p2, p3]));
    out.push(hash(27, &[m2, m1, c0, p1]));
    out.push(hash(28, &[m1, c0, p1, p2]));
    // A Latin or digit run (EA, Razer, CAPCOM, 3M) as one token, and where `i` sits in it.
    if let Some((token, pos, len)) = latin_run(i) {
        out.push(hash(29, &[token]));
        out.push(hash(30, &[token, pos]));
        out.push(hash(31, &[len.min(12), pos]));
    } else {
        // The Latin run just before and just after a Han character.
        if let Some((token, _, _)) = i.checked_sub(1).and_then(latin_run) {
            out.push(hash(32, &[token]));
        }
        if let Some((token, _, _)) = latin_run(i + 1) {
            out.push(hash(33, &[token]));
        }
    }
    let company = cue_ahead(text, &sentence.company_cues, i);
    let org = cue_ahead(text, &sentence.org_cues, i);
    out.push(hash(16, &[company]));
    out.push(hash(17, &[org]));
    out.push(hash(18, &[company, c0]));
    if let Some((label, pos)) = hints.get(i).and_then(|h| h.lexicon) {
        out.push(hash(19, &[label as u32, pos as u32]));
        out.push(hash(20, &[label as u32]));
    }
    let prev = i.checked_sub(1).and_then(|j| hints.get(j)).and_then(|h| h.lexicon);
    if let Some((label, pos)) = prev {
        out.push(hash(21, &[label as u32, pos as u32]));
    }
    let next = hints.get(i + 1).and_then(|h| h.lexicon);
    if let Some((label, pos)) = next {
        out.push(hash(22, &[label as u32, pos as u32]));
    }
}

/// A span found by the tagger, in character indices.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedSpan {
    pub chars: Range<usize>,
    /// Index into [`LABELS`].
    pub label: usize,
    /// The lowest per-character marginal probability of the span's tags (0..=1), from a
    /// forward-backward pass over the same scores: a confidence, not a calibrated
    /// probability.
    pub confidence: f32,
}

/// An error reading a tagger asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggerError(pub String);

impl std::fmt::Display for TaggerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tagger asset: {}", self.0)
    }
}

impl std::error::Error for TaggerError {}

/// A trained tagger, ready to tag.
#[derive(Debug, Clone)]
pub struct Tagger {
    bits: u8,
    /// `2^bits × N_TAGS` emission weights, as integers of `scale`.
    weights: Vec<i16>,
    scale: f32,
    /// `(N_TAGS + 1) × N_TAGS`: row 0 is from the start, row `1 + t` from tag `t`.
    transitions: Vec<f32>,
}

impl Tagger {
    /// A tagger from dense weights (used by training and tests), quantised to integers
    /// in `-levels..=levels` (at most 32767).
    pub fn from_weights(bits: u8, weights: &[f32], transitions: Vec<f32>, levels: f32) -> Tagger {
        assert_eq!(weights.len(), (1usize << bits) * N_TAGS);
        assert_eq!(transitions.len(), (N_TAGS + 1) * N_TAGS);
        let levels = levels.clamp(1.0, 32767.0);
        let max = weights.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max == 0.0 { 1.0 } else { max / levels };
        let weights = weights.iter().map(|w| (w / scale).round() as i16).collect();
        Tagger { bits, weights, scale, transitions }
    }

    /// The tagger that ships with Huaxian. Decoding it takes about 11 ms natively
    /// (criterion `load/tagger_from_asset_bytes`), more in the page,
    /// so callers build it once (the app after first paint, the command line at start).
    pub fn builtin() -> Tagger {
        Tagger::from_bytes(BUILTIN_ASSET).expect("the built-in tagger asset is valid (tested)")
    }

    /// Reads an asset in the format described in the module documentation.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, TaggerError> {
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(bytes)
            .map_err(|e| TaggerError(format!("not a zlib stream ({e:?})")))?;
        let mut r = Reader { bytes: &raw, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(TaggerError("wrong magic (expected HXTG)".into()));
        }
        let version = r.take(1)?[0];
        if version != VERSION {
            return Err(TaggerError(format!("version {version}, this build reads {VERSION}")));
        }
        let bits = r.take(1)?[0];
        let n_tags = r.take(1)?[0] as usize;
        if n_tags != N_TAGS || !(8..=24).contains(&bits) {
            return Err(TaggerError(format!("{n_tags} tags and {bits} bits are not supported")));
        }
        let scale = r.f32()?;
        let mut transitions = Vec::with_capacity((N_TAGS + 1) * N_TAGS);
        for _ in 0..(N_TAGS + 1) * N_TAGS {
            transitions.push(r.f32()?);
        }
        let n_rows = u32::from_le_bytes(r.take(4)?.try_into().unwrap()) as usize;
        let size = 1usize << bits;
        let mut weights = vec![0i16; size * N_TAGS];
        let mut row = 0usize;
        for k in 0..n_rows {
            let gap = r.varint()? as usize;
            row = if k == 0 { gap } else { row + gap };
            if row >= size {
                return Err(TaggerError("row index out of range".into()));
            }
            for t in 0..N_TAGS {
                let z = r.varint()?;
                let v = ((z >> 1) as i64) ^ -((z & 1) as i64);
                weights[row * N_TAGS + t] = i16::try_from(v).map_err(|_| TaggerError("weight out of range".into()))?;
            }
        }
        if r.at != raw.len() {
            return Err(TaggerError("trailing bytes".into()));
        }
        Ok(Tagger { bits, weights, scale, transitions })
    }

    /// Writes the asset: rows that are all zero left out, then zlib at the highest level.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.push(self.bits);
        out.push(N_TAGS as u8);
        out.extend_from_slice(&self.scale.to_le_bytes());
        for t in &self.transitions {
            out.extend_from_slice(&t.to_le_bytes());
        }
        let mut rows = Vec::new();
        let mut n_rows = 0u32;
        let mut last = 0usize;
        for (row, w) in self.weights.chunks(N_TAGS).enumerate() {
            if w.iter().all(|&v| v == 0) {
                continue;
            }
            let gap = if n_rows == 0 { row } else { row - last };
            write_varint(&mut rows, gap as u64);
            for &v in w {
                let v = v as i64;
                write_varint(&mut rows, ((v << 1) ^ (v >> 63)) as u64);
            }
            last = row;
            n_rows += 1;
        }
        out.extend_from_slice(&n_rows.to_le_bytes());
        out.extend_from_slice(&rows);
        miniz_oxide::deflate::compress_to_vec_zlib(&out, 10)
    }

    pub fn bits(&self) -> u8 {
        self.bits
    }

    fn emissions(&self, text: &[char], hints: &[Hint]) -> Vec<[f32; N_TAGS]> {
        let mask = (1u32 << self.bits) - 1;
        let mut feats = Vec::with_capacity(48);
        let sentence = Sentence::new(text, hints);
        (0..text.len())
            .map(|i| {
                sentence.features(i, &mut feats);
                let mut sum = [0i32; N_TAGS];
                for &f in &feats {
                    let row = ((f & mask) as usize) * N_TAGS;
                    for (t, &w) in self.weights[row..row + N_TAGS].iter().enumerate() {
                        sum[t] += w as i32;
                    }
                }
                sum.map(|v| v as f32 * self.scale)
            })
            .collect()
    }

    fn transition(&self, from: Option<usize>, to: usize) -> f32 {
        self.transitions[from.map_or(0, |f| f + 1) * N_TAGS + to]
    }


    /// Tags `text` and returns its spans with their confidence.
    pub fn tag(&self, text: &[char], hints: &[Hint]) -> Vec<TaggedSpan> {
        if text.is_empty() {
            return Vec::new();
        }
        let em = self.emissions(text, hints);
        let trans = |f: Option<usize>, t: usize| if allowed(f, t) { self.transition(f, t) } else { f32::NEG_INFINITY };
        let tags = viterbi(&em, trans);
        if tags.iter().all(|&t| t == 0) {
            return Vec::new();
        }
        // Perceptron scores are large margins, not log-probabilities: soften them before
        // forward-backward so that the confidence spreads over 0..1.
        let t = temperature();
        let soft: Vec<[f32; N_TAGS]> = em.iter().map(|row| row.map(|v| v / t)).collect();
        let spans = spans_of(&tags);
        // Only the spans' characters need a marginal: backward scores before the first
        // span are never read.
        let first = spans.first().map_or(0, |(chars, _)| chars.start);
        let marginals = Marginals::new(&soft, |f, to| trans(f, to) / t, first);
        spans
            .into_iter()
            .map(|(chars, label)| {
                let confidence = chars.clone().map(|i| marginals.get(i, tags[i])).fold(1f32, f32::min);
                TaggedSpan { chars, label, confidence }
            })
            .collect()
    }
}

/// The softening of [`Tagger::tag`]'s confidence, chosen on CLUENER's validation split
/// (4, 8 and 16 tried; 8 spreads confidences best).
fn temperature() -> f32 {
    8.0
}

/// The spans of a BIO tag sequence (an I without its B starts a span).
pub fn spans_of(tags: &[usize]) -> Vec<(Range<usize>, usize)> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        match tag_parts(t) {
            Some((label, false)) if open.is_some_and(|(_, l)| l == label) => {}
            Some((label, _)) => {
                if let Some((s, l)) = open.take() {
                    spans.push((s..i, l));
                }
                open = Some((i, label));
            }
            None => {
                if let Some((s, l)) = open.take() {
                    spans.push((s..i, l));
                }
            }
        }
    }
    if let Some((s, l)) = open {
        spans.push((s..tags.len(), l));
    }
    spans
}

/// Viterbi over emission rows and a transition function (start is `from = None`).
pub fn viterbi(em: &[[f32; N_TAGS]], trans: impl Fn(Option<usize>, usize) -> f32) -> Vec<usize> {
    let n = em.len();
    if n == 0 {
        return Vec::new();
    }
    let mut score = [0f32; N_TAGS];
    for t in 0..N_TAGS {
        score[t] = trans(None, t) + em[0][t];
    }
    let mut back = vec![[0u8; N_TAGS]; n];
    let mut table = [[0f32; N_TAGS]; N_TAGS];
    for (f, row) in table.iter_mut().enumerate() {
        for (t, v) in row.iter_mut().enumerate() {
            *v = trans(Some(f), t);
        }
    }
    for i in 1..n {
        let mut next = [f32::NEG_INFINITY; N_TAGS];
        for t in 0..N_TAGS {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0u8;
            for f in 0..N_TAGS {
                let s = score[f] + table[f][t];
                if s > best {
                    best = s;
                    arg = f as u8;
                }
            }
            next[t] = best + em[i][t];
            back[i][t] = arg;
        }
        score = next;
    }
    let mut last = 0;
    for t in 1..N_TAGS {
        if score[t] > score[last] {
            last = t;
        }
    }
    let mut tags = vec![0usize; n];
    tags[n - 1] = last;
    for i in (1..n).rev() {
        tags[i - 1] = back[i][tags[i]] as usize;
    }
    tags
}

/// Per-character tag marginals from forward-backward over the same scores, in log space,
/// for the positions from `from` on (see [`Marginals::new`]).
struct Marginals {
    alpha: Vec<[f32; N_TAGS]>,
    beta: Vec<[f32; N_TAGS]>,
    z: f32,
    from: usize,
}

impl Marginals {
    /// The marginals are those of the whole sequence, but only positions `from..` can be
    /// read: the forward pass runs over every position (the normaliser needs its end), the
    /// backward pass stops at `from`, as its scores at `i` depend only on those after `i`.
    ///
    /// With finite scores, every figure is the one a plain log-space forward-backward gives,
    /// to the bit (tested against one): a
    /// transition scored `-inf` (those BIO forbids) adds a term `exp(-inf) = 0` to a sum
    /// that already holds the largest term, and never raises a maximum, so such terms are
    /// left out of the sums (and their `exp` calls); and the largest term,
    /// `exp(0)`, is 1 without calling `exp`.
    fn new(em: &[[f32; N_TAGS]], trans: impl Fn(Option<usize>, usize) -> f32, from: usize) -> Marginals {
        let n = em.len();
        let mut table = [[0f32; N_TAGS]; N_TAGS];
        for (f, row) in table.iter_mut().enumerate() {
            for (t, v) in row.iter_mut().enumerate() {
                *v = trans(Some(f), t);
            }
        }
        // For each tag, the tags that may precede it; for each tag, those that may follow.
        let mut before = [[0usize; N_TAGS]; N_TAGS];
        let mut n_before = [0usize; N_TAGS];
        let mut after = [[0usize; N_TAGS]; N_TAGS];
        let mut n_after = [0usize; N_TAGS];
        for f in 0..N_TAGS {
            for t in 0..N_TAGS {
                if table[f][t] != f32::NEG_INFINITY {
                    before[t][n_before[t]] = f;
                    n_before[t] += 1;
                    after[f][n_after[f]] = t;
                    n_after[f] += 1;
                }
            }
        }
        let lse = |xs: &[f32]| {
            // `f32::max` without its NaN handling: no score is NaN.
            let m = xs.iter().fold(f32::NEG_INFINITY, |m, &x| if x > m { x } else { m });
            if m == f32::NEG_INFINITY { m } else { m + xs.iter().map(|&x| if x == m { 1.0 } else { (x - m).exp() }).sum::<f32>().ln() }
        };
        let mut alpha = vec![[0f32; N_TAGS]; n];
        for t in 0..N_TAGS {
            alpha[0][t] = trans(None, t) + em[0][t];
        }
        let mut buf = [0f32; N_TAGS];
        for i in 1..n {
            for t in 0..N_TAGS {
                let froms = &before[t][..n_before[t]];
                for (k, &f) in froms.iter().enumerate() {
                    buf[k] = alpha[i - 1][f] + table[f][t];
                }
                alpha[i][t] = lse(&buf[..froms.len()]) + em[i][t];
            }
        }
        let mut beta = vec![[0f32; N_TAGS]; n];
        for i in (from..n.saturating_sub(1)).rev() {
            for f in 0..N_TAGS {
                let tos = &after[f][..n_after[f]];
                for (k, &t) in tos.iter().enumerate() {
                    buf[k] = table[f][t] + em[i + 1][t] + beta[i + 1][t];
                }
                beta[i][f] = lse(&buf[..tos.len()]);
            }
        }
        let z = lse(&alpha[n - 1]);
        Marginals { alpha, beta, z, from }
    }

    /// The marginal probability of tag `t` at position `i` (at least `from`).
    fn get(&self, i: usize, t: usize) -> f32 {
        debug_assert!(i >= self.from, "backward scores before {} were not computed", self.from);
        (self.alpha[i][t] + self.beta[i][t] - self.z).exp()
    }
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TaggerError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| TaggerError("truncated".into()))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn f32(&mut self) -> Result<f32, TaggerError> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }

    fn varint(&mut self) -> Result<u64, TaggerError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= ((b & 0x7F) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(TaggerError("varint too long".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bio_spans_and_constraints() {
        // O B-COMPANY I-COMPANY O B-PERSON I-PERSON
        let tags = [0, 1, 2, 0, 5, 6];
        assert_eq!(spans_of(&tags), vec![(1..3, 0), (4..6, 2)]);
        assert!(!allowed(None, tag_i(0)));
        assert!(!allowed(Some(tag_b(1)), tag_i(0)));
        assert!(allowed(Some(tag_b(0)), tag_i(0)));
    }

    #[test]
    fn asset_round_trips_through_bytes() {
        let bits = 8;
        let weights: Vec<f32> = (0..(1usize << bits) * N_TAGS).map(|i| ((i * 7919) % 13) as f32 - 6.0).collect();
        let transitions: Vec<f32> = (0..(N_TAGS + 1) * N_TAGS).map(|i| i as f32 * 0.5).collect();
        let tagger = Tagger::from_weights(bits, &weights, transitions.clone(), 6.0);
        let back = Tagger::from_bytes(&tagger.to_bytes()).unwrap();
        assert_eq!(back.weights.iter().map(|&w| w as f32).collect::<Vec<_>>(), weights);
        assert_eq!(back.transitions, transitions);
        assert!(Tagger::from_bytes(b"not zlib").is_err());
    }

    /// The forward-backward as first written: every transition in every sum, `exp` for
    /// every term, marginals of every position.
    fn reference_marginals(em: &[[f32; N_TAGS]], trans: impl Fn(Option<usize>, usize) -> f32) -> Vec<[f32; N_TAGS]> {
        let n = em.len();
        let mut table = [[0f32; N_TAGS]; N_TAGS];
        for (f, row) in table.iter_mut().enumerate() {
            for (t, v) in row.iter_mut().enumerate() {
                *v = trans(Some(f), t);
            }
        }
        let lse = |xs: &[f32]| {
            let m = xs.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
            if m == f32::NEG_INFINITY { m } else { m + xs.iter().map(|x| (x - m).exp()).sum::<f32>().ln() }
        };
        let mut alpha = vec![[0f32; N_TAGS]; n];
        for t in 0..N_TAGS {
            alpha[0][t] = trans(None, t) + em[0][t];
        }
        let mut buf = [0f32; N_TAGS];
        for i in 1..n {
            for t in 0..N_TAGS {
                for f in 0..N_TAGS {
                    buf[f] = alpha[i - 1][f] + table[f][t];
                }
                alpha[i][t] = lse(&buf) + em[i][t];
            }
        }
        let mut beta = vec![[0f32; N_TAGS]; n];
        for i in (0..n.saturating_sub(1)).rev() {
            for f in 0..N_TAGS {
                for t in 0..N_TAGS {
                    buf[t] = table[f][t] + em[i + 1][t] + beta[i + 1][t];
                }
                beta[i][f] = lse(&buf);
            }
        }
        let z = lse(&alpha[n - 1]);
        (0..n).map(|i| std::array::from_fn(|t| (alpha[i][t] + beta[i][t] - z).exp())).collect()
    }

    fn builtin() -> &'static Tagger {
        static TAGGER: std::sync::OnceLock<Tagger> = std::sync::OnceLock::new();
        TAGGER.get_or_init(Tagger::builtin)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// The pruned forward-backward gives the plain one's marginals to the bit, so the
        /// confidences (and what the thresholds keep) cannot move.
        #[test]
        fn marginals_match_the_plain_forward_backward_to_the_bit(
            rows in proptest::collection::vec(proptest::array::uniform9(-40f32..40f32), 1..60),
            from_frac in 0f64..1.0,
        ) {
            let tagger = builtin();
            let t = temperature();
            let trans = |f: Option<usize>, to: usize| if allowed(f, to) { tagger.transition(f, to) / t } else { f32::NEG_INFINITY };
            let from = ((rows.len() as f64) * from_frac) as usize;
            let fast = Marginals::new(&rows, trans, from);
            let plain = reference_marginals(&rows, trans);
            for (i, row) in plain.iter().enumerate().skip(from) {
                for (tag, p) in row.iter().enumerate() {
                    proptest::prop_assert_eq!(fast.get(i, tag).to_bits(), p.to_bits(), "position {} tag {}", i, tag);
                }
            }
        }
    }

    #[test]
    fn latin_runs_and_cue_starts() {
        let text: Vec<char> = "据Unity中国3M公司，ＥＡ与A集团有限".chars().collect();
        let runs = latin_runs(&text);
        let pos: Vec<Option<u32>> = runs.iter().map(|r| r.map(|(_, p, _)| p)).collect();
        // 据 U n i t y 中 国 3 M 公 司 ， Ｅ Ａ 与 A 集 团 有 限
        assert_eq!(pos, vec![None, Some(0), Some(1), Some(1), Some(1), Some(2), None, None, Some(0), Some(2), None, None, None, Some(0), Some(2), None, Some(3), None, None, None, None]);
        assert_eq!(runs[1].unwrap().0, runs[5].unwrap().0);
        assert_eq!(runs[1].unwrap().2, 5);
        assert_ne!(runs[1].unwrap().0, runs[8].unwrap().0);
        let company = cue_starts(&text, company_cues());
        let at: Vec<usize> = (0..text.len()).filter(|&i| company[i]).collect();
        assert_eq!(at, vec![10, 17, 19]); // 公司, 集团, 有限
    }

    #[test]
    fn builtin_asset_loads_and_finds_a_company() {
        let tagger = Tagger::builtin();
        let text: Vec<char> = "浙江青禾数据科技有限公司今天发布了新产品。".chars().collect();
        let hints = vec![Hint::default(); text.len()];
        let spans = tagger.tag(&text, &hints);
        assert!(spans.iter().any(|s| s.label == 0), "{spans:?}");
        for s in &spans {
            assert!((0.0..=1.0001).contains(&s.confidence));
        }
    }
}
