//! `/admin`: loads the operator console's module (a second wasm, fetched only here) and mounts
//! it into this page; leaving the route unmounts it. The loading lives in a few lines of
//! JavaScript (a dynamic `import()`), which keeps the staker's module small.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = "
let mounting = null;
export function loadConsole(id) {
  const root = document.getElementById(id);
  const base = document.baseURI;
  if (!document.getElementById('console-css')) {
    const css = document.createElement('link');
    css.id = 'console-css';
    css.rel = 'stylesheet';
    css.href = new URL('ssv-pool-console.css', base).href;
    document.head.append(css);
  }
  mounting = import(new URL('ssv-pool-console.js', base).href)
    .then(async (module) => {
      await module.default({ module_or_path: new URL('ssv-pool-console_bg.wasm', base).href });
      root.replaceChildren();
      return module.mount(root);
    })
    .catch((error) => {
      const message = document.createElement('p');
      message.className = 'error';
      message.setAttribute('role', 'alert');
      message.textContent = `The operator console could not be loaded (${error.message || error}). Reload to try again.`;
      root.replaceChildren(message);
    });
}
export function unmountConsole() {
  const done = mounting;
  mounting = null;
  done?.then((mounted) => { if (mounted) { mounted.unmount(); mounted.free(); } });
}
")]
extern "C" {
    #[wasm_bindgen(js_name = loadConsole)]
    fn load_console(id: &str);
    #[wasm_bindgen(js_name = unmountConsole)]
    fn unmount_console();
}

const ROOT: &str = "console-root";

#[component]
pub fn AdminPage() -> impl IntoView {
    // After the element is in the document; unmounted with this route.
    Effect::new(|_| load_console(ROOT));
    on_cleanup(unmount_console);
    view! {
        <div id=ROOT data-testid="console-root"><p class="loading">"Loading the operator console…"</p></div>
    }
}
