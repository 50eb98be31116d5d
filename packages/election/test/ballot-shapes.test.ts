// Round trips for every ballot shape the manifest allows — encrypt, cast, validate, tally, decrypt,
// verify — and the refusals: selections a question does not allow (BAD_SELECTION), and Benaloh's
// challenge (the challenged vote opens to the shown choice and is never counted, B.10). The round trip
// runs on each suite and backend too: the verifier's verdict must not depend on either.
import { beforeAll, describe, expect, test } from 'vitest';
import { castBallot, challengeVote, encryptVote } from '../src/ballot.ts';
import type { BallotJson, ChallengedVoteJson, Selection } from '../src/ballot.ts';
import { ElectionError } from '../src/errors.ts';
import type { BallotStyleDef, QuestionDef } from '../src/manifest.ts';
import { closeElection, setUpElection, vote } from '../src/testing/simulate.ts';
import type { SimulatedElection, SimulationConfig } from '../src/testing/simulate.ts';
import { validateBallot, verifyChallengedVote } from '../src/validate.ts';
import { verifyRecord } from '../src/verify.ts';
import { DEG_BALLOT, failedChecks, issueCredential, REGIONS } from './fixtures.ts';

const option = (id: string, ru: string): QuestionDef['options'][number] => ({ id, label: { ru } });

const DEG_NO_BLANK: BallotStyleDef = {
  ...DEG_BALLOT,
  id: 'federal-no-blank',
  questions: DEG_BALLOT.questions.map((q) => ({ ...q, blank: false })),
};

const REFERENDUM: BallotStyleDef = {
  id: 'referendum',
  title: { ru: 'Референдум', en: 'Referendum' },
  questions: [
    {
      id: 'amendment',
      text: { ru: 'Одобряете ли вы поправку?', en: 'Do you approve the amendment?' },
      options: [option('yes', 'Да'), option('no', 'Нет')],
      min: 1,
      max: 1,
      blank: false,
    },
  ],
};

const TWO_TO_THREE_OF_FIVE: BallotStyleDef = {
  id: 'council',
  title: { ru: 'Выборы депутатов', en: 'Council election' },
  questions: [
    {
      id: 'council',
      text: { ru: 'Отметьте от двух до трёх кандидатов', en: 'Mark two to three candidates' },
      options: ['a', 'b', 'c', 'd', 'e'].map((id) => option(id, `Кандидат ${id}`)),
      min: 2,
      max: 3,
      blank: false,
    },
  ],
};

const TWO_QUESTIONS: BallotStyleDef = {
  id: 'combined',
  title: { ru: 'Единый день голосования', en: 'Combined ballot' },
  questions: [
    { ...(DEG_BALLOT.questions[0] as QuestionDef), id: 'governor' },
    { ...(REFERENDUM.questions[0] as QuestionDef), id: 'question' },
  ],
};

/** One region, 2-of-3 keys: the smallest election that still runs threshold decryption. */
const oneRegion = (ballotStyle: BallotStyleDef, extra: Partial<SimulationConfig> = {}): SimulationConfig => ({
  regions: [REGIONS[0]!],
  ballotStyle,
  threshold: { n: 3, k: 2 },
  ...extra,
});

/** Votes the plan, closes, verifies; returns the counts of the one region (blank first). */
async function roundTrip(
  sim: SimulatedElection,
  plan: readonly (readonly Selection[])[],
): Promise<number[][]> {
  const ballots: BallotJson[] = [];
  for (const selections of plan) ballots.push((await vote(sim, '77', selections)).ballot);
  const record = await closeElection(sim, ballots, [], { holders: [3, 1] });
  const report = await verifyRecord(record);
  expect(failedChecks(report)).toEqual([]);
  expect(report.verifiedResults).toEqual(record.results);
  const result = record.results.find((r) => r.region === '77');
  expect(result?.ballots).toBe(plan.length);
  return (result?.counts ?? []).map((row) => [...row]);
}

describe('round trips for every ballot shape', () => {
  test('DEG one-of-N with a blank vote (P-7.9 line 4 counts the blanks)', async () => {
    const sim = await setUpElection(oneRegion(DEG_BALLOT));
    const counts = await roundTrip(sim, [[['a']], [['c']], ['blank'], [['c']]]);
    expect(counts).toEqual([[1, 1, 0, 2]]);
  });

  test('DEG one-of-N without a blank vote', async () => {
    const sim = await setUpElection(oneRegion(DEG_NO_BLANK));
    const counts = await roundTrip(sim, [[['b']], [['b']], [['a']]]);
    expect(counts).toEqual([[1, 2, 0]]);
  });

  test('a yes/no referendum', async () => {
    const sim = await setUpElection(oneRegion(REFERENDUM));
    const counts = await roundTrip(sim, [[['yes']], [['no']], [['yes']]]);
    expect(counts).toEqual([[2, 1]]);
  });

  test('choose between 2 and 3 of 5', async () => {
    const sim = await setUpElection(oneRegion(TWO_TO_THREE_OF_FIVE));
    const counts = await roundTrip(sim, [[['a', 'e']], [['b', 'c', 'e']]]);
    expect(counts).toEqual([[1, 1, 1, 0, 2]]);
  });

  test('a ballot style with two questions', async () => {
    const sim = await setUpElection(oneRegion(TWO_QUESTIONS));
    const counts = await roundTrip(sim, [
      [['a'], ['yes']],
      ['blank', ['no']],
      [['a'], ['no']],
    ]);
    expect(counts).toEqual([
      [1, 2, 0, 0],
      [1, 2],
    ]);
  });
});

describe('selections a ballot does not allow are refused with BAD_SELECTION', () => {
  let sim: SimulatedElection;
  beforeAll(async () => {
    sim = await setUpElection({
      regions: [REGIONS[0]!],
      // Two styles cannot share a region; the two-question style covers a 1-of-N with blank and a
      // referendum, and the 2–3-of-5 style is checked through its own manifest below.
      ballotStyle: TWO_QUESTIONS,
      threshold: { n: 3, k: 2 },
    });
  });

  const refused = (f: () => unknown): void => {
    let error: unknown;
    try {
      f();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ElectionError);
    expect((error as ElectionError).code).toBe('BAD_SELECTION');
  };

  test.each<[string, Selection[]]>([
    ['two marks where one is allowed', [['a', 'b'], ['yes']]],
    ['no mark where one is required', [[], ['yes']]],
    ['an option that does not exist', [['z'], ['yes']]],
    ['the same option twice', [['a', 'a'], ['yes']]],
    ['a blank vote where the question has none', [['a'], 'blank']],
    ['one selection for two questions', [['a']]],
    ['three selections for two questions', [['a'], ['yes'], ['no']]],
  ])('%s', (_, selections) => {
    refused(() => encryptVote(sim.election, '77', selections));
  });

  test('one mark or four marks where 2 to 3 are allowed', async () => {
    const council = await setUpElection(oneRegion(TWO_TO_THREE_OF_FIVE));
    refused(() => encryptVote(council.election, '77', [['a']]));
    refused(() => encryptVote(council.election, '77', [['a', 'b', 'c', 'd']]));
    expect(() => encryptVote(council.election, '77', [['a', 'b', 'c']])).not.toThrow();
  });
});

describe('Benaloh challenge (cast-as-intended)', () => {
  let sim: SimulatedElection;
  beforeAll(async () => {
    sim = await setUpElection(oneRegion(TWO_QUESTIONS));
  });

  test('a challenged vote opens to the choice the device showed', () => {
    const shown: Selection[] = [['b'], ['no']];
    const v = encryptVote(sim.election, '77', shown);
    const challenged = challengeVote(sim.election.group, v);
    const r = verifyChallengedVote(sim.election, challenged);
    expect(r).toEqual({ ok: true, selections: shown, tracker: v.tracker });
  });

  test('C.2 an opening that claims another choice does not match the encryption', () => {
    const v = encryptVote(sim.election, '77', [['b'], ['no']]);
    const challenged = challengeVote(sim.election.group, v);
    // A lying device shows "a" but encrypted "b": swap the marks of a and b in the first answer.
    const marks = [...(challenged.openings[0]?.marks ?? [])];
    [marks[1], marks[2]] = [marks[2] ?? 0, marks[1] ?? 0];
    const lie: ChallengedVoteJson = {
      ...challenged,
      openings: [{ ...challenged.openings[0]!, marks }, challenged.openings[1]!],
    };
    const r = verifyChallengedVote(sim.election, lie);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.failures.map((f) => f.check)).toEqual(['C.2']);
  });

  test('B.10 a challenged vote cast with a valid credential is refused and never counted', async () => {
    const v = encryptVote(sim.election, '77', [['c'], ['yes']]);
    const challenged = challengeVote(sim.election.group, v);
    // The challenged vote itself carries no credential; someone who saw it attaches a valid one.
    const credential = await issueCredential(sim, '77');
    const ballot = castBallot(sim.election, challenged.vote, credential);
    const challengedTrackers = new Set([v.tracker.hash]);
    const r = await validateBallot(sim.election, ballot, { isChallenged: (t) => challengedTrackers.has(t) });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.failures.map((f) => f.check)).toEqual(['B.10']);

    // In a record: the verifier refuses it (V.3 B.10, V.5) and counts only the honest ballot.
    const honest = (await vote(sim, '77', [['a'], ['no']])).ballot;
    const record = await closeElection(sim, [honest], [challenged]);
    const withCast = { ...record, ballots: [...record.ballots, ballot] };
    const report = await verifyRecord(withCast);
    expect(failedChecks(report)).toEqual(['V.3/B.10@ballot #1', 'V.5@ballot #1']);
    expect(report.verifiedResults.map((x) => x.counts)).toEqual([
      [
        [0, 1, 0, 0],
        [0, 1],
      ],
    ]);
  });
});

describe('suites and backends give the same verdict', () => {
  test('ristretto255: a record made on noble and one made on libsodium verify alike on both backends', async () => {
    const reports = [];
    for (const made of ['noble', 'libsodium'] as const) {
      const sim = await setUpElection({
        regions: REGIONS,
        ballotStyle: DEG_BALLOT,
        threshold: { n: 3, k: 2 },
        backend: made,
      });
      expect(sim.election.group.backend).toBe(made);
      const ballots = [(await vote(sim, '77', [['a']])).ballot, (await vote(sim, '39', ['blank'])).ballot];
      const record = await closeElection(sim, ballots, []);
      // The same tampering on both: a count changed by one.
      const tampered = structuredClone(record) as typeof record & { results: { counts: number[][] }[] };
      tampered.results[0]!.counts[0]![1]! += 1;
      for (const backend of ['noble', 'libsodium'] as const) {
        const good = await verifyRecord(record, { backend });
        const bad = await verifyRecord(tampered, { backend });
        expect(good.ok).toBe(true);
        expect(failedChecks(bad)).toEqual([`V.8@region ${record.results[0]!.region}`]);
        reports.push({ good, bad });
      }
    }
    // Identical reports, failures and messages included, whichever backend made or checked the record.
    const first = reports[0]!;
    for (const r of reports) {
      expect(r.good.checks).toEqual(first.good.checks);
      expect(r.bad.checks).toEqual(first.bad.checks);
    }
  });

  test('gost256b: a small election round trips and verifies, and tampering is caught alike', async () => {
    const sim = await setUpElection({
      suite: 'gost256b',
      backend: 'noble',
      regions: [REGIONS[0]!],
      ballotStyle: REFERENDUM,
      threshold: { n: 3, k: 2 },
    });
    const ballots = [(await vote(sim, '77', [['yes']])).ballot, (await vote(sim, '77', [['no']])).ballot];
    const record = await closeElection(sim, ballots, []);
    expect(record.results[0]?.counts).toEqual([[1, 1]]);
    expect(failedChecks(await verifyRecord(record))).toEqual([]);
    const tampered = structuredClone(record) as typeof record & { results: { counts: number[][] }[] };
    tampered.results[0]!.counts[0]![0]! += 1;
    expect(failedChecks(await verifyRecord(tampered))).toEqual(['V.8@region 77']);
  });
});
