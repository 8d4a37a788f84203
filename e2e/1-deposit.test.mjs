// Files run in name order against one devnet: this one first, on a pool at a 1:1 rate.
// End to end: the release build in headless Chromium, a test wallet announced through EIP-6963,
// a fresh devnet. Each test uses its own anvil account so that they do not disturb each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, rpc, screenshot, waitForText, RPC_URL } from './harness.mjs';

const ACCOUNTS = {
  depositor: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  rejecter: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  traveller: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  validator: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65',
};
const WALLET = { name: 'Test Wallet', rdns: 'org.example.testwallet' };
let browser;
let config;

before(async () => {
  browser = await launch();
  config = await (await fetch(new URL('config.json', process.env.APP_URL))).json();
  assert.equal(config.rpcUrl, RPC_URL, 'the app is served with the test devnet config');
});
after(async () => browser?.close());

const number = (text) => Number.parseFloat(text.replace(/[^0-9.]/g, ''));

async function connect(page) {
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.getByRole('button', { name: WALLET.name }).click();
  await page.locator('[data-testid=account]').waitFor();
}

async function balanceOf(account) {
  const data = '0x70a08231' + account.slice(2).toLowerCase().padStart(64, '0');
  return BigInt(await rpc('eth_call', [{ to: config.poolEth, data }, 'latest']));
}

test('read-only view, connect, deposit 1.5 ETH, balance and totals follow, reload keeps it', async () => {
  const { context, page, errors } = await openApp(browser, [{ ...WALLET, account: ACCOUNTS.depositor }]);

  // Before connecting: pool figures come from the configured RPC.
  const pooledBefore = number(await waitForText(page, '[data-testid=total-pooled]', /\d+(\.\d+)? ETH/));
  const sharesBefore = number(await waitForText(page, '[data-testid=total-shares]', /\d/));
  assert.match(await page.textContent('main'), /Connect a wallet to see your poolETH/);

  await connect(page);
  assert.match(await page.textContent('[data-testid=account]'), /^0x7099…79C8$/);
  await waitForText(page, '[data-testid=pooleth-balance]', /^0 poolETH$/);

  await page.fill('[data-testid=deposit-amount]', '1.5');
  await waitForText(page, '#deposit-help', /You receive 1\.5 shares, worth 1\.5 poolETH/);
  await page.click('[data-testid=deposit-submit]');
  await page.locator('[data-testid=tx-status] [data-state=mined]').waitFor({ timeout: 30000 });

  await waitForText(page, '[data-testid=pooleth-balance]', /^1\.5 poolETH$/);
  assert.equal(await page.inputValue('[data-testid=deposit-amount]'), '', 'a mined deposit empties the field');
  const exact = await page.getAttribute('[data-testid=pooleth-balance] .amount', 'title');
  assert.equal(exact, '1.5 poolETH');
  assert.equal(await balanceOf(ACCOUNTS.depositor), 1_500_000_000_000_000_000n, 'on-chain balanceOf agrees');
  const pooledAfter = number(await waitForText(page, '[data-testid=total-pooled]', new RegExp(`^${pooledBefore + 1.5} ETH$`)));
  assert.equal(pooledAfter, pooledBefore + 1.5);
  assert.equal(number(await page.textContent('[data-testid=total-shares]')), sharesBefore + 1.5);
  await screenshot(page, 'deposited-light-desktop');

  // A second page load reconnects silently and shows the same balance.
  await page.reload();
  await page.locator('[data-testid=account]').waitFor();
  await waitForText(page, '[data-testid=pooleth-balance]', /^1\.5 poolETH$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a rejected request leaves the form usable and says so', async () => {
  const { context, page } = await openApp(browser, [{ ...WALLET, account: ACCOUNTS.rejecter }]);
  await connect(page);
  await page.evaluate(() => window.__testWallet.rejectNext('eth_sendTransaction'));
  await page.fill('[data-testid=deposit-amount]', '2');
  await page.click('[data-testid=deposit-submit]');
  await waitForText(page, '[data-testid=tx-status]', /You rejected the request in your wallet\. Nothing was sent\./);
  assert.equal(await page.isEnabled('[data-testid=deposit-submit]'), true);
  assert.equal(await balanceOf(ACCOUNTS.rejecter), 0n);
  // The same form then works.
  await page.click('[data-testid=deposit-submit]');
  await page.locator('[data-testid=tx-status] [data-state=mined]').waitFor({ timeout: 30000 });
  await waitForText(page, '[data-testid=pooleth-balance]', /^2 poolETH$/);
  await context.close();
});

test('a wallet on another chain gets a banner and a one-click switch', async () => {
  const { context, page } = await openApp(browser, [{ ...WALLET, account: ACCOUNTS.traveller }]);
  await connect(page);
  await page.evaluate(() => window.__testWallet.setChain('0x1'));
  await page.locator('[data-testid=wrong-network]').waitFor();
  await page.fill('[data-testid=deposit-amount]', '1');
  assert.equal(await page.isDisabled('[data-testid=deposit-submit]'), true, 'no deposit on the wrong chain');
  await screenshot(page, 'wrong-network');
  await page.getByRole('button', { name: /Switch to/ }).click();
  await page.locator('[data-testid=wrong-network]').waitFor({ state: 'detached' });
  assert.equal(await page.isEnabled('[data-testid=deposit-submit]'), true);

  // A wallet that does not know the devnet is asked to add it (EIP-3085), then is on it.
  await page.evaluate(() => { window.__testWallet.lackChain(); window.__testWallet.setChain('0x1'); });
  await page.locator('[data-testid=wrong-network]').waitFor();
  await page.getByRole('button', { name: /Switch to/ }).click();
  await page.locator('[data-testid=wrong-network]').waitFor({ state: 'detached' });
  const added = await page.evaluate(() => window.__testWallet.added);
  assert.equal(added.chainId, '0x7a69');
  assert.equal(added.rpcUrls[0], config.rpcUrl);
  assert.equal(added.nativeCurrency.symbol, 'ETH');
  await context.close();
});

test('malformed and excessive amounts get plain sentences', async () => {
  const { context, page } = await openApp(browser, [{ ...WALLET, account: ACCOUNTS.validator }]);
  await connect(page);
  const cases = [
    ['1.2.3', /plain number/],
    ['abc', /plain number/],
    ['0', /above zero/],
    ['0.0000000000000000001', /at most 18 decimals/],
    ['100000', /more than your ETH balance/],
  ];
  for (const [typed, message] of cases) {
    await page.fill('[data-testid=deposit-amount]', typed);
    await waitForText(page, '#deposit-help', message);
    assert.equal(await page.isDisabled('[data-testid=deposit-submit]'), true, typed);
  }
  await context.close();
});

test('no wallet installed: pool figures still shown, with a plain hint', async () => {
  const { context, page } = await openApp(browser, []);
  await waitForText(page, '[data-testid=total-pooled]', /ETH$/);
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await waitForText(page, '.popover', /No browser wallet found/);
  await context.close();
});

test('an unreachable RPC is said plainly and the last figures stay', async () => {
  const { context, page } = await openApp(browser, []);
  await waitForText(page, '[data-testid=total-pooled]', /ETH$/);
  const shown = await page.textContent('[data-testid=total-pooled]');
  await page.route(`${RPC_URL}/**`, (route) => route.abort('connectionrefused'));
  await page.route(RPC_URL, (route) => route.abort('connectionrefused'));
  await waitForText(page, '.stats [role=alert]', /could not reach the RPC at http:\/\/127\.0\.0\.1:\d+.*nothing was sent/);
  assert.equal(await page.textContent('[data-testid=total-pooled]'), shown, 'the figures stay on screen');
  await page.unroute(`${RPC_URL}/**`);
  await page.unroute(RPC_URL);
  await page.locator('.stats [role=alert]').waitFor({ state: 'detached', timeout: 15000 });
  await context.close();
});
