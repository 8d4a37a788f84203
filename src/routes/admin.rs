//! `/admin`: loads the operator console's module (a second wasm, fetched only here) and mounts
//! it into this page; leaving the route unmounts it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "
export async function loadConsole(root) {
  const base = document.baseURI;
  const module = await import(new URL('ssv-pool-console.js', base).href);
  await module.default({ module_or_path: new URL('ssv-pool-console_bg.wasm', base).href });
  root.replaceChildren();
  return module.mount(root);
}
export function unmountConsole(mounted) { mounted.unmount(); mounted.free(); }
")]
extern "C" {
    #[wasm_bindgen(catch, js_name = loadConsole)]
    async fn load_console(root: web_sys::HtmlElement) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = unmountConsole)]
    fn unmount_console(mounted: &JsValue);
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    let failed = RwSignal::new(None::<String>);
    // The mounted console, unmounted with this route.
    let mounted = StoredValue::new_local(None::<JsValue>);
    Effect::new(move |_| {
        let Some(element) = root.get() else { return };
        spawn_local(async move {
            let element: web_sys::HtmlElement = element.into();
            match load_console(element).await {
                Ok(handle) => mounted.set_value(Some(handle)),
                Err(error) => failed.set(Some(
                    error
                        .as_string()
                        .or_else(|| {
                            js_sys::Reflect::get(&error, &"message".into())
                                .ok()?
                                .as_string()
                        })
                        .unwrap_or_else(|| "unknown error".into()),
                )),
            }
        });
    });
    on_cleanup(move || {
        if let Some(handle) = mounted.try_update_value(Option::take).flatten() {
            unmount_console(&handle);
        }
    });
    view! {
        {move || failed.get().map(|e| view! {
            <p class="error" role="alert">{format!("The operator console could not be loaded: {e}. Reload to try again.")}</p>
        })}
        <div node_ref=root data-testid="console-root"><p class="loading">"Loading the operator console…"</p></div>
    }
}
