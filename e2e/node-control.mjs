// The project's test node (`test-node`, crates/devnet/src/bin/test-node.rs) as the tests drive
// it: a JSON-RPC node on 127.0.0.1 in front of the devnet's anvil that a test switches to fail
// the way real RPCs do, and asks which methods it was called with. `cargo xtask test` builds it
// and names it in TEST_NODE. Modes: 'forward', 'down' (connections dropped unanswered),
// 'garbage' (200 with a body that is not JSON-RPC), 'stall' (never answers until the mode
// changes), 'wrong-chain' (eth_chainId answered 0x1).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function startTestNode(upstream) {
  const program = process.env.TEST_NODE;
  if (!program) throw new Error('TEST_NODE is not set (cargo xtask test builds test-node and sets it)');
  const child = spawn(program, [upstream], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('test-node stopped');
    return value;
  };
  const ready = await next();
  if (!ready.startsWith('ready ')) throw new Error(`test-node said ${ready}`);
  // One command at a time: each answer is the next line.
  let queue = Promise.resolve();
  const ask = (command) => {
    const answer = queue.then(() => { child.stdin.write(`${command}\n`); return next(); });
    queue = answer.catch(() => {});
    return answer;
  };
  return {
    url: ready.slice('ready '.length),
    /** Switches the mode (applied when this resolves); stalled requests are released (dropped). */
    async set(mode) { await ask(`mode ${mode}`); },
    /** Stalled requests the client aborted itself. */
    async abandoned() { return Number((await ask('abandoned')).split(' ')[1]); },
    /** Methods received since the last clearSeen(). */
    async seen() { return JSON.parse((await ask('methods')).slice('methods '.length)); },
    async clearSeen() { await ask('clear'); },
    async stop() {
      child.stdin.end();
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    },
  };
}
