//! The root component: owns the workspace reducer and wires intents to actions.

use huaxian_core::export::Export;
use huaxian_core::ingest::MAX_INPUT_BYTES;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::browser::files;
use crate::components::{document_view::DocumentView, side_panel::SidePanel, toolbar::Toolbar};
use crate::state::{Action, Workspace};

/// The sample article the project wrote, built into the app so it works offline.
const SAMPLE: &[u8] = include_bytes!("../assets/sample-article.html");

/// Reads the first file of a list and dispatches it as an [`Action::Open`].
fn open_first(files: web_sys::FileList, dispatch: UseReducerDispatcher<Workspace>) {
    let Some(file) = files.get(0) else { return };
    // Refuse what is too large before reading it into memory.
    if file.size() > MAX_INPUT_BYTES as f64 {
        let err = huaxian_core::IngestError::TooLarge { size: file.size() as usize, limit: MAX_INPUT_BYTES };
        dispatch.dispatch(Action::Fail(format!("{}: {err}", file.name())));
        return;
    }
    spawn_local(async move {
        match files::read_bytes(&file).await {
            Ok(bytes) => dispatch.dispatch(Action::Open { name: file.name(), bytes }),
            Err(message) => dispatch.dispatch(Action::Fail(message)),
        }
    });
}

#[component(App)]
pub fn app() -> Html {
    let state = use_reducer(Workspace::default);
    let dispatch = state.dispatcher();

    let on_files = {
        let dispatch = dispatch.clone();
        Callback::from(move |list: web_sys::FileList| open_first(list, dispatch.clone()))
    };
    let on_sample = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| {
            dispatch.dispatch(Action::Open { name: "sample-article.html".into(), bytes: SAMPLE.to_vec() })
        })
    };
    let on_paste = {
        let dispatch = dispatch.clone();
        Callback::from(move |(name, bytes): (String, Vec<u8>)| dispatch.dispatch(Action::Open { name, bytes }))
    };
    let on_export = {
        let (state, dispatch) = (state.clone(), dispatch.clone());
        Callback::from(move |()| {
            let Some(open) = &state.open else { return };
            let export = Export::new(&open.doc, &state.labels, &open.entities);
            let stem = open.doc.source.rsplit_once('.').map_or(open.doc.source.as_str(), |(s, _)| s);
            if let Err(e) = files::download(&format!("{stem}.huaxian.json"), "application/json", &export.to_json_pretty()) {
                dispatch.dispatch(Action::Fail(format!("the export could not be saved: {e}")));
            }
        })
    };
    let on_focus = {
        let dispatch = dispatch.clone();
        use_callback((), move |id: String, ()| dispatch.dispatch(Action::Focus(id)))
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_drop = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
                open_first(files, dispatch.clone());
            }
        })
    };
    let dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::DismissError))
    };

    html! {
        <div class="app" ondragover={on_dragover} ondrop={on_drop}>
            <header class="app-header">
                <span class="brand">{ "划线 Huaxian" }</span>
                <Toolbar {on_files} {on_sample} {on_paste} {on_export} can_export={state.open.is_some()} />
            </header>
            if let Some(error) = &state.error {
                <div class="error" role="alert">
                    <span class="error-text">{ error }</span>
                    <button type="button" onclick={dismiss} aria-label="dismiss">{ "×" }</button>
                </div>
            }
            <div class="workspace">
                <main class="reader">
                    if let Some(open) = &state.open {
                        <DocumentView key={open.doc.id.clone()} doc={open.doc.clone()} entities={open.entities.clone()}
                            labels={state.labels.clone()} on_focus={on_focus.clone()} />
                    } else {
                        <div class="empty">
                            <h1>{ "Open an article to see its entities" }</h1>
                            <p>{ "Choose a file, drop one here, paste HTML or text, or try the sample. Everything stays on this machine: nothing is uploaded." }</p>
                        </div>
                    }
                </main>
                <SidePanel labels={state.labels.clone()} open={state.open.clone()} focused={state.focused.clone()} />
            </div>
        </div>
    }
}
