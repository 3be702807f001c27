//! Coordination: the members of an enumeration share the kind of the member we know.
//!
//! Chinese news lists companies with the enumeration comma: 汽车电子领军企业特斯拉、延电科技、
//! 华翔翼锐等. Once one member is a known company (特斯拉, from the lexicon), the other
//! members of the same list are suggested as companies too, with evidence that names the
//! member they were listed with. No list of names is involved, so this also finds the small
//! firms no lexicon holds.
//!
//! A list is a run of short segments joined by `、` inside one clause (between hard
//! punctuation), ended by 等, by a conjunction (和, 及, 与) before its last member, or by
//! the clause's end. The first segment usually begins with words that are not part of the
//! name (领军企业特斯拉), so it counts only through an entity that ends where it ends. A list
//! where a member is already something else (a place, a person) is left alone: it is not
//! a list of companies.

use std::collections::BTreeMap;
use std::ops::Range;

use super::Candidate;
use crate::annotate::EntitySource;

/// Members longer than this are phrases, not names.
const MAX_MEMBER_CHARS: usize = 8;

/// A last member not closed by 等 may be at most this long.
const OPEN_LAST_MAX_CHARS: usize = 5;

/// Candidates for the unlabelled members of lists that hold a company already taken.
pub(super) fn members(text: &str, taken: &BTreeMap<usize, Candidate>) -> Vec<Candidate> {
    let mut out = Vec::new();
    for clause in clauses(text) {
        if !text[clause.clone()].contains('、') {
            continue;
        }
        let Some((first_end, members)) = list_in(text, clause) else { continue };
        // What is taken inside each member, and the company ending the first segment.
        let exact = |r: &Range<usize>| taken.range(r.start..r.start + 1).next().map(|(_, c)| c).filter(|c| c.range == *r);
        let known_first = taken.range(..first_end).next_back().map(|(_, c)| c).filter(|c| c.range.end == first_end && is_known_company(c));
        let mut known = known_first;
        let mut mixed = false;
        for m in &members {
            match exact(m) {
                Some(c) if is_known_company(c) => known = known.or(Some(c)),
                Some(c) if c.label == "COMPANY" => {}
                Some(_) => mixed = true,
                None => {}
            }
        }
        let Some(known) = known else { continue };
        if mixed {
            continue;
        }
        let name = &text[known.range.clone()];
        // Members overlapping what is taken are refused by the merge (`take_longest`).
        for m in members {
            out.push(Candidate {
                range: m,
                label: "COMPANY".into(),
                source: EntitySource::Rule,
                rank: 4,
                confidence: None,
                canonical: None,
                evidence: format!("rule: listed with the company {name} ({})", known.evidence),
            });
        }
    }
    out
}

/// A company the lexicon knows (or a mention of one): a guess of the model or of a name
/// rule is not sure enough to vouch for its neighbours.
fn is_known_company(c: &Candidate) -> bool {
    c.label == "COMPANY" && c.source == EntitySource::Lexicon
}

/// Byte ranges of clauses: text between hard punctuation or line breaks.
fn clauses(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    let mut ends = text.char_indices().filter(|(_, c)| is_hard_break(*c)).map(|(i, c)| (i, i + c.len_utf8())).chain([(text.len(), text.len())]);
    std::iter::from_fn(move || {
        let (end, next) = ends.next()?;
        let clause = start..end;
        start = next;
        Some(clause)
    })
}

fn is_hard_break(c: char) -> bool {
    // Quotation marks are not breaks: a clause going on past a quote (以及此次“抢婚”大战…)
    // must still read as going on.
    matches!(c, '，' | '。' | '；' | '：' | '！' | '？' | ',' | ';' | ':' | '!' | '?' | '\n' | '\r' | '（' | '）' | '(' | ')' | '【' | '】')
}

/// The end of the first segment and the ranges of the other members, if the clause holds
/// a list whose members all look like names.
fn list_in(text: &str, clause: Range<usize>) -> Option<(usize, Vec<Range<usize>>)> {
    let body = &text[clause.clone()];
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for (i, _) in body.match_indices('、') {
        parts.push(clause.start + start..clause.start + i);
        start = i + '、'.len_utf8();
    }
    let first_end = parts.first()?.end;
    let mut members: Vec<Range<usize>> = parts[1..].to_vec();
    if !members.iter().all(|m| looks_like_a_name(&text[m.clone()])) {
        return None;
    }
    // The last member runs to 等, or to the clause's end; a conjunction may join one more.
    let rest = clause.start + start..clause.end;
    let tail = &text[rest.clone()];
    let closed = tail.find('等');
    let last = rest.start..closed.map_or(rest.end, |i| rest.start + i);
    let mut last_members = Vec::new();
    let last_text = &text[last.clone()];
    let conjunction = ["以及", "和", "及", "与"].iter().find_map(|c| last_text.find(c).map(|i| (i, c.len())));
    match conjunction {
        Some((i, len)) => {
            last_members.push(last.start..last.start + i);
            last_members.push(last.start + i + len..last.end);
        }
        None => last_members.push(last),
    }
    // Without 等 the clause may go on past the list (青岚电子将在明年…): a last segment
    // longer than a short name is taken to be the sentence going on, and left out.
    let n = last_members.len();
    for (k, m) in last_members.into_iter().enumerate() {
        let s = &text[m.clone()];
        let open_end = k + 1 == n && closed.is_none() && s.chars().count() > OPEN_LAST_MAX_CHARS;
        if looks_like_a_name(s) && !open_end {
            members.push(m);
        }
    }
    Some((first_end, members))
}

/// Two to eight characters of Han script or Latin letters, nothing else.
fn looks_like_a_name(s: &str) -> bool {
    let n = s.chars().count();
    (2..=MAX_MEMBER_CHARS).contains(&n)
        && s.chars().all(|c| is_han(c) || c.is_ascii_alphabetic())
        && !s.chars().all(|c| c.is_ascii_alphabetic() && c.is_ascii_lowercase())
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2FFFF}')
}

#[cfg(test)]
mod tests {
    use crate::recognize::lexicon::Lexicon;
    use crate::recognize::Recognizer;

    /// Companies found by lexicon, rules and propagation (no model: these are the rule's).
    fn companies(text: &str) -> Vec<(String, String)> {
        Recognizer::new(Lexicon::builtin())
            .recognize_text(text)
            .into_iter()
            .filter(|e| e.label == "COMPANY")
            .map(|e| (text[e.range].to_string(), e.evidence))
            .collect()
    }

    #[test]
    fn members_listed_with_a_known_company_are_companies() {
        let found = companies("汽车电子领军企业特斯拉、青岚电子、北辰微等，纷纷签约。");
        let names: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(names, ["特斯拉", "青岚电子", "北辰微"]);
        assert!(found[1].1.starts_with("rule: listed with the company 特斯拉 (lexicon alias 特斯拉 of Tesla)"), "{}", found[1].1);
    }

    #[test]
    fn a_conjunction_joins_the_last_member() {
        let names: Vec<String> = companies("百度、青岚电子和北辰微。").into_iter().map(|(t, _)| t).collect();
        assert_eq!(names, ["百度", "青岚电子", "北辰微"]);
        // The sentence goes on after the last member: it is left out, the others stay.
        let names: Vec<String> = companies("百度、青岚电子和北辰微将共同投资。").into_iter().map(|(t, _)| t).collect();
        assert_eq!(names, ["百度", "青岚电子"]);
    }

    #[test]
    fn lists_without_a_known_company_or_with_other_kinds_stay_alone() {
        // No member known.
        assert!(companies("青岚电子、北辰微等企业签约。").is_empty());
        // A place among them: not a list of companies.
        let names: Vec<String> = companies("百度、北京、青岚电子等").into_iter().map(|(t, _)| t).collect();
        assert_eq!(names, ["百度"]);
        // The clause goes on past the list: its last segment is no name.
        let names: Vec<String> = companies("百度、青岚电子将在明年扩大投资").into_iter().map(|(t, _)| t).collect();
        assert_eq!(names, ["百度"]);
    }
}
