//! The security headers of a build, written by `cargo xtask dist` after Trunk: the
//! Content-Security-Policy (with a hash of every inline script Trunk emitted, and the configured
//! RPC), as a Netlify / Cloudflare Pages `_headers` file, as an nginx snippet to `include`, and as
//! a `<meta>` in each HTML file for hosts that send no headers (IPFS gateways).
//!
//! Why each directive is what it is: ARCHITECTURE.md, "Decisions".

use std::path::Path;

use anyhow::{Context, Result, bail};
use base64::Engine;
use pool_core::config::NetworkConfig;
use sha2::{Digest, Sha256};

/// The nginx snippet's file name in `dist/`.
pub const NGINX_SNIPPET: &str = "nginx-security.conf";
/// The Netlify / Cloudflare Pages headers file in `dist/`.
pub const HEADERS_FILE: &str = "_headers";

/// Which RPC endpoints the page may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connect {
    /// The configured RPC, any `https:` / `wss:` endpoint and a node on loopback (a staker's own
    /// RPC, set in the page, must work; see ARCHITECTURE.md).
    AnySecure,
    /// The configured RPC only.
    Configured,
}

/// The policy of one build.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `'sha256-…'` of each inline script, in document order.
    pub script_hashes: Vec<String>,
    /// Origin of the configured RPC (`scheme://host[:port]`), when a config is in the build.
    pub rpc_origin: Option<String>,
    pub connect: Connect,
}

impl Policy {
    /// The policy for the HTML of a build and its `config.json` text (if any).
    pub fn for_build(html: &str, config: Option<&str>, connect: Connect) -> Result<Policy> {
        let rpc_origin = match config {
            Some(text) => {
                let config = NetworkConfig::from_json(text)?;
                Some(origin(&config.rpc_url)?)
            }
            None => None,
        };
        if connect == Connect::Configured && rpc_origin.is_none() {
            bail!("--strict-connect needs --config: the policy names the configured RPC");
        }
        Ok(Policy {
            script_hashes: inline_script_hashes(html),
            rpc_origin,
            connect,
        })
    }

    /// The directives a `<meta>` can carry (all but `frame-ancestors`, which browsers ignore there).
    fn directives(&self) -> Vec<String> {
        let mut script = vec!["'self'".to_string(), "'wasm-unsafe-eval'".to_string()];
        script.extend(self.script_hashes.iter().cloned());
        let mut connect = vec!["'self'".to_string()];
        connect.extend(self.rpc_origin.iter().cloned());
        if self.connect == Connect::AnySecure {
            // Any TLS endpoint, and a node on the staker's own machine (browsers let an https
            // page reach loopback over plain http).
            connect.extend(
                ["https:", "wss:", "http://127.0.0.1:*", "http://localhost:*"].map(String::from),
            );
        }
        vec![
            "default-src 'none'".into(),
            format!("script-src {}", script.join(" ")),
            // The checker's workers and their loader come from the site itself (no Blob URL).
            "worker-src 'self'".into(),
            format!("connect-src {}", connect.join(" ")),
            "style-src 'self'".into(),
            // EIP-6963 wallet icons are data: URIs.
            "img-src 'self' data:".into(),
            "object-src 'none'".into(),
            "base-uri 'self'".into(),
            "form-action 'none'".into(),
        ]
    }

    /// The policy for a `<meta http-equiv>`.
    pub fn meta(&self) -> String {
        self.directives().join("; ")
    }

    /// The policy for an HTTP header: the meta's and `frame-ancestors 'none'`.
    pub fn header(&self) -> String {
        let mut directives = self.directives();
        directives.push("frame-ancestors 'none'".into());
        directives.join("; ")
    }
}

/// The headers every response of the app carries, besides the CSP.
const OTHER_HEADERS: [(&str, &str); 4] = [
    ("X-Content-Type-Options", "nosniff"),
    // No page URL (with an account in a query, say) reaches the RPC or the explorer.
    ("Referrer-Policy", "no-referrer"),
    // For browsers without frame-ancestors.
    ("X-Frame-Options", "DENY"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ),
];

/// `'sha256-…'` of the text of every `<script>` without `src` in `html`, as CSP hashes them (the
/// exact bytes between the tags).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start + "<script".len()..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script") else {
            break;
        };
        if !attributes.contains("src=") {
            let digest = Sha256::digest(&body.as_bytes()[..close]);
            let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{encoded}'"));
        }
        rest = &body[close..];
    }
    hashes
}

/// `scheme://host[:port]` of an http(s) or ws(s) URL.
pub fn origin(url: &str) -> Result<String> {
    let (scheme, rest) = url
        .split_once("://")
        .with_context(|| format!("rpcUrl `{url}` is not an absolute URL"))?;
    if !matches!(scheme, "http" | "https" | "ws" | "wss") {
        bail!("rpcUrl `{url}`: the scheme must be http, https, ws or wss");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains('@') || host.contains(char::is_whitespace) {
        bail!("rpcUrl `{url}` has no plain host");
    }
    Ok(format!("{scheme}://{host}"))
}

/// Puts the policy's `<meta>` at the top of the `<head>` of `html`, after the charset (which must
/// stay in the first 1,024 bytes), replacing one written before: it governs only the scripts and
/// links after it.
pub fn with_meta(html: &str, policy: &Policy) -> Result<String> {
    const MARK: &str = "<meta http-equiv=\"Content-Security-Policy\"";
    let mut html = html.to_string();
    if let Some(start) = html.find(MARK) {
        let end = start + html[start..].find('>').context("unterminated CSP meta")? + 1;
        html.replace_range(start..end, "");
    }
    // Trunk's minifier leaves out the optional <head> tag; the charset is always there.
    let charset = html
        .find("<meta charset")
        .context("no <meta charset> in the HTML")?;
    let head = charset + html[charset..].find('>').context("unterminated meta")? + 1;
    let meta = format!("{MARK} content=\"{}\">", policy.meta());
    html.insert_str(head, &meta);
    Ok(html)
}

/// `_headers` (Netlify, Cloudflare Pages): every path of the site.
pub fn headers_file(policy: &Policy) -> String {
    let mut out = String::from(
        "# Generated by `cargo xtask dist` for this build (its inline script hashes and RPC).\n/*\n",
    );
    out.push_str(&format!("  Content-Security-Policy: {}\n", policy.header()));
    for (name, value) in OTHER_HEADERS {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    out
}

/// nginx directives to `include` in the app's `location` (every response, errors too).
pub fn nginx_snippet(policy: &Policy) -> String {
    let mut out = String::from(
        "# Generated by `cargo xtask dist` for this build (its inline script hashes and RPC).\n\
         # include it inside the app's location block: nginx drops inherited add_header lines\n\
         # in a block that has its own.\n",
    );
    out.push_str(&format!(
        "add_header Content-Security-Policy \"{}\" always;\n",
        policy.header()
    ));
    for (name, value) in OTHER_HEADERS {
        out.push_str(&format!("add_header {name} \"{value}\" always;\n"));
    }
    out
}

/// Writes the meta into every HTML file of `dist`, and `_headers` and the nginx snippet beside
/// them, for the HTML's inline scripts and `dist/config.json`.
pub fn write(dist: &Path, html_files: &[&str], connect: Connect) -> Result<Policy> {
    let index = std::fs::read_to_string(dist.join("index.html")).context("reading index.html")?;
    let config = std::fs::read_to_string(dist.join("config.json")).ok();
    let policy = Policy::for_build(&index, config.as_deref(), connect)?;
    for name in html_files {
        let path = dist.join(name);
        let html = std::fs::read_to_string(&path).with_context(|| format!("reading {name}"))?;
        // Every page must run exactly the scripts the policy hashes.
        if inline_script_hashes(&html) != policy.script_hashes {
            bail!("{name}'s inline scripts differ from index.html's");
        }
        std::fs::write(&path, with_meta(&html, &policy)?)?;
    }
    std::fs::write(dist.join(HEADERS_FILE), headers_file(&policy))?;
    std::fs::write(dist.join(NGINX_SNIPPET), nginx_snippet(&policy))?;
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As Trunk's minifier writes a page.
    const HTML: &str = "<!doctype html><html lang=en><meta charset=utf-8><title>t</title>\
        <script type=module>init();</script><script src=./a.js></script><body></body></html>";

    #[test]
    fn inline_scripts_are_hashed_as_browsers_hash_them() {
        // `echo -n 'init();' | openssl dgst -sha256 -binary | base64`
        assert_eq!(
            inline_script_hashes(HTML),
            ["'sha256-GEnM5q1nYY/iACnyMTdov+tNp9OFcBnnDgNXUXaVNXc='"]
        );
    }

    #[test]
    fn the_policy_names_the_configured_rpc_and_the_meta_leaves_out_frame_ancestors() {
        let config = r#"{"chainId": 31337, "chainName": "Devnet",
            "rpcUrl": "http://127.0.0.1:8545/path?key=1",
            "poolManager": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "poolEth": "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be"}"#;
        let strict = Policy::for_build(HTML, Some(config), Connect::Configured).unwrap();
        assert!(
            strict
                .header()
                .contains("connect-src 'self' http://127.0.0.1:8545;")
        );
        assert!(strict.header().ends_with("frame-ancestors 'none'"));
        assert!(!strict.meta().contains("frame-ancestors"));
        let open = Policy::for_build(HTML, Some(config), Connect::AnySecure).unwrap();
        assert!(
            open.meta()
                .contains("connect-src 'self' http://127.0.0.1:8545 https: wss: http://127.0.0.1:* http://localhost:*;")
        );
        assert!(Policy::for_build(HTML, None, Connect::Configured).is_err());
        // A config the app would refuse names no RPC: the build stops.
        let no_pool = config.replace(
            "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "0x0000000000000000000000000000000000000000",
        );
        assert!(Policy::for_build(HTML, Some(&no_pool), Connect::Configured).is_err());
        assert!(origin("javascript:alert(1)").is_err());
        assert!(origin("https://user@host").is_err());
    }

    #[test]
    fn the_meta_comes_first_in_the_head_and_is_replaced_not_repeated() {
        let policy = Policy::for_build(HTML, None, Connect::AnySecure).unwrap();
        let once = with_meta(HTML, &policy).unwrap();
        assert!(once.starts_with(
            "<!doctype html><html lang=en><meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\""
        ));
        let twice = with_meta(&once, &policy).unwrap();
        assert_eq!(once, twice);
    }
}
