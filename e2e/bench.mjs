// Figures for `cargo xtask bench` (printed, never asserted): time from navigation to the first
// render (the first contentful paint: the page's body is empty until the app mounts) and to the
// staker's balance on screen (medians of several loads, wallet already connected, release build,
// devnet), and JSON-RPC requests per refresh while idle.
import { launch, openApp, waitForText } from './harness.mjs';

const RUNS = 7;
const STAKER = { name: 'Test Wallet', rdns: 'org.example.testwallet', account: '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720', connected: true };
const SHOWN = `(() => {
  const observer = new MutationObserver(() => {
    const amount = document.querySelector('[data-testid=pooleth-balance] .amount:not(.placeholder)');
    if (amount && window.__balanceShownAt === undefined) { window.__balanceShownAt = performance.now(); observer.disconnect(); }
  });
  document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { subtree: true, childList: true, characterData: true }));
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === 'first-contentful-paint') window.__firstRenderAt = entry.startTime;
  }).observe({ type: 'paint', buffered: true });
})();`;

const browser = await launch();
const config = await (await fetch(new URL('config.json', process.env.APP_URL))).json();
try {
  const times = [];
  const renders = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    await context.addInitScript(SHOWN);
    const { page } = await openAppIn(context);
    await page.waitForFunction(() => window.__balanceShownAt !== undefined, null, { timeout: 20000 });
    times.push(await page.evaluate(() => window.__balanceShownAt));
    await page.waitForFunction(() => window.__firstRenderAt !== undefined, null, { timeout: 5000 }).catch(() => {});
    renders.push(await page.evaluate(() => window.__firstRenderAt ?? NaN));
    await context.close();
  }
  times.sort((a, b) => a - b);
  renders.sort((a, b) => a - b);
  console.log(`navigation to first render (first contentful paint): median ${renders[RUNS >> 1].toFixed(0)} ms over ${RUNS} loads`);
  console.log(`figure: navigation to the staker page's first render, median of ${RUNS} | ${renders[RUNS >> 1].toFixed(0)} ms |`);
  console.log(`navigation to balance shown: median ${times[RUNS >> 1].toFixed(0)} ms over ${RUNS} loads (min ${times[0].toFixed(0)}, max ${times[RUNS - 1].toFixed(0)})`);
  console.log(`figure: navigation to the staker's balance on screen, median of ${RUNS} | ${times[RUNS >> 1].toFixed(0)} ms | ≤ 300 ms`);

  const { context, page } = await openApp(browser, [STAKER], { countRpc: true });
  await waitForText(page, '[data-testid=pooleth-balance]', /poolETH$/);
  const count = () => page.evaluate(() => window.__rpcRequests
    + Object.values(window.__testWallets).reduce((n, w) => n + w.calls.filter((m) => m === 'eth_call').length, 0));
  const interval = config.refreshIntervalMs ?? 4000;
  const refreshes = 10;
  await page.waitForTimeout(interval);
  const start = await count();
  await page.waitForTimeout(interval * refreshes + interval / 2);
  const perRefresh = ((await count() - start) / refreshes).toFixed(2);
  console.log(`RPC requests per block refresh: ${perRefresh} (interval ${interval} ms, ${refreshes} refreshes)`);
  console.log(`figure: RPC requests per block refresh (staker, connected) | ${perRefresh} | 1`);
  await context.close();
} finally {
  await browser.close();
}

async function openAppIn(context) {
  // openApp with an existing context: the same wallet injection as the tests.
  const { readFileSync } = await import('node:fs');
  const source = readFileSync(new URL('./injected-wallet.js', import.meta.url), 'utf8');
  await context.addInitScript(`(${source.trim().replace(/;$/, '')})(${JSON.stringify({ rpcUrl: process.env.RPC_URL, ...STAKER })});`);
  const page = await context.newPage();
  await page.goto(process.env.APP_URL);
  return { page };
}
