//! Finding entities in a document. Each recognizer proposes candidates; [`recognize`]
//! merges them deterministically into non-overlapping suggestions.

pub mod lexicon;

use crate::annotate::{Entity, EntitySource, Status};
use crate::document::Document;
use lexicon::Lexicon;

/// A proposal before merging.
#[derive(Debug, Clone)]
struct Candidate {
    range: std::ops::Range<usize>,
    label: String,
    source: EntitySource,
    canonical: Option<String>,
    evidence: String,
}

/// Runs every recognizer over `doc` and returns suggestions in text order, with ids
/// `e1`, `e2`, ...
///
/// Merging: candidates are taken longest first (then earliest, then by source in the
/// order lexicon, rule, model); a candidate overlapping one already taken is dropped.
pub fn recognize(doc: &Document, lexicon: &Lexicon) -> Vec<Entity> {
    let mut candidates: Vec<Candidate> = lexicon
        .find(&doc.text)
        .into_iter()
        .map(|m| Candidate {
            range: m.range,
            label: m.entry.label.clone(),
            source: EntitySource::Lexicon,
            canonical: Some(m.entry.canonical.clone()),
            evidence: if m.alias == m.entry.canonical {
                format!("lexicon entry {}", m.entry.canonical)
            } else {
                format!("lexicon alias {} of {}", m.alias, m.entry.canonical)
            },
        })
        .collect();
    candidates.sort_by_key(|c| (std::cmp::Reverse(c.range.len()), c.range.start, c.source as u8));
    // Taken spans never overlap, so the one starting last before `c` ends is the only
    // one that can overlap it: O(log n) per candidate.
    let mut taken: std::collections::BTreeMap<usize, Candidate> = std::collections::BTreeMap::new();
    for c in candidates {
        let overlaps = taken.range(..c.range.end).next_back().is_some_and(|(_, t)| t.range.end > c.range.start);
        if !overlaps && !c.range.is_empty() {
            taken.insert(c.range.start, c);
        }
    }
    taken
        .into_values()
        .enumerate()
        .map(|(i, c)| Entity {
            id: format!("e{}", i + 1),
            range: c.range,
            label: c.label,
            source: c.source,
            status: Status::Suggested,
            canonical: c.canonical,
            evidence: c.evidence,
        })
        .collect()
}
