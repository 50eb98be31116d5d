/**
 * The distributed key ceremony's holder side (P-5.2–P-5.6, issue 6): Pedersen's DKG
 * (`threshold/pedersen-dkg.ts`) where each holder deals on their own machine and the server only
 * relays public values and encrypted shares, so no machine but holder i ever sees part i.
 *
 * Round 0 — holder i makes a transport key pair on ristretto255 (whatever the election's suite) and
 *   publishes T_i = t_i·g with a Schnorr proof of possession bound to the ceremony and its index, so
 *   nobody can enrol someone else's key.
 * Round 1 — holder d runs `dkgDeal` and encrypts f_d(i) to every T_i, itself included (its machine
 *   then keeps nothing between rounds but its transport secret).
 * Round 2 — holder i decrypts what was addressed to it and checks each share against its dealer's
 *   commitments (`dkgCombine`); a share that does not decrypt or does not match is SHARE_INVALID with
 *   `index` = the dealer, which the holder reports as a complaint.
 *
 * A complaint is checkable by anyone: the recipient discloses S = t_i·R for the one share it
 *   complains of, with a DLEQ proof that log_g T_i = log_R S (`discloseShareKey`); with S anyone
 *   derives the share's key, decrypts it and checks it against the dealer's commitments
 *   (`judgeComplaint`), so a true complaint convicts the dealer and a false one is refused. S opens
 *   that one share only (a fresh ephemeral key per share).
 *
 * Share encryption is ECIES: ephemeral r, R = r·g, S = r·T_i; HKDF-SHA256 (RFC 5869) with
 * ikm = S, salt = R ‖ T_i and info = the canonical JSON of the binding (purpose, ceremony, election,
 * suite, key group, dealer, recipient) gives a 32-byte AES key and a 12-byte nonce, used once (the key
 * is fresh per message); AES-256-GCM through WebCrypto (Node 20 and browsers) with the same info as
 * additional data. A ciphertext moved to another ceremony, dealer or recipient does not decrypt.
 */

import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { concatBytes } from './bytes.ts';
import { canonicalJsonBytes } from './canonical-json.ts';
import { check, CryptoError } from './errors.ts';
import type { Group, SuiteId } from './group.ts';
import { ristretto255 } from './groups/ristretto255.ts';
import { proveDleq, verifyDleq } from './proofs/dleq.ts';
import type { DleqProof } from './proofs/dleq.ts';
import { proveSchnorr, verifySchnorr } from './proofs/schnorr.ts';
import type { SchnorrProof } from './proofs/schnorr.ts';
import { dkgCombine, dkgDeal } from './threshold/pedersen-dkg.ts';
import type { DkgCommitment } from './threshold/pedersen-dkg.ts';
import type { ThresholdPublicKey } from './threshold/keys.ts';
import { verifyShare } from './threshold/shamir.ts';
import type { SecretShare, ThresholdParams } from './threshold/shamir.ts';

/** The transport group: ristretto255 for every suite (the shares travel as bytes). */
export const DKG_TRANSPORT_GROUP = ristretto255;

/** AES-GCM tag length in bytes. */
export const DKG_SHARE_TAG_LENGTH = 16;

/** What every transport key and encrypted share is bound to. */
export interface DkgCeremonyBinding {
  readonly ceremonyId: string;
  readonly electionId: string;
  readonly suite: SuiteId;
  readonly keyGroup: string;
}

export interface TransportKeyPair {
  /** t, 32 bytes: stays on the holder's machine. */
  readonly secret: Uint8Array;
  /** T = t·g, 32 bytes (RFC 9496 encoding). */
  readonly publicKey: Uint8Array;
  /** Proof of possession of t, bound to the ceremony and the holder's index. */
  readonly proof: SchnorrProof;
}

/** One share in transit: from `dealer` to `recipient`, readable by the recipient only. */
export interface EncryptedShare {
  readonly dealer: number;
  readonly recipient: number;
  /** R = r·g, 32 bytes. */
  readonly ephemeral: Uint8Array;
  /** AES-256-GCM of the encoded scalar, tag appended. */
  readonly ciphertext: Uint8Array;
}

/** What holder d publishes in round 1. */
export interface DistributedDealing<E> {
  readonly commitment: DkgCommitment<E>;
  /** shares[i − 1] is for holder i. */
  readonly shares: readonly EncryptedShare[];
}

function transportContext(binding: DkgCeremonyBinding, holder: number): Uint8Array {
  return sha256(canonicalJsonBytes({ purpose: 'opendeg-dkg-transport/1', ...bindingJson(binding), holder }));
}

function bindingJson(b: DkgCeremonyBinding): Record<string, string> {
  return { ceremonyId: b.ceremonyId, electionId: b.electionId, suite: b.suite, keyGroup: b.keyGroup };
}

/** The HKDF info and GCM additional data of one share. */
export function dkgShareInfo(
  binding: DkgCeremonyBinding,
  dealer: number,
  recipient: number,
): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(
    canonicalJsonBytes({ purpose: 'opendeg-dkg-share/1', ...bindingJson(binding), dealer, recipient }),
  );
}

/** Round 0: a fresh transport key pair for holder `holder` of the ceremony. */
export function makeTransportKey(binding: DkgCeremonyBinding, holder: number): TransportKeyPair {
  const t = DKG_TRANSPORT_GROUP.randomScalar();
  const pub = DKG_TRANSPORT_GROUP.multiplyBase(t);
  return {
    secret: DKG_TRANSPORT_GROUP.encodeScalar(t),
    publicKey: DKG_TRANSPORT_GROUP.encodeElement(pub),
    proof: proveSchnorr(DKG_TRANSPORT_GROUP, transportContext(binding, holder), t, pub),
  };
}

/** Checks an enrolled transport key: a canonical non-identity point whose owner proved possession. */
export function verifyTransportKey(
  binding: DkgCeremonyBinding,
  holder: number,
  publicKey: Uint8Array,
  proof: SchnorrProof,
): boolean {
  let pub;
  try {
    pub = DKG_TRANSPORT_GROUP.decodeElement(publicKey);
  } catch (e) {
    if (e instanceof CryptoError) return false;
    throw e;
  }
  return verifySchnorr(DKG_TRANSPORT_GROUP, transportContext(binding, holder), pub, proof);
}

async function shareKey(
  shared: Uint8Array,
  ephemeral: Uint8Array,
  recipientKey: Uint8Array,
  info: Uint8Array,
): Promise<{ key: CryptoKey; nonce: Uint8Array<ArrayBuffer> }> {
  const okm = hkdf(sha256, shared, concatBytes(ephemeral, recipientKey), info, 44);
  try {
    const key = await crypto.subtle.importKey('raw', Uint8Array.from(okm.subarray(0, 32)), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    return { key, nonce: Uint8Array.from(okm.subarray(32, 44)) };
  } finally {
    okm.fill(0);
  }
}

/** Encrypts dealer `dealer`'s share to the recipient's transport key. */
export async function encryptShare<E>(
  g: Group<E>,
  binding: DkgCeremonyBinding,
  dealer: number,
  recipientKey: Uint8Array,
  share: SecretShare,
): Promise<EncryptedShare> {
  const T = DKG_TRANSPORT_GROUP.decodeElement(recipientKey);
  const r = DKG_TRANSPORT_GROUP.randomScalar();
  const ephemeral = DKG_TRANSPORT_GROUP.encodeElement(DKG_TRANSPORT_GROUP.multiplyBase(r));
  const shared = DKG_TRANSPORT_GROUP.encodeElement(DKG_TRANSPORT_GROUP.multiplySecret(T, r));
  const info = dkgShareInfo(binding, dealer, share.index);
  const { key, nonce } = await shareKey(shared, ephemeral, recipientKey, info);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: info, tagLength: 8 * DKG_SHARE_TAG_LENGTH },
      key,
      Uint8Array.from(g.encodeScalar(share.secret)),
    ),
  );
  return { dealer, recipient: share.index, ephemeral, ciphertext };
}

/**
 * Decrypts a share addressed to this holder. Throws SHARE_INVALID with `index` = the dealer when it
 * does not decrypt (tampered, misaddressed, or made for another ceremony) or is no canonical scalar.
 */
export async function decryptShare<E>(
  g: Group<E>,
  binding: DkgCeremonyBinding,
  transport: Pick<TransportKeyPair, 'secret' | 'publicKey'>,
  enc: EncryptedShare,
): Promise<SecretShare> {
  const R = ephemeralOf(enc);
  const t = DKG_TRANSPORT_GROUP.decodeScalar(transport.secret);
  const shared = DKG_TRANSPORT_GROUP.encodeElement(DKG_TRANSPORT_GROUP.multiplyBlinded(R, t));
  return openShare(g, binding, shared, transport.publicKey, enc);
}

function shareInvalid(enc: EncryptedShare, why: string, cause?: unknown): CryptoError {
  return new CryptoError('SHARE_INVALID', `the share from dealer ${enc.dealer} ${why}`, {
    index: enc.dealer,
    cause,
  });
}

function ephemeralOf(enc: EncryptedShare) {
  try {
    return DKG_TRANSPORT_GROUP.decodeElement(enc.ephemeral);
  } catch (cause) {
    throw shareInvalid(enc, 'has an invalid ephemeral key', cause);
  }
}

/** Decrypts a share given the DH value S = t·R (the recipient's, or a complaint's disclosure). */
async function openShare<E>(
  g: Group<E>,
  binding: DkgCeremonyBinding,
  shared: Uint8Array,
  recipientKey: Uint8Array,
  enc: EncryptedShare,
): Promise<SecretShare> {
  const info = dkgShareInfo(binding, enc.dealer, enc.recipient);
  const { key, nonce } = await shareKey(shared, enc.ephemeral, recipientKey, info);
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: nonce, additionalData: info, tagLength: 8 * DKG_SHARE_TAG_LENGTH },
        key,
        Uint8Array.from(enc.ciphertext),
      ),
    );
  } catch (cause) {
    throw shareInvalid(enc, 'does not decrypt', cause);
  }
  try {
    return { index: enc.recipient, secret: g.decodeScalar(plain) };
  } catch (cause) {
    throw shareInvalid(enc, 'is not a scalar', cause);
  } finally {
    plain.fill(0);
  }
}

/** What a complaint discloses: S = t·R of the one share complained of, and the DLEQ proof. */
export interface ShareDisclosure {
  readonly shared: Uint8Array;
  readonly proof: DleqProof;
}

const COMPLAINT_PROTOCOL = 'opendeg-dkg-complaint/1';

function complaintContext(binding: DkgCeremonyBinding, enc: EncryptedShare): Uint8Array {
  return sha256(dkgShareInfo(binding, enc.dealer, enc.recipient));
}

/** The recipient's disclosure for a complaint about `enc` (opens that share, nothing else). */
export function discloseShareKey(
  binding: DkgCeremonyBinding,
  transport: Pick<TransportKeyPair, 'secret' | 'publicKey'>,
  enc: EncryptedShare,
): ShareDisclosure {
  const G = DKG_TRANSPORT_GROUP;
  const R = ephemeralOf(enc);
  const t = G.decodeScalar(transport.secret);
  const T = G.decodeElement(transport.publicKey);
  const S = G.multiplyBlinded(R, t);
  const proof = proveDleq(
    G,
    complaintContext(binding, enc),
    { g1: G.generator, h1: T, g2: R, h2: S },
    t,
    COMPLAINT_PROTOCOL,
  );
  return { shared: G.encodeElement(S), proof };
}

/**
 * Judges a complaint from public values only: `dealer-at-fault` when the disclosed key is the
 * recipient's and the share does not decrypt or fails the dealer's commitments; `share-valid` when it
 * decrypts and matches (a false complaint); `disclosure-invalid` when the disclosure is not proved.
 */
export async function judgeComplaint<E>(
  g: Group<E>,
  binding: DkgCeremonyBinding,
  recipientKey: Uint8Array,
  enc: EncryptedShare,
  disclosure: ShareDisclosure,
  commitments: readonly E[],
): Promise<'dealer-at-fault' | 'share-valid' | 'disclosure-invalid'> {
  const G = DKG_TRANSPORT_GROUP;
  let T, S;
  try {
    T = G.decodeElement(recipientKey);
    S = G.decodeElement(disclosure.shared);
  } catch (e) {
    if (e instanceof CryptoError) return 'disclosure-invalid';
    throw e;
  }
  let R;
  try {
    R = ephemeralOf(enc);
  } catch (e) {
    if (e instanceof CryptoError) return 'dealer-at-fault';
    throw e;
  }
  const statement = { g1: G.generator, h1: T, g2: R, h2: S };
  if (!verifyDleq(G, complaintContext(binding, enc), statement, disclosure.proof, COMPLAINT_PROTOCOL))
    return 'disclosure-invalid';
  try {
    const share = await openShare(g, binding, disclosure.shared, recipientKey, enc);
    return verifyShare(g, commitments, share) ? 'share-valid' : 'dealer-at-fault';
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'SHARE_INVALID') return 'dealer-at-fault';
    throw e;
  }
}

/** Round 1 for dealer `dealer`: the public commitment and one encrypted share per holder. */
export async function holderDeal<E>(
  g: Group<E>,
  context: Uint8Array,
  params: ThresholdParams,
  dealer: number,
  binding: DkgCeremonyBinding,
  transportKeys: readonly Uint8Array[],
): Promise<DistributedDealing<E>> {
  check(transportKeys.length === params.n, 'transportKeys', `expected ${params.n}`);
  const dealing = dkgDeal(g, context, params, dealer);
  const shares: EncryptedShare[] = [];
  for (const s of dealing.shares) {
    shares.push(await encryptShare(g, binding, dealer, transportKeys[s.index - 1] ?? new Uint8Array(), s));
  }
  return { commitment: dealing.commitment, shares };
}

/**
 * Round 2 for holder `index`: decrypts the n shares addressed to it (received[d − 1] from dealer d),
 * checks each against its dealer's commitments and combines them into part `index`. Throws
 * SHARE_INVALID naming the dealer (`index`) of the first share that fails.
 */
export async function holderCombine<E>(
  g: Group<E>,
  context: Uint8Array,
  params: ThresholdParams,
  index: number,
  binding: DkgCeremonyBinding,
  transport: Pick<TransportKeyPair, 'secret' | 'publicKey'>,
  commitments: readonly DkgCommitment<E>[],
  received: readonly EncryptedShare[],
): Promise<{ share: SecretShare; publicKey: ThresholdPublicKey<E> }> {
  check(received.length === params.n, 'received', `expected ${params.n} shares`);
  const shares: SecretShare[] = [];
  for (let d = 1; d <= params.n; d++) {
    const enc = received[d - 1];
    if (enc?.dealer !== d || enc.recipient !== index)
      throw new CryptoError('SHARE_INVALID', `no share from dealer ${d} for holder ${index}`, { index: d });
    shares.push(await decryptShare(g, binding, transport, enc));
  }
  return dkgCombine(g, context, params, index, commitments, shares);
}
