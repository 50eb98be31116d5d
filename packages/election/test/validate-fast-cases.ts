// Shared by the fast-path tests of `@opendeg/election` (noble) and `@opendeg/ristretto-native`
// (native): answers made wrong in each way a decoder must notice, and what a decoder made of one
// (its encodings, or its error's class, code, message and path) to compare two decoders exactly.
import { bytesToHex, RISTRETTO255_ORDER } from '@opendeg/crypto';
import type { EncryptedAnswer, Group } from '@opendeg/crypto';
import type { EncryptedAnswerJson } from '../src/codec.ts';
import { ElectionError } from '../src/errors.ts';

type Mutable = Record<string, unknown>;

const clone = (a: EncryptedAnswerJson): Mutable => structuredClone(a) as unknown as Mutable;
const at = (o: unknown, ...path: (string | number)[]): Mutable =>
  path.reduce<Mutable>((x, k) => x[k] as Mutable, o as Mutable);

/** ℓ, little-endian: the smallest non-canonical scalar. */
const ORDER_LE = bytesToHex(
  Uint8Array.from({ length: 32 }, (_, i) => Number((RISTRETTO255_ORDER >> BigInt(8 * i)) & 0xffn)),
);

/** Named variants of a valid answer (itself first); most are malformed somewhere deep inside. */
export function answerVariants(a: EncryptedAnswerJson): [string, unknown][] {
  const v = (what: string, f: (o: Mutable) => unknown): [string, unknown] => {
    const o = clone(a);
    const r = f(o);
    return [what, r === undefined ? o : r];
  };
  return [
    ['valid', clone(a)],
    v('upper-case hex in an α', (o) => {
      const c = at(o, 'choices', 2);
      c.alpha = (c.alpha as string).toUpperCase();
    }),
    v('an α one byte short', (o) => {
      const c = at(o, 'choices', 1);
      c.alpha = (c.alpha as string).slice(2);
    }),
    v('odd hex length in a β', (o) => {
      const c = at(o, 'choices', 0);
      c.beta = (c.beta as string).slice(1);
    }),
    v('a non-hex character in an A', (o) => {
      const b = at(o, 'choiceProofs', 1, 0);
      b.A = `g${(b.A as string).slice(1)}`;
    }),
    v('a non-canonical element (all ff) as a B', (o) => {
      at(o, 'choiceProofs', 3, 1).B = 'ff'.repeat(32);
    }),
    v('a negative field element (odd first byte) as a β', (o) => {
      at(o, 'choices', 3).beta = `01${'00'.repeat(31)}`;
    }),
    v('the identity as an α (refused)', (o) => {
      at(o, 'choices', 0).alpha = '00'.repeat(32);
    }),
    v('the identity as a β (allowed)', (o) => {
      at(o, 'choices', 0).beta = '00'.repeat(32);
    }),
    v('the identity as an overall A (allowed)', (o) => {
      at(o, 'overallProof', 0).A = '00'.repeat(32);
    }),
    v('a challenge equal to ℓ', (o) => {
      at(o, 'choiceProofs', 2, 1).c = ORDER_LE;
    }),
    v('a response of all ff', (o) => {
      at(o, 'overallProof', 1).z = 'ff'.repeat(32);
    }),
    v('a scalar 33 bytes long', (o) => {
      const b = at(o, 'choiceProofs', 0, 0);
      b.z = `${b.z as string}00`;
    }),
    v('a number for a scalar', (o) => {
      at(o, 'choiceProofs', 0, 1).c = 7;
    }),
    v('a missing β', (o) => {
      delete at(o, 'choices', 1).beta;
    }),
    v('a branch that is an array', (o) => {
      at(o, 'choiceProofs', 1)[0] = [];
    }),
    v('a proof that is an object', (o) => {
      at(o, 'choiceProofs')[2] = {};
    }),
    v('an overall proof missing', (o) => {
      delete o.overallProof;
    }),
    v('choices null', (o) => {
      o.choices = null;
    }),
    v('1025 branches in a proof', (o) => {
      const p = at(o, 'choiceProofs', 0) as unknown as unknown[];
      at(o, 'choiceProofs')[0] = Array.from({ length: 1025 }, (_, i) => p[i % 2]);
    }),
    v('extra members (kept by the tracker, ignored here)', (o) => {
      at(o, 'choices', 0).note = 'x';
      at(o, 'choiceProofs', 0, 0).extra = 1;
    }),
    v('no choices, no proofs', (o) => {
      o.choices = [];
      o.choiceProofs = [];
    }),
    ['an array', []],
    ['a string', 'answer'],
  ];
}

/** What a decoder made of an answer: its values' encodings, or its error's class, code, message, path. */
export function outcome<E>(g: Group<E>, decode: () => EncryptedAnswer<E>): unknown {
  try {
    const a = decode();
    const hex = (e: E): string => bytesToHex(g.encodeElement(e));
    const branches = (p: EncryptedAnswer<E>['overallProof']): string[][] =>
      p.map((b) => [hex(b.commitmentA), hex(b.commitmentB), String(b.challenge), String(b.response)]);
    return {
      choices: a.choices.map((c) => [hex(c.alpha), hex(c.beta)]),
      choiceProofs: a.choiceProofs.map(branches),
      overallProof: branches(a.overallProof),
    };
  } catch (e) {
    if (!(e instanceof ElectionError)) throw e;
    return { error: e.name, code: e.code, message: e.message, path: e.path };
  }
}
