//! The app's state and the intents that change it. Components dispatch [`Action`]s; the
//! reducer calls the core. Nothing here renders.
//!
//! The workspace lives behind one `Rc<RefCell<..>>` and is changed in place: cloning
//! 20,000 entities on every key press would cost more than the edit. A version number
//! tells Yew that something changed; components receive derived values and re-render only
//! when those differ.

use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;
use std::sync::OnceLock;

use huaxian_core::export::Export;
use huaxian_core::labels::default_labels;
use huaxian_core::recognize::{lexicon::Lexicon, recognize, tagger::Tagger, Recognizer};
use huaxian_core::store::{self, Annotations};
use huaxian_core::{Document, LabelDef};
use yew::Reducible;

/// The built-in lexicon, compiled once on first use.
fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::builtin)
}

/// The whole pipeline with the statistical tagger, once its weights have been fetched
/// (after the first paint: lexicon and rules highlight at once, the model joins later).
static FULL: OnceLock<Recognizer> = OnceLock::new();

/// Texts longer than this (bytes) get lexicon and rules only: the tagger tags about a
/// million characters a second natively, slower in the page, and a 50 MB article must
/// still open in seconds.
pub const MODEL_MAX_TEXT: usize = 4 * 1024 * 1024;

fn recognize_now(doc: &Document) -> Vec<huaxian_core::Entity> {
    match FULL.get() {
        Some(full) if doc.text.len() <= MODEL_MAX_TEXT => full.recognize(doc),
        _ => recognize(doc, lexicon()),
    }
}

/// Whether the model has joined.
pub fn model_ready() -> bool {
    FULL.get().is_some()
}

/// Marks stored bytes that are a Huaxian export rather than an article.
const IMPORTED_SUFFIX: &str = "#huaxian-export";

/// Where a document stands in a person's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    New,
    InProgress,
    Done,
}

impl DocStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::New => "new",
            DocStatus::InProgress => "in progress",
            DocStatus::Done => "done",
        }
    }
}

/// One open document with its annotations.
pub struct DocEntry {
    pub doc: Rc<Document>,
    /// The bytes it was ingested from, kept so the workspace can be stored and restored
    /// (ingestion is deterministic, so the same bytes give the same document).
    pub bytes: Rc<Vec<u8>>,
    pub annotations: Annotations,
    pub status: DocStatus,
    /// True when `bytes` are a Huaxian export rather than the article itself.
    pub imported: bool,
    /// Snapshots of the entities and labels for rendering, replaced after each change:
    /// a focus or hover then re-renders nothing, and an edit clones the list once.
    pub entities_view: Rc<Vec<huaxian_core::Entity>>,
    pub labels_view: Rc<Vec<LabelDef>>,
    /// Whether storage holds this document's bytes, and its current annotations: a write
    /// touches only what is stale, so moving between documents rewrites nothing.
    pub source_saved: Cell<bool>,
    pub annotations_saved: Cell<bool>,
}

impl DocEntry {
    fn new(doc: Document, bytes: Vec<u8>, annotations: Annotations, status: DocStatus, imported: bool) -> DocEntry {
        let mut entry = DocEntry {
            doc: Rc::new(doc),
            bytes: Rc::new(bytes),
            annotations,
            status,
            imported,
            entities_view: Rc::default(),
            labels_view: Rc::default(),
            source_saved: Cell::new(false),
            annotations_saved: Cell::new(false),
        };
        entry.refresh_views();
        entry
    }

    /// Call after the annotations or the status changed: the views follow and storage is
    /// told it is stale.
    pub fn refresh_views(&mut self) {
        self.annotations_saved.set(false);
        self.entities_view = Rc::new(self.annotations.entities().to_vec());
        if self.labels_view.as_slice() != self.annotations.labels() {
            self.labels_view = Rc::new(self.annotations.labels().to_vec());
        }
    }

    /// Ingests and recognizes; the label set is the workspace's current one.
    pub fn open(name: &str, bytes: Vec<u8>, labels: Vec<LabelDef>) -> Result<DocEntry, String> {
        let doc = huaxian_core::ingest(&bytes, name).map_err(|e| format!("{name}: {e}"))?;
        let entities = recognize_now(&doc);
        let annotations = Annotations::new(entities, labels, doc.text.len());
        Ok(DocEntry::new(doc, bytes, annotations, DocStatus::New, false))
    }

    /// A document from a Huaxian export (one JSON object), to continue its work. Its
    /// stored bytes are the export itself, so a reload rebuilds it the same way.
    pub fn import(json: &str, file: &str) -> Result<DocEntry, String> {
        let export: Export = serde_json::from_str(json).map_err(|e| format!("{file}: not a Huaxian export: {e}"))?;
        DocEntry::from_export(export, file)
    }

    /// A document from any imported format, once the core has read it into an export.
    pub fn from_export(export: Export, file: &str) -> Result<DocEntry, String> {
        let (doc, entities) = export.to_document().map_err(|e| format!("{file}: {e}"))?;
        let annotations = Annotations::new(entities, export.labels.clone(), doc.text.len());
        let status = if annotations.unreviewed() < annotations.entities().len() { DocStatus::InProgress } else { DocStatus::New };
        let bytes = export.to_json_line().into_bytes();
        Ok(DocEntry::new(doc, bytes, annotations, status, true))
    }

    /// The name its bytes are stored under: imported exports are marked so that a reload
    /// reads them as exports, not as articles.
    pub fn stored_name(&self) -> String {
        if self.imported {
            format!("{}{IMPORTED_SUFFIX}", self.doc.source)
        } else {
            self.doc.source.clone()
        }
    }

    pub fn export(&self) -> Export {
        Export::new(&self.doc, self.annotations.labels(), self.annotations.entities())
    }

    /// What storage keeps of a document besides its bytes.
    pub fn stored_json(&self) -> String {
        serde_json::json!({ "annotations": self.annotations, "status": self.status }).to_string()
    }

    /// Rebuilds a stored document: ingest the bytes again (deterministic), then put back
    /// its annotations, history and status.
    pub fn restore(name: &str, bytes: Vec<u8>, stored: Option<&str>) -> Result<DocEntry, String> {
        let mut entry = match name.strip_suffix(IMPORTED_SUFFIX) {
            Some(_) => DocEntry::import(&String::from_utf8_lossy(&bytes), name)?,
            None => DocEntry::open(name, bytes, default_labels())?,
        };
        if let Some(json) = stored {
            #[derive(serde::Deserialize)]
            struct Stored {
                annotations: Annotations,
                status: DocStatus,
            }
            let stored: Stored = serde_json::from_str(json).map_err(|e| format!("{name}: stored annotations unreadable: {e}"))?;
            entry.annotations = stored.annotations;
            entry.status = stored.status;
            entry.refresh_views();
        }
        Ok(entry)
    }

    /// Reviewed share of the suggestions, in percent.
    pub fn progress(&self) -> u32 {
        let total = self.annotations.entities().len();
        if total == 0 {
            return if self.status == DocStatus::Done { 100 } else { 0 };
        }
        (100 * (total - self.annotations.unreviewed()) / total) as u32
    }
}

/// Everything the page shows.
#[derive(Default)]
pub struct Inner {
    pub docs: Vec<DocEntry>,
    pub current: usize,
    /// A message for the person, shown in an alert until dismissed or replaced.
    pub error: Option<String>,
    /// Set when storage refused a write: the person is offered an export.
    pub storage_problem: Option<String>,
    /// The entity last hovered or focused, whose evidence the side panel shows.
    pub focused: Option<String>,
    pub model: ModelState,
}

/// The statistical tagger's weights: fetched after the first paint.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum ModelState {
    #[default]
    Loading,
    Ready,
    Failed(String),
}

impl Inner {
    pub fn current(&self) -> Option<&DocEntry> {
        self.docs.get(self.current)
    }

    fn current_mut(&mut self) -> Option<&mut DocEntry> {
        self.docs.get_mut(self.current)
    }

    /// The label set new documents start with: the current document's, else the default.
    pub fn labels(&self) -> Vec<LabelDef> {
        self.current().map_or_else(default_labels, |d| d.annotations.labels().to_vec())
    }
}

#[derive(Clone)]
pub struct Workspace {
    inner: Rc<RefCell<Inner>>,
    /// Bumped on every change; equality is by version.
    pub version: u64,
    /// What the last action changed, for storage.
    pub dirty: Dirty,
}

/// What the last action changed, for the storage layer. Which documents to write is
/// told by their own `*_saved` flags; this says whether to look, and whether the
/// workspace's order and open document changed too.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Dirty {
    #[default]
    Nothing,
    /// A document's annotations or status changed.
    Documents,
    /// Documents were added, removed or reordered, or another one was opened.
    DocumentsAndOrder,
}

impl Default for Workspace {
    fn default() -> Workspace {
        Workspace { inner: Rc::new(RefCell::new(Inner::default())), version: 0, dirty: Dirty::Nothing }
    }
}

impl PartialEq for Workspace {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

impl Workspace {
    pub fn get(&self) -> Ref<'_, Inner> {
        self.inner.borrow()
    }
}

pub enum Action {
    /// Ingest these files and add them after the open ones; the first becomes current.
    /// Files that fail are named in the alert; the others still open.
    Open(Vec<(String, Vec<u8>)>),
    /// Documents restored from storage or imported from a Huaxian export.
    Restore { docs: Vec<DocEntry>, current: usize },
    /// Something outside the core failed (reading a file, a download).
    Fail(String),
    StorageFailed(String),
    DismissError,
    Focus(String),
    Select(usize),
    /// An edit of the current document's annotations.
    Edit(store::Action),
    Undo,
    Redo,
    SetStatus(DocStatus),
    /// Removes every document (the page asks first and offers an export).
    Clear,
    /// The tagger's weights arrived: documents nobody has touched yet are recognized again
    /// with the model; edited ones keep exactly what the person did.
    ModelReady(Tagger),
    ModelFailed(String),
}

impl Reducible for Workspace {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut dirty = Dirty::Nothing;
        {
            let mut ws = self.inner.borrow_mut();
            match action {
                Action::Open(files) => {
                    let labels = ws.labels();
                    let mut errors = Vec::new();
                    let first_new = ws.docs.len();
                    for (name, bytes) in files {
                        match DocEntry::open(&name, bytes, labels.clone()) {
                            // The same bytes opened twice: go to the open copy.
                            Ok(entry) => match ws.docs.iter().position(|d| d.doc.id == entry.doc.id) {
                                Some(i) if first_new == ws.docs.len() => ws.current = i,
                                Some(_) => {}
                                None => ws.docs.push(entry),
                            },
                            Err(e) => errors.push(e),
                        }
                    }
                    if ws.docs.len() > first_new {
                        ws.current = first_new;
                        ws.focused = None;
                        dirty = Dirty::DocumentsAndOrder;
                    }
                    ws.error = (!errors.is_empty()).then(|| errors.join("\n"));
                }
                Action::Restore { docs, current } => {
                    let first_new = ws.docs.len();
                    let added = docs.len();
                    for entry in docs {
                        if !ws.docs.iter().any(|d| d.doc.id == entry.doc.id) {
                            ws.docs.push(entry);
                        }
                    }
                    if added > 0 {
                        ws.current = (first_new + current).min(ws.docs.len().saturating_sub(1));
                    }
                    // Also written when nothing was added: storage has just opened, and
                    // documents opened before it did must be saved now.
                    dirty = Dirty::DocumentsAndOrder;
                }
                Action::Fail(message) => ws.error = Some(message),
                Action::StorageFailed(message) => ws.storage_problem = Some(message),
                Action::DismissError => {
                    ws.error = None;
                    ws.storage_problem = None;
                }
                Action::Focus(id) => ws.focused = Some(id),
                Action::Select(i) => {
                    if i < ws.docs.len() {
                        ws.current = i;
                        ws.focused = None;
                        dirty = Dirty::DocumentsAndOrder;
                    }
                }
                Action::Edit(edit) => {
                    if let Some(entry) = ws.current_mut() {
                        match entry.annotations.apply(edit) {
                            Ok(created) => {
                                entry.refresh_views();
                                if entry.status == DocStatus::New {
                                    entry.status = DocStatus::InProgress;
                                }
                                dirty = Dirty::Documents;
                                if let Some(id) = created {
                                    ws.focused = Some(id);
                                }
                                ws.error = None;
                            }
                            Err(e) => ws.error = Some(e.to_string()),
                        }
                    }
                }
                Action::Undo | Action::Redo => {
                    let undo = matches!(action, Action::Undo);
                    if let Some(entry) = ws.current_mut() {
                        let changed = if undo { entry.annotations.undo() } else { entry.annotations.redo() };
                        if changed {
                            entry.refresh_views();
                            dirty = Dirty::Documents;
                        }
                    }
                }
                Action::SetStatus(status) => {
                    if let Some(entry) = ws.current_mut() {
                        entry.status = status;
                        entry.annotations_saved.set(false);
                        dirty = Dirty::Documents;
                    }
                }
                Action::Clear => {
                    let model = std::mem::take(&mut ws.model);
                    *ws = Inner { model, ..Inner::default() };
                    dirty = Dirty::DocumentsAndOrder;
                }
                Action::ModelReady(tagger) => {
                    let _ = FULL.set(Recognizer::new(lexicon().clone()).with_tagger(tagger));
                    for entry in ws.docs.iter_mut().filter(|d| d.status == DocStatus::New && !d.imported && !d.annotations.can_undo()) {
                        let labels = entry.annotations.labels().to_vec();
                        entry.annotations = Annotations::new(recognize_now(&entry.doc), labels, entry.doc.text.len());
                        entry.refresh_views();
                    }
                    ws.model = ModelState::Ready;
                    dirty = Dirty::Documents;
                }
                Action::ModelFailed(e) => ws.model = ModelState::Failed(e),
            }
        }
        Rc::new(Workspace { inner: self.inner.clone(), version: self.version + 1, dirty })
    }
}
