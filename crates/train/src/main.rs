//! `huaxian-train`: learns the weights of Huaxian's character tagger
//! ([`huaxian_core::recognize::tagger`]) with an averaged structured perceptron and writes
//! the asset the core embeds.
//!
//! ```text
//! cargo run -p huaxian-train --profile fast
//! ```
//! (run from the repository root; the defaults are `--data ../shared/data --out
//! crates/core/data/tagger.bin --epochs 12 --bits 18 --levels 127`, the settings of the
//! shipped asset, chosen on CLUENER's validation split). Same data, same bytes.
//!
//! Training data (never an evaluation split): `cluener/train.jsonl` and
//! `weibo/weiboNER_2nd_conll.train`. `--validate FILE` (CLUENER JSON lines) prints the
//! tagger's own scores after each epoch, to choose settings; it never changes the weights.
//! Deterministic: the sentence order of each epoch comes from a fixed-seed xorshift.

use std::path::PathBuf;
use std::time::Instant;

use huaxian_core::gold::{parse_bio_columns, parse_cluener, GoldSentence, Scores, CLUENER_LABELS};
use huaxian_core::recognize::lexicon::Lexicon;
use huaxian_core::recognize::tagger::{self, allowed, tag_b, tag_i, viterbi, Sentence, Tagger, LABELS, N_TAGS};

struct Args {
    data: PathBuf,
    out: PathBuf,
    epochs: usize,
    bits: u8,
    levels: f32,
    validate: Option<PathBuf>,
    weibo: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        data: PathBuf::from("../shared/data"),
        out: PathBuf::from("crates/core/data/tagger.bin"),
        epochs: 12,
        bits: 18,
        levels: 127.0,
        validate: None,
        weibo: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--data" => args.data = value()?.into(),
            "--out" => args.out = value()?.into(),
            "--epochs" => args.epochs = value()?.parse().map_err(|e| format!("--epochs: {e}"))?,
            "--bits" => args.bits = value()?.parse().map_err(|e| format!("--bits: {e}"))?,
            "--levels" => args.levels = value()?.parse().map_err(|e| format!("--levels: {e}"))?,
            "--validate" => args.validate = Some(value()?.into()),
            "--no-weibo" => args.weibo = false,
            "-h" | "--help" => {
                println!("huaxian-train [--data DIR] [--out FILE] [--epochs N] [--bits B] [--levels L] [--validate CLUENER.jsonl] [--no-weibo]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn read(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e} (is ../shared/data there?)", path.display()))
}

/// A sentence ready for training: its features per character and its gold tags.
struct Example {
    feats: Vec<Vec<u32>>,
    tags: Vec<usize>,
}

fn example(s: &GoldSentence, lexicon: &Lexicon, mask: u32) -> Example {
    let chars: Vec<char> = s.text.chars().collect();
    let hints = tagger::hints(&s.text, lexicon);
    let mut tags = vec![0usize; chars.len()];
    for (r, label) in &s.spans {
        let Some(k) = LABELS.iter().position(|l| l == label) else { continue };
        // Nested or overlapping gold spans (rare): the first one written wins.
        if tags[r.clone()].iter().any(|&t| t != 0) {
            continue;
        }
        tags[r.start] = tag_b(k);
        for t in &mut tags[r.start + 1..r.end] {
            *t = tag_i(k);
        }
    }
    let mut buf = Vec::new();
    let sentence = Sentence::new(&chars, &hints);
    let feats = (0..chars.len())
        .map(|i| {
            sentence.features(i, &mut buf);
            buf.iter().map(|f| f & mask).collect()
        })
        .collect();
    Example { feats, tags }
}

struct Perceptron {
    w: Vec<f32>,
    /// Sum over updates of (step × delta): the lazy-averaging accumulator.
    u: Vec<f32>,
    tw: Vec<f32>,
    tu: Vec<f32>,
    step: f32,
}

impl Perceptron {
    fn emissions(&self, ex: &Example) -> Vec<[f32; N_TAGS]> {
        ex.feats
            .iter()
            .map(|fs| {
                let mut e = [0f32; N_TAGS];
                for &f in fs {
                    let row = f as usize * N_TAGS;
                    for (e, w) in e.iter_mut().zip(&self.w[row..row + N_TAGS]) {
                        *e += w;
                    }
                }
                e
            })
            .collect()
    }

    fn trans_index(from: Option<usize>, to: usize) -> usize {
        from.map_or(0, |f| f + 1) * N_TAGS + to
    }

    fn train_one(&mut self, ex: &Example) {
        self.step += 1.0;
        if ex.tags.is_empty() {
            return;
        }
        let em = self.emissions(ex);
        let tw = &self.tw;
        let pred = viterbi(&em, |f, t| if allowed(f, t) { tw[Self::trans_index(f, t)] } else { f32::NEG_INFINITY });
        if pred == ex.tags {
            return;
        }
        let step = self.step;
        for i in 0..ex.tags.len() {
            let (g, p) = (ex.tags[i], pred[i]);
            if g != p {
                for &f in &ex.feats[i] {
                    let row = f as usize * N_TAGS;
                    self.w[row + g] += 1.0;
                    self.u[row + g] += step;
                    self.w[row + p] -= 1.0;
                    self.u[row + p] -= step;
                }
            }
            let (gf, pf) = if i == 0 { (None, None) } else { (Some(ex.tags[i - 1]), Some(pred[i - 1])) };
            if (gf, g) != (pf, p) {
                let gi = Self::trans_index(gf, g);
                let pi = Self::trans_index(pf, p);
                self.tw[gi] += 1.0;
                self.tu[gi] += step;
                self.tw[pi] -= 1.0;
                self.tu[pi] -= step;
            }
        }
    }

    fn averaged(&self) -> (Vec<f32>, Vec<f32>) {
        let c = self.step.max(1.0);
        let avg = |w: &[f32], u: &[f32]| w.iter().zip(u).map(|(w, u)| w - u / c).collect::<Vec<f32>>();
        (avg(&self.w, &self.u), avg(&self.tw, &self.tu))
    }
}

fn evaluate(tagger: &Tagger, sentences: &[GoldSentence], lexicon: &Lexicon) -> Scores {
    let mut scores = Scores::default();
    for s in sentences {
        let chars: Vec<char> = s.text.chars().collect();
        let hints = tagger::hints(&s.text, lexicon);
        let predicted: Vec<_> = tagger.tag(&chars, &hints).into_iter().map(|t| (t.chars, LABELS[t.label].to_string())).collect();
        scores.add(&s.spans, &predicted, &CLUENER_LABELS);
    }
    scores
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("huaxian-train: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("huaxian-train: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let lexicon = Lexicon::builtin();
    let mut sentences = parse_cluener(&read(&args.data.join("cluener/train.jsonl"))?).map_err(|e| format!("cluener/train.jsonl {e}"))?;
    let n_cluener = sentences.len();
    if args.weibo {
        let weibo = parse_bio_columns(&read(&args.data.join("weibo/weiboNER_2nd_conll.train"))?).map_err(|e| format!("weibo train {e}"))?;
        sentences.extend(weibo);
    }
    let validation = match &args.validate {
        Some(p) => Some(parse_cluener(&read(p)?).map_err(|e| format!("{} {e}", p.display()))?),
        None => None,
    };
    let mask = (1u32 << args.bits) - 1;
    let examples: Vec<Example> = sentences.iter().map(|s| example(s, &lexicon, mask)).collect();
    let n_chars: usize = examples.iter().map(|e| e.tags.len()).sum();
    eprintln!(
        "{} sentences ({} CLUENER train, {} Weibo train), {} characters; features ready in {:.1} s",
        examples.len(),
        n_cluener,
        examples.len() - n_cluener,
        n_chars,
        started.elapsed().as_secs_f64()
    );
    let size = (1usize << args.bits) * N_TAGS;
    let mut p = Perceptron {
        w: vec![0.0; size],
        u: vec![0.0; size],
        tw: vec![0.0; (N_TAGS + 1) * N_TAGS],
        tu: vec![0.0; (N_TAGS + 1) * N_TAGS],
        step: 0.0,
    };
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for epoch in 1..=args.epochs {
        // Fisher-Yates with xorshift64: the same order on every run.
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &k in &order {
            p.train_one(&examples[k]);
        }
        eprint!("epoch {epoch}: {:.1} s", started.elapsed().as_secs_f64());
        if let Some(v) = &validation {
            let (w, t) = p.averaged();
            let scores = evaluate(&Tagger::from_weights(args.bits, &w, t, args.levels), v, &lexicon);
            let c = scores.per_label["COMPANY"];
            eprint!("; validation COMPANY F1 {:.2}, micro F1 {:.2}", 100.0 * c.f1(), 100.0 * scores.micro().f1());
        }
        eprintln!();
    }
    let (w, t) = p.averaged();
    let bytes = Tagger::from_weights(args.bits, &w, t, args.levels).to_bytes();
    std::fs::write(&args.out, &bytes).map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    eprintln!(
        "wrote {} ({} bytes, zlib) in {:.1} s total",
        args.out.display(),
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(v) = &validation {
        let tagger = Tagger::from_bytes(&bytes).map_err(|e| e.to_string())?;
        eprintln!("quantised tagger on {}:\n{}", args.validate.as_ref().unwrap().display(), evaluate(&tagger, v, &lexicon).table(&CLUENER_LABELS));
    }
    Ok(())
}
