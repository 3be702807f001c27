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
//! changed. Only the blocks near the viewport are in the DOM (see [`super::viewport`]):
//! the rest are spacers as tall as the blocks they stand for, so the scrollbar and the
//! scroll position behave as if every block were there. The blocks holding the focus, the
//! selection's ends (and the caret's neighbours) and an entity being revealed stay
//! rendered wherever the reader scrolls.
//!
//! The view also draws the keyboard caret (the selection's focus, while the text has the
//! focus) and makes a double-click select the word `Intl.Segmenter` finds there.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use huaxian_core::document::BlockKind;
use huaxian_core::{Document, Entity, LabelDef};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node};
use yew::prelude::*;

use super::viewport::{self, Heights, Segment};
use crate::browser::{caret, offsets};

/// Rendered beyond each edge of the viewport, in viewport heights.
const OVERSCAN: f64 = 1.0;
/// The most blocks the window holds (pinned blocks come on top).
const MAX_WINDOW: usize = 300;

/// A request to scroll to and focus an entity, rendering its block first. `seq` makes
/// every request new, even for the same entity twice.
#[derive(Clone, PartialEq, Debug)]
pub struct Reveal {
    pub doc: String,
    pub id: String,
    pub block: usize,
    pub seq: u64,
}

#[derive(Properties, Clone)]
pub struct Props {
    pub doc: Rc<Document>,
    /// Sorted outer-first (start, then longer first), as the store keeps them.
    pub entities: Rc<Vec<Entity>>,
    pub labels: Rc<Vec<LabelDef>>,
    /// Called with an entity id when it is hovered or focused.
    pub on_focus: Callback<String>,
    /// An entity to render, scroll to and focus.
    #[prop_or_default]
    pub reveal: Option<Reveal>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc)
            && Rc::ptr_eq(&self.entities, &other.entities)
            && Rc::ptr_eq(&self.labels, &other.labels)
            && self.on_focus == other.on_focus
            && self.reveal == other.reveal
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

/// The id of the entity `step` places after (or before) entity `id` in reading order
/// (the store's order: by start, outer first), rendered or not.
pub fn neighbour(entities: &[Entity], id: &str, step: isize) -> Option<String> {
    let at = entities.iter().position(|e| e.id == id)? as isize + step;
    (0..entities.len() as isize).contains(&at).then(|| entities[at as usize].id.clone())
}

/// The first entity starting at or after code point `cp` (forward), or the last one
/// starting before it (backward).
pub fn entity_from(doc: &Document, entities: &[Entity], cp: usize, forward: bool) -> Option<String> {
    let at = doc.chars_to_bytes(&(cp..cp))?.start;
    let split = entities.partition_point(|e| e.range.start < at);
    let e = if forward { entities.get(split) } else { split.checked_sub(1).and_then(|i| entities.get(i)) };
    e.map(|e| e.id.clone())
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Focuses the (first) mark of entity `id` and scrolls it to the middle of the view.
/// False when it is not rendered. Any selection is dropped, so that the first arrow key
/// puts the caret at the entity's edge rather than moving a caret left elsewhere.
pub fn focus_mark(id: &str) -> bool {
    let Some(mark) = document()
        .and_then(|d| d.query_selector(&format!("article.document mark[data-id=\"{id}\"]")).ok().flatten())
        .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    if let Some(selection) = caret::selection() {
        let _ = selection.remove_all_ranges();
    }
    let _ = mark.focus();
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    mark.scroll_into_view_with_scroll_into_view_options(&options);
    true
}

/// The document view's own state, kept across renders and changed by scrolling, focus and
/// selection rather than by props.
struct View {
    heights: Heights,
    /// The article width the estimates were made for.
    width: f64,
    window: Range<usize>,
    pins: Vec<usize>,
    /// An entity to focus once its block (pinned meanwhile) is rendered.
    reveal: Option<(usize, String)>,
    /// An update is scheduled for the next animation frame.
    frame: bool,
    /// Updates made since the last scroll without the reader moving: a guard against
    /// measurements that never settle.
    unsettled: u32,
}

/// The stylesheet's body text: 1.05rem at line-height 1.9, blocks .9rem apart.
const FONT_PX: f64 = 16.8;
const LINE_PX: f64 = FONT_PX * 1.9;
const GAP_PX: f64 = 14.4;

fn estimates(doc: &Document, width: f64) -> Vec<f32> {
    let ems = width / FONT_PX;
    doc.blocks
        .iter()
        .map(|b| viewport::estimate(b.range.len(), doc.to_chars(&b.range).len(), ems, LINE_PX, GAP_PX))
        .collect()
}

fn viewport_height() -> f64 {
    web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(800.0)
}

impl View {
    fn new(doc: &Document) -> View {
        // The reader column before it exists: at most 48rem, beside a 20rem panel.
        let inner = web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).unwrap_or(1280.0);
        let width = if inner <= 800.0 { inner - 48.0 } else { (inner - 392.0).min(768.0) }.max(200.0);
        let heights = Heights::new(estimates(doc, width));
        let fill = viewport_height() * (1.0 + OVERSCAN);
        let (mut y, mut end) = (0.0, 0);
        while end < heights.len() && y < fill {
            y += heights.height(end);
            end += 1;
        }
        View { heights, width, window: 0..end, pins: Vec::new(), reveal: None, frame: false, unsettled: 0 }
    }

    fn pins_and_reveal(&self) -> Vec<usize> {
        let mut pins = self.pins.clone();
        pins.extend(self.reveal.as_ref().map(|(b, _)| *b));
        pins
    }
}

/// One rendered item of the article as laid out now, in viewport coordinates.
struct Item {
    segment: Segment,
    top: f64,
    bottom: f64,
}

fn attr_usize(element: &Element, name: &str) -> Option<usize> {
    element.get_attribute(name)?.parse().ok()
}

fn rendered_items(article: &Element) -> Vec<Item> {
    let mut items = Vec::new();
    let mut child = article.first_element_child();
    while let Some(c) = child {
        let segment = if let Some(b) = attr_usize(&c, "data-block") {
            Some(Segment::Block(b))
        } else if let (Some(a), Some(z)) = (attr_usize(&c, "data-gap-from"), attr_usize(&c, "data-gap-to")) {
            Some(Segment::Gap(a..z))
        } else {
            None
        };
        if let Some(segment) = segment {
            let r = c.get_bounding_client_rect();
            items.push(Item { segment, top: r.top(), bottom: r.bottom() });
        }
        child = c.next_element_sibling();
    }
    items
}

/// The block at viewport height `y`, from the items as laid out (a spacer's blocks are
/// placed by their heights, scaled to the spacer's drawn height).
fn block_at(heights: &Heights, items: &[Item], y: f64) -> usize {
    let n = heights.len();
    for (k, item) in items.iter().enumerate() {
        let end = items.get(k + 1).map_or(item.bottom, |next| next.top);
        if y < end || k + 1 == items.len() {
            return match &item.segment {
                Segment::Block(b) => *b,
                Segment::Gap(r) if r.is_empty() => r.start.min(n).saturating_sub(1),
                Segment::Gap(r) => heights.block_at(r.clone(), (y - item.top).max(0.0), end - item.top),
            };
        }
    }
    0
}

/// The block holding a DOM node, if it is in a rendered block.
fn block_of_node(node: &Node) -> Option<usize> {
    let element = match node.dyn_ref::<Element>() {
        Some(e) => e.clone(),
        None => node.parent_element()?,
    };
    attr_usize(&element.closest("[data-block]").ok()??, "data-block")
}

/// The blocks that must stay rendered: the focused element's, the selection's ends, and
/// the blocks either side of the caret (so that arrows always have text to move into).
fn pins(article: &Element) -> Vec<usize> {
    let mut pins = Vec::new();
    if let Some(active) = document().and_then(|d| d.active_element()) {
        if article.contains(Some(&*active)) {
            pins.extend(block_of_node(&active));
        }
    }
    if let Some(selection) = caret::selection().filter(|s| s.range_count() > 0) {
        if let Some(anchor) = selection.anchor_node().filter(|n| article.contains(Some(n))) {
            pins.extend(block_of_node(&anchor));
        }
        if let Some(focus) = selection.focus_node().filter(|n| article.contains(Some(n))) {
            if let Some(b) = block_of_node(&focus) {
                pins.extend([b.saturating_sub(1), b, b + 1]);
            }
        }
    }
    pins.sort_unstable();
    pins.dedup();
    pins
}

/// Measures the rendered blocks, then decides which blocks to render for the viewport as
/// it is now. True when that differs from what is rendered.
fn update(view: &RefCell<View>, doc: &Document, article: &Element) -> bool {
    let mut v = view.borrow_mut();
    let width = article.client_width() as f64;
    // A new width reflows every block: start the estimates and measurements again, and
    // render the spacers anew.
    let reflowed = width > 0.0 && (width - v.width).abs() > 1.0;
    if reflowed {
        v.heights = Heights::new(estimates(doc, width));
        v.width = width;
    }
    let items = rendered_items(article);
    for pair in items.windows(2) {
        if let Segment::Block(b) = pair[0].segment {
            if b < v.heights.len() {
                v.heights.set_measured(b, pair[1].top - pair[0].top);
            }
        }
    }
    if v.heights.is_empty() || items.is_empty() {
        return reflowed;
    }
    let height = viewport_height();
    let margin = height * OVERSCAN;
    let need = block_at(&v.heights, &items, -margin / 2.0)..block_at(&v.heights, &items, height + margin / 2.0) + 1;
    let want = block_at(&v.heights, &items, -margin)..block_at(&v.heights, &items, height + margin) + 1;
    let window = viewport::next_window(&v.window, &need, &want, MAX_WINDOW);
    let pins = pins(article);
    let changed = reflowed || window != v.window || pins != v.pins;
    v.window = window;
    v.pins = pins;
    if changed {
        v.unsettled += 1;
    }
    changed && v.unsettled < 20
}

/// Draws the caret at the selection's focus while the article (or an entity in it) has
/// the focus; hides it otherwise.
fn draw_caret(article: &Element, caret_element: &Element) {
    let style = (|| {
        let active = document()?.active_element()?;
        if !article.contains(Some(&*active)) {
            return None;
        }
        let selection = caret::selection().filter(|s| s.range_count() > 0)?;
        let node = selection.focus_node().filter(|n| article.contains(Some(n)))?;
        block_of_node(&node)?;
        let (x, top, height) = caret::caret_rect(&node, selection.focus_offset())?;
        if height <= 0.0 {
            return None;
        }
        let window = web_sys::window()?;
        let (sx, sy) = (window.scroll_x().ok()?, window.scroll_y().ok()?);
        Some(format!("display: block; left: {:.1}px; top: {:.1}px; height: {:.1}px", x + sx - 1.0, top + sy, height))
    })();
    match style {
        Some(style) => {
            let _ = caret_element.set_attribute("style", &style);
        }
        None => {
            let _ = caret_element.remove_attribute("style");
        }
    }
}

/// Whether the selection's focus is in the text of a block of `article`.
fn caret_in_text(article: &Element) -> bool {
    caret::selection()
        .filter(|s| s.range_count() > 0)
        .and_then(|s| s.focus_node())
        .is_some_and(|n| article.contains(Some(&n)) && block_of_node(&n).is_some())
}

/// Puts a caret at the start of the first block in view (below the sticky header).
fn caret_to_view(article: &Element) {
    let header = document()
        .and_then(|d| d.query_selector(".app-header").ok().flatten())
        .map_or(0.0, |h| h.get_bounding_client_rect().bottom());
    let mut child = article.first_element_child();
    while let Some(c) = child {
        if c.has_attribute("data-block") && c.get_bounding_client_rect().bottom() > header {
            if let Some(start) = attr_usize(&c, offsets::START_ATTR) {
                caret::select(&c, start, start);
            }
            return;
        }
        child = c.next_element_sibling();
    }
}

/// If the text has the focus but no caret (focused by a script, say), puts one at the
/// start of the first block in view. True when it did.
pub fn ensure_caret() -> bool {
    let Some(article) = document().and_then(|d| d.query_selector("article.document").ok().flatten()) else { return false };
    if caret_in_text(&article) {
        return false;
    }
    caret_to_view(&article);
    draw_caret_now();
    true
}

/// Draws the caret now (after a key moved the selection) rather than at the browser's
/// `selectionchange`, which comes a task later.
pub fn draw_caret_now() {
    let Some(page) = document() else { return };
    let article = page.query_selector("article.document").ok().flatten();
    let caret_element = page.query_selector("div.caret").ok().flatten();
    if let (Some(a), Some(c)) = (article, caret_element) {
        draw_caret(&a, &c);
    }
}

/// Entities that do not lie inside one block (rare): each block they run into gets them.
fn crossing(doc: &Document, entities: &[Entity]) -> Vec<usize> {
    entities
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            let block = &doc.blocks[block_of(doc, e.range.start)].range;
            e.range.start < block.start || e.range.end > block.end
        })
        .map(|(i, _)| i)
        .collect()
}

/// Compares an `Rc` by pointer, for memoising on it.
#[derive(Clone)]
struct ByPtr<T>(Rc<T>);

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[component(DocumentView)]
pub fn document_view(props: &Props) -> Html {
    let doc = &props.doc;
    let article = use_node_ref();
    let caret_ref = use_node_ref();
    let redraw = use_force_update();
    let view = use_mut_ref(|| View::new(doc));
    if view.borrow().heights.len() != doc.blocks.len() {
        *view.borrow_mut() = View::new(doc);
    }

    // Scrolling, resizing, focus and selection changes update the window on the next
    // frame; focus and selection changes redraw the caret at once.
    {
        let (view, doc, article, caret_ref, redraw) = (view.clone(), doc.clone(), article.clone(), caret_ref.clone(), redraw.clone());
        use_effect_with((), move |_| {
            let on_frame = {
                let (view, article, caret_ref) = (view.clone(), article.clone(), caret_ref.clone());
                Rc::new(move || {
                    view.borrow_mut().frame = false;
                    let Some(element) = article.cast::<Element>() else { return };
                    if update(&view, &doc, &element) {
                        redraw.force_update();
                    }
                    if let Some(c) = caret_ref.cast::<Element>() {
                        draw_caret(&element, &c);
                    }
                })
            };
            let schedule = {
                let view = view.clone();
                move || {
                    let mut v = view.borrow_mut();
                    // The reader did something: measuring may go on again.
                    v.unsettled = 0;
                    if v.frame {
                        return;
                    }
                    v.frame = true;
                    drop(v);
                    let on_frame = on_frame.clone();
                    let f = Closure::once_into_js(move || (*on_frame)());
                    if let Some(w) = web_sys::window() {
                        let _ = w.request_animation_frame(f.unchecked_ref());
                    }
                }
            };
            let on_scroll = {
                let schedule = schedule.clone();
                Closure::<dyn FnMut()>::new(schedule)
            };
            let on_change = {
                let (article, caret_ref) = (article.clone(), caret_ref.clone());
                Closure::<dyn FnMut()>::new(move || {
                    if let (Some(a), Some(c)) = (article.cast::<Element>(), caret_ref.cast::<Element>()) {
                        draw_caret(&a, &c);
                    }
                    schedule();
                })
            };
            let (window, page) = (web_sys::window(), document());
            // The window's scroll and resize move the window of blocks; the page's selection
            // and focus move the caret. Added now, removed by the cleanup.
            let bind = move |add: bool, on_scroll: &Closure<dyn FnMut()>, on_change: &Closure<dyn FnMut()>| {
                let targets: [(Option<&web_sys::EventTarget>, &[&str], &Closure<dyn FnMut()>); 2] = [
                    (window.as_ref().map(|w| w.as_ref()), &["scroll", "resize"], on_scroll),
                    (page.as_ref().map(|d| d.as_ref()), &["selectionchange", "focusin", "focusout"], on_change),
                ];
                for (target, events, f) in targets {
                    let Some(target) = target else { continue };
                    for event in events {
                        let _ = if add {
                            target.add_event_listener_with_callback(event, f.as_ref().unchecked_ref())
                        } else {
                            target.remove_event_listener_with_callback(event, f.as_ref().unchecked_ref())
                        };
                    }
                }
            };
            bind(true, &on_scroll, &on_change);
            move || {
                bind(false, &on_scroll, &on_change);
                drop((on_scroll, on_change));
            }
        });
    }
    // A request to reveal an entity (not the one left over from before this view was
    // made): pin its block; the effect below focuses it once it is rendered.
    {
        let (view, mounted, id, redraw) = (view.clone(), use_mut_ref(|| false), doc.id.clone(), redraw.clone());
        use_effect_with(props.reveal.clone(), move |reveal| {
            if std::mem::replace(&mut *mounted.borrow_mut(), true) {
                if let Some(r) = reveal.as_ref().filter(|r| r.doc == id) {
                    view.borrow_mut().reveal = Some((r.block, r.id.clone()));
                    redraw.force_update();
                }
            }
        });
    }
    // After every render: focus a revealed entity, measure, move the window, draw the caret.
    {
        let (view, doc, article, caret_ref, redraw) = (view.clone(), doc.clone(), article.clone(), caret_ref.clone(), redraw.clone());
        use_effect(move || {
            let pending = view.borrow().reveal.clone();
            if let Some((_, id)) = pending {
                if focus_mark(&id) {
                    view.borrow_mut().reveal = None;
                }
            }
            if let Some(element) = article.cast::<Element>() {
                if update(&view, &doc, &element) {
                    redraw.force_update();
                }
                if let Some(c) = caret_ref.cast::<Element>() {
                    draw_caret(&element, &c);
                }
            }
        });
    }
    // Tab into the text: a caret at the start of the first block in view, unless the
    // selection is in the text already. A mouse press places its own caret after focusing.
    let pressed = use_mut_ref(|| false);
    let onfocus = {
        let (article, pressed) = (article.clone(), pressed.clone());
        Callback::from(move |e: FocusEvent| {
            let Some(element) = article.cast::<Element>() else { return };
            let by_mouse = std::mem::replace(&mut *pressed.borrow_mut(), false);
            if by_mouse || e.target().and_then(|t| t.dyn_into::<Element>().ok()).is_none_or(|t| t != element) {
                return;
            }
            if !caret_in_text(&element) {
                caret_to_view(&element);
                draw_caret_now();
            }
        })
    };
    let onmouseup = {
        let pressed = pressed.clone();
        Callback::from(move |_: MouseEvent| *pressed.borrow_mut() = false)
    };
    // A double-click selects the word Intl.Segmenter finds under the pointer (the second
    // press, before the browser's own word selection, which it replaces).
    let onmousedown = {
        let doc = doc.clone();
        Callback::from(move |e: MouseEvent| {
            *pressed.borrow_mut() = true;
            if e.detail() != 2 || e.button() != 0 {
                return;
            }
            let Some((node, unit)) = caret::char_at_point(e.client_x() as f64, e.client_y() as f64) else { return };
            let Some(at) = offsets::dom_point_to_offset(&node, unit) else { return };
            let Some(block_element) = node.parent_element().and_then(|p| p.closest("[data-block]").ok().flatten()) else { return };
            let Some(index) = attr_usize(&block_element, "data-block").filter(|&i| i < doc.blocks.len()) else { return };
            let range = &doc.blocks[index].range;
            let chars = doc.to_chars(range);
            let Some(local) = at.checked_sub(chars.start) else { return };
            // Segment a stretch around the point, not a whole (possibly huge) block.
            let from = local.saturating_sub(200);
            let piece: String = doc.slice(range).chars().skip(from).take(400).collect();
            let Some(word) = caret::word_at(&piece, local - from) else { return };
            e.prevent_default();
            caret::select(&block_element, chars.start + from + word.start, chars.start + from + word.end);
        })
    };

    let title_in_text = doc.blocks.first().is_some_and(|b| {
        matches!(b.kind, BlockKind::Heading(_)) && Some(doc.slice(&b.range)) == doc.title.as_deref()
    });
    let crossing = {
        let doc = doc.clone();
        use_memo(ByPtr(props.entities.clone()), move |e| crossing(&doc, &e.0))
    };

    // Each rendered block gets the index range of the entities that start in it (the list
    // is sorted by start, so that range is contiguous and found by two binary searches),
    // plus clones of the rare entities that began before it and run into it.
    let entities = &props.entities;
    let block = |index: usize| {
        let range = &doc.blocks[index].range;
        let first = entities.partition_point(|e| e.range.start < range.start);
        let last = first + entities[first..].partition_point(|e| e.range.start < range.end);
        let carried: Vec<Entity> = crossing
            .iter()
            .map(|&i| &entities[i])
            .filter(|e| e.range.start < range.start && e.range.end > range.start)
            .cloned()
            .collect();
        html! {
            <BlockView key={index} doc={doc.clone()} {index} entities={entities.clone()} range={first..last}
                {carried} labels={props.labels.clone()} on_focus={props.on_focus.clone()} />
        }
    };
    // One keyed list of its own (the macro would otherwise splice it into the article's
    // children beside the unkeyed title, and Yew would then match blocks by position,
    // replacing every block whenever the window moves).
    let items: Html = {
        let v = view.borrow();
        let segments = if v.heights.len() == doc.blocks.len() {
            viewport::layout(doc.blocks.len(), v.window.clone(), &v.pins_and_reveal())
        } else {
            Vec::new()
        };
        segments
            .into_iter()
            .map(|segment| match segment {
                Segment::Block(i) => block(i),
                Segment::Gap(r) => {
                    let height = v.heights.sum(r.clone());
                    html! {
                        <div key={format!("gap-{}", r.start)} class="spacer" aria-hidden="true"
                            data-gap-from={r.start.to_string()} data-gap-to={r.end.to_string()}
                            style={format!("height: {height:.1}px")}></div>
                    }
                }
            })
            .collect::<Html>()
    };
    html! {
        <>
            <article class="document" aria-label="article text" lang="zh" tabindex="0" ref={article}
                aria-describedby="caret-hint" {onfocus} {onmousedown} {onmouseup}>
                if !title_in_text {
                    if let Some(title) = &doc.title {
                        <h1 class="doc-title">{ title }</h1>
                    }
                }
                { items }
            </article>
            <p id="caret-hint" class="visually-hidden">
                { "Arrow keys move a caret in the text, Shift with arrows selects, a number key labels the selection." }
            </p>
            <div class="caret" ref={caret_ref} aria-hidden="true"></div>
        </>
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
    let index = props.index.to_string();
    match block.kind {
        BlockKind::Heading(level) => {
            let tag = format!("h{}", (level + 1).min(6));
            html! { <@{tag} class="block heading" data-block={index} data-start={start} data-end={end}>{ children }</@> }
        }
        BlockKind::ListItem => html! { <p class="block list-item" data-block={index} data-start={start} data-end={end}>{ children }</p> },
        BlockKind::Quote => html! { <blockquote class="block" data-block={index} data-start={start} data-end={end}>{ children }</blockquote> },
        BlockKind::Preformatted => html! { <pre class="block" data-block={index} data-start={start} data-end={end}>{ children }</pre> },
        _ => html! { <p class="block" data-block={index} data-start={start} data-end={end}>{ children }</p> },
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
