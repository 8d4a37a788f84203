//! The bindings are generated from the artifacts that `cargo xtask contracts` compiles from
//! `contracts/src`; rebuild them whenever those artifacts change.

fn main() {
    for name in [
        "PoolManager",
        "PoolETH",
        "WpoolETH",
        "DevnetDepositContract",
        "DevnetSSVNetworkV2",
        "DevnetSSVNetworkViews",
    ] {
        let path = format!("../../contracts/out/{name}.json");
        println!("cargo:rerun-if-changed={path}");
        if !std::path::Path::new(&path).exists() {
            panic!(
                "contracts/out/{name}.json is missing: run `cargo xtask contracts` (or any \
                 `cargo xtask` command) to compile the Solidity sources first"
            );
        }
    }
}
