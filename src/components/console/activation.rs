//! Activation: how many validators can start now and what limits it, a preview of the next ones
//! (each pubkey, 32 ETH each, the SSV funding, the total, the gas), prepared right before the
//! wallet is asked (deposit count, the deposit contract's logs, a fresh cluster snapshot).

use alloy_primitives::U256;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::client::FeeAsset;
use pool_chain::config::NetworkConfig;
use pool_chain::rpc::TxRequest;
use pool_core::deposit::DEPOSIT_WEI;

use super::fee_amount;
use crate::components::tx_status::TxStatus;
use crate::state::console::Console;
use crate::state::operator::{self, Activatable, ActivationRefused};
use crate::state::tx::TxFlow;
use crate::state::wallet::Wallet;

#[derive(Clone)]
enum Prepared {
    None,
    Preparing,
    Ready {
        tx: TxRequest,
        count: u64,
        gas: Option<u64>,
        /// Per validator, as the transaction carries it.
        funding: U256,
    },
    Refused(String),
}

#[component]
pub fn ActivationPanel() -> impl IntoView {
    let config = expect_context::<NetworkConfig>();
    let wallet = expect_context::<Wallet>();
    let console = expect_context::<Console>();
    let reading = console.reading();
    let flow = TxFlow::new();
    let count_text = RwSignal::new("1".to_string());
    let prepared = RwSignal::new(Prepared::None);
    let activatable = Memo::new(move |_| reading.with(|r| r.as_ref().and_then(Activatable::of)));
    let count = Memo::new(move |_| -> Result<u64, String> {
        let n: u64 = count_text
            .get()
            .trim()
            .parse()
            .map_err(|_| "Enter a whole number.".to_string())?;
        let max = activatable.get().map_or(0, |a| a.count);
        if n == 0 || n > max {
            return Err(format!("Between 1 and {max} can be activated now."));
        }
        Ok(n)
    });
    let is_keeper = move || reading.with(|r| r.as_ref().is_some_and(|r| r.roles.keeper));
    let limits = move || {
        activatable.get().map(|a| format!(
            "{} can be activated now: the buffer pays for {}, {} registry entries are ready, the fee reserve funds {}, and SSV takes at most {} per transaction.",
            a.count, a.by_buffer, a.ready, if a.by_reserve == u64::MAX { "any number".into() } else { a.by_reserve.to_string() }, a.bulk_limit
        )).unwrap_or_else(|| "Nothing to activate: the registry has no pending entry.".into())
    };
    let review = {
        let config = config.clone();
        move |_| {
            let (Some(connection), Ok(n)) =
                (wallet.connection().get_untracked(), count.get_untracked())
            else {
                return;
            };
            prepared.set(Prepared::Preparing);
            flow.reset();
            let config = config.clone();
            spawn_local(async move {
                let client = crate::state::http_client(&config);
                let next = match operator::prepare_activation(
                    &client,
                    &config,
                    connection.account,
                    n,
                )
                .await
                {
                    Ok(ready) => {
                        let gas = operator::estimate_gas(&client, &ready.tx).await.ok();
                        Prepared::Ready {
                            tx: ready.tx,
                            count: n,
                            gas,
                            funding: ready.funding,
                        }
                    }
                    Err(ActivationRefused::FrontRun {
                        pubkey,
                        credentials,
                    }) => Prepared::Refused(format!(
                        "Refused: {pubkey} already has a beacon deposit with withdrawal credentials {credentials}. Someone front-ran the pool with a ceremony key: drop this entry and everything after it, and never use that ceremony's keys."
                    )),
                    Err(ActivationRefused::MissingEntry(i)) => Prepared::Refused(format!(
                        "Registry entry {i} could not be read from the pool's events; try again."
                    )),
                    Err(ActivationRefused::Chain(e)) => {
                        Prepared::Refused(format!("Could not prepare the activation: {e}"))
                    }
                };
                prepared.set(next);
            });
        }
    };
    let activate = move |_| {
        let (Some(connection), Prepared::Ready { tx, .. }) = (
            wallet.connection().get_untracked(),
            prepared.get_untracked(),
        ) else {
            return;
        };
        flow.send(config.clone(), connection, tx, move || console.refresh());
        prepared.set(Prepared::None);
    };
    let preview = move || {
        match prepared.get() {
        Prepared::None => ().into_any(),
        Prepared::Preparing => view! { <p>"Checking the pubkeys against the deposit contract and reading the cluster…"</p> }.into_any(),
        Prepared::Refused(reason) => view! { <p class="error" role="alert" data-testid="activation-refused">{reason}</p> }.into_any(),
        Prepared::Ready { count, gas, funding, .. } => {
            let r = reading.get_untracked();
            let asset = r.as_ref().map_or(FeeAsset::Eth, |r| r.ops.fee_asset);
            let pubkeys: Vec<String> = r.as_ref().map(|r| r.pending.iter().take(count as usize).map(|e| e.pubkey.to_string()).collect()).unwrap_or_default();
            let n = U256::from(count);
            let ether = U256::from(DEPOSIT_WEI) * n;
            let total = match asset {
                FeeAsset::Eth => format!("{} in all from the pool", fee_amount(ether + funding * n, asset)),
                FeeAsset::Ssv { .. } => format!("{} and {}", fee_amount(ether, FeeAsset::Eth), fee_amount(funding * n, asset)),
            };
            view! {
                <div class="preview" data-testid="activation-preview">
                    <ol>{pubkeys.into_iter().map(|p| view! { <li><code>{p}</code>" — 32 ETH"</li> }).collect_view()}</ol>
                    <p>{format!("SSV funding {} per validator; {total}; gas about {}.", fee_amount(funding, asset), gas.map_or("unknown".into(), |g| g.to_string()))}</p>
                    <button class="primary" data-testid="activation-send" on:click=activate.clone()
                        disabled=move || flow.state().with(|s| s.is_busy())>{format!("Activate {count} validator{}", if count == 1 { "" } else { "s" })}</button>
                </div>
            }.into_any()
        }
    }
    };
    view! {
        <section class="card" data-testid="activation-panel">
            <h2>"Activation"</h2>
            <p data-testid="activation-limits">{limits}</p>
            <Show when=is_keeper>
                <div class="row">
                    <input type="text" inputmode="numeric" data-testid="activation-count" prop:value=move || count_text.get()
                        on:input=move |ev| { prepared.set(Prepared::None); count_text.set(event_target_value(&ev)) }/>
                    <button class="secondary" data-testid="activation-review" on:click=review.clone()
                        disabled=move || count.with(Result::is_err)>"Review"</button>
                </div>
                <p class="muted">{move || count.get().err()}</p>
                {preview.clone()}
                <TxStatus head=Signal::derive(move || console.reading().with(|r| r.as_ref().map(|r| r.ops.block))) state=flow.state() done="Activated" what="activation" reverted="The activation was mined but reverted: no ETH left the pool (the network fee was paid)."/>
            </Show>
        </section>
    }
}
