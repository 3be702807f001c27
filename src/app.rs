//! The root component: owns the workspace reducer, wires intents to actions, handles the
//! keyboard, and keeps IndexedDB in step with every change.

use std::rc::Rc;

use huaxian_core::ingest::MAX_INPUT_BYTES;
use huaxian_core::store::Action as Edit;
use huaxian_core::Status;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::browser::{caret, files, offsets, storage};
use crate::components::document_view::{block_of, draw_caret_now, ensure_caret, entity_from, neighbour, DocumentView, Reveal};
use crate::components::side_panel::SidePanel;
use crate::components::export_panel::{ExportPanel, ExportProgress, ExportRequest};
use crate::components::lexicon_panel::LexiconPanel;
use crate::components::toolbar::Toolbar;
use huaxian_core::formats;
use crate::state::{Action, Dirty, DocEntry, DocStatus, ImportedLexicon, ModelState, Workspace};
use huaxian_core::recognize::lexicon::{self, Lexicon, LexiconFormat};

/// The sample article the project wrote, built into the app so it works offline.
const SAMPLE: &[u8] = include_bytes!("../assets/sample-article.html");

/// Every key, for the `?` help.
const KEYS: &[(&str, &str)] = &[
    ("1–9", "label the selection, or relabel the focused entity"),
    ("Delete", "delete the focused entity"),
    ("A / R", "accept / reject the focused entity"),
    ("Tab / Shift+Tab", "next / previous entity (from the caret, or into the text)"),
    ("N", "next unreviewed suggestion"),
    ("← → (Shift)", "move the caret by a character (extend the selection)"),
    ("↑ ↓ (Shift)", "move the caret by a line (extend the selection)"),
    ("Home / End (Shift)", "caret to the start / end of the line"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
    ("Alt+↓ / Alt+↑", "next / previous document"),
    ("Escape", "close menus and this help"),
    ("?", "show or hide this help"),
];

/// Reads files and dispatches them together as one [`Action::Open`].
fn open_files(list: web_sys::FileList, dispatch: UseReducerDispatcher<Workspace>) {
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    spawn_local(async move {
        let mut opened = Vec::new();
        let mut errors = Vec::new();
        for file in files {
            // Refuse what is too large before reading it into memory.
            if file.size() > MAX_INPUT_BYTES as f64 {
                let err = huaxian_core::IngestError::TooLarge { size: file.size() as usize, limit: MAX_INPUT_BYTES };
                errors.push(format!("{}: {err}", file.name()));
                continue;
            }
            match files::read_bytes(&file).await {
                Ok(bytes) => opened.push((file.name(), bytes)),
                Err(message) => errors.push(message),
            }
        }
        if !opened.is_empty() {
            dispatch.dispatch(Action::Open(opened));
        }
        if !errors.is_empty() {
            dispatch.dispatch(Action::Fail(errors.join("\n")));
        }
    });
}

/// Reads annotated files (Huaxian JSON or JSON lines, doccano, Label Studio, spaCy JSON
/// lines, Prodigy, brat `.txt` + `.ann`, IOB2) and adds their documents to continue. A
/// malformed file changes nothing and names the file, the line and the reason.
fn import_files(list: web_sys::FileList, dispatch: UseReducerDispatcher<Workspace>) {
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    spawn_local(async move {
        let mut inputs = Vec::new();
        for file in files {
            match files::read_bytes(&file).await {
                Ok(bytes) => inputs.push(formats::InputFile::new(file.name(), bytes)),
                Err(e) => return dispatch.dispatch(Action::Fail(e)),
            }
        }
        let result = formats::import(&inputs, None).map_err(|e| e.to_string()).and_then(|exports| {
            exports.into_iter().map(|x| { let name = x.document.source.clone(); DocEntry::from_export(x, &name) }).collect::<Result<Vec<_>, _>>()
        });
        match result {
            Ok(docs) => dispatch.dispatch(Action::Restore { docs, current: 0 }),
            Err(e) => dispatch.dispatch(Action::Fail(format!("nothing was imported: {e}"))),
        }
    });
}

/// Reads a lexicon file in the form its name says (`.tsv`, `.csv`, `.json`).
fn parse_lexicon(name: &str, text: &str) -> Result<ImportedLexicon, String> {
    let lexicon = Lexicon::read_file(name, text)?;
    Ok(ImportedLexicon { name: name.to_string(), entries: Rc::new(lexicon) })
}

/// Reads a lexicon file the person chose; a bad file changes nothing and says why.
fn import_lexicon(list: web_sys::FileList, dispatch: UseReducerDispatcher<Workspace>) {
    let Some(file) = list.get(0) else { return };
    // Far beyond any list of names a person writes; the automaton of a larger one would
    // cost more memory than the page should take.
    const MAX_LEXICON_BYTES: f64 = 16.0 * 1024.0 * 1024.0;
    if file.size() > MAX_LEXICON_BYTES {
        return dispatch.dispatch(Action::Fail(format!("{}: too large for a lexicon (the limit is 16 MB). The lexicon is unchanged.", file.name())));
    }
    spawn_local(async move {
        let name = file.name();
        let result = files::read_bytes(&file)
            .await
            .and_then(|bytes| String::from_utf8(bytes).map_err(|_| format!("{name}: a lexicon file must be UTF-8 text")))
            .and_then(|text| parse_lexicon(&name, &text));
        match result {
            Ok(lexicon) => dispatch.dispatch(Action::SetLexicon { lexicon: Some(lexicon), stored: false }),
            Err(e) => dispatch.dispatch(Action::Fail(format!("{e}. The lexicon is unchanged."))),
        }
    });
}

/// Waits for the browser's next task, so it can paint and answer between steps of a long
/// job. A timeout, not an animation frame: a hidden tab still finishes its export.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Runs an export request over the current document or all of them, in steps that let the
/// page paint `progress` between them (a whole workspace of long articles takes seconds);
/// returns what to tell the person.
async fn run_export(state: UseReducerHandle<Workspace>, request: ExportRequest, progress: UseStateHandle<Option<ExportProgress>>) -> Result<String, String> {
    // One snapshot of the work, taken at once, so edits made while it runs cannot mix in.
    let exports: Vec<huaxian_core::export::Export> = {
        let ws = state.get();
        if request.all_documents {
            ws.docs.iter().map(|d| d.export()).collect()
        } else {
            ws.current().map(|d| d.export()).into_iter().collect()
        }
    };
    let mut options = formats::ExportOptions {
        include_suggestions: request.include_suggestions,
        offset_unit: if request.utf16 { formats::OffsetUnit::Utf16 } else { formats::OffsetUnit::CodePoint },
        ..Default::default()
    };
    for pair in request.label_map.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (from, to) = pair.split_once('=').ok_or_else(|| format!("label map: {pair:?} is not FROM=TO"))?;
        options.label_map.insert(from.trim().to_string(), to.trim().to_string());
    }
    // Work in slices of about 40 ms, then let the page paint the progress.
    const SLICE_MS: f64 = 40.0;
    let mut job = formats::ExportJob::new(request.format, &exports, &options);
    let mut slice_start = now_ms();
    loop {
        let (done, total) = job.progress();
        if now_ms() - slice_start > SLICE_MS {
            progress.set(Some(ExportProgress { stage: format!("Checking document {} of {total}", done + 1), done, total }));
            next_task().await;
            slice_start = now_ms();
        }
        if !job.prepare_next().map_err(|e| e.to_string())? {
            break;
        }
    }
    progress.set(Some(ExportProgress { stage: format!("Writing {}", request.format.description()), done: exports.len(), total: exports.len() + 1 }));
    next_task().await;
    let output = job.write();
    let result = match output.files.as_slice() {
        [one] => files::download_bytes(&one.name, "application/octet-stream", &one.bytes),
        many => {
            let name = options.name.clone().unwrap_or_else(|| if exports.len() == 1 {
                exports[0].document.source.rsplit_once('.').map_or(exports[0].document.source.clone(), |(s, _)| s.to_string())
            } else {
                "dataset".into()
            });
            let mut zipper = formats::Zipper::new();
            let mut slice_start = now_ms();
            for (i, file) in many.iter().enumerate() {
                if now_ms() - slice_start > SLICE_MS {
                    progress.set(Some(ExportProgress { stage: format!("Compressing file {} of {}", i + 1, many.len()), done: i, total: many.len() }));
                    next_task().await;
                    slice_start = now_ms();
                }
                zipper.add(file);
            }
            files::download_bytes(&format!("{name}.{}.zip", request.format.name()), "application/zip", &zipper.finish())
        }
    };
    result.map_err(|e| format!("the export could not be saved: {e}"))?;
    let s = &output.summary;
    let mut text = format!("Wrote {} entities from {} document(s) as {}.", s.entities, s.documents, request.format.description());
    if s.suggestions_left_out > 0 {
        text.push_str(&format!(" {} unreviewed suggestions were left out.", s.suggestions_left_out));
    }
    if !s.dropped.is_empty() {
        let shown: Vec<String> = s.dropped.iter().take(5).map(|d| d.to_string()).collect();
        text.push_str(&format!(" This format cannot hold {} entities, dropped: {}{}", s.dropped.len(), shown.join("; "), if s.dropped.len() > 5 { "; …" } else { "" }));
    }
    for note in &s.notes {
        text.push_str(&format!(" {note}"));
    }
    Ok(text)
}

/// Keeps IndexedDB in step: writes what the last action changed.
#[hook]
fn use_storage(state: &UseReducerHandle<Workspace>) -> Rc<std::cell::RefCell<Option<Rc<rexie::Rexie>>>> {
    let db = use_mut_ref(|| None::<Rc<rexie::Rexie>>);
    // Open the database and restore the workspace once, at start.
    {
        let (db, dispatch) = (db.clone(), state.dispatcher());
        use_effect_with((), move |_| {
            spawn_local(async move {
                match storage::open().await {
                    Ok(handle) => {
                        let handle = Rc::new(handle);
                        // The lexicon first, so documents restored without annotations
                        // are recognized with it.
                        // Stored as TSV whatever the file was: read as TSV, named as the file was.
                        let restored = storage::load_lexicon(&handle).await.and_then(|stored| {
                            stored
                                .map(|(name, tsv)| {
                                    let entries = lexicon::parse_entries(&tsv, LexiconFormat::Tsv).map_err(|e| e.to_string())?;
                                    Ok(ImportedLexicon { name, entries: Rc::new(entries) })
                                })
                                .transpose()
                        });
                        match restored {
                            Ok(Some(lexicon)) => dispatch.dispatch(Action::SetLexicon { lexicon: Some(lexicon), stored: true }),
                            Ok(None) => {}
                            Err(e) => dispatch.dispatch(Action::Fail(format!("the imported lexicon could not be restored: {e}"))),
                        }
                        match storage::load(&handle).await {
                            Ok((stored, current)) => {
                                let docs: Vec<DocEntry> = stored
                                    .into_iter()
                                    .filter_map(|s| DocEntry::restore(&s.name, s.bytes, s.annotations.as_deref()).ok())
                                    .inspect(|d| {
                                        // Read back from storage: nothing to write again.
                                        d.source_saved.set(true);
                                        d.annotations_saved.set(true);
                                    })
                                    .collect();
                                *db.borrow_mut() = Some(handle);
                                dispatch.dispatch(Action::Restore { docs, current });
                            }
                            Err(e) => {
                                *db.borrow_mut() = Some(handle);
                                dispatch.dispatch(Action::StorageFailed(e));
                            }
                        }
                    }
                    Err(e) => dispatch.dispatch(Action::StorageFailed(e)),
                }
            });
        });
    }
    {
        let (db, state2) = (db.clone(), state.clone());
        use_effect_with(state.version, move |_| {
            let Some(handle) = db.borrow().clone() else { return };
            if state2.dirty == Dirty::Nothing && !state2.get().lexicon_stale.get() {
                return;
            }
            let with_order = state2.dirty == Dirty::DocumentsAndOrder;
            let (state3, state4, dispatch) = (state2.clone(), state2.clone(), state2.dispatcher());
            // Serialize after the browser has painted the change, so the person sees it at
            // once; the write itself is still made for every change. Only what storage
            // does not hold yet is written: a document's bytes once, its annotations after
            // each change.
            after_paint(wasm_bindgen::closure::Closure::once_into_js(move || {
                let (writes, order, lexicon) = {
                    let ws = state3.get();
                    // Some(None) forgets a removed lexicon; None leaves storage as it is.
                    let lexicon = ws.lexicon_stale.replace(false).then(|| {
                        ws.lexicon.as_ref().map(|l| (l.name.clone(), lexicon::write_entries(&l.entries, LexiconFormat::Tsv)))
                    });
                    let writes: Vec<(String, Option<(String, Rc<Vec<u8>>)>, String)> = ws
                        .docs
                        .iter()
                        .filter(|d| !d.source_saved.get() || !d.annotations_saved.get())
                        .map(|d| {
                            let source = (!d.source_saved.replace(true)).then(|| (d.stored_name(), d.bytes.clone()));
                            d.annotations_saved.set(true);
                            (d.doc.id.clone(), source, d.stored_json())
                        })
                        .collect();
                    let order = with_order.then(|| (ws.docs.iter().map(|d| d.doc.id.clone()).collect::<Vec<_>>(), ws.current));
                    (writes, order, lexicon)
                };
                spawn_local(async move {
                    let result = async {
                        if let Some(lexicon) = &lexicon {
                            storage::save_lexicon(&handle, lexicon.as_ref().map(|(n, t)| (n.as_str(), t.as_str()))).await?;
                        }
                        for (id, source, json) in &writes {
                            if let Some((name, bytes)) = source {
                                storage::save_source(&handle, id, name, bytes).await?;
                            }
                            storage::save_annotations(&handle, id, json).await?;
                        }
                        match order {
                            Some((ids, _)) if ids.is_empty() => storage::clear(&handle).await,
                            Some((ids, current)) => storage::save_order(&handle, &ids, current).await,
                            None => Ok(()),
                        }
                    }
                    .await;
                    if let Err(e) = result {
                        // Not saved after all: the next change tries these documents again.
                        let ws = state4.get();
                        for d in ws.docs.iter().filter(|d| writes.iter().any(|(id, ..)| *id == d.doc.id)) {
                            d.annotations_saved.set(false);
                            d.source_saved.set(false);
                        }
                        if lexicon.is_some() {
                            ws.lexicon_stale.set(true);
                        }
                        drop(ws);
                        dispatch.dispatch(Action::StorageFailed(e));
                    }
                });
            }));
        });
    }
    db
}

/// Runs `f` once the browser has painted the current frame (two animation frames on).
fn after_paint(f: wasm_bindgen::JsValue) {
    let Some(window) = web_sys::window() else { return };
    let w = window.clone();
    let next = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = w.request_animation_frame(f.unchecked_ref());
    });
    let _ = window.request_animation_frame(next.unchecked_ref());
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// The selection menu: where it is and which code-point range it labels.
#[derive(Clone, PartialEq)]
struct Menu {
    start: usize,
    end: usize,
    left: f64,
    top: f64,
}

/// Fetches the tagger's weights (a file beside the page) and hands them to the workspace.
async fn load_model() -> Result<huaxian_core::recognize::tagger::Tagger, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str("tagger.bin"))
        .await
        .map_err(|_| "the model file could not be fetched".to_string())?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("the model file answered {}", response.status()));
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().map_err(|_| "unreadable".to_string())?)
        .await
        .map_err(|_| "the model file could not be read".to_string())?;
    huaxian_core::recognize::tagger::Tagger::from_bytes(&js_sys::Uint8Array::new(&buffer).to_vec()).map_err(|e| e.to_string())
}

#[component(App)]
pub fn app() -> Html {
    let state = use_reducer(Workspace::default);
    let dispatch = state.dispatcher();
    let _db = use_storage(&state);
    {
        // After the first paint: lexicon and rules have already highlighted.
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            after_paint(wasm_bindgen::closure::Closure::once_into_js(move || {
                spawn_local(async move {
                    match load_model().await {
                        Ok(tagger) => dispatch.dispatch(Action::ModelReady(tagger)),
                        Err(e) => dispatch.dispatch(Action::ModelFailed(e)),
                    }
                });
            }));
        });
    }
    {
        // Documents waiting for the model get its pass one at a time, after the paint that
        // shows what lexicon and rules found, and in slices: the page paints and answers
        // keys and clicks between them.
        let running = use_mut_ref(|| false);
        let (state, dispatch) = (state.clone(), dispatch.clone());
        use_effect_with(state.version, move |_| {
            if *running.borrow() {
                return;
            }
            let Some(mut job) = state.get().next_model_job() else { return };
            *running.borrow_mut() = true;
            after_paint(wasm_bindgen::closure::Closure::once_into_js(move || {
                spawn_local(async move {
                    // Slices of about 25 ms keep every frame of a scroll or a key press
                    // within a frame or two.
                    while !job.work(25.0, now_ms) {
                        next_task().await;
                    }
                    let entities = job.finish();
                    *running.borrow_mut() = false;
                    dispatch.dispatch(Action::ModelDone(job, entities));
                });
            }));
        });
    }
    let menu = use_state(|| None::<Menu>);
    let help = use_state(|| false);
    let confirm_clear = use_state(|| false);
    let reveal = use_state(|| None::<Reveal>);
    let reveal_seq = use_mut_ref(|| 0u64);
    let export_summary = use_state(|| None::<String>);
    let export_progress = use_state(|| None::<ExportProgress>);

    let ws = state.get();
    let model_pending = ws.model_pending();
    let current = ws.current();
    let labels = current.map_or_else(|| Rc::new(huaxian_core::labels::default_labels()), |d| d.labels_view.clone());
    let entities = current.map_or_else(Rc::default, |d| d.entities_view.clone());
    let doc = current.map(|d| d.doc.clone());

    // Callbacks the side panel takes are made once: new ones on every render would make it
    // recount every entity whenever anything in the page changed.
    let edit = {
        let dispatch = dispatch.clone();
        use_callback((), move |e: Edit, ()| dispatch.dispatch(Action::Edit(e)))
    };
    let on_files = {
        let dispatch = dispatch.clone();
        Callback::from(move |list: web_sys::FileList| open_files(list, dispatch.clone()))
    };
    let on_import = {
        let dispatch = dispatch.clone();
        Callback::from(move |list: web_sys::FileList| import_files(list, dispatch.clone()))
    };
    let on_lexicon_import = {
        let dispatch = dispatch.clone();
        Callback::from(move |list: web_sys::FileList| import_lexicon(list, dispatch.clone()))
    };
    let on_lexicon_download = {
        let dispatch = dispatch.clone();
        Callback::from(move |format: LexiconFormat| {
            let (name, mime) = match format {
                LexiconFormat::Tsv => ("lexicon.tsv", "text/tab-separated-values"),
                LexiconFormat::Csv => ("lexicon.csv", "text/csv"),
                LexiconFormat::Json => ("lexicon.json", "application/json"),
            };
            if let Err(e) = files::download(name, mime, &crate::state::lexicon_file(format)) {
                dispatch.dispatch(Action::Fail(format!("the lexicon could not be saved: {e}")));
            }
        })
    };
    let on_lexicon_remove = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| dispatch.dispatch(Action::SetLexicon { lexicon: None, stored: false }))
    };
    let on_sample = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| dispatch.dispatch(Action::Open(vec![("sample-article.html".into(), SAMPLE.to_vec())])))
    };
    let on_paste = {
        let dispatch = dispatch.clone();
        Callback::from(move |file: (String, Vec<u8>)| dispatch.dispatch(Action::Open(vec![file])))
    };
    let on_export = {
        let (state, dispatch) = (state.clone(), dispatch.clone());
        Callback::from(move |()| {
            let result = {
                let ws = state.get();
                let Some(entry) = ws.current() else { return };
                let stem = entry.doc.source.rsplit_once('.').map_or(entry.doc.source.as_str(), |(s, _)| s);
                files::download(&format!("{stem}.huaxian.json"), "application/json", &entry.export().to_json_pretty())
            };
            if let Err(e) = result {
                dispatch.dispatch(Action::Fail(format!("the export could not be saved: {e}")));
            }
        })
    };
    let on_export_all = {
        let (state, dispatch) = (state.clone(), dispatch.clone());
        Callback::from(move |()| {
            let lines: Vec<String> = state.get().docs.iter().map(|d| d.export().to_json_line()).collect();
            if let Err(e) = files::download("workspace.huaxian.jsonl", "application/jsonl", &(lines.join("\n") + "\n")) {
                dispatch.dispatch(Action::Fail(format!("the export could not be saved: {e}")));
            }
        })
    };
    let on_export_as = {
        let (state, dispatch, export_summary, progress) = (state.clone(), dispatch.clone(), export_summary.clone(), export_progress.clone());
        Callback::from(move |request: ExportRequest| {
            if progress.is_some() {
                return; // one export at a time
            }
            let (state, dispatch, export_summary, progress) = (state.clone(), dispatch.clone(), export_summary.clone(), progress.clone());
            export_summary.set(None);
            progress.set(Some(ExportProgress { stage: "Starting".into(), done: 0, total: 1 }));
            spawn_local(async move {
                let result = run_export(state, request, progress.clone()).await;
                progress.set(None);
                match result {
                    Ok(summary) => export_summary.set(Some(summary)),
                    Err(e) => dispatch.dispatch(Action::Fail(e)),
                }
            });
        })
    };
    let on_clear = {
        let confirm_clear = confirm_clear.clone();
        Callback::from(move |()| confirm_clear.set(true))
    };
    let on_focus = {
        let dispatch = dispatch.clone();
        use_callback((), move |id: String, ()| dispatch.dispatch(Action::Focus(id)))
    };
    let on_go = {
        let (state, reveal, reveal_seq) = (state.clone(), reveal.clone(), reveal_seq.clone());
        // The handles it holds read and set the live state, so one made at the first
        // render serves for good.
        use_callback((), move |id: String, ()| {
            // The document view renders the entity's block if it is not, then focuses it.
            let target = {
                let ws = state.get();
                ws.current().and_then(|entry| {
                    let block = block_of(&entry.doc, entry.annotations.entity(&id)?.range.start);
                    Some((entry.doc.id.clone(), block))
                })
            };
            if let Some((doc, block)) = target {
                let seq = {
                    let mut seq = reveal_seq.borrow_mut();
                    *seq += 1;
                    *seq
                };
                reveal.set(Some(Reveal { doc, id, block, seq }));
            }
        })
    };
    // After a mouse selection inside the article, offer the label menu at the selection.
    let on_mouseup = {
        let menu = menu.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(selection) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) else { return };
            match offsets::selection_to_offsets(&selection) {
                Some((start, end)) => {
                    let rect = selection.get_range_at(0).ok().map(|r| r.get_bounding_client_rect());
                    let scroll_y = web_sys::window().and_then(|w| w.scroll_y().ok()).unwrap_or(0.0);
                    let (left, top) = rect.map_or((0.0, 0.0), |r| (r.left(), r.bottom() + scroll_y + 6.0));
                    menu.set(Some(Menu { start, end, left, top }));
                }
                None => menu.set(None),
            }
        })
    };
    let label_selection = {
        let (state, menu, dispatch) = (state.clone(), menu.clone(), dispatch.clone());
        move |label: String, start: usize, end: usize| {
            let range = state.get().current().and_then(|entry| entry.doc.chars_to_bytes(&(start..end)));
            if let Some(range) = range {
                dispatch.dispatch(Action::Edit(Edit::Add { range, label }));
            }
            menu.set(None);
            if let Some(sel) = caret::selection() {
                if in_text() {
                    // Labelled by keyboard: the caret goes on from the end of the new entity,
                    // once its block has been rendered again.
                    spawn_local(async move {
                        if let Some(article) = document().and_then(|d| d.query_selector("article.document").ok().flatten()) {
                            caret::select(&article, end, end);
                        }
                    });
                } else {
                    let _ = sel.remove_all_ranges();
                }
            }
        }
    };
    let on_keydown = {
        let (state, dispatch, help, menu, label_selection, on_go) =
            (state.clone(), dispatch.clone(), help.clone(), menu.clone(), label_selection.clone(), on_go.clone());
        Callback::from(move |e: KeyboardEvent| {
            // Typing in a field is typing, not a command.
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                if matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") {
                    return;
                }
            }
            let key = e.key();
            let ctrl = e.ctrl_key() || e.meta_key();
            // Read what the keys need, then let go of the state before dispatching: the
            // reducer borrows it mutably.
            let (has_doc, focused, labels, next_unreviewed, current, count, entities, doc) = {
                let ws = state.get();
                match ws.current() {
                    None => (false, None, Vec::new(), None, 0, 0, Rc::default(), None),
                    Some(entry) => {
                        let focused = ws.focused.clone().filter(|id| entry.annotations.entity(id).is_some());
                        let after = focused.as_deref().and_then(|id| entry.annotations.entity(id)).map(|e| e.range.start);
                        let suggested = || entry.annotations.entities().iter().filter(|e| e.status == Status::Suggested);
                        let next = suggested()
                            .find(|e| after.is_none_or(|a| e.range.start > a))
                            .or_else(|| suggested().next())
                            .map(|e| e.id.clone());
                        let labels: Vec<String> = entry.annotations.labels().iter().map(|l| l.name.clone()).collect();
                        (true, focused, labels, next, ws.current, ws.docs.len(), entry.entities_view.clone(), Some(entry.doc.clone()))
                    }
                }
            };
            if !has_doc {
                if key == "?" {
                    help.set(!*help);
                }
                return;
            }
            let active = document().and_then(|d| d.active_element());
            let active_is_mark = active.as_ref().is_some_and(|a| a.tag_name() == "MARK");
            let active_is_text = active.as_ref().is_some_and(|a| a.matches("article.document").unwrap_or(false));
            let selection = caret::selection();
            // The caret (the selection's focus) as a code point, when it is in the text.
            let caret_at = selection
                .as_ref()
                .filter(|s| s.range_count() > 0)
                .and_then(|s| s.focus_node().zip(Some(s.focus_offset())))
                .filter(|(node, _)| in_article(node))
                .and_then(|(node, offset)| offsets::dom_point_to_offset(&node, offset));
            let handled = match key.as_str() {
                "z" | "Z" if ctrl && e.shift_key() => {
                    dispatch.dispatch(Action::Redo);
                    true
                }
                "z" | "Z" if ctrl => {
                    dispatch.dispatch(Action::Undo);
                    true
                }
                "y" if ctrl => {
                    dispatch.dispatch(Action::Redo);
                    true
                }
                _ if ctrl => false,
                "?" => {
                    help.set(!*help);
                    true
                }
                "Escape" => {
                    help.set(false);
                    menu.set(None);
                    true
                }
                "ArrowDown" | "ArrowUp" if e.alt_key() => {
                    let next = if key == "ArrowDown" { current + 1 } else { current.wrapping_sub(1) };
                    if next < count {
                        dispatch.dispatch(Action::Select(next));
                    }
                    true
                }
                k if k.len() == 1 && k.as_bytes()[0].is_ascii_digit() && k != "0" => {
                    let index = (k.as_bytes()[0] - b'1') as usize;
                    let Some(label) = labels.get(index).cloned() else { return };
                    if let Some((start, end)) = selection.as_ref().and_then(offsets::selection_to_offsets) {
                        label_selection(label, start, end);
                    } else if let Some(id) = focused.filter(|_| active_is_mark) {
                        dispatch.dispatch(Action::Edit(Edit::Relabel { id, label }));
                    }
                    true
                }
                "Delete" | "Backspace" if active_is_mark => {
                    if let Some(id) = focused {
                        // Keep the keyboard in the text: focus the next entity first.
                        let next = neighbour(&entities, &id, 1);
                        dispatch.dispatch(Action::Edit(Edit::Remove { id }));
                        if let Some(next) = next {
                            on_go.emit(next);
                        }
                    }
                    true
                }
                "a" | "A" | "r" | "R" if active_is_mark => {
                    let status = if key.eq_ignore_ascii_case("a") { Status::Accepted } else { Status::Rejected };
                    if let Some(id) = focused {
                        dispatch.dispatch(Action::Edit(Edit::SetStatus { id, status }));
                    }
                    true
                }
                "Tab" if active_is_mark => {
                    let step = if e.shift_key() { -1 } else { 1 };
                    match focused.and_then(|id| neighbour(&entities, &id, step)) {
                        Some(next) => {
                            on_go.emit(next);
                            true
                        }
                        None => false,
                    }
                }
                // From the caret in the text: the entity after it (before it, with Shift).
                "Tab" if active_is_text && caret_at.is_some() => {
                    let forward = !e.shift_key();
                    match doc.as_ref().zip(caret_at).and_then(|(doc, at)| entity_from(doc, &entities, at, forward)) {
                        Some(next) => {
                            on_go.emit(next);
                            true
                        }
                        None => false,
                    }
                }
                "n" | "N" => {
                    if let Some(id) = next_unreviewed {
                        on_go.emit(id);
                    }
                    true
                }
                // With the focus on the text itself, arrows always work the caret (the first
                // one puts it in view if there is none yet).
                "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End" if active_is_text && caret_at.is_none() => {
                    ensure_caret();
                    true
                }
                "ArrowLeft" | "ArrowRight" if active_is_mark || selection.as_ref().is_some_and(|s| s.range_count() > 0) => {
                    move_caret(selection.as_ref(), key == "ArrowRight", e.shift_key(), "character");
                    true
                }
                "ArrowUp" | "ArrowDown" if (active_is_mark || active_is_text) && caret_at.is_some() => {
                    move_caret(selection.as_ref(), key == "ArrowDown", e.shift_key(), "line");
                    true
                }
                "Home" | "End" if (active_is_mark || active_is_text) && caret_at.is_some() => {
                    move_caret(selection.as_ref(), key == "End", e.shift_key(), "lineboundary");
                    true
                }
                _ => false,
            };
            if handled {
                e.prevent_default();
            }
        })
    };
    let dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::DismissError))
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_drop = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
                open_files(files, dispatch.clone());
            }
        })
    };
    let select_doc = |i: usize| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Select(i)))
    };
    let set_status = |status: DocStatus| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::SetStatus(status)))
    };
    let (undo, redo) = {
        let (d1, d2) = (dispatch.clone(), dispatch.clone());
        (Callback::from(move |_: MouseEvent| d1.dispatch(Action::Undo)), Callback::from(move |_: MouseEvent| d2.dispatch(Action::Redo)))
    };
    let clear_dialog = if *confirm_clear {
        let count = ws.docs.len();
        let (cancel, confirm) = {
            let (c1, c2, d) = (confirm_clear.clone(), confirm_clear.clone(), dispatch.clone());
            (
                Callback::from(move |_: MouseEvent| c1.set(false)),
                Callback::from(move |_: MouseEvent| {
                    d.dispatch(Action::Clear);
                    c2.set(false);
                }),
            )
        };
        let export_first = on_export_all.reform(|_: MouseEvent| ());
        html! {
            <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="clear-title">
                <h2 id="clear-title">{ "Clear the workspace?" }</h2>
                <p>{ format!("This removes {count} document(s) and their annotations from this browser. Export them first to keep them.") }</p>
                <button type="button" id="clear-export" onclick={export_first}>{ "Export all first" }</button>
                <button type="button" id="clear-confirm" class="danger" onclick={confirm}>{ "Clear" }</button>
                <button type="button" id="clear-cancel" onclick={cancel}>{ "Cancel" }</button>
            </div>
        }
    } else {
        html! {}
    };

    html! {
        <div class="app" ondragover={on_dragover} ondrop={on_drop} onkeydown={on_keydown}>
            <header class="app-header">
                <span class="brand">{ "划线 Huaxian" }</span>
                <Toolbar {on_files} {on_sample} {on_paste} {on_export} {on_import} on_export_all={on_export_all.clone()} {on_clear}
                    can_export={current.is_some()} />
                <span class="model-status" aria-live="polite" data-state={match &ws.model {
                    ModelState::Loading => "loading",
                    ModelState::Ready if model_pending > 0 => "running",
                    ModelState::Ready => "ready",
                    ModelState::Failed(_) => "failed",
                }}>
                    { match &ws.model {
                        ModelState::Loading => "model: loading…".to_string(),
                        ModelState::Ready if model_pending > 0 => format!("model: adding suggestions ({model_pending} document(s) to go)…"),
                        ModelState::Ready => "model: ready".to_string(),
                        ModelState::Failed(e) => format!("model unavailable ({e}); lexicon and rules still work"),
                    } }
                </span>
                if let Some(entry) = current {
                    <span class="history">
                        <button type="button" id="undo-button" onclick={undo} disabled={!entry.annotations.can_undo()} aria-label="undo (Ctrl+Z)">{ "↶ Undo" }</button>
                        <button type="button" id="redo-button" onclick={redo} disabled={!entry.annotations.can_redo()} aria-label="redo (Ctrl+Shift+Z)">{ "↷ Redo" }</button>
                    </span>
                }
            </header>
            if let Some(error) = &ws.error {
                <div class="error" role="alert">
                    <span class="error-text">{ error }</span>
                    <button type="button" onclick={dismiss.clone()} aria-label="dismiss">{ "×" }</button>
                </div>
            }
            if let Some(problem) = &ws.storage_problem {
                <div class="error storage-warning" role="alert">
                    <span class="error-text">{ problem }</span>
                    <button type="button" class="storage-export" onclick={on_export_all.reform(|_: MouseEvent| ())}>{ "Export all now" }</button>
                    <button type="button" onclick={dismiss} aria-label="dismiss">{ "×" }</button>
                </div>
            }
            if ws.docs.len() > 1 {
                <nav class="doc-list" aria-label="documents">
                    <button type="button" id="prev-doc" disabled={ws.current == 0} onclick={select_doc(ws.current.saturating_sub(1))}>{ "‹ Previous" }</button>
                    <ol>
                        { for ws.docs.iter().enumerate().map(|(i, d)| html! {
                            <li class={classes!("doc-item", (i == ws.current).then_some("current"))} data-status={d.status.as_str()}>
                                <button type="button" onclick={select_doc(i)} aria-current={(i == ws.current).then_some("page")}>
                                    { &d.doc.source }
                                    <span class="doc-status">{ format!(" · {} · {}%", d.status.as_str(), d.progress()) }</span>
                                </button>
                            </li>
                        }) }
                    </ol>
                    <button type="button" id="next-doc" disabled={ws.current + 1 >= ws.docs.len()} onclick={select_doc(ws.current + 1)}>{ "Next ›" }</button>
                </nav>
            }
            <div class="workspace">
                <main class="reader" onmouseup={on_mouseup}>
                    <LexiconPanel entries={crate::state::lexicon_len()}
                        imported={ws.lexicon.as_ref().map(|l| (l.name.clone(), l.entries.len()))}
                        on_import={on_lexicon_import} on_download={on_lexicon_download} on_remove={on_lexicon_remove} />
                    if let (Some(doc), Some(entry)) = (&doc, current) {
                        <ExportPanel on_export={on_export_as} summary={(*export_summary).clone()} progress={(*export_progress).clone()} />
                        <div class="doc-status-bar">
                            { format!("Status: {}", entry.status.as_str()) }
                            if entry.status != DocStatus::Done {
                                <button type="button" id="mark-done" onclick={set_status(DocStatus::Done)}>{ "Mark done" }</button>
                            } else {
                                <button type="button" id="mark-in-progress" onclick={set_status(DocStatus::InProgress)}>{ "Reopen" }</button>
                            }
                        </div>
                        <DocumentView key={doc.id.clone()} doc={doc.clone()} entities={entities.clone()}
                            labels={labels.clone()} on_focus={on_focus.clone()} reveal={(*reveal).clone()} />
                    } else {
                        <div class="empty">
                            <h1>{ "Open an article to see its entities" }</h1>
                            <p>{ "Choose files, drop them here, paste HTML or text, or try the sample. Everything stays on this machine: nothing is uploaded. Press ? for the keys." }</p>
                        </div>
                    }
                </main>
                <SidePanel labels={labels.clone()} doc={doc.clone()} entities={entities.clone()}
                    focused={ws.focused.clone()} on_edit={edit} on_go={on_go} />
            </div>
            if let Some(m) = (*menu).clone() {
                <div class="label-menu" role="menu" aria-label="label the selection"
                    style={format!("left: {}px; top: {}px", m.left.max(0.0), m.top)}>
                    { for labels.iter().enumerate().map(|(i, l)| {
                        let (label_selection, name) = (label_selection.clone(), l.name.clone());
                        let onclick = Callback::from(move |_: MouseEvent| label_selection(name.clone(), m.start, m.end));
                        html! {
                            <button type="button" role="menuitem" data-label={l.name.clone()} {onclick}
                                style={format!("--label-color: {}", l.color)}>
                                if i < 9 { <kbd>{ i + 1 }</kbd>{ " " } }{ &l.name }
                            </button>
                        }
                    }) }
                </div>
            }
            if *help {
                <div class="dialog help" role="dialog" aria-modal="true" aria-labelledby="help-title">
                    <h2 id="help-title">{ "Keys" }</h2>
                    <dl>{ for KEYS.iter().map(|(k, what)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></> }) }</dl>
                    <p>{ "Select text with the mouse (double-click selects a word), or Tab into the text for a caret and select with Shift+arrows; then press a number." }</p>
                </div>
            }
            { clear_dialog }
        </div>
    }
}

/// Whether `node` is inside the article's text.
fn in_article(node: &web_sys::Node) -> bool {
    document()
        .and_then(|d| d.query_selector("article.document").ok().flatten())
        .is_some_and(|a| a.contains(Some(node)))
}

/// Whether the focus is in the article (the text itself or an entity in it).
fn in_text() -> bool {
    document().and_then(|d| d.active_element()).is_some_and(|a| in_article(&a))
}

/// Moves or extends the selection by one `granularity` ("character", "line",
/// "lineboundary"), then scrolls the caret into view. Starting from a focused mark, the
/// caret starts at the mark's start (or end, going right).
fn move_caret(selection: Option<&web_sys::Selection>, forward: bool, extend: bool, granularity: &str) {
    let Some(selection) = selection else { return };
    if selection.range_count() == 0 {
        // First arrow from a focused entity: the caret lands on its edge.
        if let Some(active) = document().and_then(|d| d.active_element()) {
            let _ = selection.collapse_with_offset(Some(&active), if forward { active.child_nodes().length() } else { 0 });
        }
        if !extend {
            draw_caret_now();
            return;
        }
    }
    let direction = if forward { "forward" } else { "backward" };
    let _ = selection.modify(if extend { "extend" } else { "move" }, direction, granularity);
    caret::keep_in_view();
    draw_caret_now();
}
