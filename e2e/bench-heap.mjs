// Figure for `cargo xtask bench` (printed, never asserted): the staker page's memory after
// 10,000 block refreshes. A refresh is simulated by the event the refresh ticker already
// answers at once (`visibilitychange` while visible), so the run takes minutes, not the hours of
// 10,000 real intervals; each one is a real read from the devnet, decoded and rendered. Measured
// after a forced garbage collection: the JS heap (Chromium's `Runtime.getHeapUsage`) and the
// wasm module's linear memory (Rust's heap lives there: a leak in the app shows in it, not in
// the JS heap), after a warm-up and after all refreshes.
import { readFileSync } from 'node:fs';
import { COUNT_RPC, RPC_URL, APP_URL, launch, waitForText } from './harness.mjs';

const REFRESHES = Number(process.env.HEAP_REFRESHES || 10_000);
const WARM_UP = 200;
const BUDGET = 0.05;
const STAKER = { name: 'Test Wallet', rdns: 'org.example.testwallet', account: '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720', connected: true };
// Trunk's loader announces the started module with its exports (and so its memory).
const KEEP_MEMORY = `addEventListener('TrunkApplicationStarted', (e) => { window.__wasmMemory = e.detail.wasm.memory; });`;

const browser = await launch();
try {
  const context = await browser.newContext();
  await context.addInitScript(COUNT_RPC);
  await context.addInitScript(KEEP_MEMORY);
  const wallet = readFileSync(new URL('./injected-wallet.js', import.meta.url), 'utf8');
  await context.addInitScript(`(${wallet.trim().replace(/;$/, '')})(${JSON.stringify({ rpcUrl: RPC_URL, ...STAKER })});`);
  const page = await context.newPage();
  await page.goto(APP_URL);
  await waitForText(page, '[data-testid=pooleth-balance]', /poolETH$/);
  const cdp = await context.newCDPSession(page);

  const refresh = (count) => page.evaluate(async (count) => {
    // Reads the page made: HTTP requests to the RPC and calls through the test wallet (whose
    // log is emptied as it is counted, so the harness itself does not grow the heap).
    const reads = () => {
      let n = window.__rpcRequests;
      for (const w of Object.values(window.__testWallets)) {
        n += w.calls.filter((m) => m === 'eth_call').length;
        w.calls.length = 0;
      }
      return n;
    };
    let done = 0;
    let seen = reads();
    const started = performance.now();
    while (done < count) {
      document.dispatchEvent(new Event('visibilitychange'));
      // A tick while a read is under way is skipped by the app: wait for a read, else ask again.
      for (let waited = 0; waited < 50; waited++) {
        await new Promise((r) => setTimeout(r, 1));
        const now = seen + reads();
        if (now > seen) { done += 1; seen = now; break; }
      }
    }
    return performance.now() - started;
  }, count);

  const measure = async () => {
    await page.waitForTimeout(500); // the last read answered and rendered
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(() => window.__wasmMemory?.buffer.byteLength ?? 0);
    return { js: usedSize, wasm };
  };
  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);

  await refresh(WARM_UP);
  const before = await measure();
  // In steps, the wasm memory read at each: linear memory only grows, so a leak shows as steady
  // growth step after step, an allocator's one-time growth as a single step.
  const STEPS = 5;
  let ms = 0;
  const wasmAt = [];
  for (let step = 0; step < STEPS; step++) {
    ms += await refresh(REFRESHES / STEPS);
    wasmAt.push(await page.evaluate(() => window.__wasmMemory?.buffer.byteLength ?? 0));
  }
  const after = await measure();
  console.log(`wasm memory every ${REFRESHES / STEPS} refreshes: ${wasmAt.map(mb).join(', ')} MB`);
  const growth = (after.js - before.js) / before.js;
  const shown = await page.locator('[data-testid=pooleth-balance]').innerText();
  console.log(`memory after ${REFRESHES} simulated block refreshes (${(ms / REFRESHES).toFixed(1)} ms each, balance still shown: ${/poolETH$/.test(shown)}): `
    + `JS heap ${mb(before.js)} MB after ${WARM_UP} → ${mb(after.js)} MB (${(growth * 100).toFixed(1)} %, budget ${BUDGET * 100} %: ${growth <= BUDGET ? 'within' : 'OVER'}); `
    + `wasm memory ${mb(before.wasm)} MB → ${mb(after.wasm)} MB`);
  console.log(`figure: JS heap growth over ${REFRESHES} block refreshes (after ${WARM_UP}: ${mb(before.js)} → ${mb(after.js)} MB; wasm memory ${mb(before.wasm)} → ${mb(after.wasm)} MB) | ${(growth * 100).toFixed(1)} % | ≤ ${BUDGET * 100} %`);
  await context.close();
} finally {
  await browser.close();
}
