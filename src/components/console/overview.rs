//! Who is connected and what they may do; the pool's operational figures.

use leptos::prelude::*;

use super::{blocks_in_days, fee_amount};
use crate::components::amount::EthAmount;
use crate::state::console::Console;

#[component]
pub fn Overview() -> impl IntoView {
    let console = expect_context::<Console>();
    let reading = console.reading();
    let roles_line = move || {
        reading.with(|r| {
            let r = r.as_ref()?;
            Some(match r.account {
                None => "Read-only view: connect the operator's or the keeper's wallet to act."
                    .to_string(),
                Some(account) => {
                    let roles = r.roles;
                    let names: Vec<&str> = [
                        (roles.admin, "admin"),
                        (roles.operator, "operator"),
                        (roles.keeper, "keeper"),
                        (roles.oracle, "oracle"),
                    ]
                    .into_iter()
                    .filter_map(|(has, name)| has.then_some(name))
                    .collect();
                    if names.is_empty() {
                        format!("{account} holds no role in this pool: read-only view.")
                    } else {
                        format!("{account}: {}.", names.join(", "))
                    }
                }
            })
        })
    };
    let figure = move |f: fn(&crate::state::console::ConsoleReading) -> String| {
        move || {
            reading
                .with(|r| r.as_ref().map(f))
                .unwrap_or_else(|| "…".into())
        }
    };
    view! {
        <section class="card" data-testid="console-overview">
            <p data-testid="console-roles">{roles_line}</p>
            {move || console.error().get().map(|e| view! {
                <p class="error" role="alert">{format!("Could not read the pool: {e}. The figures below are the last ones read.")}</p>
            })}
            {move || console.scan_progress().get().map(|(done, total)| view! {
                <p>"Reading the cluster's history… "
                    <progress max=total.to_string() value=done.to_string()></progress></p>
            })}
            <dl class="figures">
                <dt>"Buffer (stakers' ETH awaiting activation)"</dt>
                <dd data-testid="console-buffer"><EthAmount wei=Signal::derive(move || reading.with(|r| r.as_ref().map(|r| r.ops.buffered_ether))) unit="ETH"/></dd>
                <dt>"Fee reserve"</dt>
                <dd data-testid="console-reserve">{figure(|r| fee_amount(r.ops.fee_reserve))}</dd>
                <dt>"Validators"</dt>
                <dd data-testid="console-validators">{figure(|r| format!(
                    "{} active, {} pending, {} in the registry",
                    r.ops.activated_validators, r.ops.pending_validators, r.ops.validator_count
                ))}</dd>
                <dt>"Runway funded per activation"</dt>
                <dd data-testid="console-runway">{figure(|r| blocks_in_days(r.ops.runway))}</dd>
            </dl>
        </section>
    }
}
