// The ballot box's public API as the voting page and "find my ballot" use it: the election
// manifest, casting a signed ballot (a resend of the same ballot returns the same receipt), and a
// receipt by tracker. The box never learns who votes: these calls carry no identity.
import { requestJson } from '../api.ts';
import type { BallotJson, ChallengedVoteJson } from './ballot-crypto.ts';

const MANIFEST_FORMAT = 'opendeg-manifest/1';

/** The manifest JSON (checked by the election package when opened). */
export async function fetchManifest(): Promise<unknown> {
  const body = await requestJson<Record<string, unknown>>('GET', '/api/election/manifest');
  return body.format === MANIFEST_FORMAT ? body : body.manifest;
}

/** The ballot box's receipt (apps/server/src/ballot-box/routes.ts ReceiptView). */
export interface BoxReceipt {
  readonly tracker: string;
  readonly trackerCode: string;
  /** The ballot's region; null for a challenged vote. */
  readonly region: string | null;
  readonly index: number;
  readonly leafHash: string;
  readonly inclusionProof: readonly string[];
  /** The C2SP signed checkpoint the proof is against. */
  readonly checkpoint: string;
  readonly treeSize: number;
  readonly rootHash: string;
}

/** Sends the ballot; the same ballot again gets the same receipt. */
export async function sendBallot(ballot: BallotJson): Promise<BoxReceipt> {
  return (await requestJson<{ receipt: BoxReceipt }>('POST', '/api/box/ballots', { body: ballot })).receipt;
}

/** Publishes a challenged (revealed) vote: entered in the ledger for anyone to check, never counted. */
export async function publishChallenged(vote: ChallengedVoteJson): Promise<BoxReceipt> {
  return (await requestJson<{ receipt: BoxReceipt }>('POST', '/api/box/challenged', { body: vote })).receipt;
}

/** The receipt of a tracker, against the box's latest checkpoint. */
export async function fetchReceipt(trackerHash: string): Promise<BoxReceipt> {
  return (
    await requestJson<{ receipt: BoxReceipt }>('GET', `/api/box/receipts/${encodeURIComponent(trackerHash)}`)
  ).receipt;
}
