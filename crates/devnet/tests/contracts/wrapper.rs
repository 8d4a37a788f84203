//! wpoolETH, the non-rebasing ERC-4626 wrapper whose shares are pool shares: wraps and unwraps
//! exact to the share across rebases, every preview the actual result and rounded against the
//! caller (checked as exact floors and ceilings of the rational rate), poolETH's
//! `transferSharesFrom` spending the allowance rounded up; `permit`: EIP-2612 on both tokens;
//! `property`: random sequences of wraps, unwraps, transfers and rebases.

mod permit;
mod property;

use alloy::primitives::{Address, U256, utils::parse_ether};
use alloy::providers::DynProvider;
use pool_chain::bindings::PoolETH::{self, PoolETHErrors};
use pool_chain::bindings::WpoolETH;
use pool_devnet::testing::Mined;
use pool_devnet::{Devnet, DevnetOptions};

use crate::token::with_a_validator;

fn eth(text: &str) -> U256 {
    parse_ether(text).unwrap()
}

/// A devnet with a validator on the beacon chain (so that reports can take losses too).
async fn devnet() -> Devnet {
    let devnet = Devnet::start(DevnetOptions::default()).await.unwrap();
    with_a_validator(&devnet).await;
    devnet
}

/// poolETH's rate now: (total pooled ether, total shares).
async fn rate(devnet: &Devnet) -> (U256, U256) {
    let totals = devnet.totals().await.unwrap();
    (totals.total_pooled_ether, totals.total_shares)
}

async fn shares_of(devnet: &Devnet, who: Address) -> U256 {
    devnet.token().sharesOf(who).call().await.unwrap()
}

async fn wrapped(devnet: &Devnet, who: Address) -> U256 {
    devnet.wrapper().balanceOf(who).call().await.unwrap()
}

/// The wrapper holds exactly the shares it has issued (nobody sent it any for nothing here).
async fn assert_backed(devnet: &Devnet) {
    assert_eq!(
        shares_of(devnet, devnet.deployment.wpool_eth).await,
        devnet.wrapper().totalSupply().call().await.unwrap(),
        "the wrapper's pool shares = wpoolETH supply"
    );
}

fn token_error(error: alloy::contract::Error) -> PoolETHErrors {
    error
        .as_decoded_interface_error::<PoolETHErrors>()
        .unwrap_or_else(|| panic!("not a poolETH error: {error:?}"))
}

async fn approve_wrapper(devnet: &Devnet, owner: Address, amount: U256) {
    let receipt = devnet
        .token()
        .approve(devnet.deployment.wpool_eth, amount)
        .from(owner)
        .mined()
        .await;
    assert!(receipt.status());
}

#[tokio::test]
async fn a_wrap_and_an_unwrap_return_exactly_the_shares_across_rebases() {
    let devnet = devnet().await;
    let (token, wrapper) = (devnet.token(), devnet.wrapper());
    let [alice, bob] = [devnet.accounts()[1], devnet.accounts()[2]];
    // Bob stakes the same as Alice at the same rate and never wraps: the yardstick.
    devnet.stake(alice, eth("3.3")).await.unwrap();
    devnet.stake(bob, eth("3.3")).await.unwrap();
    devnet
        .rebase(eth("0.0123456789").to::<i128>())
        .await
        .unwrap();
    let start = shares_of(&devnet, alice).await;
    assert_eq!(start, shares_of(&devnet, bob).await);

    approve_wrapper(&devnet, alice, U256::MAX).await;
    let amount = token.balanceOf(alice).call().await.unwrap() * U256::from(2) / U256::from(3);
    let preview = wrapper.previewDeposit(amount).call().await.unwrap();
    let receipt = wrapper.deposit(amount, alice).from(alice).mined().await;
    assert!(receipt.status());
    println!("gas: wrap (deposit): {}", receipt.gas_used);
    assert_eq!(wrapped(&devnet, alice).await, preview);
    assert_eq!(shares_of(&devnet, alice).await, start - preview);
    assert_backed(&devnet).await;

    // A rebase up moves what a wpoolETH is worth, never a wpoolETH balance.
    let worth = wrapper.convertToAssets(preview).call().await.unwrap();
    devnet.rebase(eth("0.02").to::<i128>()).await.unwrap();
    assert_eq!(wrapped(&devnet, alice).await, preview);
    let after = wrapper.convertToAssets(preview).call().await.unwrap();
    assert!(after > worth);
    assert_eq!(
        after,
        token.getPooledEthByShares(preview).call().await.unwrap()
    );

    let half = preview / U256::from(2);
    let receipt = wrapper.redeem(half, alice, alice).from(alice).mined().await;
    assert!(receipt.status());
    println!("gas: unwrap (redeem): {}", receipt.gas_used);
    assert_eq!(shares_of(&devnet, alice).await, start - preview + half);
    // A loss: the balance still does not move.
    devnet.rebase(-eth("0.5").to::<i128>()).await.unwrap();
    assert_eq!(wrapped(&devnet, alice).await, preview - half);
    wrapper
        .redeem(preview - half, alice, alice)
        .from(alice)
        .mined()
        .await;

    assert_eq!(shares_of(&devnet, alice).await, start, "every share back");
    assert_eq!(
        token.balanceOf(alice).call().await.unwrap(),
        token.balanceOf(bob).call().await.unwrap(),
        "to the wei what holding poolETH throughout gives"
    );
    assert_eq!(wrapper.totalSupply().call().await.unwrap(), U256::ZERO);
    assert_backed(&devnet).await;

    // Bob wraps his whole balance with an allowance of exactly that: the shares it buys are
    // worth at most the allowance, rounded up (what previewMint of them says).
    let all = token.balanceOf(bob).call().await.unwrap();
    approve_wrapper(&devnet, bob, all).await;
    let shares = wrapper.previewDeposit(all).call().await.unwrap();
    let cost = wrapper.previewMint(shares).call().await.unwrap();
    assert!(cost <= all);
    wrapper.deposit(all, bob).from(bob).mined().await;
    let wrapper_address = devnet.deployment.wpool_eth;
    assert_eq!(
        token.allowance(bob, wrapper_address).call().await.unwrap(),
        all - cost
    );
    assert_eq!(wrapped(&devnet, bob).await, shares);
    assert_backed(&devnet).await;
}

/// Each of the four entry points at the rate now, for several amounts: the preview is the result,
/// exactly the floor (deposit, redeem) or the ceiling (mint, withdraw) of the rational rate.
async fn check_previews(devnet: &Devnet, who: Address) {
    let (token, wrapper) = (devnet.token(), devnet.wrapper());
    let one = U256::from(1);
    let (pooled, total) = rate(devnet).await;
    for amount in [
        1u128,
        2,
        3,
        999,
        1_000_000_000_000_000_007,
        123_456_789_012_345,
    ] {
        let a = U256::from(amount);
        assert_eq!(
            wrapper.convertToShares(a).call().await.unwrap(),
            token.getSharesByPooledEth(a).call().await.unwrap()
        );
        assert_eq!(
            wrapper.convertToAssets(a).call().await.unwrap(),
            token.getPooledEthByShares(a).call().await.unwrap()
        );

        // deposit(a): floor(a T / P) shares.
        let s = wrapper.previewDeposit(a).call().await.unwrap();
        assert!(s * pooled <= a * total && (s + one) * pooled > a * total);
        assert_eq!(wrapper.deposit(a, who).from(who).call().await.unwrap(), s);
        let before = (shares_of(devnet, who).await, wrapped(devnet, who).await);
        let event = wrapper
            .deposit(a, who)
            .from(who)
            .mined()
            .await
            .decoded_log::<WpoolETH::Deposit>()
            .unwrap();
        assert_eq!((event.assets, event.shares), (a, s));
        assert_eq!(shares_of(devnet, who).await, before.0 - s);
        assert_eq!(wrapped(devnet, who).await, before.1 + s);

        // mint(s): ceil(s P / T) poolETH, exactly the allowance spent.
        let s = a;
        let cost = wrapper.previewMint(s).call().await.unwrap();
        assert!(
            cost * total >= s * pooled && (cost.is_zero() || (cost - one) * total < s * pooled)
        );
        assert_eq!(wrapper.mint(s, who).from(who).call().await.unwrap(), cost);
        approve_wrapper(devnet, who, cost).await;
        let before = (shares_of(devnet, who).await, wrapped(devnet, who).await);
        let receipt = wrapper.mint(s, who).from(who).mined().await;
        assert!(receipt.status(), "mint of {s}");
        let wrapper_address = devnet.deployment.wpool_eth;
        assert_eq!(
            token.allowance(who, wrapper_address).call().await.unwrap(),
            U256::ZERO
        );
        assert_eq!(shares_of(devnet, who).await, before.0 - s);
        assert_eq!(wrapped(devnet, who).await, before.1 + s);
        approve_wrapper(devnet, who, U256::MAX).await;

        // withdraw(a): ceil(a T / P) wpoolETH burned; the receiver gets at least `a` poolETH.
        let burned = wrapper.previewWithdraw(a).call().await.unwrap();
        assert!(burned * pooled >= a * total && (burned - one) * pooled < a * total);
        assert_eq!(
            wrapper
                .withdraw(a, who, who)
                .from(who)
                .call()
                .await
                .unwrap(),
            burned
        );
        let before = (shares_of(devnet, who).await, wrapped(devnet, who).await);
        let balance = token.balanceOf(who).call().await.unwrap();
        wrapper.withdraw(a, who, who).from(who).mined().await;
        assert_eq!(shares_of(devnet, who).await, before.0 + burned);
        assert_eq!(wrapped(devnet, who).await, before.1 - burned);
        assert!(token.balanceOf(who).call().await.unwrap() >= balance + a);

        // redeem(s): floor(s P / T) poolETH, exactly `s` shares back.
        let paid = wrapper.previewRedeem(s).call().await.unwrap();
        assert!(paid * total <= s * pooled && (paid + one) * total > s * pooled);
        assert_eq!(
            wrapper.redeem(s, who, who).from(who).call().await.unwrap(),
            paid
        );
        let before = (shares_of(devnet, who).await, wrapped(devnet, who).await);
        let event = wrapper
            .redeem(s, who, who)
            .from(who)
            .mined()
            .await
            .decoded_log::<WpoolETH::Withdraw>()
            .unwrap();
        assert_eq!((event.assets, event.shares), (paid, s));
        assert_eq!(shares_of(devnet, who).await, before.0 + s);
        assert_eq!(wrapped(devnet, who).await, before.1 - s);
        assert_backed(devnet).await;
    }
    let held = wrapped(devnet, who).await;
    assert_eq!(wrapper.maxRedeem(who).call().await.unwrap(), held);
    assert_eq!(
        wrapper.maxWithdraw(who).call().await.unwrap(),
        token.getPooledEthByShares(held).call().await.unwrap()
    );
    assert_eq!(
        wrapper.totalAssets().call().await.unwrap(),
        token
            .balanceOf(devnet.deployment.wpool_eth)
            .call()
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn every_preview_is_the_result_and_rounds_against_the_caller() {
    let devnet = devnet().await;
    let alice = devnet.accounts()[1];
    devnet.stake(alice, eth("5")).await.unwrap();
    approve_wrapper(&devnet, alice, U256::MAX).await;
    // Some wpoolETH to withdraw and redeem from.
    devnet
        .wrapper()
        .deposit(eth("1"), alice)
        .from(alice)
        .mined()
        .await;
    // A share worth less than a wei (after a loss), then more (after gains).
    devnet.rebase(-eth("0.77").to::<i128>()).await.unwrap();
    let (pooled, total) = rate(&devnet).await;
    assert!(pooled < total, "a share under a wei");
    check_previews(&devnet, alice).await;
    devnet.rebase(eth("0.9").to::<i128>()).await.unwrap();
    let (pooled, total) = rate(&devnet).await;
    assert!(pooled > total, "a share over a wei");
    check_previews(&devnet, alice).await;
}

#[tokio::test]
async fn transfer_shares_from_spends_the_allowance_rounded_up() {
    let devnet = devnet().await;
    let token: PoolETH::PoolETHInstance<DynProvider> = devnet.token();
    let [alice, spender, carol] = [
        devnet.accounts()[1],
        devnet.accounts()[2],
        devnet.accounts()[3],
    ];
    devnet.stake(alice, eth("2")).await.unwrap();
    devnet.rebase(-eth("0.3").to::<i128>()).await.unwrap();
    // One share is worth less than a wei: rounded down, no allowance would move it.
    assert_eq!(
        token
            .getPooledEthByShares(U256::from(1))
            .call()
            .await
            .unwrap(),
        U256::ZERO
    );
    let refused = token
        .transferSharesFrom(alice, carol, U256::from(1))
        .from(spender)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        token_error(refused),
        PoolETHErrors::InsufficientAllowance(e) if e.available.is_zero() && e.needed == U256::from(1)
    ));

    for shares in [U256::from(1), U256::from(7), eth("0.123456789")] {
        let (pooled, total) = rate(&devnet).await;
        let needed = (shares * pooled).div_ceil(total);
        let worth = token.getPooledEthByShares(shares).call().await.unwrap();
        token
            .approve(spender, needed - U256::from(1))
            .from(alice)
            .mined()
            .await;
        let short = token
            .transferSharesFrom(alice, carol, shares)
            .from(spender)
            .call()
            .await
            .unwrap_err();
        assert!(matches!(
            token_error(short),
            PoolETHErrors::InsufficientAllowance(_)
        ));
        token.approve(spender, needed).from(alice).mined().await;
        let before = (
            shares_of(&devnet, alice).await,
            shares_of(&devnet, carol).await,
        );
        let call = token.transferSharesFrom(alice, carol, shares).from(spender);
        assert_eq!(
            call.call().await.unwrap(),
            worth,
            "returns the worth, rounded down"
        );
        let receipt = call.mined().await;
        assert!(receipt.status());
        let moved = receipt.decoded_log::<PoolETH::TransferShares>().unwrap();
        assert_eq!(
            (moved.from, moved.to, moved.sharesValue),
            (alice, carol, shares)
        );
        assert_eq!(
            receipt.decoded_log::<PoolETH::Transfer>().unwrap().value,
            worth
        );
        assert_eq!(shares_of(&devnet, alice).await, before.0 - shares);
        assert_eq!(shares_of(&devnet, carol).await, before.1 + shares);
        assert_eq!(
            token.allowance(alice, spender).call().await.unwrap(),
            U256::ZERO
        );
    }

    // An unlimited allowance is not spent; the usual guards hold.
    token.approve(spender, U256::MAX).from(alice).mined().await;
    token
        .transferSharesFrom(alice, carol, U256::from(5))
        .from(spender)
        .mined()
        .await;
    assert_eq!(
        token.allowance(alice, spender).call().await.unwrap(),
        U256::MAX
    );
    let held = shares_of(&devnet, alice).await;
    let over = token
        .transferSharesFrom(alice, carol, held + U256::from(1))
        .from(spender)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        token_error(over),
        PoolETHErrors::InsufficientShares(_)
    ));
    for stuck in [devnet.deployment.pool_manager, devnet.deployment.pool_eth] {
        let refused = token
            .transferSharesFrom(alice, stuck, U256::from(1))
            .from(spender)
            .call()
            .await
            .unwrap_err();
        assert!(matches!(
            token_error(refused),
            PoolETHErrors::TransferToPoolContract(_)
        ));
    }
    let zero = token
        .transferSharesFrom(alice, Address::ZERO, U256::from(1))
        .from(spender)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(token_error(zero), PoolETHErrors::ZeroAddress(_)));
}

#[tokio::test]
async fn the_wrapper_refuses_what_an_owner_has_not_allowed() {
    let devnet = devnet().await;
    let wrapper = devnet.wrapper();
    let [alice, mallory] = [devnet.accounts()[1], devnet.accounts()[2]];
    devnet.stake(alice, eth("2")).await.unwrap();
    // No poolETH allowance: no wrap.
    let refused = wrapper
        .deposit(eth("1"), alice)
        .from(alice)
        .call()
        .await
        .unwrap_err();
    assert!(matches!(
        token_error(refused),
        PoolETHErrors::InsufficientAllowance(_)
    ));
    approve_wrapper(&devnet, alice, U256::MAX).await;
    wrapper.deposit(eth("1"), alice).from(alice).mined().await;
    // Nobody else unwraps Alice's wpoolETH without her wpoolETH allowance, nor more than she has.
    use WpoolETH::WpoolETHErrors as E;
    let error = |e: alloy::contract::Error| {
        e.as_decoded_interface_error::<E>()
            .unwrap_or_else(|| panic!("not a wpoolETH error: {e:?}"))
    };
    let stranger = wrapper.redeem(U256::from(1), mallory, alice).from(mallory);
    assert!(matches!(
        error(stranger.call().await.unwrap_err()),
        E::ERC20InsufficientAllowance(_)
    ));
    let stranger = wrapper
        .withdraw(U256::from(1), mallory, alice)
        .from(mallory);
    assert!(matches!(
        error(stranger.call().await.unwrap_err()),
        E::ERC20InsufficientAllowance(_)
    ));
    let too_much = wrapper
        .redeem(eth("1") + U256::from(1), alice, alice)
        .from(alice);
    assert!(matches!(
        error(too_much.call().await.unwrap_err()),
        E::ERC4626ExceededMaxRedeem(_)
    ));
    wrapper
        .approve(mallory, U256::from(3))
        .from(alice)
        .mined()
        .await;
    wrapper
        .redeem(U256::from(3), mallory, alice)
        .from(mallory)
        .mined()
        .await;
    assert_eq!(
        wrapper.allowance(alice, mallory).call().await.unwrap(),
        U256::ZERO
    );
    assert_eq!(shares_of(&devnet, mallory).await, U256::from(3));
    assert_backed(&devnet).await;
}
