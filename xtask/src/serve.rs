//! A static file server for the built app on 127.0.0.1, as any static host would serve it:
//! files from the build folder, `config.json` from wherever the network's config lives, and the
//! app's `index.html` for any other path (single-page app routes such as `/admin`).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

/// What to serve.
#[derive(Debug, Clone)]
pub struct Site {
    /// The Trunk build output (`dist/`).
    pub root: PathBuf,
    /// Served as `/config.json`.
    pub config: PathBuf,
}

/// A running server; it stops with the process.
pub struct Server {
    pub addr: SocketAddr,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Binds 127.0.0.1:`port` (0 for any free port) and serves `site` from a background thread.
pub fn start(site: Site, port: u16) -> Result<Server> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("binding 127.0.0.1:{port} (is the port free?)"))?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = site.clone();
            std::thread::spawn(move || {
                let _ = handle(&site, stream);
            });
        }
    });
    Ok(Server { addr })
}

fn handle(site: &Site, stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            "text/plain",
            b"",
            method == "HEAD",
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    match resolve(site, path) {
        Some(file) => {
            let body = std::fs::read(&file)?;
            respond(
                &mut out,
                "200 OK",
                content_type(&file),
                &body,
                method == "HEAD",
            )
        }
        None => respond(
            &mut out,
            "404 Not Found",
            "text/plain",
            b"not found\n",
            method == "HEAD",
        ),
    }
}

/// The file for a request path: `/config.json`, a file of the build, or the SPA's index for a
/// path without an extension.
fn resolve(site: &Site, path: &str) -> Option<PathBuf> {
    if path == "/config.json" {
        return site.config.is_file().then(|| site.config.clone());
    }
    let relative = Path::new(path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let candidate = site.root.join(relative);
    if candidate.is_file() {
        return Some(candidate);
    }
    let index = site.root.join("index.html");
    (relative.extension().is_none() && index.is_file()).then_some(index)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        // Browsers compile wasm while it downloads only when served with this type.
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head_only {
        out.write_all(body)?;
    }
    out.flush()
}
