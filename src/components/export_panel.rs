//! "Export as…": every dataset format of the core, for this document or the whole
//! workspace, with the options dataset builders need. Several files download as one ZIP.

use huaxian_core::formats::Format;
use yew::prelude::*;

/// What the person asked for.
#[derive(Clone, PartialEq)]
pub struct ExportRequest {
    pub format: Format,
    pub all_documents: bool,
    pub include_suggestions: bool,
    /// `FROM=TO` pairs separated by commas, e.g. `COMPANY=ORG`.
    pub label_map: String,
    pub utf16: bool,
}

/// How far a running export is: a stage the person can read and a fraction.
#[derive(Clone, PartialEq)]
pub struct ExportProgress {
    pub stage: String,
    pub done: usize,
    pub total: usize,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub on_export: Callback<ExportRequest>,
    /// What the last export wrote and dropped.
    pub summary: Option<String>,
    /// Set while an export runs.
    pub progress: Option<ExportProgress>,
}

fn value_of(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>().value()
}

fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()
}

#[component(ExportPanel)]
pub fn export_panel(props: &Props) -> Html {
    let request = use_state(|| ExportRequest {
        format: Format::HuaxianJsonl,
        all_documents: false,
        include_suggestions: false,
        label_map: String::new(),
        utf16: false,
    });
    let update = |f: fn(&mut ExportRequest, &Event)| {
        let request = request.clone();
        Callback::from(move |e: Event| {
            let mut next = (*request).clone();
            f(&mut next, &e);
            request.set(next);
        })
    };
    let on_format = update(|r, e| {
        let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        r.format = Format::from_name(&value).unwrap_or(r.format);
    });
    let on_scope = update(|r, e| r.all_documents = checked(e));
    let on_suggestions = update(|r, e| r.include_suggestions = checked(e));
    let on_map = update(|r, e| r.label_map = value_of(e));
    let on_unit = update(|r, e| r.utf16 = checked(e));
    let go = {
        let (request, cb) = (request.clone(), props.on_export.clone());
        Callback::from(move |_: MouseEvent| cb.emit((*request).clone()))
    };
    html! {
        <details class="export-panel">
            <summary>{ "Export as…" }</summary>
            <label>{ "Format " }
                <select id="export-format" onchange={on_format}>
                    { for Format::ALL.iter().map(|f| html! {
                        <option value={f.name()} selected={*f == request.format}>{ f.description() }</option>
                    }) }
                </select>
            </label>
            <label><input type="checkbox" id="export-all-docs" checked={request.all_documents} onchange={on_scope} />{ " every document" }</label>
            <label><input type="checkbox" id="export-suggestions" checked={request.include_suggestions} onchange={on_suggestions} />{ " include unreviewed suggestions" }</label>
            <label><input type="checkbox" id="export-utf16" checked={request.utf16} onchange={on_unit} />{ " UTF-16 offsets (for JavaScript)" }</label>
            <label>{ "Label map " }
                <input type="text" id="export-label-map" placeholder="COMPANY=ORG, PERSON=PER" value={request.label_map.clone()} onchange={on_map} />
            </label>
            <button type="button" id="export-download" onclick={go} disabled={props.progress.is_some()}>{ "Download" }</button>
            if let Some(p) = &props.progress {
                <div class="export-progress" role="status" aria-live="polite">
                    <progress id="export-progress" max={p.total.max(1).to_string()} value={p.done.to_string()}
                        aria-label="export progress" />
                    <span class="export-stage">{ format!(" {}…", p.stage) }</span>
                </div>
            }
            if let Some(summary) = &props.summary {
                <p class="export-summary" role="status">{ summary }</p>
            }
        </details>
    }
}
