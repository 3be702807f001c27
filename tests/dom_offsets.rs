//! In-browser tests of DOM positions → code-point offsets (run in headless Chromium by
//! wasm-bindgen-test-runner). They build the same markup the document view renders:
//! runs with `data-start`/`data-end`, one text node each.
#![cfg(target_arch = "wasm32")]

use huaxian_app::browser::caret::{select, word_at};
use huaxian_app::browser::offsets::{
    dom_point_to_offset, offset_to_dom_point, range_to_offsets, selection_to_offsets, utf16_prefix_to_chars,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Node};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Renders a paragraph of runs: (text, is_mark). Returns the paragraph.
fn render(runs: &[(&str, bool)]) -> Element {
    let doc = document();
    let p = doc.create_element("p").unwrap();
    let mut at = 0;
    for (text, is_mark) in runs {
        let el = doc.create_element(if *is_mark { "mark" } else { "span" }).unwrap();
        let len = text.chars().count();
        el.set_attribute("data-start", &at.to_string()).unwrap();
        el.set_attribute("data-end", &(at + len).to_string()).unwrap();
        el.set_text_content(Some(text));
        p.append_child(&el).unwrap();
        at += len;
    }
    p.set_attribute("data-start", "0").unwrap();
    p.set_attribute("data-end", &at.to_string()).unwrap();
    doc.body().unwrap().append_child(&p).unwrap();
    p
}

fn text_node(el: &Element, child: u32) -> Node {
    el.children().item(child).unwrap().first_child().unwrap()
}

#[wasm_bindgen_test]
fn utf16_prefixes_count_code_points() {
    assert_eq!(utf16_prefix_to_chars("🚀据悉", 2), Some(1));
    assert_eq!(utf16_prefix_to_chars("🚀据悉", 1), None, "inside a surrogate pair");
    assert_eq!(utf16_prefix_to_chars("𠮷商汤", 3), Some(2));
    assert_eq!(utf16_prefix_to_chars("ab", 3), None);
}

#[wasm_bindgen_test]
fn text_points_after_emoji_and_astral_cjk_are_code_points() {
    let p = render(&[("🚀据悉，𠮷", false), ("商汤绝影", true), ("与👩‍💻", false)]);
    // In the first run, after "🚀据" = 3 UTF-16 units = 2 code points.
    assert_eq!(dom_point_to_offset(&text_node(&p, 0), 3), Some(2));
    // The whole first run is 7 UTF-16 units and 5 code points.
    assert_eq!(dom_point_to_offset(&text_node(&p, 0), 7), Some(5));
    // Inside the mark: its start (5) plus two characters.
    assert_eq!(dom_point_to_offset(&text_node(&p, 1), 2), Some(7));
    // After the ZWJ emoji sequence (👩 ZWJ 💻 = 5 UTF-16 units, 3 code points).
    assert_eq!(dom_point_to_offset(&text_node(&p, 2), 6), Some(13));
    p.remove();
}

#[wasm_bindgen_test]
fn element_points_count_children() {
    let p = render(&[("🚀甲", false), ("特斯拉", true), ("乙", false)]);
    let node: &Node = p.unchecked_ref();
    assert_eq!(dom_point_to_offset(node, 0), Some(0));
    assert_eq!(dom_point_to_offset(node, 1), Some(2), "before the mark");
    assert_eq!(dom_point_to_offset(node, 2), Some(5), "after the mark");
    assert_eq!(dom_point_to_offset(node, 3), Some(6), "after the last child");
    p.remove();
}

#[wasm_bindgen_test]
fn a_range_and_a_real_selection_map_to_the_entity() {
    let p = render(&[("🚀据悉，", false), ("Tesla", true), ("与沐曦", false)]);
    let doc = document();
    let range = doc.create_range().unwrap();
    range.set_start(&text_node(&p, 1), 0).unwrap();
    range.set_end(&text_node(&p, 2), 3).unwrap();
    assert_eq!(range_to_offsets(&range), Some((4, 12)));

    let selection = web_sys::window().unwrap().get_selection().unwrap().unwrap();
    selection.remove_all_ranges().unwrap();
    // Backwards, as a person drags from right to left: anchor after, focus before.
    selection.set_base_and_extent(&text_node(&p, 2), 3, &text_node(&p, 0), 2).unwrap();
    assert_eq!(selection_to_offsets(&selection), Some((1, 12)));
    selection.remove_all_ranges().unwrap();
    p.remove();
}

#[wasm_bindgen_test]
fn points_outside_the_document_are_none() {
    let doc = document();
    let stray = doc.create_element("div").unwrap();
    stray.set_text_content(Some("not ours"));
    doc.body().unwrap().append_child(&stray).unwrap();
    assert_eq!(dom_point_to_offset(&stray.first_child().unwrap(), 2), None);
    stray.remove();
}

#[wasm_bindgen_test]
fn code_points_map_back_to_dom_points_and_round_trip() {
    // A mark nested in a mark, after emoji and 𠮷: 商汤绝影 inside 商汤绝影与Tesla.
    let doc = document();
    let p = render(&[("🚀据悉，𠮷", false), ("商汤绝影与Tesla", true), ("、沐曦", false)]);
    let outer = p.children().item(1).unwrap();
    outer.set_text_content(None);
    for (text, start, is_mark) in [("商汤绝影", 5, true), ("与Tesla", 9, false)] {
        let el = doc.create_element(if is_mark { "mark" } else { "span" }).unwrap();
        el.set_attribute("data-start", &start.to_string()).unwrap();
        el.set_attribute("data-end", &(start + text.chars().count()).to_string()).unwrap();
        el.set_text_content(Some(text));
        outer.append_child(&el).unwrap();
    }
    // After 🚀 (two UTF-16 units): code point 1.
    let (node, offset) = offset_to_dom_point(&p, 1, false).unwrap();
    assert_eq!((node.text_content().unwrap(), offset), ("🚀据悉，𠮷".to_string(), 2));
    // Where two runs meet, the start of the next one, or (toward the end) the end of the one before.
    let (node, offset) = offset_to_dom_point(&p, 5, false).unwrap();
    assert_eq!((node.text_content().unwrap(), offset), ("商汤绝影".to_string(), 0));
    let (node, offset) = offset_to_dom_point(&p, 5, true).unwrap();
    assert_eq!((node.text_content().unwrap(), offset), ("🚀据悉，𠮷".to_string(), 7));
    // Every code point maps to a point that maps back to it.
    for cp in 0..=18 {
        for toward_end in [false, true] {
            let (node, offset) = offset_to_dom_point(&p, cp, toward_end).unwrap();
            assert_eq!(dom_point_to_offset(&node, offset), Some(cp), "code point {cp}");
        }
    }
    assert_eq!(offset_to_dom_point(&p, 19, false), None);
    // Selecting code points selects exactly their text.
    assert!(select(&p, 9, 15));
    let selection = web_sys::window().unwrap().get_selection().unwrap().unwrap();
    assert_eq!(String::from(selection.to_string()), "与Tesla");
    assert_eq!(selection_to_offsets(&selection), Some((9, 15)));
    selection.remove_all_ranges().unwrap();
    p.remove();
}

#[wasm_bindgen_test]
fn words_come_from_intl_segmenter_in_code_points() {
    let text = "🚀𠮷据悉，临港新片区正式发布。";
    // 据悉 is a word wherever it is hit; the offsets count 🚀 and 𠮷 as one each.
    assert_eq!(word_at(text, 2), Some(2..4));
    assert_eq!(word_at(text, 3), Some(2..4));
    // Punctuation is not a word.
    assert_eq!(word_at(text, 4), None);
    // Whatever the segmenter makes of 临港新片区, the word holds the character and is
    // shorter than the text.
    let word = word_at(text, 7).unwrap();
    assert!(word.contains(&7) && word.len() < text.chars().count());
}
