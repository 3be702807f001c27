//! The Huaxian web app: a thin Yew shell over `huaxian-core`. Components map the state to
//! HTML and the person's intents to [`state::Action`]s; `browser` holds the few calls
//! into browser APIs.

pub mod app;
pub mod browser;
pub mod components;
pub mod state;

/// Mounts the app on the page's body.
pub fn run() {
    yew::Renderer::<app::App>::new().render();
}
