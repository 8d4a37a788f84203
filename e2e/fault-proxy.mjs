// A JSON-RPC proxy on 127.0.0.1 that the tests control: it forwards to the devnet's anvil and
// can be switched to fail the way real RPCs do, so that the page's words and recovery can be
// checked against each fault:
//   'ok'          forward
//   'down'        drop every connection unanswered (the browser sees a network error)
//   'garbage'     answer 200 with a body that is not JSON-RPC
//   'stall'       accept the request and never answer (until the mode changes or it stops)
//   'wrongChain'  forward, but answer eth_chainId with another chain's id (0x1)
import { createServer } from 'node:http';

export async function startFaultProxy(target) {
  let mode = 'ok';
  const stalled = new Set();
  let abandoned = 0;
  const seen = [];
  const server = createServer(async (req, res) => {
    // The app's origin differs from the proxy's: answer CORS as a public RPC does.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    if (mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    let request;
    try { request = JSON.parse(body); } catch { request = null; }
    const methods = [request].flat().filter(Boolean).map((r) => r.method);
    seen.push(...methods);
    if (mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
      return;
    }
    if (mode === 'stall') {
      stalled.add(res);
      // Closed while still stalled: the client gave up on it (not released by the test).
      res.on('close', () => { if (stalled.delete(res)) abandoned += 1; });
      return;
    }
    const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    let text = await upstream.text();
    if (mode === 'wrongChain' && methods.includes('eth_chainId')) {
      const methodOf = new Map([request].flat().map((r) => [r.id, r.method]));
      const answers = [JSON.parse(text)].flat().map((a) => methodOf.get(a.id) === 'eth_chainId' ? { ...a, result: '0x1' } : a);
      text = JSON.stringify(Array.isArray(request) ? answers : answers[0]);
    }
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    /** Switches the fault; stalled requests are released (dropped) when it changes. */
    set(next) {
      mode = next;
      const released = [...stalled];
      stalled.clear();
      for (const res of released) res.destroy();
    },
    /** Stalled requests the client aborted itself. */
    get abandoned() { return abandoned; },
    /** Methods received so far (a copy). */
    get seen() { return [...seen]; },
    clearSeen() { seen.length = 0; },
    async stop() {
      const released = [...stalled];
      stalled.clear();
      for (const res of released) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
