// End to end, what the staker's page does when what it depends on fails: a config.json that
// cannot be used, an RPC that is down (at load and mid-session), answers garbage, stalls or
// serves another chain, and the staker's own RPC setting. The faults come from a JSON-RPC
// node the test controls (the project's test node, driven through node-control.mjs), in front of the devnet's anvil.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, freshAccount, stake, waitForText, APP_URL, RPC_URL } from './harness.mjs';
import { startTestNode } from './node-control.mjs';

let browser;
let config;
let proxy;

before(async () => {
  browser = await launch();
  config = await (await fetch(new URL('config.json', APP_URL))).json();
  proxy = await startTestNode(RPC_URL);
});
after(async () => {
  await browser?.close();
  await proxy?.stop();
});
// A failed test's page must not keep polling the proxy into the next test's counts.
const opened = [];
afterEach(async () => {
  for (const context of opened.splice(0)) await context.close().catch(() => {});
});
const open = async (...args) => {
  const app = await openApp(browser, ...args);
  opened.push(app.context);
  return app;
};

const ALERT = '.stats [role=alert]';
const POOLED = '[data-testid=total-pooled]';

/** The app served with `edit(config)` as its config.json (the rest of the site unchanged). */
async function openWithConfig(edit, wallets = []) {
  const served = typeof edit === 'function' ? JSON.stringify(edit({ ...config })) : edit;
  return open(wallets, {
    routes: [['**/config.json', (route) => route.fulfill({ contentType: 'application/json', body: served })]],
  });
}

/** Figures shown once the RPC answers: the total, to the wei in its tooltip. */
const exactPooled = (page) => page.getAttribute(`${POOLED} .amount`, 'title');

test('a config.json the app cannot use is named on an error page, without a panic', async () => {
  for (const [served, said] of [
    [(c) => ({ ...c, chainId: 0 }), /config\.json: "chainId" must be the network's chain id, not 0/],
    [(c) => ({ ...c, rpcUrl: 'ws://127.0.0.1:1' }), /config\.json: "rpcUrl" must be an http:\/\/ or https:\/\/ URL/],
    [(c) => { delete c.poolManager; return c; }, /config\.json is not valid: missing field `poolManager`/],
    ['{"chainId": 31337,', /config\.json is not valid: EOF while parsing/],
  ]) {
    const { context, page, errors } = await openWithConfig(served);
    await waitForText(page, '[role=alert]', said);
    assert.equal(await page.locator(POOLED).count(), 0, 'no page is drawn from a bad config');
    assert.deepEqual(errors, [], 'no panic');
    await context.close();
  }
});

test('an RPC down at load, then mid-session: said plainly, the figures stay, and it recovers by itself', async () => {
  await proxy.set('down');
  const { context, page, errors } = await openWithConfig((c) => ({ ...c, rpcUrl: proxy.url }));
  await waitForText(page, ALERT, new RegExp(`could not reach the RPC at ${proxy.url}`));
  assert.equal(await page.textContent(POOLED), '…', 'no figures without an answer');

  await proxy.set('forward');
  await waitForText(page, POOLED, /\d ETH$/);
  await page.locator(ALERT).waitFor({ state: 'detached' });
  const shown = await exactPooled(page);

  await proxy.set('down');
  await waitForText(page, ALERT, /could not reach the RPC/);
  // Staked meanwhile, by someone else: the page learns of it once the RPC is back.
  await stake(config, await freshAccount(), 10n ** 17n);
  assert.equal(await exactPooled(page), shown, 'the last figures stay on screen');

  await proxy.set('forward');
  await page.locator(ALERT).waitFor({ state: 'detached' });
  await page.waitForFunction(([selector, before]) =>
    document.querySelector(selector)?.getAttribute('title') !== before, [`${POOLED} .amount`, shown]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an RPC answering garbage or stalling: a sentence, the last figures, a page that still responds', async () => {
  await proxy.set('forward');
  const { context, page, errors } = await openWithConfig((c) => ({ ...c, rpcUrl: proxy.url }));
  await waitForText(page, POOLED, /\d ETH$/);
  const shown = await exactPooled(page);

  await proxy.set('garbage');
  await waitForText(page, ALERT, /The network sent an answer this app does not understand/);
  assert.equal(await exactPooled(page), shown);
  await proxy.set('forward');
  await page.locator(ALERT).waitFor({ state: 'detached' });

  await proxy.set('stall');
  // While requests hang, the page still answers the user at once.
  await page.fill('[data-testid=deposit-amount]', 'abc');
  await waitForText(page, '#deposit-help', /plain number/, 2000);
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await waitForText(page, '.popover', /No browser wallet found/, 2000);
  // The stalled read gives up with a sentence (the read deadline is 15 s).
  await waitForText(page, ALERT, /The RPC did not answer within 15 seconds/, 40000);
  assert.equal(await exactPooled(page), shown, 'the last figures stay on screen');
  // ...and the browser aborts it, so that hung requests do not take every connection.
  await waitUntil(async () => (await proxy.abandoned()) > 0, 'the page aborted its stalled request');

  await proxy.set('forward');
  await page.locator(ALERT).waitFor({ state: 'detached', timeout: 40000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an RPC on another chain is not read from, and is used once it serves the pool\'s chain', async () => {
  await proxy.set('wrong-chain');
  await proxy.clearSeen();
  const { context, page, errors } = await openWithConfig((c) => ({ ...c, rpcUrl: proxy.url }));
  await waitForText(page, ALERT, new RegExp(`The RPC at ${proxy.url} serves chain 1, not this pool's chain 31337: it is not used`));
  assert.equal(await page.textContent(POOLED), '…');
  const seen = await proxy.seen();
  assert.ok(!seen.includes('eth_call') && !seen.includes('eth_getLogs'), `only its chain id was asked: ${seen}`);

  await proxy.set('forward');
  await waitForText(page, POOLED, /\d ETH$/);
  await page.locator(ALERT).waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the staker\'s own RPC: checked for the chain before use, remembered, resettable; no other host is contacted', async () => {
  await proxy.set('forward');
  const { context, page, errors } = await open([]);
  const hosts = new Set();
  page.on('request', (request) => hosts.add(new URL(request.url()).origin));
  await waitForText(page, POOLED, /\d ETH$/);
  const shown = await exactPooled(page);
  const SETTING = '[data-testid=rpc-status]';
  const through = (url, whose) => new RegExp(`^The page reads the chain through ${url}, ${whose}\\.$`);
  await page.locator('[data-testid=rpc-setting] summary').click();
  await waitForText(page, SETTING, through(RPC_URL, "the site's"));
  const use = async (url) => {
    await page.fill('[data-testid=rpc-url]', url);
    await page.click('[data-testid=rpc-use]');
  };

  await use('ftp://127.0.0.1:1');
  await waitForText(page, SETTING, /^Enter an http:\/\/ or https:\/\/ URL\.$/);
  await use('http://127.0.0.1:9');
  await waitForText(page, SETTING, /^The page could not reach the RPC at http:\/\/127\.0\.0\.1:9 \(.*\)\. Check your connection; nothing was sent\.$/);
  await proxy.set('wrong-chain');
  await proxy.clearSeen();
  await use(proxy.url);
  await waitForText(page, SETTING, new RegExp(`The RPC at ${proxy.url} serves chain 1, not this pool's chain 31337: it is not used`));
  assert.deepEqual(await proxy.seen(), ['eth_chainId'], 'a refused RPC is asked its chain id, nothing else');
  assert.equal(await exactPooled(page), shown, 'nothing on screen is lost');

  await proxy.set('forward');
  await use(proxy.url);
  await waitForText(page, SETTING, through(proxy.url, 'yours'));
  const calls = async () => (await proxy.seen()).filter((m) => m === 'eth_call').length;
  const before = await calls();
  await waitUntil(async () => (await calls()) > before, 'the page reads through the staker\'s RPC');
  await waitForText(page, POOLED, /\d ETH$/);

  // Remembered across a reload, and checked again before use.
  await proxy.clearSeen();
  await page.reload();
  await waitForText(page, POOLED, /\d ETH$/);
  await waitUntil(async () => (await proxy.seen()).includes('eth_call'), 'the reloaded page reads through it');
  assert.equal((await proxy.seen())[0], 'eth_chainId', 'checked before any read');
  await page.locator('[data-testid=rpc-setting] summary').click();
  await waitForText(page, SETTING, through(proxy.url, 'yours'));

  // The operator console on the same site reads through it too: nothing goes to the site's RPC.
  const toSite = [];
  const onRequest = (request) => { if (request.url().startsWith(RPC_URL)) toSite.push(request.url()); };
  page.on('request', onRequest);
  await page.goto(new URL('admin', APP_URL).href);
  await waitForText(page, '[data-testid=console-runway]', /days/, 60000);
  page.off('request', onRequest);
  assert.deepEqual(toSite, [], 'the console reads through the staker\'s RPC');
  await page.goto(APP_URL);
  await page.locator('[data-testid=rpc-setting] summary').click();
  await waitForText(page, SETTING, through(proxy.url, 'yours'));

  // Back to the site's RPC: the stored URL is forgotten.
  await page.click('[data-testid=rpc-reset]');
  await waitForText(page, SETTING, through(RPC_URL, "the site's"));
  assert.equal(await page.evaluate(() => localStorage.getItem('ssv-pool.rpc')), null);
  const allowed = new Set([new URL(APP_URL).origin, new URL(RPC_URL).origin, proxy.url, 'http://127.0.0.1:9']);
  assert.deepEqual([...hosts].filter((h) => !allowed.has(h)), [], 'no other host');
  assert.deepEqual(errors, []);
  await context.close();
});

async function waitUntil(condition, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
