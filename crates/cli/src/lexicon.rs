//! `huaxian lexicon`: print the built-in lexicon, with any imported entries, as TSV, CSV
//! or JSON (the forms are documented in `huaxian_core::recognize::lexicon`). Converting a
//! file: `huaxian lexicon --no-builtin --import mine.csv --format json`.

use std::path::PathBuf;
use std::process::ExitCode;

use huaxian_core::recognize::lexicon::{Lexicon, LexiconFormat};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Form {
    Tsv,
    Csv,
    Json,
}

/// Options of `huaxian lexicon`.
#[derive(clap::Args)]
pub struct LexiconArgs {
    /// The form to print.
    #[arg(long, value_enum, default_value_t = Form::Tsv)]
    pub format: Form,
    /// Lexicon files to add (.tsv, .csv or .json), checked line by line.
    #[arg(long)]
    pub import: Vec<PathBuf>,
    /// Leave the built-in entries out.
    #[arg(long)]
    pub no_builtin: bool,
}

pub fn lexicon(args: &LexiconArgs) -> ExitCode {
    let mut lexicon = if args.no_builtin { Lexicon::new(Vec::new()) } else { Lexicon::builtin() };
    for path in &args.import {
        let name = path.display().to_string();
        let Some(format) = LexiconFormat::from_file_name(&name) else {
            eprintln!("huaxian lexicon: {name}: expected a .tsv, .csv or .json file");
            return ExitCode::FAILURE;
        };
        let parsed = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|text| Lexicon::parse(&text, format).map_err(|e| e.to_string()));
        match parsed {
            Ok(extra) => lexicon = lexicon.extended(&extra),
            Err(e) => {
                eprintln!("huaxian lexicon: {name}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let format = match args.format {
        Form::Tsv => LexiconFormat::Tsv,
        Form::Csv => LexiconFormat::Csv,
        Form::Json => LexiconFormat::Json,
    };
    print!("{}", lexicon.write(format));
    ExitCode::SUCCESS
}
