// The election record from the ledger's entries (issue 6): a simulated election (two regions in two
// key groups, a challenged vote) written out as the ledger holds it — key ceremonies, the manifest,
// ballots and challenged votes in cast order, and the close's entries, including those that are not
// part of the record — gives back the record the simulation closed with, and `verifyRecord` passes
// on it. A log that is not a record is refused with RECORD_INVALID, naming the entry.
import { beforeAll, describe, expect, test } from 'vitest';
import { ElectionError } from '../src/errors.ts';
import type { ElectionRecordOut } from '../src/record.ts';
import { recordFromLedgerEntries } from '../src/record-from-ledger.ts';
import { closeElection, setUpElection, vote } from '../src/testing/simulate.ts';
import type { SimulatedElection } from '../src/testing/simulate.ts';
import { verifyRecord } from '../src/verify.ts';
import { DEG_BALLOT, REGIONS } from './fixtures.ts';

let sim: SimulatedElection;
let record: ElectionRecordOut;
let entries: Record<string, unknown>[];

beforeAll(async () => {
  sim = await setUpElection({ regions: REGIONS, ballotStyle: DEG_BALLOT, threshold: { n: 3, k: 2 } });
  const first = await vote(sim, '77', [['a']], { challengeFirst: [['b']] });
  const ballots = [
    first.ballot,
    (await vote(sim, '39', [['c']])).ballot,
    (await vote(sim, '77', ['blank'])).ballot,
  ];
  const challenged = first.challenged === undefined ? [] : [first.challenged];
  record = await closeElection(sim, ballots, challenged);
  entries = [
    ...sim.manifest.keyGroups.map((k) => ({ type: 'key-ceremony', keyGroup: k.id, publicKey: k.publicKey })),
    { type: 'manifest', sha256: '0'.repeat(64), manifest: sim.manifest },
    { type: 'challenged', vote: challenged[0] },
    { type: 'ballot', sha256: '1'.repeat(64), ballot: ballots[0] },
    { type: 'verification', tracker: 'x' },
    { type: 'ballot', sha256: '2'.repeat(64), ballot: ballots[1] },
    { type: 'ballot', sha256: '3'.repeat(64), ballot: ballots[2] },
    ...record.tallies.map((tally) => ({ type: 'tally', tally })),
    { type: 'final-lists', keyGroup: 'main', sha256: '4'.repeat(64), regions: [] },
    { type: 'partial-decryption', keyGroup: 'main', region: '77', index: 1, values: [] },
    ...record.decryptions.map((decryption) => ({ type: 'decryption', decryption })),
    ...record.results.map((result) => ({ type: 'result', result })),
    { type: 'protocol', sha256: '5'.repeat(64), region: '77', lines: [] },
    { type: 'something-new' },
  ];
}, 120_000);

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof ElectionError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'accepted';
};

describe('P-10.10 recordFromLedgerEntries: the election record from the ledger alone (issue 6)', () => {
  test('the ledger gives the record the election closed with, and verifyRecord passes on it', async () => {
    const r = recordFromLedgerEntries(entries);
    expect(r).toEqual(JSON.parse(JSON.stringify(record)));
    const report = await verifyRecord(r);
    expect(
      report.checks.filter((c) => !c.ok),
      JSON.stringify(report.checks),
    ).toEqual([]);
    expect(report.ballots).toBe(3);
  });

  test('ballots stay in ledger order: two ballots swapped give a record whose ballots are swapped', () => {
    const swapped = [...entries];
    const [i, j] = entries.flatMap((e, k) => (e.type === 'ballot' ? [k] : []));
    if (i === undefined || j === undefined) throw new Error('fixture: two ballots');
    [swapped[i], swapped[j]] = [entries[j] as Record<string, unknown>, entries[i] as Record<string, unknown>];
    expect(recordFromLedgerEntries(swapped).ballots).toEqual(
      [record.ballots[1], record.ballots[0], record.ballots[2]].map(
        (b) => JSON.parse(JSON.stringify(b)) as unknown,
      ),
    );
  });

  test('a result missing from the ledger is missing from the record, and the verifier names V.9', async () => {
    const without = entries.filter(
      (e) => !(e.type === 'result' && (e.result as { region: string }).region === '39'),
    );
    const report = await verifyRecord(recordFromLedgerEntries(without));
    expect(report.checks.filter((c) => !c.ok).map((c) => c.id)).toEqual(['V.9']);
  });

  test('a log that is not a record is refused, naming the entry', () => {
    const manifestAt = entries.findIndex((e) => e.type === 'manifest');
    expect(refusal(() => recordFromLedgerEntries(entries.filter((e) => e.type !== 'manifest')))).toMatch(
      /^RECORD_INVALID: ledger entry \d+: a challenged entry before the manifest/,
    );
    expect(refusal(() => recordFromLedgerEntries(entries.filter((e) => e.type === 'key-ceremony')))).toBe(
      'RECORD_INVALID: the ledger has no manifest entry',
    );
    expect(refusal(() => recordFromLedgerEntries([...entries, entries[manifestAt]]))).toBe(
      `RECORD_INVALID: ledger entry ${entries.length} is a second manifest (the first is entry ${manifestAt})`,
    );
    expect(refusal(() => recordFromLedgerEntries([...entries, null]))).toBe(
      `RECORD_INVALID: ledger entry ${entries.length} is not a typed object`,
    );
    expect(refusal(() => recordFromLedgerEntries([...entries, { type: 'result', counts: [] }]))).toBe(
      `RECORD_INVALID: ledger entry ${entries.length}: a result entry without result`,
    );
  });
});
