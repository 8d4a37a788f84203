// The release build as it is deployed: `cargo xtask test` serves it with nginx under a sub-path
// (APP_URL ends in /pool/), with the security headers `cargo xtask dist` wrote for the devnet's
// config (nginx-security.conf). The headers hold what the README's "Deploy" says; the SRI
// hashes match the served files; a deposit works, a reload on /pool/admin loads the console's
// module; nothing breaks the policy and nothing is requested from a host other than the app's
// and the configured RPC's. Runs after the other files, on the same devnet, with its own account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { launch, openApp, rpc, waitForText, APP_URL, RPC_URL } from './harness.mjs';

const WALLET = { name: 'Test Wallet', rdns: 'org.example.testwallet' };
// A fresh account of this file's own (anvil impersonates it and funds it below).
const ACCOUNT = '0x00000000000000000000000000000000de9107ed';
let browser;
let config;

before(async () => {
  browser = await launch();
  config = await (await fetch(new URL('config.json', APP_URL))).json();
  await rpc('anvil_impersonateAccount', [ACCOUNT]);
  await rpc('anvil_setBalance', [ACCOUNT, '0x' + (10n ** 19n).toString(16)]);
});
after(async () => browser?.close());

const directives = (policy) => Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
const inlineScripts = (html) => [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const digest = (algorithm, data) => createHash(algorithm).update(data).digest('base64');

test('under a sub-path with its headers: CSP with every inline script hashed, SRI matching the files (the wasm too), route copies, 404', async () => {
  const app = new URL(APP_URL);
  assert.notEqual(app.pathname, '/', 'the tests serve the app under a sub-path');
  const response = await fetch(APP_URL);
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  const header = response.headers.get('content-security-policy');
  assert.ok(header, 'a Content-Security-Policy header');
  const csp = directives(header);
  assert.deepEqual(csp['frame-ancestors'], ["'none'"]);
  assert.deepEqual(csp['object-src'], ["'none'"]);
  assert.deepEqual(csp['base-uri'], ["'self'"]);
  assert.deepEqual(csp['worker-src'], ["'self'"]);
  assert.deepEqual(csp['default-src'], ["'none'"]);
  // Exactly the site, wasm compilation and the inline scripts the page has (no 'unsafe-inline').
  const scripts = inlineScripts(html);
  assert.ok(scripts.length > 0, "Trunk's loader is inline");
  assert.deepEqual(csp['script-src'], ["'self'", "'wasm-unsafe-eval'", ...scripts.map((s) => `'sha256-${digest('sha256', s)}'`)]);
  // The policy that ships: the configured RPC, and for a staker's own RPC only TLS endpoints or a
  // node on loopback (`cargo xtask dist --strict-connect` leaves the configured one alone).
  assert.deepEqual(csp['connect-src'], ["'self'", new URL(config.rpcUrl).origin, 'https:', 'wss:', 'http://127.0.0.1:*', 'http://localhost:*']);
  // The same policy in the page for hosts without headers, less what a <meta> cannot carry.
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
  assert.ok(meta, 'a CSP <meta>');
  assert.equal(meta[1] + "; frame-ancestors 'none'", header);
  assert.ok(html.indexOf(meta[0]) < html.indexOf('<script'), 'the <meta> precedes every script');

  // Every file the page names with an integrity hash is served with that hash.
  const integrity = [...html.matchAll(/href=("?)([^"\s>]+)\1[^>]*?integrity=("?)(sha384-[^"\s>]+)\3/g)];
  assert.ok(integrity.length >= 4, `SRI on the page's files (${integrity.length})`);
  for (const [, , href, , expected] of integrity) {
    const file = await fetch(new URL(href, APP_URL));
    assert.equal(file.status, 200, href);
    assert.equal(`sha384-${digest('sha384', Buffer.from(await file.arrayBuffer()))}`, expected, href);
  }
  // The wasm too: Chromium ignores integrity on its preload, so the loader fetches it with the
  // hash (xtask/src/wasm_sri.rs), and the browser refuses other bytes.
  const loader = html.match(/module_or_path: fetch\('([^']+_bg\.wasm)', \{ integrity: '(sha384-[^']+)' \}\)/);
  assert.ok(loader, "Trunk's loader fetches the wasm with its integrity hash");
  const wasm = await fetch(new URL(loader[1], APP_URL));
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(`sha384-${digest('sha384', Buffer.from(await wasm.arrayBuffer()))}`, loader[2]);

  // /pool/admin is a folder with its own copy of the page (a reload works without a fallback).
  const admin = await fetch(new URL('admin', APP_URL), { redirect: 'manual' });
  assert.equal(admin.status, 301);
  assert.equal(admin.headers.get('location'), `${app.pathname}admin/`);
  const adminPage = await fetch(new URL('admin/', APP_URL));
  assert.equal(adminPage.headers.get('content-security-policy'), header);
  assert.match(await adminPage.text(), /<base href=\.\.\/>/);
  // An unknown path: 404.html, with the headers.
  const missing = await fetch(new URL('no-such-page', APP_URL));
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-security-policy'), header);
});

test('deposit, then a reload on /pool/admin loads the console: no CSP violation, no other host', async () => {
  const allowed = new Set([new URL(APP_URL).origin, new URL(RPC_URL).origin]);
  const requests = [];
  const problems = [];
  const { context, page, errors } = await openApp(browser, [{ ...WALLET, account: ACCOUNT }], {
    prepare: async (context, page) => {
      context.on('request', (request) => requests.push(request.url()));
      // The page's violations (the event) and the browser's own reports (console errors:
      // blocked loads, integrity failures, files the sub-path could not find).
      await context.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`)));
      page.on('console', (message) => {
        if (message.type() === 'error' && /CSP violation|Content Security Policy|Refused to|integrity|Failed to load resource/i.test(message.text())) {
          problems.push(message.text());
        }
      });
    },
  });

  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.getByRole('button', { name: WALLET.name }).click();
  await page.locator('[data-testid=account]').waitFor();
  await page.fill('[data-testid=deposit-amount]', '1');
  await page.click('[data-testid=deposit-submit]');
  await page.locator('[data-testid=tx-status] [data-state=mined]').waitFor({ timeout: 30000 });
  const data = '0x70a08231' + ACCOUNT.slice(2).toLowerCase().padStart(64, '0');
  const onChain = BigInt(await rpc('eth_call', [{ to: config.poolEth, data }, 'latest']));
  assert.ok(onChain > 0n, 'the deposit minted poolETH');
  const exact = `${onChain / 10n ** 18n}${onChain % 10n ** 18n ? '.' + (onChain % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '') : ''} poolETH`;
  await page.waitForFunction((exact) => document.querySelector('[data-testid=pooleth-balance] .amount')?.title === exact, exact);

  // A reload on the console's route: the host redirects to the folder, whose page loads the
  // console's module and styles from the app's folder.
  await page.goto(new URL('admin', APP_URL).href);
  await page.reload();
  assert.equal(new URL(page.url()).pathname, `${new URL(APP_URL).pathname}admin/`);
  await page.locator('#console-root .wallet-bar').waitFor({ timeout: 30000 });
  const consoleFiles = requests.filter((url) => /ssv-pool-console(_bg\.wasm|\.js|\.css)$/.test(url));
  for (const name of ['ssv-pool-console.js', 'ssv-pool-console_bg.wasm', 'ssv-pool-console.css']) {
    assert.ok(consoleFiles.includes(new URL(name, APP_URL).href), `${name} from the app's folder: ${consoleFiles}`);
  }

  const foreign = requests.filter((url) => !url.startsWith('data:') && !allowed.has(new URL(url).origin));
  assert.deepEqual(foreign, [], 'requests only to the app and the configured RPC');
  assert.deepEqual(problems, [], 'no CSP violation, no blocked or missing file');
  assert.deepEqual(errors, []);

  // An unknown page under the sub-path (its own 404 is the one expected console error): the app
  // starts from 404.html and says so.
  await page.goto(new URL('no-such-page', APP_URL).href);
  await waitForText(page, 'main', /This page does not exist\./);
  assert.deepEqual(problems.filter((p) => !/status of 404/.test(p)), []);
  await context.close();
});
