//! Offsets in the three units Huaxian meets, and the conversions between them.
//!
//! * **Code points** are what every export states (what Python's `str` indexes).
//! * **UTF-16 code units** are what the DOM's `Range` and `Selection` count.
//! * **UTF-8 bytes** are how Rust slices a `&str`; they never leave the core.
//!
//! Plain Chinese agrees in code points and UTF-16; the two part after an emoji or an
//! astral character such as 𠮷. All conversions live here, with their own tests.
//!
//! [`TextMap`] keeps a checkpoint every [`STRIDE`] code points, so a conversion is a
//! lookup (code points → anything: O(1)) or a binary search (bytes or UTF-16 → anything:
//! O(log n)), followed by a scan of at most `STRIDE` characters. Memory is 12 bytes per
//! `STRIDE` characters, so a 50 MB article costs well under a megabyte of checkpoints.

/// Code points between two checkpoints.
pub const STRIDE: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Checkpoint {
    byte: u32,
    utf16: u32,
}

/// Offset maps over one fixed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMap {
    /// `checkpoints[i]` is the position of code point `i * STRIDE`.
    checkpoints: Vec<Checkpoint>,
    len_bytes: usize,
    len_chars: usize,
    len_utf16: usize,
}

impl TextMap {
    /// Builds the maps for `text`. Texts are limited to 4 GiB (offsets are stored as u32);
    /// ingestion refuses far smaller inputs long before that.
    pub fn new(text: &str) -> TextMap {
        let mut checkpoints = Vec::with_capacity(text.len() / STRIDE + 1);
        let (mut chars, mut utf16) = (0usize, 0usize);
        for (byte, ch) in text.char_indices() {
            if chars % STRIDE == 0 {
                checkpoints.push(Checkpoint { byte: byte as u32, utf16: utf16 as u32 });
            }
            chars += 1;
            utf16 += ch.len_utf16();
        }
        if chars % STRIDE == 0 {
            // A checkpoint for the end, so that `chars == len_chars` needs no special case.
            checkpoints.push(Checkpoint { byte: text.len() as u32, utf16: utf16 as u32 });
        }
        TextMap { checkpoints, len_bytes: text.len(), len_chars: chars, len_utf16: utf16 }
    }

    pub fn len_chars(&self) -> usize {
        self.len_chars
    }
    pub fn len_utf16(&self) -> usize {
        self.len_utf16
    }
    pub fn len_bytes(&self) -> usize {
        self.len_bytes
    }

    /// The byte offset of code point `cp`, or `None` past the end.
    pub fn char_to_byte(&self, text: &str, cp: usize) -> Option<usize> {
        self.from_char(text, cp).map(|(b, _)| b)
    }

    /// The UTF-16 offset of code point `cp`, or `None` past the end.
    pub fn char_to_utf16(&self, text: &str, cp: usize) -> Option<usize> {
        self.from_char(text, cp).map(|(_, u)| u)
    }

    /// The code point index at byte offset `byte`; `None` if it is not a char boundary.
    pub fn byte_to_char(&self, text: &str, byte: usize) -> Option<usize> {
        if byte > self.len_bytes || !text.is_char_boundary(byte) {
            return None;
        }
        let block = self.checkpoints.partition_point(|c| c.byte as usize <= byte) - 1;
        let start = self.checkpoints[block].byte as usize;
        Some(block * STRIDE + text[start..byte].chars().count())
    }

    /// The code point index at UTF-16 offset `unit`; `None` past the end or inside a
    /// surrogate pair.
    pub fn utf16_to_char(&self, text: &str, unit: usize) -> Option<usize> {
        if unit > self.len_utf16 {
            return None;
        }
        let block = self.checkpoints.partition_point(|c| c.utf16 as usize <= unit) - 1;
        let cp = &self.checkpoints[block];
        let mut at = cp.utf16 as usize;
        let mut chars = block * STRIDE;
        for ch in text[cp.byte as usize..].chars() {
            if at >= unit {
                break;
            }
            at += ch.len_utf16();
            chars += 1;
        }
        (at == unit).then_some(chars)
    }

    /// The byte offset at UTF-16 offset `unit`.
    pub fn utf16_to_byte(&self, text: &str, unit: usize) -> Option<usize> {
        self.utf16_to_char(text, unit).and_then(|c| self.char_to_byte(text, c))
    }

    /// The UTF-16 offset at byte offset `byte`.
    pub fn byte_to_utf16(&self, text: &str, byte: usize) -> Option<usize> {
        self.byte_to_char(text, byte).and_then(|c| self.char_to_utf16(text, c))
    }

    fn from_char(&self, text: &str, cp: usize) -> Option<(usize, usize)> {
        if cp > self.len_chars {
            return None;
        }
        let c = self.checkpoints[cp / STRIDE];
        let (mut byte, mut utf16) = (c.byte as usize, c.utf16 as usize);
        for ch in text[byte..].chars().take(cp % STRIDE) {
            byte += ch.len_utf8();
            utf16 += ch.len_utf16();
        }
        Some((byte, utf16))
    }
}

/// Code points in `s`: the length Python reports for the same string.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SAMPLE: &str = "🚀据悉，商汤绝影与Tesla、沐曦(MetaX)及Unity中国达成合作。";

    #[test]
    fn formats_md_example_agrees() {
        // The worked example of the formats note: 商汤绝影 is [4,8) in code points,
        // [5,9) in UTF-16 and [13,25) in bytes.
        let map = TextMap::new(SAMPLE);
        let start = SAMPLE.find("商汤绝影").unwrap();
        assert_eq!(start, 13);
        assert_eq!(map.byte_to_char(SAMPLE, 13), Some(4));
        assert_eq!(map.byte_to_char(SAMPLE, 25), Some(8));
        assert_eq!(map.char_to_utf16(SAMPLE, 4), Some(5));
        assert_eq!(map.char_to_utf16(SAMPLE, 8), Some(9));
        assert_eq!(map.utf16_to_char(SAMPLE, 5), Some(4));
        assert_eq!(map.utf16_to_byte(SAMPLE, 9), Some(25));
    }

    #[test]
    fn inside_a_surrogate_pair_or_a_char_is_none() {
        let text = "a𠮷b";
        let map = TextMap::new(text);
        assert_eq!(map.utf16_to_char(text, 2), None);
        assert_eq!(map.utf16_to_char(text, 3), Some(2));
        assert_eq!(map.byte_to_char(text, 2), None);
        assert_eq!(map.char_to_byte(text, 4), None);
    }

    fn tricky_text() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a", "Z", " ", "中", "国", "𠮷", "🚀", "👩‍💻", "\u{200d}", "\r\n", "\n", "\u{a0}", "é",
            "e\u{301}", "💡", "。",
        ]);
        prop::collection::vec(atoms, 0..400).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn conversions_agree_with_a_naive_scan(text in tricky_text()) {
            let map = TextMap::new(&text);
            let mut utf16 = 0;
            let mut chars = 0;
            for (byte, ch) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                prop_assert_eq!(map.char_to_byte(&text, chars), Some(byte));
                prop_assert_eq!(map.char_to_utf16(&text, chars), Some(utf16));
                prop_assert_eq!(map.byte_to_char(&text, byte), Some(chars));
                prop_assert_eq!(map.utf16_to_char(&text, utf16), Some(chars));
                prop_assert_eq!(map.utf16_to_byte(&text, utf16), Some(byte));
                prop_assert_eq!(map.byte_to_utf16(&text, byte), Some(utf16));
                chars += 1;
                utf16 += ch.len_utf16();
            }
            prop_assert_eq!(map.len_chars(), text.chars().count());
            prop_assert_eq!(map.len_utf16(), text.encode_utf16().count());
            prop_assert_eq!(map.char_to_byte(&text, map.len_chars() + 1), None);
        }
    }
}
