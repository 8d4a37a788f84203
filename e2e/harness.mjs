// Shared set-up of the end-to-end tests: Debian's Chromium driven by playwright-core (from the
// project's pinned npm tools), pages with the test wallet injected, and a JSON-RPC helper.
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';

const require = createRequire(new URL('../tools/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export const APP_URL = mustEnv('APP_URL');
export const RPC_URL = mustEnv('RPC_URL');
export const SCREENSHOTS = process.env.SCREENSHOTS || new URL('./screenshots', import.meta.url).pathname;
const walletSource = readFileSync(new URL('./injected-wallet.js', import.meta.url), 'utf8');

function mustEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through \`cargo xtask test\``);
  return value;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser context (its own storage) with the given test wallets injected; `routes`:
 * [pattern, handler] pairs of Playwright's `context.route`; `prepare(context, page)` runs before
 * the first navigation (listeners that must see the first load). */
export async function openApp(browser, wallets, { colorScheme = 'light', viewport, countRpc = false, routes = [], prepare } = {}) {
  const context = await browser.newContext({ colorScheme, viewport });
  // Requests answered by the test (a config.json of its own), set before the first load.
  for (const [pattern, handler] of routes) await context.route(pattern, handler);
  if (countRpc) await context.addInitScript(COUNT_RPC);
  for (const wallet of wallets) {
    await context.addInitScript(`(${walletSource.trim().replace(/;$/, '')})(${JSON.stringify({ rpcUrl: RPC_URL, ...wallet })});`);
  }
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (prepare) await prepare(context, page);
  await page.goto(APP_URL);
  return { context, page, errors };
}

export async function rpc(method, params = []) {
  const response = await fetch(RPC_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Counts the page's JSON-RPC traffic: HTTP requests to the RPC and requests to any wallet. */
export const COUNT_RPC = `(() => {
  window.__rpcRequests = 0;
  const original = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    if (url.startsWith(${JSON.stringify(RPC_URL)}) && !(init && init.__fromWallet)) window.__rpcRequests += 1;
    return original.apply(this, arguments);
  };
})();`;

const artifacts = new URL('../contracts/out/', import.meta.url);
/** The 4-byte selector of `signature` from the compiled artifact of `contract`. */
export function selector(contract, signature) {
  const artifact = JSON.parse(readFileSync(new URL(`${contract}.json`, artifacts), 'utf8'));
  const id = artifact.methodIdentifiers[signature];
  if (!id) throw new Error(`${contract} has no ${signature}`);
  return '0x' + id;
}
/** ABI encoding of unsigned integers (each a 32-byte word). */
export const words = (...values) => values.map((v) => BigInt(v).toString(16).padStart(64, '0')).join('');

/** Sends a transaction from anvil's account #0 (admin, operator, oracle of the devnet pool). */
export async function sendAsOperator(to, data) {
  const [operator] = await rpc('eth_accounts');
  // An explicit gas limit under EIP-7825's cap: without one, anvil (Osaka, with the cap on)
  // fills in the block gas limit when its estimate of the pending block fails, and refuses it.
  return waitForReceipt(await rpc('eth_sendTransaction', [{ from: operator, to, data, gas: '0x4c4b40' }]));
}

/** The receipt of `hash`, which must have succeeded. */
async function waitForReceipt(hash) {
  // anvil mines at once, but may answer before the receipt is queryable.
  for (let tries = 0; tries < 100; tries++) {
    const receipt = await rpc('eth_getTransactionReceipt', [hash]);
    if (receipt) {
      if (receipt.status !== '0x1') throw new Error(`transaction ${hash} reverted`);
      return receipt;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`transaction ${hash} was never mined`);
}

/**
 * Rewards of `deltaWei` reaching stakers as they do on a real network, within the pool's real
 * bounds: execution-layer rewards paid to the pool's rewards vault, then an oracle report (same
 * beacon figures) at least a day after the last one, and late enough for the annual bound to let
 * the whole amount in.
 */
export async function rebase(config, deltaWei) {
  const call = async (signature) => BigInt(await rpc('eth_call', [{ to: config.poolManager, data: selector('PoolManager', signature) }, 'latest']));
  const accounts = await rpc('eth_accounts');
  const vault = '0x' + (await call('rewardsVault()')).toString(16).padStart(40, '0');
  await waitForReceipt(await rpc('eth_sendTransaction', [{ from: accounts[9], to: vault, value: '0x' + BigInt(deltaWei).toString(16) }]));
  const [validators, balance, withdrawals, total, apr, lastAt] = await Promise.all(
    ['beaconValidators()', 'beaconBalance()', 'withdrawalsCredited()', 'totalPooledEther()', 'maxAprBps()', 'lastReportAt()'].map(call));
  const base = total > 32n * 10n ** 18n ? total : 32n * 10n ** 18n;
  const year = 365n * 86400n;
  const needed = (BigInt(deltaWei) * 10000n * year + base * apr - 1n) / (base * apr) + 1n;
  const latest = await rpc('eth_getBlockByNumber', ['latest', false]);
  const day = 86400n;
  let at = lastAt + (needed > day ? needed : day);
  if (at <= BigInt(latest.timestamp)) at = BigInt(latest.timestamp) + day;
  await rpc('evm_setNextBlockTimestamp', [Number(at)]);
  await sendAsOperator(config.poolManager,
    selector('PoolManager', 'reportBeacon(uint64,uint64,uint128,uint128)') + words(at, validators, balance, withdrawals));
}

export async function balanceOf(config, account) {
  const data = selector('PoolETH', 'balanceOf(address)') + account.slice(2).toLowerCase().padStart(64, '0');
  return BigInt(await rpc('eth_call', [{ to: config.poolEth, data }, 'latest']));
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** Text of an element, waiting until it matches `pattern`. */
export async function waitForText(page, selector, pattern, timeout = 15000) {
  const locator = page.locator(selector);
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.textContent().catch(() => '')) ?? '';
    if (pattern.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`${selector} never matched ${pattern}; last text: "${text}"`);
}

/** The devnet ceremony's files (CEREMONY_DIR): `registered` are in the pool's registry at start,
 * `next` are a second ceremony of 4 validators for the next owner nonces, not registered. */
export function ceremonyFiles(which) {
  const dir = process.env.CEREMONY_DIR;
  if (!dir) throw new Error('CEREMONY_DIR is not set: run the end-to-end tests through `cargo xtask test`');
  const base = which === 'next' ? `${dir}/next` : dir;
  return {
    depositData: readFileSync(`${base}/deposit_data.json`, 'utf8'),
    keyShares: readFileSync(`${base}/keyshares.json`, 'utf8'),
  };
}

/** What the holder of each registered ceremony key would sign to front-run it: 1 ETH to the
 * credentials of anvil's account #8, signed by the key (`pool-devnet` writes them). */
export function frontRunDeposits() {
  return JSON.parse(readFileSync(`${process.env.CEREMONY_DIR}/front-run.json`, 'utf8'));
}

const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const hex = (text) => Buffer.from(text.replace(/^0x/, ''), 'hex');

/** SSZ hash_tree_root of DepositData{pubkey, credentials, amount (gwei), signature}: what the
 * deposit contract recomputes (written out for the fixed shapes, as the core's deposit.rs). */
export function depositDataRoot(pubkey, credentials, amountGwei, signature) {
  const pk = hex(pubkey), sig = hex(signature);
  const pubkeyRoot = sha256(pk, Buffer.alloc(16));
  const signatureRoot = sha256(sha256(sig.subarray(0, 64)), sha256(sig.subarray(64), Buffer.alloc(32)));
  const amount = Buffer.alloc(32);
  amount.writeBigUInt64LE(BigInt(amountGwei));
  return '0x' + sha256(sha256(pubkeyRoot, hex(credentials)), sha256(amount, signatureRoot)).toString('hex');
}

/** A beacon deposit of `amountGwei` for `pubkey` to `credentials`, sent by `from` straight to the
 * deposit contract the pool uses (what a ceremony key holder front-running the pool does). */
export async function depositOnTheSide(config, from, pubkey, credentials, amountGwei, signature = '0x' + '11'.repeat(96)) {
  const word = (v) => BigInt(v).toString(16).padStart(64, '0');
  const bytes = (h) => {
    const raw = h.replace(/^0x/, '');
    return word(raw.length / 2) + raw.padEnd(Math.ceil(raw.length / 64) * 64, '0');
  };
  const root = depositDataRoot(pubkey, credentials, amountGwei, signature);
  const args = [pubkey, credentials, signature];
  let offset = 4 * 32;
  let head = '', tail = '';
  for (const arg of args) {
    head += word(offset);
    const encoded = bytes(arg);
    tail += encoded;
    offset += encoded.length / 2;
  }
  head += root.slice(2);
  const contract = '0x' + (await rpc('eth_call', [{ to: config.poolManager, data: selector('PoolManager', 'depositContract()') }, 'latest'])).slice(-40);
  const data = '0x22895118' + head + tail; // deposit(bytes,bytes,bytes,bytes32)
  const value = '0x' + (BigInt(amountGwei) * 10n ** 9n).toString(16);
  return waitForReceipt(await rpc('eth_sendTransaction', [{ from, to: contract, data, value }]));
}

/** `from` stakes `wei` in the pool (a plain deposit() call). */
export async function stake(config, from, wei) {
  return waitForReceipt(await rpc('eth_sendTransaction', [{ from, to: config.poolManager, data: selector('PoolManager', 'deposit()'), value: '0x' + BigInt(wei).toString(16) }]));
}

/** A uint256 view of the pool manager. */
export async function poolFigure(config, signature) {
  return BigInt(await rpc('eth_call', [{ to: config.poolManager, data: selector('PoolManager', signature) }, 'latest']));
}

/** An account of its own for a test: a new address that anvil signs for (impersonated), with
 * 100 ETH, so that no test's figures depend on another's. */
export async function freshAccount() {
  const address = '0x' + createHash('sha256').update(`${process.pid}:${Date.now()}:${Math.random()}`).digest('hex').slice(0, 40);
  await rpc('anvil_impersonateAccount', [address]);
  await rpc('anvil_setBalance', [address, '0x' + (100n * 10n ** 18n).toString(16)]);
  return address;
}
