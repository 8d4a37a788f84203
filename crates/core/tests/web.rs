//! The deposit checks the admin page will run, in a real browser (headless Chromium): the same
//! roots as natively (where Lighthouse's `tree_hash` checks them), signatures verified, and how
//! many deposit signatures per second the browser checks (printed, never asserted).

#![cfg(target_arch = "wasm32")]

use alloy_primitives::{Address, address, b256};
use pool_core::bls::SecretKey;
use pool_core::deposit::{
    DepositData, ForkVersion, deposit_domain, eth1_withdrawal_credentials, signed_deposit,
    verify_deposit_signature, verify_deposit_signatures,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const POOL: Address = address!("5FbDB2315678afecb367f032d93F642f64180aa3");

fn deposit(seed: u8) -> DepositData {
    signed_deposit(
        &SecretKey::from_seed(&[seed; 64]),
        eth1_withdrawal_credentials(POOL),
        ForkVersion::HOODI,
    )
}

#[wasm_bindgen_test]
fn deposit_roots_and_signatures_are_the_native_ones() {
    assert_eq!(
        deposit_domain(ForkVersion::MAINNET),
        b256!("03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9")
    );
    let data = deposit(7);
    // Computed natively by the same code (cross-checked there against tree_hash).
    assert_eq!(
        data.root(),
        b256!("1994b4edcdedb9a2a358b0e9d74eb89cfc82ab0d1fb2ac1bb77322943fa1e17d")
    );
    assert_eq!(
        data.message().signing_root(ForkVersion::HOODI),
        b256!("91716c97d368ddfd271253927412b6a660e5eaa957834d152543c3852af2f5f2")
    );
    assert_eq!(verify_deposit_signature(&data, ForkVersion::HOODI), Ok(()));
    assert!(verify_deposit_signature(&data, ForkVersion::MAINNET).is_err());
}

#[wasm_bindgen_test]
fn deposit_signature_checks_per_second() {
    let deposits: Vec<DepositData> = (1..=32).map(deposit).collect();
    let rate = |elapsed: f64| deposits.len() as f64 * 1000.0 / elapsed.max(1.0);

    let start = js_sys::Date::now();
    for data in &deposits {
        assert_eq!(verify_deposit_signature(data, ForkVersion::HOODI), Ok(()));
    }
    let one_by_one = js_sys::Date::now() - start;

    let mut seed = [0u8; 32];
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).unwrap();
    let random = js_sys::Uint8Array::new_with_length(32);
    js_sys::Reflect::apply(
        &js_sys::Reflect::get(&crypto, &"getRandomValues".into())
            .unwrap()
            .into(),
        &crypto,
        &js_sys::Array::of1(&random),
    )
    .unwrap();
    random.copy_to(&mut seed);
    let start = js_sys::Date::now();
    assert_eq!(
        verify_deposit_signatures(&deposits, ForkVersion::HOODI, seed),
        Ok(())
    );
    let batched = js_sys::Date::now() - start;

    console_log!(
        "figure: deposit signature checks in the browser, one by one / batched ({} deposits) | {:.0}/s / {:.0}/s | ≥ 100/s",
        deposits.len(),
        rate(one_by_one),
        rate(batched)
    );
}
