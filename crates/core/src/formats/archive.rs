//! Several files as one ZIP archive, for a download of a many-file export.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::OutputFile;

/// Packs `files` into a ZIP archive (deflated, dated 1980-01-01 so that the same files
/// always give the same bytes: the core reads no clock).
pub fn zip(files: &[OutputFile]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    for f in files {
        // Writing into memory fails only on a duplicate name; the exports never repeat one.
        writer.start_file(f.name.as_str(), options).expect("a new file name");
        writer.write_all(&f.bytes).expect("writing into memory");
    }
    writer.finish().expect("writing into memory").into_inner()
}
