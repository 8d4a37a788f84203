// End to end, the staker's page beyond the first deposit: several wallets, Max, rebases seen
// live, a reverted deposit explained, refresh traffic, and screenshots in both themes and sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, rebase, balanceOf, rpc, screenshot, selector, waitForText } from './harness.mjs';

const ALPHA = { name: 'Alpha Wallet', rdns: 'org.example.alpha', account: '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc' };
const BETA = { name: 'Beta Wallet', rdns: 'org.example.beta', account: '0x976EA74026E726554dB657fA54763abd0C3a0aa9' };
const WATCHER = { name: 'Test Wallet', rdns: 'org.example.testwallet', account: '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955' };
let browser;
let config;

before(async () => {
  browser = await launch();
  config = await (await fetch(new URL('config.json', process.env.APP_URL))).json();
});
after(async () => browser?.close());

async function connect(page, name) {
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.getByRole('button', { name }).click();
  await page.locator('[data-testid=account]').waitFor();
}

test('two wallets announced through EIP-6963: the chosen one is used', async () => {
  const { context, page } = await openApp(browser, [ALPHA, BETA]);
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.getByRole('button', { name: 'Alpha Wallet' }).waitFor();
  assert.equal(await page.locator('.wallets img').count(), 2, 'each wallet shows its icon');
  await page.getByRole('button', { name: 'Beta Wallet' }).click();
  await waitForText(page, '[data-testid=account]', /^0x976E…0aa9$/);
  await page.fill('[data-testid=deposit-amount]', '0.25');
  await page.click('[data-testid=deposit-submit]');
  await page.locator('[data-testid=tx-status] [data-state=mined]').waitFor({ timeout: 30000 });
  const calls = await page.evaluate(() => ({
    alpha: window.__testWallets['org.example.alpha'].calls,
    beta: window.__testWallets['org.example.beta'].calls,
  }));
  assert.ok(calls.beta.includes('eth_sendTransaction'), 'Beta sent the deposit');
  assert.ok(!calls.alpha.includes('eth_requestAccounts') && !calls.alpha.includes('eth_sendTransaction'), 'Alpha was never asked');
  assert.equal(await balanceOf(config, BETA.account), 250_000_000_000_000_000n);
  await context.close();
});

test('Max leaves a gas reserve; a rebase moves the balance live; a reverted deposit says why', async () => {
  const { context, page } = await openApp(browser, [WATCHER]);
  await connect(page, WATCHER.name);
  await page.click('[data-testid=max]');
  await waitForText(page, '#deposit-help', /Max keeps [0-9.]+ ETH for the network fee/);
  const max = Number(await page.inputValue('[data-testid=deposit-amount]'));
  assert.ok(max > 9_999 && max < 10_000, `Max is the balance less a reserve (${max})`);

  await page.fill('[data-testid=deposit-amount]', '2');
  await page.click('[data-testid=deposit-submit]');
  await page.locator('[data-testid=tx-status] [data-state=mined]').waitFor({ timeout: 30000 });
  await waitForText(page, '[data-testid=pooleth-balance]', /^2 poolETH$/);
  await waitForText(page, '[data-testid=tx-status]', /confirmation/);

  // The oracle reports rewards: the balance follows without a reload, to the wei.
  const total = BigInt(await rpc('eth_call', [{ to: config.poolManager, data: selector('PoolManager', 'totalPooledEther()') }, 'latest']));
  await rebase(config, total / 100n);
  const expected = await balanceOf(config, WATCHER.account);
  assert.ok(expected > 2_000_000_000_000_000_000n);
  await page.waitForFunction((wei) => {
    const title = document.querySelector('[data-testid=pooleth-balance] .amount')?.getAttribute('title') ?? '';
    const [whole, fraction = ''] = title.replace(' poolETH', '').split('.');
    return BigInt(whole + fraction.padEnd(18, '0')) === BigInt(wei);
  }, expected.toString(), { timeout: 15000 });
  await waitForText(page, '[data-testid=rewards]', /Rewards since your first deposit: \+0\.0[0-9]+ poolETH/);
  const rewardsBefore = await page.textContent('[data-testid=rewards]');
  // A further deposit is not a reward: the figure stays what it was.
  await page.fill('[data-testid=deposit-amount]', '1');
  await page.click('[data-testid=deposit-submit]');
  await waitForText(page, '[data-testid=pooleth-balance]', /^3\.0[0-9]* poolETH$/, 30000);
  // (to the last shown digit: the deposit's shares may be worth a wei less than it, by rounding)
  const shown = (text) => Number(text.match(/([0-9.]+) poolETH/)[1]);
  const rewardsAfter = await waitForText(page, '[data-testid=rewards]', /Rewards since your first deposit: \+[0-9.]+ poolETH/);
  assert.ok(Math.abs(Math.round(shown(rewardsAfter) * 1e6) - Math.round(shown(rewardsBefore) * 1e6)) <= 1, `${rewardsBefore} then ${rewardsAfter}`);
  // A second report a day later (+0.01 %, about 3.7 % a year) draws the rebase history and gives
  // an APR.
  await rebase(config, total / 10000n);
  await page.locator('[data-testid=rebase-chart] polyline').waitFor({ timeout: 15000 });
  await waitForText(page, '[data-testid=apr-7d]', /^[0-9]+\.[0-9]{2}%$/);
  await page.locator('.position details summary').click();
  await waitForText(page, '[data-testid=rate]', /1 share = 1\.0[0-9]+ poolETH/);
  await page.click('[data-testid=watch-asset]');
  await waitForText(page, '.position [role=status]', /poolETH is in your wallet's token list/);
  const watched = await page.evaluate(() => window.__testWallet.watched);
  assert.equal(watched.options.address.toLowerCase(), config.poolEth.toLowerCase());

  // One wei no longer buys a share: the deposit is refused before the wallet is asked.
  await page.fill('[data-testid=deposit-amount]', '0.000000000000000001');
  await waitForText(page, '#deposit-help', /too small to buy a single share/);
  await page.click('[data-testid=deposit-submit]');
  await waitForText(page, '[data-testid=tx-status]', /1 wei is too small to buy a single share at the current rate\./);
  await context.close();
});

test('a deposit sped up or cancelled in the wallet is followed by its nonce', async () => {
  const { context, page } = await openApp(browser, [{ ...ALPHA, connected: true }]);
  await page.locator('[data-testid=account]').waitFor();
  const before = await balanceOf(config, ALPHA.account);
  await page.evaluate(() => window.__testWallet.replaceNext('speedUp'));
  await page.fill('[data-testid=deposit-amount]', '1');
  await page.click('[data-testid=deposit-submit]');
  await waitForText(page, '[data-testid=tx-status]', /Sped up in your wallet and deposited in block/, 30000);
  assert.ok(await balanceOf(config, ALPHA.account) > before, 'the sped-up deposit landed');

  const afterSpeedUp = await balanceOf(config, ALPHA.account);
  await page.evaluate(() => window.__testWallet.replaceNext('cancel'));
  await page.fill('[data-testid=deposit-amount]', '1');
  await page.click('[data-testid=deposit-submit]');
  await waitForText(page, '[data-testid=tx-status]', /replaced or cancelled in your wallet: nothing was deposited/, 30000);
  assert.equal(await balanceOf(config, ALPHA.account), afterSpeedUp);
  assert.equal(await page.isEnabled('[data-testid=deposit-submit]'), true);
  await context.close();
});

test('one RPC request per refresh, none while the tab is hidden', async () => {
  const { context, page } = await openApp(browser, [{ ...WATCHER, connected: true }], { countRpc: true });
  await page.locator('[data-testid=account]').waitFor();
  await waitForText(page, '[data-testid=pooleth-balance]', /poolETH$/);
  const count = () => page.evaluate(() => window.__rpcRequests
    + Object.values(window.__testWallets).reduce((n, w) => n + w.calls.filter((m) => m === 'eth_call').length, 0));
  const interval = config.refreshIntervalMs ?? 4000;
  await page.waitForTimeout(interval * 2);
  const start = await count();
  await page.waitForTimeout(interval * 5 + interval / 2);
  const perRefresh = (await count() - start) / 5;
  assert.ok(perRefresh <= 1.2, `${perRefresh} requests per refresh`);

  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const hiddenStart = await count();
  await page.waitForTimeout(interval * 3);
  assert.equal(await count() - hiddenStart, 0, 'no requests while hidden');
  await context.close();
});

test('screenshots: light and dark, desktop and phone', async () => {
  for (const colorScheme of ['light', 'dark']) {
    for (const [size, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
      const { context, page } = await openApp(browser, [{ ...WATCHER, connected: true }], { colorScheme, viewport });
      await waitForText(page, '[data-testid=pooleth-balance]', /poolETH$/);
      await waitForText(page, '[data-testid=total-pooled]', /ETH$/);
      await screenshot(page, `staker-${colorScheme}-${size}`);
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`));
      assert.deepEqual(wide, [], `nothing wider than the ${size} screen`);
      await context.close();
    }
  }
});
