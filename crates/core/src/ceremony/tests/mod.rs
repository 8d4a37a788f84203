//! The import checks, rule by rule: a good ceremony passes on mainnet and Hoodi, and each bad
//! variant is refused for its own reason and yields no registry entry.

mod deposits;
mod import;
mod key_shares;
mod reference;
mod timing;
