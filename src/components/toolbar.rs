//! Ways in and out: open a file, try the sample, paste, export.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// A file input changed: the chosen files.
    pub on_files: Callback<web_sys::FileList>,
    pub on_sample: Callback<()>,
    /// Pasted content: (name, bytes), HTML when the clipboard had HTML.
    pub on_paste: Callback<(String, Vec<u8>)>,
    pub on_export: Callback<()>,
    /// Huaxian exports (JSON or JSON lines) chosen to continue their work.
    pub on_import: Callback<web_sys::FileList>,
    pub on_export_all: Callback<()>,
    pub on_clear: Callback<()>,
    pub can_export: bool,
}

/// A file input's `change`: hand over the chosen files, then clear the input so the same
/// file can be chosen again.
pub(crate) fn files_chosen(cb: &Callback<web_sys::FileList>) -> Callback<Event> {
    let cb = cb.clone();
    Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        if let Some(files) = input.files() {
            cb.emit(files);
        }
        input.set_value("");
    })
}

#[component(Toolbar)]
pub fn toolbar(props: &Props) -> Html {
    // The clipboard's HTML flavour, if the last paste had one and the text was not edited
    // since: rich pastes keep their paragraphs.
    let pasted_html = use_mut_ref(|| None::<String>);
    let textarea = use_node_ref();

    let on_change = files_chosen(&props.on_files);
    let on_paste_event = {
        let pasted_html = pasted_html.clone();
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            let html = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|c| c.clipboard_data())
                .and_then(|d| d.get_data("text/html").ok())
                .filter(|h| !h.trim().is_empty());
            *pasted_html.borrow_mut() = html;
        })
    };
    let on_input = {
        let pasted_html = pasted_html.clone();
        Callback::from(move |e: InputEvent| {
            // Typing after a paste means the person edits the text: use what they see.
            if e.input_type() != "insertFromPaste" {
                *pasted_html.borrow_mut() = None;
            }
        })
    };
    let open_pasted = {
        let (cb, textarea, pasted_html) = (props.on_paste.clone(), textarea.clone(), pasted_html.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(area) = textarea.cast::<web_sys::HtmlTextAreaElement>() else { return };
            let content = match pasted_html.borrow_mut().take() {
                Some(html) => ("pasted.html".to_string(), html.into_bytes()),
                None => ("pasted.txt".to_string(), area.value().into_bytes()),
            };
            area.set_value("");
            cb.emit(content);
        })
    };
    let on_import_change = files_chosen(&props.on_import);
    let export_all = props.on_export_all.reform(|_: MouseEvent| ());
    let clear = props.on_clear.reform(|_: MouseEvent| ());
    let sample = props.on_sample.reform(|_: MouseEvent| ());
    let export = props.on_export.reform(|_: MouseEvent| ());
    html! {
        <div class="toolbar" role="toolbar" aria-label="document actions">
            <label class="button" for="file-input">{ "Open file…" }</label>
            <input id="file-input" class="visually-hidden" type="file" multiple=true
                accept=".html,.htm,.xhtml,.md,.markdown,.txt,text/html,text/plain,text/markdown"
                onchange={on_change} />
            <button type="button" id="sample-button" onclick={sample}>{ "Try a sample" }</button>
            <button type="button" id="export-button" onclick={export} disabled={!props.can_export}>{ "Export JSON" }</button>
            <button type="button" id="export-all-button" onclick={export_all} disabled={!props.can_export}>{ "Export all (JSONL)" }</button>
            <label class="button" for="import-input">{ "Import JSON…" }</label>
            <input id="import-input" class="visually-hidden" type="file" multiple=true accept=".json,.jsonl,.ann,.txt,.conll,.iob,.iob2,.bio,application/json"
                onchange={on_import_change} />
            <button type="button" id="clear-button" onclick={clear} disabled={!props.can_export}>{ "Clear workspace…" }</button>
            <details class="paste">
                <summary>{ "Paste HTML or text" }</summary>
                <textarea id="paste-area" ref={textarea} rows="6" aria-label="pasted article"
                    placeholder="Paste an article here, then open it"
                    onpaste={on_paste_event} oninput={on_input} />
                <button type="button" id="paste-open" onclick={open_pasted}>{ "Open pasted text" }</button>
            </details>
            <span class="drop-hint">{ "…or drop a file anywhere on the page" }</span>
        </div>
    }
}
