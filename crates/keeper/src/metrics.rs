//! Prometheus metrics on 127.0.0.1, so an operator can alert on the keeper: the buffer, the
//! pending registry entries, the cluster's runway left, the age of the last oracle report and
//! the last action; the withdrawal queue's ETH, the ETH in exit, the oldest request's age and
//! the exit duty's counts.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The latest figures, shared between the rounds and the HTTP endpoint.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub buffered_eth: f64,
    pub pending_entries: u64,
    pub runway_left_days: Option<f64>,
    pub last_report_age_seconds: Option<u64>,
    pub last_action_timestamp: Option<u64>,
    pub last_decision: String,
    pub rounds: u64,
    pub errors: u64,
    /// Rounds that found the SSV network refusing the pool's cluster snapshot after a rescan.
    pub stale_cluster_rounds: u64,
    /// Transactions sent again with higher fees because they waited too long.
    pub fee_bumps: u64,
    /// Sends that ended without a mined transaction (dropped, replaced, given up).
    pub sends_unmined: u64,
    /// Clusters topped up by the upkeep duty.
    pub cluster_top_ups: u64,
    /// The upkeep duty found a cluster under its threshold that the fee reserve cannot top up.
    pub fee_reserve_short: bool,
    /// The withdrawal queue's unfinalized ETH, in wei (the exit duty's last reading).
    pub withdrawal_queue_wei: Option<alloy::primitives::U256>,
    /// ETH of the validators in exit (32 ETH each), in wei.
    pub exiting_wei: Option<alloy::primitives::U256>,
    /// Chain time since the oldest waiting request was made (0 when none waits).
    pub oldest_request_age_seconds: Option<u64>,
    /// Validators the exit duty asked to exit, forced out (EIP-7002), removed from SSV.
    pub exits_requested: u64,
    pub exits_forced: u64,
    pub exited_removed: u64,
}

pub type SharedFigures = Arc<Mutex<Figures>>;

impl Figures {
    /// The Prometheus text exposition of the figures.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, value: String| {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
            ));
        };
        gauge(
            "pool_buffered_eth",
            "Stakers' ETH waiting in the pool's buffer.",
            self.buffered_eth.to_string(),
        );
        gauge(
            "pool_pending_entries",
            "Registry entries not activated yet.",
            self.pending_entries.to_string(),
        );
        if let Some(days) = self.runway_left_days {
            gauge(
                "pool_cluster_runway_left_days",
                "Days of SSV fees the pool's cluster holds beyond its collateral.",
                days.to_string(),
            );
        }
        if let Some(age) = self.last_report_age_seconds {
            gauge(
                "pool_last_report_age_seconds",
                "Chain time since the last oracle report.",
                age.to_string(),
            );
        }
        if let Some(at) = self.last_action_timestamp {
            gauge(
                "keeper_last_action_timestamp_seconds",
                "When the keeper last sent an activation.",
                at.to_string(),
            );
        }
        if let Some(wei) = self.withdrawal_queue_wei {
            gauge(
                "keeper_withdrawal_queue_wei",
                "ETH the withdrawal queue's waiting requests ask for, in wei.",
                wei.to_string(),
            );
        }
        if let Some(wei) = self.exiting_wei {
            gauge(
                "keeper_exiting_wei",
                "ETH of the pool's validators in exit (asked or seen, principal not withdrawn yet), in wei.",
                wei.to_string(),
            );
        }
        if let Some(age) = self.oldest_request_age_seconds {
            gauge(
                "keeper_oldest_request_age_seconds",
                "Chain time since the oldest waiting withdrawal request was made (0: none waits).",
                age.to_string(),
            );
        }
        out.push_str(&format!(
            "# HELP keeper_last_decision The keeper's last decision.\n# TYPE keeper_last_decision gauge\nkeeper_last_decision{{decision=\"{}\"}} 1\n",
            self.last_decision
        ));
        out.push_str(&format!(
            "# HELP keeper_rounds_total Rounds run.\n# TYPE keeper_rounds_total counter\nkeeper_rounds_total {}\n# HELP keeper_errors_total Rounds that failed.\n# TYPE keeper_errors_total counter\nkeeper_errors_total {}\n",
            self.rounds, self.errors
        ));
        out.push_str(&format!(
            "# HELP keeper_stale_cluster_rounds_total Rounds in which the SSV network refused the pool's cluster snapshot even after a fresh scan.\n# TYPE keeper_stale_cluster_rounds_total counter\nkeeper_stale_cluster_rounds_total {}\n",
            self.stale_cluster_rounds
        ));
        out.push_str(&format!(
            "# HELP keeper_fee_bumps_total Transactions sent again with higher fees (same nonce) after waiting too long.\n# TYPE keeper_fee_bumps_total counter\nkeeper_fee_bumps_total {}\n# HELP keeper_sends_unmined_total Sends that ended unmined: dropped by the node, replaced, or given up at the deadline.\n# TYPE keeper_sends_unmined_total counter\nkeeper_sends_unmined_total {}\n",
            self.fee_bumps, self.sends_unmined
        ));
        out.push_str(&format!(
            "# HELP keeper_cluster_top_ups_total Clusters topped up from the fee reserve by the upkeep duty.\n# TYPE keeper_cluster_top_ups_total counter\nkeeper_cluster_top_ups_total {}\n# HELP keeper_fee_reserve_short 1 when a cluster under the upkeep threshold cannot be topped up from the fee reserve: fund it before the cluster is liquidated.\n# TYPE keeper_fee_reserve_short gauge\nkeeper_fee_reserve_short {}\n",
            self.cluster_top_ups,
            u8::from(self.fee_reserve_short)
        ));
        let mut counter = |name: &str, help: &str, value: u64| {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            ));
        };
        counter(
            "keeper_exits_requested_total",
            "Validators the exit duty asked the SSV operators to exit.",
            self.exits_requested,
        );
        counter(
            "keeper_exits_forced_total",
            "EIP-7002 exit requests the exit duty had the pool send after the grace period.",
            self.exits_forced,
        );
        counter(
            "keeper_exited_removed_total",
            "Withdrawn validators the exit duty removed from their SSV cluster.",
            self.exited_removed,
        );
        out
    }
}

/// Serves `GET /metrics` at `address` until the program ends.
pub async fn serve(address: SocketAddr, figures: SharedFigures) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("binding the metrics endpoint {address}"))?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let figures = figures.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 1024];
                let read = stream.read(&mut request).await.unwrap_or(0);
                let wanted = request[..read].starts_with(b"GET /metrics ");
                let (status, body) = if wanted {
                    (
                        "200 OK",
                        figures.lock().map(|f| f.render()).unwrap_or_default(),
                    )
                } else {
                    ("404 Not Found", "metrics are at /metrics\n".to_string())
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    Ok(bound)
}
