//! Rules: amounts of money, percentages, dates, and names recognised by their shape
//! (Chinese company full names, English legal suffixes, place + government body).
//!
//! Patterns use `regex-lite` (small in WebAssembly); the Chinese name shapes are a
//! hand-written scan backwards from a legal suffix, because where a Chinese name starts
//! is a question of knowledge (is there a place name?) more than of pattern.

use std::ops::Range;
use std::sync::OnceLock;

use regex_lite::Regex;

use super::lexicon::Lexicon;

/// What a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    /// Byte range in the text.
    pub range: Range<usize>,
    pub label: &'static str,
    /// The rule's name, for the entity's evidence: `money`, `company shape (有限公司)`...
    pub rule: String,
}

const CN_NUM: &str = "[0-9０-９]+(?:[.,．][0-9０-９]+)*";
const HAN_NUM: &str = "[零〇一二两三四五六七八九十百千万亿]+";

/// A pattern matched only at the start of the haystack: see [`scan`].
fn anchored(pattern: &str) -> Regex {
    Regex::new(&format!("^(?:{pattern})")).expect("a valid built-in pattern")
}

/// Can a money, percent or date match start with `c`? Digits, Chinese numerals, currency
/// signs, and capitals (RMB, US$, month names).
fn may_start(c: char) -> bool {
    c.is_ascii_digit()
        || c.is_ascii_uppercase()
        || ('０'..='９').contains(&c)
        || matches!(c, '零' | '〇' | '一' | '二' | '两' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '千' | '万' | '亿' | '¥' | '￥' | '$' | '€' | '£' | '人')
}

/// Leftmost matches of an anchored pattern, tried only where [`may_start`] holds: the same
/// matches as `find_iter` with the pattern unanchored, without running the automaton over
/// the Chinese text between numbers.
fn scan(re: &Regex, text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if may_start(c) {
            if let Some(m) = re.find(&text[i..]).filter(|m| !m.is_empty()) {
                out.push(i..i + m.end());
                i += m.end();
                continue;
            }
        }
        i += c.len_utf8();
    }
    out
}

/// Money: Chinese amounts with a currency word (300亿元, 50亿美元, ¥45亿元), then English
/// amounts ($4.4 billion, 30 billion yuan). Two patterns, as either may match longer.
fn money() -> &'static [Regex; 2] {
    static RE: OnceLock<[Regex; 2]> = OnceLock::new();
    RE.get_or_init(|| {
        let units = "(?:美元|港元|港币|欧元|日元|英镑|韩元|澳元|加元|卢布|元人民币|人民币|元)";
        let cn = format!(
            r"(?:(?:人民币|RMB|US\$|HK\$|[¥￥$€£])\s?)?(?:{CN_NUM}|{HAN_NUM})(?:\s?[十百千万亿]+)?多?\s?{units}|(?:人民币|[¥￥€£]|US\$|HK\$)\s?{CN_NUM}(?:\s?[十百千万亿]+)?"
        );
        let en = r"(?:US\$|HK\$|RMB|USD|CNY|HKD|EUR|[$€£¥])\s?[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?:\s?(?:trillion|billion|million|thousand|bn|mn|m|k)\b)?(?:\s(?:yuan|dollars|euros))?|\b[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?:\s(?:trillion|billion|million|thousand))?\s(?:yuan|renminbi|US dollars|dollars|euros|pounds|RMB|USD|CNY|HKD|EUR)\b";
        [anchored(&cn), anchored(en)]
    })
}

fn percent() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let n = r"[0-9０-９]+(?:[.．][0-9０-９]+)?";
        anchored(&format!(
            r"{n}\s?[%％](?:\s?(?:至|到|-|–|—|~|～)\s?{n}\s?[%％])?|{n}\s?(?:至|到|-|~|～)\s?{n}\s?[%％]|百分之[零〇一二两三四五六七八九十百点]+(?:(?:至|到)百分之[零〇一二两三四五六七八九十百点]+)?|{n}\s?个百分点|\b[0-9]+(?:\.[0-9]+)?\s?(?:percentage points?|per ?cent|pct)\b"
        ))
    })
}

fn date() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let months = "January|February|March|April|May|June|July|August|September|October|November|December";
        let short = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec";
        anchored(&format!(
            r"(?:1[89][0-9]{{2}}|20[0-9]{{2}})\s?(?:-|–|—|~|～|至|到)\s?(?:1[89][0-9]{{2}}|20[0-9]{{2}})年?|(?:[0-9０-９]{{2,4}}|[零〇一二三四五六七八九]{{2,4}})年(?:[0-9０-９]{{1,2}}月(?:[0-9０-９]{{1,2}}[日号])?)?|[0-9０-９]{{1,2}}月[0-9０-９]{{1,2}}[日号]|[0-9０-９]{{1,2}}月份?|[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}|[0-9]{{4}}/[0-9]{{1,2}}/[0-9]{{1,2}}|\b(?:{months}|(?:{short})\.?)\s[0-9]{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s[0-9]{{4}}\b)?|\b[0-9]{{1,2}}\s(?:{months})(?:\s[0-9]{{4}})?\b|\b(?:{months})\s[0-9]{{4}}\b"
        ))
    })
}

fn english_company() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"\b(?:[A-Z][A-Za-z0-9&'.-]*\s){0,4}?(?:[A-Z][A-Za-z0-9&'-]*)(?:,?\s)(?:Inc\b\.?|Incorporated\b|Corp\b\.?|Corporation\b|Co\.?,?\sLtd\b\.?|Ltd\b\.?|Limited\b|LLC\b|LLP\b|PLC\b|plc\b|ASA\b|AS\b|AG\b|GmbH\b|S\.A\.|SE\b|N\.V\.|Group\b|Holdings\b)",
        )
        .expect("company pattern")
    })
}

/// True if the matched number is not the tail of a longer number (`12345` has no
/// `345年`) and a Latin match is not inside a word.
fn stands_alone(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let first = text[range.clone()].chars().next();
    let digitish = |c: char| c.is_ascii_digit() || c == '.' || ('０'..='９').contains(&c);
    let inside_number = before.is_some_and(digitish) && first.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    let inside_word = before.is_some_and(|c| c.is_ascii_alphabetic()) && first.is_some_and(|c| c.is_ascii_alphanumeric());
    !inside_number && !inside_word
}

fn month_day_valid(s: &str) -> bool {
    // "13月" or "32日" is no date.
    let digits = |t: &str| t.chars().filter_map(|c| c.to_digit(10).or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32))).fold(0, |a, d| a * 10 + d);
    if let Some((before, after)) = s.split_once('月') {
        let m = digits(before.rsplit('年').next().unwrap_or(before));
        if !(1..=12).contains(&m) {
            return false;
        }
        let day: String = after.chars().take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).collect();
        if !day.is_empty() && !(1..=31).contains(&digits(&day)) {
            return false;
        }
    }
    if let Some((a, b)) = s.split_once(['-', '–', '—', '~', '～', '至', '到']) {
        // A year range must run forwards: 2022-2025, not 2025-2022 (a score, a code).
        let (a, b) = (digits(a.trim()), digits(b.trim().trim_end_matches('年')));
        if a >= 1800 && b >= 1800 && b <= a {
            return false;
        }
    }
    true
}

/// Chinese legal suffixes, longest first.
pub(crate) const CN_LEGAL: &[&str] = &[
    "集团股份有限公司",
    "集团有限责任公司",
    "集团有限公司",
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "集团",
];

/// Characters a Chinese name does not run across: punctuation and function words.
fn is_name_stop(c: char) -> bool {
    matches!(
        c,
        '的' | '与' | '和' | '及' | '在' | '是' | '为' | '由' | '将' | '对' | '向' | '从' | '了' | '把' | '被' | '并' | '等'
            | '于' | '让' | '给' | '称' | '说' | '或' | '该' | '其' | '这' | '那' | '各'
    ) || !(c.is_alphanumeric() || matches!(c, '（' | '）' | '(' | ')' | '·' | '&'))
}

/// Chinese full names: [place] trade name [industry] legal suffix, e.g.
/// 杭州青禾数据科技有限公司. The name starts at a place name of the lexicon when one lies
/// within reach, otherwise just after the nearest stop (punctuation, 的, 与, 和...).
fn chinese_companies(text: &str, places: &[Range<usize>], out: &mut Vec<RuleMatch>) {
    // The walk back from a suffix looks at most this many characters before it (16 to a
    // stop, a bracketed part of up to 7 stepped over, one more to check before it).
    const LOOK_BACK: usize = 32;
    let mut byte = 0;
    while byte < text.len() {
        let Some(suffix) = CN_LEGAL.iter().find(|s| text[byte..].starts_with(**s)) else {
            byte += text[byte..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let end = byte + suffix.len();
        // The characters just before the suffix: `i` is the suffix's place among them.
        let mut chars: Vec<(usize, char)> = text[..byte].char_indices().rev().take(LOOK_BACK).collect();
        chars.reverse();
        let i = chars.len();
        chars.push((byte, suffix.chars().next().expect("a suffix is not empty")));
        // Walk back at most 16 characters to the nearest stop.
        let mut start_idx = i;
        while start_idx > 0 && i - start_idx < 16 {
            let c = chars[start_idx - 1].1;
            if matches!(c, '）' | ')') {
                // Step over a short bracketed part (携程计算机技术（上海）有限公司), or stop.
                let open = (start_idx.saturating_sub(7)..start_idx - 1).rev().find(|&k| matches!(chars[k].1, '（' | '('));
                match open {
                    Some(k) if k > 0 && !is_name_stop(chars[k - 1].1) => start_idx = k,
                    _ => break,
                }
                continue;
            }
            if is_name_stop(c) || c.is_ascii_digit() {
                break;
            }
            start_idx -= 1;
        }
        // A place name inside the window, and not inside brackets, starts the name.
        let window_start = chars[start_idx].0;
        // Places are in text order: look only at those starting inside the window.
        let first = places.partition_point(|p| p.start < window_start);
        let place = places[first..]
            .iter()
            .take_while(|p| p.start < byte)
            .filter(|p| p.end <= byte)
            .filter(|p| !text[..p.start].ends_with(['（', '(']))
            .min_by_key(|p| (p.start, std::cmp::Reverse(p.end)));
        let body_start = match place {
            Some(p) => p.start,
            // No place: keep at most 12 characters of trade name and industry.
            None => chars[start_idx.max(i.saturating_sub(12))].0,
        };
        let body = &text[body_start..byte];
        let body_len = body.chars().count();
        // A bare 集团 is a company only after a place (上海电气集团): 该集团, 餐饮集团 are not.
        let bare_group = *suffix == "集团";
        let ok = body_len >= 2 && !(bare_group && (body_len > 8 || place.is_none_or(|p| p.start != body_start || text[p.end..byte].chars().count() < 2)));
        if ok {
            out.push(RuleMatch { range: body_start..end, label: "COMPANY", rule: format!("company shape (…{suffix})") });
        }
        byte = end;
    }
}

/// Government and party bodies: a place of the lexicon directly followed by one of these.
const CN_GOV: &[&str] = &[
    "党工委", "管委会", "人民政府", "政府", "党委", "市委", "省委", "区委", "县委", "发改委", "经信委", "人大常委会", "常委会",
    "公安局", "教育局", "财政局", "税务局", "商务局", "金融局", "人民法院", "人民检察院", "委员会",
];

fn chinese_government(text: &str, places: &[Range<usize>], out: &mut Vec<RuleMatch>) {
    for p in places {
        if let Some(s) = CN_GOV.iter().find(|s| text[p.end..].starts_with(**s)) {
            out.push(RuleMatch { range: p.start..p.end + s.len(), label: "ORG", rule: format!("place + government body ({s})") });
        }
    }
}

/// Every rule match in `text`, in no particular order. `lexicon` supplies the places
/// (entries labelled LOC) that start Chinese names.
pub fn find(text: &str, lexicon: &Lexicon) -> Vec<RuleMatch> {
    let places: Vec<Range<usize>> = lexicon.find(text).into_iter().filter(|m| m.entry.label == "LOC").map(|m| m.range).collect();
    find_with_places(text, &places)
}

/// [`find`] with the places already found: byte ranges of `text` that name a place, in
/// text order (as [`Lexicon::find`] returns them).
pub fn find_with_places(text: &str, places: &[Range<usize>]) -> Vec<RuleMatch> {
    let mut patterns: Vec<(&Regex, &'static str)> = money().iter().map(|re| (re, "MONEY")).collect();
    patterns.push((percent(), "PERCENT"));
    patterns.push((date(), "DATE"));
    let mut found: Vec<RuleMatch> = Vec::new();
    for (re, label) in patterns {
        for m in scan(re, text) {
            let s = text[m.clone()].trim_end();
            let range = m.start..m.start + s.len();
            if range.is_empty() || !stands_alone(text, &range) || (label == "DATE" && !month_day_valid(s)) {
                continue;
            }
            found.push(RuleMatch { range, label, rule: label.to_ascii_lowercase() });
        }
    }
    // Where two patterns of one label overlap, the longer match stands. Kept spans of a
    // label never overlap, so the one starting last before a match ends is the only one
    // that can overlap it: O(log n) a match (a scan of all kept spans was quadratic, 20 s
    // on a 50 MB article).
    found.sort_by_key(|m| (std::cmp::Reverse(m.range.len()), m.range.start));
    let mut kept: std::collections::BTreeMap<(&'static str, usize), usize> = std::collections::BTreeMap::new();
    let mut out: Vec<RuleMatch> = Vec::new();
    for m in found {
        let before = kept.range((m.label, 0)..(m.label, m.range.end)).next_back();
        if before.is_none_or(|(_, &end)| end <= m.range.start) {
            kept.insert((m.label, m.range.start), m.range.end);
            out.push(m);
        }
    }
    for m in english_company().find_iter(text) {
        let mut start = m.start();
        // "The Northwind Robotics AS" → "Northwind Robotics AS".
        for article in ["The ", "A ", "An "] {
            if text[start..m.end()].starts_with(article) {
                start += article.len();
            }
        }
        let suffix = text[start..m.end()].rsplit([' ', ',']).next().unwrap_or("");
        if !text[start..m.end()].contains(' ') {
            continue; // "The Group": no name before the suffix.
        }
        out.push(RuleMatch { range: start..m.end(), label: "COMPANY", rule: format!("company shape (… {suffix})") });
    }
    chinese_companies(text, places, &mut out);
    chinese_government(text, places, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per case: the text, then every (surface, label) the rules must find, in
    /// text order. Nothing else may be found with those labels.
    const CASES: &[(&str, &[(&str, &str)])] = &[
        ("合计投资额超过300亿元，其中3.6亿元为首期", &[("300亿元", "MONEY"), ("3.6亿元", "MONEY")]),
        ("募资50亿美元，估值¥45亿元", &[("50亿美元", "MONEY"), ("¥45亿元", "MONEY")]),
        ("It raised $4.4 billion, or 30 billion yuan.", &[("$4.4 billion", "MONEY"), ("30 billion yuan", "MONEY")]),
        ("降低90%的事故，效率提升15%至30%", &[("90%", "PERCENT"), ("15%至30%", "PERCENT")]),
        ("占比百分之三十，上升2.5个百分点", &[("百分之三十", "PERCENT"), ("2.5个百分点", "PERCENT")]),
        ("Margins rose 2.5 percentage points to 31 percent.", &[("2.5 percentage points", "PERCENT"), ("31 percent", "PERCENT")]),
        ("8月18日发布《行动方案（2022-2025）》", &[("8月18日", "DATE"), ("2022-2025", "DATE")]),
        ("2023年3月，公司成立", &[("2023年3月", "DATE")]),
        ("On Aug 18 and March 3, 2023, then September 2023.", &[("Aug 18", "DATE"), ("March 3, 2023", "DATE"), ("September 2023", "DATE")]),
        ("集聚AI人才2-3万人，13月不是日期", &[]),
        ("据悉，杭州青禾数据科技有限公司今天宣布", &[("杭州青禾数据科技有限公司", "COMPANY")]),
        ("由宁德时代新能源科技股份有限公司投资", &[("宁德时代新能源科技股份有限公司", "COMPANY")]),
        ("Northwind Robotics AS and Acme Widgets Inc. signed with The Example Holdings", &[("Northwind Robotics AS", "COMPANY"), ("Acme Widgets Inc.", "COMPANY"), ("Example Holdings", "COMPANY")]),
        ("Siemens AG, Bosch GmbH and Foo Bar Co., Ltd. agreed", &[("Siemens AG", "COMPANY"), ("Bosch GmbH", "COMPANY"), ("Foo Bar Co., Ltd.", "COMPANY")]),
        ("临港新片区党工委副书记吴晓华介绍", &[("临港新片区党工委", "ORG")]),
        ("将携程计算机技术（上海）有限公司、杭州青禾集团、该集团、餐饮集团", &[("携程计算机技术（上海）有限公司", "COMPANY"), ("杭州青禾集团", "COMPANY")]),
    ];

    fn lexicon() -> Lexicon {
        Lexicon::from_tsv("canonical\tlabel\taliases\tids\n杭州\tLOC\t\t\n临港新片区\tLOC\t\t\n").unwrap()
    }

    #[test]
    fn rule_cases() {
        let lexicon = lexicon();
        for (text, expected) in CASES {
            let mut found: Vec<(usize, &str, &str)> = find(text, &lexicon).into_iter().map(|m| (m.range.start, &text[m.range], m.label)).collect();
            found.sort();
            let found: Vec<(&str, &str)> = found.into_iter().map(|(_, s, l)| (s, l)).collect();
            assert_eq!(found, expected.to_vec(), "in {text:?}");
        }
    }
}
