//! Bytes to text: refuse what is not text, then decide the encoding by BOM, then the
//! declared charset, then detection (`chardetng`), and record which it was.

use encoding_rs::{Encoding, UTF_8};

use super::IngestError;
use crate::document::{Diagnostic, EncodingInfo, EncodingSource};

/// Well-known binary formats, by their leading bytes, so the error can name what the
/// file looks like.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"\0asm", "a WebAssembly module"),
    (b"RIFF", "a RIFF media file (WAV, AVI or WebP)"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"SQLite format 3\0", "an SQLite database"),
];

/// Refuses input that is not text at all, naming what it looks like.
pub(super) fn refuse_binary(bytes: &[u8]) -> Result<(), IngestError> {
    for (magic, what) in SIGNATURES {
        if bytes.starts_with(magic) {
            return Err(IngestError::NotText { looks_like: (*what).to_string() });
        }
    }
    if bytes.len() >= 4 && &bytes[4..bytes.len().min(12)] == b"ftyp" {
        return Err(IngestError::NotText { looks_like: "an MP4 or QuickTime video".into() });
    }
    // UTF-16 text legitimately holds NUL bytes; it is recognised by its BOM first.
    if Encoding::for_bom(bytes).is_some() {
        return Ok(());
    }
    let head = &bytes[..bytes.len().min(4096)];
    let controls = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)))
        .count();
    if head.contains(&0) || controls * 20 > head.len().max(1) {
        return Err(IngestError::NotText { looks_like: "binary data".into() });
    }
    Ok(())
}

/// Decodes `bytes` (without front matter handling: the whole input).
pub(super) fn decode(
    bytes: &[u8],
    html: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> (String, EncodingInfo) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let text = decode_with(encoding, &bytes[bom_len..], diagnostics);
        return (text, info(encoding, EncodingSource::Bom));
    }
    if html {
        if let Some(label) = declared_charset(bytes) {
            match Encoding::for_label(label.as_bytes()) {
                // A page cannot truthfully declare UTF-16 in ASCII bytes; browsers treat
                // such a declaration as UTF-8, and so do we.
                Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
                    diagnostics.push(Diagnostic::new(format!(
                        "declared {label} without a byte order mark; read as UTF-8"
                    )));
                }
                Some(enc) if enc == UTF_8 && std::str::from_utf8(bytes).is_err() => {
                    diagnostics.push(Diagnostic::new(
                        "declared UTF-8 but the bytes are not valid UTF-8; detecting the encoding instead",
                    ));
                }
                Some(enc) => {
                    if !enc.name().eq_ignore_ascii_case(&label) {
                        diagnostics.push(Diagnostic::new(format!(
                            "declared {label}, decoded as {}",
                            enc.name()
                        )));
                    }
                    let text = decode_with(enc, bytes, diagnostics);
                    return (text, info(enc, EncodingSource::Declared));
                }
                None => diagnostics.push(Diagnostic::new(format!(
                    "declared an unknown charset {label:?}; detecting the encoding instead"
                ))),
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), info(UTF_8, EncodingSource::Detected));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    diagnostics.push(Diagnostic::new(format!(
        "no byte order mark or declared charset, and not UTF-8; detected {}",
        encoding.name()
    )));
    let text = decode_with(encoding, bytes, diagnostics);
    (text, info(encoding, EncodingSource::Detected))
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> String {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{fffd}').count();
        diagnostics.push(Diagnostic::new(format!(
            "{bad} byte sequence(s) were not valid {} and were replaced with �",
            encoding.name()
        )));
    }
    text.into_owned()
}

fn info(encoding: &'static Encoding, source: EncodingSource) -> EncodingInfo {
    EncodingInfo { name: encoding.name().to_string(), source }
}

/// The charset a page declares in its first 1024 bytes, as the HTML standard's prescan
/// looks for it: `<meta charset=...>` or `<meta http-equiv=content-type content="...;
/// charset=...">`. This is a deliberately small scan over ASCII, not an HTML parser: the
/// real parse happens after decoding, with html5ever.
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let tag_start = from + pos;
        let tag_end = lower[tag_start..].iter().position(|&b| b == b'>').map_or(lower.len(), |e| tag_start + e);
        let tag = &lower[tag_start..tag_end];
        if let Some(at) = find(tag, b"charset") {
            let rest = &tag[at + b"charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
                let len = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b'/' | b'>') || b.is_ascii_whitespace())
                    .unwrap_or(rest.len());
                if len > 0 {
                    return Some(String::from_utf8_lossy(&rest[..len]).into_owned());
                }
            }
        }
        from = tag_end;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_meta_charset_in_either_form() {
        assert_eq!(declared_charset(b"<html><meta charset=\"gb2312\">").as_deref(), Some("gb2312"));
        assert_eq!(
            declared_charset(b"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=GBK\">").as_deref(),
            Some("gbk")
        );
        assert_eq!(declared_charset(b"<p>charset=utf-8 in text</p>"), None);
    }

    #[test]
    fn names_binary_formats() {
        let err = refuse_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err();
        assert!(err.to_string().contains("PNG"), "{err}");
        assert!(refuse_binary(b"%PDF-1.7").unwrap_err().to_string().contains("PDF"));
        assert!(refuse_binary(&[1, 2, 3, 0, 5, 6, 7]).unwrap_err().to_string().contains("binary"));
        assert!(refuse_binary("纯文本".as_bytes()).is_ok());
    }
}
