/**
 * RSA blind signatures, client and verifier side: RFC 9474 (RSABSSA) — Prepare (§4.1), Blind (§4.2),
 * Finalize (§4.4) and verification (§4.5) — on `@cloudflare/blindrsa-ts` and WebCrypto.
 *
 * OpenDEG uses RSABSSA-SHA384-PSS-Randomized (RFC 9474 §5): the voter's device prepares and blinds its
 * one-time credential public key, the issuer signs it blindly (`@opendeg/crypto/node`, RFC 9474 §4.3)
 * and the ballot box verifies the finalized signature over the prepared message (32-byte random
 * prefix ‖ message). The other three variants of RFC 9474 §5 are supported for the test vectors.
 *
 * Issuer public keys are exchanged as DER SubjectPublicKeyInfo with the `rsaEncryption` algorithm
 * identifier (RFC 8017 Appendix A.1, RFC 3279 §2.3.1): the only RSA SPKI that every WebCrypto
 * (Chromium, Firefox, Safari, Node) imports for RSA-PSS. It is what Node's
 * `KeyObject.export({ type: 'spki', format: 'der' })` produces for an `rsa` key. SPKIs with the
 * `id-RSASSA-PSS` identifier are rejected so that one key has exactly one published encoding.
 */

import { RSABSSA, type BlindRSA } from '@cloudflare/blindrsa-ts';

import { equalBytes } from './bytes.ts';
import { assertNever, check, CryptoError } from './errors.ts';

/** The four variants of RFC 9474 §5, by their RFC names. */
export type BlindRsaVariant =
  | 'RSABSSA-SHA384-PSS-Randomized'
  | 'RSABSSA-SHA384-PSSZERO-Randomized'
  | 'RSABSSA-SHA384-PSS-Deterministic'
  | 'RSABSSA-SHA384-PSSZERO-Deterministic';

/** The variant OpenDEG uses for credential issuance, one of the two RECOMMENDED by RFC 9474 §5. */
export const BLIND_RSA_VARIANT = 'RSABSSA-SHA384-PSS-Randomized' satisfies BlindRsaVariant;

export const BLIND_RSA_VARIANTS: readonly BlindRsaVariant[] = [
  'RSABSSA-SHA384-PSS-Randomized',
  'RSABSSA-SHA384-PSSZERO-Randomized',
  'RSABSSA-SHA384-PSS-Deterministic',
  'RSABSSA-SHA384-PSSZERO-Deterministic',
];

/** Length of the random message prefix of the Randomized variants (RFC 9474 §4.1). */
export const BLIND_RSA_PREFIX_LENGTH = 32;

/** Smallest accepted modulus, in bits (NIST SP 800-131A: shorter RSA keys are disallowed). */
export const BLIND_RSA_MIN_MODULUS_BITS = 2048;

/** An issuer public key: DER `rsaEncryption` SPKI bytes, or a WebCrypto key. */
export type BlindRsaPublicKey = Uint8Array | CryptoKey;

/**
 * What the client keeps between Blind and Finalize. `inv` unblinds the issuer's answer and must stay
 * secret: anyone holding it and the blinded message can link the credential to the voter's session.
 */
export interface BlindingState {
  readonly variant: BlindRsaVariant;
  /** The prepared message (`input_msg`, RFC 9474 §4.1): for Randomized variants, prefix ‖ msg. */
  readonly preparedMsg: Uint8Array;
  /** inv = r⁻¹ mod n, kLen bytes big-endian (RFC 9474 §4.2 step 7). */
  readonly inv: Uint8Array;
}

export interface BlindOutput {
  /** Sent to the issuer. */
  readonly blindedMsg: Uint8Array;
  /** Kept by the client. */
  readonly state: BlindingState;
}

const suites = new Map<BlindRsaVariant, BlindRSA>();

/** The library's instance of a variant (internal). */
function suite(variant: BlindRsaVariant): BlindRSA {
  let s = suites.get(variant);
  if (s === undefined) {
    s = makeSuite(variant);
    suites.set(variant, s);
  }
  return s;
}

function makeSuite(variant: BlindRsaVariant): BlindRSA {
  switch (variant) {
    case 'RSABSSA-SHA384-PSS-Randomized':
      return RSABSSA.SHA384.PSS.Randomized();
    case 'RSABSSA-SHA384-PSSZERO-Randomized':
      return RSABSSA.SHA384.PSSZero.Randomized();
    case 'RSABSSA-SHA384-PSS-Deterministic':
      return RSABSSA.SHA384.PSS.Deterministic();
    case 'RSABSSA-SHA384-PSSZERO-Deterministic':
      return RSABSSA.SHA384.PSSZero.Deterministic();
    default:
      return assertNever(variant);
  }
}

function checkVariant(variant: BlindRsaVariant): void {
  check(BLIND_RSA_VARIANTS.includes(variant), 'variant', `unknown RFC 9474 variant ${variant}`);
}

/** sLen of the variant: 48 for PSS, 0 for PSSZERO (RFC 9474 §5). */
export function blindRsaSaltLength(variant: BlindRsaVariant): number {
  checkVariant(variant);
  return suite(variant).params.saltLength;
}

function isRandomized(variant: BlindRsaVariant): boolean {
  return variant.endsWith('-Randomized');
}

// DER prefix of the AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }.
const RSA_ENCRYPTION_ALGORITHM = Uint8Array.of(
  0x30,
  0x0d,
  0x06,
  0x09,
  0x2a,
  0x86,
  0x48,
  0x86,
  0xf7,
  0x0d,
  0x01,
  0x01,
  0x01,
  0x05,
  0x00,
);

/** Offset of the first byte after the outer SEQUENCE header of a DER SPKI, or -1 (internal). */
function spkiBodyOffset(spki: Uint8Array): number {
  if (spki[0] !== 0x30 || spki.length < 2) return -1;
  const l0 = spki[1] ?? 0;
  if (l0 < 0x80) return l0 === spki.length - 2 ? 2 : -1;
  const lenBytes = l0 & 0x7f;
  if (lenBytes === 0 || lenBytes > 3 || spki.length < 2 + lenBytes) return -1;
  let len = 0;
  for (let i = 0; i < lenBytes; i++) len = len * 256 + (spki[2 + i] ?? 0);
  return len === spki.length - 2 - lenBytes ? 2 + lenBytes : -1;
}

/**
 * Imports an issuer public key from DER `rsaEncryption` SPKI for RSA-PSS with SHA-384 (the only hash of
 * RFC 9474 §5). Rejects other algorithm identifiers, non-DER encodings and moduli under 2048 bits.
 */
export async function importBlindRsaPublicKey(spki: Uint8Array): Promise<CryptoKey> {
  const body = spkiBodyOffset(spki);
  check(body > 0, 'publicKey', 'not a DER SubjectPublicKeyInfo');
  check(
    equalBytes(spki.subarray(body, body + RSA_ENCRYPTION_ALGORITHM.length), RSA_ENCRYPTION_ALGORITHM),
    'publicKey',
    'SPKI algorithm is not rsaEncryption',
  );
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      'spki',
      Uint8Array.from(spki),
      { name: 'RSA-PSS', hash: 'SHA-384' },
      true,
      ['verify'],
    );
  } catch (cause) {
    throw new CryptoError('BAD_ARGUMENT', 'publicKey: not an RSA public key', { cause });
  }
  // Re-encoding must give the same bytes: one key, one published encoding.
  const again = new Uint8Array(await crypto.subtle.exportKey('spki', key));
  check(equalBytes(again, spki), 'publicKey', 'non-canonical SPKI encoding');
  checkModulus(key);
  return key;
}

function checkModulus(key: CryptoKey): void {
  const { modulusLength } = key.algorithm as RsaHashedKeyAlgorithm;
  check(
    modulusLength >= BLIND_RSA_MIN_MODULUS_BITS,
    'publicKey',
    `modulus of ${modulusLength} bits is under ${BLIND_RSA_MIN_MODULUS_BITS}`,
  );
}

/** An RSA-PSS/SHA-384 extractable public CryptoKey as the library needs it (internal). */
async function publicCryptoKey(publicKey: BlindRsaPublicKey): Promise<CryptoKey> {
  if (publicKey instanceof Uint8Array) return importBlindRsaPublicKey(publicKey);
  check(publicKey.type === 'public', 'publicKey', 'not a public key');
  const alg = publicKey.algorithm as RsaHashedKeyAlgorithm;
  if (alg.name === 'RSA-PSS' && alg.hash.name === 'SHA-384' && publicKey.extractable) {
    checkModulus(publicKey);
    return publicKey;
  }
  check(publicKey.extractable, 'publicKey', 'CryptoKey is not RSA-PSS/SHA-384 and not extractable');
  return importBlindRsaPublicKey(new Uint8Array(await crypto.subtle.exportKey('spki', publicKey)));
}

function modulusBytes(key: CryptoKey): number {
  return Math.ceil((key.algorithm as RsaHashedKeyAlgorithm).modulusLength / 8);
}

/**
 * RFC 9474 §4.1 Prepare: for Randomized variants `input_msg = random(32) ‖ msg`, for Deterministic ones
 * `input_msg = msg`. The prepared message is what gets signed: the verifier needs all of it.
 */
export function prepareBlindRsaMessage(
  msg: Uint8Array,
  variant: BlindRsaVariant = BLIND_RSA_VARIANT,
): Uint8Array {
  checkVariant(variant);
  check(msg instanceof Uint8Array, 'msg', 'expected bytes');
  // 1. msg_prefix = random(32) (Randomized) or the empty string (Deterministic)
  // 2. input_msg = concat(msg_prefix, msg)
  return suite(variant).prepare(msg);
}

/**
 * RFC 9474 §4.2 Blind. Draws a fresh salt (PSS variants) and blind r, returns the blinded message for the
 * issuer and the state needed by `finalizeBlindRsaSignature`.
 */
export async function blindRsaMessage(
  publicKey: BlindRsaPublicKey,
  preparedMsg: Uint8Array,
  variant: BlindRsaVariant = BLIND_RSA_VARIANT,
): Promise<BlindOutput> {
  checkVariant(variant);
  check(preparedMsg instanceof Uint8Array, 'preparedMsg', 'expected bytes');
  if (isRandomized(variant)) {
    check(preparedMsg.length >= BLIND_RSA_PREFIX_LENGTH, 'preparedMsg', 'shorter than the random prefix');
  }
  if (registeredClient !== undefined && publicKey instanceof Uint8Array) {
    return registeredClient.blind(publicKey, preparedMsg, variant);
  }
  const key = await publicCryptoKey(publicKey);
  let out: { blindedMsg: Uint8Array; inv: Uint8Array };
  try {
    // 1. encoded_msg = EMSA-PSS-ENCODE(input_msg, bit_len(n)) with SHA-384, MGF1-SHA-384, salt_len
    // 3. m = bytes_to_int(encoded_msg); 4-5. reject if m is not coprime to n
    // 6. r = random_integer_uniform(1, n); 7. inv = inverse_mod(r, n)
    // 9. x = RSAVP1(pk, r); 10. z = m * x mod n; 11. blinded_msg = int_to_bytes(z, modulus_len)
    out = await suite(variant).blind(key, preparedMsg);
  } catch (cause) {
    throw new CryptoError('BAD_ARGUMENT', `blind: ${errorText(cause)}`, { cause });
  }
  return {
    blindedMsg: out.blindedMsg,
    state: { variant, preparedMsg: Uint8Array.from(preparedMsg), inv: out.inv },
  };
}

/**
 * RFC 9474 §4.4 Finalize: unblinds the issuer's answer and checks the result with RSASSA-PSS-VERIFY.
 * Throws `BLIND_SIGNATURE_INVALID` when the issuer's answer does not unblind to a valid signature
 * (a wrong key, a faulty or malicious issuer).
 */
export async function finalizeBlindRsaSignature(
  publicKey: BlindRsaPublicKey,
  state: BlindingState,
  blindSig: Uint8Array,
): Promise<Uint8Array> {
  checkVariant(state.variant);
  if (registeredClient !== undefined && publicKey instanceof Uint8Array) {
    return registeredClient.finalize(publicKey, state, blindSig);
  }
  const key = await publicCryptoKey(publicKey);
  const kLen = modulusBytes(key);
  // 0. If len(inv) != kLen, raise "unexpected input size"
  check(state.inv instanceof Uint8Array && state.inv.length === kLen, 'inv', `expected ${kLen} bytes`);
  // 1. If len(blind_sig) != kLen, raise "unexpected input size"
  check(blindSig instanceof Uint8Array && blindSig.length === kLen, 'blindSig', `expected ${kLen} bytes`);
  try {
    // 2. z = bytes_to_int(blind_sig); 3. s = z * inv mod n; 4. sig = int_to_bytes(s, modulus_len)
    // 5. result = RSASSA-PSS-VERIFY(pk, msg, sig) with salt_len; 6. if invalid, raise "invalid signature"
    return await suite(state.variant).finalize(key, state.preparedMsg, blindSig, state.inv);
  } catch (cause) {
    throw new CryptoError('BLIND_SIGNATURE_INVALID', `finalize: ${errorText(cause)}`, { cause });
  }
}

/**
 * RFC 9474 §4.5: RSASSA-PSS-VERIFY(pk, input_msg, sig) with SHA-384, MGF1-SHA-384 and the variant's sLen.
 * `preparedMsg` is the whole prepared message (with its prefix for Randomized variants).
 * Returns false for any invalid signature; throws `BAD_ARGUMENT` only for an unusable key.
 */
export async function verifyBlindRsaSignature(
  publicKey: BlindRsaPublicKey,
  preparedMsg: Uint8Array,
  sig: Uint8Array,
  variant: BlindRsaVariant = BLIND_RSA_VARIANT,
): Promise<boolean> {
  checkVariant(variant);
  check(preparedMsg instanceof Uint8Array, 'preparedMsg', 'expected bytes');
  check(sig instanceof Uint8Array, 'sig', 'expected bytes');
  if (isRandomized(variant) && preparedMsg.length < BLIND_RSA_PREFIX_LENGTH) return false;
  const key = await publicCryptoKey(publicKey);
  if (sig.length !== modulusBytes(key)) return false;
  if (registeredVerifier !== undefined) {
    return registeredVerifier(key, preparedMsg, sig, suite(variant).params.saltLength);
  }
  return suite(variant).verify(key, sig, preparedMsg);
}

/**
 * A synchronous RSASSA-PSS-VERIFY (SHA-384, MGF1-SHA-384, salt length `saltLength`) for a key already
 * imported and checked by `importBlindRsaPublicKey`: true iff `sig` (exactly the modulus length) is a
 * valid signature of `preparedMsg`. A server registers one (`@opendeg/crypto/node`'s, on OpenSSL)
 * so that the ballot box does not take WebCrypto's asynchronous path once a ballot.
 */
export type BlindRsaVerifier = (
  key: CryptoKey,
  preparedMsg: Uint8Array,
  sig: Uint8Array,
  saltLength: number,
) => boolean;

let registeredVerifier: BlindRsaVerifier | undefined;

/**
 * Makes `verifyBlindRsaSignature` use `verifier` (undefined: WebCrypto again). It must give WebCrypto's
 * verdict on every input; the pure package never registers one, so it still runs in the browser.
 */
export function registerBlindRsaVerifier(verifier: BlindRsaVerifier | undefined): void {
  registeredVerifier = verifier;
}

/** The verifier registered with `registerBlindRsaVerifier`, if any. */
export function registeredBlindRsaVerifier(): BlindRsaVerifier | undefined {
  return registeredVerifier;
}

/**
 * A synchronous client side of RFC 9474 (Blind and Finalize) for an issuer key given as DER SPKI: the
 * same checks, the same errors (`BAD_ARGUMENT`, `BLIND_SIGNATURE_INVALID`) and the same state as the
 * library's. A Node process registers `@opendeg/crypto/node`'s (`registerNodeBlindRsaClient`, on
 * BigInt and OpenSSL: 1.4 ms instead of 75 ms a credential); the browser keeps the library.
 */
export interface BlindRsaClient {
  blind(publicKey: Uint8Array, preparedMsg: Uint8Array, variant: BlindRsaVariant): BlindOutput;
  finalize(publicKey: Uint8Array, state: BlindingState, blindSig: Uint8Array): Uint8Array;
}

let registeredClient: BlindRsaClient | undefined;

/** Makes `blindRsaMessage` and `finalizeBlindRsaSignature` use `client` (undefined: the library again). */
export function registerBlindRsaClient(client: BlindRsaClient | undefined): void {
  registeredClient = client;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
