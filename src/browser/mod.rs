//! Everything that touches browser APIs: DOM positions to offsets, reading files,
//! downloads. Kept apart from the components so it can be tested in the browser alone.

pub mod caret;
pub mod files;
pub mod offsets;
pub mod storage;
