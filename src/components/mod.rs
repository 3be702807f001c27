//! The page's parts. Each takes plain values and callbacks; none holds app state.

pub mod document_view;
pub mod export_panel;
pub mod lexicon_panel;
pub mod side_panel;
pub mod toolbar;
pub mod viewport;
