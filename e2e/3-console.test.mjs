// End to end, the operator console (/admin) on the devnet: a visitor without a role sees no
// action; a multisig operator's runway change waits for co-signers and shows once mined; bad ceremony files are refused with their reasons (checked in the import worker);
// the next ceremony's files imported by picker and by drop, added to the registry, a failed
// batch and a closed tab resumed without sending twice; two validators activated with cluster,
// runway and buffer following; a key deposited on the side by a stranger refused as front-run,
// and the registry dropped from it. Runs after the staker files, on the same devnet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, openApp, rpc, screenshot, waitForText, ceremonyFiles, depositOnTheSide, frontRunDeposits, stake, poolFigure,
} from './harness.mjs';

const OPERATOR = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'; // anvil #0: every devnet role
const STRANGER = '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f'; // anvil #8: no role
const WALLET = { name: 'Test Wallet', rdns: 'org.example.testwallet' };
let browser;
let config;

before(async () => {
  browser = await launch();
  config = await (await fetch(new URL('config.json', process.env.APP_URL))).json();
});
after(async () => browser?.close());

/** The console in a fresh browser context (or `context`), connected as `account`. */
async function openConsole(account, context) {
  let page, errors = [];
  if (context) {
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('admin', process.env.APP_URL).href);
  } else {
    ({ context, page, errors } = await openApp(browser, [{ ...WALLET, account }]));
    await page.goto(new URL('admin', process.env.APP_URL).href);
  }
  // The console's own wallet bar (the staker's is hidden on /admin).
  const root = page.locator('#console-root');
  await root.locator('.wallet-bar').waitFor();
  if (!(await root.locator('[data-testid=account]').count())) {
    await root.getByRole('button', { name: 'Connect wallet' }).click();
    await root.getByRole('button', { name: WALLET.name }).click();
  }
  await root.locator('[data-testid=account]').waitFor();
  assert.equal(await page.locator('header.top .wallet-bar').isVisible(), false, "the staker's wallet bar is hidden");
  await waitForText(page, '[data-testid=console-roles]', /0x/i);
  return { context, page, errors };
}

const file = (name, text) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

/** Drops files on the import zone as a browser does (a DataTransfer of Files). */
async function drop(page, files) {
  await page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const { name, text } of files) transfer.items.add(new File([text], name, { type: 'application/json' }));
    document.querySelector('[data-testid=dropzone]')
      .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
}

async function checkFiles(page, count) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=import-file-list] li').length === n, count);
  await page.click('[data-testid=import-check]');
  await page.locator('[data-testid=import-report], [data-testid=import-failed]').first().waitFor({ timeout: 60000 });
  const failed = await page.locator('[data-testid=import-failed]').count();
  assert.equal(failed, 0, failed ? await page.locator('[data-testid=import-failed]').textContent() : '');
}

test('a visitor without a role sees the pool but no action', async () => {
  const { context, page, errors } = await openConsole(STRANGER);
  await waitForText(page, '[data-testid=console-roles]', /holds no role in this pool: read-only view/);
  await waitForText(page, '[data-testid=console-validators]', /pending/);
  for (const action of ['cluster-actions', 'runway-send', 'activation-review', 'registry-drop', 'import-submit']) {
    assert.equal(await page.locator(`[data-testid=${action}]`).count(), 0, `${action} is not offered`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a multisig operator: the runway change waits for co-signers, then the console shows it', async () => {
  const { context, page, errors } = await openConsole(OPERATOR);
  await waitForText(page, '[data-testid=console-runway]', /^30 days/);
  await page.getByRole('button', { name: '182 days', exact: true }).click();
  await waitForText(page, '[data-testid=runway-preview]', /Sets the runway to 182 days \(1303120 blocks\)\. Each validator activated will carry [0-9.]+ ETH at today's fees\./);
  await page.evaluate(() => window.__testWallet.queueNext(1500));
  await page.click('[data-testid=runway-send]');
  await waitForText(page, '[data-testid=runway-panel] [data-testid=tx-status]', /collecting its co-signers' signatures: nothing is on chain yet/);
  await waitForText(page, '[data-testid=console-runway]', /^182 days/, 20000);
  // Back to the devnet's 30 days, directly this time, and a runway under a day is refused.
  await page.fill('[data-testid=runway-days]', '0');
  await waitForText(page, '[data-testid=runway-preview]', /at least one day/);
  assert.ok(await page.isDisabled('[data-testid=runway-send]'));
  await page.getByRole('button', { name: '30 days', exact: true }).click();
  await page.click('[data-testid=runway-send]');
  await page.locator('[data-testid=runway-panel] [data-testid=tx-status] [data-state=mined]').waitFor({ timeout: 30000 });
  await waitForText(page, '[data-testid=console-runway]', /^30 days/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('bad ceremony files are refused whole, each for its own reason', async () => {
  const { context, page, errors } = await openConsole(OPERATOR);
  const next = ceremonyFiles('next');
  const registered = ceremonyFiles('registered');
  const deposits = JSON.parse(next.depositData);
  const lowAmount = deposits.map((d, i) => (i === 1 ? { ...d, amount: 1_000_000_000 } : d));
  const otherCredentials = deposits.map((d, i) => (i === 2 ? { ...d, withdrawal_credentials: '01' + '00'.repeat(11) + STRANGER.slice(2).toLowerCase() } : d));
  const shares = JSON.parse(next.keyShares);
  shares.shares[0].data.ownerNonce += 1;
  await page.setInputFiles('[data-testid=import-files]', [
    file('deposit_data-low.json', JSON.stringify(lowAmount)),
    file('deposit_data-credentials.json', JSON.stringify(otherCredentials)),
    file('keyshares-nonce.json', JSON.stringify(shares)),
    file('deposit_data-registered.json', registered.depositData),
    file('notes.json', 'not json at all'),
  ]);
  await checkFiles(page, 5);
  const verdict = (name) => page.locator('[data-testid=file-verdict]')
    .filter({ has: page.locator('strong', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }) });
  for (const [name, reason] of [
    ['deposit_data-low.json', /Entry 2 \(0x[0-9a-f]+…\): The deposit is 1000000000 gwei, not 32 ETH/],
    ['deposit_data-credentials.json', /Entry 3 .*not the pool's/],
    ['keyshares-nonce.json', /owner nonce 9 but the next registration is nonce 8/],
    ['deposit_data-registered.json', /already in the pool's registry/],
    ['notes.json', /The file is not JSON/],
  ]) {
    assert.equal(await verdict(name).getAttribute('data-accepted'), 'false', `${name} is refused`);
    assert.match(await verdict(name).textContent(), reason, name);
  }
  assert.equal(await page.locator('[data-testid=validator-verdict][data-accepted=true]').count(), 0, 'nothing accepted');
  const submit = page.locator('[data-testid=import-submit]');
  assert.ok(await submit.isDisabled(), 'nothing to submit');
  await screenshot(page, 'console-import-refused');
  assert.deepEqual(errors, []);
  await context.close();
});

test('import by picker and drop, add to the registry, resume after a refusal and a closed tab', async () => {
  const before = await poolFigure(config, 'validatorCount()');
  let { context, page, errors } = await openConsole(OPERATOR);
  const next = ceremonyFiles('next');
  await page.setInputFiles('[data-testid=import-files]', [file('deposit_data-1700000000.json', next.depositData)]);
  await drop(page, [{ name: 'keyshares-1700000000.json', text: next.keyShares }]);
  await checkFiles(page, 2);
  await waitForText(page, '[data-testid=import-summary]', /^4 of 4 validators accepted\.$/);
  await screenshot(page, 'console-import-accepted');

  // The operator declines in the wallet: nothing is added, the plan waits.
  await page.evaluate(() => window.__testWallet.rejectNext('eth_sendTransaction'));
  await page.click('[data-testid=import-submit]');
  await waitForText(page, '[data-testid=submit-progress]', /0 of 4 in the registry\. The batch was not added/, 30000);
  assert.equal(await poolFigure(config, 'validatorCount()'), before);

  // Sent, then the tab closes before it is mined.
  await page.close();
  ({ page } = await openConsole(OPERATOR, context));
  await page.locator('[data-testid=resume]').waitFor();
  await rpc('evm_setAutomine', [false]);
  try {
    await page.click('[data-testid=resume-submit]');
    await page.waitForFunction(() => window.__testWallet.calls.includes('eth_sendTransaction'), null, { timeout: 30000 });
    // The wallet took it: close the tab once the node holds it (anvil estimates the batch's gas,
    // BLS checks included, before it answers).
    for (let i = 0; i < 300 && BigInt((await rpc('txpool_status', [])).pending) === 0n; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.close();
    await rpc('evm_mine', []);
  } finally {
    await rpc('evm_setAutomine', [true]);
  }
  assert.equal(await poolFigure(config, 'validatorCount()'), before + 4n);

  // Reopened: resuming finds everything in the registry and sends nothing.
  ({ page, errors } = await openConsole(OPERATOR, context));
  await page.locator('[data-testid=resume]').waitFor();
  await page.click('[data-testid=resume-submit]');
  await waitForText(page, '[data-testid=submit-progress]', /All 4 validators are in the registry\./, 30000);
  const sends = await page.evaluate(() => window.__testWallet.calls.filter((c) => c === 'eth_sendTransaction').length);
  assert.equal(sends, 0, 'nothing sent twice');
  assert.equal(await poolFigure(config, 'validatorCount()'), before + 4n);
  assert.equal(await page.locator('[data-testid=resume]').count(), 0, 'the plan is done');
  assert.deepEqual(errors, []);
  await context.close();
});

test('two validators activated: cluster, runway and buffer follow', async () => {
  await stake(config, STRANGER, 64n * 10n ** 18n);
  const activated = await poolFigure(config, 'activatedValidators()');
  const buffered = await poolFigure(config, 'bufferedEther()');
  const { context, page, errors } = await openConsole(OPERATOR);
  await waitForText(page, '[data-testid=activation-limits]', /can be activated now/);
  await page.fill('[data-testid=activation-count]', '2');
  await page.click('[data-testid=activation-review]');
  await page.locator('[data-testid=activation-preview]').waitFor({ timeout: 30000 });
  assert.equal(await page.locator('[data-testid=activation-preview] li').count(), 2);
  assert.match(await page.textContent('[data-testid=activation-preview]'), /SSV funding [0-9.]+ ETH per validator; [0-9.]+ ETH in all from the pool; gas about \d+/);
  await screenshot(page, 'console-activation-preview');
  await page.click('[data-testid=activation-send]');
  await page.locator('[data-testid=activation-panel] [data-testid=tx-status] [data-state=mined]').waitFor({ timeout: 30000 });
  assert.equal(await poolFigure(config, 'activatedValidators()'), activated + 2n);
  assert.equal(await poolFigure(config, 'bufferedEther()'), buffered - 64n * 10n ** 18n);
  await waitForText(page, '[data-testid=cluster-validators]', new RegExp(`^${activated + 2n}$`));
  await waitForText(page, '[data-testid=cluster-runway-left]', /^\d+ days \(\d+ blocks\)$/);
  await screenshot(page, 'console-after-activation');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a key deposited on the side by a stranger is refused as front-run; the registry is dropped from it', async () => {
  const first = await poolFigure(config, 'activatedValidators()');
  const count = await poolFigure(config, 'validatorCount()');
  const registered = JSON.parse(ceremonyFiles('registered').depositData);
  const victim = registered[Number(first)];
  const theirs = '0x01' + '00'.repeat(11) + STRANGER.slice(2).toLowerCase();
  // Signed by the key, as a ceremony key holder would: only then does it fix the credentials.
  const signed = frontRunDeposits().find((d) => d.pubkey === victim.pubkey);
  assert.equal(signed.withdrawal_credentials, theirs.slice(2));
  await depositOnTheSide(config, STRANGER, '0x' + victim.pubkey, theirs, 1_000_000_000, '0x' + signed.signature);
  await stake(config, STRANGER, 32n * 10n ** 18n);

  const { context, page, errors } = await openConsole(OPERATOR);
  await waitForText(page, '[data-testid=activation-limits]', /can be activated now/);
  await page.fill('[data-testid=activation-count]', '1');
  await page.click('[data-testid=activation-review]');
  const refused = await waitForText(page, '[data-testid=activation-refused]', /front-ran the pool/, 30000);
  assert.ok(refused.toLowerCase().includes(theirs.toLowerCase()), `names the stranger's credentials: ${refused}`);
  assert.equal(await page.locator('[data-testid=activation-send]').count(), 0, 'nothing to send');

  await page.locator('[data-testid=registry-row]').first().locator('[data-testid=registry-drop]').click();
  const dropped = Number(count - first);
  await waitForText(page, '[data-testid=drop-preview]', new RegExp(`Drops entries ${first} to ${count - 1n} \\(${dropped} validators\\) for good`));
  await page.click('[data-testid=drop-confirm]');
  await page.locator('[data-testid=registry-panel] [data-testid=tx-status] [data-state=mined]').waitFor({ timeout: 30000 });
  assert.equal(await poolFigure(config, 'validatorCount()'), first);
  await waitForText(page, '[data-testid=registry-panel]', new RegExp(`0 pending, ${dropped} dropped for good`));
  assert.deepEqual(errors, []);
  await context.close();
});
