// End to end, redemptions on the staker's page: a request queued, finalized by an oracle report
// and claimed, the ETH balance right to the wei; a request while a loss is reported pays the
// lower figure; wpoolETH wrapped (approve, then deposit) and unwrapped back. Runs after
// 3-console, whose activated validators give the oracle a beacon balance to report a loss of.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openApp, rpc, screenshot, selector, words, sendAsOperator, stake, poolFigure,
  freshAccount, balanceOf, waitForText,
} from './harness.mjs';

const WALLET = { name: 'Test Wallet', rdns: 'org.example.testwallet', connected: true };
const ETH = 10n ** 18n;
let browser;
let config;

before(async () => {
  browser = await launch();
  config = await (await fetch(new URL('config.json', process.env.APP_URL))).json();
});
after(async () => browser?.close());

const queueAddress = async () => '0x' + (await rpc('eth_call', [{ to: config.poolManager, data: selector('PoolManager', 'withdrawalQueue()') }, 'latest'])).slice(-40);

/** `WithdrawalQueue.getRequest(id)`: [shares, amount, finalized, claimed]. */
async function request(queue, id) {
  const data = await rpc('eth_call', [{ to: queue, data: selector('WithdrawalQueue', 'getRequest(uint256)') + words(id) }, 'latest']);
  const word = (i) => BigInt('0x' + data.slice(2 + 64 * i, 2 + 64 * (i + 1)));
  return { shares: word(3), amount: word(4), finalized: word(5) === 1n, claimed: word(6) === 1n };
}

/** An oracle report as soon as the pool takes one, the beacon balance `loss` wei lower than the
 * pool accounts (every activated validator seen); returns its receipt. */
async function report(loss = 0n) {
  const [next, validators, seen, balance, withdrawals] = await Promise.all(
    ['nextReportAt()', 'activatedValidators()', 'beaconValidators()', 'beaconBalance()', 'withdrawalsCredited()'].map((s) => poolFigure(config, s)));
  const latest = BigInt((await rpc('eth_getBlockByNumber', ['latest', false])).timestamp);
  const at = next > latest ? next : latest + 1n;
  await rpc('evm_setNextBlockTimestamp', [Number(at)]);
  const reported = balance + 32n * ETH * (validators - seen) - loss;
  return sendAsOperator(config.poolManager,
    selector('PoolManager', 'reportBeacon(uint64,uint64,uint128,uint128)') + words(at, validators, reported, withdrawals));
}

/** The id of the account's newest request, from the page's list. */
async function newestRequest(page) {
  const testid = await page.locator('.request-list li').first().getAttribute('data-testid');
  return BigInt(testid.replace('request-', ''));
}

const exactEth = async (page, testid) => {
  const title = await page.getAttribute(`[data-testid=${testid}]`, 'title');
  const [whole, fraction = ''] = title.replace(' ETH', '').split('.');
  return BigInt(whole + fraction.padEnd(18, '0'));
};

test('request, queued, finalized by an oracle report, claimed: the ETH to the wei', async () => {
  const account = await freshAccount();
  await stake(config, account, 3n * ETH);
  const { context, page, errors } = await openApp(browser, [{ ...WALLET, account }]);
  await page.locator('[data-testid=account]').waitFor();
  await waitForText(page, '[data-testid=pooleth-balance]', /poolETH$/);

  // Refusals in words before anything is sent.
  await page.fill('[data-testid=withdraw-amount]', '0.0001');
  await waitForText(page, '#withdraw-help', /The smallest withdrawal is 0\.001 poolETH\./);
  await page.fill('[data-testid=withdraw-amount]', '4');
  await waitForText(page, '#withdraw-help', /more than your poolETH/);
  assert.equal(await page.isDisabled('[data-testid=withdraw-submit]'), true);

  // Max is the whole balance, to the wei.
  await page.click('[data-testid=withdraw-max]');
  const held = await balanceOf(config, account);
  const typed = await page.inputValue('[data-testid=withdraw-amount]');
  const [w, f = ''] = typed.split('.');
  assert.equal(BigInt(w + f.padEnd(18, '0')), held, 'Max is the poolETH balance');

  await page.fill('[data-testid=withdraw-amount]', '1.5');
  assert.equal(await exactEth(page, 'pays-at-most'), 3n * ETH / 2n);
  await waitForText(page, '[data-testid=wait]', /Paid in the next oracle report/);
  await waitForText(page, '[data-testid=queue-ahead]', /No request is waiting ahead of yours|requests? waits? ahead/);
  await screenshot(page, 'withdraw-preview');
  await page.click('[data-testid=withdraw-submit]');
  await page.locator('[data-testid=withdraw-status] [data-state=mined]').waitFor({ timeout: 30000 });
  assert.equal(await page.inputValue('[data-testid=withdraw-amount]'), '', 'a mined request empties the field');

  // Queued: the shares left the balance, the request waits in the list.
  await page.locator('.request-list li[data-state=waiting]').waitFor({ timeout: 15000 });
  const id = await newestRequest(page);
  const queue = await queueAddress();
  const queued = await request(queue, id);
  assert.equal(queued.amount, 3n * ETH / 2n);
  assert.equal(queued.finalized, false);
  const left = await balanceOf(config, account);
  assert.ok(held - left >= 3n * ETH / 2n && held - left <= 3n * ETH / 2n + 1n, `the balance fell by the request (${held - left})`);
  await waitForText(page, `[data-testid=request-${id}]`, /Waiting/);
  assert.equal(await page.locator(`[data-testid=claim-${id}]`).count(), 0, 'nothing to claim yet');

  // The oracle's report finalizes it from the buffer.
  await report();
  const finalized = await request(queue, id);
  assert.equal(finalized.finalized, true);
  assert.equal(finalized.amount, 3n * ETH / 2n, 'no loss: the amount asked');
  await page.locator(`[data-testid=request-${id}][data-state=ready]`).waitFor({ timeout: 15000 });
  await screenshot(page, 'withdraw-ready');

  // Claim: the account's ETH grows by the payout less the claim's own network fee, to the wei.
  const before = BigInt(await rpc('eth_getBalance', [account, 'latest']));
  await page.click(`[data-testid=claim-${id}]`);
  await page.locator('[data-testid=claim-status] [data-state=mined]').waitFor({ timeout: 30000 });
  const hash = (await page.textContent('[data-testid=claim-status] code')).trim();
  const receipt = await rpc('eth_getTransactionReceipt', [hash]);
  assert.equal(receipt.from.toLowerCase(), account.toLowerCase());
  const fee = BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice);
  const afterClaim = BigInt(await rpc('eth_getBalance', [account, receipt.blockNumber]));
  assert.equal(afterClaim, before + finalized.amount - fee, 'ETH to the wei');
  assert.equal((await request(queue, id)).claimed, true);
  await page.locator(`[data-testid=request-${id}][data-state=claimed]`).waitFor({ timeout: 15000 });

  // A second claim of the same request is refused before the wallet is asked.
  const sent = await page.evaluate(() => window.__testWallet.calls.filter((m) => m === 'eth_sendTransaction').length);
  assert.equal(sent, 2, 'one request, one claim');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a request waiting while a loss is reported pays the lower figure', async () => {
  const validators = await poolFigure(config, 'activatedValidators()');
  assert.ok(validators > 0n, 'a validator is active (3-console activates them)');
  const account = await freshAccount();
  await stake(config, account, 2n * ETH);
  const { context, page } = await openApp(browser, [{ ...WALLET, account }]);
  await page.locator('[data-testid=account]').waitFor();
  await waitForText(page, '[data-testid=pooleth-balance]', /poolETH$/);
  await page.fill('[data-testid=withdraw-amount]', '1');
  await waitForText(page, '[data-testid=pays-at-most]', /^1 ETH/);
  await page.click('[data-testid=withdraw-submit]');
  await page.locator('[data-testid=withdraw-status] [data-state=mined]').waitFor({ timeout: 30000 });
  await page.locator('.request-list li[data-state=waiting]').waitFor({ timeout: 15000 });
  const id = await newestRequest(page);
  const queue = await queueAddress();
  const { shares, amount } = await request(queue, id);
  assert.equal(amount, ETH);

  // The beacon balance falls by 0.5 ETH (the pool books as much of it as its loss bound lets in).
  const receipt = await report(ETH / 2n);
  const finalized = await request(queue, id);
  assert.equal(finalized.finalized, true);
  // What the shares were worth at finalization: the totals after the report plus what this
  // report's finalization took out of them (its WithdrawalsFinalized event).
  const topic = receipt.logs.find((l) => l.address.toLowerCase() === queue.toLowerCase() && l.data.length === 2 + 64 * 4);
  const field = (i) => BigInt('0x' + topic.data.slice(2 + 64 * i, 2 + 64 * (i + 1)));
  const [paid, burned] = [field(2), field(3)];
  const pooled = (await poolFigure(config, 'totalPooledEther()')) + paid;
  const total = BigInt(await rpc('eth_call', [{ to: config.poolEth, data: selector('PoolETH', 'totalShares()') }, 'latest'])) + burned;
  const worth = shares * pooled / total;
  assert.ok(worth < amount, `the loss lowered the shares' worth (${worth} < ${amount})`);
  assert.equal(finalized.amount, worth, 'paid the lower figure, to the wei');

  await page.locator(`[data-testid=request-${id}][data-state=ready]`).waitFor({ timeout: 15000 });
  const before = BigInt(await rpc('eth_getBalance', [account, 'latest']));
  await page.click(`[data-testid=claim-${id}]`);
  await page.locator('[data-testid=claim-status] [data-state=mined]').waitFor({ timeout: 30000 });
  const hash = (await page.textContent('[data-testid=claim-status] code')).trim();
  const claim = await rpc('eth_getTransactionReceipt', [hash]);
  const fee = BigInt(claim.gasUsed) * BigInt(claim.effectiveGasPrice);
  assert.equal(BigInt(await rpc('eth_getBalance', [account, claim.blockNumber])), before + worth - fee);
  await context.close();
});

test('wpoolETH: approve then wrap, the rate as the contract computes it, unwrap back', async () => {
  assert.ok(config.wpoolEth, 'the devnet config names the wrapper');
  const account = await freshAccount();
  await stake(config, account, 2n * ETH);
  const { context, page, errors } = await openApp(browser, [{ ...WALLET, account }]);
  await page.locator('[data-testid=account]').waitFor();
  const rate = BigInt(await rpc('eth_call', [{ to: config.wpoolEth, data: selector('WpoolETH', 'convertToAssets(uint256)') + words(ETH) }, 'latest']));
  const shownRate = await waitForText(page, '[data-testid=wrap-rate]', /^1 wpoolETH = [0-9.]+ poolETH$/);
  const [whole, fraction = ''] = shownRate.match(/= ([0-9.]+) poolETH/)[1].split('.');
  assert.equal(BigInt(whole + fraction.padEnd(18, '0')), rate, 'the rate to the wei');

  const held = await balanceOf(config, account);
  const sharesOf = async () => BigInt(await rpc('eth_call', [{ to: config.poolEth, data: selector('PoolETH', 'sharesOf(address)') + account.slice(2).toLowerCase().padStart(64, '0') }, 'latest']));
  const wrappedOf = async () => BigInt(await rpc('eth_call', [{ to: config.wpoolEth, data: selector('WpoolETH', 'balanceOf(address)') + account.slice(2).toLowerCase().padStart(64, '0') }, 'latest']));
  const sharesBefore = await sharesOf();
  await page.fill('[data-testid=wrap-amount]', '1');
  await waitForText(page, '[data-testid=wrap-submit]', /Approve, then wrap/);
  const expected = BigInt(await rpc('eth_call', [{ to: config.wpoolEth, data: selector('WpoolETH', 'previewDeposit(uint256)') + words(ETH) }, 'latest']));
  await waitForText(page, '#wrap-help', /You receive [0-9.]+ wpoolETH/);
  await page.click('[data-testid=wrap-submit]');
  await waitForText(page, '[data-testid=wpooleth-balance]', /[1-9].* wpoolETH$/, 30000);
  await page.locator('[data-testid=wrap-status] [data-state=mined]').waitFor({ timeout: 30000 });
  assert.equal(await wrappedOf(), expected, 'wpoolETH = the pool shares of 1 poolETH');
  assert.equal(sharesBefore - await sharesOf(), expected, 'exactly as many pool shares moved');
  const sent = await page.evaluate(() => window.__testWallet.calls.filter((m) => m === 'eth_sendTransaction').length);
  assert.equal(sent, 2, 'an approval, then the wrap');

  // Unwrap everything back: the shares return, the poolETH balance is what they are worth.
  await page.click('[data-testid=unwrap-tab]');
  await page.click('[data-testid=wrap-max]');
  await page.click('[data-testid=wrap-submit]');
  await page.locator('[data-testid=wrap-status] [data-state=mined]').waitFor({ timeout: 30000 });
  assert.equal(await wrappedOf(), 0n);
  assert.equal(await sharesOf(), sharesBefore, 'the round trip returns every share');
  assert.ok(held - await balanceOf(config, account) <= 1n, 'and the poolETH, within a wei of rounding');
  assert.deepEqual(errors, []);
  await context.close();
});
