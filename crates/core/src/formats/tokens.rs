//! The tokenizer of the token-based formats (IOB2, spaCy's DocBin, Prodigy): one token
//! per CJK character, Latin words and numbers as one token, every other character alone,
//! white space as its own runs. Combining marks, variation selectors and zero-width-joiner
//! sequences stay with the character before them.
//!
//! Tokens are also cut at every offset of `cuts` (the entity boundaries), so that every
//! entity starts and ends on a token boundary: `char_span` never returns `None`.

use std::collections::BTreeSet;

/// A token, in code points over the document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// A run of white space.
    pub space: bool,
}

/// CJK ideographs, kana, Hangul, CJK punctuation and full-width forms: one token each.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Letters and digits outside CJK: they make words.
pub fn is_word(c: char) -> bool {
    (c.is_alphanumeric() || c == '_') && !is_cjk(c)
}

/// Characters that extend the one before them: combining marks, ZWJ, variation
/// selectors, emoji modifiers and tags.
fn is_extend(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200D | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F
        | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
}

fn joins(a: char, b: char) -> bool {
    if a.is_whitespace() || b.is_whitespace() {
        return a.is_whitespace() && b.is_whitespace();
    }
    is_extend(b) || a == '\u{200D}' || (is_word(a) && is_word(b))
}

/// Tokens covering all of `text`, cut at every offset in `cuts` (code points).
pub fn tokenize(text: &str, cuts: &BTreeSet<usize>) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut start = 0;
    for i in 1..=chars.len() {
        if i == chars.len() || cuts.contains(&i) || !joins(chars[i - 1], chars[i]) {
            tokens.push(Token { start, end: i, space: chars[start].is_whitespace() });
            start = i;
        }
    }
    tokens
}

/// Whether a sentence ends after this token: sentence punctuation, or white space with a
/// line break.
pub fn ends_sentence(token_text: &str, token: &Token) -> bool {
    if token.space {
        return token_text.contains(['\n', '\r', '\u{2028}', '\u{2029}']);
    }
    matches!(token_text, "。" | "！" | "？" | "!" | "?" | "；" | ";" | "…" | "……" | "．")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, cuts: &[usize]) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(text, &cuts.iter().copied().collect()).iter().map(|t| chars[t.start..t.end].iter().collect()).collect()
    }

    #[test]
    fn cjk_characters_latin_words_and_numbers() {
        assert_eq!(texts("商汤与Tesla合作，投入50亿元 ok", &[]), [
            "商", "汤", "与", "Tesla", "合", "作", "，", "投", "入", "50", "亿", "元", " ", "ok"
        ]);
    }

    #[test]
    fn emoji_sequences_stay_whole_and_cuts_split() {
        assert_eq!(texts("👩\u{200d}💻a\r\n e\u{301}𠮷", &[]), ["👩\u{200d}💻", "a", "\r\n ", "e\u{301}", "𠮷"]);
        assert_eq!(texts("Unity中国", &[2]), ["Un", "ity", "中", "国"]);
    }
}
