//! The node's server: each request through the behaviours, the calls left forwarded upstream,
//! the answers merged back in the calls' order.

use std::sync::Arc;

use alloy::transports::http::reqwest;
use anyhow::Result;
use serde_json::Value;
use tokio::net::TcpListener;

use super::http::{Connection, Request};
use super::{Behaviour, Exchange, Fault};

pub struct Node {
    upstream: String,
    http: reqwest::Client,
    behaviours: Vec<Arc<dyn Behaviour>>,
}

impl Node {
    pub fn new(upstream: String, behaviours: Vec<Arc<dyn Behaviour>>) -> Node {
        Node {
            upstream,
            http: reqwest::Client::new(),
            behaviours,
        }
    }
}

pub async fn serve(listener: std::net::TcpListener, node: Arc<Node>) {
    let Ok(listener) = TcpListener::from_std(listener) else {
        return;
    };
    while let Ok((stream, _)) = listener.accept().await {
        let node = node.clone();
        tokio::spawn(async move {
            let mut connection = Connection::new(stream);
            while let Some(request) = connection.next().await {
                if !node.answer(&mut connection, request).await {
                    return;
                }
            }
        });
    }
}

/// What goes back for one request.
enum Outcome {
    Body(u16, &'static str, Vec<u8>),
    Fault(Fault),
}

impl Node {
    /// Answers one request; false when the connection is to be closed.
    async fn answer(&self, connection: &mut Connection, request: Request) -> bool {
        let outcome = match self.exchange(request).await {
            Ok(outcome) => outcome,
            // anvil unreachable or gone: what a gateway says.
            Err(error) => Outcome::Fault(Fault::json(
                502,
                &serde_json::json!({ "error": error.to_string() }).to_string(),
            )),
        };
        let (status, content_type, body) = match outcome {
            Outcome::Body(status, content_type, body) => (status, content_type, body),
            Outcome::Fault(Fault::Answer {
                status,
                content_type,
                body,
            }) => (status, content_type, body.into_bytes()),
            Outcome::Fault(Fault::Drop) => return false,
            Outcome::Fault(Fault::Stall { until, abandoned }) => {
                tokio::select! {
                    _ = until => {}
                    _ = connection.closed() => abandoned(),
                }
                return false;
            }
        };
        for behaviour in &self.behaviours {
            behaviour.sent(&body);
        }
        connection
            .respond(status, content_type, &body)
            .await
            .is_ok()
    }

    async fn exchange(&self, request: Request) -> Result<Outcome> {
        let (calls, batch) = match serde_json::from_slice::<Value>(&request.body) {
            Ok(Value::Array(calls)) => (calls, true),
            Ok(call @ Value::Object(_)) => (vec![call], false),
            _ => (Vec::new(), false),
        };
        let mut exchange = Exchange::new(request.preflight, calls, batch);
        for behaviour in &self.behaviours {
            if let Some(fault) = behaviour.request(&mut exchange) {
                return Ok(Outcome::Fault(fault));
            }
        }
        if exchange.preflight {
            return Ok(Outcome::Body(204, "text/plain", Vec::new()));
        }
        if exchange.calls.is_empty() {
            // Not JSON-RPC: not ours to judge, the node says what is wrong with it.
            let (status, body) = self.forward(request.body).await?;
            return Ok(Outcome::Body(status, "application/json", body));
        }
        if let Some(outcome) = self.forward_unanswered(&mut exchange).await? {
            return Ok(outcome);
        }
        for behaviour in &self.behaviours {
            if let Some(fault) = behaviour.response(&mut exchange) {
                return Ok(Outcome::Fault(fault));
            }
        }
        let answers: Vec<Value> = exchange.answers.into_iter().flatten().collect();
        let body = match exchange.batch {
            true => Value::Array(answers),
            false => answers.into_iter().next().unwrap_or_default(),
        };
        Ok(Outcome::Body(
            200,
            "application/json",
            body.to_string().into_bytes(),
        ))
    }

    /// Forwards the calls no behaviour answered and files the node's answers by id; the node's
    /// own answer as it is when it is not JSON-RPC (an HTTP error).
    async fn forward_unanswered(&self, exchange: &mut Exchange) -> Result<Option<Outcome>> {
        let left: Vec<usize> = (0..exchange.calls.len())
            .filter(|&i| exchange.answers[i].is_none())
            .collect();
        if left.is_empty() {
            return Ok(None);
        }
        let calls: Vec<&Value> = left.iter().map(|&i| &exchange.calls[i]).collect();
        let body = match exchange.batch {
            true => serde_json::to_vec(&calls)?,
            false => serde_json::to_vec(calls[0])?,
        };
        let (status, answer) = self.forward(body).await?;
        let answers = match serde_json::from_slice::<Value>(&answer) {
            Ok(Value::Array(answers)) => answers,
            Ok(answer @ Value::Object(_)) => vec![answer],
            _ => return Ok(Some(Outcome::Body(status, "application/json", answer))),
        };
        for (at, &i) in left.iter().enumerate() {
            let id = &exchange.calls[i]["id"];
            let answer = answers
                .iter()
                .find(|a| &a["id"] == id)
                .or_else(|| answers.get(at))
                .cloned();
            exchange.forwarded[i] = true;
            exchange.answers[i] = answer;
        }
        Ok(None)
    }

    /// Posts `body` upstream: the answer's status and body.
    async fn forward(&self, body: Vec<u8>) -> Result<(u16, Vec<u8>)> {
        let answer = self
            .http
            .post(&self.upstream)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?;
        let status = answer.status().as_u16();
        Ok((status, answer.bytes().await?.to_vec()))
    }
}
