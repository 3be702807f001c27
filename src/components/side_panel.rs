//! The side panel: the label legend with counts, the focused entity's evidence, and what
//! ingestion found out about the document.

use huaxian_core::Entity;
use yew::prelude::*;

use super::document_view::describe;
use crate::state::OpenDocument;
use huaxian_core::LabelDef;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub labels: std::rc::Rc<Vec<LabelDef>>,
    pub open: Option<OpenDocument>,
    pub focused: Option<String>,
}

#[component(SidePanel)]
pub fn side_panel(props: &Props) -> Html {
    let entities: &[Entity] = props.open.as_ref().map_or(&[], |o| o.entities.as_slice());
    let legend = props.labels.iter().map(|label| {
        let count = entities.iter().filter(|e| e.label == label.name).count();
        html! {
            <li class="legend-item" data-label={label.name.clone()}>
                <span class="swatch" style={format!("--label-color: {}", label.color)} aria-hidden="true"></span>
                <span class="legend-name">{ &label.name }</span>
                <span class="legend-count" aria-label={format!("{count} entities")}>{ count }</span>
                <span class="legend-description">{ &label.description }</span>
            </li>
        }
    });
    let focused = props.open.as_ref().zip(props.focused.as_ref()).and_then(|(open, id)| {
        open.entities.iter().find(|e| &e.id == id).map(|e| (open, e))
    });
    html! {
        <aside class="side-panel">
            <section aria-labelledby="legend-heading">
                <h2 id="legend-heading">{ "Labels" }</h2>
                <ul class="legend">{ for legend }</ul>
            </section>
            <section class="entity-details" aria-live="polite" aria-labelledby="details-heading">
                <h2 id="details-heading">{ "Why this entity" }</h2>
                if let Some((open, entity)) = focused {
                    <p class="details-text">{ describe(&open.doc, entity) }</p>
                    <dl>
                        <dt>{ "Offsets (code points)" }</dt>
                        <dd>{ { let c = open.doc.to_chars(&entity.range); format!("{} – {}", c.start, c.end) } }</dd>
                    </dl>
                } else {
                    <p class="hint">{ "Hover over or focus a highlight (Tab) to see its label, canonical name and evidence." }</p>
                }
            </section>
            if let Some(open) = &props.open {
                <DocumentInfo open={open.clone()} />
            }
        </aside>
    }
}

#[derive(Properties, PartialEq)]
struct InfoProps {
    open: OpenDocument,
}

#[component(DocumentInfo)]
fn document_info(props: &InfoProps) -> Html {
    let doc = &props.open.doc;
    let meta = doc.meta.iter().map(|(key, value)| {
        let shown = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(items) => {
                items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect::<Vec<_>>().join(", ")
            }
            other => other.to_string(),
        };
        html! { <><dt>{ key }</dt><dd>{ shown }</dd></> }
    });
    html! {
        <section class="document-info" aria-labelledby="info-heading">
            <h2 id="info-heading">{ "Document" }</h2>
            <dl>
                <dt>{ "Source" }</dt><dd class="doc-source">{ &doc.source }</dd>
                <dt>{ "Encoding" }</dt><dd class="doc-encoding">{ format!("{} ({:?})", doc.encoding.name, doc.encoding.source).to_lowercase() }</dd>
                <dt>{ "Characters" }</dt><dd>{ doc.map.len_chars() }</dd>
                { for meta }
            </dl>
            if !doc.diagnostics.is_empty() {
                <h3>{ "Diagnostics" }</h3>
                <ul class="diagnostics">
                    { for doc.diagnostics.iter().map(|d| html! { <li>{ &d.message }</li> }) }
                </ul>
            }
        </section>
    }
}
