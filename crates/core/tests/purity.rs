//! Architecture invariant: the core knows nothing of the web. Its manifest must not name
//! a web crate, so that the app, the command line and the tests share one pure core.

#[test]
fn core_manifest_names_no_web_crate() {
    let manifest = include_str!("../Cargo.toml");
    let deps = manifest.split("[dependencies]").nth(1).unwrap_or("");
    let deps = deps.split("\n[").next().unwrap_or("");
    for forbidden in ["yew", "web-sys", "wasm-bindgen", "gloo", "js-sys"] {
        for line in deps.lines() {
            let name = line.split(['=', ' ', '.']).next().unwrap_or("").trim();
            assert_ne!(name, forbidden, "crates/core/Cargo.toml depends on {forbidden}: the core must stay pure");
        }
    }
}
