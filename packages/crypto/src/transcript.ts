/**
 * Fiat–Shamir transcripts.
 *
 * Every proof's challenge is the hash of a transcript that (1) starts with a fixed protocol domain,
 * the proof's own name, the group suite and the 32-byte election context hash, and (2) appends each
 * input with a label, both length-prefixed (u32 big-endian). Nothing can be moved between fields or
 * reused in another election, proof type or suite without changing the challenge.
 */

import { concatBytes, u32be, utf8 } from './bytes.ts';
import { check } from './errors.ts';
import type { Group } from './group.ts';

/** Version tag of every OpenDEG transcript. A new tag invalidates all older proofs on purpose. */
export const TRANSCRIPT_DOMAIN = 'OpenDEG-v1';

/** Length of the election context hash bound into every proof. */
export const CONTEXT_LENGTH = 32;

/** `u32be(len) ‖ label` of the labels seen so far: the same few labels recur in every proof. */
const labelPrefixes = new Map<string, Uint8Array>();
const MAX_CACHED_LABELS = 4096;

function labelPrefix(label: string): Uint8Array {
  let p = labelPrefixes.get(label);
  if (p === undefined) {
    const l = utf8(label);
    p = concatBytes(u32be(l.length), l);
    if (labelPrefixes.size < MAX_CACHED_LABELS) labelPrefixes.set(label, p);
  }
  return p;
}

export class Transcript<E> {
  readonly #group: Group<E>;
  readonly #protocol: string;
  readonly #parts: Uint8Array[] = [];

  constructor(group: Group<E>, protocol: string, context: Uint8Array) {
    check(
      context.length === CONTEXT_LENGTH,
      'context',
      `election context hash must be ${CONTEXT_LENGTH} bytes`,
    );
    this.#group = group;
    this.#protocol = protocol;
    this.appendBytes('domain', utf8(TRANSCRIPT_DOMAIN));
    this.appendBytes('protocol', utf8(protocol));
    this.appendBytes('suite', utf8(group.suite));
    this.appendBytes('context', context);
  }

  appendBytes(label: string, data: Uint8Array): this {
    this.#parts.push(labelPrefix(label), u32be(data.length), data);
    return this;
  }

  appendElement(label: string, e: E): this {
    return this.appendBytes(label, this.#group.encodeElement(e));
  }

  appendElements(label: string, es: readonly E[]): this {
    this.appendBytes(label, u32be(es.length));
    es.forEach((e, i) => this.appendElement(`${label}[${i}]`, e));
    return this;
  }

  appendScalar(label: string, k: bigint): this {
    return this.appendBytes(label, this.#group.encodeScalar(k));
  }

  appendU32(label: string, n: number): this {
    return this.appendBytes(label, u32be(n));
  }

  /** The challenge scalar: hash of everything appended so far. */
  challenge(): bigint {
    return this.#group.hashToScalar(
      `${TRANSCRIPT_DOMAIN}/${this.#protocol}/challenge`,
      concatBytes(...this.#parts),
    );
  }
}
