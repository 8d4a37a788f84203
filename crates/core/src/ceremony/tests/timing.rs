//! Where an import's time goes, natively (a guide for the browser, where the same code runs
//! several times slower): `cargo test --release -p pool-core --lib timing -- --ignored
//! --nocapture`. Printed, never asserted; ignored by default (a timing is not a test).

use std::time::Instant;

use crate::bls::{SignedMessage, verify_batch};
use crate::ceremony::fixture::*;
use crate::ceremony::interpolation::{self, ShareKeys};
use crate::ceremony::report::EntryRef;
use crate::ceremony::{Slice, check_part};
use crate::keyshares::{KeySharesFile, ownership_message};

#[test]
#[ignore = "a timing, run by hand with --release --nocapture"]
fn where_an_imports_time_goes() {
    let count = 200;
    let ceremony = make(&Plan {
        count,
        ..Plan::default()
    });
    let files = ceremony.files();
    // Wall time, and this thread's CPU time (Linux, 10 ms ticks): on a busy machine the first
    // grows with the load, the second hardly.
    let time = |what: &str, f: &mut dyn FnMut()| {
        let (start, cpu) = (Instant::now(), thread_cpu_ms());
        f();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let cpu = thread_cpu_ms().zip(cpu).map(|(end, start)| end - start);
        let cpu = cpu.map_or(String::new(), |cpu| format!(", CPU {cpu:.0} ms"));
        println!(
            "{what}: {ms:.1} ms ({:.3} ms per validator){cpu}",
            ms / count as f64
        );
    };
    time("whole import (one part)", &mut || {
        let part = check_part(&files, &ceremony.context, SEED, Slice::WHOLE);
        assert!(part.files.iter().all(|f| f.refusals.is_empty()));
    });
    time("the cheap checks alone (a part with no entry)", &mut || {
        // Slice 1 of a huge count covers no entry of this import: parsing, roots, pairing.
        check_part(
            &files,
            &ceremony.context,
            SEED,
            Slice::new(count as u32 + 1, count as u32 + 2).unwrap(),
        );
    });
    time("JSON parsing of both files", &mut || {
        let _: serde_json::Value = serde_json::from_str(&files[0].text).unwrap();
        let _: KeySharesFile = serde_json::from_str(&files[1].text).unwrap();
    });
    let deposits: Vec<_> = ceremony
        .validators
        .iter()
        .map(|v| {
            let data = crate::deposit::signed_deposit(
                &v.key,
                crate::deposit::eth1_withdrawal_credentials(POOL),
                ceremony.plan.fork,
            );
            let root = data.message().signing_root(ceremony.plan.fork);
            (data, root)
        })
        .collect();
    let ownership: Vec<([u8; 48], [u8; 32], [u8; 96])> = ceremony
        .keyshares
        .shares
        .iter()
        .map(|s| {
            (
                s.payload.public_key.as_ref().try_into().unwrap(),
                ownership_message(s.data.owner_address, s.data.owner_nonce),
                s.ownership_signature().unwrap(),
            )
        })
        .collect();
    let mut items: Vec<SignedMessage<'_>> = Vec::new();
    for ((data, root), (key, message, signature)) in deposits.iter().zip(&ownership) {
        items.push(SignedMessage {
            public_key: &data.pubkey.0,
            message: root.as_slice(),
            signature: &data.signature.0,
        });
        items.push(SignedMessage {
            public_key: key,
            message,
            signature,
        });
    }
    time("signatures, one batch (deposit + ownership)", &mut || {
        verify_batch(&items, SEED).unwrap();
    });
    time("hashing the messages to G2 alone", &mut || {
        for item in &items {
            std::hint::black_box(crate::bls::hash(item.message));
        }
    });
    time("decompressing keys and signatures alone", &mut || {
        for item in &items {
            std::hint::black_box(bls12_381::G1Affine::from_compressed(item.public_key));
            std::hint::black_box(bls12_381::G2Affine::from_compressed(item.signature));
        }
    });
    let shares: Vec<ShareKeys> = ceremony
        .keyshares
        .shares
        .iter()
        .enumerate()
        .map(|(entry, s)| ShareKeys {
            at: EntryRef { file: 1, entry },
            public_key: s.payload.public_key.as_ref().try_into().unwrap(),
            share_keys: s.share_public_keys().unwrap(),
            operator_ids: s.payload.operator_ids.clone(),
        })
        .collect();
    time("share keys' interpolation, batched", &mut || {
        assert!(interpolation::failures(&shares, SEED, &mut Default::default()).is_empty());
    });
}

/// This thread's user + system CPU time in ms, from `/proc/thread-self/stat` (Linux's 100 ticks
/// a second); `None` elsewhere.
fn thread_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command's closing parenthesis: state is the 3rd field, utime the 14th.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}
