//! The wallet connection: EIP-6963 discovery (and `window.ethereum` as a fallback), connect on a
//! click, silent reconnect to the remembered wallet, account and chain changes followed live.

use alloy_primitives::{Address, U64};
use alloy_rpc_client::RpcClient;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pool_chain::client::call;
use pool_core::config::NetworkConfig;
use pool_eip1193::discovery::{self, WalletInfo};
use pool_eip1193::{Eip1193Provider, Eip1193Transport, codes, events};
use serde_json::json;

use super::error::AppError;

/// localStorage key of the last wallet the user connected (its EIP-6963 `rdns`).
const REMEMBERED: &str = "ssv-pool.wallet";
/// `rdns` given to a wallet found only as `window.ethereum`.
const INJECTED_RDNS: &str = "injected";

/// A wallet found on the page.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub info: WalletInfo,
    pub transport: Eip1193Transport,
}

/// The connected wallet: which one, which account, which chain.
#[derive(Debug, Clone)]
pub struct Connection {
    pub info: WalletInfo,
    pub transport: Eip1193Transport,
    pub account: Address,
    pub chain_id: u64,
}

impl Connection {
    /// A client that sends through the wallet (no deadline: its prompts wait for a person).
    pub fn client(&self) -> RpcClient {
        RpcClient::new(self.transport.clone(), false)
    }

    /// A client for reads through the wallet: they give up after the page's read deadline, so
    /// that a wallet whose node stalls does not hold the page's refreshes.
    pub fn reader(&self) -> RpcClient {
        alloy_rpc_client::ClientBuilder::default()
            .layer(pool_eip1193::TimeoutLayer::new(super::rpc::READ_TIMEOUT_MS))
            .transport(self.transport.clone(), false)
    }
}

/// Handle to the wallet state (cheap to copy into views).
#[derive(Clone, Copy)]
pub struct Wallet {
    discovered: RwSignal<Vec<Discovered>>,
    connection: RwSignal<Option<Connection>>,
    /// Set while a connection request waits for the user.
    connecting: RwSignal<bool>,
    /// The last wallet problem.
    error: RwSignal<Option<AppError>>,
    /// Whether discovery has had its chance to hear from wallets.
    searched: RwSignal<bool>,
    subscriptions: StoredValue<Vec<events::Subscription>, LocalStorage>,
    /// `chainChanged` events heard so far: a chain read back after a switch is stale if one
    /// arrived while the read was under way.
    chain_events: StoredValue<u64>,
    /// Listens for wallets announcing themselves (they may announce late) for as long as the
    /// handle lives; dropped, and so removed, with its owner.
    discovery: StoredValue<Option<discovery::WalletDiscovery>, LocalStorage>,
}

/// Read-only views of the handle's state: only the handle writes it.
impl Wallet {
    pub fn discovered(&self) -> ReadSignal<Vec<Discovered>> {
        self.discovered.read_only()
    }

    pub fn connection(&self) -> ReadSignal<Option<Connection>> {
        self.connection.read_only()
    }

    pub fn connecting(&self) -> ReadSignal<bool> {
        self.connecting.read_only()
    }

    pub fn error(&self) -> ReadSignal<Option<AppError>> {
        self.error.read_only()
    }

    pub fn searched(&self) -> ReadSignal<bool> {
        self.searched.read_only()
    }
}

impl Wallet {
    /// Starts discovery; wallets are listed as they announce themselves.
    // Not `Default`: creating the handle starts listening for wallets.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let wallet = Wallet {
            discovered: RwSignal::new(Vec::new()),
            connection: RwSignal::new(None),
            connecting: RwSignal::new(false),
            error: RwSignal::new(None),
            searched: RwSignal::new(false),
            subscriptions: StoredValue::new_local(Vec::new()),
            chain_events: StoredValue::new(0),
            discovery: StoredValue::new_local(None),
        };
        let remembered = storage().and_then(|s| s.get_item(REMEMBERED).ok().flatten());
        let remembered_late = remembered.clone();
        let listener = discovery::discover(move |announced| {
            let found = Discovered {
                info: announced.info,
                transport: Eip1193Transport::new(announced.provider),
            };
            wallet.add(found, remembered.as_deref());
        });
        wallet.discovery.set_value(Some(listener));
        // Wallets answer the request event synchronously; give late injectors one tick, then
        // fall back to window.ethereum when nobody announced.
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(200).await;
            if wallet.discovered.with_untracked(Vec::is_empty)
                && let Some(provider) = discovery::injected()
            {
                wallet.add(injected_wallet(provider), remembered_late.as_deref());
            }
            wallet.searched.set(true);
        });
        wallet
    }

    fn add(self, found: Discovered, remembered: Option<&str>) {
        let known = self
            .discovered
            .with_untracked(|list| list.iter().any(|w| w.info.uuid == found.info.uuid));
        if known {
            return;
        }
        if remembered == Some(found.info.rdns.as_str())
            && self.connection.with_untracked(Option::is_none)
        {
            let silent = found.clone();
            spawn_local(async move { self.reconnect(silent).await });
        }
        self.discovered.update(|list| list.push(found));
    }

    /// Asks the wallet for accounts (a prompt) and connects.
    pub fn connect(self, wallet: Discovered) {
        self.error.set(None);
        self.connecting.set(true);
        spawn_local(async move {
            let client = RpcClient::new(wallet.transport.clone(), false);
            let result = call::<Vec<Address>>(&client, "eth_requestAccounts", json!([])).await;
            self.connecting.set(false);
            match result {
                Ok(accounts) => self.established(wallet, accounts).await,
                Err(error) => self.error.set(Some(error.into())),
            }
        });
    }

    /// Connects without a prompt when the wallet already trusts this site.
    async fn reconnect(self, wallet: Discovered) {
        let client = RpcClient::new(wallet.transport.clone(), false);
        if let Ok(accounts) = call::<Vec<Address>>(&client, "eth_accounts", json!([])).await
            && !accounts.is_empty()
        {
            self.established(wallet, accounts).await;
        }
    }

    async fn established(self, wallet: Discovered, accounts: Vec<Address>) {
        let Some(&account) = accounts.first() else {
            self.error.set(Some(AppError::NoAccount));
            return;
        };
        let client = RpcClient::new(wallet.transport.clone(), false);
        let chain_id = match call::<U64>(&client, "eth_chainId", json!([])).await {
            Ok(id) => id.to::<u64>(),
            Err(error) => {
                self.error.set(Some(error.into()));
                return;
            }
        };
        let provider: Eip1193Provider = wallet.transport.provider().clone();
        let on_accounts = events::on_accounts_changed(&provider, move |accounts| {
            match accounts.first() {
                Some(&account) => self.connection.update(|c| {
                    if let Some(c) = c {
                        c.account = account;
                    }
                }),
                // The user disconnected the site from inside the wallet. Disconnecting drops
                // this very listener, so do it after the handler has returned.
                None => spawn_local(async move { self.disconnect() }),
            }
        });
        let on_chain = events::on_chain_changed(&provider, move |chain_id| {
            self.chain_events.update_value(|n| *n += 1);
            self.connection.update(|c| {
                if let Some(c) = c {
                    c.chain_id = chain_id;
                }
            })
        });
        self.subscriptions.set_value(vec![on_accounts, on_chain]);
        if let Some(storage) = storage() {
            let _ = storage.set_item(REMEMBERED, &wallet.info.rdns);
        }
        self.connection.set(Some(Connection {
            info: wallet.info,
            transport: wallet.transport,
            account,
            chain_id,
        }));
    }

    /// Forgets the connection (the wallet keeps its own permission until the user revokes it).
    pub fn disconnect(self) {
        self.subscriptions.set_value(Vec::new());
        self.connection.set(None);
        if let Some(storage) = storage() {
            let _ = storage.remove_item(REMEMBERED);
        }
    }

    /// Asks the wallet to switch to the configured chain, adding it first if it is unknown.
    pub fn switch_chain(self, config: NetworkConfig) {
        let Some(connection) = self.connection.get_untracked() else {
            return;
        };
        self.error.set(None);
        spawn_local(async move {
            let client = connection.client();
            let switch = json!([{ "chainId": config.chain_id_hex() }]);
            let result =
                call::<serde_json::Value>(&client, "wallet_switchEthereumChain", switch).await;
            let result = match result {
                Err(error)
                    if error
                        .as_error_resp()
                        .is_some_and(|e| e.code == codes::UNRECOGNIZED_CHAIN) =>
                {
                    let add = json!([{
                        "chainId": config.chain_id_hex(),
                        "chainName": config.chain_name,
                        "rpcUrls": [config.rpc_url],
                        "nativeCurrency": { "name": "Ether", "symbol": "ETH", "decimals": 18 },
                        "blockExplorerUrls": config.explorer_url.iter().collect::<Vec<_>>(),
                    }]);
                    call::<serde_json::Value>(&client, "wallet_addEthereumChain", add).await
                }
                other => other,
            };
            match result {
                // Some wallets switch without emitting chainChanged: read the chain back, unless
                // the wallet told us of a chain change meanwhile (that news is newer than the
                // answer, which may have been decided before it).
                Ok(_) => {
                    let events = self.chain_events.get_value();
                    if let Ok(id) = call::<U64>(&client, "eth_chainId", json!([])).await
                        && self.chain_events.get_value() == events
                    {
                        self.connection.update(|c| {
                            if let Some(c) = c {
                                c.chain_id = id.to::<u64>();
                            }
                        });
                    }
                }
                Err(error) => self.error.set(Some(error.into())),
            }
        });
    }
}

fn injected_wallet(provider: Eip1193Provider) -> Discovered {
    Discovered {
        info: WalletInfo {
            uuid: INJECTED_RDNS.into(),
            name: "Browser wallet".into(),
            icon: String::new(),
            rdns: INJECTED_RDNS.into(),
        },
        transport: Eip1193Transport::new(provider),
    }
}

pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
