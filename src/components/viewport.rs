//! Which blocks of a long document are in the DOM: those near the viewport, plus the few
//! that must stay (the block of the focused entity, of the selection's ends, of an entity
//! being revealed). Every other run of blocks is one spacer as tall as those blocks: their
//! measured height once they have been rendered, an estimate from their text until then.
//!
//! No browser API here: the document view measures and scrolls, this decides.

use std::ops::Range;

/// Heights of a document's blocks in CSS pixels, each including the gap after it.
#[derive(Debug, Clone)]
pub struct Heights {
    /// An estimate from the block's text, before scaling.
    estimate: Vec<f32>,
    /// The height measured in the page; NaN until the block has been rendered.
    measured: Vec<f32>,
    measured_sum: f64,
    /// The sum of the estimates of the measured blocks: measured_sum / this scales the
    /// estimates of the blocks not yet rendered.
    estimated_sum: f64,
}

impl Heights {
    pub fn new(estimate: Vec<f32>) -> Heights {
        let measured = vec![f32::NAN; estimate.len()];
        Heights { estimate, measured, measured_sum: 0.0, estimated_sum: 0.0 }
    }

    pub fn len(&self) -> usize {
        self.estimate.len()
    }

    pub fn is_empty(&self) -> bool {
        self.estimate.is_empty()
    }

    /// How much taller the rendered blocks were than their estimates, on average.
    fn scale(&self) -> f64 {
        if self.estimated_sum > 0.0 {
            (self.measured_sum / self.estimated_sum).clamp(0.2, 5.0)
        } else {
            1.0
        }
    }

    pub fn height(&self, i: usize) -> f64 {
        let m = self.measured[i];
        if m.is_nan() {
            self.estimate[i] as f64 * self.scale()
        } else {
            m as f64
        }
    }

    pub fn sum(&self, range: Range<usize>) -> f64 {
        let scale = self.scale();
        range.map(|i| {
            let m = self.measured[i];
            if m.is_nan() { self.estimate[i] as f64 * scale } else { m as f64 }
        }).sum()
    }

    pub fn set_measured(&mut self, i: usize, height: f64) {
        let height = height.max(0.0) as f32;
        let old = self.measured[i];
        if old.is_nan() {
            self.estimated_sum += self.estimate[i] as f64;
        } else {
            self.measured_sum -= old as f64;
        }
        self.measured_sum += height as f64;
        self.measured[i] = height;
    }

    /// The index of the block `y` pixels into the blocks of `range` laid out one after the
    /// other, when they were drawn `drawn` pixels tall in total (a spacer drawn before some
    /// of them were measured): positions are scaled to that height.
    pub fn block_at(&self, range: Range<usize>, y: f64, drawn: f64) -> usize {
        if range.is_empty() {
            return range.start;
        }
        let total = self.sum(range.clone());
        let y = if drawn > 0.0 && total > 0.0 { y * total / drawn } else { y };
        let mut at = 0.0;
        for i in range.clone() {
            at += self.height(i);
            if y < at {
                return i;
            }
        }
        range.end - 1
    }
}

/// A block's height before it is measured: its lines at `ems_per_line` (CJK characters
/// are one em wide, others taken as about half), times `line_px`, plus `gap_px`.
/// `bytes` and `chars` are the block's length in UTF-8 bytes and code points: wide
/// characters take three bytes, so their count is about (bytes − chars) / 2.
pub fn estimate(bytes: usize, chars: usize, ems_per_line: f64, line_px: f64, gap_px: f64) -> f32 {
    let wide = (bytes.saturating_sub(chars) / 2).min(chars);
    let ems = wide as f64 + 0.55 * (chars - wide) as f64;
    let lines = (ems / ems_per_line.max(1.0)).ceil().max(1.0);
    (lines * line_px + gap_px) as f32
}

/// One item of the rendered list: a block, or a spacer standing for a run of blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Block(usize),
    Gap(Range<usize>),
}

/// The rendered list for `count` blocks: the blocks of `window` and `pins` in order, with
/// a spacer for every run of blocks between them. It always ends with a spacer (empty
/// when the last block is rendered), which measuring uses as the end of the last block.
pub fn layout(count: usize, window: Range<usize>, pins: &[usize]) -> Vec<Segment> {
    let mut shown: Vec<usize> = window.clone().filter(|&i| i < count).collect();
    shown.extend(pins.iter().copied().filter(|&i| i < count && !window.contains(&i)));
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 3);
    let mut at = 0;
    for i in shown {
        if i > at {
            out.push(Segment::Gap(at..i));
        }
        out.push(Segment::Block(i));
        at = i + 1;
    }
    out.push(Segment::Gap(at..count));
    out
}

/// The window to render for the band of blocks `need` that is in or near the viewport,
/// given the window rendered now and the wider band `want` to render when it must move:
/// the window moves only when `need` is no longer inside it, and never holds more than
/// `max` blocks (then it keeps those around the middle of `want`).
pub fn next_window(current: &Range<usize>, need: &Range<usize>, want: &Range<usize>, max: usize) -> Range<usize> {
    if current.start <= need.start && need.end <= current.end && current.len() <= max {
        return current.clone();
    }
    let mut window = want.start.min(need.start)..want.end.max(need.end);
    if window.len() > max {
        let middle = (need.start + need.end) / 2;
        let start = middle.saturating_sub(max / 2).max(window.start);
        window = start..(start + max).min(window.end);
    }
    window
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_puts_spacers_between_rendered_blocks_and_always_ends_with_one() {
        assert_eq!(layout(10, 3..5, &[]), vec![Segment::Gap(0..3), Segment::Block(3), Segment::Block(4), Segment::Gap(5..10)]);
        assert_eq!(layout(3, 0..3, &[]), vec![Segment::Block(0), Segment::Block(1), Segment::Block(2), Segment::Gap(3..3)]);
        assert_eq!(
            layout(10, 6..8, &[1, 7, 9]),
            vec![Segment::Gap(0..1), Segment::Block(1), Segment::Gap(2..6), Segment::Block(6), Segment::Block(7), Segment::Gap(8..9), Segment::Block(9), Segment::Gap(10..10)]
        );
        assert_eq!(layout(0, 0..0, &[]), vec![Segment::Gap(0..0)]);
    }

    #[test]
    fn measured_heights_replace_estimates_and_scale_the_others() {
        let mut h = Heights::new(vec![10.0, 10.0, 10.0, 10.0]);
        assert_eq!(h.sum(0..4), 40.0);
        h.set_measured(0, 20.0);
        // Block 0 was twice its estimate: the others are taken as twice theirs too.
        assert_eq!(h.height(0), 20.0);
        assert_eq!(h.height(1), 20.0);
        h.set_measured(0, 30.0);
        assert_eq!(h.sum(0..2), 60.0);
    }

    #[test]
    fn block_at_follows_the_heights_and_the_drawn_scale() {
        let mut h = Heights::new(vec![10.0, 20.0, 30.0]);
        h.set_measured(0, 10.0);
        assert_eq!(h.block_at(0..3, 0.0, 0.0), 0);
        assert_eq!(h.block_at(0..3, 9.9, 0.0), 0);
        assert_eq!(h.block_at(0..3, 10.0, 0.0), 1);
        assert_eq!(h.block_at(0..3, 59.0, 0.0), 2);
        assert_eq!(h.block_at(0..3, 500.0, 0.0), 2);
        // The spacer for blocks 1 and 2 was drawn 100 px tall: 60 px into it is block 2.
        assert_eq!(h.block_at(1..3, 60.0, 100.0), 2);
        assert_eq!(h.block_at(1..3, 30.0, 100.0), 1);
    }

    #[test]
    fn estimates_count_wide_characters_as_one_em() {
        // 45 CJK characters fill one line of 45 ems; 46 need two.
        assert_eq!(estimate(135, 45, 45.0, 30.0, 10.0), 40.0);
        assert_eq!(estimate(138, 46, 45.0, 30.0, 10.0), 70.0);
        // 90 ASCII characters are about 50 ems: two lines.
        assert_eq!(estimate(90, 90, 45.0, 30.0, 10.0), 70.0);
        assert_eq!(estimate(0, 0, 45.0, 30.0, 10.0), 40.0);
    }

    #[test]
    fn the_window_moves_only_when_the_viewport_leaves_it() {
        assert_eq!(next_window(&(10..30), &(12..20), &(5..25), 100), 10..30);
        assert_eq!(next_window(&(10..30), &(25..35), &(20..40), 100), 20..40);
        // Never more than `max`, kept around the middle of what is needed.
        assert_eq!(next_window(&(0..0), &(100..110), &(0..1000), 50), 80..130);
    }
}
