/**
 * The election record built from the ledger (issue 6): the ballot box's log holds every public part
 * of the election as typed entries, so the record an observer verifies is a function of the log
 * alone. Each entry type contributes one member:
 *
 *   manifest      { manifest }            manifest.json (exactly one, before any ballot)
 *   ballot        { ballot, sha256 }      ballots.jsonl, in ledger order
 *   challenged    { vote }                challenged.jsonl, in ledger order
 *   tally         { tally }               tallies.json (RegionTallyJson), published at the close
 *   decryption    { decryption }          decryptions.json (RegionDecryptionJson)
 *   result        { result }              results.json (RegionResultJson)
 *
 * Other entries (key ceremonies, verification transactions, the close's partial decryptions, final
 * lists, protocols and invalidations) are not part of the record and are skipped. Nothing here
 * checks cryptography: `verifyRecord` does that on the result, and names what fails.
 */

import { ElectionError } from './errors.ts';
import type { ElectionRecord } from './record.ts';

/** What each record member is taken from: the entry type and the member holding the value. */
const MEMBERS = {
  ballot: ['ballots', 'ballot'],
  challenged: ['challenged', 'vote'],
  tally: ['tallies', 'tally'],
  decryption: ['decryptions', 'decryption'],
  result: ['results', 'result'],
} as const;

type Collected = Record<(typeof MEMBERS)[keyof typeof MEMBERS][0], unknown[]>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The record of the ledger's decoded entries (in ledger order, e.g. `decodeEntry(bytes).value` of
 * each). Throws RECORD_INVALID when an entry is not a typed object, a record entry lacks its value,
 * there is no manifest, a second one, or a ballot before it.
 */
export function recordFromLedgerEntries(entries: readonly unknown[]): ElectionRecord {
  let manifest: unknown;
  let manifestAt = -1;
  const out: Collected = { ballots: [], challenged: [], tallies: [], decryptions: [], results: [] };
  entries.forEach((e, index) => {
    if (!isObject(e) || typeof e.type !== 'string')
      throw new ElectionError('RECORD_INVALID', `ledger entry ${index} is not a typed object`);
    if (e.type === 'manifest') {
      if (manifestAt >= 0)
        throw new ElectionError(
          'RECORD_INVALID',
          `ledger entry ${index} is a second manifest (the first is entry ${manifestAt})`,
        );
      if (!isObject(e.manifest))
        throw new ElectionError(
          'RECORD_INVALID',
          `ledger entry ${index}: a manifest entry without its manifest`,
        );
      manifest = e.manifest;
      manifestAt = index;
      return;
    }
    if (!Object.hasOwn(MEMBERS, e.type)) return;
    const [member, field] = MEMBERS[e.type as keyof typeof MEMBERS];
    if (manifestAt < 0)
      throw new ElectionError(
        'RECORD_INVALID',
        `ledger entry ${index}: a ${e.type} entry before the manifest`,
      );
    if (!Object.hasOwn(e, field))
      throw new ElectionError('RECORD_INVALID', `ledger entry ${index}: a ${e.type} entry without ${field}`);
    out[member].push(e[field]);
  });
  if (manifestAt < 0) throw new ElectionError('RECORD_INVALID', 'the ledger has no manifest entry');
  return { manifest, ...out };
}
