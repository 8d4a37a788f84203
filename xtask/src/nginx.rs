//! nginx serving a build on 127.0.0.1, as a production host would: the files of `dist/` under a
//! mount path (`/` or a sub-path such as `/pool/`), the build's own security headers
//! (`nginx-security.conf`, included as README's "Deploy" says), `404.html` for unknown paths,
//! and `config.json` from wherever the network's config lives. Each server has its own prefix,
//! configuration, pid file, logs and temp folders in a temporary directory; it runs in the
//! foreground as this user's child and is stopped by its process id.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::headers::NGINX_SNIPPET;
use crate::tools::NGINX;

/// What to serve.
#[derive(Debug, Clone)]
pub struct Site {
    /// The build (`dist/`), with its `nginx-security.conf` when `headers` is set.
    pub root: PathBuf,
    /// Served as `<mount>config.json`.
    pub config: PathBuf,
    /// Where the app lives: `/` or `/sub/path/` (leading and trailing slash).
    pub mount: String,
    /// Include the build's security headers (a development build has none).
    pub headers: bool,
    /// The page answering unknown paths under the mount, with status 404: `404.html` for a
    /// release build, `index.html` for a development build (which has no route copies).
    pub fallback: String,
}

/// A running nginx; dropping it stops it.
pub struct Nginx {
    child: Child,
    dir: PathBuf,
    port: u16,
    mount: String,
}

impl Nginx {
    /// Starts nginx for `site` on 127.0.0.1:`port` (0: a free port).
    pub fn start(site: &Site, port: u16) -> Result<Nginx> {
        if !(site.mount.starts_with('/') && site.mount.ends_with('/')) {
            bail!("the mount path `{}` must start and end with /", site.mount);
        }
        let port = if port == 0 { free_port()? } else { port };
        let dir = std::env::temp_dir().join(format!("xtask-nginx-{}-{port}", std::process::id()));
        std::fs::create_dir_all(dir.join("logs"))?;
        // The mount is a symbolic link under the server's own root, so that nginx's `root`
        // (no `alias`, whose interplay with try_files and redirects has pitfalls) serves it.
        let www = dir.join("www");
        let mounted = www.join(site.mount.trim_matches('/'));
        if let Some(parent) = mounted.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let _ = std::fs::remove_file(&mounted);
        let root = site.root.canonicalize().context("the build folder")?;
        if site.mount == "/" {
            std::fs::remove_dir_all(&www).ok();
            std::os::unix::fs::symlink(&root, &www)?;
        } else {
            std::os::unix::fs::symlink(&root, &mounted)?;
        }
        let config = site.config.canonicalize().context("the config file")?;
        std::fs::write(
            dir.join("nginx.conf"),
            conf(site, &root, &config, &dir, port),
        )?;
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .args(["-e", "logs/error.log"])
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {NGINX} (cargo xtask setup installs it)"))?;
        let mut server = Nginx {
            child,
            dir,
            port,
            mount: site.mount.clone(),
        };
        server.wait_until_listening()?;
        Ok(server)
    }

    /// The app's URL (with the mount path's trailing slash).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.mount)
    }

    fn wait_until_listening(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                let log = std::fs::read_to_string(self.dir.join("logs/error.log"));
                bail!("nginx exited ({status}): {}", log.unwrap_or_default());
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!(
            "nginx did not listen on 127.0.0.1:{} within 10 s",
            self.port
        )
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM to the master by its id: it stops its workers and exits (a SIGKILL would leave
        // the workers behind).
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nobody listens on now (nginx binds it right after).
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// The configuration: one server on 127.0.0.1:`port`, everything else in `dir`.
fn conf(site: &Site, root: &Path, config: &Path, dir: &Path, port: u16) -> String {
    let mount = &site.mount;
    let headers = if site.headers {
        format!("include {}/{NGINX_SNIPPET};", root.display())
    } else {
        String::new()
    };
    // Run as root (a container), nginx would switch its workers to `nobody`, who may not read
    // the build: keep them as this user. (Ignored, with a warning, when not root.)
    let user = if is_root() { "user root;" } else { "" };
    let dir = dir.display();
    format!(
        "{user}
# In the foreground: this process is the server, stopped by its id.
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    types {{
        text/html html;
        text/javascript js mjs;
        text/css css;
        application/wasm wasm;
        application/json json;
        image/svg+xml svg;
        image/png png;
    }}
    default_type application/octet-stream;
    access_log {dir}/logs/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        # A folder's redirect to its slash form (/pool/admin -> /pool/admin/) keeps the port.
        absolute_redirect off;
        location = {mount}config.json {{
            {headers}
            add_header Cache-Control no-cache always;
            alias {config};
        }}
        location {mount} {{
            {headers}
            add_header Cache-Control no-cache always;
            error_page 404 {mount}{fallback};
        }}
    }}
}}
",
        config = config.display(),
        fallback = site.fallback,
    )
}

fn is_root() -> bool {
    crate::process::output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// The response head and body of `GET path` (HTTP/1.0: the server closes after it).
    fn get(port: u16, path: &str) -> (String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        (head.to_string(), body.to_string())
    }

    #[test]
    fn a_build_under_a_sub_path_with_its_headers_routes_and_config() {
        if !Path::new(NGINX).exists() {
            // `cargo xtask test` installs nginx before the native suite; a bare `cargo test`
            // on a machine without it has nothing to run.
            eprintln!("skipped: {NGINX} is not installed (cargo xtask setup --server)");
            return;
        }
        let dir = std::env::temp_dir().join(format!("xtask-nginx-test-{}", std::process::id()));
        let dist = dir.join("dist");
        std::fs::create_dir_all(dist.join("admin")).unwrap();
        std::fs::write(dist.join("index.html"), "root page").unwrap();
        std::fs::write(dist.join("admin/index.html"), "admin page").unwrap();
        std::fs::write(dist.join("404.html"), "fallback page").unwrap();
        std::fs::write(dist.join("app_bg.wasm"), b"\0asm").unwrap();
        std::fs::write(
            dist.join(NGINX_SNIPPET),
            "add_header X-Test-Header \"present\" always;\n",
        )
        .unwrap();
        std::fs::write(dir.join("devnet.json"), "{\"chainId\":31337}").unwrap();
        let site = Site {
            root: dist.clone(),
            config: dir.join("devnet.json"),
            mount: "/pool/".into(),
            headers: true,
            fallback: "404.html".into(),
        };
        let server = Nginx::start(&site, 0).unwrap();
        let port = server.port;
        assert_eq!(server.url(), format!("http://127.0.0.1:{port}/pool/"));

        let (head, body) = get(port, "/pool/");
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert_eq!(body, "root page");
        assert!(head.contains("X-Test-Header: present"), "{head}");

        let (head, _) = get(port, "/pool/admin");
        assert!(head.starts_with("HTTP/1.1 301"), "{head}");
        assert!(head.contains("Location: /pool/admin/"), "{head}");
        let (_, body) = get(port, "/pool/admin/");
        assert_eq!(body, "admin page");

        let (head, body) = get(port, "/pool/no/such/page");
        assert!(head.starts_with("HTTP/1.1 404"), "{head}");
        assert!(head.contains("X-Test-Header: present"), "{head}");
        assert_eq!(body, "fallback page");

        let (head, body) = get(port, "/pool/config.json");
        assert!(head.contains("application/json"), "{head}");
        assert!(head.contains("X-Test-Header: present"), "{head}");
        assert_eq!(body, "{\"chainId\":31337}");
        let (head, _) = get(port, "/pool/app_bg.wasm");
        assert!(head.contains("Content-Type: application/wasm"), "{head}");
        // Nothing outside the mount.
        let (head, _) = get(port, "/index.html");
        assert!(head.starts_with("HTTP/1.1 404"), "{head}");

        let pid = server.child.id();
        drop(server);
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "nginx {pid} still runs"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_development_build_at_the_root_answers_every_unknown_path_with_the_app() {
        if !Path::new(NGINX).exists() {
            eprintln!("skipped: {NGINX} is not installed (cargo xtask setup --server)");
            return;
        }
        // As `cargo xtask dev` serves Trunk's development build: no route copies, no headers.
        let dir = std::env::temp_dir().join(format!("xtask-nginx-dev-{}", std::process::id()));
        let dist = dir.join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "the app").unwrap();
        std::fs::write(dir.join("devnet.json"), "{}").unwrap();
        let site = Site {
            root: dist.clone(),
            config: dir.join("devnet.json"),
            mount: "/".into(),
            headers: false,
            fallback: "index.html".into(),
        };
        let server = Nginx::start(&site, 0).unwrap();
        assert_eq!(server.url(), format!("http://127.0.0.1:{}/", server.port));
        assert_eq!(get(server.port, "/").1, "the app");
        let (head, body) = get(server.port, "/admin");
        assert!(head.starts_with("HTTP/1.1 404"), "{head}");
        assert_eq!(body, "the app");
        assert_eq!(get(server.port, "/config.json").1, "{}");
        drop(server);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
