//! Why a `config.json` cannot be used: the field at fault and, typed, what is wrong with it, so
//! that callers (the app's banner, the keeper, `cargo xtask dist`) can tell the faults apart
//! while the sentence is made here alone.

/// Why a `config.json` cannot be used, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// Not JSON, a field missing or of the wrong type (the parser's message names it).
    Malformed(String),
    /// A field whose value the app cannot use.
    Invalid {
        field: &'static str,
        reason: InvalidReason,
    },
}

/// What is wrong with the value of a field (see [`ConfigError::Invalid`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidReason {
    /// `chainId` is 0.
    ZeroChainId,
    /// A name that is empty or only spaces.
    Empty,
    /// A URL that is neither `http://` nor `https://`.
    NotHttpUrl,
    /// `poolManager` is the zero address: the example configs ship it so.
    NoPoolManager,
    /// `poolEth` is the zero address.
    NoPoolEth,
    /// `poolEth` is the pool manager's own address.
    PoolEthIsManager,
    /// `wpoolEth` is present but the zero address.
    NoWrapper,
    /// `wpoolEth` is the pool manager's or poolETH's address.
    WrapperIsPoolAddress,
    /// `refreshIntervalMs` outside `REFRESH_MS_RANGE`.
    RefreshOutOfRange,
    /// `deploymentBlock` is 0 (or absent) on a chain other than the devnet.
    NoDeploymentBlock,
    /// `ssvGenesisBlock` absent and not known for the chain id.
    NoSsvGenesis,
    /// `ssvGenesisBlock` is 0 on a chain other than the devnet.
    ZeroSsvGenesis,
}

impl std::fmt::Display for InvalidReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (low, high) = (
            super::REFRESH_MS_RANGE.start(),
            super::REFRESH_MS_RANGE.end(),
        );
        match self {
            InvalidReason::ZeroChainId => f.write_str("must be the network's chain id, not 0"),
            InvalidReason::Empty => f.write_str("is empty"),
            InvalidReason::NotHttpUrl => f.write_str("must be an http:// or https:// URL"),
            InvalidReason::NoPoolManager => {
                f.write_str("is empty: put the address of this network's PoolManager deployment")
            }
            InvalidReason::NoPoolEth => f.write_str("is empty: put the PoolManager's poolETH() address"),
            InvalidReason::PoolEthIsManager => {
                f.write_str("is the pool manager's address, not its poolETH")
            }
            InvalidReason::NoWrapper => f.write_str(
                "is empty: put the wrapper's address, or leave the field out (no wrapper)",
            ),
            InvalidReason::WrapperIsPoolAddress => {
                f.write_str("is one of the pool's own addresses, not the wrapper")
            }
            InvalidReason::RefreshOutOfRange => write!(f, "must be between {low} and {high}"),
            InvalidReason::NoDeploymentBlock => f.write_str(
                "is 0: put the block the PoolManager was deployed in (every history scan starts there; from 0 it would read the whole chain)",
            ),
            InvalidReason::NoSsvGenesis => f.write_str(
                "is missing: put the block the SSV network was deployed in on this chain",
            ),
            InvalidReason::ZeroSsvGenesis => {
                f.write_str("is 0: put the block the SSV network was deployed in on this chain")
            }
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Malformed(message) => write!(f, "config.json is not valid: {message}"),
            ConfigError::Invalid { field, reason } => {
                write!(f, "config.json: \"{field}\" {reason}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}
