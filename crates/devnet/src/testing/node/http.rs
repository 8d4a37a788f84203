//! The server side of HTTP/1.1 the node needs: requests with a `content-length` body, kept
//! alive until the client closes (browsers and reqwest reuse connections), answers with CORS
//! headers (the app is served from another origin; public RPCs allow any).

use anyhow::Result;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every answer's CORS headers.
const CORS: &str = "access-control-allow-origin: *\r\naccess-control-allow-methods: POST, GET, OPTIONS\r\naccess-control-allow-headers: *\r\naccess-control-max-age: 600\r\n";

pub struct Request {
    /// A CORS preflight (`OPTIONS`).
    pub preflight: bool,
    pub body: Vec<u8>,
}

pub struct Connection {
    stream: TcpStream,
    /// Bytes read past the last request (the start of the next one).
    buffer: Vec<u8>,
}

impl Connection {
    pub fn new(stream: TcpStream) -> Connection {
        Connection {
            stream,
            buffer: Vec::new(),
        }
    }

    /// Reads more into the buffer; false when the client closed.
    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(read) => {
                self.buffer.extend_from_slice(&chunk[..read]);
                true
            }
        }
    }

    /// The next request (`None` once the client closed).
    pub async fn next(&mut self) -> Option<Request> {
        loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buffer[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                while self.buffer.len() < end + 4 + length {
                    if !self.fill().await {
                        return None;
                    }
                }
                let body = self.buffer[end + 4..end + 4 + length].to_vec();
                self.buffer.drain(..end + 4 + length);
                return Some(Request {
                    preflight: head.starts_with("options "),
                    body,
                });
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    /// Completes once the client closes the connection (what it sends meanwhile is dropped).
    pub async fn closed(&mut self) {
        while self.fill().await {
            self.buffer.clear();
        }
    }

    pub async fn respond(&mut self, status: u16, content_type: &str, body: &[u8]) -> Result<()> {
        let reason = match status {
            200 => "OK",
            204 => "No Content",
            429 => "Too Many Requests",
            502 => "Bad Gateway",
            _ => "Status",
        };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\n{CORS}content-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        self.stream.write_all(head.as_bytes()).await?;
        self.stream.write_all(body).await?;
        Ok(())
    }
}
