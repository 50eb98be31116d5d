// The in-memory session store keeps its contract (the one a PostgreSQL store must keep too).
import { describe, expect, test } from 'vitest';
import { MemorySessionStore } from '../src/identity/session-store.ts';

describe('MemorySessionStore', () => {
  test('put replaces, get returns copies, delete of a missing key is fine, sweep drops expired', async () => {
    let now = 1000;
    const store = new MemorySessionStore(() => now);
    await store.put({ key: 'a', expiresAt: 2000 });
    await store.put({ key: 'a', expiresAt: 3000 });
    const got = await store.get('a');
    expect(got).toEqual({ key: 'a', expiresAt: 3000 });
    got!.expiresAt = 0;
    expect((await store.get('a'))?.expiresAt).toBe(3000);
    await store.delete('missing');
    await store.put({ key: 'b', expiresAt: 1500 });
    now = 2500;
    store.sweep(now);
    expect(await store.get('b')).toBeUndefined();
    expect(store.size).toBe(1);
  });
});
