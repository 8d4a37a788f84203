//! Strangers' deposits in bulk for the benches: [`DevnetDepositFiller`]
//! (`contracts/devnet/DevnetDepositFiller.sol`) makes many 32 ETH deposits per transaction to
//! the devnet deposit contract, each with its own pubkey, a filler signature and the SSZ
//! deposit-data root the contract checks, paid from its own balance (`anvil_setBalance`).

use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::providers::{DynProvider, Provider};
use anyhow::{Context, Result, ensure};

alloy::sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    DevnetDepositFiller,
    "../../contracts/out/DevnetDepositFiller.json"
);

/// Gas for one transaction of `count` deposits (32,077 each measured, with margin).
fn gas_for(count: u64) -> u64 {
    100_000 + count * 60_000
}

/// A filler deployed next to `deposit_contract`, and the deposits it made so far.
pub struct DepositHistory {
    provider: DynProvider,
    filler: DevnetDepositFiller::DevnetDepositFillerInstance<DynProvider>,
    from: Address,
    pub made: u64,
    /// Gas the batches used.
    pub gas: u64,
}

impl DepositHistory {
    /// Deploys the filler from `from` and funds it for `deposits` deposits of 32 ETH.
    pub async fn deploy(
        provider: &DynProvider,
        from: Address,
        deposit_contract: Address,
        deposits: u64,
    ) -> Result<DepositHistory> {
        let filler = DevnetDepositFiller::deploy(provider.clone(), deposit_contract)
            .await
            .context("deploying the deposit filler")?;
        let balance = parse_ether("32")? * U256::from(deposits);
        let () = provider
            .raw_request("anvil_setBalance".into(), (*filler.address(), balance))
            .await?;
        Ok(DepositHistory {
            provider: provider.clone(),
            filler,
            from,
            made: 0,
            gas: 0,
        })
    }

    /// Makes the next `count` deposits in one transaction (automine on: mined at once).
    pub async fn batch(&mut self, count: u64) -> Result<()> {
        let pending = self
            .filler
            .fill(U256::from(self.made), U256::from(count))
            .from(self.from)
            .gas(gas_for(count))
            .send()
            .await
            .context("a batch of deposits")?;
        let hash = *pending.tx_hash();
        // Automine mines it at once; the receipt may take a moment to be served.
        let mut tries = 0;
        let receipt = loop {
            if let Some(receipt) = self.provider.get_transaction_receipt(hash).await? {
                break receipt;
            }
            tries += 1;
            ensure!(
                tries < 2_000,
                "a batch of deposits was never mined (is automine on?)"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        };
        ensure!(
            receipt.status(),
            "a batch of {count} deposits reverted (gas used {})",
            receipt.gas_used
        );
        self.made += count;
        self.gas += receipt.gas_used;
        Ok(())
    }
}
