//! An HTTP proxy in front of anvil counting JSON-RPC requests (a batch's members one each),
//! `eth_getLogs` among them, and the bytes of the answers' bodies: the benches measure the
//! requests a scan sends and what it downloads, whatever the client library does with them. One
//! thread per connection; each request is forwarded on its own upstream connection
//! (`Connection: close`), the answer read to its end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;

/// What went through the proxy since the last [`Counts::reset`].
#[derive(Default)]
pub struct Counts {
    requests: AtomicUsize,
    get_logs: AtomicUsize,
    bytes: AtomicUsize,
}

impl Counts {
    pub fn reset(&self) {
        self.requests.store(0, Ordering::SeqCst);
        self.get_logs.store(0, Ordering::SeqCst);
        self.bytes.store(0, Ordering::SeqCst);
    }

    /// JSON-RPC calls (a batch's members one each).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// `eth_getLogs` calls among them.
    pub fn get_logs(&self) -> usize {
        self.get_logs.load(Ordering::SeqCst)
    }

    /// Bytes of the answers' bodies (decoded from chunks, without HTTP headers).
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::SeqCst)
    }

    fn count(&self, body: &[u8]) {
        let calls = match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(serde_json::Value::Array(calls)) => calls,
            Ok(call) => vec![call],
            Err(_) => return,
        };
        for call in calls {
            self.requests.fetch_add(1, Ordering::SeqCst);
            if call["method"] == "eth_getLogs" {
                self.get_logs.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

/// Starts the proxy to `upstream` (`host:port`); its URL and counts.
pub fn proxy(upstream: String) -> Result<(String, Arc<Counts>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    let counts = Arc::new(Counts::default());
    let shared = counts.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (counts, upstream) = (shared.clone(), upstream.clone());
            std::thread::spawn(move || {
                let _ = serve(stream, &upstream, &counts);
            });
        }
    });
    Ok((url, counts))
}

fn serve(stream: TcpStream, upstream: &str, counts: &Counts) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut length = 0;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        counts.count(&body);
        let (status, answer) = forward(upstream, &body)?;
        counts.bytes.fetch_add(answer.len(), Ordering::SeqCst);
        write!(
            writer,
            "{status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            answer.len()
        )?;
        writer.write_all(&answer)?;
        writer.flush()?;
    }
}

/// Posts `body` to `upstream`: the answer's status line and body.
fn forward(upstream: &str, body: &[u8]) -> std::io::Result<(String, Vec<u8>)> {
    let mut node = TcpStream::connect(upstream)?;
    write!(
        node,
        "POST / HTTP/1.1\r\nhost: {upstream}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )?;
    node.write_all(body)?;
    let mut raw = Vec::new();
    node.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no HTTP header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut rest = raw[split + 4..].to_vec();
    let status = head
        .lines()
        .next()
        .unwrap_or("HTTP/1.1 502 Bad Gateway")
        .to_string();
    let chunked = head
        .lines()
        .any(|l| l.to_ascii_lowercase().starts_with("transfer-encoding:") && l.contains("chunked"));
    if chunked {
        rest = dechunk(&rest)?;
    }
    Ok((status, rest))
}

fn dechunk(mut data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| std::io::Error::other("a bad chunk"))?;
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(std::io::Error::other)?;
        data = &data[end + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}
