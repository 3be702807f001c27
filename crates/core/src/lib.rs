//! # huaxian-core
//!
//! The pure core of Huaxian (划线), shared by the Yew app, the `huaxian` command line and
//! the tests. It turns article bytes into a [`Document`] ([`ingest`]), finds entities in
//! it ([`recognize`]), holds them as [`Entity`] values ([`annotate`]) and writes the
//! versioned export ([`export`]).
//!
//! **Invariant:** nothing here knows the DOM, Yew, files, clocks or the network. Inputs
//! are bytes and strings; outputs are values. Spans inside the core are UTF-8 byte ranges
//! over [`Document::text`]; everything exported is in Unicode code points and says so.

pub mod annotate;
pub mod document;
pub mod export;
pub mod formats;
pub mod gold;
pub mod ingest;
pub mod labels;
pub mod offsets;
pub mod recognize;
pub mod store;

pub use annotate::{Entity, EntitySource, Status};
pub use document::Document;
pub use ingest::{ingest, IngestError};
pub use labels::LabelDef;
