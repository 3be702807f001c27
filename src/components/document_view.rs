//! The article as clean text with its entities highlighted.
//!
//! Markup contract (tests and other tools select by it): every entity is a
//! `<mark data-label data-start data-end>` with an `aria-label`; every run of plain text
//! is a `<span data-start data-end>`. Offsets are code points into the exported text.
//! The article's own markup never reaches the DOM: only text, in our elements.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use huaxian_core::document::BlockKind;
use huaxian_core::{Document, Entity, LabelDef};
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    pub doc: Rc<Document>,
    pub entities: Rc<Vec<Entity>>,
    pub labels: Rc<Vec<LabelDef>>,
    /// Called with an entity id when it is hovered or focused.
    pub on_focus: Callback<String>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc)
            && Rc::ptr_eq(&self.entities, &other.entities)
            && Rc::ptr_eq(&self.labels, &other.labels)
            && self.on_focus == other.on_focus
    }
}

/// What a person reads about an entity, on hover, focus and by screen reader.
pub fn describe(doc: &Document, entity: &Entity) -> String {
    let mut s = format!("{} — {}", doc.slice(&entity.range), entity.label);
    if let Some(canonical) = &entity.canonical {
        s.push_str(&format!(" ({canonical})"));
    }
    s.push_str(&format!(", {}, {}: {}", entity.status.as_str(), entity.source.as_str(), entity.evidence));
    s
}

/// Blocks rendered at first, and added each time the reader nears the end of what is
/// rendered: a 50 MB article shows its first page at once instead of building every
/// paragraph before the first paint. (Mount with `key` = document id so a new document
/// starts from the first page.)
pub const BLOCKS_PER_PAGE: usize = 400;

/// Grows `shown` by a page whenever `sentinel` scrolls into (or near) view.
#[hook]
fn use_grow_on_visible(sentinel: NodeRef, shown: UseStateHandle<usize>, total: usize) {
    use_effect_with((*shown, total), move |&(count, total)| {
        let mut observer = None;
        if count < total {
            if let Some(target) = sentinel.cast::<web_sys::Element>() {
                let grow = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    let visible = entries.iter().any(|e| {
                        e.dyn_into::<web_sys::IntersectionObserverEntry>().is_ok_and(|e| e.is_intersecting())
                    });
                    if visible {
                        shown.set((count + BLOCKS_PER_PAGE).min(total));
                    }
                });
                let options = web_sys::IntersectionObserverInit::new();
                options.set_root_margin("1500px");
                if let Ok(o) = web_sys::IntersectionObserver::new_with_options(grow.as_ref().unchecked_ref(), &options) {
                    o.observe(&target);
                    observer = Some((o, grow));
                }
            }
        }
        move || {
            if let Some((o, _grow)) = observer {
                o.disconnect();
            }
        }
    });
}

#[component(DocumentView)]
pub fn document_view(props: &Props) -> Html {
    let doc = &props.doc;
    let shown = use_state(|| BLOCKS_PER_PAGE.min(doc.blocks.len()));
    let sentinel = use_node_ref();
    use_grow_on_visible(sentinel.clone(), shown.clone(), doc.blocks.len());
    let title_in_text = doc.blocks.first().is_some_and(|b| {
        matches!(b.kind, BlockKind::Heading(_)) && Some(doc.slice(&b.range)) == doc.title.as_deref()
    });
    let mut next_entity = 0;
    let blocks = doc.blocks[..*shown].iter().map(|block| {
        let mut children = Vec::new();
        let mut at = block.range.start;
        // Entities are sorted and do not overlap; take those inside this block.
        while let Some(entity) = props.entities.get(next_entity) {
            if entity.range.start >= block.range.end {
                break;
            }
            next_entity += 1;
            let (start, end) = (entity.range.start.max(at), entity.range.end.min(block.range.end));
            if start >= end {
                continue;
            }
            if at < start {
                children.push(run(doc, at, start));
            }
            children.push(mark(doc, entity, start, end, &props.labels, &props.on_focus));
            at = end;
        }
        if at < block.range.end {
            children.push(run(doc, at, block.range.end));
        }
        let chars = doc.to_chars(&block.range);
        let (start, end) = (chars.start.to_string(), chars.end.to_string());
        match block.kind {
            BlockKind::Heading(level) => {
                let tag = format!("h{}", (level + 1).min(6));
                html! { <@{tag} class="block heading" data-start={start} data-end={end}>{ children }</@> }
            }
            BlockKind::ListItem => html! { <p class="block list-item" data-start={start} data-end={end}>{ children }</p> },
            BlockKind::Quote => html! { <blockquote class="block" data-start={start} data-end={end}>{ children }</blockquote> },
            BlockKind::Preformatted => html! { <pre class="block" data-start={start} data-end={end}>{ children }</pre> },
            _ => html! { <p class="block" data-start={start} data-end={end}>{ children }</p> },
        }
    });
    html! {
        <article class="document" aria-label="article text" lang="zh">
            if !title_in_text {
                if let Some(title) = &doc.title {
                    <h1 class="doc-title">{ title }</h1>
                }
            }
            { for blocks }
            if *shown < doc.blocks.len() {
                <p class="more" ref={sentinel} aria-live="polite">
                    { format!("Showing {} of {} paragraphs; scroll for more.", *shown, doc.blocks.len()) }
                </p>
            }
        </article>
    }
}

fn run(doc: &Document, start: usize, end: usize) -> Html {
    let chars = doc.to_chars(&(start..end));
    html! {
        <span data-start={chars.start.to_string()} data-end={chars.end.to_string()}>{ doc.slice(&(start..end)) }</span>
    }
}

fn mark(doc: &Document, entity: &Entity, start: usize, end: usize, labels: &[LabelDef], on_focus: &Callback<String>) -> Html {
    let chars = doc.to_chars(&(start..end));
    let color = labels.iter().find(|l| l.name == entity.label).map_or("#dddddd", |l| l.color.as_str());
    let tip = describe(doc, entity);
    let focus = {
        let (id, cb) = (entity.id.clone(), on_focus.clone());
        Callback::from(move |_: FocusEvent| cb.emit(id.clone()))
    };
    let hover = {
        let (id, cb) = (entity.id.clone(), on_focus.clone());
        Callback::from(move |_: MouseEvent| cb.emit(id.clone()))
    };
    html! {
        <mark
            class={classes!("entity", entity.status.as_str(), entity.source.as_str())}
            data-id={entity.id.clone()}
            data-label={entity.label.clone()}
            data-start={chars.start.to_string()}
            data-end={chars.end.to_string()}
            data-tip={tip.clone()}
            aria-label={tip}
            tabindex="0"
            style={format!("--label-color: {color}")}
            onfocus={focus}
            onmouseenter={hover}
        >{ doc.slice(&(start..end)) }</mark>
    }
}
