// Figures for `cargo xtask bench` (printed, never asserted): the operator console's import
// checks (deposit data and key shares) of a ceremony of many validators, in headless Chromium,
// release build, devnet. The devnet writes the ceremony in CEREMONY_DIR/bench when xtask sets
// POOL_DEVNET_BENCH_CEREMONY (xtask/src/devnet.rs). Printed: validators checked and accepted
// (all must be: a bench of a refusal measures the wrong thing), the time from the click on
// Check to the report in the page, its parts seen from the page (chain reads before the
// workers, the workers' own time from request to answer, merging and rendering after), the
// workers used (one per core), and the main thread's long tasks (over 50 ms) meanwhile, each
// with the step it falls in. On a busy machine the wall times grow with the load; the CPU time
// of the checking workers' threads (Linux: from /proc, sampled) does not, so it is printed too.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { launch, openApp, waitForText } from './harness.mjs';

const OPERATOR = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'; // anvil #0: every devnet role
const WALLET = { name: 'Test Wallet', rdns: 'org.example.testwallet' };
const LONG_TASK_MS = 50;

// Installed before the app: the main thread's long tasks, the checking workers' creation,
// requests and answers (as the page sees them: a listener added before the app's own), the
// click on Check, and the report's arrival in the DOM.
const PROBES = `(() => {
  window.__bench = { longTasks: [], workers: [], clickAt: undefined, reportAt: undefined, paintedAt: undefined };
  const bench = window.__bench;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      const record = { url: String(url), created: performance.now(), posted: [], messages: [] };
      bench.workers.push(record);
      this.addEventListener('message', () => record.messages.push(performance.now()));
      this.__record = record;
    }
    postMessage(...args) {
      this.__record.posted.push(performance.now());
      return super.postMessage(...args);
    }
  };
  document.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('[data-testid=import-check]')) bench.clickAt = performance.now();
  }, true);
  const observer = new MutationObserver(() => {
    if (bench.clickAt === undefined || bench.reportAt !== undefined) return;
    if (document.querySelector('[data-testid=import-report], [data-testid=import-failed]')) {
      bench.reportAt = performance.now();
      // The next frame after the report is in the DOM: about when it is on screen.
      requestAnimationFrame(() => setTimeout(() => { bench.paintedAt = performance.now(); }, 0));
    }
  });
  document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { subtree: true, childList: true }));
})();`;

const dir = process.env.CEREMONY_DIR;
if (!dir) throw new Error('CEREMONY_DIR is not set: run this through `cargo xtask bench`');
let depositData, keyShares;
try {
  depositData = readFileSync(`${dir}/bench/deposit_data.json`);
  keyShares = readFileSync(`${dir}/bench/keyshares.json`);
} catch (e) {
  throw new Error(`no bench ceremony in ${dir}/bench (pool-devnet --bench-ceremony N, or POOL_DEVNET_BENCH_CEREMONY=N through xtask): ${e.message}`);
}
const count = JSON.parse(depositData).length;
const file = (name, buffer) => ({ name, mimeType: 'application/json', buffer });

/** The CPU seconds of this run's renderer threads (Linux /proc; empty elsewhere): the page's
 * main thread and each Web Worker thread, by thread id. */
const TICK = (() => {
  try { return 1 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })); } catch { return 0.01; }
})();
function rendererThreads() {
  const threads = new Map();
  let entries;
  try { entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d)); } catch { return threads; }
  const parent = new Map();
  const stat = (path) => {
    const text = readFileSync(path, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  };
  for (const pid of entries) {
    try { parent.set(Number(pid), Number(stat(`/proc/${pid}/stat`)[1])); } catch { /* gone */ }
  }
  const ours = (pid) => {
    for (let p = pid, depth = 0; p > 1 && depth < 16; p = parent.get(p), depth++) if (p === process.pid) return true;
    return false;
  };
  for (const pid of parent.keys()) {
    try {
      if (!ours(pid) || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        const fields = stat(`/proc/${pid}/task/${tid}/stat`);
        const cpu = (Number(fields[11]) + Number(fields[12])) * TICK;
        if (name.startsWith('DedicatedWorker') || Number(tid) === pid) threads.set(`${pid}/${tid}`, { name, main: Number(tid) === pid, cpu });
      }
    } catch { /* gone */ }
  }
  return threads;
}
/** Samples `rendererThreads` until stopped: each thread's CPU seconds since the first sample
 * (a worker's thread ends with the worker: its last sample stands). */
function sampleThreads() {
  const first = rendererThreads();
  const seen = new Map();
  const sample = () => {
    for (const [id, t] of rendererThreads()) {
      seen.set(id, { ...t, cpu: t.cpu - (first.get(id)?.cpu ?? 0) });
    }
  };
  const timer = setInterval(sample, 100);
  return () => { clearInterval(timer); sample(); return [...seen.values()]; };
}

const browser = await launch();
let failed = false;
try {
  const { context, page, errors } = await openApp(browser, [{ ...WALLET, account: OPERATOR }]);
  await context.addInitScript(PROBES);
  await page.goto(new URL('admin', process.env.APP_URL).href);
  if (!(await page.locator('[data-testid=account]').count())) {
    await page.getByRole('button', { name: 'Connect wallet' }).click();
    await page.getByRole('button', { name: WALLET.name }).click();
  }
  await page.locator('[data-testid=account]').waitFor();
  await waitForText(page, '[data-testid=console-roles]', /0x/i);
  await page.setInputFiles('[data-testid=import-files]', [
    file('deposit_data-bench.json', depositData),
    file('keyshares-bench.json', keyShares),
  ]);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=import-file-list] li').length === 2);
  await page.locator('[data-testid=import-check]:enabled').waitFor();
  // Quiet before the check: what the page did while loading is not counted.
  await page.waitForTimeout(1000);
  const load = loadavg()[0];
  const stopSampling = sampleThreads();
  await page.click('[data-testid=import-check]');
  await page.locator('[data-testid=import-report], [data-testid=import-failed]').first().waitFor({ timeout: 300000 });
  await page.waitForFunction(() => window.__bench.paintedAt !== undefined);
  const threads = stopSampling();
  if (await page.locator('[data-testid=import-failed]').count()) {
    console.log(`the check failed: ${await page.locator('[data-testid=import-failed]').textContent()}`);
    failed = true;
  } else {
    const bench = await page.evaluate(() => window.__bench);
    // The report lists every refused validator but only the first accepted ones: the counts
    // come from its summary ("A of N validators accepted.").
    const summary = (await page.locator('[data-testid=import-summary]').textContent()) ?? '';
    const [, accepted, checked] = (summary.match(/(\d+) of (\d+) validators accepted/) ?? [0, -1, -1]).map(Number);
    const workers = await page.evaluate(() => navigator.hardwareConcurrency);
    const checkers = bench.workers.filter((w) => w.url.includes('pool-checker'));
    const { clickAt, reportAt, paintedAt } = bench;
    const total = paintedAt - clickAt;
    const ms = (t) => `${t.toFixed(0)} ms`;
    const s = (t) => `${(t / 1000).toFixed(2)} s`;

    console.log(`validators checked: ${checked} (ceremony of ${count}; deposit data ${depositData.length} bytes, key shares ${keyShares.length} bytes)`);
    console.log(`accepted: ${accepted} of ${checked}`);
    if (accepted !== count || checked !== count) {
      failed = true;
      const refused = await page.locator('[data-testid=validator-verdict][data-accepted=false]').allTextContents();
      const files = await page.locator('[data-testid=file-verdict][data-accepted=false]').allTextContents();
      const unpaired = await page.locator('[data-testid=unpaired]').allTextContents();
      console.log('NOT a bench of the checks: refusals follow.');
      for (const text of [...files, ...unpaired, ...refused.slice(0, 5)]) console.log(`  refused: ${text.slice(0, 400)}`);
    }
    const problems = await page.locator('[data-testid=operator-problems] li').allTextContents();
    for (const problem of problems) console.log(`note (operator state, not a file check): ${problem}`);

    console.log(`click on Check to report on screen: ${s(total)} (${(checked / (total / 1000)).toFixed(0)} validators checked per second)`);
    console.log(`workers: ${checkers.length} (navigator.hardwareConcurrency ${workers})`);
    if (checkers.length) {
      // gloo-worker's traffic: the worker says it is loaded (its first message); the page sends
      // the files in pieces, each acknowledged by the worker, then the check; the worker's last
      // message is its answer (later posts end it).
      const timing = checkers.map((w) => {
        const answered = w.messages.at(-1) ?? w.created;
        const sent = w.posted.filter((t) => t <= answered).at(-1) ?? w.created;
        const pieces = w.posted.filter((t) => t < sent).length;
        return { created: w.created, loaded: w.messages[0] ?? w.created, sent, answered, pieces };
      });
      const created = Math.min(...timing.map((w) => w.created));
      const answered = Math.max(...timing.map((w) => w.answered));
      console.log(`  click to workers started (the chain's facts read, the files' keys listed): ${ms(created - clickAt)}`);
      timing.forEach((w, i) => {
        console.log(`  worker ${i + 1}: loaded in ${ms(w.loaded - w.created)}, the files sent in ${w.pieces} piece(s) and the check asked ${ms(w.sent - w.loaded)} later, answered ${s(w.answered - w.sent)} after it`);
      });
      console.log(`  workers' part (first started to last answer): ${s(answered - created)} (${(checked / ((answered - created) / 1000)).toFixed(0)} validators per second)`);
      console.log(`  last answer to report in the DOM (merge, operator reads, rendering): ${ms(reportAt - answered)}; to the next frame: ${ms(paintedAt - answered)}`);
    }
    const workerThreads = threads.filter((t) => !t.main && t.cpu > 0).sort((a, b) => b.cpu - a.cpu);
    if (workerThreads.length) {
      const cpu = workerThreads.reduce((n, t) => n + t.cpu, 0);
      console.log(`  CPU time of the worker threads: ${workerThreads.map((t) => `${t.cpu.toFixed(1)} s`).join(', ')} (${cpu.toFixed(1)} s in all: ${(checked / cpu).toFixed(0)} validators per CPU-second; the machine's load average was ${load.toFixed(1)} at the click)`);
      const main = threads.filter((t) => t.main).reduce((n, t) => n + t.cpu, 0);
      console.log(`  CPU time of the page's main thread meanwhile: ${main.toFixed(1)} s (the console's block refreshes included)`);
    }
    const during = bench.longTasks.filter((t) => t.start + t.duration >= clickAt && t.start <= paintedAt);
    const longest = during.reduce((m, t) => Math.max(m, t.duration), 0);
    console.log(`main-thread long tasks over ${LONG_TASK_MS} ms during the check: ${during.length}${during.length ? `, longest ${ms(longest)}, ${ms(during.reduce((n, t) => n + t.duration, 0))} in all` : ''}`);
    console.log(`figure: import checks of ${checked} validators (deposit data + key shares), ${checkers.length} workers: click to report on screen (load average ${load.toFixed(1)} at the click) | ${s(total)} | ≤ 10 s`);
    if (workerThreads.length) console.log(`figure: import checks of ${checked} validators, CPU per worker | ${workerThreads.map((t) => `${t.cpu.toFixed(1)} s`).join(' / ')} |`);
    console.log(`figure: main-thread tasks over ${LONG_TASK_MS} ms during the import checks | ${during.length}${during.length ? ` (longest ${ms(longest)})` : ''} | 0`);
    const step = (t) => {
      const end = t.start + t.duration;
      const within = (at) => at !== undefined && at >= t.start && at <= end;
      const created = Math.min(...checkers.map((w) => w.created));
      const answered = Math.max(...checkers.map((w) => w.messages.at(-1) ?? Infinity));
      const sending = checkers.findIndex((w) => within(w.messages[0]) || w.posted.some(within));
      if (checkers.some((w) => within(w.created))) return 'listing the files\' keys again and starting the workers';
      if (sending >= 0 && end < answered) return `worker ${sending + 1}: a message (a piece of the files, or the check) encoded and posted`;
      if (t.start < created) return 'the click: the files parsed for the chain reads';
      if (t.start >= answered || within(answered)) return 'the answers merged and the report rendered';
      return 'while the workers check';
    };
    for (const t of during) {
      console.log(`  ${ms(t.duration)} from ${ms(t.start - clickAt)} after the click: ${step(t)}`);
    }
  }
  if (errors.length) {
    console.log(`page errors: ${errors.join('; ')}`);
    failed = true;
  }
  await context.close();
} finally {
  await browser.close();
}
if (failed) process.exit(1);
