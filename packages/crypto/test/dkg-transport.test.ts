// The distributed key ceremony's holder side (P-5.2–P-5.6, issue 6): transport keys with proofs of
// possession, shares encrypted to one holder and bound to one ceremony, the holders' round functions
// giving the same key as Pedersen's DKG, and a tampered share naming its dealer.
import { describe, expect, test } from 'vitest';
import {
  assembleKey,
  CryptoError,
  decryptShare,
  discloseShareKey,
  encryptShare,
  gost256b,
  holderCombine,
  holderDeal,
  judgeComplaint,
  makeTransportKey,
  ristretto255,
  verifyPart,
  verifyThresholdPublicKey,
  verifyTransportKey,
  type DkgCeremonyBinding,
  type EncryptedShare,
  type Group,
  type SecretShare,
  type TransportKeyPair,
} from '../src/index.ts';

const binding: DkgCeremonyBinding = {
  ceremonyId: '3f1c2a56-0d6e-4a4b-9d7e-2f1a0b3c4d5e',
  electionId: 'duma-2026',
  suite: 'ristretto255',
  keyGroup: 'main',
};
const context = new Uint8Array(32).fill(0x5a); // an election context hash

async function ceremony<E>(g: Group<E>, n: number, k: number, b: DkgCeremonyBinding = binding) {
  const transports = Array.from({ length: n }, (_, i) => makeTransportKey(b, i + 1));
  const dealings = [];
  for (let d = 1; d <= n; d++)
    dealings.push(
      await holderDeal(
        g,
        context,
        { n, k },
        d,
        b,
        transports.map((t) => t.publicKey),
      ),
    );
  return { transports, dealings };
}

describe('P-5.2 P-5.6 distributed key ceremony: the holder side', () => {
  test('a transport key proves possession for its own ceremony and index only', () => {
    const t = makeTransportKey(binding, 2);
    expect(verifyTransportKey(binding, 2, t.publicKey, t.proof)).toBe(true);
    expect(verifyTransportKey(binding, 3, t.publicKey, t.proof)).toBe(false);
    expect(verifyTransportKey({ ...binding, ceremonyId: 'other' }, 2, t.publicKey, t.proof)).toBe(false);
    const other = makeTransportKey(binding, 2);
    expect(verifyTransportKey(binding, 2, other.publicKey, t.proof)).toBe(false);
    // Not a point: all 0xff is no canonical ristretto255 encoding; the identity is refused.
    expect(verifyTransportKey(binding, 2, new Uint8Array(32).fill(0xff), t.proof)).toBe(false);
    expect(verifyTransportKey(binding, 2, new Uint8Array(32), t.proof)).toBe(false);
  });

  test('a share decrypts for its recipient, in its ceremony, from its dealer only', async () => {
    const g = ristretto255;
    const [a, b] = [makeTransportKey(binding, 1), makeTransportKey(binding, 2)];
    const share: SecretShare = { index: 2, secret: g.randomScalar() };
    const enc = await encryptShare(g, binding, 1, b.publicKey, share);
    expect(enc.ciphertext.length).toBe(g.scalarLength + 16);
    expect((await decryptShare(g, binding, b, enc)).secret).toBe(share.secret);
    // Each started only when awaited: a rejection left waiting would be reported as unhandled.
    const refused = [
      () => decryptShare(g, binding, a, enc),
      () => decryptShare(g, { ...binding, ceremonyId: 'another' }, b, enc),
      () => decryptShare(g, { ...binding, keyGroup: 'kaliningrad' }, b, enc),
      () => decryptShare(g, binding, b, { ...enc, dealer: 3 }),
    ];
    for (const p of refused) await expect(p()).rejects.toMatchObject({ code: 'SHARE_INVALID' });
  });

  test('P-5.3 P-5.4 N = 5, K = 3: each holder combines its own part; any 3 parts give the key of the published record', async () => {
    const g = ristretto255;
    const { transports, dealings } = await ceremony(g, 5, 3);
    const commitments = dealings.map((d) => d.commitment);
    const parts: SecretShare[] = [];
    for (let i = 1; i <= 5; i++) {
      const received = dealings.map((d) => d.shares[i - 1] ?? d.shares[0]!);
      const out = await holderCombine(
        g,
        context,
        { n: 5, k: 3 },
        i,
        binding,
        transports[i - 1]!,
        commitments,
        received,
      );
      expect(verifyThresholdPublicKey(g, context, out.publicKey)).toEqual({ ok: true });
      expect(verifyPart(g, out.publicKey, out.share)).toBe(true);
      parts.push(out.share);
    }
    const key = (
      await holderCombine(
        g,
        context,
        { n: 5, k: 3 },
        1,
        binding,
        transports[0]!,
        commitments,
        dealings.map((d) => d.shares[0]!),
      )
    ).publicKey;
    for (const trio of [
      [0, 1, 2],
      [2, 3, 4],
      [0, 2, 4],
    ]) {
      const x = assembleKey(
        g,
        key,
        trio.map((i) => parts[i]!),
      );
      expect(g.equals(g.multiplyBase(x), key.publicKey)).toBe(true);
    }
    expect(() => assembleKey(g, key, parts.slice(0, 2))).toThrow(CryptoError);
  });

  test('P-5.6 a tampered share is refused naming its dealer; a share that decrypts but fails the commitments too', async () => {
    const g = gost256b;
    const b = { ...binding, suite: 'gost256b' as const };
    const { transports, dealings } = await ceremony(g, 3, 2, b);
    const commitments = dealings.map((d) => d.commitment);
    const received = dealings.map((d) => d.shares[1]!);
    const flipped = Uint8Array.from(received[2]!.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = received.map((s, i) => (i === 2 ? { ...s, ciphertext: flipped } : s));
    const run = (r: typeof received) =>
      holderCombine(g, context, { n: 3, k: 2 }, 2, b, transports[1]!, commitments, r);
    await expect(run(tampered)).rejects.toMatchObject({ code: 'SHARE_INVALID', index: 3 });
    // Dealer 1 encrypts a wrong value properly: it decrypts, and its commitments expose it.
    const wrong = await encryptShare(g, b, 1, transports[1]!.publicKey, { index: 2, secret: 5n });
    await expect(run([wrong, received[1]!, received[2]!])).rejects.toMatchObject({
      code: 'SHARE_INVALID',
      index: 1,
    });
    expect((await run(received)).share.index).toBe(2);
  });

  test('P-5.6 a complaint is judged from public values: the tampered share convicts its dealer, an honest one refutes the complaint, a forged disclosure proves nothing', async () => {
    const g = ristretto255;
    const { transports, dealings } = await ceremony(g, 3, 2);
    const [, t2, t3] = transports as [TransportKeyPair, TransportKeyPair, TransportKeyPair];
    const judge = (enc: EncryptedShare, d: ReturnType<typeof discloseShareKey>, key = t2.publicKey) =>
      judgeComplaint(g, binding, key, enc, d, dealings[enc.dealer - 1]!.commitment.commitments);
    const honest = dealings[0]!.shares[1]!;
    expect(await judge(honest, discloseShareKey(binding, t2, honest))).toBe('share-valid');
    const flipped = Uint8Array.from(honest.ciphertext);
    flipped[5] = (flipped[5] ?? 0) ^ 0x80;
    const tampered = { ...honest, ciphertext: flipped };
    expect(await judge(tampered, discloseShareKey(binding, t2, tampered))).toBe('dealer-at-fault');
    // Dealer 2 encrypts a value its commitments do not give: it decrypts, and is convicted.
    const wrong = await encryptShare(g, binding, 2, t2.publicKey, { index: 2, secret: 7n });
    expect(await judge(wrong, discloseShareKey(binding, t2, wrong))).toBe('dealer-at-fault');
    // Holder 3's disclosure is no proof about holder 2's key; nor is a disclosure of another share.
    expect(await judge(tampered, discloseShareKey(binding, t3, tampered))).toBe('disclosure-invalid');
    const other = dealings[2]!.shares[1]!;
    expect(await judge(tampered, discloseShareKey(binding, t2, other))).toBe('disclosure-invalid');
  });
});
