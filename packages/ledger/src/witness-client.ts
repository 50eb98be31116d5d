/**
 * The log side of C2SP tlog-witness `add-checkpoint`: ask an observer node (a witness) to cosign a
 * checkpoint, proving consistency from the size the witness last cosigned, and keep only
 * cosignatures that verify under the witness's key.
 */

import { decodeUtf8, parseDecimal, toBase64 } from './bytes.ts';
import { parseSignatureLines } from './cosignature.ts';
import { fail, ok, type Result } from './errors.ts';
import { openNote, type NoteVerifier } from './signed-note.ts';

/** What `add-checkpoint` answered. */
export interface AddCheckpointResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A witness as seen by a log: its cosignature key and a transport for `add-checkpoint`. */
export interface WitnessClient {
  readonly name: string;
  /** Cosignature (type 0x04) verifier of the witness. */
  readonly verifier: NoteVerifier;
  addCheckpoint(requestBody: string): Promise<AddCheckpointResponse>;
}

/** The request body: old size line, proof lines, empty line, signed checkpoint. */
export function formatAddCheckpointRequest(
  oldSize: number,
  proof: readonly Uint8Array[],
  checkpoint: string,
): string {
  if (proof.length > 63) throw new RangeError('add-checkpoint: at most 63 proof lines');
  return `old ${oldSize}\n${proof.map((p) => `${toBase64(p)}\n`).join('')}\n${checkpoint}`;
}

/** A witness reached over HTTP at its submission prefix (`POST <prefix>/add-checkpoint`). */
export function httpWitnessClient(
  submissionPrefix: string,
  verifier: NoteVerifier,
  timeoutMs = 10_000,
): WitnessClient {
  const url = `${submissionPrefix.replace(/\/+$/, '')}/add-checkpoint`;
  return {
    name: verifier.name,
    verifier,
    addCheckpoint: async (requestBody) => {
      const res = await fetch(url, {
        method: 'POST',
        body: requestBody,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? undefined,
        body: decodeUtf8(new Uint8Array(await res.arrayBuffer())) ?? '',
      };
    },
  };
}

export type ConsistencyProver = (oldSize: number) => Promise<Result<Uint8Array[]>>;

/**
 * Obtains cosignature lines from one witness for `checkpoint` (of `size` leaves). `knownSize` is
 * the size we believe the witness last cosigned (0 if unknown): a 409 tells us the real one and we
 * retry once with a proof from there. Returns the verified lines and the witness's new size.
 */
export async function requestCosignature(
  witness: WitnessClient,
  checkpoint: string,
  size: number,
  knownSize: number,
  prove: ConsistencyProver,
): Promise<Result<{ lines: string[]; size: number }>> {
  let old = knownSize;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (old > size) return fail('WITNESS_FAILED', `${witness.name}: witness is at ${old}, ahead of ${size}`);
    const proof = await prove(old);
    if (!proof.ok) return proof;
    const res = await witness.addCheckpoint(formatAddCheckpointRequest(old, proof.value, checkpoint));
    if (res.status === 200) {
      const lines = parseSignatureLines(res.body);
      if (!lines.ok) return fail('WITNESS_FAILED', `${witness.name}: ${lines.error.message}`);
      // Concatenate to the checkpoint and open with the witness key alone.
      const opened = openNote(`${checkpoint}${lines.value.map((l) => `${l}\n`).join('')}`, [
        witness.verifier,
      ]);
      if (!opened.ok) return fail('WITNESS_FAILED', `${witness.name}: ${opened.error.message}`);
      return ok({ lines: opened.value.verified.map((s) => s.line), size });
    }
    if (res.status === 409 && res.contentType?.startsWith('text/x.tlog.size') === true) {
      const witnessSize = parseDecimal(res.body.replace(/\n$/, ''));
      if (witnessSize === undefined) return fail('WITNESS_FAILED', `${witness.name}: bad 409 body`);
      if (witnessSize === old) break;
      old = witnessSize;
      continue;
    }
    return fail('WITNESS_FAILED', `${witness.name}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  }
  return fail('WITNESS_FAILED', `${witness.name}: conflicting view of the log`);
}
