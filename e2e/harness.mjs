// Shared set-up of the end-to-end tests: Debian's Chromium driven by playwright-core (from the
// project's pinned npm tools), pages with the test wallet injected, and a JSON-RPC helper.
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync } from 'node:fs';

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

/** A fresh browser context (its own storage) with the given test wallets injected. */
export async function openApp(browser, wallets, { colorScheme = 'light', viewport } = {}) {
  const context = await browser.newContext({ colorScheme, viewport });
  for (const wallet of wallets) {
    await context.addInitScript(`(${walletSource.trim().replace(/;$/, '')})(${JSON.stringify({ rpcUrl: RPC_URL, ...wallet })});`);
  }
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
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
