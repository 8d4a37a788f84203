//! `cargo xtask <command>`: everything a developer or CI runs, in Rust.
//!
//! - `setup`: install what is missing, at pinned versions (skips what is there).
//! - `contracts`: compile the Solidity sources with the pinned solc-js into `contracts/out/`.
//! - `dev`: anvil + deployed contracts + the app served on 127.0.0.1, until Ctrl-C.
//! - `test`: every test of the project (what `.ci/run` runs).
//! - `dist`: the release build of the app in `dist/`, ready for any static host.
//! - `bench`: figures (gas, bundle size), printed.
//! - `fuzz`: long property runs over the parsers of outside input.

mod bench;
mod budget;
mod contracts;
mod dev;
mod devnet;
mod dist;
mod figures;
mod fuzz;
mod headers;
mod nginx;
mod process;
mod test;
mod tools;
mod wasm_sri;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command> [options]

commands:
  setup               install the pinned tools that are missing (npm tools, wasm target, trunk,
                      wasm-bindgen-cli; with --browser also Chromium and ChromeDriver, with
                      --server also nginx)
  contracts           compile contracts/src with the pinned solc-js into contracts/out/
  dev [--port P] [--rpc-port R]
                      start anvil (127.0.0.1:R, default 8545), deploy the pool, build the app and
                      serve it on 127.0.0.1:P (default 8080); Ctrl-C stops everything
  test [native|browser|e2e|FILE]...
                      run every test (or the named suites): core and contracts on anvil,
                      in-browser (wasm-bindgen-test), end-to-end (release build in Chromium);
                      FILE (e.g. 6-withdraw): only these end-to-end files, in name order
  dist [--config F] [--public-url P] [--strict-connect] [--no-build]
                      release build into dist/: F copied as dist/config.json, the security
                      headers (_headers, nginx-security.conf, a CSP <meta>) for its RPC; P: the
                      public URL (default ./, any host; or /sub/path/); --strict-connect: the
                      page reaches no RPC but F's; --no-build: only redo the config and headers
  bench [console | page]
                      print figures (gas, scans, bundle, page timings and memory, import checks)
                      and their summary table (docs/performance.md keeps it); `console`: the
                      bundle sizes and the console's import checks only; `page`: the bundle
                      sizes and the staker page's figures only
  fuzz [--cases N] [FAMILY]...
                      long property runs over the parsers of outside input (amounts,
                      deposit_data, keyshares, config, logs, answers, revert; all when none is
                      named): N cases per property (default 100000), optimised with overflow
                      checks";

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
            server: rest.iter().any(|a| a == "--server"),
        }),
        "contracts" => contracts::compile().map(|_| ()),
        "dev" => dev::run_command(rest),
        "test" => test::run_command(rest),
        "dist" => dist::run_command(rest),
        "bench" => bench::run_command(rest),
        "fuzz" => fuzz::run_command(rest),
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
