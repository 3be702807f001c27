//! The article as clean text with its entities highlighted.
//!
//! Markup contract (tests and other tools select by it): every entity is a
//! `<mark data-id data-label data-start data-end aria-label>`; every run of plain text is a
//! `<span data-start data-end>`. Offsets are code points into the exported text. Nested
//! entities nest their marks (临港新片区 inside 临港新片区党工委); an entity that crosses
//! another's end continues in a second mark with `data-fragment`. Every text node's nearest
//! `[data-start]` ancestor starts where the text node starts: `browser::offsets` relies on it.
//!
//! The article's own markup never reaches the DOM: only text, in our elements.
//!
//! Each block is its own component, so an edit re-renders only the blocks whose entities
//! changed; blocks are rendered a page at a time as the reader scrolls.

use std::rc::Rc;

use huaxian_core::document::BlockKind;
use huaxian_core::{Document, Entity, LabelDef};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Blocks rendered at first, and added each time the reader nears the end of what is
/// rendered: a 50 MB article shows its first page at once.
pub const BLOCKS_PER_PAGE: usize = 400;

#[derive(Properties, Clone)]
pub struct Props {
    pub doc: Rc<Document>,
    /// Sorted outer-first (start, then longer first), as the store keeps them.
    pub entities: Rc<Vec<Entity>>,
    pub labels: Rc<Vec<LabelDef>>,
    /// Called with an entity id when it is hovered or focused.
    pub on_focus: Callback<String>,
    /// A block that must be rendered (to scroll to an entity in it).
    #[prop_or_default]
    pub reveal_block: Option<usize>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc)
            && Rc::ptr_eq(&self.entities, &other.entities)
            && Rc::ptr_eq(&self.labels, &other.labels)
            && self.on_focus == other.on_focus
            && self.reveal_block == other.reveal_block
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

/// The index of the block holding byte offset `at`.
pub fn block_of(doc: &Document, at: usize) -> usize {
    doc.blocks.partition_point(|b| b.range.end <= at).min(doc.blocks.len().saturating_sub(1))
}

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
    {
        let shown = shown.clone();
        use_effect_with(props.reveal_block, move |reveal| {
            if let Some(block) = *reveal {
                if block >= *shown {
                    shown.set(block + 1);
                }
            }
        });
    }
    let title_in_text = doc.blocks.first().is_some_and(|b| {
        matches!(b.kind, BlockKind::Heading(_)) && Some(doc.slice(&b.range)) == doc.title.as_deref()
    });

    // Hand each block the index range of the entities that start in it (the list is
    // sorted by start, so that range is contiguous), plus clones of the rare entities that
    // began in an earlier block and run into it. No entity is cloned for the common case.
    let count = (*shown).min(doc.blocks.len());
    let entities = &props.entities;
    let mut blocks = Vec::with_capacity(count);
    let mut first = 0;
    let mut carried: Vec<Entity> = Vec::new();
    for (index, block) in doc.blocks.iter().enumerate().take(count) {
        carried.retain(|e| e.range.end > block.range.start);
        // Entities whose block was skipped (none are, but be safe) start before this one.
        while first < entities.len() && entities[first].range.start < block.range.start {
            if entities[first].range.end > block.range.start {
                carried.push(entities[first].clone());
            }
            first += 1;
        }
        let mut last = first;
        while last < entities.len() && entities[last].range.start < block.range.end {
            last += 1;
        }
        blocks.push(html! {
            <BlockView key={index} doc={doc.clone()} {index} entities={entities.clone()} range={first..last}
                carried={carried.clone()} labels={props.labels.clone()} on_focus={props.on_focus.clone()} />
        });
        // Entities of this block that run past its end are carried into the next ones.
        carried.extend(entities[first..last].iter().filter(|e| e.range.end > block.range.end).cloned());
        first = last;
    }
    html! {
        <article class="document" aria-label="article text" lang="zh">
            if !title_in_text {
                if let Some(title) = &doc.title {
                    <h1 class="doc-title">{ title }</h1>
                }
            }
            { for blocks.into_iter() }
            if *shown < doc.blocks.len() {
                <p class="more" ref={sentinel} aria-live="polite">
                    { format!("Showing {} of {} paragraphs; scroll for more.", *shown, doc.blocks.len()) }
                </p>
            }
        </article>
    }
}

#[derive(Properties, Clone)]
struct BlockProps {
    doc: Rc<Document>,
    index: usize,
    /// All entities; this block's are `range`, plus `carried` from earlier blocks.
    entities: Rc<Vec<Entity>>,
    range: std::ops::Range<usize>,
    carried: Vec<Entity>,
    labels: Rc<Vec<LabelDef>>,
    on_focus: Callback<String>,
}

impl PartialEq for BlockProps {
    /// Equal when this block's own entities are equal: an edit elsewhere leaves it be.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc)
            && self.index == other.index
            && self.entities[self.range.clone()] == other.entities[other.range.clone()]
            && self.carried == other.carried
            && (Rc::ptr_eq(&self.labels, &other.labels) || self.labels == other.labels)
            && self.on_focus == other.on_focus
    }
}

#[component(BlockView)]
fn block_view(props: &BlockProps) -> Html {
    let doc = &props.doc;
    let block = &doc.blocks[props.index];
    let mut refs: Vec<&Entity> = props.carried.iter().chain(&props.entities[props.range.clone()]).collect();
    refs.sort_by(|a, b| (a.range.start, std::cmp::Reverse(a.range.end)).cmp(&(b.range.start, std::cmp::Reverse(b.range.end))));
    let children = build(doc, block.range.start, block.range.end, &refs, &props.labels, &props.on_focus);
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
}

/// Lays out `[start, end)` with the entities that start inside it (sorted outer-first):
/// plain runs, and marks holding their own nested layout. An entity that runs past the end
/// of the entity holding it is carried on and rendered as a fragment after it.
fn build(
    doc: &Document,
    start: usize,
    end: usize,
    entities: &[&Entity],
    labels: &[LabelDef],
    on_focus: &Callback<String>,
) -> Vec<Html> {
    let mut out = Vec::new();
    let mut at = start;
    let mut queue: std::collections::VecDeque<&Entity> = entities.iter().copied().collect();
    while let Some(entity) = queue.pop_front() {
        let (es, ee) = (entity.range.start.max(at), entity.range.end.min(end));
        if es >= ee {
            continue;
        }
        if at < es {
            out.push(run(doc, at, es));
        }
        // Entities that start inside this one belong inside its mark.
        let mut inner = Vec::new();
        while queue.front().is_some_and(|e| e.range.start < ee) {
            inner.push(queue.pop_front().unwrap());
        }
        let carried: Vec<&Entity> = inner.iter().copied().filter(|e| e.range.end > ee).collect();
        let content = build(doc, es, ee, &inner, labels, on_focus);
        out.push(mark(doc, entity, es, ee, content, labels, on_focus));
        for e in carried.into_iter().rev() {
            queue.push_front(e);
        }
        at = ee;
    }
    if at < end {
        out.push(run(doc, at, end));
    }
    out
}

fn run(doc: &Document, start: usize, end: usize) -> Html {
    let chars = doc.to_chars(&(start..end));
    html! {
        <span data-start={chars.start.to_string()} data-end={chars.end.to_string()}>{ doc.slice(&(start..end)) }</span>
    }
}

fn mark(
    doc: &Document,
    entity: &Entity,
    start: usize,
    end: usize,
    content: Vec<Html>,
    labels: &[LabelDef],
    on_focus: &Callback<String>,
) -> Html {
    let chars = doc.to_chars(&(start..end));
    let key = labels.iter().position(|l| l.name == entity.label);
    let color = key.map_or("#dddddd", |i| labels[i].color.as_str());
    let tip = describe(doc, entity);
    let fragment = start != entity.range.start || end != entity.range.end;
    let focus = {
        let (id, cb) = (entity.id.clone(), on_focus.clone());
        Callback::from(move |e: FocusEvent| {
            // Focus lands on the innermost mark; report that one only.
            e.stop_propagation();
            cb.emit(id.clone())
        })
    };
    html! {
        <mark
            class={classes!("entity", entity.status.as_str(), entity.source.as_str(), fragment.then_some("fragment"))}
            data-id={entity.id.clone()}
            data-label={entity.label.clone()}
            data-start={chars.start.to_string()}
            data-end={chars.end.to_string()}
            data-fragment={fragment.then_some("true")}
            data-tip={tip.clone()}
            aria-label={tip}
            tabindex="0"
            style={format!("--label-color: {color}")}
            onfocus={focus}
        >{ content }</mark>
    }
}
