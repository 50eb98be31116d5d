// The ledger behaviour suite (appends, batching, restart, lock and fencing, invariants, tile
// handlers, crash recovery at every write) on the in-memory store.

import { MemoryLedgerStore } from '../src/index.ts';
import { describeLedgerBehaviour } from './helpers/ledger-behaviour.ts';

describeLedgerBehaviour('the in-memory store', () => {
  const store = new MemoryLedgerStore();
  return Promise.resolve({
    store,
    second: () => Promise.resolve(store),
    killSequencer: () => {
      store.expireLease();
      return Promise.resolve();
    },
    corruptTile: () => {
      store.tamperTile({ level: 0, index: 0 }, new Uint8Array(20 * 32).fill(1));
      return Promise.resolve();
    },
  });
});
