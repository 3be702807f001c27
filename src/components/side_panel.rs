//! The side panel: review counts and bulk decisions per label and source, the focused
//! entity with its evidence and actions, the entity list, the label editor, and what
//! ingestion found out about the document. Every button here has a key in the document
//! view too; this is the mouse's way to the same actions.

use std::rc::Rc;

use huaxian_core::store::{Action as Edit, Filter};
use huaxian_core::{Document, Entity, EntitySource, LabelDef, Status};
use yew::prelude::*;

use super::document_view::describe;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub labels: Rc<Vec<LabelDef>>,
    pub doc: Option<Rc<Document>>,
    pub entities: Rc<Vec<Entity>>,
    pub focused: Option<String>,
    pub on_edit: Callback<Edit>,
    /// Scroll to and focus an entity.
    pub on_go: Callback<String>,
}

fn bulk(on_edit: &Callback<Edit>, filter: Filter, status: Status) -> Callback<MouseEvent> {
    let on_edit = on_edit.clone();
    Callback::from(move |_| on_edit.emit(Edit::SetStatusWhere { filter: filter.clone(), status }))
}

#[component(SidePanel)]
pub fn side_panel(props: &Props) -> Html {
    let entities = props.entities.as_slice();
    let unreviewed = entities.iter().filter(|e| e.status == Status::Suggested).count();
    let legend = props.labels.iter().enumerate().map(|(i, label)| {
        let count = entities.iter().filter(|e| e.label == label.name).count();
        let open = entities.iter().filter(|e| e.label == label.name && e.status == Status::Suggested).count();
        let filter = Filter { label: Some(label.name.clone()), source: None };
        html! {
            <li class="legend-item" data-label={label.name.clone()}>
                <span class="swatch" style={format!("--label-color: {}", label.color)} aria-hidden="true"></span>
                <span class="legend-name">
                    if i < 9 { <kbd aria-label={format!("key {}", i + 1)}>{ i + 1 }</kbd>{ " " } }
                    { &label.name }
                </span>
                <span class="legend-count" aria-label={format!("{count} entities")}>{ count }</span>
                <span class="legend-description">{ &label.description }</span>
                if open > 0 {
                    <span class="legend-bulk">
                        <button type="button" class="accept-all" data-label={label.name.clone()}
                            onclick={bulk(&props.on_edit, filter.clone(), Status::Accepted)}
                            aria-label={format!("accept all {open} suggested {}", label.name)}>{ "✓ all" }</button>
                        <button type="button" class="reject-all" data-label={label.name.clone()}
                            onclick={bulk(&props.on_edit, filter, Status::Rejected)}
                            aria-label={format!("reject all {open} suggested {}", label.name)}>{ "✗ all" }</button>
                    </span>
                }
            </li>
        }
    });
    let sources = [EntitySource::Lexicon, EntitySource::Rule, EntitySource::Model].into_iter().filter_map(|source| {
        let open = entities.iter().filter(|e| e.source == source && e.status == Status::Suggested).count();
        (open > 0).then(|| {
            let filter = Filter { label: None, source: Some(source) };
            html! {
                <li class="source-item" data-source={source.as_str()}>
                    { format!("{} suggestions from the {}", open, source.as_str()) }
                    <button type="button" class="accept-source" onclick={bulk(&props.on_edit, filter.clone(), Status::Accepted)}>{ "✓ all" }</button>
                    <button type="button" class="reject-source" onclick={bulk(&props.on_edit, filter, Status::Rejected)}>{ "✗ all" }</button>
                </li>
            }
        })
    });
    let focused = props.doc.as_ref().zip(props.focused.as_ref()).and_then(|(doc, id)| {
        entities.iter().find(|e| &e.id == id).map(|e| (doc.clone(), e.clone()))
    });
    html! {
        <aside class="side-panel">
            <section aria-labelledby="review-heading">
                <h2 id="review-heading">{ "Review" }</h2>
                <p class="unreviewed" aria-live="polite">
                    <strong class="unreviewed-count">{ unreviewed }</strong>{ " suggestions unreviewed" }
                </p>
                <ul class="sources">{ for sources }</ul>
            </section>
            <section aria-labelledby="legend-heading">
                <h2 id="legend-heading">{ "Labels" }</h2>
                <ul class="legend">{ for legend }</ul>
                <LabelEditor labels={props.labels.clone()} on_edit={props.on_edit.clone()} />
            </section>
            <section class="entity-details" aria-live="polite" aria-labelledby="details-heading">
                <h2 id="details-heading">{ "Why this entity" }</h2>
                if let Some((doc, entity)) = focused {
                    <EntityDetails {doc} {entity} labels={props.labels.clone()} on_edit={props.on_edit.clone()} />
                } else {
                    <p class="hint">{ "Hover over or focus a highlight (Tab) to see its label, canonical name and evidence. Press ? for every key." }</p>
                }
            </section>
            if let Some(doc) = &props.doc {
                <EntityList doc={doc.clone()} entities={props.entities.clone()} labels={props.labels.clone()} on_go={props.on_go.clone()} />
                <DocumentInfo doc={doc.clone()} />
            }
        </aside>
    }
}

#[derive(Properties, PartialEq)]
struct DetailsProps {
    doc: Rc<Document>,
    entity: Entity,
    labels: Rc<Vec<LabelDef>>,
    on_edit: Callback<Edit>,
}

#[component(EntityDetails)]
fn entity_details(props: &DetailsProps) -> Html {
    let e = &props.entity;
    let edit = |action: Edit| {
        let on_edit = props.on_edit.clone();
        Callback::from(move |_: MouseEvent| on_edit.emit(action.clone()))
    };
    let chars = props.doc.to_chars(&e.range);
    html! {
        <div class="details" data-id={e.id.clone()}>
            <p class="details-text">{ describe(&props.doc, e) }</p>
            <dl>
                <dt>{ "Offsets (code points)" }</dt><dd>{ format!("{} – {}", chars.start, chars.end) }</dd>
            </dl>
            <div class="details-actions" role="group" aria-label="change this entity">
                <button type="button" class="accept" onclick={edit(Edit::SetStatus { id: e.id.clone(), status: Status::Accepted })}>{ "Accept (A)" }</button>
                <button type="button" class="reject" onclick={edit(Edit::SetStatus { id: e.id.clone(), status: Status::Rejected })}>{ "Reject (R)" }</button>
                <button type="button" class="delete" onclick={edit(Edit::Remove { id: e.id.clone() })}>{ "Delete (Del)" }</button>
            </div>
            <div class="details-labels" role="group" aria-label="relabel">
                { for props.labels.iter().enumerate().map(|(i, l)| html! {
                    <button type="button" class="relabel" data-label={l.name.clone()} disabled={l.name == e.label}
                        onclick={edit(Edit::Relabel { id: e.id.clone(), label: l.name.clone() })}>
                        { if i < 9 { format!("{} {}", i + 1, l.name) } else { l.name.clone() } }
                    </button>
                }) }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ListProps {
    doc: Rc<Document>,
    entities: Rc<Vec<Entity>>,
    labels: Rc<Vec<LabelDef>>,
    on_go: Callback<String>,
}

/// Entities grouped by label, with counts and a filter; choosing one scrolls to it.
#[component(EntityList)]
fn entity_list(props: &ListProps) -> Html {
    let filter = use_state(String::new);
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| filter.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let needle = filter.to_lowercase();
    let groups = props.labels.iter().map(|label| {
        let items: Vec<&Entity> = props
            .entities
            .iter()
            .filter(|e| e.label == label.name)
            .filter(|e| {
                needle.is_empty()
                    || props.doc.slice(&e.range).to_lowercase().contains(&needle)
                    || e.canonical.as_ref().is_some_and(|c| c.to_lowercase().contains(&needle))
            })
            .collect();
        let shown = items.iter().take(200).map(|e| {
            let (id, go) = (e.id.clone(), props.on_go.clone());
            html! {
                <li>
                    <button type="button" class={classes!("entity-link", e.status.as_str())} data-id={e.id.clone()}
                        onclick={Callback::from(move |_: MouseEvent| go.emit(id.clone()))}>
                        { props.doc.slice(&e.range) }
                        if e.status != Status::Suggested { <span class="status-tag">{ format!(" ({})", e.status.as_str()) }</span> }
                    </button>
                </li>
            }
        });
        html! {
            <details class="entity-group" data-label={label.name.clone()} open={!items.is_empty() && items.len() <= 30}>
                <summary>{ format!("{} ({})", label.name, items.len()) }</summary>
                <ul>{ for shown }</ul>
                if items.len() > 200 { <p class="hint">{ format!("…and {} more; narrow the filter", items.len() - 200) }</p> }
            </details>
        }
    });
    html! {
        <section class="entity-list" aria-labelledby="list-heading">
            <h2 id="list-heading">{ "Entities" }</h2>
            <input type="search" class="entity-filter" placeholder="Filter entities" aria-label="filter entities"
                value={(*filter).clone()} oninput={on_filter} />
            { for groups }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    labels: Rc<Vec<LabelDef>>,
    on_edit: Callback<Edit>,
}

/// Add, rename, recolour and reorder labels. Keys 1–9 follow the order.
#[component(LabelEditor)]
fn label_editor(props: &EditorProps) -> Html {
    let new_name = use_state(String::new);
    let rows = props.labels.iter().enumerate().map(|(i, label)| {
        let name = label.name.clone();
        let rename = {
            let (on_edit, from) = (props.on_edit.clone(), name.clone());
            Callback::from(move |e: Event| {
                let to = e.target_unchecked_into::<web_sys::HtmlInputElement>().value().trim().to_uppercase();
                if !to.is_empty() {
                    on_edit.emit(Edit::RenameLabel { from: from.clone(), to });
                }
            })
        };
        let recolor = {
            let (on_edit, name) = (props.on_edit.clone(), name.clone());
            Callback::from(move |e: Event| {
                let color = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
                on_edit.emit(Edit::RecolorLabel { name: name.clone(), color });
            })
        };
        let move_to = |to: usize| {
            let (on_edit, name) = (props.on_edit.clone(), name.clone());
            Callback::from(move |_: MouseEvent| on_edit.emit(Edit::MoveLabel { name: name.clone(), to }))
        };
        html! {
            <li class="label-row" data-label={name.clone()}>
                <input type="text" class="label-name" value={name.clone()} aria-label={format!("rename {name}")} onchange={rename} />
                <input type="color" class="label-color" value={label.color.clone()} aria-label={format!("colour of {name}")} onchange={recolor} />
                <button type="button" class="label-up" disabled={i == 0} onclick={move_to(i.saturating_sub(1))} aria-label={format!("move {name} up")}>{ "↑" }</button>
                <button type="button" class="label-down" disabled={i + 1 == props.labels.len()} onclick={move_to(i + 1)} aria-label={format!("move {name} down")}>{ "↓" }</button>
            </li>
        }
    });
    let on_new = {
        let new_name = new_name.clone();
        Callback::from(move |e: InputEvent| new_name.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let add = {
        let (on_edit, new_name) = (props.on_edit.clone(), new_name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = new_name.trim().to_uppercase();
            if !name.is_empty() {
                on_edit.emit(Edit::AddLabel(LabelDef { name, color: "#e0e0e0".into(), description: String::new() }));
                new_name.set(String::new());
            }
        })
    };
    html! {
        <details class="label-editor">
            <summary>{ "Edit labels" }</summary>
            <ul>{ for rows }</ul>
            <form class="label-add" onsubmit={add}>
                <input type="text" class="label-new" placeholder="NEW_LABEL" aria-label="new label name" value={(*new_name).clone()} oninput={on_new} />
                <button type="submit">{ "Add label" }</button>
            </form>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct InfoProps {
    doc: Rc<Document>,
}

#[component(DocumentInfo)]
fn document_info(props: &InfoProps) -> Html {
    let doc = &props.doc;
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
