/**
 * RSA blind signatures, client side on Node (issue 6): RFC 9474 Prepare (§4.1), Blind (§4.2) and
 * Finalize (§4.4) with native BigInt arithmetic and node:crypto (SHA-384, MGF1-SHA-384, the CSPRNG,
 * and OpenSSL's RSASSA-PSS-VERIFY for Finalize's own check). Node-only, synchronous.
 *
 * The pure `blind-rsa.ts` (on `@cloudflare/blindrsa-ts`, whose bignums are sjcl's) stays what the
 * browser runs; this one is for Node processes that blind many messages, such as `opendeg demo`'s
 * thousands of voters, where the library's Blind and Finalize were the largest cost per voter. The
 * two are interchangeable: the same `BlindingState`, the same bytes (the tests check the RFC 9474
 * vectors and signatures crossing between them).
 */

import { constants, createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

import {
  BLIND_RSA_MIN_MODULUS_BITS,
  BLIND_RSA_PREFIX_LENGTH,
  BLIND_RSA_VARIANT,
  BLIND_RSA_VARIANTS,
  registerBlindRsaClient,
  type BlindingState,
  type BlindOutput,
  type BlindRsaVariant,
} from '../blind-rsa.ts';
import { bytesToNumberBE, concatBytes, equalBytes, fromBase64, numberToBytesBE } from '../bytes.ts';
import { check, CryptoError } from '../errors.ts';
import { invert, randomScalarBelow } from '../group.ts';

/** An issuer public key: DER `rsaEncryption` SPKI bytes (as in the manifest) or a Node public KeyObject. */
export type BlindRsaClientKey = Uint8Array | KeyObject;

/** What the client needs of an issuer key, worked out once per key (internal). */
interface ClientKey {
  readonly keyObject: KeyObject;
  readonly n: bigint;
  readonly e: bigint;
  /** modulus_len: length of n in bytes. */
  readonly kLen: number;
  /** bit_len(n). */
  readonly modBits: number;
}

const HASH_LEN = 48;

/** The same issuer key (the manifest's bytes) comes back once a voter: parse and check it once. */
const clientKeys = new WeakMap<object, ClientKey>();

function base64UrlToBigint(s: string): bigint {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  return bytesToNumberBE(fromBase64(b64 + '='.repeat((4 - (b64.length % 4)) % 4)));
}

/**
 * The checks of `importBlindRsaPublicKey`, on Node: an `rsaEncryption` key (OpenSSL names an
 * `id-RSASSA-PSS` SPKI 'rsa-pss', rejected), canonical DER (one key, one published encoding), a
 * modulus of at least 2048 bits.
 */
function clientKey(publicKey: BlindRsaClientKey): ClientKey {
  check(typeof publicKey === 'object', 'publicKey', 'expected SPKI bytes or a KeyObject');
  let k = clientKeys.get(publicKey);
  if (k !== undefined) return k;
  let keyObject: KeyObject;
  if (publicKey instanceof Uint8Array) {
    try {
      keyObject = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
    } catch (cause) {
      throw new CryptoError('BAD_ARGUMENT', 'publicKey: not a DER SubjectPublicKeyInfo', { cause });
    }
    check(keyObject.asymmetricKeyType === 'rsa', 'publicKey', 'SPKI algorithm is not rsaEncryption');
    const again = new Uint8Array(keyObject.export({ type: 'spki', format: 'der' }));
    check(equalBytes(again, publicKey), 'publicKey', 'non-canonical SPKI encoding');
  } else {
    check(publicKey.type === 'public', 'publicKey', 'expected a public KeyObject');
    check(publicKey.asymmetricKeyType === 'rsa', 'publicKey', 'expected an rsa key');
    keyObject = publicKey;
  }
  const jwk = keyObject.export({ format: 'jwk' });
  check(typeof jwk.n === 'string' && typeof jwk.e === 'string', 'publicKey', 'not an RSA key');
  const n = base64UrlToBigint(jwk.n);
  const modBits = n.toString(2).length;
  check(
    modBits >= BLIND_RSA_MIN_MODULUS_BITS,
    'publicKey',
    `modulus of ${modBits} bits is under ${BLIND_RSA_MIN_MODULUS_BITS}`,
  );
  k = { keyObject, n, e: base64UrlToBigint(jwk.e), kLen: Math.ceil(modBits / 8), modBits };
  clientKeys.set(publicKey, k);
  return k;
}

function checkVariant(variant: BlindRsaVariant): void {
  check(BLIND_RSA_VARIANTS.includes(variant), 'variant', `unknown RFC 9474 variant ${variant}`);
}

/** sLen of the variant (RFC 9474 §5): the hash length for PSS, 0 for PSSZERO. */
function saltLength(variant: BlindRsaVariant): number {
  return variant.includes('-PSSZERO-') ? 0 : HASH_LEN;
}

const isRandomized = (variant: BlindRsaVariant): boolean => variant.endsWith('-Randomized');

const sha384 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha384');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** MGF1 with SHA-384 (RFC 8017 Appendix B.2.1). */
function mgf1(seed: Uint8Array, maskLen: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(maskLen / HASH_LEN) * HASH_LEN);
  const counter = new Uint8Array(4);
  for (let i = 0; i * HASH_LEN < maskLen; i++) {
    new DataView(counter.buffer).setUint32(0, i);
    out.set(sha384(seed, counter), i * HASH_LEN);
  }
  return out.subarray(0, maskLen);
}

/** EMSA-PSS-ENCODE(M, emBits) with SHA-384, MGF1-SHA-384 and the given salt (RFC 8017 §9.1.1). */
function emsaPssEncode(msg: Uint8Array, emBits: number, salt: Uint8Array): Uint8Array {
  const emLen = Math.ceil(emBits / 8);
  const sLen = salt.length;
  // 2. mHash = Hash(M)
  const mHash = sha384(msg);
  // 3. If emLen < hLen + sLen + 2, output "encoding error"
  if (emLen < HASH_LEN + sLen + 2) throw new CryptoError('BAD_ARGUMENT', 'blind: encoding error');
  // 5-6. M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt; H = Hash(M')
  const h = sha384(new Uint8Array(8), mHash, salt);
  // 7-8. DB = PS || 0x01 || salt, PS zeros, emLen - hLen - 1 bytes in all
  const dbLen = emLen - HASH_LEN - 1;
  const db = new Uint8Array(dbLen);
  db[dbLen - sLen - 1] = 0x01;
  db.set(salt, dbLen - sLen);
  // 9-10. maskedDB = DB xor MGF(H, emLen - hLen - 1)
  const mask = mgf1(h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i] = (db[i] ?? 0) ^ (mask[i] ?? 0);
  // 11. Set the leftmost 8emLen - emBits bits of the leftmost octet in maskedDB to zero
  db[0] = (db[0] ?? 0) & (0xff >> (8 * emLen - emBits));
  // 12. EM = maskedDB || H || 0xbc
  return concatBytes(db, h, Uint8Array.of(0xbc));
}

/** bᵉ mod m by square-and-multiply, the exponent's bits from the top. Public exponents only. */
function modPowPublic(b: bigint, e: bigint, m: bigint): bigint {
  let result = 1n;
  const base = b % m;
  for (let i = e.toString(2).length - 1; i >= 0; i--) {
    result = (result * result) % m;
    if (((e >> BigInt(i)) & 1n) === 1n) result = (result * base) % m;
  }
  return result;
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** Uniform in [1, n) from the CSPRNG, by rejection sampling (no modulo bias). */
const randomBelow = (n: bigint): bigint => randomScalarBelow(n, (len) => new Uint8Array(randomBytes(len)));

/** Whether t is invertible mod n, without its inverse: a failure case only (internal). */
const isUnit = (t: bigint, n: bigint): boolean => gcd(t, n) === 1n;

/**
 * RFC 9474 §4.1 Prepare: `random(32) ‖ msg` for the Randomized variants, `msg` for the Deterministic
 * ones; the result is what gets signed and what the verifier needs.
 */
export function prepareBlindRsaMessageNode(
  msg: Uint8Array,
  variant: BlindRsaVariant = BLIND_RSA_VARIANT,
): Uint8Array {
  checkVariant(variant);
  check(msg instanceof Uint8Array, 'msg', 'expected bytes');
  // 1. msg_prefix = random(32) (Randomized) or the empty string; 2. input_msg = msg_prefix ‖ msg
  const prefix = isRandomized(variant)
    ? new Uint8Array(randomBytes(BLIND_RSA_PREFIX_LENGTH))
    : new Uint8Array();
  return concatBytes(prefix, msg);
}

/**
 * RFC 9474 §4.2 Blind with a fresh salt and a fresh r uniform in [1, n) and invertible mod n.
 * Returns the blinded message for the issuer and the state for `finalizeBlindRsaSignatureNode` (or
 * the pure `finalizeBlindRsaSignature`). Throws `BAD_ARGUMENT` for an unusable key or message.
 */
export function blindRsaMessageNode(
  publicKey: BlindRsaClientKey,
  preparedMsg: Uint8Array,
  variant: BlindRsaVariant = BLIND_RSA_VARIANT,
): BlindOutput {
  checkVariant(variant);
  const key = clientKey(publicKey);
  const salt = new Uint8Array(randomBytes(saltLength(variant)));
  return blindWith(key, preparedMsg, variant, salt, () => randomBelow(key.n));
}

/**
 * Blind with the given salt and r: the RFC's steps, and the test hook through which the RFC 9474
 * vectors' fixed salt and r go in. Not exported from `@opendeg/crypto/node`: a fixed r links the
 * blinded message to the signature.
 */
export function blindRsaMessageWithForTests(
  publicKey: BlindRsaClientKey,
  preparedMsg: Uint8Array,
  variant: BlindRsaVariant,
  salt: Uint8Array,
  r: bigint,
): BlindOutput {
  checkVariant(variant);
  const key = clientKey(publicKey);
  check(salt.length === saltLength(variant), 'salt', `expected ${saltLength(variant)} bytes`);
  check(r > 0n && r < key.n && isUnit(r, key.n), 'r', 'not a unit mod n');
  return blindWith(key, preparedMsg, variant, salt, () => r);
}

function blindWith(
  key: ClientKey,
  preparedMsg: Uint8Array,
  variant: BlindRsaVariant,
  salt: Uint8Array,
  drawR: () => bigint,
): BlindOutput {
  check(preparedMsg instanceof Uint8Array, 'preparedMsg', 'expected bytes');
  if (isRandomized(variant)) {
    check(preparedMsg.length >= BLIND_RSA_PREFIX_LENGTH, 'preparedMsg', 'shorter than the random prefix');
  }
  const { n, e, kLen, modBits } = key;
  // 1. encoded_msg = EMSA-PSS-ENCODE(input_msg, emBits = bit_len(n) - 1, RFC 8017 §8.1.1)
  const encoded = emsaPssEncode(preparedMsg, modBits - 1, salt);
  // 3. m = bytes_to_int(encoded_msg)
  const m = bytesToNumberBE(encoded);
  for (;;) {
    // 6. r = random_integer_uniform(1, n)
    const r = drawR();
    // 4-5. is_coprime(m, n) and 7-8. inv = inverse_mod(r, n) in one extended Euclid, the costly
    // step: m·r·k is a unit iff m, r and k all are, and then r⁻¹ = (m·r·k)⁻¹·m·k. The fresh random
    // k also keeps r out of Euclid, whose running time depends on its input, and r must stay secret.
    const k = randomBelow(n);
    let mrkInverse: bigint;
    try {
      mrkInverse = invert((((m * r) % n) * k) % n, n);
    } catch {
      // Which one was not a unit (in practice never: each would reveal a factor of n).
      if (!isUnit(m, n)) throw new CryptoError('BAD_ARGUMENT', 'blind: invalid input (m not coprime to n)');
      continue; // r or k: draw again, so r stays uniform among the units
    }
    const inv = (((mrkInverse * m) % n) * k) % n;
    // 9. x = RSAVP1(pk, r); 10. z = m * x mod n; 11. blinded_msg = int_to_bytes(z, modulus_len)
    const z = (m * modPowPublic(r, e, n)) % n;
    return {
      blindedMsg: numberToBytesBE(z, kLen),
      state: { variant, preparedMsg: Uint8Array.from(preparedMsg), inv: numberToBytesBE(inv, kLen) },
    };
  }
}

/**
 * RFC 9474 §4.4 Finalize: unblinds the issuer's answer and checks it with RSASSA-PSS-VERIFY on
 * OpenSSL. Throws `BAD_ARGUMENT` for inputs of the wrong size, `BLIND_SIGNATURE_INVALID` when the
 * answer does not unblind to a valid signature (a wrong key, a faulty or malicious issuer).
 */
export function finalizeBlindRsaSignatureNode(
  publicKey: BlindRsaClientKey,
  state: BlindingState,
  blindSig: Uint8Array,
): Uint8Array {
  checkVariant(state.variant);
  const { keyObject, n, kLen } = clientKey(publicKey);
  // 0. If len(inv) != kLen, raise "unexpected input size"
  check(state.inv instanceof Uint8Array && state.inv.length === kLen, 'inv', `expected ${kLen} bytes`);
  // 1. If len(blind_sig) != kLen, raise "unexpected input size"
  check(blindSig instanceof Uint8Array && blindSig.length === kLen, 'blindSig', `expected ${kLen} bytes`);
  // 2. z = bytes_to_int(blind_sig); 3. s = z * inv mod n; 4. sig = int_to_bytes(s, modulus_len)
  const s = (bytesToNumberBE(blindSig) * bytesToNumberBE(state.inv)) % n;
  const sig = numberToBytesBE(s, kLen);
  // 5. result = RSASSA-PSS-VERIFY(pk, input_msg, sig) with salt_len; 6. if invalid, raise "invalid signature"
  let valid: boolean;
  try {
    valid = verify(
      'sha384',
      state.preparedMsg,
      { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: saltLength(state.variant) },
      sig,
    );
  } catch {
    // OpenSSL answers some invalid signatures with an error rather than false: invalid all the same.
    valid = false;
  }
  if (!valid) throw new CryptoError('BLIND_SIGNATURE_INVALID', 'finalize: invalid signature');
  return sig;
}

/**
 * Makes `@opendeg/crypto`'s `blindRsaMessage` and `finalizeBlindRsaSignature` (and so
 * `@opendeg/election`'s `requestCredential` and `finishCredential`) use this client for issuer keys
 * given as DER SPKI. A Node voter (the demo, tests) calls it once; the browser never does.
 */
export function registerNodeBlindRsaClient(): void {
  registerBlindRsaClient({
    blind: (key, prepared, variant) => blindRsaMessageNode(key, prepared, variant),
    finalize: (key, state, blindSig) => finalizeBlindRsaSignatureNode(key, state, blindSig),
  });
}
