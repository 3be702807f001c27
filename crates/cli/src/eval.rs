//! `huaxian eval`: exact-span precision, recall and F1 per label against a gold file.
//!
//! Gold formats: CLUENER JSON lines (`.jsonl`/`.json`, end-inclusive code point spans),
//! BIO columns (one character and its tag per line, blank lines between sentences: People's
//! Daily, Weibo), or the MSRA layout (`--tags TAGS` beside a file of space-separated
//! characters). Only the labels the gold file annotates are scored: CLUENER's mapped four
//! (COMPANY, ORG, PERSON, LOC), or the labels that occur in a BIO file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use huaxian_core::gold::{parse_bio_columns, parse_bio_parallel, parse_cluener, GoldSentence, Scores, CLUENER_LABELS};
use huaxian_core::labels::default_labels;
use huaxian_core::offsets::TextMap;
use huaxian_core::recognize::tagger::Tagger;
use huaxian_core::recognize::Recognizer;

/// Options of `huaxian eval`.
#[derive(clap::Args)]
pub struct EvalArgs {
    /// The gold file: CLUENER JSON lines, BIO columns, or MSRA sentences (with --tags).
    pub gold: PathBuf,
    /// The tags file of the MSRA layout (one line of tags per line of GOLD).
    #[arg(long)]
    pub tags: Option<PathBuf>,
    /// Leave the statistical tagger out (lexicon, rules and propagation only).
    #[arg(long)]
    pub no_model: bool,
    /// Leave propagation out.
    #[arg(long)]
    pub no_propagate: bool,
    /// Drop model spans below this confidence (0 to 1).
    #[arg(long)]
    pub min_confidence: Option<f32>,
    /// Add the entries of this lexicon (.tsv, .csv or .json), checked before the built-in ones.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Print each missed and each wrong span of this label on stderr.
    #[arg(long, value_name = "LABEL")]
    pub show_errors: Option<String>,
    /// A tagger asset to use instead of the built-in one.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

pub fn eval(args: &EvalArgs) -> ExitCode {
    match run(args) {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("huaxian eval: {message}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

fn load_gold(args: &EvalArgs) -> Result<(Vec<GoldSentence>, Vec<String>), String> {
    let text = read(&args.gold)?;
    let name = args.gold.display().to_string();
    let cluener = matches!(args.gold.extension().and_then(|e| e.to_str()), Some("jsonl" | "json"));
    let sentences = if let Some(tags) = &args.tags {
        parse_bio_parallel(&text, &read(tags)?)
    } else if cluener {
        parse_cluener(&text)
    } else {
        parse_bio_columns(&text)
    }
    .map_err(|e| format!("{name}: {e}"))?;
    let labels: Vec<String> = if cluener && args.tags.is_none() {
        CLUENER_LABELS.iter().map(|l| l.to_string()).collect()
    } else {
        let mut seen: Vec<String> = Vec::new();
        for s in &sentences {
            for (_, l) in &s.spans {
                if !seen.contains(l) {
                    seen.push(l.clone());
                }
            }
        }
        seen
    };
    Ok((sentences, labels))
}

fn recognizer(args: &EvalArgs) -> Result<Recognizer, String> {
    let lexicon = crate::lexicon::in_use(args.lexicon.as_slice())?;
    let mut recognizer = Recognizer::new(lexicon);
    if !args.no_model {
        let tagger = match &args.model {
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
                Tagger::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => Tagger::builtin(),
        };
        recognizer = recognizer.with_tagger(tagger);
    }
    recognizer.config.propagate = !args.no_propagate;
    if let Some(c) = args.min_confidence {
        recognizer.config.min_model_confidence = c;
    }
    Ok(recognizer)
}

fn run(args: &EvalArgs) -> Result<String, String> {
    let (sentences, labels) = load_gold(args)?;
    let recognizer = recognizer(args)?;
    let scored: Vec<&str> = labels.iter().map(String::as_str).collect();
    let started = Instant::now();
    let mut scores = Scores::default();
    let mut n_chars = 0;
    for s in &sentences {
        let map = TextMap::new(&s.text);
        n_chars += map.len_chars();
        let char_of = |byte: usize| map.byte_to_char(&s.text, byte).expect("entities end on character boundaries");
        let predicted: Vec<_> =
            recognizer.recognize_text(&s.text).into_iter().map(|e| (char_of(e.range.start)..char_of(e.range.end), e.label)).collect();
        if let Some(label) = &args.show_errors {
            show_errors(s, &predicted, label);
        }
        scores.add(&s.spans, &predicted, &scored);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let order: Vec<String> = default_labels().into_iter().map(|l| l.name).collect();
    let order: Vec<&str> = order.iter().map(String::as_str).collect();
    let setup = match (recognizer.has_tagger(), recognizer.config.propagate) {
        (true, true) => "lexicon + rules + model + propagation",
        (true, false) => "lexicon + rules + model",
        (false, true) => "lexicon + rules + propagation",
        (false, false) => "lexicon + rules",
    };
    Ok(format!(
        "{}: {} sentences, {} characters; {setup}; exact spans, F1 in percent; {:.2} s\n{}",
        args.gold.display(),
        sentences.len(),
        n_chars,
        elapsed,
        scores.table(&order)
    ))
}

fn show_errors(s: &GoldSentence, predicted: &[(std::ops::Range<usize>, String)], label: &str) {
    let chars: Vec<char> = s.text.chars().collect();
    let text = |r: &std::ops::Range<usize>| chars[r.clone()].iter().collect::<String>();
    let of = |spans: &[(std::ops::Range<usize>, String)]| -> Vec<std::ops::Range<usize>> {
        spans.iter().filter(|(_, l)| l == label).map(|(r, _)| r.clone()).collect()
    };
    let (gold, pred) = (of(&s.spans), of(predicted));
    for g in gold.iter().filter(|g| !pred.contains(g)) {
        eprintln!("missed\t{}\t{}", text(g), s.text);
    }
    for p in pred.iter().filter(|p| !gold.contains(p)) {
        let other = s.spans.iter().find(|(r, _)| r == p).map_or("-", |(_, l)| l.as_str());
        eprintln!("wrong\t{}\t(gold: {other})\t{}", text(p), s.text);
    }
}
