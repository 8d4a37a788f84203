//! Subresource integrity for the staker's wasm. Trunk puts the wasm's hash on a
//! `<link rel="preload" as="fetch" integrity=…>`, which Chromium ignores ("the integrity attribute
//! is currently ignored for preload destinations that do not support subresource integrity"), and
//! its loader then instantiates that unchecked response. The loader is rewritten to hand
//! wasm-bindgen's `init` a `fetch(url, { integrity })` instead: the browser refuses bytes that do
//! not match, as it does for the JS module. Runs before the CSP hashes the loader.

use anyhow::{Context, Result};

/// `html` with its inline loader fetching the wasm with the preload's integrity hash; unchanged
/// when already done.
pub fn pin(html: &str) -> Result<String> {
    const PATH: &str = "module_or_path: '";
    let Some(at) = html.find(PATH) else {
        if html.contains("module_or_path: fetch(") {
            return Ok(html.to_string());
        }
        anyhow::bail!("Trunk's loader has no `{PATH}…'`: see xtask/src/wasm_sri.rs");
    };
    let start = at + PATH.len();
    let end = start + html[start..].find('\'').context("unterminated wasm path")?;
    let wasm = &html[start..end];
    let integrity = preload_integrity(html, wasm)
        .with_context(|| format!("no preload with an integrity hash for {wasm}"))?;
    Ok(format!(
        "{}module_or_path: fetch('{wasm}', {{ integrity: '{integrity}' }}){}",
        &html[..at],
        &html[end + 1..]
    ))
}

/// The `integrity` of the `<link>` whose `href` is `href` (quoted or as Trunk's minifier writes).
fn preload_integrity(html: &str, href: &str) -> Option<String> {
    html.split("<link").skip(1).find_map(|tag| {
        let tag = &tag[..tag.find('>')?];
        let named =
            tag.contains(&format!("href={href} ")) || tag.contains(&format!("href=\"{href}\""));
        let value = tag.split("integrity=").nth(1)?;
        let value = value.trim_start_matches('"');
        let value = &value[..value.find(['"', ' ']).unwrap_or(value.len())];
        (named && value.starts_with("sha384-")).then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    /// As Trunk 0.21 writes a release page (minified).
    const PAGE: &str = "<script type=module>import init, * as bindings from './app.js';\n\
        const wasm = await init({ module_or_path: './app_bg.wasm' });</script>\
        <link crossorigin href=./app.js integrity=sha384-JS rel=modulepreload>\
        <link as=fetch crossorigin href=./app_bg.wasm integrity=sha384-WASM rel=preload type=application/wasm>";

    #[test]
    fn the_loader_fetches_the_wasm_with_its_hash_once() {
        let pinned = super::pin(PAGE).unwrap();
        assert!(pinned.contains(
            "init({ module_or_path: fetch('./app_bg.wasm', { integrity: 'sha384-WASM' }) });"
        ));
        assert_eq!(super::pin(&pinned).unwrap(), pinned);
        assert!(super::pin("<script>nothing</script>").is_err());
    }
}
