//! Connect / account button with the list of discovered wallets (EIP-6963).

use leptos::prelude::*;

use crate::state::chain::Chain;

#[component]
pub fn WalletBar() -> impl IntoView {
    let wallet = expect_context::<Chain>().wallet();
    let open = RwSignal::new(false);

    let connected = move || {
        wallet.connection().get().map(|c| {
            let address = c.account.to_string();
            let short = format!("{}…{}", &address[..6], &address[address.len() - 4..]);
            view! {
                <div class="account">
                    <span class="address" title=address.clone() data-testid="account">{short}</span>
                    <span class="wallet-name">{c.info.name.clone()}</span>
                    <button class="secondary" on:click=move |_| wallet.disconnect()>"Disconnect"</button>
                </div>
            }
        })
    };

    let chooser = move || {
        let wallets = wallet.discovered().get();
        if wallets.is_empty() {
            return if wallet.searched().get() {
                view! {
                    <p class="hint" role="status">
                        "No browser wallet found. Install one (MetaMask, Rabby, Frame, Coinbase Wallet…) "
                        "to deposit; the pool figures stay visible without it."
                    </p>
                }
                .into_any()
            } else {
                view! { <p class="hint">"Looking for wallets…"</p> }.into_any()
            };
        }
        view! {
            <ul class="wallets" aria-label="Choose a wallet">
                {wallets.into_iter().map(|found| {
                    let name = found.info.name.clone();
                    let icon = found.info.icon.clone();
                    view! {
                        <li>
                            <button on:click=move |_| { open.set(false); wallet.connect(found.clone()); }>
                                <Show when={let icon = icon.clone(); move || !icon.is_empty()}>
                                    <img src=icon.clone() alt="" width="24" height="24"/>
                                </Show>
                                {name}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };

    view! {
        <div class="wallet-bar">
            <Show when=move || wallet.connection().with(Option::is_some) fallback=move || view! {
                <button
                    class="primary"
                    aria-expanded=move || open.get().to_string()
                    disabled=move || wallet.connecting().get()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {move || if wallet.connecting().get() { "Check your wallet…" } else { "Connect wallet" }}
                </button>
                <Show when=move || open.get()>
                    <div class="popover">{chooser}</div>
                </Show>
            }>
                {connected}
            </Show>
            {move || wallet.error().get().map(|error| if error.is_user_rejection() {
                // The user's own choice: said plainly, not as an alert.
                view! { <p class="note">{error.to_string()}</p> }.into_any()
            } else {
                view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any()
            })}
        </div>
    }
}
