//! Shortcuts for tests and tools driving a devnet: contract handles (the wrapper too), a deposit, the pool's
//! totals, the deposit count, blocks and chain time, beacon sweeps and execution-layer rewards,
//! oracle reports within the real bounds, activations, decoding the pool's errors, SSV v2's
//! effective-balance proofs (cluster ids, leaves, Merkle trees, the admin's committed roots); the
//! one JSON-RPC node in front of anvil that tests and benches steer and read ([`node`]).

use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionReceipt;
use anyhow::{Context, Result, ensure};
use pool_chain::bindings::PoolETH::PoolETHInstance;
pub use pool_chain::bindings::PoolManager::PoolManagerErrors;
use pool_chain::bindings::PoolManager::PoolManagerInstance;
use pool_chain::bindings::WpoolETH::WpoolETHInstance;
use pool_chain::bindings::devnet::DevnetDepositContract;
use pool_chain::bindings::{PoolETH, PoolManager, WpoolETH};
use pool_core::PoolTotals;

use crate::Devnet;

pub mod beacon;
pub mod deposit_history;
pub mod network;
pub mod node;
pub mod withdrawals;

impl Devnet {
    /// The pool manager, sending from anvil's account #0 unless told otherwise.
    pub fn pool(&self) -> PoolManagerInstance<DynProvider> {
        PoolManager::new(self.deployment.pool_manager, self.provider())
    }

    pub fn token(&self) -> PoolETHInstance<DynProvider> {
        PoolETH::new(self.deployment.pool_eth, self.provider())
    }

    /// wpoolETH, the non-rebasing wrapper of poolETH.
    pub fn wrapper(&self) -> WpoolETHInstance<DynProvider> {
        WpoolETH::new(self.deployment.wpool_eth, self.provider())
    }

    /// `from` deposits `wei` into the pool; the receipt of a successful deposit.
    pub async fn stake(&self, from: Address, wei: U256) -> Result<TransactionReceipt> {
        let receipt = self
            .pool()
            .deposit()
            .from(from)
            .value(wei)
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(receipt.status(), "the deposit reverted");
        Ok(receipt)
    }

    /// Total pooled ether and total shares now.
    pub async fn totals(&self) -> Result<PoolTotals> {
        Ok(PoolTotals {
            total_pooled_ether: self.pool().totalPooledEther().call().await?,
            total_shares: self.token().totalShares().call().await?,
        })
    }

    /// The pool's funding quote per validator of the devnet's cluster, at the live fees (what
    /// an activation passes).
    pub async fn funding_quote(&self) -> Result<alloy::primitives::U256> {
        Ok(self
            .pool()
            .fundingPerValidator(self.deployment.operator_ids.clone())
            .call()
            .await?)
    }

    /// The deposit contract's deposit count now (what an activation must carry).
    pub async fn deposit_count(&self) -> Result<u64> {
        let deposit = DevnetDepositContract::new(self.deployment.deposit_contract, self.provider());
        let le = deposit.get_deposit_count().call().await?;
        let bytes: [u8; 8] = le.as_ref().try_into().context("an 8-byte deposit count")?;
        Ok(u64::from_le_bytes(bytes))
    }

    /// Mines `blocks` empty blocks (to let registry entries wait out the activation delay).
    pub async fn mine(&self, blocks: u64) -> Result<()> {
        let _: () = self
            .provider()
            .raw_request("anvil_mine".into(), (U256::from(blocks),))
            .await?;
        Ok(())
    }

    /// The latest block's timestamp.
    pub async fn now(&self) -> Result<u64> {
        let latest = self
            .provider()
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await?
            .context("the latest block")?;
        Ok(latest.header.timestamp)
    }

    /// Makes the next block's timestamp `at`.
    pub async fn set_next_block_time(&self, at: u64) -> Result<()> {
        let _: () = self
            .provider()
            .raw_request("evm_setNextBlockTimestamp".into(), [at])
            .await?;
        Ok(())
    }

    /// Mines an empty block at chain time `at`, so that calls simulated on the latest block
    /// (`eth_call`) run at that time.
    pub async fn warp(&self, at: u64) -> Result<()> {
        self.set_next_block_time(at).await?;
        self.mine(1).await
    }

    /// A beacon sweep or exit: `wei` credited to the pool's address with no call, as the
    /// beacon chain's withdrawals are.
    pub async fn sweep(&self, wei: U256) -> Result<()> {
        let pool = self.deployment.pool_manager;
        let held = self.provider().get_balance(pool).await?;
        let _: () = self
            .provider()
            .raw_request("anvil_setBalance".into(), (pool, held + wei))
            .await?;
        Ok(())
    }

    /// Execution-layer rewards: `wei` paid to the pool's rewards vault (from anvil's last account).
    pub async fn pay_execution_rewards(&self, wei: U256) -> Result<()> {
        use alloy::network::TransactionBuilder;
        let tx = alloy::rpc::types::TransactionRequest::default()
            .with_from(self.accounts()[9])
            .with_to(self.deployment.rewards_vault)
            .with_value(wei);
        let receipt = self
            .provider()
            .send_transaction(tx)
            .await?
            .get_receipt()
            .await?;
        ensure!(
            receipt.status(),
            "the payment to the rewards vault reverted"
        );
        Ok(())
    }

    /// An oracle report, as the oracle would send it, with the pool's real bounds: `elapsed`
    /// seconds of chain time after the last report (raised to the minimum interval), the
    /// reference time being that block's. `withdrawals` is the cumulative total.
    pub async fn report(
        &self,
        elapsed: u64,
        validators: u64,
        balance: U256,
        withdrawals: U256,
    ) -> Result<TransactionReceipt> {
        let pool = self.pool();
        let last = pool.lastReportAt().call().await?;
        let interval = pool.minReportInterval().call().await?;
        let at = (last + elapsed.max(interval)).max(self.now().await? + 1);
        self.set_next_block_time(at).await?;
        let receipt = pool
            .reportBeacon(
                at,
                validators,
                balance.to::<u128>(),
                withdrawals.to::<u128>(),
            )
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(receipt.status(), "the report reverted");
        Ok(receipt)
    }

    /// Grants `role` to `account` the only way the pool allows after deployment: proposed by
    /// the admin (anvil's account #0), then executed once its delay has passed (the chain is
    /// mined and its clock moved forward for it). Returns the execution's receipt.
    pub async fn grant_role(
        &self,
        role: alloy::primitives::B256,
        account: Address,
    ) -> Result<TransactionReceipt> {
        let pool = self.pool();
        let proposed = pool
            .proposeRoleGrant(role, account)
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(proposed.status(), "proposeRoleGrant reverted");
        let ready = pool.pendingRoleGrant(role, account).call().await?;
        let now = self.now().await?;
        if ready.readyAt > now {
            self.set_next_block_time(ready.readyAt).await?;
        }
        let number = self.provider().get_block_number().await?;
        self.mine(ready.readyBlock.saturating_sub(number).max(1))
            .await?;
        let receipt = pool
            .executeRoleGrant(role, account)
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(receipt.status(), "executeRoleGrant reverted");
        Ok(receipt)
    }

    /// A rebase by `change` wei within the real bounds: a gain is paid to the rewards vault and
    /// reported after enough chain time for the pool's annual bound to allow it; a loss (which
    /// needs a validator on the beacon chain) is reported as a lower beacon balance, after
    /// enough chain time for the daily loss bound to let it in (a loss beyond a day's worth is
    /// carried in by further reports of the same balance, a day apart). Returns the last report.
    pub async fn rebase(&self, change: i128) -> Result<TransactionReceipt> {
        let pool = self.pool();
        let validators = pool.beaconValidators().call().await?.to::<u64>();
        let balance = U256::from(pool.beaconBalance().call().await?);
        let withdrawals = pool.withdrawalsCredited().call().await?;
        if change >= 0 {
            let gain = U256::from(change as u128);
            self.pay_execution_rewards(gain).await?;
            let base = pool.totalPooledEther().call().await?;
            ensure!(
                !base.is_zero(),
                "an empty pool cannot gain (the bound is of its total)"
            );
            let apr = U256::from(pool.maxAprBps().call().await?);
            let year = U256::from(pool_core::rewards::SECONDS_PER_YEAR);
            // ceil(gain * BPS * year / (base * apr)), plus a second for the rounding down.
            let needed = (gain * U256::from(10_000) * year).div_ceil(base * apr) + U256::from(1);
            self.report(needed.to::<u64>(), validators, balance, withdrawals)
                .await
        } else {
            let loss = U256::from(change.unsigned_abs());
            ensure!(
                validators > 0 && loss <= balance,
                "a loss needs a beacon balance to lose"
            );
            let target = pool.totalPooledEther().call().await? - loss;
            let day = 24 * 3600u64;
            loop {
                let total = pool.totalPooledEther().call().await?;
                let bps = U256::from(pool.maxLossBps().call().await?);
                let rest = total - target;
                // ceil(rest * BPS * day / (total * bps)), plus a second for the rounding down.
                let needed = (rest * U256::from(10_000) * U256::from(day)).div_ceil(total * bps)
                    + U256::from(1);
                let elapsed = needed.min(U256::from(day)).to::<u64>();
                let receipt = self
                    .report(elapsed, validators, balance - loss, withdrawals)
                    .await?;
                if pool.totalPooledEther().call().await? <= target {
                    return Ok(receipt);
                }
            }
        }
    }

    /// A ceremony key holder front-runs the sample key `seed`: 1 ETH to the deposit contract
    /// for that pubkey with `thief`'s own 0x01 credentials, from anvil's account #4. Returns the
    /// pubkey.
    pub async fn front_run(&self, seed: u16, thief: Address) -> Result<alloy::primitives::Bytes> {
        self.deposit_for(seed, thief, true).await
    }

    /// A 1 ETH deposit for sample key `seed` to `thief`'s credentials whose signature is
    /// garbage (`signed` false) or the key's own: the beacon chain ignores the first (it fixes
    /// nothing, the ether is burned) and lets the second fix the key's credentials for good.
    pub async fn deposit_for(
        &self,
        seed: u16,
        thief: Address,
        signed: bool,
    ) -> Result<alloy::primitives::Bytes> {
        use pool_core::deposit::{DepositData, DepositMessage, eth1_withdrawal_credentials};
        let secret = crate::fixtures::sample_key(seed);
        let credentials = eth1_withdrawal_credentials(thief);
        let message = DepositMessage {
            pubkey: alloy::primitives::FixedBytes(secret.public_key()),
            withdrawal_credentials: credentials,
            amount: 1_000_000_000,
        };
        let signature = if signed {
            secret.sign(
                message
                    .signing_root(pool_core::deposit::ForkVersion::DEVNET)
                    .as_slice(),
            )
        } else {
            [0xab; 96]
        };
        let data = DepositData {
            pubkey: message.pubkey,
            withdrawal_credentials: credentials,
            amount: message.amount,
            signature: alloy::primitives::FixedBytes(signature),
        };
        let root = data.root();
        let key = (
            alloy::primitives::Bytes::copy_from_slice(data.pubkey.as_slice()),
            alloy::primitives::Bytes::copy_from_slice(&signature),
        );
        let receipt = DevnetDepositContract::new(self.deployment.deposit_contract, self.provider())
            .deposit(
                key.0.clone(),
                alloy::primitives::Bytes::copy_from_slice(credentials.as_slice()),
                key.1,
                root,
            )
            .value(parse_ether("1")?)
            .from(self.accounts()[4])
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(receipt.status(), "the front-running deposit reverted");
        Ok(key.0)
    }

    /// Adds sample registry entries with `seeds` (see [`crate::fixtures::sample_validator`]),
    /// waits out the activation delay and activates them from the buffer (which must hold
    /// 32 ETH each) into the cluster `cluster`; returns the activation's receipt.
    pub async fn add_and_activate(
        &self,
        seeds: std::ops::Range<u16>,
        cluster: PoolManager::Cluster,
    ) -> Result<TransactionReceipt> {
        let pool = self.pool();
        let entries: Vec<_> = seeds
            .map(|seed| {
                crate::fixtures::sample_validator(
                    self.deployment.pool_manager,
                    seed,
                    &self.deployment.operator_ids,
                )
            })
            .collect();
        let added = pool
            .add_validators(entries.clone())
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(added.status(), "addValidators reverted");
        self.mine(pool.activationDelay().call().await?).await?;
        let count = self.deposit_count().await?;
        let funding = self.funding_quote().await?;
        let receipt = pool
            .activateValidators(entries, count, funding, cluster)
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(receipt.status(), "activateValidators reverted");
        Ok(receipt)
    }
}

/// Asserts that a contract call (a `CallBuilder`, before `.call()`) reverts with the pool's
/// custom error `Variant`, in an async test:
/// `assert_pool_error!(pool.setRunway(0), InvalidRunway);`
/// `addValidators(entries, points)` with the points computed from the entries (their pubkeys
/// and signatures uncompressed, see [`pool_chain::registry::bls_points`]).
pub trait AddValidators<P, N: alloy::network::Network> {
    fn add_validators(
        &self,
        entries: Vec<PoolManager::ValidatorData>,
    ) -> alloy::contract::SolCallBuilder<&P, PoolManager::addValidatorsCall, N>;
}

impl<P: Provider<N>, N: alloy::network::Network> AddValidators<P, N> for PoolManagerInstance<P, N> {
    fn add_validators(
        &self,
        entries: Vec<PoolManager::ValidatorData>,
    ) -> alloy::contract::SolCallBuilder<&P, PoolManager::addValidatorsCall, N> {
        let points = pool_chain::registry::bls_points_of(&entries);
        self.addValidators(entries, points)
    }
}

#[macro_export]
macro_rules! assert_pool_error {
    ($call:expr, $variant:ident) => {{
        let error = $call
            .call()
            .await
            .expect_err(concat!("expected a revert with ", stringify!($variant)));
        let decoded = $crate::testing::pool_error(error);
        assert!(
            matches!(decoded, $crate::testing::PoolManagerErrors::$variant(_)),
            "expected {}, got {decoded:?}",
            stringify!($variant)
        );
    }};
}

/// The pool's custom error a call reverted with; panics with the error when it is not one.
pub fn pool_error(error: alloy::contract::Error) -> PoolManagerErrors {
    error
        .as_decoded_interface_error::<PoolManagerErrors>()
        .unwrap_or_else(|| panic!("not a pool error: {error:?}"))
}

/// `.mined()`: send a contract call and wait for its receipt, panicking on any failure to send
/// (a revert shows as `status() == false`). For tests.
#[allow(async_fn_in_trait)]
pub trait Mined {
    async fn mined(self) -> TransactionReceipt;
}

impl<P, D> Mined for alloy::contract::CallBuilder<P, D>
where
    P: Provider,
    D: alloy::contract::CallDecoder,
{
    async fn mined(self) -> TransactionReceipt {
        self.send()
            .await
            .expect("sent")
            .get_receipt()
            .await
            .expect("mined")
    }
}

/// The cluster as the last SSV network event in `receipt` left it (any event the snapshot scan
/// reads, `pool_chain::ssv`): what a client's snapshot scanner would hold after this
/// transaction.
pub fn cluster_after(receipt: &TransactionReceipt) -> Option<PoolManager::Cluster> {
    use pool_chain::history::RawLog;
    let event = receipt.inner.logs().iter().rev().find_map(|log| {
        pool_chain::ssv::decode_cluster_event(&RawLog {
            address: log.address(),
            topics: log.topics().to_vec(),
            data: log.data().data.clone(),
            // Positions do not matter within one receipt read backwards.
            block_number: Some(alloy::primitives::U64::ZERO),
            log_index: Some(alloy::primitives::U64::ZERO),
        })
    })?;
    Some(event.cluster.into())
}

/// The SSV network's id of `owner`'s cluster of `operator_ids`:
/// `keccak256(abi.encodePacked(owner, operatorIds))` (each id a 32-byte word, as `encodePacked`
/// lays out arrays).
pub fn cluster_id(owner: Address, operator_ids: &[u64]) -> alloy::primitives::B256 {
    let mut packed = owner.to_vec();
    for id in operator_ids {
        packed.extend_from_slice(&U256::from(*id).to_be_bytes::<32>());
    }
    alloy::primitives::keccak256(packed)
}

/// The effective-balance oracles' leaf of a cluster: the double hash of
/// `abi.encode(clusterId, effectiveBalance)` (effective balance in whole ETH).
pub fn effective_balance_leaf(
    cluster: alloy::primitives::B256,
    eth: u32,
) -> alloy::primitives::B256 {
    use alloy::sol_types::SolValue;
    let inner = alloy::primitives::keccak256((cluster, eth).abi_encode());
    alloy::primitives::keccak256(inner)
}

/// A Merkle tree over `leaves` hashed in sorted pairs (OpenZeppelin's `MerkleProof`): the root
/// and each leaf's proof.
pub fn merkle_tree(
    leaves: &[alloy::primitives::B256],
) -> (alloy::primitives::B256, Vec<Vec<alloy::primitives::B256>>) {
    use alloy::primitives::{B256, keccak256};
    let pair = |a: B256, b: B256| {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        keccak256([lo.as_slice(), hi.as_slice()].concat())
    };
    let mut proofs = vec![Vec::new(); leaves.len()];
    // Each leaf's position in the current level.
    let mut at: Vec<usize> = (0..leaves.len()).collect();
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        for chunk in level.chunks(2) {
            next.push(match chunk {
                [a, b] => pair(*a, *b),
                [a] => *a,
                _ => unreachable!(),
            });
        }
        for (leaf, position) in at.iter_mut().enumerate() {
            let sibling = *position ^ 1;
            if sibling < level.len() {
                proofs[leaf].push(level[sibling]);
            }
            *position /= 2;
        }
        level = next;
    }
    (level.first().copied().unwrap_or_default(), proofs)
}

impl Devnet {
    /// The devnet admin, standing in for SSV v2's effective-balance oracles, commits a root at
    /// the latest block for `balances` (cluster id, effective balance in ETH); the root's block
    /// and each entry's proof, for `updateClusterBalance`.
    pub async fn commit_effective_balances(
        &self,
        balances: &[(alloy::primitives::B256, u32)],
    ) -> Result<(u64, Vec<Vec<alloy::primitives::B256>>)> {
        let leaves: Vec<_> = balances
            .iter()
            .map(|(id, eth)| effective_balance_leaf(*id, *eth))
            .collect();
        let (root, proofs) = merkle_tree(&leaves);
        let block = self.provider().get_block_number().await?;
        let network = pool_chain::bindings::devnet::DevnetSSVNetworkV2::new(
            self.deployment.ssv_network,
            self.provider(),
        );
        let receipt = network
            .commitRoot(root, block)
            .from(self.accounts()[0])
            .send()
            .await?
            .get_receipt()
            .await?;
        ensure!(receipt.status(), "commitRoot reverted");
        Ok((block, proofs))
    }
}
