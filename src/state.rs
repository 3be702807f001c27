//! The app's state and the intents that change it. Components dispatch [`Action`]s; the
//! reducer calls the core. Nothing here renders.

use std::rc::Rc;
use std::sync::OnceLock;

use huaxian_core::labels::default_labels;
use huaxian_core::recognize::{lexicon::Lexicon, recognize};
use huaxian_core::{Document, Entity, LabelDef};
use yew::Reducible;

/// The built-in lexicon, compiled once on first use.
fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::builtin)
}

/// An ingested document with its entities.
#[derive(Clone)]
pub struct OpenDocument {
    pub doc: Rc<Document>,
    pub entities: Rc<Vec<Entity>>,
}

/// Identity, not contents: a new ingest or a new entity list is a new `Rc`, which is
/// what tells Yew to re-render.
impl PartialEq for OpenDocument {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc) && Rc::ptr_eq(&self.entities, &other.entities)
    }
}

#[derive(Clone, PartialEq)]
pub struct Workspace {
    pub labels: Rc<Vec<LabelDef>>,
    pub open: Option<OpenDocument>,
    /// A message for the person, shown in an alert until the next action.
    pub error: Option<String>,
    /// The entity last hovered or focused, whose evidence the side panel shows.
    pub focused: Option<String>,
}

impl Default for Workspace {
    fn default() -> Workspace {
        Workspace { labels: Rc::new(default_labels()), open: None, error: None, focused: None }
    }
}

pub enum Action {
    /// Ingest these bytes and replace the open document. A failure leaves the open
    /// document as it was and shows why.
    Open { name: String, bytes: Vec<u8> },
    /// Something outside the core failed (reading a file, a download).
    Fail(String),
    Focus(String),
    DismissError,
}

impl Reducible for Workspace {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Open { name, bytes } => match huaxian_core::ingest(&bytes, &name) {
                Ok(doc) => {
                    let entities = recognize(&doc, lexicon());
                    next.open = Some(OpenDocument { doc: Rc::new(doc), entities: Rc::new(entities) });
                    next.error = None;
                    next.focused = None;
                }
                Err(err) => next.error = Some(format!("{name}: {err}")),
            },
            Action::Fail(message) => next.error = Some(message),
            Action::Focus(id) => next.focused = Some(id),
            Action::DismissError => next.error = None,
        }
        Rc::new(next)
    }
}
