// The demo's fictional voters and what each does through the HTTP API, as a browser and the voter's
// device do it: the application (login through the identity stand-in, the SMS code read from the
// training outbox, filing, P-2), and on voting day the conditions, the SMS code, the blind-signed
// credential, the vote encrypted here with packages/election, Benaloh challenges for a few, the cast
// and the receipt checked (tracker, signed checkpoint, inclusion proof; P-6.3–P-6.10). The demo
// knows every choice: that is what it later compares with the count.
import { fromBase64, toBase64 } from '@opendeg/crypto';
import type { ElectionConfig } from '@opendeg/deg';
import {
  castBallot,
  challengeVote,
  encryptVote,
  finishCredential,
  requestCredential,
  trackerOf,
  verifyChallengedVote,
  type Election,
  type Selection,
} from '@opendeg/election';
import { openCheckpoint, verifyInclusion, type NoteVerifier } from '@opendeg/ledger';
import type { RegisterAccount } from '@opendeg/server';
import { Browser, DemoError } from './http.ts';

export interface DemoVoter {
  readonly account: RegisterAccount;
  /** Filled in by the application. */
  applicationId?: string;
  region: string;
  precinct?: string;
  /** The choice the demo makes for this voter (one question). */
  choice?: Selection;
  /** The receipt's tracker once cast. */
  tracker?: string;
}

/** A small deterministic generator (mulberry32): the same seed, the same voters and choices. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Accounts of the generated register that may file an application in this election: confirmed
 * account and phone, matched to the voter register (P-2.3), of age on the first voting day, and
 * registered in a region of the configuration that has precincts.
 */
export function eligibleAccounts(
  register: readonly RegisterAccount[],
  config: ElectionConfig,
): RegisterAccount[] {
  const regions = new Set(config.regions.filter((r) => r.precincts.length > 0).map((r) => r.code));
  const first = config.schedule.voting.firstDay;
  const adultBorn = `${String(Number(first.slice(0, 4)) - 18)}${first.slice(4)}`;
  return register.filter(
    (a) =>
      a.accountConfirmed &&
      a.phoneConfirmed &&
      a.registerMatched &&
      regions.has(a.address.regionCode) &&
      a.birthDate < adultBorn,
  );
}

/** The six-digit code of the latest SMS the training outbox holds for a phone. */
export async function latestCode(browser: Browser, phone: string): Promise<string> {
  const r = await browser.must<{ messages: { text: string }[] }>(
    'SMS-ящик / SMS outbox',
    'GET',
    `/dev/sms?phone=${encodeURIComponent(phone)}`,
  );
  const code = /\b(\d{6})\b/.exec(r.messages[0]?.text ?? '')?.[1];
  if (code === undefined)
    throw new DemoError('NO_SMS_CODE', 'в SMS-ящике нет кода / no code in the SMS outbox');
  return code;
}

/** P-2: log in, ask for the code, file the application with it. */
export async function apply(baseUrl: string, v: DemoVoter): Promise<void> {
  const b = new Browser(baseUrl);
  await b.logIn(v.account.id);
  await b.must('код заявления / application code', 'POST', '/api/applications/code', {});
  const code = await latestCode(b, v.account.phone);
  const filed = await b.must<{ application: { id: string; region: string; precinct: string } }>(
    'заявление / application',
    'POST',
    '/api/applications',
    { code },
  );
  v.applicationId = filed.application.id;
  v.region = filed.application.region;
  v.precinct = filed.application.precinct;
}

export interface VoteOptions {
  readonly election: Election<unknown>;
  readonly conditionsVersion: string;
  readonly verifier: NoteVerifier;
  /** Benaloh challenges before the cast (each one's opening checked and published). */
  readonly challenges: number;
}

export interface VoteOutcome {
  readonly tracker: string;
  readonly challenged: number;
}

/** The identity side up to the code (P-6.6–P-6.8): conditions, code, code entered. */
export async function readyToVote(b: Browser, v: DemoVoter, conditionsVersion: string): Promise<void> {
  await b.must('условия / conditions', 'POST', '/api/voting/conditions', { version: conditionsVersion });
  await b.must('код голосования / voting code', 'POST', '/api/voting/code', {});
  const code = await latestCode(b, v.account.phone);
  await b.must('ввод кода / code entry', 'POST', '/api/voting/code/confirm', { code });
}

/** One voter's whole vote; throws a DemoError on any refusal or a receipt that does not check. */
export async function vote(baseUrl: string, v: DemoVoter, o: VoteOptions): Promise<VoteOutcome> {
  if (v.choice === undefined) throw new DemoError('NO_CHOICE', 'no choice made for a voter');
  const b = new Browser(baseUrl);
  await b.logIn(v.account.id);
  await readyToVote(b, v, o.conditionsVersion);
  // P-6.9: the blinded credential out, the blind signature back, unblinded and checked here.
  // Blinded and finalized by crypto's Node client (registered by the demo): the browser's bytes.
  const { blindedMessage, pending } = await requestCredential(o.election, v.region);
  const issued = await b.must<{ region: string; blindSignature: string }>(
    'анонимизация / credential',
    'POST',
    '/api/voting/credential',
    { blindedMessage: toBase64(blindedMessage) },
  );
  const credential = await finishCredential(o.election, pending, fromBase64(issued.blindSignature));
  // The box is anonymous: a fresh client without the session's cookies.
  const box = new Browser(baseUrl);
  let encrypted = encryptVote(o.election, v.region, [v.choice]);
  for (let i = 0; i < o.challenges; i++) {
    const challenged = challengeVote(o.election.group, encrypted);
    const check = verifyChallengedVote(o.election, challenged);
    if (!check.ok || JSON.stringify(check.selections) !== JSON.stringify([v.choice])) {
      throw new DemoError('CHALLENGE_FAILED', 'вызов Бенало не прошёл проверку / a Benaloh challenge failed');
    }
    await box.must('вызов Бенало / Benaloh challenge', 'POST', '/api/box/challenged', challenged);
    encrypted = encryptVote(o.election, v.region, [v.choice]);
  }
  const ballot = castBallot(o.election, encrypted.json, credential);
  const { receipt } = await box.must<{ receipt: Receipt }>(
    'бюллетень / ballot',
    'POST',
    '/api/box/ballots',
    ballot,
  );
  checkReceipt(receipt, trackerOf(encrypted.json).hash, o.verifier);
  v.tracker = receipt.tracker;
  return { tracker: receipt.tracker, challenged: o.challenges };
}

export interface Receipt {
  readonly tracker: string;
  readonly trackerCode: string;
  readonly region: string | null;
  readonly index: number;
  readonly leafHash: string;
  readonly inclusionProof: readonly string[];
  readonly checkpoint: string;
  readonly treeSize: number;
  readonly rootHash: string;
}

/** The voter's own receipt check: my tracker, a checkpoint the ballot box signed, my leaf in its tree. */
export function checkReceipt(r: Receipt, tracker: string, verifier: NoteVerifier): void {
  const bad = (what: string): never => {
    throw new DemoError('RECEIPT_INVALID', `квитанция не прошла проверку / the receipt failed: ${what}`);
  };
  if (r.tracker !== tracker) bad('tracker');
  const cp = openCheckpoint(r.checkpoint, [verifier]);
  if (!cp.ok) return bad(`checkpoint (${cp.error.message})`);
  if (cp.value.checkpoint.size !== r.treeSize) bad('tree size');
  const proof = verifyInclusion(
    fromBase64(r.leafHash),
    r.index,
    r.treeSize,
    r.inclusionProof.map((p) => fromBase64(p)),
    cp.value.checkpoint.root,
  );
  if (!proof.ok) bad(`inclusion proof (${proof.error.message})`);
}
