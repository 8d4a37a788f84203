use std::fmt;

use alloy_transport::TransportError;

/// What went wrong talking to the chain, with the transport's own error kept as the cause (a
/// wallet's EIP-1193 code, an HTTP status, a node's JSON-RPC error), so callers can react to it.
#[derive(Debug)]
pub enum ChainError {
    /// The request did not get an answer, or the node answered with an error.
    Rpc(TransportError),
    /// An answer came back that does not decode as the contract's ABI says.
    Decode {
        what: &'static str,
        cause: DecodeCause,
    },
}

/// Why an answer (or the request for it) could not be used, kept typed so that a caller can
/// tell a node's garbage from a figure out of range; [`ChainError`]'s Display puts it in words.
#[derive(Debug)]
pub enum DecodeCause {
    /// The bytes are not what the ABI says (too short, a bad offset, a value out of range).
    Abi(alloy_sol_types::Error),
    /// The request itself could not be put into a batch (its parameters did not serialise).
    Request(TransportError),
    /// `StakerView`'s words do not have the layout the reads expect.
    Reads(crate::reads::DecodeError),
    /// A figure the contracts keep in a uint256 that does not fit the u64 it stands for.
    TooLarge(alloy_primitives::ruint::FromUintError<u64>),
    /// The node does not know the block the other answers were read at.
    UnknownBlock(u64),
    /// An exit queue record whose state is none of the queue's (`exitOf` of entry `entry`).
    UnknownExitState { state: u8, entry: u64 },
    /// `get_deposit_count()` answered bytes of this length, not the 8 of a little-endian u64.
    CountWidth(usize),
}

impl fmt::Display for DecodeCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeCause::Abi(e) => write!(f, "{e}"),
            DecodeCause::Request(e) => write!(f, "{e}"),
            DecodeCause::Reads(e) => write!(f, "{e}"),
            DecodeCause::TooLarge(e) => write!(f, "{e}"),
            DecodeCause::UnknownBlock(block) => {
                write!(f, "block {block} is not known to the node")
            }
            DecodeCause::UnknownExitState { state, entry } => {
                write!(f, "exit state {state} of entry {entry}")
            }
            DecodeCause::CountWidth(len) => write!(f, "{len} bytes, not 8"),
        }
    }
}

impl std::error::Error for DecodeCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeCause::Abi(e) => Some(e),
            DecodeCause::Request(e) => Some(e),
            DecodeCause::Reads(e) => Some(e),
            DecodeCause::TooLarge(e) => Some(e),
            DecodeCause::UnknownBlock(_)
            | DecodeCause::UnknownExitState { .. }
            | DecodeCause::CountWidth(_) => None,
        }
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::Rpc(e) => match e {
                alloy_json_rpc::RpcError::ErrorResp(payload) => {
                    write!(f, "The node refused the request: {}.", payload.message)
                }
                alloy_json_rpc::RpcError::Transport(kind) => {
                    write!(f, "The node could not be reached ({kind}).")
                }
                other => write!(f, "The node's answer could not be used ({other})."),
            },
            ChainError::Decode { what, cause } => {
                write!(f, "The node's answer for {what} does not decode ({cause}).")
            }
        }
    }
}

impl std::error::Error for ChainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ChainError::Rpc(e) => Some(e),
            ChainError::Decode { cause, .. } => Some(cause),
        }
    }
}

impl From<TransportError> for ChainError {
    fn from(error: TransportError) -> Self {
        ChainError::Rpc(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deposit count of the wrong width keeps its length typed, and reads as the sentence the
    /// keeper logs; an ABI failure keeps the decoder's error as its source.
    #[test]
    fn a_decode_failure_keeps_its_cause() {
        use alloy_sol_types::SolValue;
        let three = alloy_primitives::Bytes::from(vec![1u8, 2, 3]).abi_encode();
        let error = super::super::deposits::decode_count(&three).unwrap_err();
        assert!(matches!(
            error,
            ChainError::Decode {
                what: "get_deposit_count",
                cause: DecodeCause::CountWidth(3)
            }
        ));
        assert_eq!(
            error.to_string(),
            "The node's answer for get_deposit_count does not decode (3 bytes, not 8)."
        );
        let garbage = super::super::deposits::decode_count(&[0xff; 5]).unwrap_err();
        assert!(matches!(
            garbage,
            ChainError::Decode {
                cause: DecodeCause::Abi(_),
                ..
            }
        ));
        let source = std::error::Error::source(&garbage).expect("the cause is the source");
        assert!(source.downcast_ref::<DecodeCause>().is_some());
    }
}
