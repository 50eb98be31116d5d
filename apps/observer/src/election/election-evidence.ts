/**
 * Offline re-check of election evidence (`invalid-entry`, `record-invalid`): the entries come with
 * inclusion proofs in a log-signed checkpoint (checked by `verifyEvidence`), so here only the
 * election's own rules are re-run on them — B.1–B.10, C.1–C.2, E.1–E.5, and V.7/V.8 of the record
 * verifier on the published tallies, decryptions and results, and L.1–L.6 on a published protocol.
 */

import { createHash } from 'node:crypto';

import { canonicalJsonBytes } from '@opendeg/crypto';
import {
  credentialId,
  openElection,
  parseManifest,
  trackerOf,
  validateBallot,
  verifyChallengedVote,
  verifyRecord,
  type CheckFailure,
  type Election,
  type EncryptedVoteJson,
} from '@opendeg/election';
import { decodeEntry, type LedgerEntry } from '@opendeg/ledger';

import { msg, type Message } from '../errors.ts';
import type { ElectionEvidenceCheck, OpenedLeaf } from '../evidence.ts';
import { recheckProtocolEvidence } from './protocol-check.ts';

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function entryOf(leaf: OpenedLeaf | undefined): LedgerEntry | undefined {
  if (leaf?.entry === undefined) return undefined;
  const d = decodeEntry(leaf.entry);
  return d.ok ? d.value : undefined;
}

export const checkElectionEvidence: ElectionEvidenceCheck = async (ev, leaves) => {
  const findings: Message[] = [];
  const problems: string[] = [];
  const el = ev.election;
  if (el === undefined) return { findings, problems: ['no election evidence'] };
  const manifestEntry = el.manifest === undefined ? undefined : entryOf(leaves[el.manifest]);
  let election: Election<unknown> | undefined;
  if (manifestEntry?.type === 'manifest') {
    try {
      election = await openElection(parseManifest(manifestEntry.manifest));
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      findings.push(
        msg(`описание выборов не открывается: ${e.message}`, `the manifest does not open: ${e.message}`),
      );
      return { findings, problems };
    }
  }
  const reproduced: CheckFailure[] = [];
  if (ev.kind === 'invalid-entry') {
    const leaf = leaves[el.entry];
    if (leaf?.entry === undefined) return { findings, problems: ['the offending entry bytes are missing'] };
    const decoded = decodeEntry(leaf.entry);
    const prior = el.prior === undefined ? undefined : entryOf(leaves[el.prior]);
    const priorIndex = el.prior === undefined ? undefined : leaves[el.prior]?.leaf.index;
    if (!decoded.ok) {
      reproduced.push({ check: 'E.1', message: decoded.error.message });
    } else if (decoded.value.type === 'manifest' && el.manifest !== undefined && el.manifest !== el.entry) {
      reproduced.push({ check: 'E.2', message: 'a second manifest' });
    } else if (election === undefined) {
      problems.push('without a manifest entry the rules cannot be re-run');
    } else if (decoded.value.type === 'ballot') {
      const e = decoded.value;
      const priorCredential = priorCredentialId(prior);
      const r = await validateBallot(election, e.ballot, {
        isCredentialUsed: (id) =>
          id === priorCredential && priorIndex !== undefined && priorIndex < leaf.leaf.index,
      });
      if (!r.ok) reproduced.push(...r.failures);
      if (e.sha256 !== undefined && e.sha256 !== sha256Hex(canonicalJsonBytes(e.ballot))) {
        reproduced.push({ check: 'E.4', message: 'sha256 is not the hash of the ballot' });
      }
    } else if (decoded.value.type === 'challenged') {
      const r = verifyChallengedVote(election, decoded.value.vote);
      if (!r.ok) reproduced.push(...r.failures);
      else if (prior?.type === 'ballot') {
        const vote = (prior.ballot as { vote?: EncryptedVoteJson } | null)?.vote;
        if (vote !== undefined && trackerOf(vote).hash === r.tracker.hash) {
          reproduced.push({
            check: 'E.5',
            message: `the challenged vote was cast as entry ${String(priorIndex)}`,
          });
        }
      }
    } else {
      problems.push(`entry type ${decoded.value.type} has no rule to re-run`);
    }
  } else {
    if (election === undefined) return { findings, problems: ['the manifest entry is missing'] };
    const published = (el.published ?? []).map((i) => entryOf(leaves[i]));
    const pick = (type: string): unknown[] => published.filter((p) => p?.type === type).map((p) => p?.[type]);
    const report = await verifyRecord({
      manifest: election.manifest,
      ballots: [],
      challenged: [],
      tallies: pick('tally'),
      decryptions: pick('decryption'),
      results: pick('result'),
    });
    for (const c of report.checks) if (c.id === 'V.7' || c.id === 'V.8') reproduced.push(...c.failures);
    // A protocol alarm (L.1–L.6): its lines recomputed from the final lists, result and ballots held.
    const protocol = entryOf(leaves[el.entry]);
    if (protocol?.type === 'protocol' && el.failures.some((f) => f.check.startsWith('L.'))) {
      const held = published.filter((p): p is LedgerEntry => p !== undefined);
      reproduced.push(...recheckProtocolEvidence(election, protocol, held, el.failures));
    }
    const recomputable = el.failures.filter((f) => f.check.startsWith('V.'));
    if (reproduced.length === 0 && recomputable.length === 0) {
      problems.push(
        'the failures (E.6/E.7) need every ballot of the log to re-check: replicate the log or run opendeg-verify on the record',
      );
    }
  }
  if (reproduced.length > 0) {
    const list = reproduced.map((f) => `${f.check} ${f.message}`).join('; ');
    findings.push(msg(`нарушения воспроизведены: ${list}`, `failures reproduced: ${list}`));
  } else if (problems.length === 0) {
    problems.push('the entry passes every rule re-run here');
  }
  return { findings, problems };
};

function priorCredentialId(prior: LedgerEntry | undefined): string | undefined {
  if (prior?.type !== 'ballot') return undefined;
  try {
    return credentialId(
      (prior.ballot as unknown as { credential: Parameters<typeof credentialId>[0] }).credential,
    );
  } catch {
    return undefined;
  }
}
