//! Rebase history, APR and a staker's rewards, from the pool's events.
//!
//! A share's price is `totalPooledEther / totalShares`. Deposits do not move it; only oracle
//! reports do, and every `BeaconReported` event carries the totals before and after. So the
//! growth over a window is the product of `post / pre` of the reports in it, and
//!
//! ```text
//! APR = (growth - 1) * seconds_per_year / (last report time - time of the report before the window's first)
//! ```
//!
//! All ratios are fixed point (1e18) on `U256`; the result is in basis points.
//!
//! ```
//! use alloy_primitives::U256;
//! use pool_core::rewards::{apr_bps, Report};
//! let eth = |n: u64| U256::from(n) * U256::from(10u64).pow(U256::from(18));
//! let day = 86_400;
//! let reports = [
//!     Report { timestamp: 0, pre_total: eth(100), post_total: eth(100), total_shares: eth(100) },
//!     Report { timestamp: 365 * day, pre_total: eth(100), post_total: eth(104), total_shares: eth(100) },
//! ];
//! assert_eq!(apr_bps(&reports, 365 * day, 400 * day), Some(400)); // 4.00 %
//! ```

use alloy_primitives::{I256, U256};

const ONE: u128 = 1_000_000_000_000_000_000;
pub const SECONDS_PER_YEAR: u64 = 365 * 24 * 3600;

/// One oracle report (`PoolManager.BeaconReported`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub timestamp: u64,
    pub pre_total: U256,
    pub post_total: U256,
    pub total_shares: U256,
}

impl Report {
    /// Share price after the report, in wei per 1e18 shares (what one poolETH share is worth).
    pub fn share_price(&self) -> Option<U256> {
        (!self.total_shares.is_zero())
            .then(|| self.post_total * U256::from(ONE) / self.total_shares)
    }
}

/// APR in basis points over the reports of the last `window` seconds before `now` (reports
/// sorted by time). `None` without two reports to measure a span between.
pub fn apr_bps(reports: &[Report], now: u64, window: u64) -> Option<i64> {
    let start = now.saturating_sub(window);
    let first_in = reports.iter().position(|r| r.timestamp > start)?;
    // The span starts at the report before the window's first one (its growth accrued since).
    let (from, counted) = if first_in > 0 {
        (reports[first_in - 1].timestamp, &reports[first_in..])
    } else {
        (reports[0].timestamp, &reports[1..])
    };
    let last = counted.last()?;
    let span = last.timestamp.checked_sub(from).filter(|s| *s > 0)?;
    let one = U256::from(ONE);
    let mut growth = one;
    for report in counted {
        if report.pre_total.is_zero() {
            continue;
        }
        growth = growth * report.post_total / report.pre_total;
    }
    let change = I256::from_raw(growth) - I256::from_raw(one);
    let bps = change * I256::try_from(SECONDS_PER_YEAR).ok()? * I256::try_from(10_000).ok()?
        / (I256::try_from(span).ok()? * I256::from_raw(one));
    i64::try_from(bps).ok()
}

/// A staker's rewards: what they hold now minus what they put in, counting poolETH received
/// (deposits and incoming transfers) and sent, in token units at the time.
pub fn rewards(balance: U256, received: U256, sent: U256) -> I256 {
    I256::from_raw(balance) + I256::from_raw(sent) - I256::from_raw(received)
}

/// Formats basis points as a percentage with two decimals: `412` → `"4.12%"`.
pub fn format_bps(bps: i64) -> String {
    let sign = if bps < 0 { "-" } else { "" };
    let bps = bps.unsigned_abs();
    format!("{sign}{}.{:02}%", bps / 100, bps % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eth(n: u64) -> U256 {
        U256::from(n) * U256::from(ONE)
    }
    const DAY: u64 = 86_400;

    fn report(day: u64, pre: U256, post: U256) -> Report {
        Report {
            timestamp: day * DAY,
            pre_total: pre,
            post_total: post,
            total_shares: eth(100),
        }
    }

    #[test]
    fn daily_reports_compound_into_the_apr() {
        // +0.01% a day for 30 days.
        let mut reports = vec![report(0, eth(100), eth(100))];
        let mut total = eth(100);
        for day in 1..=30 {
            let next = total + total / U256::from(10_000u64);
            reports.push(report(day, total, next));
            total = next;
        }
        let apr = apr_bps(&reports, 30 * DAY, 7 * DAY).unwrap();
        assert_eq!(apr, 365, "0.01% a day is 3.65% a year (simple)");
        let apr30 = apr_bps(&reports, 30 * DAY, 30 * DAY).unwrap();
        assert!((365..=367).contains(&apr30), "{apr30}");
    }

    #[test]
    fn losses_are_negative_and_too_few_reports_give_none() {
        let reports = [
            report(0, eth(100), eth(100)),
            report(365, eth(100), eth(99)),
        ];
        assert_eq!(apr_bps(&reports, 365 * DAY, 400 * DAY), Some(-100));
        assert_eq!(apr_bps(&reports[..1], 0, DAY), None);
        assert_eq!(apr_bps(&[], 0, DAY), None);
        assert_eq!(
            apr_bps(&reports, 1000 * DAY, DAY),
            None,
            "nothing in the window"
        );
    }

    #[test]
    fn rewards_and_formatting() {
        assert_eq!(
            rewards(eth(11), eth(10), U256::ZERO),
            I256::from_raw(eth(1))
        );
        assert_eq!(rewards(eth(5), eth(10), eth(6)), I256::from_raw(eth(1)));
        assert_eq!(format_bps(412), "4.12%");
        assert_eq!(format_bps(-5), "-0.05%");
        assert_eq!(
            report(1, eth(100), eth(110)).share_price(),
            Some(U256::from(1_100_000_000_000_000_000u128))
        );
    }
}
