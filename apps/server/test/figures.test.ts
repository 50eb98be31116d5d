// The live figures (P-3.9, P-10.2, P-10.8) through the HTTP API: a real server on port 0, real
// PostgreSQL, lists loaded through ParticipantListStore, exclusions and ballot accesses made on
// them, the ballot box's counts from a fake castCounts (the ballot box is another module), the
// Server-Sent Events stream read with a plain HTTP client, and the precinct counters of migration 015
// checked against a count over the rows. Then, with a real ballot box (its HTTP app, its ledger on
// PostgreSQL, the real castCounts): the tree size each snapshot carries against the ledger's table.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canonicalJson, loadGroup, type JsonValue } from '@opendeg/crypto';
import { blindSign } from '@opendeg/crypto/node';
import { ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import { useTestDatabase } from '@opendeg/db/testing';
import { ManualClock, votingWindow } from '@opendeg/deg';
import {
  castBallot,
  encryptVote,
  finishCredential,
  keyCeremonyContext,
  manifestHash,
  openElection,
  requestCredential,
  type BallotJson,
} from '@opendeg/election';
import { ed25519NoteSigner, ed25519NoteVerifier, openCheckpoint } from '@opendeg/ledger';
import type { LoadedElection } from '../src/applications/deps.ts';
import { buildBallotBoxApp } from '../src/ballot-box/app.ts';
import { castCounts } from '../src/ballot-box/cast-counts.ts';
import { votingWindows } from '../src/ballot-box/voting-windows.ts';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { readFigures, turnoutPercent, type FiguresSnapshot } from '../src/figures/figures.ts';
import { generateKey, keyGroupDef } from '../src/keys/ceremony.ts';
import { buildManifest } from '../src/keys/manifest.ts';
import { storedManifestSource } from '../src/keys/manifest-store.ts';
import { startServer, type Server } from './harness.ts';
import {
  BALLOT_SOURCE,
  issuerKeyPairs,
  keysConfig,
  openTestLedger,
  type TestLedger,
} from './keys-fixture.ts';

const db = useTestDatabase();
const config = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
// 12:00 Moscow time on the first voting day: 16:00 in Novosibirsk.
const clock = new ManualClock('2026-09-18T09:00:00Z');
let cast = new Map<string, number>([['16', 1]]);

let seq = 0;
function participant(precinct: string): ParticipantRecord {
  seq++;
  const k = String(seq).padStart(2, '0');
  return {
    id: `f-${k}`,
    lastName: 'Фигуров',
    firstName: `Имя${'абвгдежзиклмн'[seq] ?? 'а'}`,
    middleName: 'Петрович',
    birthDate: `1970-01-${k}`,
    address: `г. Тест, ул. Цифр, д. ${seq}`,
    phone: `+7900777${k}${k}`,
    passport: { series: `45 ${k}`, number: `7770${k}` },
    precinct,
  };
}
const TATARSTAN = [participant('1'), participant('1'), participant('2')];
const NOVOSIBIRSK = [participant('1'), participant('1'), participant('2'), participant('2')];

let server: Server;
let election: LoadedElection;
let store: ParticipantListStore;
let closed = false;

async function figures(query = ''): Promise<{ status: number; body: FiguresSnapshot; headers: Headers }> {
  const r = await fetch(`${server.baseUrl}/api/figures${query}`);
  return { status: r.status, body: (await r.json()) as FiguresSnapshot, headers: r.headers };
}

interface FiguresEvent {
  id: string;
  data: FiguresSnapshot;
}

/** Server-Sent Events of a response body, one parsed `figures` event at a time. */
async function* events(body: ReadableStream<Uint8Array>): AsyncGenerator<FiguresEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = new Map(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      if (fields.get('event') === 'figures')
        yield { id: fields.get('id') ?? '', data: JSON.parse(fields.get('data') ?? '') as FiguresSnapshot };
    }
  }
}

/** The next event; the stream must not have ended. */
async function next(stream: AsyncGenerator<FiguresEvent>): Promise<FiguresEvent> {
  const r = await stream.next();
  if (r.done === true) throw new Error('the stream ended');
  return r.value;
}

beforeAll(async () => {
  election = await storeElection(db.pool, config, clock.now());
  server = await startServer({
    clock,
    db: { pool: db.pool },
    roles: { election },
    figures: { castCounts: () => Promise.resolve(new Map(cast)), pollMs: 50, refreshMs: 10_000 },
  });
  store = new ParticipantListStore(db.pool, election.id);
  await store.importList('16', TATARSTAN, { compiledAt: new Date('2026-09-17T10:00:00Z') });
  await store.importList('54', NOVOSIBIRSK, { compiledAt: new Date('2026-09-17T10:00:00Z') });
}, 60_000);
afterAll(async () => {
  if (!closed) await server.close();
});

describe('the public figures', () => {
  test('P-10.2 P-3.9 per region and per precinct: on the list, ballots issued; per region ballots cast; turnout = issued / on the list', async () => {
    const at = clock.now();
    await store.grantBallotAccess('16', 'f-01', at);
    await store.grantBallotAccess('54', 'f-04', at);
    await store.grantBallotAccess('54', 'f-06', at);
    await store.exclude('54', 'f-07', {
      reason: 'VOTED_EARLY',
      document: 'Акт № 1',
      at,
      votingEnds: votingWindow(config, '54').closes,
    });
    const r = await figures();
    expect(r.status).toBe(200);
    expect(r.body.electionId).toBe(election.id);
    expect(r.body.totals).toEqual({ onList: 6, ballotsIssued: 3, ballotsCast: 1, turnoutPercent: 50 });
    expect(r.body.regions.map((x) => x.code)).toEqual(['16', '54']);
    const [tatarstan, novosibirsk] = r.body.regions;
    expect(tatarstan).toMatchObject({
      code: '16',
      name: { ru: 'Республика Татарстан', en: 'Republic of Tatarstan' },
      onList: 3,
      ballotsIssued: 1,
      ballotsCast: 1,
      turnoutPercent: 33.33,
      precincts: [
        { number: '1', onList: 2, ballotsIssued: 1, turnoutPercent: 50 },
        { number: '2', onList: 1, ballotsIssued: 0, turnoutPercent: 0 },
      ],
    });
    // Excluded participants leave "on the list" (P-7.3's count), in the region and the precinct.
    expect(novosibirsk).toMatchObject({
      onList: 3,
      ballotsIssued: 2,
      ballotsCast: 0,
      turnoutPercent: 66.67,
      precincts: [
        { number: '1', onList: 2, ballotsIssued: 1, turnoutPercent: 50 },
        { number: '2', onList: 1, ballotsIssued: 1, turnoutPercent: 100 },
      ],
    });
  });

  test("P-10.2 P-6.1 each region's local time and voting phase, in its own zone", async () => {
    const r = await figures();
    expect(r.body.regions.map((x) => [x.code, x.timeZone, x.localTime, x.voting])).toEqual([
      ['16', 'Europe/Moscow', '18.09.2026 12:00 (МСК)', 'open'],
      ['54', 'Asia/Novosibirsk', '18.09.2026 16:00 (МСК+4)', 'open'],
    ]);
  });

  test('one region alone; a bad region is refused; anyone may read, nothing personal is shown', async () => {
    const one = await figures('?region=54');
    expect(one.body.regions.map((x) => x.code)).toEqual(['54']);
    expect(one.body.totals).toEqual({ onList: 3, ballotsIssued: 2, ballotsCast: 0, turnoutPercent: 66.67 });
    const none = await figures('?region=99');
    expect(none.body.regions).toEqual([]);
    expect((await figures('?region=%20x')).status).toBe(400);
    expect((await figures('?other=1')).status).toBe(400);
    expect(one.headers.get('cache-control')).toBe('public, max-age=1');
    const text = JSON.stringify((await figures()).body);
    for (const p of [...TATARSTAN, ...NOVOSIBIRSK]) {
      expect(text).not.toContain(p.lastName);
      expect(text).not.toContain(p.passport.number);
      expect(text).not.toContain(p.id);
    }
  });

  test('the OpenAPI document describes both routes, the stream as text/event-stream', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    expect(doc.paths['/api/figures']?.get).toBeDefined();
    const content = doc.paths['/api/figures/stream']?.get?.responses?.['200']?.content ?? {};
    expect(Object.keys(content)).toContain('text/event-stream');
  });

  test('P-10.2 without a ballot box connected there is no figure of ballots cast, rather than a false 0', async () => {
    const snapshot = await readFigures(db.pool, election, clock.now(), undefined);
    expect(snapshot.totals).toEqual({ onList: 6, ballotsIssued: 3, turnoutPercent: 50 });
    expect(snapshot.regions.every((x) => !('ballotsCast' in x))).toBe(true);
    expect(turnoutPercent(0, 0)).toBe(0);
    expect(turnoutPercent(2, 3)).toBe(66.67);
  });
});

describe('the counters behind them (migration 015)', () => {
  test('P-3.9 the precinct counters equal a count over the participants, and are written by nobody else', async () => {
    const counted = await db.pool.query<{
      region: string;
      precinct: string;
      on_list: number;
      issued: number;
    }>(
      `SELECT region, precinct, (count(*) FILTER (WHERE excluded_at IS NULL))::int AS on_list,
         (count(*) FILTER (WHERE ballot_access_at IS NOT NULL))::int AS issued
       FROM participants WHERE election_id = $1 GROUP BY region, precinct ORDER BY region, precinct`,
      [election.id],
    );
    const kept = await db.pool.query<{ region: string; precinct: string; on_list: number; issued: number }>(
      `SELECT region, precinct, participant_count - excluded_count AS on_list, ballots_issued AS issued
       FROM precinct_figures WHERE election_id = $1 ORDER BY region, precinct`,
      [election.id],
    );
    expect(kept.rows).toEqual(counted.rows);
    const direct = await db.pool
      .query('UPDATE precinct_figures SET ballots_issued = ballots_issued + 1')
      .catch((e: unknown) => e as { code?: string; constraint?: string });
    expect(direct).toMatchObject({ code: '23001', constraint: 'precinct_figures_counters' });
    const removed = await db.pool
      .query('DELETE FROM precinct_figures')
      .catch((e: unknown) => e as { constraint?: string });
    expect(removed).toMatchObject({ constraint: 'precinct_figures_counters' });
  });
});

describe('the live stream', () => {
  test('P-10.8 a snapshot at once, then a new one when the figures change (ballot access, ballots cast)', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.baseUrl}/api/figures/stream?region=16`, {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    if (response.body === null) throw new Error('no body');
    const stream = events(response.body);
    const first = await next(stream);
    expect(first.data.regions.map((x) => x.code)).toEqual(['16']);
    expect(first.data.totals).toMatchObject({ onList: 3, ballotsIssued: 1, ballotsCast: 1 });

    await store.grantBallotAccess('16', 'f-02', clock.now());
    const second = await next(stream);
    expect(second.data.totals).toMatchObject({ onList: 3, ballotsIssued: 2, turnoutPercent: 66.67 });
    expect(Number(second.id)).toBeGreaterThan(Number(first.id));
    expect(second.data.regions[0]?.precincts[0]).toEqual({
      number: '1',
      onList: 2,
      ballotsIssued: 2,
      turnoutPercent: 100,
    });

    cast = new Map([['16', 2]]);
    const third = await next(stream);
    expect(third.data.totals.ballotsCast).toBe(2);
    controller.abort();
    await stream.return(undefined).catch(() => undefined);
  });

  test('an open stream does not keep the server from closing', async () => {
    const response = await fetch(`${server.baseUrl}/api/figures/stream`);
    if (response.body === null) throw new Error('no body');
    const stream = events(response.body);
    expect((await next(stream)).data.regions).toHaveLength(2);
    // A client that keeps reading sees the stream end; one that stopped reading does not hold
    // the server up for more than the grace period.
    const idle = await fetch(`${server.baseUrl}/api/figures/stream`);
    expect(idle.status).toBe(200);
    const started = Date.now();
    closed = true;
    let after = 0;
    const reading = (async () => {
      for await (const event of stream) after += event.data.regions.length > 0 ? 1 : 0;
    })();
    await server.close();
    expect(Date.now() - started).toBeLessThan(3000);
    await reading;
    expect(after).toBeLessThanOrEqual(1);
  });
});

describe('the ballots cast at a tree size of the ballot box log', () => {
  const boxConfig = keysConfig('figures-ledger-test');
  /** Every region open: 12:00 in Moscow on the second voting day. */
  const boxClock = new ManualClock('2026-09-19T09:00:00Z');
  const REGIONS = ['77', '16', '54'];
  let log: TestLedger;
  let ballots: BallotJson[];
  let boxServer: Server;
  let boxElection: LoadedElection;

  beforeAll(async () => {
    boxElection = await storeElection(db.pool, boxConfig, boxClock.now());
    log = await openTestLedger(db.newPool(), boxConfig.electionId);
    const issuers = await issuerKeyPairs(boxConfig);
    const g = await loadGroup(boxConfig.suite, 'noble');
    const keyGroups = boxConfig.keyGroups.map((k) =>
      keyGroupDef(
        g,
        k.id,
        generateKey(
          g,
          keyCeremonyContext(boxConfig.electionId, boxConfig.suite, k.id),
          { n: 3, k: 2 },
          'dealer',
        ).key,
      ),
    );
    const built = buildManifest(
      boxConfig,
      keyGroups,
      BALLOT_SOURCE,
      new Map([...issuers].map(([code, k]) => [code, k.spki])),
    );
    if (!built.ok) throw new Error(built.problem);
    const sha256 = Buffer.from(manifestHash(built.manifest)).toString('hex');
    const entry = await log.ledger.append({
      type: 'manifest',
      sha256,
      manifest: built.manifest as unknown as JsonValue,
    });
    if (!entry.ok) throw entry.error;
    await db.pool.query(
      `INSERT INTO election_manifests (election_id, manifest, sha256, ledger_index, fixed_at)
       VALUES ($1, $2, decode($3, 'hex'), $4, $5)`,
      [boxConfig.electionId, canonicalJson(built.manifest), sha256, entry.value.index, boxClock.now()],
    );
    const election = await openElection(built.manifest);
    // The figures show the regions with a compiled list: one participant in each.
    const lists = new ParticipantListStore(db.pool, boxConfig.electionId);
    for (const region of REGIONS) {
      await lists.importList(region, [participant('1')], { compiledAt: new Date('2026-09-17T10:00:00Z') });
    }
    ballots = await Promise.all(
      Array.from({ length: 48 }, async (_, i) => {
        const region = REGIONS[i % REGIONS.length] ?? '77';
        const { blindedMessage, pending } = await requestCredential(election, region);
        const issuer = issuers.get(region);
        if (issuer === undefined) throw new Error('no issuer');
        const credential = await finishCredential(
          election,
          pending,
          blindSign(issuer.privateKey, blindedMessage),
        );
        return castBallot(election, encryptVote(election, region, [['c1']]).json, credential);
      }),
    );
    boxServer = await startServer({
      clock: boxClock,
      db: { pool: db.pool },
      roles: { election: boxElection },
      figures: { castCounts: () => castCounts(db.pool, boxConfig.electionId), pollMs: 1, refreshMs: 10_000 },
    });
  }, 180_000);
  afterAll(async () => {
    await boxServer.close();
    await log.ledger.close();
  });

  /** The ballot entries of the ledger's table at index < size, per region. */
  async function ballotEntries(size: number): Promise<Map<string, number>> {
    const r = await db.pool.query<{ region: string; n: string }>(
      `SELECT convert_from(data, 'UTF8')::jsonb #>> '{ballot,vote,region}' AS region, count(*) AS n
       FROM ledger_entry WHERE log_id = $1 AND idx < $2
         AND convert_from(data, 'UTF8')::jsonb ->> 'type' = 'ballot'
       GROUP BY 1`,
      [log.origin, size],
    );
    return new Map(r.rows.map((row) => [row.region, Number(row.n)]));
  }

  test('P-10.2 P-11.10.4 under concurrent casts every snapshot carries a signed tree size whose ballot entries are exactly its ballots cast, per region', async () => {
    const box = await buildBallotBoxApp({
      pool: db.pool,
      clock: boxClock,
      manifest: storedManifestSource(db.pool, boxConfig.electionId),
      log: log.ledger,
      votingWindows: votingWindows(boxConfig),
      validationWorkers: 0,
      logger: { level: 'silent' },
    });
    await box.listen({ port: 0, host: '127.0.0.1' });
    const snapshots: FiguresSnapshot[] = [];
    const progress = { casting: true };
    try {
      // Ballots go in, four at a time (several batches, each its own commit), while the figures
      // are read over HTTP as often as they answer.
      const cast = (async () => {
        try {
          for (let i = 0; i < ballots.length; i += 4) {
            const answers = await Promise.all(
              ballots.slice(i, i + 4).map((b) =>
                fetch(`${box.listeningOrigin}/api/box/ballots`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify(b),
                }),
              ),
            );
            for (const a of answers) expect(a.status).toBe(201);
          }
        } finally {
          progress.casting = false;
        }
      })();
      const read = (async () => {
        while (progress.casting) {
          const r = await fetch(`${boxServer.baseUrl}/api/figures`);
          snapshots.push((await r.json()) as FiguresSnapshot);
        }
      })();
      await Promise.all([cast, read]);
    } finally {
      await box.close();
    }
    snapshots.push((await (await fetch(`${boxServer.baseUrl}/api/figures`)).json()) as FiguresSnapshot);
    const sized = snapshots.filter((s) => s.ledger !== undefined);
    // The reads overlapped the casts: many snapshots, at several sizes, the last one with them all.
    expect(snapshots.length).toBeGreaterThan(5);
    expect(new Set(sized.map((s) => s.ledger?.treeSize)).size).toBeGreaterThan(2);
    const last = snapshots.at(-1);
    expect(last?.ledger?.treeSize).toBe(ballots.length + 1);
    expect(last?.totals.ballotsCast).toBe(ballots.length);
    for (const s of sized) {
      const ledger = s.ledger as NonNullable<FiguresSnapshot['ledger']>;
      const entries = await ballotEntries(ledger.treeSize);
      const published = new Map(s.regions.map((r) => [r.code, r.ballotsCast ?? 0]));
      for (const region of REGIONS) expect(published.get(region) ?? 0).toBe(entries.get(region) ?? 0);
      expect(s.totals.ballotsCast).toBe([...entries.values()].reduce((a, b) => a + b, 0));
      // The size is the log's own statement: a signed checkpoint of that size and root.
      const opened = openCheckpoint(ledger.checkpoint, [log.verifier]);
      expect(opened.ok && opened.value.checkpoint.size).toBe(ledger.treeSize);
      expect(opened.ok && Buffer.from(opened.value.checkpoint.root).toString('base64')).toBe(ledger.rootHash);
    }
    // Without a signature of the log's key the checkpoint does not open (the check above can fail).
    const other = ed25519NoteVerifier(
      log.origin,
      ed25519NoteSigner(log.origin, new Uint8Array(32).fill(1)).publicKey,
    );
    if (other === undefined) throw new Error('no verifier');
    expect(openCheckpoint(last?.ledger?.checkpoint ?? '', [other]).ok).toBe(false);
    // Most snapshots carry a size (a box that moves during every one of its tries has none).
    expect(sized.length / snapshots.length).toBeGreaterThan(0.5);
    console.info(`figures: ${snapshots.length} snapshots, ${sized.length} with a tree size`);
  }, 180_000);

  test('P-10.2 the tree size is in the OpenAPI schema and in one region’s figures', async () => {
    const doc = (await (await fetch(`${boxServer.baseUrl}/openapi.json`)).json()) as {
      paths: Record<
        string,
        {
          get?: {
            responses?: Record<
              string,
              { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }
            >;
          };
        }
      >;
    };
    const schema = doc.paths['/api/figures']?.get?.responses?.['200']?.content?.['application/json']?.schema;
    expect(Object.keys(schema?.properties ?? {})).toContain('ledger');
    const one = (await (await fetch(`${boxServer.baseUrl}/api/figures?region=16`)).json()) as FiguresSnapshot;
    expect(one.ledger?.treeSize).toBe(ballots.length + 1);
    expect(one.totals.ballotsCast).toBe((await ballotEntries(one.ledger?.treeSize ?? 0)).get('16'));
  });
});
