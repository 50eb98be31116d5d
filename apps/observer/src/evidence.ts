/**
 * Evidence of an alarm: a self-contained JSON file that anyone can re-check offline with the log's
 * public key alone (`verifyEvidence`, `opendeg-observer verify-evidence <file>`).
 *
 * What is proven and what is testimony:
 *   - signed checkpoints are the log's own statements (C2SP signed-note, checked here);
 *   - a leaf with an RFC 9162 inclusion proof in a signed checkpoint is what the log committed to;
 *   - bytes the log served (an entry bundle, a tile, an error answer) carry no signature: their URL,
 *     time and content are the observer's testimony, and the file says so.
 *
 * So a fork (two signed trees holding different leaves at one index, or two roots for one size) is
 * proven outright; a rewritten entry is proven to differ from what the log committed; a missing
 * entry, a shrink (order of two checkpoints) and served tiles are testimony checked for coherence.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { canonicalJson, equalBytes } from '@opendeg/crypto';
import {
  fromBase64,
  hashLeaf,
  openCheckpoint,
  parseTilePath,
  parseVerifierKey,
  rootFromTiles,
  toBase64,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type NoteVerifier,
  type TileKey,
} from '@opendeg/ledger';

import type { AlarmKind, Message } from './errors.ts';
import { msg } from './errors.ts';

export const EVIDENCE_FORMAT = 'opendeg-observer-evidence/1';

export interface EvidenceCheckpoint {
  /** The signed checkpoint note as served (log signature, maybe cosignatures). */
  readonly note: string;
  readonly url?: string;
  /** When the observer fetched (or had verified) it, ISO 8601. */
  readonly fetchedAt: string;
}

export interface EvidenceLeaf {
  /** Index into `checkpoints` of the tree the proof is for. */
  readonly checkpoint: number;
  readonly index: number;
  /** RFC 9162 leaf hash, base64. */
  readonly leafHash: string;
  readonly inclusionProof: readonly string[];
  /** The entry bytes (base64), when known: they must hash to `leafHash`. */
  readonly entry?: string;
}

/** Something the log served (testimony). */
export interface ServedBytes {
  readonly url: string;
  readonly fetchedAt: string;
  /** HTTP status, when the answer was not a 200. */
  readonly status?: number;
  /** Body as received (base64; error answers are cut at 4 KiB). */
  readonly body: string;
  /** For an entry: the leaf index it was served for. */
  readonly index?: number;
}

export interface ElectionEvidence {
  /** Index into `leaves` of the manifest entry (absent before the election is opened). */
  readonly manifest?: number;
  /** Index into `leaves` of the offending entry. */
  readonly entry: number;
  /** Index into `leaves` of an earlier entry that matters (the first use of a credential). */
  readonly prior?: number;
  /** Index into `leaves` of published entries (tallies, decryptions, results, protocols). */
  readonly published?: readonly number[];
  /** The failed checks as the node found them (`B.6`, `V.8` …). */
  readonly failures: readonly { readonly check: string; readonly message: string; readonly where?: string }[];
}

export interface Evidence {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly kind: AlarmKind;
  /** Checkpoint origin of the log. */
  readonly origin: string;
  /** The log's C2SP verifier key. */
  readonly logKey: string;
  /** The observer node that saved it. */
  readonly observer: string;
  readonly detectedAt: string;
  readonly message: Message;
  readonly checkpoints: readonly EvidenceCheckpoint[];
  readonly leaves: readonly EvidenceLeaf[];
  readonly served?: readonly ServedBytes[];
  /** Hash tiles as served: path below the log prefix and bytes (base64). */
  readonly tiles?: readonly { readonly path: string; readonly hashes: string }[];
  readonly election?: ElectionEvidence;
  /**
   * For a fork below a verified tree: the RFC 9162 consistency proof, in the tree of
   * `checkpoints[newer]`, that its first `checkpoints[older].size` entries have the root
   * `olderRoot`, which is not the root the log signed for that size in `checkpoints[older]`.
   */
  readonly consistency?: {
    readonly older: number;
    readonly newer: number;
    /** Base64. */
    readonly olderRoot: string;
    readonly proof: readonly string[];
  };
}

export function leafEvidence(
  checkpoint: number,
  index: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  entry?: Uint8Array,
): EvidenceLeaf {
  return {
    checkpoint,
    index,
    leafHash: toBase64(leafHash),
    inclusionProof: proof.map(toBase64),
    ...(entry === undefined ? {} : { entry: toBase64(entry) }),
  };
}

/** Writes evidence as canonical JSON to `<dir>/<time>-<kind>-<n>.json`; returns the path. */
export async function saveEvidence(dir: string, e: Evidence, n: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = e.detectedAt.replace(/[:.]/g, '-');
  const file = path.join(dir, `${stamp}-${e.kind}-${n}.json`);
  await writeFile(file, `${canonicalJson(e)}\n`, { flag: 'wx' });
  return file;
}

export interface EvidenceVerdict {
  /** The evidence shows what it claims (for testimony: it is coherent and its signatures hold). */
  readonly proven: boolean;
  /** What was established, one line each. */
  readonly findings: readonly Message[];
  /** Why it does not hold, one line each. */
  readonly problems: readonly string[];
}

/** Election-specific re-checks (`invalid-entry`, `record-invalid`), plugged in by the caller. */
export type ElectionEvidenceCheck = (
  e: Evidence,
  leaves: readonly OpenedLeaf[],
) => Promise<{ findings: Message[]; problems: string[] }>;

export interface OpenedLeaf {
  readonly leaf: EvidenceLeaf;
  readonly checkpoint: Checkpoint;
  readonly leafHash: Uint8Array;
  readonly entry: Uint8Array | undefined;
}

/** Re-checks an evidence file offline. `trustedLogKey`, when given, must be the file's key. */
export async function verifyEvidence(
  input: unknown,
  options: { trustedLogKey?: string; election?: ElectionEvidenceCheck } = {},
): Promise<EvidenceVerdict> {
  const findings: Message[] = [];
  const problems: string[] = [];
  const verdict = (): EvidenceVerdict => ({ proven: problems.length === 0, findings, problems });
  const e = input as Partial<Evidence> | null;
  if (e?.format !== EVIDENCE_FORMAT) {
    problems.push(`not an evidence file (format ${EVIDENCE_FORMAT})`);
    return verdict();
  }
  if (options.trustedLogKey !== undefined && options.trustedLogKey !== e.logKey) {
    problems.push('the evidence names another log key than the trusted one');
    return verdict();
  }
  const key = parseVerifierKey(typeof e.logKey === 'string' ? e.logKey : '');
  if (!key.ok) {
    problems.push(`log key: ${key.error.message}`);
    return verdict();
  }
  const verifier: NoteVerifier = key.value.verifier;
  const ev = e as Evidence;

  // Every checkpoint must be signed by the log and be of the named log.
  const cps: Checkpoint[] = [];
  for (const [i, c] of ev.checkpoints.entries()) {
    const opened = openCheckpoint(c.note, [verifier]);
    if (!opened.ok) {
      problems.push(`checkpoint ${i}: ${opened.error.message}`);
      return verdict();
    }
    if (opened.value.checkpoint.origin !== ev.origin) {
      problems.push(`checkpoint ${i}: origin ${opened.value.checkpoint.origin} is not ${ev.origin}`);
      return verdict();
    }
    cps.push(opened.value.checkpoint);
  }
  if (cps.length > 0) findings.push(msg('подписи журнала верны', 'the log signatures verify'));

  // Every leaf must be included in its checkpoint's tree; an entry must hash to its leaf.
  const leaves: OpenedLeaf[] = [];
  for (const [i, leaf] of ev.leaves.entries()) {
    const cp = cps[leaf.checkpoint];
    const leafHash = fromBase64(leaf.leafHash);
    const proof = leaf.inclusionProof.map(fromBase64);
    if (cp === undefined || leafHash === undefined || proof.some((p) => p === undefined)) {
      problems.push(`leaf ${i}: malformed`);
      return verdict();
    }
    const incl = verifyInclusion(leafHash, leaf.index, cp.size, proof as Uint8Array[], cp.root);
    if (!incl.ok) {
      problems.push(`leaf ${i} (index ${leaf.index}): ${incl.error.message}`);
      return verdict();
    }
    const entry = leaf.entry === undefined ? undefined : fromBase64(leaf.entry);
    if (leaf.entry !== undefined && (entry === undefined || !equalBytes(hashLeaf(entry), leafHash))) {
      problems.push(`leaf ${i}: the entry bytes do not hash to the leaf`);
      return verdict();
    }
    leaves.push({ leaf, checkpoint: cp, leafHash, entry });
  }

  switch (ev.kind) {
    case 'fork':
    case 'shrink': {
      const [a, b] = cps;
      if (a === undefined || b === undefined) {
        problems.push('two checkpoints are needed');
        break;
      }
      if (a.size === b.size && !equalBytes(a.root, b.root)) {
        findings.push(
          msg(
            `журнал подписал два разных дерева размера ${a.size}: развилка доказана`,
            `the log signed two different trees of size ${a.size}: a fork, proven`,
          ),
        );
        break;
      }
      if (ev.consistency !== undefined) {
        const c = ev.consistency;
        const older = cps[c.older];
        const newer = cps[c.newer];
        const olderRoot = fromBase64(c.olderRoot);
        const proof = Array.isArray(c.proof) ? c.proof.map(fromBase64) : [undefined];
        if (
          older === undefined ||
          newer === undefined ||
          olderRoot === undefined ||
          proof.some((p) => p === undefined)
        ) {
          problems.push('consistency: malformed');
          break;
        }
        if (older.size >= newer.size) {
          problems.push('consistency: the older tree must be the smaller');
          break;
        }
        const holds = verifyConsistency(older.size, newer.size, proof as Uint8Array[], olderRoot, newer.root);
        if (!holds.ok) {
          problems.push(`consistency: ${holds.error.message}`);
          break;
        }
        if (equalBytes(olderRoot, older.root)) {
          problems.push('consistency: the signed tree is the start of the larger one');
          break;
        }
        findings.push(
          msg(
            `журнал подписал дерево размера ${older.size}, а доказательство согласованности его же дерева размера ${newer.size} даёт для первых ${older.size} записей другой корень: развилка доказана`,
            `the log signed a tree of size ${older.size}, and the consistency proof of its own tree of size ${newer.size} gives its first ${older.size} entries another root: a fork, proven`,
          ),
        );
        break;
      }
      const forked = forkedLeaves(leaves);
      if (forked !== undefined) {
        findings.push(
          msg(
            `запись ${forked} различается в двух подписанных деревьях: развилка доказана`,
            `entry ${forked} differs between two signed trees: a fork, proven`,
          ),
        );
        break;
      }
      if (ev.kind === 'shrink' && b.size < a.size) {
        findings.push(
          msg(
            `после дерева размера ${a.size} журнал подал подписанное дерево размера ${b.size} (порядок — свидетельство наблюдателя)`,
            `after a tree of size ${a.size} the log served a signed tree of size ${b.size} (the order is the observer's testimony)`,
          ),
        );
        break;
      }
      problems.push('the checkpoints and leaves do not show a fork');
      break;
    }
    case 'rewritten-entry': {
      const committed = leaves[0];
      const served = ev.served?.[0];
      const bytes = served === undefined ? undefined : fromBase64(served.body);
      if (committed === undefined || served === undefined || bytes === undefined) {
        problems.push('a committed leaf and the served entry are needed');
        break;
      }
      if (served.index !== committed.leaf.index) {
        problems.push('the served entry is for another index');
        break;
      }
      if (equalBytes(hashLeaf(bytes), committed.leafHash)) {
        problems.push('the served entry is the committed one');
        break;
      }
      findings.push(
        msg(
          `журнал подписал запись ${committed.leaf.index} с другим хешем, чем у поданных байтов (${served.url}, ${served.fetchedAt})`,
          `the log committed entry ${committed.leaf.index} with another hash than the bytes served (${served.url}, ${served.fetchedAt})`,
        ),
      );
      break;
    }
    case 'missing-entry': {
      const [cp] = cps;
      const served = ev.served?.[0];
      if (cp === undefined || served?.index === undefined) {
        problems.push('a checkpoint and the failed answer are needed');
        break;
      }
      if (served.index >= cp.size) {
        problems.push(`entry ${served.index} is beyond the checkpoint (size ${cp.size})`);
        break;
      }
      findings.push(
        msg(
          `журнал подписал дерево размера ${cp.size}, но не подал запись ${served.index}: ${served.url} ответил ${served.status === undefined ? 'неполными данными' : `HTTP ${served.status}`} (свидетельство наблюдателя)`,
          `the log signed a tree of size ${cp.size} but did not serve entry ${served.index}: ${served.url} answered ${served.status === undefined ? 'with truncated data' : `HTTP ${served.status}`} (the observer's testimony)`,
        ),
      );
      break;
    }
    case 'tiles-invalid': {
      const [cp] = cps;
      if (cp === undefined || ev.tiles === undefined) {
        problems.push('a checkpoint and the served tiles are needed');
        break;
      }
      const tiles = new Map<string, Uint8Array>();
      for (const t of ev.tiles) {
        const ref = parseTilePath(t.path);
        const bytes = fromBase64(t.hashes);
        if (!ref.ok || bytes === undefined || ref.value.level === 'entries') {
          problems.push(`tile ${t.path}: malformed`);
          return verdict();
        }
        tiles.set(`${ref.value.level}/${ref.value.index}`, bytes);
      }
      const root = await rootFromTiles(cp.size, (keys: readonly TileKey[]) =>
        Promise.resolve(keys.map((k) => tiles.get(`${k.level}/${k.index}`))),
      );
      if (root.ok && equalBytes(root.value, cp.root)) {
        problems.push('the served tiles hash to the signed root');
        break;
      }
      findings.push(
        msg(
          `поданные плитки не дают подписанный корень дерева размера ${cp.size}`,
          `the served tiles do not hash to the signed root of the tree of size ${cp.size}`,
        ),
      );
      break;
    }
    case 'invalid-entry':
    case 'record-invalid': {
      if (options.election === undefined || ev.election === undefined) {
        problems.push('election evidence cannot be checked here');
        break;
      }
      const r = await options.election(ev, leaves);
      findings.push(...r.findings);
      problems.push(...r.problems);
      break;
    }
    case 'figures-mismatch':
      // Saved in a format of its own (election/issued-vs-cast.ts verifyIssuedVsCastEvidence).
      problems.push('figures evidence has a format of its own (opendeg-observer-figures-evidence/1)');
      break;
    default:
      problems.push(`unknown kind ${String(ev.kind)}`);
  }
  return verdict();
}

/** An index held with different hashes by leaves of two different trees, if any. */
function forkedLeaves(leaves: readonly OpenedLeaf[]): number | undefined {
  for (const x of leaves) {
    for (const y of leaves) {
      if (
        x.leaf.index === y.leaf.index &&
        x.leaf.checkpoint !== y.leaf.checkpoint &&
        !equalBytes(x.leafHash, y.leafHash)
      ) {
        return x.leaf.index;
      }
    }
  }
  return undefined;
}
