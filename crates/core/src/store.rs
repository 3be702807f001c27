//! The annotation store: a document's entities and label set, changed only through
//! [`Action`]s, with undo and redo of every one.
//!
//! Each action is applied as a transaction of primitive [`Change`]s. A change knows its own
//! inverse, so undo replays the inverses in reverse order: memory per step is the size of
//! what changed, not a snapshot of 20,000 entities.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::annotate::{Entity, EntitySource, Status};
use crate::labels::LabelDef;

/// Which entities a bulk action touches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub label: Option<String>,
    pub source: Option<EntitySource>,
}

impl Filter {
    fn matches(&self, e: &Entity) -> bool {
        self.label.as_ref().is_none_or(|l| &e.label == l) && self.source.is_none_or(|s| e.source == s)
    }
}

/// What [`Annotations::apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// False when the action changed nothing; nothing went into the history then.
    pub changed: bool,
    /// The id of the entity the action created, if it created one.
    pub created: Option<String>,
}

/// What a person can do to a document's annotations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Label a span (byte range of the document text). A person's label is accepted.
    Add { range: Range<usize>, label: String },
    Remove { id: String },
    Relabel { id: String, label: String },
    SetStatus { id: String, status: Status },
    /// Accept or reject every *suggested* entity that matches the filter.
    SetStatusWhere { filter: Filter, status: Status },
    AddLabel(LabelDef),
    /// Renames a label and every entity that carries it.
    RenameLabel { from: String, to: String },
    RecolorLabel { name: String, color: String },
    /// Moves a label to position `to` (keys 1–9 follow the order).
    MoveLabel { name: String, to: usize },
    /// Adds machine suggestions to work a person has begun (the model's pass finishing
    /// after the first edit): each joins, as suggested and with a fresh id, unless it
    /// overlaps an entity already there or carries a label the set no longer has. What
    /// the person did is never changed, and one undo takes the additions back.
    Suggest { entities: Vec<Entity> },
}

/// Why an action could not be applied. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    NoSuchEntity(String),
    NoSuchLabel(String),
    LabelExists(String),
    EmptySpan,
    SpanOutsideText,
}

impl std::fmt::Display for ActionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ActionError::NoSuchEntity(id) => write!(f, "there is no entity {id}"),
            ActionError::NoSuchLabel(l) => write!(f, "there is no label {l}"),
            ActionError::LabelExists(l) => write!(f, "a label named {l} already exists"),
            ActionError::EmptySpan => write!(f, "select at least one character to label"),
            ActionError::SpanOutsideText => write!(f, "the selection is not inside the document text"),
        }
    }
}

impl std::error::Error for ActionError {}

/// A primitive change; its inverse undoes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    Insert { index: usize, entity: Entity },
    Delete { index: usize, entity: Entity },
    Replace { index: usize, old: Entity, new: Entity },
    Labels { old: Vec<LabelDef>, new: Vec<LabelDef> },
    /// Many entities at once, each with its index in the list after the change (ascending):
    /// one pass over the list, where one `Insert` each would shift it each time.
    InsertMany { entities: Vec<(usize, Entity)> },
    DeleteMany { entities: Vec<(usize, Entity)> },
}

impl Change {
    fn inverse(&self) -> Change {
        match self.clone() {
            Change::Insert { index, entity } => Change::Delete { index, entity },
            Change::Delete { index, entity } => Change::Insert { index, entity },
            Change::Replace { index, old, new } => Change::Replace { index, old: new, new: old },
            Change::Labels { old, new } => Change::Labels { old: new, new: old },
            Change::InsertMany { entities } => Change::DeleteMany { entities },
            Change::DeleteMany { entities } => Change::InsertMany { entities },
        }
    }
}

/// A document's annotations and their history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotations {
    /// Sorted by start, then longer first, then id: outer spans before the spans they hold.
    entities: Vec<Entity>,
    labels: Vec<LabelDef>,
    next_id: u64,
    done: Vec<Vec<Change>>,
    undone: Vec<Vec<Change>>,
    text_len: usize,
}

fn order_key(e: &Entity) -> (usize, std::cmp::Reverse<usize>, &str) {
    (e.range.start, std::cmp::Reverse(e.range.end), e.id.as_str())
}

impl Annotations {
    /// Starts from the machine's suggestions for a text of `text_len` bytes.
    pub fn new(mut entities: Vec<Entity>, labels: Vec<LabelDef>, text_len: usize) -> Annotations {
        entities.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        let next_id = entities
            .iter()
            .filter_map(|e| e.id.strip_prefix('e').and_then(|n| n.parse::<u64>().ok()))
            .max()
            .unwrap_or(0)
            + 1;
        Annotations { entities, labels, next_id, done: Vec::new(), undone: Vec::new(), text_len }
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }
    pub fn labels(&self) -> &[LabelDef] {
        &self.labels
    }
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.id == id)
    }
    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }
    /// Suggestions nobody has reviewed yet.
    pub fn unreviewed(&self) -> usize {
        self.entities.iter().filter(|e| e.status == Status::Suggested).count()
    }

    /// Applies `action` as one undoable step, if it changes anything (accepting what is
    /// accepted does not): callers skip the redraw and the save when it did not.
    pub fn apply(&mut self, action: Action) -> Result<Applied, ActionError> {
        let (changes, created) = self.plan(action)?;
        if changes.is_empty() {
            return Ok(Applied { changed: false, created });
        }
        for change in &changes {
            self.perform(change);
        }
        self.done.push(changes);
        self.undone.clear();
        Ok(Applied { changed: true, created })
    }

    /// Undoes the last step; false if there is none.
    pub fn undo(&mut self) -> bool {
        let Some(changes) = self.done.pop() else { return false };
        for change in changes.iter().rev() {
            self.perform(&change.inverse());
        }
        self.undone.push(changes);
        true
    }

    /// Redoes the last undone step; false if there is none.
    pub fn redo(&mut self) -> bool {
        let Some(changes) = self.undone.pop() else { return false };
        for change in &changes {
            self.perform(change);
        }
        self.done.push(changes);
        true
    }

    fn index_of(&self, id: &str) -> Result<usize, ActionError> {
        self.entities.iter().position(|e| e.id == id).ok_or_else(|| ActionError::NoSuchEntity(id.to_string()))
    }

    fn has_label(&self, name: &str) -> bool {
        self.labels.iter().any(|l| l.name == name)
    }

    /// Works out the changes an action makes, without making them.
    fn plan(&self, action: Action) -> Result<(Vec<Change>, Option<String>), ActionError> {
        let replace = |index: usize, f: &dyn Fn(&mut Entity)| {
            let old = self.entities[index].clone();
            let mut new = old.clone();
            f(&mut new);
            (old != new).then_some(Change::Replace { index, old, new })
        };
        Ok(match action {
            Action::Add { range, label } => {
                if range.is_empty() {
                    return Err(ActionError::EmptySpan);
                }
                if range.end > self.text_len {
                    return Err(ActionError::SpanOutsideText);
                }
                if !self.has_label(&label) {
                    return Err(ActionError::NoSuchLabel(label));
                }
                let entity = Entity {
                    id: format!("e{}", self.next_id),
                    range,
                    label,
                    source: EntitySource::Manual,
                    status: Status::Accepted,
                    canonical: None,
                    evidence: "labelled by a person".into(),
                };
                let index = self.entities.partition_point(|e| order_key(e) < order_key(&entity));
                let id = entity.id.clone();
                (vec![Change::Insert { index, entity }], Some(id))
            }
            Action::Remove { id } => {
                let index = self.index_of(&id)?;
                (vec![Change::Delete { index, entity: self.entities[index].clone() }], None)
            }
            Action::Relabel { id, label } => {
                if !self.has_label(&label) {
                    return Err(ActionError::NoSuchLabel(label));
                }
                let index = self.index_of(&id)?;
                // A person's relabelling is a decision: the entity becomes accepted.
                (replace(index, &|e| {
                    e.label = label.clone();
                    e.status = Status::Accepted;
                })
                .into_iter()
                .collect(), None)
            }
            Action::SetStatus { id, status } => {
                let index = self.index_of(&id)?;
                (replace(index, &|e| e.status = status).into_iter().collect(), None)
            }
            Action::SetStatusWhere { filter, status } => {
                let changes = (0..self.entities.len())
                    .filter(|&i| self.entities[i].status == Status::Suggested && filter.matches(&self.entities[i]))
                    .filter_map(|i| replace(i, &|e| e.status = status))
                    .collect();
                (changes, None)
            }
            Action::Suggest { mut entities } => {
                // Whether a range overlaps any present entity: entities are in start order,
                // so those starting before its end are a prefix, and the largest end in that
                // prefix says whether one reaches into it.
                let mut reach = Vec::with_capacity(self.entities.len());
                let mut max_end = 0;
                for e in &self.entities {
                    max_end = max_end.max(e.range.end);
                    reach.push(max_end);
                }
                let overlaps = |r: &Range<usize>| {
                    let before = self.entities.partition_point(|e| e.range.start < r.end);
                    before > 0 && reach[before - 1] > r.start
                };
                entities.sort_by(|a, b| (a.range.start, std::cmp::Reverse(a.range.end)).cmp(&(b.range.start, std::cmp::Reverse(b.range.end))));
                let mut added = Vec::new();
                let mut taken_end = 0;
                for mut entity in entities {
                    let fits = !entity.range.is_empty() && entity.range.end <= self.text_len && self.has_label(&entity.label);
                    // Suggestions do not overlap one another either.
                    if !fits || overlaps(&entity.range) || entity.range.start < taken_end {
                        continue;
                    }
                    taken_end = entity.range.end;
                    entity.id = format!("e{}", self.next_id + added.len() as u64);
                    entity.status = Status::Suggested;
                    // Earlier additions sort before this one, so they shift its place by their count.
                    let index = self.entities.partition_point(|e| order_key(e) < order_key(&entity)) + added.len();
                    added.push((index, entity));
                }
                (if added.is_empty() { Vec::new() } else { vec![Change::InsertMany { entities: added }] }, None)
            }
            Action::AddLabel(label) => {
                if self.has_label(&label.name) {
                    return Err(ActionError::LabelExists(label.name));
                }
                let mut new = self.labels.clone();
                new.push(label);
                (vec![Change::Labels { old: self.labels.clone(), new }], None)
            }
            Action::RenameLabel { from, to } => {
                if !self.has_label(&from) {
                    return Err(ActionError::NoSuchLabel(from));
                }
                if from == to {
                    return Ok((Vec::new(), None));
                }
                if self.has_label(&to) {
                    return Err(ActionError::LabelExists(to));
                }
                let mut new = self.labels.clone();
                new.iter_mut().filter(|l| l.name == from).for_each(|l| l.name = to.clone());
                let mut changes = vec![Change::Labels { old: self.labels.clone(), new }];
                changes.extend(
                    (0..self.entities.len())
                        .filter(|&i| self.entities[i].label == from)
                        .filter_map(|i| replace(i, &|e| e.label = to.clone())),
                );
                (changes, None)
            }
            Action::RecolorLabel { name, color } => {
                if !self.has_label(&name) {
                    return Err(ActionError::NoSuchLabel(name));
                }
                let mut new = self.labels.clone();
                new.iter_mut().filter(|l| l.name == name).for_each(|l| l.color = color.clone());
                (vec![Change::Labels { old: self.labels.clone(), new }], None)
            }
            Action::MoveLabel { name, to } => {
                let from = self.labels.iter().position(|l| l.name == name).ok_or(ActionError::NoSuchLabel(name))?;
                let mut new = self.labels.clone();
                let label = new.remove(from);
                new.insert(to.min(new.len()), label);
                (vec![Change::Labels { old: self.labels.clone(), new }], None)
            }
        })
    }

    fn perform(&mut self, change: &Change) {
        match change {
            Change::Insert { index, entity } => {
                self.entities.insert(*index, entity.clone());
                if let Some(n) = entity.id.strip_prefix('e').and_then(|n| n.parse::<u64>().ok()) {
                    self.next_id = self.next_id.max(n + 1);
                }
            }
            Change::Delete { index, .. } => {
                self.entities.remove(*index);
            }
            Change::Replace { index, new, .. } => self.entities[*index] = new.clone(),
            Change::Labels { new, .. } => self.labels = new.clone(),
            Change::InsertMany { entities } => {
                let old = std::mem::take(&mut self.entities);
                let mut merged = Vec::with_capacity(old.len() + entities.len());
                let mut old = old.into_iter();
                for (index, entity) in entities {
                    merged.extend(old.by_ref().take(index - merged.len()));
                    merged.push(entity.clone());
                    if let Some(n) = entity.id.strip_prefix('e').and_then(|n| n.parse::<u64>().ok()) {
                        self.next_id = self.next_id.max(n + 1);
                    }
                }
                merged.extend(old);
                self.entities = merged;
            }
            Change::DeleteMany { entities } => {
                let mut gone = entities.iter().map(|(i, _)| *i).peekable();
                let mut index = 0;
                self.entities.retain(|_| {
                    let keep = gone.peek() != Some(&index);
                    if !keep {
                        gone.next();
                    }
                    index += 1;
                    keep
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::default_labels;
    use proptest::prelude::*;

    fn suggestion(id: &str, range: Range<usize>, label: &str) -> Entity {
        Entity {
            id: id.into(),
            range,
            label: label.into(),
            source: EntitySource::Lexicon,
            status: Status::Suggested,
            canonical: None,
            evidence: String::new(),
        }
    }

    fn store() -> Annotations {
        Annotations::new(
            vec![suggestion("e1", 0..6, "COMPANY"), suggestion("e2", 10..16, "LOC"), suggestion("e3", 20..24, "COMPANY")],
            default_labels(),
            100,
        )
    }

    #[test]
    fn nested_spans_are_kept_outer_first() {
        let mut s = store();
        let id = s.apply(Action::Add { range: 0..12, label: "ORG".into() }).unwrap().created.unwrap();
        assert_eq!(s.entities()[0].id, id, "the longer span starting at 0 comes first");
        assert_eq!(s.entities()[1].id, "e1");
        assert_eq!(s.entities()[0].status, Status::Accepted);
        assert_eq!(s.entities()[0].source, EntitySource::Manual);
    }

    #[test]
    fn late_suggestions_fill_only_free_text_and_undo_in_one_step() {
        let mut s = store();
        s.apply(Action::SetStatus { id: "e1".into(), status: Status::Accepted }).unwrap();
        assert!(!s.apply(Action::SetStatus { id: "e1".into(), status: Status::Accepted }).unwrap().changed, "accepting what is accepted changes nothing");
        s.apply(Action::Remove { id: "e2".into() }).unwrap();
        let before = s.clone();
        s.apply(Action::Suggest {
            entities: vec![
                suggestion("x", 2..8, "ORG"),       // overlaps e1: left out
                suggestion("x", 30..34, "PERSON"),  // free: joins
                suggestion("x", 32..36, "PERSON"),  // overlaps the one just added: left out
                suggestion("x", 10..16, "LOC"),     // where the person removed e2: free, joins
                suggestion("x", 40..44, "GONE"),    // a label the set lacks: left out
            ],
        })
        .unwrap();
        let added: Vec<(Range<usize>, &str, Status)> =
            s.entities().iter().filter(|e| !before.entities().iter().any(|b| b.id == e.id)).map(|e| (e.range.clone(), e.id.as_str(), e.status)).collect();
        assert_eq!(added, [(10..16, "e4", Status::Suggested), (30..34, "e5", Status::Suggested)]);
        assert_eq!(s.entity("e1").unwrap().status, Status::Accepted, "what the person did stays");
        assert!(s.undo());
        assert_eq!(s.entities(), before.entities());
    }

    #[test]
    fn accept_all_of_a_label_is_one_undoable_step() {
        let mut s = store();
        s.apply(Action::SetStatusWhere { filter: Filter { label: Some("COMPANY".into()), source: None }, status: Status::Accepted })
            .unwrap();
        assert_eq!(s.unreviewed(), 1);
        assert!(s.undo());
        assert_eq!(s.unreviewed(), 3);
        assert!(s.redo());
        assert_eq!(s.unreviewed(), 1);
    }

    #[test]
    fn renaming_a_label_relabels_its_entities() {
        let mut s = store();
        s.apply(Action::RenameLabel { from: "COMPANY".into(), to: "CORP".into() }).unwrap();
        assert_eq!(s.entities().iter().filter(|e| e.label == "CORP").count(), 2);
        assert!(s.labels().iter().any(|l| l.name == "CORP"));
        assert_eq!(s.apply(Action::Relabel { id: "e1".into(), label: "COMPANY".into() }), Err(ActionError::NoSuchLabel("COMPANY".into())));
    }

    #[test]
    fn errors_change_nothing() {
        let mut s = store();
        let before = s.clone();
        assert!(s.apply(Action::Remove { id: "nope".into() }).is_err());
        assert!(s.apply(Action::Add { range: 5..5, label: "LOC".into() }).is_err());
        assert!(s.apply(Action::Add { range: 90..101, label: "LOC".into() }).is_err());
        assert_eq!(s, before);
    }

    fn action() -> impl Strategy<Value = Action> {
        let label = prop::sample::select(vec!["COMPANY", "ORG", "PERSON", "LOC", "DATE", "NEW"]).prop_map(String::from);
        let id = (1u8..12).prop_map(|n| format!("e{n}"));
        let status = prop::sample::select(vec![Status::Suggested, Status::Accepted, Status::Rejected]);
        prop_oneof![
            (0usize..100, 0usize..20, label.clone()).prop_map(|(s, l, label)| Action::Add { range: s..s + l, label }),
            id.clone().prop_map(|id| Action::Remove { id }),
            (id.clone(), label.clone()).prop_map(|(id, label)| Action::Relabel { id, label }),
            (id, status.clone()).prop_map(|(id, status)| Action::SetStatus { id, status }),
            (prop::option::of(label.clone()), status).prop_map(|(label, status)| Action::SetStatusWhere {
                filter: Filter { label, source: None },
                status
            }),
            label.clone().prop_map(|name| Action::AddLabel(LabelDef { name, color: "#eeeeee".into(), description: String::new() })),
            (label.clone(), label.clone()).prop_map(|(from, to)| Action::RenameLabel { from, to }),
            (label.clone(), 0usize..9).prop_map(|(name, to)| Action::MoveLabel { name, to }),
            label.clone().prop_map(|name| Action::RecolorLabel { name, color: "#123456".into() }),
            prop::collection::vec((0usize..100, 0usize..12, label), 0..6).prop_map(|spans| Action::Suggest {
                entities: spans.into_iter().map(|(s, l, label)| suggestion("model", s..s + l, &label)).collect(),
            }),
        ]
    }

    proptest! {
        #[test]
        fn as_many_undos_as_actions_return_the_original(actions in prop::collection::vec(action(), 0..40)) {
            let original = store();
            let mut s = original.clone();
            let mut applied = 0;
            for a in actions {
                if s.apply(a).is_ok() {
                    applied += 1;
                }
            }
            let after = (s.entities().to_vec(), s.labels().to_vec());
            for _ in 0..applied {
                s.undo();
            }
            prop_assert_eq!(s.entities(), original.entities());
            prop_assert_eq!(s.labels(), original.labels());
            prop_assert!(!s.undo());
            for _ in 0..applied {
                s.redo();
            }
            prop_assert_eq!((s.entities().to_vec(), s.labels().to_vec()), after);
        }
    }
}
