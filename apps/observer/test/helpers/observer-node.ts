/** A follower on its own test database with its own evidence directory. */

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createTestDatabase, type TestDatabase } from '@opendeg/db/testing';

import { Follower, type EntryChecker } from '../../src/follower.ts';
import { httpLogSource } from '../../src/log-source.ts';
import { ORIGIN } from './log-server.ts';

export interface TestObserver {
  readonly db: TestDatabase;
  readonly follower: Follower;
  readonly evidenceDir: string;
  close(): Promise<void>;
}

export async function createObserver(
  url: string,
  logKey: string,
  options: { name?: string; checker?: (db: TestDatabase) => EntryChecker; sweepBundles?: number } = {},
): Promise<TestObserver> {
  const db = await createTestDatabase({ migrate: false });
  const evidenceDir = mkdtempSync(path.join(os.tmpdir(), 'opendeg-observer-evidence-'));
  const follower = await Follower.open({
    source: httpLogSource(url),
    origin: ORIGIN,
    logKey,
    pool: db.pool,
    name: options.name ?? 'observer-1',
    evidenceDir,
    ...(options.checker === undefined ? {} : { checker: options.checker(db) }),
    ...(options.sweepBundles === undefined ? {} : { sweepBundles: options.sweepBundles }),
  });
  return {
    db,
    follower,
    evidenceDir,
    close: async () => {
      await follower.close();
      await db.drop();
      rmSync(evidenceDir, { recursive: true, force: true });
    },
  };
}
