/**
 * What a voter's receipt needs from the ledger, and its offline check: the entry's leaf is in the
 * tree (RFC 9162 §2.1.3.2) whose root the log signed in a C2SP checkpoint, optionally cosigned by
 * a quorum of observer-node witnesses (C2SP tlog-cosignature).
 */

import { equalBytes, toBase64 } from './bytes.ts';
import { openCheckpoint, type Checkpoint } from './checkpoint.ts';
import { fail, ok, type Result } from './errors.ts';
import { hashLeaf, verifyInclusion } from './merkle.ts';
import { openNote, type NoteVerifier } from './signed-note.ts';

export interface Receipt {
  /** Leaf index of the entry. */
  readonly index: number;
  /** RFC 9162 leaf hash of the entry bytes. */
  readonly leafHash: Uint8Array;
  /** Inclusion proof of the leaf in the checkpoint's tree. */
  readonly inclusionProof: readonly Uint8Array[];
  /** The signed checkpoint (log signature and any cosignatures). */
  readonly checkpoint: string;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
}

/** JSON form of a receipt (base64 hashes), for the wire and for printing. */
export function receiptToJson(r: Receipt): Record<string, unknown> {
  return {
    index: r.index,
    leafHash: toBase64(r.leafHash),
    inclusionProof: r.inclusionProof.map(toBase64),
    checkpoint: r.checkpoint,
    treeSize: r.treeSize,
    rootHash: toBase64(r.rootHash),
  };
}

export interface ReceiptPolicy {
  readonly logVerifier: NoteVerifier;
  readonly origin: string;
  /** Witness (cosignature) verifiers and how many of them must have cosigned. */
  readonly witnesses?: readonly NoteVerifier[];
  readonly quorum?: number;
}

/** Verifies a receipt for `entry` bytes; returns the checkpoint it is anchored in. */
export function verifyReceipt(
  receipt: Receipt,
  entry: Uint8Array,
  policy: ReceiptPolicy,
): Result<Checkpoint> {
  const leafHash = hashLeaf(entry);
  if (!equalBytes(leafHash, receipt.leafHash))
    return fail('PROOF_INVALID', 'receipt: leaf hash is not the entry');
  const opened = openCheckpoint(receipt.checkpoint, [policy.logVerifier]);
  if (!opened.ok) return opened;
  const cp = opened.value.checkpoint;
  if (cp.origin !== policy.origin) return fail('PROOF_INVALID', 'receipt: checkpoint of another log');
  if (cp.size !== receipt.treeSize || !equalBytes(cp.root, receipt.rootHash)) {
    return fail('PROOF_INVALID', 'receipt: tree head differs from its checkpoint');
  }
  const incl = verifyInclusion(leafHash, receipt.index, cp.size, receipt.inclusionProof, cp.root);
  if (!incl.ok) return incl;
  const quorum = policy.quorum ?? 0;
  if (quorum > 0) {
    const witnesses = policy.witnesses ?? [];
    const cosigned = openNote(receipt.checkpoint, witnesses);
    const count = cosigned.ok ? new Set(cosigned.value.verified.map((s) => s.name)).size : 0;
    if (!cosigned.ok && cosigned.error.code === 'INVALID_SIGNATURE') return cosigned;
    if (count < quorum) return fail('UNVERIFIED', `receipt: ${count} of ${quorum} required cosignatures`);
  }
  return ok(cp);
}
