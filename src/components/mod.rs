//! Views. They read the state handles from context, call their methods, and put what they hold
//! into words; they do no I/O and hold no rules of their own (`tests/layering.rs`).

pub mod amount;
pub mod console;
pub mod errors;
pub mod network_banner;
pub mod pool_stats;
pub mod position;
pub mod rebase_chart;
pub mod requests;
pub mod rpc_setting;
pub mod stake_form;
pub mod tx_status;
pub mod wallet_bar;
pub mod withdraw_form;
pub mod wrap_form;
