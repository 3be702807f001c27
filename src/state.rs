//! The app's state and the intents that change it. Components dispatch [`Action`]s; the
//! reducer calls the core. Nothing here renders.
//!
//! The workspace lives behind one `Rc<RefCell<..>>` and is changed in place: cloning
//! 20,000 entities on every key press would cost more than the edit. A version number
//! tells Yew that something changed; components receive derived values and re-render only
//! when those differ.

use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

use huaxian_core::export::Export;
use huaxian_core::labels::default_labels;
use huaxian_core::recognize::lexicon::{Lexicon, LexiconEntry, LexiconFormat};
use huaxian_core::recognize::{tagger::Tagger, Pass, Recognizer};
use huaxian_core::store::{self, Annotations};
use huaxian_core::{Document, LabelDef};
use yew::Reducible;

thread_local! {
    /// The page's one recognizer: an imported lexicon (if any) before the built-in one,
    /// the rules, and the tagger once its weights arrive after the first paint. It lives
    /// here rather than in the workspace so that restoring from storage uses it too; the
    /// page is single-threaded, and nothing else holds a copy of the lexicon.
    static RECOGNIZER: RefCell<Recognizer> = RefCell::new(Recognizer::new(Lexicon::builtin()));
}

thread_local! {
    /// Counts changes of the recognizer's lexicon: a model pass that started before one
    /// is thrown away.
    static RECOGNIZER_GENERATION: Cell<u64> = const { Cell::new(0) };
}

fn with_recognizer<T>(f: impl FnOnce(&Recognizer) -> T) -> T {
    RECOGNIZER.with(|r| f(&r.borrow()))
}

/// The model's pass over one document, done a slice at a time so the page keeps painting
/// and answering: lexicon and rules at the first step, then whole sentences for the
/// tagger until a slice's time is up, then the merge ([`Action::ModelDone`]).
pub struct ModelJob {
    pub doc: Rc<Document>,
    pass: Option<Pass>,
    generation: u64,
}

impl ModelJob {
    /// Works for about `slice_ms` (timed by `now_ms`); true once the pass is done and
    /// [`ModelJob::finish`] may be called.
    pub fn work(&mut self, slice_ms: f64, now_ms: impl Fn() -> f64) -> bool {
        let start = now_ms();
        let text = &self.doc.text;
        with_recognizer(|r| {
            let pass = self.pass.get_or_insert_with(|| r.start(text));
            // About a few milliseconds of tagging in the page between looks at the clock.
            while r.step(text, pass, 4096) {
                if now_ms() - start >= slice_ms {
                    return false;
                }
            }
            true
        })
    }

    /// The document's entities from the finished pass.
    pub fn finish(&mut self) -> Vec<huaxian_core::Entity> {
        let pass = self.pass.take().expect("finish after work returned true");
        with_recognizer(|r| r.finish(&self.doc.text, pass))
    }
}

/// Texts longer than this (bytes) get lexicon and rules only: the tagger tags about a
/// million characters a second natively, slower in the page, and a 50 MB article must
/// still open in seconds.
pub const MODEL_MAX_TEXT: usize = 4 * 1024 * 1024;

/// Texts up to this length (bytes) get the model's suggestions in the same step as the
/// lexicon's, as the tagger needs a few tens of milliseconds for them. Longer ones are
/// painted with lexicon and rules first; the model's pass follows in slices after the paint
/// ([`ModelJob`], then [`Action::ModelDone`]).
pub const MODEL_INLINE_MAX: usize = 64 * 1024;

/// What a document is recognized with at once, and whether the model's pass is still to
/// come (the tagger has not arrived, or the text is long enough to paint first).
fn first_pass(doc: &Document) -> (Vec<huaxian_core::Entity>, Option<Pass>) {
    let text = &doc.text;
    with_recognizer(|r| {
        // Lexicon and rules run once: what they found is painted now and, for the model's
        // pass to come, kept in the pass it continues from.
        if text.len() > MODEL_MAX_TEXT {
            return (huaxian_core::recognize::recognize(doc, r.lexicon()), None);
        }
        let mut pass = r.start(text);
        if r.has_tagger() && text.len() <= MODEL_INLINE_MAX {
            while r.step(text, &mut pass, usize::MAX) {}
            (r.finish(text, pass), None)
        } else {
            (r.finish(text, pass.clone()), Some(pass))
        }
    })
}

/// The lexicon the recognizer uses now (imported entries first), in a file format.
pub fn lexicon_file(format: LexiconFormat) -> String {
    with_recognizer(|r| r.lexicon().write(format))
}

/// Entries in the lexicon the recognizer uses now.
pub fn lexicon_len() -> usize {
    with_recognizer(|r| r.lexicon().entries().len())
}

/// A lexicon a person imported, as the workspace shows and stores it.
#[derive(Clone)]
pub struct ImportedLexicon {
    /// The file it came from.
    pub name: String,
    /// Its entries; the recognizer compiles them with the built-in ones.
    pub entries: Rc<Vec<LexiconEntry>>,
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
    /// The model's suggestions are still to be added (see [`ModelJob`]).
    pub model_pending: bool,
    /// Lexicon and rules as the first pass found them, for the model's pass to continue
    /// from (absent after a reload or a lexicon change: the pass then starts afresh).
    prepared: RefCell<Option<Pass>>,
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
            model_pending: false,
            prepared: RefCell::new(None),
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
        let (entities, prepared) = first_pass(&doc);
        let annotations = Annotations::new(entities, labels, doc.text.len());
        let mut entry = DocEntry::new(doc, bytes, annotations, DocStatus::New, false);
        entry.model_pending = prepared.is_some();
        entry.prepared = RefCell::new(prepared);
        Ok(entry)
    }

    /// Nobody has labelled, reviewed or imported anything here: recognition may replace
    /// its suggestions (a better lexicon, the model's pass) without losing work.
    pub fn untouched(&self) -> bool {
        self.status == DocStatus::New && !self.imported && !self.annotations.can_undo()
    }

    /// Replaces an untouched document's suggestions; `prepared` is the pass the model
    /// continues from, if its pass is still to come.
    fn replace_suggestions(&mut self, entities: Vec<huaxian_core::Entity>, prepared: Option<Pass>) {
        let labels = self.annotations.labels().to_vec();
        self.annotations = Annotations::new(entities, labels, self.doc.text.len());
        self.model_pending = prepared.is_some();
        self.prepared = RefCell::new(prepared);
        self.refresh_views();
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
        serde_json::json!({ "annotations": self.annotations, "status": self.status, "model_pending": self.model_pending }).to_string()
    }

    /// Rebuilds a stored document: ingest the bytes again (deterministic), then put back
    /// its annotations, history and status.
    pub fn restore(name: &str, bytes: Vec<u8>, stored: Option<&str>) -> Result<DocEntry, String> {
        let mut entry = match (name.strip_suffix(IMPORTED_SUFFIX), stored) {
            (Some(_), _) => DocEntry::import(&String::from_utf8_lossy(&bytes), name)?,
            (None, None) => DocEntry::open(name, bytes, default_labels())?,
            // The stored annotations replace whatever recognition would find: ingest only.
            (None, Some(_)) => {
                let doc = huaxian_core::ingest(&bytes, name).map_err(|e| format!("{name}: {e}"))?;
                let annotations = Annotations::new(Vec::new(), default_labels(), doc.text.len());
                DocEntry::new(doc, bytes, annotations, DocStatus::New, false)
            }
        };
        if let Some(json) = stored {
            #[derive(serde::Deserialize)]
            struct Stored {
                annotations: Annotations,
                status: DocStatus,
                /// Absent in what older versions stored: then untouched documents get
                /// the model's pass again (recognition is deterministic, so at worst
                /// the same suggestions come back).
                #[serde(default)]
                model_pending: Option<bool>,
            }
            let stored: Stored = serde_json::from_str(json).map_err(|e| format!("{name}: stored annotations unreadable: {e}"))?;
            entry.annotations = stored.annotations;
            entry.status = stored.status;
            entry.model_pending = stored.model_pending.unwrap_or_else(|| entry.untouched() && entry.doc.text.len() <= MODEL_MAX_TEXT);
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
    /// A lexicon the person imported, used before the built-in one.
    pub lexicon: Option<ImportedLexicon>,
    /// Storage does not hold the current imported lexicon (or its removal) yet.
    pub lexicon_stale: Cell<bool>,
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
    /// Documents still waiting for the model's suggestions (shown while the model runs).
    pub fn model_pending(&self) -> usize {
        if self.model != ModelState::Ready {
            return 0;
        }
        self.docs.iter().filter(|d| d.model_pending).count()
    }

    /// The next document for the model's pass: the open one first.
    pub fn next_model_job(&self) -> Option<ModelJob> {
        if self.model != ModelState::Ready {
            return None;
        }
        let entry = self.current().filter(|d| d.model_pending).or_else(|| self.docs.iter().find(|d| d.model_pending))?;
        Some(ModelJob { doc: entry.doc.clone(), pass: entry.prepared.take(), generation: RECOGNIZER_GENERATION.with(Cell::get) })
    }

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
    /// The tagger's weights arrived. The documents waiting for it get its pass one by one
    /// ([`ModelJob`]).
    ModelReady(Tagger),
    ModelFailed(String),
    /// A [`ModelJob`] is done: its document takes the whole pipeline's suggestions if
    /// nobody has touched it meanwhile and the recognizer is still the one it ran with;
    /// edited documents keep exactly what the person did.
    ModelDone(ModelJob, Vec<huaxian_core::Entity>),
    /// Uses this lexicon before the built-in one (or only the built-in one), and recognizes
    /// untouched documents again. `stored` says storage already holds it.
    SetLexicon { lexicon: Option<ImportedLexicon>, stored: bool },
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
                            Ok(store::Applied { changed: false, .. }) => ws.error = None,
                            Ok(store::Applied { created, .. }) => {
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
                    // The documents go; the model and an imported lexicon are settings and stay.
                    let (model, lexicon) = (std::mem::take(&mut ws.model), ws.lexicon.take());
                    *ws = Inner { model, lexicon, ..Inner::default() };
                    dirty = Dirty::DocumentsAndOrder;
                }
                Action::ModelReady(tagger) => {
                    RECOGNIZER.with(|r| r.borrow_mut().set_tagger(tagger));
                    ws.model = ModelState::Ready;
                }
                Action::ModelDone(job, entities) => {
                    let current = ws.current;
                    let fresh = job.generation == RECOGNIZER_GENERATION.with(Cell::get);
                    if let Some(i) = ws.docs.iter().position(|d| d.doc.id == job.doc.id) {
                        let entry = &mut ws.docs[i];
                        if !fresh {
                            // The lexicon changed meanwhile; the document waits for a new pass.
                        } else if !entry.untouched() {
                            // The person began before the model finished: its own finds join
                            // as suggestions where the text is free, as one undoable step.
                            let model: Vec<_> = entities.into_iter().filter(|e| e.source == huaxian_core::EntitySource::Model).collect();
                            entry.model_pending = false;
                            if entry.annotations.apply(store::Action::Suggest { entities: model }).is_ok_and(|a| a.changed) {
                                entry.refresh_views();
                            }
                            entry.annotations_saved.set(false);
                        } else {
                            entry.replace_suggestions(entities, None);
                            // Ids were given anew: a focus would point at another entity.
                            if i == current {
                                ws.focused = None;
                            }
                        }
                        dirty = Dirty::Documents;
                    }
                }
                Action::SetLexicon { lexicon, stored } => {
                    let combined = match &lexicon {
                        Some(imported) => Lexicon::builtin_with(&imported.entries),
                        None => Lexicon::builtin(),
                    };
                    RECOGNIZER.with(|r| r.borrow_mut().set_lexicon(combined));
                    RECOGNIZER_GENERATION.with(|g| g.set(g.get() + 1));
                    ws.lexicon = lexicon;
                    ws.lexicon_stale.set(!stored);
                    for entry in ws.docs.iter_mut() {
                        if entry.untouched() {
                            let (entities, prepared) = first_pass(&entry.doc);
                            entry.replace_suggestions(entities, prepared);
                        } else {
                            // Found with the old lexicon: the model's pass starts afresh.
                            entry.prepared.take();
                        }
                    }
                    ws.focused = None;
                    dirty = Dirty::Documents;
                }
                Action::ModelFailed(e) => ws.model = ModelState::Failed(e),
            }
        }
        Rc::new(Workspace { inner: self.inner.clone(), version: self.version + 1, dirty })
    }
}
