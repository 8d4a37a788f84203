//! EIP-2612 permit on poolETH and on wpoolETH, signed as a wallet signs EIP-712 typed data: a
//! valid signature sets the allowance (whoever sends it) and is good once; a replayed, expired,
//! foreign (another signer, chain or contract) or malformed one is refused.

use alloy::primitives::{Address, B256, U256};
use alloy::signers::SignerSync;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{Eip712Domain, SolStruct, eip712_domain};
use pool_devnet::testing::Mined;
use pool_devnet::{CHAIN_ID, Devnet};

use super::{devnet, eth};

// Generated code: `permit`'s seven arguments make an eight-argument method.
#[allow(clippy::too_many_arguments)]
mod abi {
    alloy::sol! {
        /// What both tokens share: EIP-2612 (and the errors they both use for it).
        #[sol(rpc)]
        #[derive(Debug)]
        interface IPermitToken {
            function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;
            function nonces(address owner) external view returns (uint256);
            function DOMAIN_SEPARATOR() external view returns (bytes32);
            function allowance(address owner, address spender) external view returns (uint256);
            function transferFrom(address from, address to, uint256 amount) external returns (bool);
            event Approval(address indexed owner, address indexed spender, uint256 value);
            error ERC2612ExpiredSignature(uint256 deadline);
            error ERC2612InvalidSigner(address signer, address owner);
            error ECDSAInvalidSignature();
            error ECDSAInvalidSignatureS(bytes32 s);
        }

        /// EIP-2612's typed data.
        struct Permit {
            address owner;
            address spender;
            uint256 value;
            uint256 nonce;
            uint256 deadline;
        }
    }
}
use abi::{IPermitToken, Permit};

use IPermitToken::IPermitTokenErrors as E;

fn domain(name: &'static str, chain_id: u64, contract: Address) -> Eip712Domain {
    eip712_domain! {
        name: name,
        version: "1",
        chain_id: chain_id,
        verifying_contract: contract,
    }
}

/// `signer`'s signature of `permit` in `domain`: (v, r, s) as `permit` takes them.
fn sign(signer: &PrivateKeySigner, permit: &Permit, domain: &Eip712Domain) -> (u8, B256, B256) {
    let signature = signer
        .sign_hash_sync(&permit.eip712_signing_hash(domain))
        .unwrap();
    (
        27 + signature.v() as u8,
        signature.r().into(),
        signature.s().into(),
    )
}

async fn refused(
    token: &IPermitToken::IPermitTokenInstance<alloy::providers::DynProvider>,
    permit: &Permit,
    (v, r, s): (u8, B256, B256),
) -> E {
    let error = token
        .permit(
            permit.owner,
            permit.spender,
            permit.value,
            permit.deadline,
            v,
            r,
            s,
        )
        .call()
        .await
        .expect_err("the permit is refused");
    error
        .as_decoded_interface_error::<E>()
        .unwrap_or_else(|| panic!("not a permit error: {error:?}"))
}

/// The whole check for the token at `address` whose EIP-712 name is `name`; `other` is another
/// contract (a signature for it must not pass here).
async fn permit_works_once_and_only_as_signed(
    devnet: &Devnet,
    address: Address,
    name: &'static str,
    other: Address,
) {
    let token = IPermitToken::new(address, devnet.provider());
    let (owner_key, stranger_key) = (devnet.signer(1), devnet.signer(2));
    let (owner, spender, relayer) = (
        owner_key.address(),
        devnet.accounts()[3],
        devnet.accounts()[9],
    );
    let ours = domain(name, CHAIN_ID, address);
    assert_eq!(
        token.DOMAIN_SEPARATOR().call().await.unwrap(),
        ours.separator()
    );

    let now = devnet.now().await.unwrap();
    let permit = Permit {
        owner,
        spender,
        value: eth("1.5"),
        nonce: token.nonces(owner).call().await.unwrap(),
        deadline: U256::from(now + 3_600),
    };
    // Signed for another chain, for another contract, by someone else: refused.
    for (signature, what) in [
        (
            sign(&owner_key, &permit, &domain(name, 1, address)),
            "another chain",
        ),
        (
            sign(&owner_key, &permit, &domain(name, CHAIN_ID, other)),
            "another contract",
        ),
        (
            sign(&owner_key, &permit, &domain("poolETH", CHAIN_ID, address)),
            "another name",
        ),
        (sign(&stranger_key, &permit, &ours), "another signer"),
    ] {
        assert!(
            matches!(refused(&token, &permit, signature).await, E::ERC2612InvalidSigner(e) if e.owner == owner && e.signer != owner),
            "{what}"
        );
    }
    // Malformed: the high-s twin of a valid signature, a zero one.
    let (v, r, s) = sign(&owner_key, &permit, &ours);
    let order = U256::from_str_radix(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        16,
    )
    .unwrap();
    let twin = (55 - v, r, (order - U256::from_be_bytes(s.0)).into());
    assert!(matches!(
        refused(&token, &permit, twin).await,
        E::ECDSAInvalidSignatureS(_)
    ));
    assert!(matches!(
        refused(&token, &permit, (27, B256::ZERO, B256::ZERO)).await,
        E::ECDSAInvalidSignature(_)
    ));

    // Valid: anyone may send it; the allowance is set and the nonce used.
    let receipt = token
        .permit(owner, spender, permit.value, permit.deadline, v, r, s)
        .from(relayer)
        .mined()
        .await;
    assert!(receipt.status());
    println!("gas: permit on {name}: {}", receipt.gas_used);
    let approval = receipt.decoded_log::<IPermitToken::Approval>().unwrap();
    assert_eq!(
        (approval.owner, approval.spender, approval.value),
        (owner, spender, permit.value)
    );
    assert_eq!(
        token.allowance(owner, spender).call().await.unwrap(),
        permit.value
    );
    assert_eq!(
        token.nonces(owner).call().await.unwrap(),
        permit.nonce + U256::from(1)
    );
    // The spender uses it.
    token
        .transferFrom(owner, spender, eth("0.5"))
        .from(spender)
        .mined()
        .await;
    assert_eq!(
        token.allowance(owner, spender).call().await.unwrap(),
        eth("1")
    );

    // Replayed: its nonce is used, so it recovers someone else.
    assert!(matches!(
        refused(&token, &permit, (v, r, s)).await,
        E::ERC2612InvalidSigner(_)
    ));
    // Expired: a second past the deadline, even correctly signed with the next nonce.
    let late = Permit {
        nonce: permit.nonce + U256::from(1),
        deadline: U256::from(now + 3_600),
        ..permit
    };
    devnet.warp(now + 3_601).await.unwrap();
    let signature = sign(&owner_key, &late, &ours);
    assert!(matches!(
        refused(&token, &late, signature).await,
        E::ERC2612ExpiredSignature(e) if e.deadline == late.deadline
    ));
    // At the deadline itself it still counts (EIP-2612: `deadline >= now`).
    let at = devnet.now().await.unwrap() + 1;
    let timely = Permit {
        value: U256::ZERO,
        deadline: U256::from(at),
        ..late
    };
    let (v, r, s) = sign(&owner_key, &timely, &ours);
    devnet.set_next_block_time(at).await.unwrap();
    let receipt = token
        .permit(owner, spender, timely.value, timely.deadline, v, r, s)
        .from(relayer)
        .mined()
        .await;
    assert!(receipt.status(), "a permit at its deadline");
    assert_eq!(
        token.allowance(owner, spender).call().await.unwrap(),
        U256::ZERO
    );
}

#[tokio::test]
async fn permit_on_pool_eth() {
    let devnet = devnet().await;
    devnet.stake(devnet.accounts()[1], eth("2")).await.unwrap();
    let d = &devnet.deployment;
    permit_works_once_and_only_as_signed(&devnet, d.pool_eth, "Pool Staked ETH", d.wpool_eth).await;
}

#[tokio::test]
async fn permit_on_wpool_eth() {
    let devnet = devnet().await;
    let owner = devnet.accounts()[1];
    devnet.stake(owner, eth("2")).await.unwrap();
    devnet
        .token()
        .approve(devnet.deployment.wpool_eth, U256::MAX)
        .from(owner)
        .mined()
        .await;
    devnet
        .wrapper()
        .deposit(eth("2"), owner)
        .from(owner)
        .mined()
        .await;
    let d = &devnet.deployment;
    permit_works_once_and_only_as_signed(
        &devnet,
        d.wpool_eth,
        "Wrapped Pool Staked ETH",
        d.pool_eth,
    )
    .await;
}
