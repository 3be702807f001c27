//! `huaxian`: the command line over the same core as the app, for batch runs.
//!
//! Errors about one file are one line on stderr; the other files are still processed and
//! the exit code is non-zero if any file failed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod eval;
mod lexicon;

use clap::{Parser, Subcommand, ValueEnum};
use huaxian_core::export::Export;
use huaxian_core::labels::default_labels;
use huaxian_core::recognize::tagger::Tagger;
use huaxian_core::recognize::Recognizer;

mod convert;

#[derive(Parser)]
#[command(name = "huaxian", version, about = "Huaxian (划线): find and export named entities in articles")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest articles, highlight their entities and print the Huaxian export (offsets in code points).
    Annotate {
        /// HTML, Markdown or text files, in any common encoding.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// json: one pretty export for a single file; jsonl: one export per line.
        /// Several files are always printed as JSON lines.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Also print what ingestion repaired, dropped or guessed, on stderr.
        #[arg(long, short)]
        verbose: bool,
        /// A lexicon of your own (.tsv, .csv or .json; repeatable), checked before the
        /// built-in entries.
        #[arg(long)]
        lexicon: Vec<PathBuf>,
    },
    /// Export articles or Huaxian exports to a dataset format (doccano, Label Studio, spaCy, brat, IOB2...).
    Export(convert::ExportArgs),
    /// Import dataset files and print them as Huaxian JSON lines, ready to continue.
    Import(convert::ImportArgs),
    /// Score recognition against a gold file: exact-span precision, recall and F1 per label.
    Eval(eval::EvalArgs),
    /// Print the lexicon (built-in and imported entries) as TSV, CSV or JSON.
    Lexicon(lexicon::LexiconArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Jsonl,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Annotate { files, format, verbose, lexicon } => annotate(&files, format, verbose, &lexicon),
        Command::Export(args) => convert::export(args),
        Command::Import(args) => convert::import(args),
        Command::Eval(args) => eval::eval(&args),
        Command::Lexicon(args) => lexicon::lexicon(&args),
    }
}

fn annotate(files: &[PathBuf], format: Format, verbose: bool, lexicon: &[PathBuf]) -> ExitCode {
    let recognizer = match lexicon::in_use(lexicon) {
        Ok(lexicon) => Recognizer::new(lexicon).with_tagger(Tagger::builtin()),
        Err(e) => {
            eprintln!("huaxian: {e}");
            return ExitCode::FAILURE;
        }
    };
    let labels = default_labels();
    let pretty = format == Format::Json && files.len() == 1;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    for path in files {
        match annotate_one(path, &recognizer, &labels, verbose) {
            Ok(export) => {
                let text = if pretty { export.to_json_pretty() } else { export.to_json_line() };
                if writeln!(out, "{text}").is_err() {
                    // stdout closed (e.g. piped into `head`): nothing more to say.
                    return ExitCode::FAILURE;
                }
            }
            Err(message) => {
                eprintln!("huaxian: {}: {message}", path.display());
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn annotate_one(
    path: &Path,
    recognizer: &Recognizer,
    labels: &[huaxian_core::LabelDef],
    verbose: bool,
) -> Result<Export, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {}", io_reason(&e)))?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let doc = huaxian_core::ingest(&bytes, &name).map_err(|e| e.to_string())?;
    if verbose {
        eprintln!("huaxian: {}: decoded as {} ({:?})", path.display(), doc.encoding.name, doc.encoding.source);
        for d in &doc.diagnostics {
            eprintln!("huaxian: {}: {}", path.display(), d.message);
        }
    }
    let entities = recognizer.recognize(&doc);
    Ok(Export::new(&doc, labels, &entities))
}

/// The OS error without Rust's "(os error 2)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}
