//! Several files as one ZIP archive, for a download of a many-file export.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::OutputFile;

/// Packs `files` into a ZIP archive (deflated, dated 1980-01-01 so that the same files
/// always give the same bytes: the core reads no clock).
pub fn zip(files: &[OutputFile]) -> Vec<u8> {
    let mut zipper = Zipper::new();
    for f in files {
        zipper.add(f);
    }
    zipper.finish()
}

/// A ZIP archive written one file at a time, so the page can show its progress and
/// paint between files.
pub struct Zipper {
    writer: ZipWriter<Cursor<Vec<u8>>>,
}

impl Default for Zipper {
    fn default() -> Zipper {
        Zipper::new()
    }
}

impl Zipper {
    pub fn new() -> Zipper {
        Zipper { writer: ZipWriter::new(Cursor::new(Vec::new())) }
    }

    pub fn add(&mut self, file: &OutputFile) {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644);
        // Writing into memory fails only on a duplicate name; the exports never repeat one.
        self.writer.start_file(file.name.as_str(), options).expect("a new file name");
        self.writer.write_all(&file.bytes).expect("writing into memory");
    }

    pub fn finish(self) -> Vec<u8> {
        self.writer.finish().expect("writing into memory").into_inner()
    }
}
