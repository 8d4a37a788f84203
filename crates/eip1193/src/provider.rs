//! The wallet's EIP-1193 object.

use serde_json::value::RawValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::ProviderError;

#[wasm_bindgen]
extern "C" {
    /// An EIP-1193 provider: `window.ethereum`, or one announced through EIP-6963.
    #[wasm_bindgen(js_name = Object)]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub type Eip1193Provider;

    #[wasm_bindgen(method, catch, js_name = request)]
    fn request_raw(this: &Eip1193Provider, args: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    pub(crate) fn on(
        this: &Eip1193Provider,
        event: &str,
        handler: &js_sys::Function,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = removeListener)]
    pub(crate) fn remove_listener(
        this: &Eip1193Provider,
        event: &str,
        handler: &js_sys::Function,
    ) -> Result<JsValue, JsValue>;
}

impl Eip1193Provider {
    /// Wraps any JavaScript value that has a `request` method.
    pub fn from_js(value: JsValue) -> Option<Eip1193Provider> {
        let request = js_sys::Reflect::get(&value, &"request".into()).ok()?;
        request.is_function().then(|| value.unchecked_into())
    }

    /// `provider.request({ method, params })` with JSON in and out.
    ///
    /// `params` is the JSON text of the parameters (an array or object), if any. A wallet that
    /// throws, rejects, or answers with something that is not JSON gives a [`ProviderError`]
    /// keeping the wallet's `code`, `message` and `data`.
    pub async fn request(
        &self,
        method: &str,
        params: Option<&RawValue>,
    ) -> Result<Box<RawValue>, ProviderError> {
        let args = js_sys::Object::new();
        js_sys::Reflect::set(&args, &"method".into(), &method.into())
            .map_err(ProviderError::from_js)?;
        if let Some(params) = params {
            let params = js_sys::JSON::parse(params.get()).map_err(ProviderError::from_js)?;
            js_sys::Reflect::set(&args, &"params".into(), &params)
                .map_err(ProviderError::from_js)?;
        }
        let returned = self.request_raw(&args).map_err(ProviderError::from_js)?;
        // Await promises and thenables alike; a plain value resolves at once.
        let value = JsFuture::from(js_sys::Promise::resolve(&returned))
            .await
            .map_err(ProviderError::from_js)?;
        let text = if value.is_undefined() {
            "null".to_string()
        } else {
            js_sys::JSON::stringify(&value)
                .map_err(ProviderError::from_js)?
                .as_string()
                .unwrap_or_else(|| "null".into())
        };
        RawValue::from_string(text).map_err(|e| ProviderError::internal(e.to_string()))
    }
}
