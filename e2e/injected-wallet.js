// An EIP-1193 test wallet, injected into the page before the app loads (Playwright's
// addInitScript). It forwards requests to anvil, whose accounts are unlocked, and announces
// itself through EIP-6963. Tests steer it through `window.__testWallet`:
//   rejectNext(method)  the next request of that method fails with 4001 (user rejected)
//   setChain(hexId)     pretend the wallet sits on another chain (emits chainChanged)
//   replaceNext(how)    the next transaction is sped up ('speedUp') or cancelled ('cancel')
//   lackChain()         the wallet does not know the devnet: switching fails with 4902
//   queueNext(ms)       act as a multisig: the next transaction is answered with no hash (it
//                       waits for co-signers) and reaches the chain `ms` later
//   holdNext()          the next transaction stays pending: anvil's automine is switched off
//                       before it is sent (the test mines it, and switches automine back on)
//   dropNext()          the next transaction is sent, then dropped from anvil's mempool before
//                       any block holds it (a wallet's hash that the chain never mines)
//   switchAccount(a)    the user picks account `a` in the wallet (emits accountsChanged)
//   disconnectSite()    the user revokes the site in the wallet (emits accountsChanged [])
//   calls               every method the app asked for, in order
// (`window.__testWallets[rdns]` when several are injected; `connected: true` starts connected.)
// "Connected" survives reloads (sessionStorage), as a real wallet's site permission does.
(({ rpcUrl, account: firstAccount, name, rdns, connected: startConnected = false }) => {
  let account = firstAccount;
  const storageKey = `test-wallet:${rdns}:connected`;
  const listeners = {};
  const emit = (event, value) => (listeners[event] || []).forEach((h) => h(value));
  const state = { chainOverride: null, reject: new Set(), calls: [] };
  let nextId = 0;

  async function rpc(method, params) {
    const response = await fetch(rpcUrl, {
      __fromWallet: true,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++nextId, method, params: params ?? [] }),
    });
    const body = await response.json();
    if (body.error) throw Object.assign(new Error(body.error.message), body.error);
    return body.result;
  }
  // What a user does in the wallet while a transaction waits: speed it up (same transaction,
  // higher fee) or cancel it (a 0 ETH transfer to themselves), both with the same nonce. The
  // original hash is returned to the app, which must notice by the nonce.
  async function sendThenReplace(tx, how) {
    await rpc('evm_setAutomine', [false]);
    try {
      const nonce = await rpc('eth_getTransactionCount', [tx.from, 'pending']);
      const original = await rpc('eth_sendTransaction', [{ ...tx, nonce, maxFeePerGas: '0x77359400', maxPriorityFeePerGas: '0x3b9aca00' }]);
      const replacement = how === 'speedUp'
        ? { ...tx, nonce, maxFeePerGas: '0xee6b2800', maxPriorityFeePerGas: '0x77359400' }
        : { from: tx.from, to: tx.from, value: '0x0', nonce, maxFeePerGas: '0xee6b2800', maxPriorityFeePerGas: '0x77359400' };
      await rpc('eth_sendTransaction', [replacement]);
      await rpc('evm_mine', []);
      return original;
    } finally {
      await rpc('evm_setAutomine', [true]);
    }
  }
  // A transaction the chain will never mine: the wallet got a hash, anvil forgets it.
  async function sendThenDrop(tx) {
    await rpc('evm_setAutomine', [false]);
    try {
      const hash = await rpc('eth_sendTransaction', [tx]);
      await rpc('anvil_dropTransaction', [hash]);
      return hash;
    } finally {
      await rpc('evm_setAutomine', [true]);
    }
  }
  const rejected = () => Object.assign(new Error('User rejected the request.'), { code: 4001 });
  // A returning user: the site is already permitted and the app remembers this wallet.
  if (startConnected) {
    sessionStorage.setItem(storageKey, '1');
    localStorage.setItem('ssv-pool.wallet', rdns);
  }
  const connected = () => sessionStorage.getItem(storageKey) === '1';

  const provider = {
    async request({ method, params }) {
      state.calls.push(method);
      if (state.reject.delete(method)) throw rejected();
      switch (method) {
        case 'eth_requestAccounts':
          sessionStorage.setItem(storageKey, '1');
          return [account];
        case 'eth_accounts':
          return connected() ? [account] : [];
        case 'eth_chainId':
          return state.chainOverride ?? rpc('eth_chainId');
        case 'wallet_switchEthereumChain':
          if (state.lacksChain) {
            throw Object.assign(new Error('Unrecognized chain ID. Try adding the chain first.'), { code: 4902 });
          }
          state.chainOverride = null;
          emit('chainChanged', await rpc('eth_chainId'));
          return null;
        case 'wallet_addEthereumChain':
          // A real wallet adds the chain and switches to it.
          state.added = params[0];
          state.lacksChain = false;
          state.chainOverride = null;
          emit('chainChanged', await rpc('eth_chainId'));
          return null;
        case 'wallet_watchAsset':
          state.watched = params;
          return true;
        case 'eth_sendTransaction':
          if (!connected()) throw Object.assign(new Error('Unauthorized'), { code: 4100 });
          if (state.replaceNext?.length) return sendThenReplace(params[0], state.replaceNext.splice(0, 1)[0]);
          if (state.dropNext) {
            state.dropNext = false;
            return sendThenDrop(params[0]);
          }
          if (state.holdNext) {
            state.holdNext = false;
            await rpc('evm_setAutomine', [false]);
          }
          if (state.queueNext !== undefined) {
            const delay = state.queueNext;
            delete state.queueNext;
            setTimeout(() => rpc(method, params), delay);
            return null;
          }
          return rpc(method, params);
        default:
          return rpc(method, params);
      }
    },
    on(event, handler) { (listeners[event] = listeners[event] || []).push(handler); },
    removeListener(event, handler) {
      listeners[event] = (listeners[event] || []).filter((h) => h !== handler);
    },
  };

  const control = {
    get calls() { return state.calls; },
    rejectNext(method) { state.reject.add(method); },
    replaceNext(how) { (state.replaceNext = state.replaceNext || []).push(how); },
    lackChain() { state.lacksChain = true; },
    queueNext(ms) { state.queueNext = ms; },
    holdNext() { state.holdNext = true; },
    dropNext() { state.dropNext = true; },
    switchAccount(next) { account = next; emit('accountsChanged', [next]); },
    disconnectSite() { sessionStorage.removeItem(storageKey); emit('accountsChanged', []); },
    get added() { return state.added; },
    get watched() { return state.watched; },
    setChain(hexId) { state.chainOverride = hexId; emit('chainChanged', hexId); },
  };
  window.__testWallets = Object.assign(window.__testWallets || {}, { [rdns]: control });
  window.__testWallet = control;

  const icon = 'data:image/svg+xml,' + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#7c3aed"/></svg>');
  const info = Object.freeze({ uuid: crypto.randomUUID(), name, icon, rdns });
  const announce = () => window.dispatchEvent(
    new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info, provider }) }));
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
});
