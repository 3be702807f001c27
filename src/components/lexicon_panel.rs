//! "Lexicon": import a lexicon of one's own (used before the built-in one and kept in the
//! browser's storage), download the lexicon in use, or go back to the built-in one.

use huaxian_core::recognize::lexicon::LexiconFormat;
use yew::prelude::*;

use super::toolbar::files_chosen;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Entries in the lexicon used now, the imported ones included.
    pub entries: usize,
    /// The imported lexicon's file name and entry count, if there is one.
    pub imported: Option<(String, usize)>,
    pub on_import: Callback<web_sys::FileList>,
    pub on_download: Callback<LexiconFormat>,
    pub on_remove: Callback<()>,
}

#[component(LexiconPanel)]
pub fn lexicon_panel(props: &Props) -> Html {
    let format = use_state(|| LexiconFormat::Tsv);
    let on_format = {
        let format = format.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            format.set(match value.as_str() {
                "csv" => LexiconFormat::Csv,
                "json" => LexiconFormat::Json,
                _ => LexiconFormat::Tsv,
            });
        })
    };
    let download = {
        let (format, cb) = (format.clone(), props.on_download.clone());
        Callback::from(move |_: MouseEvent| cb.emit(*format))
    };
    let remove = props.on_remove.reform(|_: MouseEvent| ());
    html! {
        <details class="lexicon-panel">
            <summary>{ "Lexicon" }</summary>
            <p class="lexicon-summary" role="status">
                { format!("{} entries in use", props.entries) }
                if let Some((name, count)) = &props.imported {
                    { format!(": {count} imported from {name}, checked before the built-in ones.") }
                } else {
                    { ": the built-in lexicon." }
                }
            </p>
            <p class="hint">
                { "Import a " }<code>{ ".tsv" }</code>{ " or " }<code>{ ".csv" }</code>
                { " file with the header " }<code>{ "canonical, label, aliases, ids" }</code>
                { " (aliases separated by |, ids as key=value;…), or a " }<code>{ ".json" }</code>
                { " array of {canonical, label, aliases, ids}. Documents you have not touched are highlighted again with it." }
            </p>
            <label class="button" for="lexicon-input">{ "Import lexicon…" }</label>
            <input id="lexicon-input" class="visually-hidden" type="file" accept=".tsv,.tab,.txt,.csv,.json"
                onchange={files_chosen(&props.on_import)} />
            <label>{ " Download as " }
                <select id="lexicon-format" onchange={on_format}>
                    <option value="tsv" selected={*format == LexiconFormat::Tsv}>{ "TSV" }</option>
                    <option value="csv" selected={*format == LexiconFormat::Csv}>{ "CSV" }</option>
                    <option value="json" selected={*format == LexiconFormat::Json}>{ "JSON" }</option>
                </select>
            </label>
            <button type="button" id="lexicon-download" onclick={download}>{ "Download lexicon" }</button>
            if props.imported.is_some() {
                <button type="button" id="lexicon-remove" onclick={remove}>{ "Use the built-in lexicon only" }</button>
            }
        </details>
    }
}
