// Threshold keys (P-5.2–P-5.6, P-7.6): Shamir sharing with Feldman commitments in dealer mode and
// dealer-free (Pedersen DKG); partial decryption with proofs, Lagrange combination, key assembly.
import { describe, expect, test } from 'vitest';
import { CryptoError } from '../src/errors.ts';
import { encrypt, decryptToElement, sumCiphertexts } from '../src/elgamal.ts';
import { mod } from '../src/group.ts';
import type { AnyGroup } from '../src/suites.ts';
import { combineDecryptionShares, partialDecrypt } from '../src/threshold/decryption.ts';
import {
  assembleKey,
  dealKey,
  verificationKey,
  verifyPart,
  verifyThresholdPublicKey,
} from '../src/threshold/keys.ts';
import type { ThresholdPublicKey } from '../src/threshold/keys.ts';
import { dkgCombine, dkgDeal, dkgPublicKey } from '../src/threshold/pedersen-dkg.ts';
import { interpolateSecret } from '../src/threshold/shamir.ts';
import type { SecretShare, ThresholdParams } from '../src/threshold/shamir.ts';
import { allGroups } from './groups.ts';

const CTX = new Uint8Array(32).fill(7);

function subsets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of subsets(items.slice(i + 1), k - 1)) out.push([item, ...rest]);
  });
  return out;
}

function runDkg(
  g: AnyGroup,
  params: ThresholdParams,
): { key: ThresholdPublicKey<unknown>; shares: SecretShare[] } {
  const dealings = Array.from({ length: params.n }, (_, i) => dkgDeal(g, CTX, params, i + 1));
  const commitments = dealings.map((d) => d.commitment);
  const shares: SecretShare[] = [];
  let key: ThresholdPublicKey<unknown> | undefined;
  for (let i = 1; i <= params.n; i++) {
    const received = dealings.map((d) => d.shares[i - 1]!);
    const out = dkgCombine(g, CTX, params, i, commitments, received);
    shares.push(out.share);
    key = out.publicKey;
  }
  if (!key) throw new Error('unreachable');
  return { key, shares };
}

describe.each(allGroups)('threshold keys ($name)', ({ group: g }) => {
  const modes = {
    dealer: (p: ThresholdParams) => {
      const d = dealKey(g, CTX, p);
      return { key: d.publicKey, shares: [...d.shares] };
    },
    'dealer-free (Pedersen DKG)': (p: ThresholdParams) => runDkg(g, p),
  };

  for (const [mode, make] of Object.entries(modes)) {
    describe(mode, () => {
      for (const params of [
        { n: 5, k: 3 },
        { n: 7, k: 5 },
      ]) {
        test(`P-5.4 every ${params.k}-subset of ${params.k}-of-${params.n} decrypts; ${params.k - 1} parts cannot`, () => {
          const { key, shares } = make(params);
          expect(verifyThresholdPublicKey(g, CTX, key)).toEqual({ ok: true });
          // Each part checks out against the public commitments (P-5.6: a holder can check theirs).
          for (const s of shares) expect(verifyPart(g, key, s)).toBe(true);
          const tally = sumCiphertexts(
            g,
            [2, 3, 4].map((m) => encrypt(g, key.publicKey, m).ciphertext),
          );
          const expected = g.multiplyBase(9n);
          const partials = shares.map((s) => partialDecrypt(g, CTX, s, tally));
          for (const subset of subsets(partials, params.k)) {
            expect(g.equals(combineDecryptionShares(g, CTX, key, tally, subset), expected)).toBe(true);
          }
          for (const subset of subsets(partials, params.k - 1)) {
            let err: unknown;
            try {
              combineDecryptionShares(g, CTX, key, tally, subset);
            } catch (e) {
              err = e;
            }
            expect(err).toBeInstanceOf(CryptoError);
            expect((err as CryptoError).code).toBe('NOT_ENOUGH_SHARES');
          }
        });
      }

      test('P-7.6 assemble mode: any k parts rebuild the key, checked against the public key', () => {
        const params = { n: 5, k: 3 };
        const { key, shares } = make(params);
        for (const subset of subsets(shares, 3)) {
          const x = assembleKey(g, key, subset);
          expect(g.equals(g.multiplyBase(x), key.publicKey)).toBe(true);
        }
        const { ciphertext } = encrypt(g, key.publicKey, 42);
        const x = assembleKey(g, key, shares.slice(2));
        expect(g.equals(decryptToElement(g, x, ciphertext), g.multiplyBase(42n))).toBe(true);
        expect(() => assembleKey(g, key, shares.slice(0, 2))).toThrow(
          expect.objectContaining({ code: 'NOT_ENOUGH_SHARES' }),
        );
      });

      test('a corrupted part is identified by its index', () => {
        const { key, shares } = make({ n: 5, k: 3 });
        const bad = shares.map((s) => (s.index === 4 ? { ...s, secret: mod(s.secret + 1n, g.order) } : s));
        expect(verifyPart(g, key, bad[3]!)).toBe(false);
        expect(() => assembleKey(g, key, [bad[0], bad[3], bad[4]] as SecretShare[])).toThrow(
          expect.objectContaining({ code: 'SHARE_INVALID', index: 4 }),
        );
        const { ciphertext } = encrypt(g, key.publicKey, 1);
        const partials = bad.map((s) => partialDecrypt(g, CTX, s, ciphertext));
        expect(() =>
          combineDecryptionShares(g, CTX, key, ciphertext, [partials[1], partials[3], partials[0]] as never),
        ).toThrow(expect.objectContaining({ code: 'SHARE_INVALID', index: 4 }));
        // A share presented under another part's index is caught too.
        const relabelled = { ...partials[0]!, index: 2 };
        expect(() =>
          combineDecryptionShares(g, CTX, key, ciphertext, [relabelled, partials[2], partials[4]] as never),
        ).toThrow(expect.objectContaining({ code: 'SHARE_INVALID', index: 2 }));
        // The same part twice never counts as two.
        expect(() =>
          combineDecryptionShares(g, CTX, key, ciphertext, [partials[0], partials[0], partials[2]] as never),
        ).toThrow(expect.objectContaining({ code: 'DUPLICATE_SHARE', index: 1 }));
      });
    });
  }

  test('dealer mode: the dealt secret is the interpolation of the shares, and verification keys match', () => {
    const { publicKey: key, shares } = dealKey(g, CTX, { n: 4, k: 2 });
    const x = interpolateSecret(shares.slice(1, 3), g.order);
    expect(g.equals(g.multiplyBase(x), key.publicKey)).toBe(true);
    for (const s of shares)
      expect(g.equals(verificationKey(g, key, s.index), g.multiplyBase(s.secret))).toBe(true);
  });

  test('DKG: no single dealer knows the key; a cheating dealer is named', () => {
    const params = { n: 3, k: 2 };
    const dealings = [1, 2, 3].map((d) => dkgDeal(g, CTX, params, d));
    const key = dkgPublicKey(
      g,
      CTX,
      params,
      dealings.map((d) => d.commitment),
    );
    for (const d of dealings) {
      const own = d.shares.map((s) => s);
      expect(g.equals(g.multiplyBase(interpolateSecret(own.slice(0, 2), g.order)), key.publicKey)).toBe(
        false,
      );
    }
    const received = dealings.map((d) => d.shares[0]!);
    const tampered = received.map((s, i) => (i === 1 ? { ...s, secret: mod(s.secret + 1n, g.order) } : s));
    expect(() =>
      dkgCombine(
        g,
        CTX,
        params,
        1,
        dealings.map((d) => d.commitment),
        tampered,
      ),
    ).toThrow(expect.objectContaining({ code: 'SHARE_INVALID', index: 2 }));
    // A dealer whose proof of knowledge is for another election is rejected by everyone.
    const foreign = dkgDeal(g, new Uint8Array(32).fill(9), params, 3).commitment;
    expect(() =>
      dkgPublicKey(g, CTX, params, [dealings[0]?.commitment, dealings[1]?.commitment, foreign] as never),
    ).toThrow(expect.objectContaining({ code: 'SHARE_INVALID', index: 3 }));
  });

  test('the public record is checked: a substituted public key is caught', () => {
    const { publicKey: key } = dealKey(g, CTX, { n: 3, k: 2 });
    expect(verifyThresholdPublicKey(g, CTX, { ...key, publicKey: g.multiplyBase(5n) })).toMatchObject({
      ok: false,
      code: 'KEY_MISMATCH',
    });
    expect(verifyThresholdPublicKey(g, new Uint8Array(32), key)).toMatchObject({
      ok: false,
      code: 'KEY_PROOF',
    });
  });

  test('parameters are validated', () => {
    expect(() => dealKey(g, CTX, { n: 3, k: 4 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => dealKey(g, CTX, { n: 0, k: 0 })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => dealKey(g, CTX, { n: 2.5, k: 1 })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
  });
});
