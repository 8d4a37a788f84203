use alloy_primitives::{Address, B256, Bytes, FixedBytes, U256};

use super::deposits::{DepositSource, SeenDeposit, Verdict, verdict};
use super::*;
use crate::bls::SecretKey;
use crate::deposit::{DepositMessage, ForkVersion, eth1_withdrawal_credentials};

const ETH: u128 = 1_000_000_000_000_000_000;

fn candidate(index: u64, ids: &[u64], ready_at: u64) -> Candidate {
    Candidate {
        index,
        operator_ids: ids.to_vec(),
        ready_at,
        matches_registry: true,
    }
}

fn facts(candidates: &[Candidate]) -> Facts<'_> {
    Facts {
        block: 100,
        buffered: U256::from(10 * 32 * ETH),
        queued: U256::ZERO,
        fee_reserve: U256::from(100 * ETH),
        funding: U256::from(ETH),
        candidates,
        wanted: None,
    }
}

#[test]
fn the_least_bound_wins_and_each_is_reported() {
    let ids = [1, 2, 3, 4];
    let candidates: Vec<_> = (0..12).map(|i| candidate(i, &ids, 50)).collect();
    let mut f = facts(&candidates);
    f.fee_reserve = U256::from(7 * ETH + 1);
    let choice = choose(&f).unwrap();
    assert_eq!(
        choice.limits,
        Limits {
            by_buffer: 10,
            ready: 12,
            same_set: 12,
            by_reserve: 7,
            bulk_limit: 80
        }
    );
    assert_eq!(choice.count, 7);
    f.wanted = Some(3);
    assert_eq!(choose(&f).unwrap().count, 3);
}

#[test]
fn one_operator_set_per_transaction_and_readiness_counts_the_next_block() {
    let a = [1, 2, 3, 4];
    let b = [5, 6, 7, 8];
    let candidates = vec![
        candidate(0, &a, 101),
        candidate(1, &a, 101),
        candidate(2, &b, 101),
        candidate(3, &a, 101),
    ];
    assert_eq!(choose(&facts(&candidates)).unwrap().count, 2);
    let later = vec![candidate(0, &a, 101), candidate(1, &a, 102)];
    assert_eq!(choose(&facts(&later)).unwrap().count, 1);
}

#[test]
fn a_gap_or_a_mismatch_stops_the_run() {
    let ids = [1, 2, 3, 4];
    let mut candidates = vec![candidate(0, &ids, 1), candidate(2, &ids, 1)];
    assert_eq!(choose(&facts(&candidates)).unwrap().limits.ready, 1);
    candidates[1].index = 1;
    candidates[1].matches_registry = false;
    assert_eq!(choose(&facts(&candidates)).unwrap().limits.ready, 1);
    candidates[0].matches_registry = false;
    assert_eq!(
        choose(&facts(&candidates)),
        Err(Waiting::RegistryMismatch { index: 0 })
    );
}

#[test]
fn waiting_reasons_come_in_order() {
    let ids = [1, 2, 3, 4];
    let candidates = vec![candidate(5, &ids, 200)];
    let mut f = facts(&candidates);
    assert_eq!(
        choose(&f),
        Err(Waiting::NotReady {
            index: 5,
            ready_at: 200
        })
    );
    f.buffered = U256::from(32 * ETH - 1);
    assert!(matches!(
        choose(&f),
        Err(Waiting::BufferBelowDeposit { .. })
    ));
    f.buffered = U256::from(32 * ETH);
    f.candidates = &[];
    assert_eq!(choose(&f), Err(Waiting::RegistryEmpty));
    let ready = vec![candidate(5, &ids, 1)];
    f.candidates = &ready;
    f.fee_reserve = U256::from(ETH - 1);
    assert_eq!(
        choose(&f),
        Err(Waiting::FeeReserveShort {
            reserve: U256::from(ETH - 1),
            needed: U256::from(ETH)
        })
    );
}

#[test]
fn bulk_limits_follow_the_contract() {
    assert_eq!(
        [4, 7, 10, 13].map(bulk_limit),
        [80, 40, 30, 20],
        "SSV's convention, as PoolManager._bulkLimit"
    );
    let ids: Vec<u64> = (1..=13).collect();
    let candidates: Vec<_> = (0..30).map(|i| candidate(i, &ids, 1)).collect();
    let mut f = facts(&candidates);
    f.buffered = U256::from(100 * 32 * ETH);
    assert_eq!(choose(&f).unwrap().count, 20);
}

fn key(seed: u8) -> SecretKey {
    SecretKey::from_seed(&[seed; 64])
}

/// A deposit of `amount_gwei` by `key` to `credentials`, signed for `fork`.
fn deposit(
    key: &SecretKey,
    credentials: B256,
    amount_gwei: u64,
    fork: ForkVersion,
    block: u64,
) -> SeenDeposit {
    let message = DepositMessage {
        pubkey: FixedBytes(key.public_key()),
        withdrawal_credentials: credentials,
        amount: amount_gwei,
    };
    SeenDeposit {
        withdrawal_credentials: credentials,
        amount_gwei,
        signature: Some(FixedBytes(key.sign(message.signing_root(fork).as_slice()))),
        source: DepositSource::Log { block },
    }
}

#[test]
fn the_first_deposit_that_verifies_fixes_the_credentials() {
    let fork = ForkVersion::DEVNET;
    let pool = eth1_withdrawal_credentials(Address::repeat_byte(0x11));
    let stranger = eth1_withdrawal_credentials(Address::repeat_byte(0x22));
    let k = key(1);
    let pubkey = Bytes::from(k.public_key().to_vec());
    assert_eq!(verdict(&pubkey, &[], pool, fork).verdict, Verdict::Clear);

    // A 1 ETH front-run signed by the key: the pool's 32 ETH would pay the stranger.
    let front_run = deposit(&k, stranger, 1_000_000_000, fork, 7);
    let check = verdict(&pubkey, std::slice::from_ref(&front_run), pool, fork);
    assert_eq!(
        check.verdict,
        Verdict::Deposited {
            credentials: stranger,
            to_pool: false,
            source: DepositSource::Log { block: 7 }
        }
    );

    // Garbage signatures (another key's, another network's) fix nothing and are said.
    let garbage = deposit(&key(2), stranger, 1_000_000_000, fork, 5);
    let other_fork = deposit(&k, stranger, 1_000_000_000, ForkVersion::MAINNET, 6);
    let mut garbage_only = garbage.clone();
    garbage_only.signature = Some(FixedBytes([0xab; 96]));
    let check = verdict(
        &pubkey,
        &[garbage.clone(), other_fork.clone(), garbage_only.clone()],
        pool,
        fork,
    );
    assert_eq!(check.verdict, Verdict::Clear);
    assert_eq!(
        check.ignored,
        vec![garbage.clone(), other_fork, garbage_only]
    );

    // Ignored ones before a valid one do not hide it.
    let check = verdict(&pubkey, &[garbage, front_run], pool, fork);
    assert!(matches!(
        check.verdict,
        Verdict::Deposited { to_pool: false, .. }
    ));
    assert_eq!(check.ignored.len(), 1);
}

#[test]
fn a_validator_in_the_beacon_state_keeps_its_credentials() {
    let fork = ForkVersion::DEVNET;
    let pool = eth1_withdrawal_credentials(Address::repeat_byte(0x11));
    let old = B256::repeat_byte(0); // 0x00 BLS credentials of a years-old deposit
    let pubkey = Bytes::from(key(3).public_key().to_vec());
    let validator = SeenDeposit {
        withdrawal_credentials: old,
        amount_gwei: 32_000_000_000,
        signature: None,
        source: DepositSource::BeaconValidator,
    };
    let ours = deposit(&key(3), pool, 32_000_000_000, fork, 9);
    let check = verdict(&pubkey, &[validator, ours.clone()], pool, fork);
    assert_eq!(
        check.verdict,
        Verdict::Deposited {
            credentials: old,
            to_pool: false,
            source: DepositSource::BeaconValidator
        }
    );
    // Fixed to the pool's own credentials already: refused too (32 ETH more would be swept).
    let check = verdict(&pubkey, &[ours], pool, fork);
    assert!(matches!(
        check.verdict,
        Verdict::Deposited { to_pool: true, .. }
    ));
}

#[test]
fn an_entry_is_checked_for_its_fork_owner_nonce_and_shares_length() {
    use crate::deposit::signed_deposit;
    use crate::keyshares::{ownership_message, shares_data_len};
    let pool = Address::repeat_byte(0x44);
    let credentials = eth1_withdrawal_credentials(pool);
    let k = key(9);
    let signature = signed_deposit(&k, credentials, ForkVersion::DEVNET).signature;
    let mut shares = k.sign(&ownership_message(pool, 3)).to_vec();
    shares.resize(shares_data_len(4), 0);
    let pubkey = k.public_key();
    fn fields<'a>(pubkey: &'a [u8], signature: &'a [u8], shares: &'a [u8]) -> EntryFields<'a> {
        EntryFields {
            pubkey,
            signature,
            operators: 4,
            shares_data: shares,
        }
    }
    let sig = signature.as_slice();
    let check = |fields, nonce, fork| check_entry(fields, pool, credentials, nonce, fork);
    assert_eq!(
        check(fields(&pubkey, sig, &shares), 3, ForkVersion::DEVNET),
        Ok(())
    );
    assert_eq!(
        check(fields(&pubkey, sig, &shares), 4, ForkVersion::DEVNET),
        Err(EntryProblem::OwnershipSignature { nonce: 4 })
    );
    assert_eq!(
        check(fields(&pubkey, sig, &shares), 3, ForkVersion::MAINNET),
        Err(EntryProblem::DepositSignature)
    );
    assert_eq!(
        check(
            fields(&pubkey, sig, &shares[..shares.len() - 1]),
            3,
            ForkVersion::DEVNET
        ),
        Err(EntryProblem::SharesLength {
            expected: shares_data_len(4),
            actual: shares_data_len(4) - 1
        })
    );
    // Another pool's credentials: the deposit would pay elsewhere, and its signature fails here.
    let other = eth1_withdrawal_credentials(Address::repeat_byte(0x45));
    assert_eq!(
        check_entry(
            fields(&pubkey, sig, &shares),
            pool,
            other,
            3,
            ForkVersion::DEVNET
        ),
        Err(EntryProblem::DepositSignature)
    );
}

#[test]
fn the_ether_waiting_withdrawal_requests_ask_for_is_never_activated() {
    let ids: Vec<u64> = vec![1, 2, 3, 4];
    let candidates: Vec<_> = (0..10).map(|i| candidate(i, &ids, 1)).collect();
    let mut f = facts(&candidates);
    // 320 ETH buffered, 100 asked back: 220 free, 6 validators.
    f.queued = U256::from(100 * ETH);
    let choice = choose(&f).unwrap();
    assert_eq!(choice.limits.by_buffer, 6);
    assert_eq!(choice.count, 6);
    // One wei short of a validator beyond the queue: nothing, and the reason says both.
    f.buffered = U256::from(132 * ETH - 1);
    assert_eq!(
        choose(&f),
        Err(Waiting::BufferBelowDeposit {
            buffered: U256::from(132 * ETH - 1),
            queued: U256::from(100 * ETH),
        })
    );
    // More asked than buffered: nothing (no underflow).
    f.queued = U256::from(1_000 * ETH);
    assert!(matches!(
        choose(&f),
        Err(Waiting::BufferBelowDeposit { .. })
    ));
}
