//! DOM positions to code-point offsets of the document text.
//!
//! The DOM counts in UTF-16 code units; exports count code points. The document view
//! renders every run of text as an element with `data-start` and `data-end` (code points)
//! holding exactly one text node, so a DOM point maps to an offset by reading its run's
//! `data-start` and counting the code points before the point inside the run.

use wasm_bindgen::JsCast;
use web_sys::{Element, Node, Range, Selection};

/// The attribute every rendered run carries: its first code point in the document text.
pub const START_ATTR: &str = "data-start";
/// The attribute every rendered run carries: one past its last code point.
pub const END_ATTR: &str = "data-end";

/// UTF-16 units in the first `chars` code points of `text` (the DOM counts in these).
pub fn chars_to_utf16_prefix(text: &str, chars: usize) -> u32 {
    text.chars().take(chars).map(char::len_utf16).sum::<usize>() as u32
}

/// Code points in the first `utf16_offset` UTF-16 units of `text`; `None` if the offset
/// falls inside a surrogate pair or past the end.
pub fn utf16_prefix_to_chars(text: &str, utf16_offset: u32) -> Option<usize> {
    let target = utf16_offset as usize;
    let mut units = 0;
    for (chars, ch) in text.chars().enumerate() {
        if units == target {
            return Some(chars);
        }
        if units > target {
            return None;
        }
        units += ch.len_utf16();
    }
    (units == target).then(|| text.chars().count())
}

fn attr_usize(element: &Element, name: &str) -> Option<usize> {
    element.get_attribute(name)?.parse().ok()
}

/// The nearest element at or above `node` that carries `data-start`.
fn run_of(node: &Node) -> Option<Element> {
    let element = match node.dyn_ref::<Element>() {
        Some(e) => e.clone(),
        None => node.parent_element()?,
    };
    element.closest("[data-start]").ok().flatten()
}

/// The code point offset of a DOM point (`node`, `offset`) as a `Range` or `Selection`
/// reports it: for a text node `offset` counts UTF-16 units, for an element it counts
/// children. `None` when the point lies outside the rendered document.
pub fn dom_point_to_offset(node: &Node, offset: u32) -> Option<usize> {
    if node.node_type() == Node::TEXT_NODE {
        let run = run_of(node)?;
        let start = attr_usize(&run, START_ATTR)?;
        // Count the text of the run's text nodes before this one (normally none), then
        // the prefix of this one.
        let mut before = 0;
        let mut walker = run.first_child();
        while let Some(child) = walker {
            if child.is_same_node(Some(node)) {
                break;
            }
            before += child.text_content().unwrap_or_default().chars().count();
            walker = child.next_sibling();
        }
        let text = node.text_content().unwrap_or_default();
        return Some(start + before + utf16_prefix_to_chars(&text, offset)?);
    }
    let element = node.dyn_ref::<Element>()?;
    let children = element.child_nodes();
    if let Some(child) = children.get(offset) {
        // The point is just before `child`: the start of the first run at or in it.
        first_offset_in(&child).or_else(|| {
            // A child with no run inside (a line break, say): fall back to the end of
            // the previous sibling.
            offset.checked_sub(1).and_then(|i| children.get(i)).and_then(|prev| last_offset_in(&prev))
        })
    } else {
        // The point is after the last child.
        attr_usize(element, END_ATTR).or_else(|| last_offset_in(node))
    }
}

fn first_offset_in(node: &Node) -> Option<usize> {
    if let Some(e) = node.dyn_ref::<Element>() {
        if let Some(start) = attr_usize(e, START_ATTR) {
            return Some(start);
        }
        let found = e.query_selector("[data-start]").ok().flatten()?;
        return attr_usize(&found, START_ATTR);
    }
    if node.node_type() == Node::TEXT_NODE {
        return dom_point_to_offset(node, 0);
    }
    None
}

fn last_offset_in(node: &Node) -> Option<usize> {
    if let Some(e) = node.dyn_ref::<Element>() {
        if let Some(end) = attr_usize(e, END_ATTR) {
            return Some(end);
        }
        let all = e.query_selector_all("[data-end]").ok()?;
        let last = all.get(all.length().checked_sub(1)?)?;
        return attr_usize(last.dyn_ref::<Element>()?, END_ATTR);
    }
    if node.node_type() == Node::TEXT_NODE {
        let len = node.text_content().unwrap_or_default().encode_utf16().count() as u32;
        return dom_point_to_offset(node, len);
    }
    None
}

/// A DOM range as a code point range `(start, end)`, start ≤ end.
pub fn range_to_offsets(range: &Range) -> Option<(usize, usize)> {
    let start = dom_point_to_offset(&range.start_container().ok()?, range.start_offset().ok()?)?;
    let end = dom_point_to_offset(&range.end_container().ok()?, range.end_offset().ok()?)?;
    Some((start.min(end), start.max(end)))
}

/// The current selection as a code point range, if it is non-empty and inside the
/// rendered document.
pub fn selection_to_offsets(selection: &Selection) -> Option<(usize, usize)> {
    if selection.range_count() == 0 || selection.is_collapsed() {
        return None;
    }
    let (start, end) = range_to_offsets(&selection.get_range_at(0).ok()?)?;
    (start < end).then_some((start, end))
}

/// The DOM point (text node, UTF-16 offset) of code point `cp`, searched under `root` (a
/// block, or the whole article): the inverse of [`dom_point_to_offset`]. Where two runs
/// meet at `cp`, `toward_end` picks the end of the run before (for a selection's end)
/// rather than the start of the run after. `None` when `cp` is not rendered under `root`.
pub fn offset_to_dom_point(root: &Element, cp: usize, toward_end: bool) -> Option<(Node, u32)> {
    let mut element = root.clone();
    loop {
        let mut chosen: Option<Element> = None;
        let mut child = element.first_element_child();
        while let Some(c) = child {
            if let (Some(s), Some(e)) = (attr_usize(&c, START_ATTR), attr_usize(&c, END_ATTR)) {
                if s <= cp && cp <= e {
                    let better = if toward_end { s < cp } else { cp < e };
                    if chosen.is_none() || better {
                        chosen = Some(c.clone());
                    }
                    if better {
                        break;
                    }
                }
            }
            child = c.next_element_sibling();
        }
        match chosen {
            Some(c) => element = c,
            None => break,
        }
    }
    // `element` is the innermost run holding `cp`: count into its text.
    let start = attr_usize(&element, START_ATTR)?;
    let end = attr_usize(&element, END_ATTR)?;
    if cp < start || cp > end {
        return None;
    }
    let mut left = cp - start;
    let mut node = element.first_child();
    let mut last_text = None;
    while let Some(n) = node {
        if n.node_type() == Node::TEXT_NODE {
            let text = n.text_content().unwrap_or_default();
            let chars = text.chars().count();
            if left <= chars {
                return Some((n, chars_to_utf16_prefix(&text, left)));
            }
            left -= chars.min(left);
            last_text = Some(n.clone());
        }
        node = n.next_sibling();
    }
    match last_text {
        Some(n) => {
            let units = n.text_content().unwrap_or_default().encode_utf16().count() as u32;
            Some((n, units))
        }
        // An empty run: the point is inside it.
        None => Some((element.into(), 0)),
    }
}
