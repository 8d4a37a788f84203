// End to end, a deposit interrupted between the wallet and the chain: the wallet switches
// account, disconnects or changes chain while the deposit is pending; the network drops it.
// Each time: nothing lost, nothing sent twice, and the page ends saying what is true.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openApp, balanceOf, freshAccount, rpc, waitForText } from './harness.mjs';

const WALLET = { name: 'Test Wallet', rdns: 'org.example.testwallet' };
const STATUS = '[data-testid=tx-status]';
const ONE = 10n ** 18n;
// One deposit of 1 ETH, as poolETH: after the earlier files' rebases the rate is not 1:1, and
// shares and balance each round down (a wei or two short; two deposits would be 2 ETH).
const ONE_DEPOSIT = /^(1|0\.999999) poolETH$/;
const depositedOnce = async (account) => {
  const balance = await balanceOf(config, account);
  assert.ok(balance <= ONE && ONE - balance <= 2n, `one deposit of 1 ETH: ${balance} wei of poolETH`);
};
let browser;
let config;

before(async () => {
  browser = await launch();
  config = await (await fetch(new URL('config.json', process.env.APP_URL))).json();
});
after(async () => {
  // A failed test must not leave the devnet without automine for the next file.
  await rpc('evm_setAutomine', [true]).catch(() => {});
  await browser?.close();
});

/** A page whose wallet is connected to a fresh account, and a 1 ETH deposit sent and held
 * pending (automine off) until `mine()`. */
async function pendingDeposit() {
  const account = await freshAccount();
  const opened = await openApp(browser, [{ ...WALLET, account, connected: true }]);
  const { page } = opened;
  await waitForText(page, '[data-testid=pooleth-balance]', /^0 poolETH$/);
  await page.evaluate(() => window.__testWallet.holdNext());
  await page.fill('[data-testid=deposit-amount]', '1');
  await page.click('[data-testid=deposit-submit]');
  await waitForText(page, STATUS, /Submitted, waiting to be mined/);
  const mine = async () => {
    await rpc('evm_mine', []);
    await rpc('evm_setAutomine', [true]);
  };
  const sends = () => page.evaluate(() => window.__testWallet.calls.filter((m) => m === 'eth_sendTransaction').length);
  return { ...opened, account, mine, sends };
}

test('the wallet switches account while a deposit is pending: it lands once, the page follows the new account', async () => {
  const { context, page, account, mine, sends, errors } = await pendingDeposit();
  const other = await freshAccount();
  await page.evaluate((a) => window.__testWallet.switchAccount(a), other);
  await waitForText(page, '[data-testid=account]', new RegExp(`^${other.slice(0, 6)}…`, 'i'));
  assert.equal(await page.isDisabled('[data-testid=deposit-submit]'), true, 'no second send while the first is pending');
  await mine();
  await waitForText(page, STATUS, /Deposited in block \d+/);
  await waitForText(page, '[data-testid=pooleth-balance]', /^0 poolETH$/);
  await depositedOnce(account);
  assert.equal(await balanceOf(config, other), 0n);
  assert.equal(await sends(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the wallet disconnects while a deposit is pending: the deposit is still followed to its block', async () => {
  const { context, page, account, mine, sends, errors } = await pendingDeposit();
  await page.evaluate(() => window.__testWallet.disconnectSite());
  await page.getByRole('button', { name: 'Connect wallet' }).waitFor();
  await mine();
  await waitForText(page, STATUS, /Deposited in block \d+/);
  await depositedOnce(account);
  // Connecting again shows the deposit.
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page.getByRole('button', { name: WALLET.name }).click();
  await waitForText(page, '[data-testid=pooleth-balance]', ONE_DEPOSIT);
  assert.equal(await sends(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the chain is switched while a deposit is pending: followed to its block, no deposit on the other chain', async () => {
  const { context, page, account, mine, sends, errors } = await pendingDeposit();
  await page.evaluate(() => window.__testWallet.setChain('0x1'));
  await page.locator('[data-testid=wrong-network]').waitFor();
  await mine();
  await waitForText(page, STATUS, /Deposited in block \d+/);
  await depositedOnce(account);
  await page.fill('[data-testid=deposit-amount]', '1');
  assert.equal(await page.isDisabled('[data-testid=deposit-submit]'), true, 'no deposit on the other chain');
  await page.getByRole('button', { name: /Switch to/ }).click();
  await page.locator('[data-testid=wrong-network]').waitFor({ state: 'detached' });
  await waitForText(page, '[data-testid=pooleth-balance]', ONE_DEPOSIT);
  assert.equal(await sends(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a deposit the network drops is said, nothing was deposited, and the form works again', async () => {
  const account = await freshAccount();
  const { context, page, errors } = await openApp(browser, [{ ...WALLET, account, connected: true }]);
  await waitForText(page, '[data-testid=pooleth-balance]', /^0 poolETH$/);
  await page.evaluate(() => window.__testWallet.dropNext());
  await page.fill('[data-testid=deposit-amount]', '1');
  await page.click('[data-testid=deposit-submit]');
  await waitForText(page, STATUS, /Submitted, waiting to be mined/);
  // 30 polls of 1 s without the transaction or its nonce on chain.
  await waitForText(page, STATUS, /The network dropped this transaction before it was mined: nothing was deposited/, 90000);
  assert.equal(await balanceOf(config, account), 0n);
  assert.equal(await page.isEnabled('[data-testid=deposit-submit]'), true);
  // The same form then deposits, once.
  await page.click('[data-testid=deposit-submit]');
  await waitForText(page, STATUS, /Deposited in block \d+/, 30000);
  await waitForText(page, '[data-testid=pooleth-balance]', ONE_DEPOSIT);
  await depositedOnce(account);
  assert.deepEqual(errors, []);
  await context.close();
});
