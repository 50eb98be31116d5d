// One proof test suite run against every group suite and backend. Each valid proof is paired
// with tampered variants that must fail: changed challenge or response, another election context,
// swapped ciphertext or statement, non-canonical scalars and elements, elements of another suite.
import { describe, expect, test } from 'vitest';
import { CryptoError } from '../src/errors.ts';
import {
  decodeCiphertext,
  encodeCiphertext,
  encrypt,
  generateKeyPair,
  sumCiphertexts,
} from '../src/elgamal.ts';
import type { Ciphertext } from '../src/elgamal.ts';
import { mod } from '../src/group.ts';
import { proveDleq, verifyDleq } from '../src/proofs/dleq.ts';
import { BatchVerifier } from '../src/batch.ts';
import { proveMembership, verifyMembership } from '../src/proofs/membership.ts';
import type { MembershipProof } from '../src/proofs/membership.ts';
import { proveSchnorr, verifySchnorr } from '../src/proofs/schnorr.ts';
import { signSchnorr, verifySchnorrSignature } from '../src/proofs/signature.ts';
import { partialDecrypt, verifyPartialDecryption } from '../src/threshold/decryption.ts';
import { allGroups } from './groups.ts';

const ctx = (label: string): Uint8Array => {
  const c = new Uint8Array(32);
  c.set(new TextEncoder().encode(label).subarray(0, 32));
  return c;
};
const CTX = ctx('election A');
const OTHER = ctx('election B');
const bump = (k: bigint, q: bigint): bigint => mod(k + 1n, q);

describe.each(allGroups)('proofs ($name)', ({ group: g }) => {
  const q = g.order;
  const { secretKey: x, publicKey: y } = generateKeyPair(g);

  test('Schnorr proof of knowledge', () => {
    const proof = proveSchnorr(g, CTX, x, y);
    expect(verifySchnorr(g, CTX, y, proof)).toBe(true);
    expect(verifySchnorr(g, CTX, y, { ...proof, challenge: bump(proof.challenge, q) })).toBe(false);
    expect(verifySchnorr(g, CTX, y, { ...proof, response: bump(proof.response, q) })).toBe(false);
    expect(verifySchnorr(g, OTHER, y, proof)).toBe(false);
    expect(verifySchnorr(g, CTX, g.multiplyBase(2n), proof)).toBe(false);
    expect(verifySchnorr(g, CTX, y, { ...proof, response: proof.response + q })).toBe(false);
  });

  test('Chaum–Pedersen (DLEQ)', () => {
    const g2 = g.multiplyBase(g.randomScalar());
    const s = { g1: g.generator, h1: y, g2, h2: g.multiply(g2, x) };
    const proof = proveDleq(g, CTX, s, x);
    expect(verifyDleq(g, CTX, s, proof)).toBe(true);
    expect(verifyDleq(g, CTX, s, { ...proof, challenge: bump(proof.challenge, q) })).toBe(false);
    expect(verifyDleq(g, OTHER, s, proof)).toBe(false);
    expect(verifyDleq(g, CTX, { ...s, h2: g.add(s.h2, g.generator) }, proof)).toBe(false);
    expect(verifyDleq(g, CTX, s, proof, 'another-purpose')).toBe(false);
    // Unequal logs cannot be proved: an honest prover with the wrong secret yields a failing proof.
    const bad = { ...s, h2: g.multiply(g2, bump(x, q)) };
    expect(verifyDleq(g, CTX, bad, proveDleq(g, CTX, bad, x))).toBe(false);
  });

  describe('disjunctive 0/1 proof', () => {
    for (const m of [0, 1]) {
      test(`encrypts ${m}`, () => {
        const { ciphertext: ct, randomness: r } = encrypt(g, y, m);
        const proof = proveMembership(g, CTX, y, ct, m, r, [0, 1]);
        expect(proof).toHaveLength(2);
        expect(verifyMembership(g, CTX, y, ct, proof, [0, 1])).toBe(true);
        expectTamperedMembershipFails(ct, proof, [0, 1]);
      });
    }

    test('a ciphertext of 2 cannot carry a valid 0/1 proof', () => {
      const { ciphertext: ct, randomness: r } = encrypt(g, y, 2);
      expect(() => proveMembership(g, CTX, y, ct, 2, r, [0, 1])).toThrow(CryptoError);
      // A cheating prover who claims m = 1 for an encryption of 2 produces a proof that fails.
      const forged = proveMembership(g, CTX, y, ct, 1, r, [0, 1]);
      expect(verifyMembership(g, CTX, y, ct, forged, [0, 1])).toBe(false);
    });
  });

  describe('sum in [min, max]', () => {
    test('the sum of a ballot’s 0/1 ciphertexts lies in [1, 3]', () => {
      const marks = [1, 0, 1, 0, 1, 0];
      const encs = marks.map((m) => encrypt(g, y, m));
      const sum = sumCiphertexts(
        g,
        encs.map((e) => e.ciphertext),
      );
      const r = encs.reduce((acc, e) => mod(acc + e.randomness, q), 0n);
      const proof = proveMembership(g, CTX, y, sum, 3, r, [1, 2, 3]);
      expect(proof).toHaveLength(3);
      expect(verifyMembership(g, CTX, y, sum, proof, [1, 2, 3])).toBe(true);
      expect(verifyMembership(g, CTX, y, sum, proof, [0, 1, 2])).toBe(false);
      expectTamperedMembershipFails(sum, proof, [1, 2, 3]);
    });

    test('exactly one mark (the DEG ballot): [1, 1]', () => {
      const { ciphertext, randomness } = encrypt(g, y, 1);
      const proof = proveMembership(g, CTX, y, ciphertext, 1, randomness, [1]);
      expect(verifyMembership(g, CTX, y, ciphertext, proof, [1])).toBe(true);
      const two = encrypt(g, y, 2);
      expect(
        verifyMembership(
          g,
          CTX,
          y,
          two.ciphertext,
          proveMembership(g, CTX, y, two.ciphertext, 1, two.randomness, [1]),
          [1],
        ),
      ).toBe(false);
    });
  });

  /** Verifies one by one and in a batch; the two must agree. */
  function verifyBoth(
    context: Uint8Array,
    key: unknown,
    ct: Ciphertext<unknown>,
    proof: MembershipProof<unknown>,
    values: number[],
  ): boolean {
    const single = verifyMembership(g, context, key, ct, proof, values);
    const batch = new BatchVerifier(g, [key]);
    const batched = verifyMembership(g, context, key, ct, proof, values, batch) && batch.verify();
    expect(batched).toBe(single);
    return single;
  }

  function expectTamperedMembershipFails(
    ct: Ciphertext<unknown>,
    proof: MembershipProof<unknown>,
    values: number[],
  ): void {
    const first = proof[0];
    if (first === undefined) throw new Error('empty proof');
    const rest = proof.slice(1);
    const variants: [string, MembershipProof<unknown>][] = [
      ['changed challenge', [{ ...first, challenge: bump(first.challenge, q) }, ...rest]],
      ['changed response', [{ ...first, response: bump(first.response, q) }, ...rest]],
      ['non-canonical challenge', [{ ...first, challenge: first.challenge + q }, ...rest]],
      ['changed commitment A', [{ ...first, commitmentA: g.add(first.commitmentA, g.generator) }, ...rest]],
      ['changed commitment B', [{ ...first, commitmentB: g.add(first.commitmentB, g.generator) }, ...rest]],
      ['branches swapped', [...rest, first]],
      ['a branch missing', proof.slice(0, -1)],
    ];
    for (const [what, bad] of variants) expect(verifyBoth(CTX, y, ct, bad, values), what).toBe(false);
    expect(verifyBoth(OTHER, y, ct, proof, values), 'other election').toBe(false);
    expect(verifyBoth(CTX, g.multiplyBase(3n), ct, proof, values), 'other key').toBe(false);
    const other = encrypt(g, y, values[0]!).ciphertext;
    expect(verifyBoth(CTX, y, other, proof, values), 'swapped ciphertext').toBe(false);
    expect(verifyBoth(CTX, y, { alpha: ct.beta, beta: ct.alpha }, proof, values), 'α and β swapped').toBe(
      false,
    );
  }

  test('batch verification: many valid proofs pass together; one bad proof fails the batch', () => {
    const batch = new BatchVerifier(g, [y]);
    const items = [0, 1, 1, 0, 1].map((m) => {
      const { ciphertext, randomness } = encrypt(g, y, m);
      return { ciphertext, proof: proveMembership(g, CTX, y, ciphertext, m, randomness, [0, 1]) };
    });
    for (const it of items)
      expect(verifyMembership(g, CTX, y, it.ciphertext, it.proof, [0, 1], batch)).toBe(true);
    expect(batch.equations).toBe(items.length * 4);
    expect(batch.verify()).toBe(true);
    // A proof whose response was altered and whose challenge sum still holds passes the hash check
    // but not the batch: the batch as a whole must fail.
    const bad = new BatchVerifier(g, [y]);
    items.forEach((it, i) => {
      const proof =
        i === 2 ? [{ ...it.proof[0]!, response: bump(it.proof[0]!.response, q) }, it.proof[1]!] : it.proof;
      verifyMembership(g, CTX, y, it.ciphertext, proof, [0, 1], bad);
    });
    expect(bad.verify()).toBe(false);
  });

  test('partial decryption proof', () => {
    const { ciphertext: ct } = encrypt(g, y, 1);
    const d = partialDecrypt(g, CTX, { index: 1, secret: x }, ct);
    expect(verifyPartialDecryption(g, CTX, y, ct, d)).toBe(true);
    expect(verifyPartialDecryption(g, OTHER, y, ct, d)).toBe(false);
    expect(verifyPartialDecryption(g, CTX, y, ct, { ...d, share: g.add(d.share, g.generator) })).toBe(false);
    expect(
      verifyPartialDecryption(g, CTX, y, ct, {
        ...d,
        proof: { ...d.proof, challenge: bump(d.proof.challenge, q) },
      }),
    ).toBe(false);
    const other = encrypt(g, y, 1).ciphertext;
    expect(verifyPartialDecryption(g, CTX, y, other, d)).toBe(false);
    expect(verifyPartialDecryption(g, CTX, g.multiplyBase(5n), ct, d)).toBe(false);
  });

  test('Schnorr signature of a ballot by a one-time credential key', () => {
    const cred = generateKeyPair(g);
    const msg = new TextEncoder().encode('{"ballot":1}');
    const sig = signSchnorr(g, CTX, cred.secretKey, msg);
    expect(verifySchnorrSignature(g, CTX, cred.publicKey, msg, sig)).toBe(true);
    expect(
      verifySchnorrSignature(g, CTX, cred.publicKey, new TextEncoder().encode('{"ballot":2}'), sig),
    ).toBe(false);
    expect(verifySchnorrSignature(g, OTHER, cred.publicKey, msg, sig)).toBe(false);
    expect(verifySchnorrSignature(g, CTX, y, msg, sig)).toBe(false);
    expect(
      verifySchnorrSignature(g, CTX, cred.publicKey, msg, { ...sig, challenge: bump(sig.challenge, q) }),
    ).toBe(false);
    expect(verifySchnorrSignature(g, CTX, cred.publicKey, msg, { ...sig, response: sig.response + q })).toBe(
      false,
    );
    // Two signatures of one message differ (randomised nonces) and both verify.
    const sig2 = signSchnorr(g, CTX, cred.secretKey, msg);
    expect(sig2.challenge).not.toBe(sig.challenge);
    expect(verifySchnorrSignature(g, CTX, cred.publicKey, msg, sig2)).toBe(true);
  });

  test('serialised ciphertexts: non-canonical and wrong-suite elements are rejected on decoding', () => {
    const { ciphertext: ct } = encrypt(g, y, 1);
    const bytes = encodeCiphertext(g, ct);
    const back = decodeCiphertext(g, bytes);
    expect(g.equals(back.alpha, ct.alpha) && g.equals(back.beta, ct.beta)).toBe(true);
    const n = g.elementLength;
    const bad = Uint8Array.from(bytes);
    bad.fill(0xff, 0, n);
    expect(() => decodeCiphertext(g, bad)).toThrow(
      expect.objectContaining({ code: 'NON_CANONICAL_ELEMENT' }),
    );
    expect(() => decodeCiphertext(g, bytes.subarray(1))).toThrow(
      expect.objectContaining({ code: 'BAD_LENGTH' }),
    );
    const identityAlpha = Uint8Array.from(bytes);
    identityAlpha.set(g.encodeElement(g.identity), 0);
    expect(() => decodeCiphertext(g, identityAlpha)).toThrow(
      expect.objectContaining({ code: 'IDENTITY_ELEMENT' }),
    );
    expect(() => g.decodeScalar(g.encodeScalar(q - 1n).map(() => 0xff))).toThrow(
      expect.objectContaining({ code: 'NON_CANONICAL_SCALAR' }),
    );
    for (const other of allGroups.filter((o) => o.group.suite !== g.suite)) {
      const foreign = encodeCiphertext(
        other.group,
        encrypt(other.group, other.group.multiplyBase(7n), 1).ciphertext,
      );
      expect(() => decodeCiphertext(g, foreign)).toThrow(CryptoError);
    }
  });

  test('a proof made in one suite never verifies in another (the suite is in every transcript)', () => {
    for (const other of allGroups.filter((o) => o.group.suite !== g.suite)) {
      const h = other.group;
      const kp = generateKeyPair(h);
      const proof = proveSchnorr(h, CTX, kp.secretKey, kp.publicKey);
      // Re-read the foreign public key's bytes in this suite where they happen to decode.
      let mine: unknown;
      try {
        mine = g.decodeElement(h.encodeElement(kp.publicKey));
      } catch (e) {
        expect(e).toBeInstanceOf(CryptoError);
        continue;
      }
      const valid = proof.challenge < q && proof.response < q && verifySchnorr(g, CTX, mine as never, proof);
      expect(valid).toBe(false);
    }
  });
});
