/**
 * Pedersen threshold trustees the Belenios way (Belenios 2.0 specification §3.1.1 "Pedersen"
 * protocol, §4.5 verification keys, §4.6.4 polynomials, §4.6.5 vinputs, §4.6.6 voutputs, §4.6.7
 * threshold parameters, §4.7 trustees).
 *
 * The mathematics is OpenDEG's dealer-free key generation (`@opendeg/crypto` pedersen-dkg.ts and
 * shamir.ts: random polynomials, Feldman commitments, share checks): trustee z picks f_z of degree t,
 * publishes its coefexps A_zk = g^a_zk, sends s_zj = f_z(j) to trustee j, and j keeps
 * S_j = Σ_z s_zj; the election key is y = Π_z A_z0. What this module adds is Belenios's packaging,
 * which `belenios-tool election verify` checks: certificates, signed coefexps, shares sent through
 * signed-and-encrypted channels (`channel.ts`), verification keys g^S_j with proofs of knowledge,
 * and `threshold` = t + 1 (OpenDEG's k).
 *
 * Each step is a function of the party that runs it, so a trustee behind a network interface runs the
 * same code as a local one; `beleniosThresholdSetup` runs the whole ceremony in one process (tests,
 * single-machine demos). Alongside the Belenios structures each trustee also makes OpenDEG's own
 * proof of knowledge of a_z0 bound to the election context, so the same ceremony yields an OpenDEG
 * `ThresholdPublicKey` that `verifyThresholdPublicKey` accepts and the `SecretShare`s that
 * `partialDecrypt`/`beleniosPartialDecrypt` use.
 */

import {
  checkThresholdParams,
  commitPolynomial,
  commitmentAt,
  dkgPublicKey,
  evaluatePolynomial,
  mod,
  proveSchnorr,
  randomPolynomial,
  verifyShare,
} from '@opendeg/crypto';
import type { DkgCommitment, SecretShare, ThresholdParams, ThresholdPublicKey } from '@opendeg/crypto';
import {
  asArray,
  asObject,
  asString,
  bg,
  decodeDecimal,
  decodeElement,
  encodeDecimal,
  malformed,
  parseJson,
} from './encoding.ts';
import {
  deriveTrusteeKeys,
  generateTrusteeSeed,
  makeCert,
  receiveMessage,
  sendMessage,
  verifyCert,
} from './channel.ts';
import type { TrusteeKeys } from './channel.ts';
import { BeleniosError, beleniosCheck } from './errors.ts';
import type { BeleniosCheck, BeleniosCheckFailure } from './errors.ts';
import { proveTrusteeKey, signMessage, verifySignedMessage, verifyTrusteeKey } from './schnorr.ts';
import type { SignedMsgJson, TrusteePublicKeyJson } from './schnorr.ts';

/** §4.6.4 polynomial: what trustee z sends the server in step 3. */
export interface PolynomialJson {
  /** send(sk_z, ek_z, raw_polynomial): the trustee's own copy of its coefficients. */
  readonly polynomial: string;
  /** send(sk_z, ek_j, {"secret": s_zj}) for j = 1…m. */
  readonly secrets: readonly string[];
  /** signed {"coefexps": [A_z0, …, A_zt]}. */
  readonly coefexps: SignedMsgJson;
}

/** §4.6.5 vinput: what the server routes to trustee j in step 4. */
export interface VinputJson {
  readonly polynomial: string;
  readonly secrets: readonly string[];
  readonly coefexps: readonly SignedMsgJson[];
}

/** §4.6.6 voutput: trustee j's answer in step 5. */
export interface VoutputJson {
  /** send(sk_j, ek_j, {"decryption_key": S_j}): belenios-tool's `.dkey` file. */
  readonly private_key: string;
  readonly public_key: TrusteePublicKeyJson;
}

/** §4.6.7 threshold_parameters. */
export interface ThresholdParametersJson {
  /** t + 1: the number of trustees needed to decrypt. */
  readonly threshold: number;
  readonly certs: readonly SignedMsgJson[];
  readonly coefexps: readonly SignedMsgJson[];
  readonly verification_keys: readonly TrusteePublicKeyJson[];
}

/** §4.7 trustees. */
export type TrusteeKindJson =
  readonly ['Single', TrusteePublicKeyJson] | readonly ['Pedersen', ThresholdParametersJson];
export type TrusteesJson = readonly TrusteeKindJson[];

function failure(message: string): never {
  throw new BeleniosError('TRUSTEE_INVALID', message);
}

/** §4.6.2/step 2: every certificate valid; returns their keys in order. */
export function beleniosCheckCerts(
  certs: readonly SignedMsgJson[],
): { verification: bigint; encryption: bigint }[] {
  return certs.map((c, i) => verifyCert(c) ?? failure(`certificate ${i + 1} does not validate`));
}

/** The position (1-based) of a trustee's own certificate. */
function myIndex(keys: TrusteeKeys, certs: readonly SignedMsgJson[]): number {
  const i = beleniosCheckCerts(certs).findIndex(
    (c) => c.verification === keys.verificationKey && c.encryption === keys.encryptionKey,
  );
  return i >= 0 ? i + 1 : failure('could not find my certificate');
}

/** The coefexps of a signed raw_coefexps, after checking the signature of its author. */
function openCoefexps(vk: bigint, signed: SignedMsgJson, what: string): bigint[] {
  if (!verifySignedMessage(vk, signed)) failure(`${what} does not validate`);
  const o = asObject(parseJson(signed.message, what), what);
  return asArray(o.coefexps, what).map((x, k) => decodeElement(x, `${what}[${k}]`));
}

/** Step 1 (trustee): a fresh seed (the secret `.key`) and its certificate. */
export function beleniosTrusteeCertificate(seed: string = generateTrusteeSeed()): {
  keys: TrusteeKeys;
  cert: SignedMsgJson;
} {
  const keys = deriveTrusteeKeys(seed);
  return { keys, cert: makeCert(keys) };
}

/**
 * Step 3 (trustee z): a random polynomial of degree threshold − 1, its signed coefexps, the shares
 * f_z(j) sent to each trustee j, and OpenDEG's DKG commitment (with a proof of knowledge of a_z0
 * bound to `context`) for the OpenDEG threshold key.
 */
export function beleniosTrusteePolynomial(
  keys: TrusteeKeys,
  certs: readonly SignedMsgJson[],
  threshold: number,
  context: Uint8Array,
): { polynomial: PolynomialJson; commitment: DkgCommitment<bigint> } {
  const recipients = beleniosCheckCerts(certs);
  checkThresholdParams({ n: recipients.length, k: threshold });
  const dealer = myIndex(keys, certs);
  const coefficients = randomPolynomial(bg, bg.randomScalar(), threshold);
  const coefexps = commitPolynomial(bg, coefficients);
  const raw = JSON.stringify({ polynomial: coefficients.map(encodeDecimal) });
  const polynomial: PolynomialJson = {
    polynomial: sendMessage(keys.signingKey, keys.encryptionKey, raw),
    secrets: recipients.map((r, j) =>
      sendMessage(
        keys.signingKey,
        r.encryption,
        JSON.stringify({ secret: encodeDecimal(evaluatePolynomial(coefficients, BigInt(j + 1), bg.order)) }),
      ),
    ),
    coefexps: signCoefexps(keys, coefexps),
  };
  const a0 = coefficients[0] ?? 0n;
  const c0 = coefexps[0] ?? bg.identity;
  return {
    polynomial,
    commitment: { dealer, commitments: coefexps, proof: proveSchnorr(bg, context, a0, c0) },
  };
}

function signCoefexps(keys: TrusteeKeys, coefexps: readonly bigint[]): SignedMsgJson {
  return signMessage(keys.signingKey, JSON.stringify({ coefexps: coefexps.map(encodeDecimal) }));
}

/** Step 4 (server): checks every coefexps signature and routes the shares to their recipients. */
export function beleniosVinputs(
  certs: readonly SignedMsgJson[],
  polynomials: readonly PolynomialJson[],
): VinputJson[] {
  const keys = beleniosCheckCerts(certs);
  if (polynomials.length !== keys.length) failure(`${keys.length} polynomials expected`);
  polynomials.forEach((p, i) => openCoefexps(keys[i]?.verification ?? 0n, p.coefexps, `coefexps ${i + 1}`));
  return keys.map((_, j) => ({
    polynomial: polynomials[j]?.polynomial ?? '',
    secrets: polynomials.map(
      (p) => p.secrets[j] ?? failure(`polynomial is missing the share for trustee ${j + 1}`),
    ),
    coefexps: polynomials.map((p) => p.coefexps),
  }));
}

/**
 * Step 5 (trustee j): opens every share sent to it (checking each sender's signature), checks each
 * against its dealer's coefexps (Feldman: g^s_ij = Π_k A_ik^(j^k)), and keeps S_j = Σ_i s_ij. Returns
 * the voutput and the OpenDEG `SecretShare` {index j, secret S_j}. Throws TRUSTEE_INVALID naming
 * the dealer whose share fails.
 */
export function beleniosTrusteeVoutput(
  keys: TrusteeKeys,
  certs: readonly SignedMsgJson[],
  vinput: VinputJson,
): { voutput: VoutputJson; share: SecretShare } {
  const certKeys = beleniosCheckCerts(certs);
  const j = myIndex(keys, certs);
  const own = asObject(
    parseJson(receiveMessage(keys, keys.verificationKey, vinput.polynomial), 'raw_polynomial'),
    'raw_polynomial',
  );
  const threshold = asArray(own.polynomial, 'raw_polynomial.polynomial').length;
  if (vinput.secrets.length !== certKeys.length || vinput.coefexps.length !== certKeys.length) {
    failure(`vinput: ${certKeys.length} secrets and coefexps expected`);
  }
  let total = 0n;
  certKeys.forEach((dealer, i) => {
    const coefexps = openCoefexps(
      dealer.verification,
      vinput.coefexps[i] ?? failure('missing coefexps'),
      `coefexps ${i + 1}`,
    );
    if (coefexps.length !== threshold) failure(`coefexps ${i + 1}: ${threshold} coefficients expected`);
    const msg = asObject(
      parseJson(
        receiveMessage(keys, dealer.verification, vinput.secrets[i] ?? failure('missing secret')),
        'secret',
      ),
      'secret',
    );
    const secret = decodeDecimal(msg.secret, 'secret.secret');
    if (secret >= bg.order || !verifyShare(bg, coefexps, { index: j, secret }))
      failure(`secret ${i + 1} does not validate`);
    total = mod(total + secret, bg.order);
  });
  const share: SecretShare = { index: j, secret: total };
  const voutput: VoutputJson = {
    private_key: sendMessage(
      keys.signingKey,
      keys.encryptionKey,
      JSON.stringify({ decryption_key: encodeDecimal(total) }),
    ),
    public_key: proveTrusteeKey(total),
  };
  return { voutput, share };
}

/** A trustee's share from its `.dkey` (the voutput's private_key), e.g. made by belenios-tool. */
export function beleniosTrusteeShare(
  keys: TrusteeKeys,
  certs: readonly SignedMsgJson[],
  privateKey: string,
): SecretShare {
  const index = myIndex(keys, certs);
  const o = asObject(
    parseJson(receiveMessage(keys, keys.verificationKey, privateKey), 'partial_decryption_key'),
    'partial_decryption_key',
  );
  // belenios-tool does not reduce the sum of the shares modulo q; exponents only matter mod q.
  return { index, secret: mod(decodeDecimal(o.decryption_key, 'decryption_key'), bg.order) };
}

/** Σ_i Π_k A_ik^(j^k): the verification key g^S_j of trustee j, from the coefexps alone. */
function verificationKeys(coefexps: readonly (readonly bigint[])[]): bigint[] {
  return coefexps.map((_, j) =>
    coefexps.reduce((acc, c) => bg.add(acc, commitmentAt(bg, c, j + 1)), bg.identity),
  );
}

/** Step 6 (server): checks every voutput and assembles the threshold parameters. */
export function beleniosThresholdParameters(
  certs: readonly SignedMsgJson[],
  polynomials: readonly PolynomialJson[],
  voutputs: readonly VoutputJson[],
): ThresholdParametersJson {
  const keys = beleniosCheckCerts(certs);
  if (polynomials.length !== keys.length || voutputs.length !== keys.length) {
    failure(`${keys.length} polynomials and voutputs expected`);
  }
  const coefexps = polynomials.map((p, i) =>
    openCoefexps(keys[i]?.verification ?? 0n, p.coefexps, `coefexps ${i + 1}`),
  );
  const expected = verificationKeys(coefexps);
  voutputs.forEach((v, j) => {
    const x = verifyTrusteeKey(v.public_key) ?? failure(`pok ${j + 1} does not validate`);
    if (x !== expected[j]) failure(`verification key ${j + 1} is incorrect`);
  });
  return {
    threshold: coefexps[0]?.length ?? 0,
    certs,
    coefexps: polynomials.map((p) => p.coefexps),
    verification_keys: voutputs.map((v) => v.public_key),
  };
}

/** The coefexps of threshold parameters, signatures checked. */
function pedersenCoefexps(t: ThresholdParametersJson): bigint[][] {
  const keys = beleniosCheckCerts(t.certs);
  if (t.coefexps.length !== keys.length) failure('one coefexps per certificate expected');
  return t.coefexps.map((c, i) => openCoefexps(keys[i]?.verification ?? 0n, c, `coefexps ${i + 1}`));
}

/** §3.1.1: the election key, the product of the sub-keys of every trustees item. */
export function beleniosTrusteesPublicKey(trustees: TrusteesJson): bigint {
  return trustees.reduce((y, item) => {
    if (item[0] === 'Single')
      return bg.add(y, verifyTrusteeKey(item[1]) ?? failure('invalid Single trustee key'));
    return pedersenCoefexps(item[1]).reduce((acc, c) => bg.add(acc, c[0] ?? bg.identity), y);
  }, bg.identity);
}

/** The verification keys g^S_j of a Pedersen item, in trustee order (for partial decryptions). */
export function beleniosVerificationKeys(t: ThresholdParametersJson): bigint[] {
  return t.verification_keys.map((k, j) => verifyTrusteeKey(k) ?? failure(`pok ${j + 1} does not validate`));
}

/**
 * §3.5 / what `belenios-tool election verify` checks of the trustees: certificates, coefexps
 * signatures, proofs of knowledge, `threshold` = t + 1, and each verification key equal to the one
 * the coefexps imply.
 */
export function beleniosVerifyTrustees(trustees: TrusteesJson): BeleniosCheck {
  const failures: BeleniosCheckFailure[] = [];
  trustees.forEach((item, n) => {
    try {
      if (item[0] === 'Single') {
        if (verifyTrusteeKey(item[1]) === undefined)
          failures.push({ check: '4.5 pok', message: `item ${n + 1}` });
        return;
      }
      const t = item[1];
      const coefexps = pedersenCoefexps(t);
      if (coefexps.some((c) => c.length !== t.threshold)) {
        failures.push({
          check: '4.6.7 threshold',
          message: `item ${n + 1}: coefexps of ${t.threshold} expected`,
        });
      }
      const expected = verificationKeys(coefexps);
      if (t.verification_keys.length !== expected.length) {
        failures.push({ check: '4.6.7 verification_keys', message: `item ${n + 1}: one per trustee` });
      }
      t.verification_keys.forEach((k, j) => {
        const x = verifyTrusteeKey(k);
        if (x === undefined) failures.push({ check: '4.5 pok', message: `item ${n + 1}, trustee ${j + 1}` });
        else if (x !== expected[j]) {
          failures.push({ check: '4.6.6 verification key', message: `item ${n + 1}, trustee ${j + 1}` });
        }
      });
    } catch (e) {
      failures.push({ check: '4.6 trustees', message: `item ${n + 1}: ${(e as Error).message}` });
    }
  });
  return beleniosCheck(failures);
}

/** Parses a published trustees structure (§4.7); checks come from `beleniosVerifyTrustees`. */
export function parseBeleniosTrustees(raw: string): TrusteesJson {
  return asArray(parseJson(raw, 'trustees'), 'trustees').map((x, i): TrusteeKindJson => {
    const item = asArray(x, `trustees[${i}]`);
    const kind = asString(item[0], `trustees[${i}][0]`);
    const body = asObject(item[1], `trustees[${i}][1]`);
    if (kind === 'Single') return ['Single', body as unknown as TrusteePublicKeyJson];
    if (kind === 'Pedersen') return ['Pedersen', body as unknown as ThresholdParametersJson];
    return malformed(`trustees[${i}][0]`, `unknown trustee kind ${kind}`);
  });
}

/** Everything a local ceremony produces. */
export interface BeleniosThresholdSetup {
  /** The trustees structure of the election: one Pedersen item. */
  readonly trustees: TrusteesJson;
  readonly thresholdParameters: ThresholdParametersJson;
  /** OpenDEG's view of the same key: Feldman commitments and proofs bound to the context. */
  readonly publicKey: ThresholdPublicKey<bigint>;
  /** Trustee j's share at shares[j − 1]. */
  readonly shares: readonly SecretShare[];
  /** Trustee j's secret seed (belenios-tool `.key`) and encrypted share (`.dkey`). */
  readonly trusteeKeys: readonly TrusteeKeys[];
  readonly decryptionKeys: readonly string[];
  /** The public messages of the ceremony, kept for audit. */
  readonly certs: readonly SignedMsgJson[];
  readonly polynomials: readonly PolynomialJson[];
}

/**
 * Runs the whole Pedersen protocol of §3.1.1 for n local trustees with threshold k (Belenios
 * `threshold` = k = t + 1), checking every step as the server and the trustees would.
 */
export function beleniosThresholdSetup(params: ThresholdParams, context: Uint8Array): BeleniosThresholdSetup {
  checkThresholdParams(params);
  const step1 = Array.from({ length: params.n }, () => beleniosTrusteeCertificate());
  const certs = step1.map((s) => s.cert);
  const step3 = step1.map((s) => beleniosTrusteePolynomial(s.keys, certs, params.k, context));
  const polynomials = step3.map((s) => s.polynomial);
  const vinputs = beleniosVinputs(certs, polynomials);
  const step5 = step1.map((s, j) =>
    beleniosTrusteeVoutput(s.keys, certs, vinputs[j] ?? failure('missing vinput')),
  );
  const thresholdParameters = beleniosThresholdParameters(
    certs,
    polynomials,
    step5.map((s) => s.voutput),
  );
  const publicKey = dkgPublicKey(
    bg,
    context,
    params,
    step3.map((s) => s.commitment),
  );
  const trustees: TrusteesJson = [['Pedersen', thresholdParameters]];
  if (beleniosTrusteesPublicKey(trustees) !== publicKey.publicKey) failure('the two views of the key differ');
  return {
    trustees,
    thresholdParameters,
    publicKey,
    shares: step5.map((s) => s.share),
    trusteeKeys: step1.map((s) => s.keys),
    decryptionKeys: step5.map((s) => s.voutput.private_key),
    certs,
    polynomials,
  };
}
