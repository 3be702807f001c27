//! `huaxian export` and `huaxian import`: dataset formats on the command line, over the
//! core's `formats` module (the same functions the app calls).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use huaxian_core::export::Export;
use huaxian_core::formats::{self, ExportOptions, Format, InputFile, OffsetUnit};
use huaxian_core::labels::default_labels;
use huaxian_core::recognize::Recognizer;

/// A format as the command line names it: the core's [`Format`], with its name and
/// description, so the list lives in one place.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FormatArg(Format);

static FORMAT_ARGS: std::sync::LazyLock<Vec<FormatArg>> =
    std::sync::LazyLock::new(|| Format::ALL.iter().map(|&f| FormatArg(f)).collect());

impl ValueEnum for FormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        FORMAT_ARGS.as_slice()
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let mut help = self.0.description().to_string();
        if !self.0.can_import() {
            help.push_str("; export only");
        }
        Some(clap::builder::PossibleValue::new(self.0.name()).help(help))
    }
}

impl FormatArg {
    fn core(self) -> Format {
        self.0
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OffsetArg {
    /// Unicode code points (Python, spaCy, brat, Label Studio)
    Codepoint,
    /// UTF-16 code units (JavaScript, the DOM)
    Utf16,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Articles (HTML, Markdown, text: ingested and highlighted as `annotate` does) or
    /// Huaxian exports (.json, .jsonl).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The format to write.
    #[arg(long, short, value_enum)]
    format: FormatArg,
    /// Also export machine suggestions; by default only accepted entities are exported.
    #[arg(long)]
    suggestions: bool,
    /// Rename a label on the way out, FROM=TO (repeat it or separate with commas),
    /// e.g. --label-map COMPANY=ORG.
    #[arg(long = "label-map", value_name = "FROM=TO", value_delimiter = ',')]
    label_map: Vec<String>,
    /// The unit of offsets, stated in the output where the format has room for it.
    #[arg(long, value_enum, default_value_t = OffsetArg::Codepoint)]
    offsets: OffsetArg,
    /// Where to write: a file, a folder (one that exists, or a path ending in /), or
    /// NAME.zip for one archive. Without it a one-file export goes to stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Also print what ingestion repaired, dropped or guessed, on stderr.
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Args)]
pub struct ImportArgs {
    /// Dataset files: Huaxian JSON/JSONL, doccano, Label Studio, spaCy JSONL, Prodigy,
    /// brat (.ann with its .txt beside it) or IOB2. Each is printed as Huaxian JSON lines.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The format of every file; by default guessed from each file's name and content.
    #[arg(long, short, value_enum)]
    format: Option<FormatArg>,
}

pub fn export(args: ExportArgs) -> ExitCode {
    let format = args.format.core();
    let mut options = ExportOptions {
        include_suggestions: args.suggestions,
        label_map: BTreeMap::new(),
        offset_unit: match args.offsets {
            OffsetArg::Codepoint => OffsetUnit::CodePoint,
            OffsetArg::Utf16 => OffsetUnit::Utf16,
        },
        name: None,
    };
    for pair in &args.label_map {
        match pair.split_once('=') {
            Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
                options.label_map.insert(from.trim().to_string(), to.trim().to_string());
            }
            _ => {
                eprintln!("huaxian: --label-map takes FROM=TO, not {pair:?}");
                return ExitCode::from(2);
            }
        }
    }
    let (docs, failed) = load_inputs(&args.files, args.verbose);
    if docs.is_empty() {
        return ExitCode::FAILURE;
    }
    let output = match formats::export(format, &docs, &options) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("huaxian: {e}");
            return ExitCode::FAILURE;
        }
    };
    let s = &output.summary;
    for d in &s.dropped {
        eprintln!("huaxian: warning: {d}");
    }
    for n in &s.notes {
        eprintln!("huaxian: note: {n}");
    }
    if s.suggestions_left_out > 0 {
        eprintln!(
            "huaxian: note: {} suggestions left out (only accepted entities are exported by default); pass --suggestions to include them",
            s.suggestions_left_out
        );
    }
    if let Err(message) = write_output(&output.files, args.out.as_deref()) {
        eprintln!("huaxian: {message}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "huaxian: {}: {} entities of {} documents in {} file(s){}",
        format,
        s.entities,
        s.documents,
        output.files.len(),
        if s.dropped.is_empty() { String::new() } else { format!(", {} dropped", s.dropped.len()) }
    );
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Articles go through ingest and recognition (as `annotate`); `.json` and `.jsonl` files
/// are read as Huaxian exports. A file that fails is one line on stderr.
fn load_inputs(files: &[PathBuf], verbose: bool) -> (Vec<Export>, bool) {
    let recognizer = Recognizer::builtin();
    let labels = default_labels();
    let mut docs = Vec::new();
    let mut failed = false;
    for path in files {
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
        let result = match ext.as_deref() {
            Some("json" | "jsonl") => read(path).and_then(|bytes| {
                let input = InputFile::new(path.display().to_string(), bytes);
                formats::import(&[input], Some(Format::HuaxianJsonl)).map_err(|e| e.to_string())
            }),
            _ => crate::annotate_one(path, &recognizer, &labels, verbose).map(|e| vec![e]).map_err(|m| format!("{}: {m}", path.display())),
        };
        match result {
            Ok(mut d) => docs.append(&mut d),
            Err(message) => {
                eprintln!("huaxian: {message}");
                failed = true;
            }
        }
    }
    (docs, failed)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: cannot read: {}", path.display(), crate::io_reason(&e)))
}

fn write_output(files: &[formats::OutputFile], out: Option<&Path>) -> Result<(), String> {
    let Some(out) = out else {
        return match files {
            [one] => {
                let mut stdout = std::io::stdout().lock();
                stdout.write_all(&one.bytes).and_then(|_| stdout.flush()).map_err(|e| format!("cannot write to stdout: {e}"))
            }
            _ => Err(format!(
                "this export is {} files ({}); pass --out FOLDER/ or --out NAME.zip",
                files.len(),
                files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
            )),
        };
    };
    let write = |path: &Path, bytes: &[u8]| std::fs::write(path, bytes).map_err(|e| format!("{}: cannot write: {}", path.display(), crate::io_reason(&e)));
    let as_str = out.to_string_lossy();
    if as_str.to_ascii_lowercase().ends_with(".zip") {
        return write(out, &formats::zip(files));
    }
    if files.len() > 1 || out.is_dir() || as_str.ends_with('/') {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: cannot create the folder: {}", out.display(), crate::io_reason(&e)))?;
        for f in files {
            write(&out.join(&f.name), &f.bytes)?;
        }
        return Ok(());
    }
    write(out, &files[0].bytes)
}

pub fn import(args: ImportArgs) -> ExitCode {
    let format = args.format.map(FormatArg::core);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    let mut done: Vec<PathBuf> = Vec::new();
    for path in &args.files {
        if done.contains(path) {
            continue;
        }
        // A brat document is two files: read the other half from beside it.
        let mut unit = vec![path.clone()];
        let is_brat = format == Some(Format::Brat) || format.is_none();
        if is_brat {
            match path.extension().and_then(|e| e.to_str()) {
                Some("ann") => unit.insert(0, path.with_extension("txt")),
                Some("txt") if path.with_extension("ann").is_file() => unit.push(path.with_extension("ann")),
                _ => {}
            }
        }
        done.extend(unit.iter().cloned());
        let mut inputs = Vec::new();
        for p in &unit {
            match read(p) {
                Ok(bytes) => inputs.push(InputFile::new(p.display().to_string(), bytes)),
                Err(m) if p != path && p.extension().is_some_and(|e| e == "txt") => {
                    eprintln!("huaxian: {}: brat annotations need their text: {m}", path.display());
                    failed = true;
                }
                Err(m) => {
                    eprintln!("huaxian: {m}");
                    failed = true;
                }
            }
        }
        if inputs.len() < unit.len() {
            continue;
        }
        match formats::import(&inputs, format) {
            Ok(docs) => {
                for d in docs {
                    if writeln!(out, "{}", d.to_json_line()).is_err() {
                        return ExitCode::FAILURE;
                    }
                }
            }
            Err(e) => {
                eprintln!("huaxian: {e}");
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_line_format_is_a_core_format() {
        let names: Vec<Format> = FormatArg::value_variants().iter().map(|f| f.core()).collect();
        assert_eq!(names, Format::ALL);
    }
}
