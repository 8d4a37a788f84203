//! The share price after each oracle report, drawn as an SVG line (integer maths only).

use alloy_primitives::U256;
use leptos::prelude::*;
use pool_core::rewards::Report;

const WIDTH: u64 = 300;
const HEIGHT: u64 = 80;

/// SVG points for the share price after each report, scaled to the box.
fn points(reports: &[Report]) -> Option<String> {
    let series: Vec<(u64, U256)> = reports
        .iter()
        .filter_map(|r| Some((r.timestamp, r.share_price()?)))
        .collect();
    if series.len() < 2 {
        return None;
    }
    let (t0, t1) = (series[0].0, series.last()?.0);
    let low = series.iter().map(|p| p.1).min()?;
    let high = series.iter().map(|p| p.1).max()?;
    let span_t = (t1 - t0).max(1);
    let span_p = (high - low).max(U256::from(1u8));
    Some(
        series
            .iter()
            .map(|(t, p)| {
                let x = (t - t0) * WIDTH / span_t;
                let y = HEIGHT - ((*p - low) * U256::from(HEIGHT) / span_p).to::<u64>();
                format!("{x},{y}")
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[component]
pub fn RebaseChart(#[prop(into)] reports: Signal<Vec<Report>>) -> impl IntoView {
    move || {
        match reports.with(|r| points(r)) {
        Some(points) => view! {
            <figure class="chart" data-testid="rebase-chart">
                <svg viewBox=format!("-4 -4 {} {}", WIDTH + 8, HEIGHT + 8) role="img"
                    aria-label="Share price after each oracle report">
                    <polyline points=points fill="none" stroke="currentColor" stroke-width="2"/>
                </svg>
                <figcaption class="muted">
                    {move || format!("Share price after each of {} oracle reports", reports.with(Vec::len))}
                </figcaption>
            </figure>
        }
        .into_any(),
        None => view! { <p class="muted">"The rebase history appears after two oracle reports."</p> }.into_any(),
    }
    }
}
