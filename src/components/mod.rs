//! Views. They read the state handles from context and hold no chain logic of their own.

pub mod amount;
pub mod console;
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
