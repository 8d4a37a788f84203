//! Revert data (`ContractError::decode`): the bytes an RPC node returns with a failed call or
//! simulation, decoded into the pool's and the SSV network's custom errors.

use alloy_sol_types::SolError;
use pool_chain::bindings::{PoolETH::PoolETHErrors, PoolManager::PoolManagerErrors};
use pool_chain::revert::{ContractError, SsvNetwork::SsvNetworkErrors, explain_revert};
use proptest::prelude::*;

use crate::{assert_sentence, config};

/// Every selector the decoder knows.
fn selectors() -> Vec<[u8; 4]> {
    PoolManagerErrors::SELECTORS
        .iter()
        .chain(PoolETHErrors::SELECTORS)
        .chain(SsvNetworkErrors::SELECTORS)
        .copied()
        .collect()
}

/// A known selector followed by argument bytes: none, short, word-aligned, with huge offsets
/// and lengths in the first words (what a dynamic `bytes` argument reads first).
fn near_revert() -> impl Strategy<Value = Vec<u8>> {
    let words = prop::collection::vec(
        prop_oneof![
            Just([0u8; 32]),
            Just([0xff; 32]),
            any::<u8>().prop_map(|b| {
                let mut word = [0; 32];
                word[31] = b;
                word
            }),
            any::<[u8; 32]>(),
        ],
        0..8,
    );
    (prop::sample::select(selectors()), words, 0usize..32).prop_map(|(selector, words, cut)| {
        let mut data = selector.to_vec();
        words.iter().for_each(|w| data.extend_from_slice(w));
        let keep = data.len().saturating_sub(cut).max(4);
        data.truncate(keep);
        data
    })
}

fn check(data: &[u8]) {
    if let Some(error) = ContractError::decode(data) {
        assert_sentence(&error);
        let _ = error.is_stale_reading();
        assert_eq!(explain_revert(data), Some(error.to_string()));
    } else {
        assert_eq!(explain_revert(data), None);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn known_selectors_with_any_arguments_decode_or_not(data in near_revert()) {
        check(&data);
    }

    #[test]
    fn any_bytes_decode_or_not(data in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&data);
    }

    /// Errors with arguments (dynamic bytes, integers at their edges) decode to themselves.
    #[test]
    fn encoded_errors_decode_to_themselves(
        pubkey in prop::collection::vec(any::<u8>(), 0..200),
        id in any::<u64>(),
        limbs in any::<[u64; 4]>(),
    ) {
        use pool_chain::revert::SsvNetwork;
        let value = alloy_primitives::U256::from_limbs(limbs);
        let ssv = SsvNetwork::ValidatorAlreadyExistsWithData { publicKey: pubkey.into() };
        let decoded = ContractError::decode(&ssv.abi_encode());
        prop_assert_eq!(
            decoded.clone(),
            Some(ContractError::Ssv(SsvNetworkErrors::ValidatorAlreadyExistsWithData(ssv)))
        );
        assert_sentence(&decoded.unwrap());
        let limit = SsvNetwork::ExceedValidatorLimitWithData { operatorId: id }.abi_encode();
        prop_assert!(ContractError::decode(&limit).unwrap().to_string().contains(&id.to_string()));
        let shares = pool_chain::bindings::PoolManager::InvalidSharesLength {
            index: value,
            expected: value,
            actual: value,
        };
        let decoded = ContractError::decode(&shares.abi_encode()).unwrap();
        prop_assert!(decoded.to_string().contains(&value.to_string()));
    }
}
