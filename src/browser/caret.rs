//! The keyboard caret and word selection: where a DOM point is drawn on screen, putting
//! the selection at code-point offsets, the character under the pointer, and the word
//! around a position as the browser's `Intl.Segmenter` sees it.

use std::ops::Range;

use wasm_bindgen::JsValue;
use web_sys::{Element, Node};

use super::offsets;

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// The page's selection.
pub fn selection() -> Option<web_sys::Selection> {
    web_sys::window().and_then(|w| w.get_selection().ok().flatten())
}

/// The first (or last) text node at or under `node`.
fn text_at_edge(node: &Node, last: bool) -> Option<Node> {
    if node.node_type() == Node::TEXT_NODE {
        return Some(node.clone());
    }
    let mut child = if last { node.last_child() } else { node.first_child() };
    while let Some(c) = child {
        if let Some(t) = text_at_edge(&c, last) {
            return Some(t);
        }
        child = if last { c.previous_sibling() } else { c.next_sibling() };
    }
    None
}

fn utf16_units(node: &Node) -> Vec<u16> {
    node.text_content().unwrap_or_default().encode_utf16().collect()
}

fn is_high_surrogate(unit: u16) -> bool {
    (0xD800..0xDC00).contains(&unit)
}

fn is_low_surrogate(unit: u16) -> bool {
    (0xDC00..0xE000).contains(&unit)
}

/// The box of the character at UTF-16 offset `at` of text node `text` (both halves of a
/// surrogate pair), in viewport coordinates.
fn char_box(text: &Node, units: &[u16], at: usize) -> Option<web_sys::DomRect> {
    let width = if is_high_surrogate(units[at]) && at + 1 < units.len() { 2 } else { 1 };
    let range = document()?.create_range().ok()?;
    range.set_start(text, at as u32).ok()?;
    range.set_end(text, (at + width) as u32).ok()?;
    Some(range.get_bounding_client_rect())
}

/// Where a caret at the DOM point (`node`, `offset`) is drawn, in viewport coordinates:
/// `(x, top, height)`. Before a character it is that character's left edge; at the end of
/// a text, the right edge of the last character.
pub fn caret_rect(node: &Node, offset: u32) -> Option<(f64, f64, f64)> {
    let (text, at) = if node.node_type() == Node::TEXT_NODE {
        (node.clone(), offset as usize)
    } else {
        let children = node.child_nodes();
        if let Some(t) = children.get(offset).and_then(|c| text_at_edge(&c, false)) {
            (t, 0)
        } else if let Some(t) = offset.checked_sub(1).and_then(|i| children.get(i)).and_then(|c| text_at_edge(&c, true)) {
            let len = utf16_units(&t).len();
            (t, len)
        } else {
            let element: &Element = wasm_bindgen::JsCast::dyn_ref(node)?;
            let r = element.get_bounding_client_rect();
            return Some((r.left(), r.top(), r.height()));
        }
    };
    let units = utf16_units(&text);
    if at < units.len() {
        let r = char_box(&text, &units, at)?;
        Some((r.left(), r.top(), r.height()))
    } else if at > 0 {
        let mut before = at.min(units.len()) - 1;
        if before > 0 && is_low_surrogate(units[before]) {
            before -= 1;
        }
        let r = char_box(&text, &units, before)?;
        Some((r.right(), r.top(), r.height()))
    } else {
        let r = text.parent_element()?.get_bounding_client_rect();
        Some((r.left(), r.top(), r.height()))
    }
}

/// The text node and UTF-16 offset of the character whose box holds the viewport point
/// (`x`, `y`), if the point is over text.
pub fn char_at_point(x: f64, y: f64) -> Option<(Node, u32)> {
    let position = document()?.caret_position_from_point(x as f32, y as f32)?;
    let node = position.offset_node()?;
    if node.node_type() != Node::TEXT_NODE {
        return None;
    }
    let units = utf16_units(&node);
    if units.is_empty() {
        return None;
    }
    // The browser gives the caret position nearest the point: the character is the one
    // after it or the one before it, whichever box holds the point.
    let at = (position.offset() as usize).min(units.len());
    let mut before = at.checked_sub(1);
    if let Some(b) = before.filter(|&b| b > 0 && is_low_surrogate(units[b])) {
        before = Some(b - 1);
    }
    let candidates = [(at < units.len()).then_some(at), before];
    for c in candidates.into_iter().flatten() {
        if let Some(r) = char_box(&node, &units, c) {
            if r.left() <= x && x <= r.right() && r.top() <= y && y <= r.bottom() {
                return Some((node, c as u32));
            }
        }
    }
    let fallback = if at < units.len() { at } else { before? };
    Some((node, fallback as u32))
}

/// Selects code points from `anchor` to `focus` (either order; equal for a caret) of the
/// text rendered under `root`. False if a point is not rendered there.
pub fn select(root: &Element, anchor: usize, focus: usize) -> bool {
    let Some(selection) = selection() else { return false };
    let Some((a, ao)) = offsets::offset_to_dom_point(root, anchor, anchor > focus) else { return false };
    let Some((f, fo)) = offsets::offset_to_dom_point(root, focus, focus > anchor) else { return false };
    selection.set_base_and_extent(&a, ao, &f, fo).is_ok()
}

/// Scrolls the page so that the caret at the selection's focus is in view, below the
/// sticky header.
pub fn keep_in_view() {
    let Some(window) = web_sys::window() else { return };
    let Some(selection) = selection() else { return };
    let Some(node) = selection.focus_node() else { return };
    let Some((_, top, height)) = caret_rect(&node, selection.focus_offset()) else { return };
    let header = document()
        .and_then(|d| d.query_selector(".app-header").ok().flatten())
        .map_or(0.0, |h| h.get_bounding_client_rect().bottom());
    let view = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
    let margin = height * 1.5;
    if top < header + margin {
        window.scroll_by_with_x_and_y(0.0, top - header - margin);
    } else if top + height > view - margin {
        window.scroll_by_with_x_and_y(0.0, top + height - view + margin);
    }
}

thread_local! {
    static SEGMENTER: Option<js_sys::Intl::Segmenter> = {
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"granularity".into(), &"word".into())
            .ok()
            .map(|_| js_sys::Intl::Segmenter::new(&js_sys::Array::of1(&JsValue::from_str("zh")), &options))
    };
}

/// The word of `text` holding the code point at `at`, as code points of `text`, by the
/// browser's `Intl.Segmenter` (locale `zh`, granularity `word`). `None` when the character
/// there is not part of a word (punctuation, white space).
pub fn word_at(text: &str, at: usize) -> Option<Range<usize>> {
    let unit = super::offsets::chars_to_utf16_prefix(text, at);
    let data = SEGMENTER.with(|s| s.as_ref().and_then(|s| s.segment(text).containing(unit)))?;
    if data.is_word_like() != Some(true) {
        return None;
    }
    let start = super::offsets::utf16_prefix_to_chars(text, data.index())?;
    Some(start..start + String::from(data.segment()).chars().count())
}
