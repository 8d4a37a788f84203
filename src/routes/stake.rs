//! The staker's page: pool figures, the account's poolETH, the deposit form, withdrawals and
//! the account's requests, wpoolETH (when the network has the wrapper).

use leptos::prelude::*;

use crate::components::{
    network_banner::NetworkBanner, pool_stats::PoolStats, position::Position, requests::Requests,
    rpc_setting::RpcSetting, stake_form::StakeForm, withdraw_form::WithdrawForm,
    wrap_form::WrapForm,
};

#[component]
pub fn StakePage() -> impl IntoView {
    view! {
        <NetworkBanner/>
        <section class="grid">
            <div class="card">
                <h1>"Stake ETH, receive poolETH"</h1>
                <Position/>
                <StakeForm/>
            </div>
            <PoolStats/>
            <div class="card">
                <WithdrawForm/>
                <Requests/>
            </div>
            <WrapForm/>
        </section>
        <RpcSetting/>
    }
}
