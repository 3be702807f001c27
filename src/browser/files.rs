//! Reading the files a person opens and offering downloads. Nothing here uses the
//! network: files are read from the machine and downloads are made from `blob:` URLs.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, Url};

/// The bytes of a file chosen in a picker or dropped on the page.
pub async fn read_bytes(file: &File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("could not read {}: {}", file.name(), describe(&e)))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Offers `contents` as a download named `file_name`.
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), String> {
    download_bytes(file_name, mime, contents.as_bytes())
}

/// Offers `bytes` as a download named `file_name`.
pub fn download_bytes(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|e| describe(&e))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|e| describe(&e))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor: HtmlAnchorElement =
        document.create_element("a").map_err(|e| describe(&e))?.dyn_into().map_err(|_| "not an anchor")?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // Revoke the URL once the download has had time to start; revoking at once can
    // cancel it in some browsers.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}

fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
