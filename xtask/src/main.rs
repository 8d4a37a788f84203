//! `cargo xtask <command>`: everything a developer or CI runs, in Rust.
//!
//! - `setup`: install what is missing, at pinned versions (skips what is there).
//! - `contracts`: compile the Solidity sources with the pinned solc-js into `contracts/out/`.
//! - `dev`: anvil + deployed contracts + the app served on 127.0.0.1, until Ctrl-C.
//! - `test`: every test of the project (what `.ci/run` runs).
//! - `dist`: the release build of the app in `dist/`, ready for any static host.
//! - `bench`: figures (gas, bundle size), printed.

mod bench;
mod contracts;
mod dev;
mod devnet;
mod dist;
mod process;
mod serve;
mod test;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command> [options]

commands:
  setup               install the pinned tools that are missing (npm tools, wasm target, trunk,
                      wasm-bindgen-cli; with --browser also Chromium and ChromeDriver)
  contracts           compile contracts/src with the pinned solc-js into contracts/out/
  dev [--port P] [--rpc-port R]
                      start anvil (127.0.0.1:R, default 8545), deploy the pool, build the app and
                      serve it on 127.0.0.1:P (default 8080); Ctrl-C stops everything
  test [native|browser|e2e]...
                      run every test (or the named suites): core and contracts on anvil,
                      in-browser (wasm-bindgen-test), end-to-end (release build in Chromium)
  dist [--config F]   release build into dist/ (with F copied as dist/config.json)
  bench [console]     print figures: gas of the pool's transactions, release bundle sizes, the
                      browser's; `console`: the bundle sizes and the console's import checks only";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match command {
        "setup" => tools::setup(tools::Needs {
            browser: rest.iter().any(|a| a == "--browser"),
        }),
        "contracts" => contracts::compile().map(|_| ()),
        "dev" => dev::run_command(rest),
        "test" => test::run_command(rest),
        "dist" => dist::run_command(rest),
        "bench" => bench::run_command(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask {command}: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Value of `--name VALUE` among `args`.
fn flag_value<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}
