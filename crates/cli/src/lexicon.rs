//! `huaxian lexicon`: print the built-in lexicon, with any imported entries, as TSV, CSV
//! or JSON (the forms are documented in `huaxian_core::recognize::lexicon`). Converting a
//! file: `huaxian lexicon --no-builtin --import mine.csv --format json`.

use std::path::PathBuf;
use std::process::ExitCode;

use huaxian_core::recognize::lexicon::{Lexicon, LexiconEntry, LexiconFormat};

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
    /// Lexicon files to add (.tsv, .csv or .json), checked line by line; their entries come
    /// first, as recognition checks them first.
    #[arg(long)]
    pub import: Vec<PathBuf>,
    /// Leave the built-in entries out.
    #[arg(long)]
    pub no_builtin: bool,
}

/// The entries of these lexicon files, in the order given.
pub fn load(paths: &[PathBuf]) -> Result<Vec<LexiconEntry>, String> {
    let mut all = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
        all.extend(Lexicon::read_file(&name, &text)?);
    }
    Ok(all)
}

/// What recognition uses: the imported entries first, then the built-in ones.
pub fn in_use(paths: &[PathBuf]) -> Result<Lexicon, String> {
    load(paths).map(|imported| Lexicon::builtin_with(&imported))
}

pub fn lexicon(args: &LexiconArgs) -> ExitCode {
    let lexicon = if args.no_builtin { load(&args.import).map(Lexicon::new) } else { in_use(&args.import) };
    let lexicon = match lexicon {
        Ok(lexicon) => lexicon,
        Err(e) => {
            eprintln!("huaxian lexicon: {e}");
            return ExitCode::FAILURE;
        }
    };
    let format = match args.format {
        Form::Tsv => LexiconFormat::Tsv,
        Form::Csv => LexiconFormat::Csv,
        Form::Json => LexiconFormat::Json,
    };
    print!("{}", lexicon.write(format));
    ExitCode::SUCCESS
}
