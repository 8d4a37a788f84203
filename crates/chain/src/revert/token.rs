//! poolETH's errors (transfers, allowances), in words.

use crate::bindings::PoolETH::PoolETHErrors;

pub(super) fn explain_token(error: PoolETHErrors) -> String {
    use PoolETHErrors as E;
    match error {
        E::NoSharesMinted(e) => {
            format!(
                "{} wei is too small to buy a single share at the current rate.",
                e.amount
            )
        }
        E::EmptyPoolWithShares(_) => {
            "The pool has shares outstanding but no ether: deposits are paused.".into()
        }
        E::InsufficientShares(_) => "The balance is too low for this transfer.".into(),
        E::InsufficientAllowance(_) => "The allowance is too low.".into(),
        E::NotManager(_) => "Only the pool manager may mint poolETH.".into(),
        E::NotWithdrawalQueue(_) => {
            "Only the pool's withdrawal queue may lock or burn poolETH for a withdrawal.".into()
        }
        E::ZeroAddress(_) => "That address cannot receive poolETH.".into(),
        E::TransferToPoolContract(_) => {
            "The pool's own contracts cannot receive poolETH by transfer: it would be lost (ask for a withdrawal instead).".into()
        }
        // EIP-2612 permit (issue 17).
        E::ERC2612ExpiredSignature(_) => {
            "The signed permit has expired: sign a new one.".into()
        }
        E::ERC2612InvalidSigner(_) | E::ECDSAInvalidSignature(_) => {
            "The permit was not signed by the owner for this token on this chain (or its nonce was already used).".into()
        }
        E::ECDSAInvalidSignatureLength(_) | E::ECDSAInvalidSignatureS(_) => {
            "The permit's signature is malformed.".into()
        }
        E::InvalidAccountNonce(_) => "The permit's nonce was already used.".into(),
    }
}
