// The scenario clock of a training run and /dev/clock: forward only, training runs only, absent
// unless the server was started with it.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import { ScenarioClock, type ElectionConfig } from '@opendeg/deg';
import type { LoadedElection } from '../src/applications/deps.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { Browser, requestJson, startServer, type Server } from './harness.ts';

class StepClock {
  t = Date.parse('2026-11-21T10:00:00Z');
  now = (): Date => new Date(this.t);
}

describe('ScenarioClock', () => {
  test('runs at its speed from where it was set, and moves only forward', () => {
    const real = new StepClock();
    const clock = new ScenarioClock({ start: new Date('2026-09-18T05:00:00Z'), speed: 60, real });
    real.t += 1000; // one real second is one scenario minute
    expect(clock.now().toISOString()).toBe('2026-09-18T05:01:00.000Z');
    expect(clock.moveTo(new Date('2026-09-20T17:00:00Z'), 0)).toBe(true);
    real.t += 3_600_000;
    expect(clock.now().toISOString()).toBe('2026-09-20T17:00:00.000Z');
    expect(clock.moveTo(new Date('2026-09-20T16:59:59Z'))).toBe(false);
    expect(clock.now().toISOString()).toBe('2026-09-20T17:00:00.000Z');
    expect(() => clock.moveTo(new Date('2026-09-21T00:00:00Z'), -1)).toThrow(RangeError);
    expect(() => new ScenarioClock({ start: new Date(), speed: Number.NaN })).toThrow(RangeError);
  });
});

describe('/dev/clock', () => {
  const db = useTestDatabase();
  const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
  let training: LoadedElection;
  let server: Server;
  const clock = new ScenarioClock({ start: new Date('2026-09-18T04:00:00Z'), speed: 0 });

  beforeAll(async () => {
    training = await storeElection(db.pool, { ...config, electionId: 'dev-clock' }, new Date());
    server = await startServer({
      db: { pool: db.pool },
      roles: { election: training },
      clock,
      devClock: clock,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  test('reads and moves the scenario clock forward; backwards is refused with a code', async () => {
    const browser = new Browser();
    const read = await requestJson<{ now: string; speed: number }>(
      browser,
      server.baseUrl,
      'GET',
      '/dev/clock',
    );
    expect(read.body).toEqual({ now: '2026-09-18T04:00:00.000Z', speed: 0 });
    const moved = await requestJson<{ now: string }>(browser, server.baseUrl, 'POST', '/dev/clock', {
      to: '2026-09-20T17:15:00Z',
    });
    expect(moved.status).toBe(200);
    expect(clock.now().toISOString()).toBe('2026-09-20T17:15:00.000Z');
    const back = await requestJson(browser, server.baseUrl, 'POST', '/dev/clock', {
      to: '2026-09-18T04:00:00Z',
    });
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('CLOCK_BACKWARDS');
    expect(clock.now().toISOString()).toBe('2026-09-20T17:15:00.000Z');
  });

  test('a server without the scenario clock has no /dev/clock', async () => {
    const plain = await startServer({ db: { pool: db.pool }, roles: { election: training } });
    try {
      expect((await fetch(`${plain.baseUrl}/dev/clock`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  test('an election that is not a training run refuses the scenario clock at start', async () => {
    const real: ElectionConfig = { ...config, electionId: 'dev-clock-real', kind: 'election' };
    const election = await storeElection(db.pool, real, new Date());
    await expect(
      startServer({ db: { pool: db.pool }, roles: { election }, clock, devClock: clock }),
    ).rejects.toThrow(/only for a training run/);
  });
});
