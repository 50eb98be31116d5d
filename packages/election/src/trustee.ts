/**
 * Key-part holders as decrypting trustees (P-7.6–7.8). A trustee is anything that, given the
 * election context and a list of ciphertexts, returns its decryption shares with proofs — a part file
 * opened at the commission's workstation (`LocalTrustee`), or a holder's own machine over the network.
 * Callers never trust a trustee: every share is checked against the part's public verification key.
 *
 * In a belenios-2048 election a trustee decrypts the Belenios way instead (Belenios 2.0 §4.18: its
 * decryption factors with Belenios's proofs, bound to the region's Belenios election), so that the
 * record's decryptions go into the region's Belenios archive as they are.
 */

import { partialDecrypt } from '@opendeg/crypto';
import type { Ciphertext, DecryptionShare, Group, SecretShare } from '@opendeg/crypto';
import { beleniosPartialDecrypt } from './belenios/index.ts';
import type { BeleniosElection, EncryptedTally, PartialDecryptionJson } from './belenios/index.ts';

export interface DecryptingTrustee<E> {
  /** Part index (1..n). */
  readonly index: number;
  decrypt(context: Uint8Array, ciphertexts: readonly Ciphertext<E>[]): Promise<readonly DecryptionShare<E>[]>;
  /** belenios-2048: the Belenios partial decryption (§4.18) of a region's tally by this part. */
  decryptBelenios?(election: BeleniosElection, tally: EncryptedTally): Promise<PartialDecryptionJson>;
}

/** A trustee holding its part in memory (loaded from its key-part file with the passphrase). */
export class LocalTrustee<E> implements DecryptingTrustee<E> {
  readonly index: number;
  readonly #g: Group<E>;
  readonly #part: SecretShare;

  constructor(g: Group<E>, part: SecretShare) {
    this.#g = g;
    this.#part = part;
    this.index = part.index;
  }

  decrypt(
    context: Uint8Array,
    ciphertexts: readonly Ciphertext<E>[],
  ): Promise<readonly DecryptionShare<E>[]> {
    return Promise.resolve(ciphertexts.map((c) => partialDecrypt(this.#g, context, this.#part, c)));
  }

  decryptBelenios(election: BeleniosElection, tally: EncryptedTally): Promise<PartialDecryptionJson> {
    return Promise.resolve(beleniosPartialDecrypt(election, this.#part, tally));
  }
}
