/**
 * How an OpenDEG election on the `belenios-2048` suite is a set of Belenios 2.0 elections (issue 4;
 * Belenios 2.0 specification §4.7 trustees, §4.9 questions, §4.10 election).
 *
 * One Belenios election per OpenDEG region: its uuid is the region's `belenios.uuid` in the manifest,
 * its questions are the region's ballot style, its public key is the region's key-group key, and its
 * trustees are the key group's Belenios Pedersen trustees (`belenios.trustees` in the manifest, made by
 * the same ceremony as the OpenDEG threshold key, `beleniosThresholdSetup`). The Belenios election
 * structure is a pure function of the manifest, so every party rebuilds the same bytes and the same
 * fingerprint φ, and the manifest hash covers everything φ depends on.
 */

import { verificationKey } from '@opendeg/crypto';
import type { Group, ThresholdPublicKey } from '@opendeg/crypto';
import { asArray, asInteger, asObject, onlyKeys } from './codec.ts';
import { beleniosVerifyTrustees, beleniosTrusteesPublicKey, makeBeleniosElection } from './belenios/index.ts';
import type {
  BeleniosElection,
  BeleniosElectionTemplate,
  ProofJson,
  SignedMsgJson,
  TrusteePublicKeyJson,
  TrusteesJson,
} from './belenios/index.ts';
import { ElectionError } from './errors.ts';
import type { BallotStyleDef, ElectionManifest, RegionDef } from './manifest.ts';

/** The manifest's `belenios` member of a key group: its trustees as Belenios publishes them (§4.7). */
export interface BeleniosKeyGroupDef {
  /** Exactly one Pedersen item: the key group's k-of-n threshold trustees. */
  readonly trustees: TrusteesJson;
}

/** The manifest's `belenios` member of a region: the uuid of the region's Belenios election. */
export interface BeleniosRegionDef {
  readonly uuid: string;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const UUID = /^[1-9A-HJ-NP-Za-km-z]{14,64}$/;

/** Strings of Belenios messages carry several 617-digit numbers: longer than `asString` allows. */
function text(j: unknown, path: string, pattern?: RegExp): string {
  if (typeof j !== 'string' || j.length === 0 || j.length > 65_536 || !(pattern?.test(j) ?? true)) {
    throw new ElectionError(
      'MALFORMED',
      pattern === undefined ? 'expected a string' : `expected ${String(pattern)}`,
      { path },
    );
  }
  return j;
}

function proof(j: unknown, path: string): ProofJson {
  const o = asObject(j, path);
  onlyKeys(o, ['challenge', 'response'], path);
  return {
    challenge: text(o.challenge, `${path}.challenge`, DECIMAL),
    response: text(o.response, `${path}.response`, DECIMAL),
  };
}

function signedMsg(j: unknown, path: string): SignedMsgJson {
  const o = asObject(j, path);
  onlyKeys(o, ['message', 'signature'], path);
  return { message: text(o.message, `${path}.message`), signature: proof(o.signature, `${path}.signature`) };
}

function trusteeKey(j: unknown, path: string): TrusteePublicKeyJson {
  const o = asObject(j, path);
  onlyKeys(o, ['pok', 'public_key'], path);
  return { pok: proof(o.pok, `${path}.pok`), public_key: text(o.public_key, `${path}.public_key`, DECIMAL) };
}

/**
 * The shape of a key group's `belenios` member: one Pedersen item with n certificates, coefexps and
 * verification keys. Signatures and proofs are checked by the verifier (V.2), not here.
 */
export function parseBeleniosKeyGroupDef(
  j: unknown,
  path: string,
  threshold: { readonly n: number; readonly k: number },
): BeleniosKeyGroupDef {
  const o = asObject(j, path);
  onlyKeys(o, ['trustees'], path);
  const items = asArray(o.trustees, `${path}.trustees`, 1);
  const item = asArray(items[0], `${path}.trustees[0]`, 2);
  const p = `${path}.trustees[0][1]`;
  if (items.length !== 1 || item.length !== 2 || item[0] !== 'Pedersen') {
    throw new ElectionError('MALFORMED', 'expected one ["Pedersen", threshold parameters] item', {
      path: `${path}.trustees`,
    });
  }
  const t = asObject(item[1], p);
  onlyKeys(t, ['threshold', 'certs', 'coefexps', 'verification_keys'], p);
  const { n, k } = threshold;
  const list = <T>(x: unknown, name: string, f: (y: unknown, q: string) => T): T[] => {
    const xs = asArray(x, `${p}.${name}`, n);
    if (xs.length !== n) throw new ElectionError('MALFORMED', `${n} expected`, { path: `${p}.${name}` });
    return xs.map((y, i) => f(y, `${p}.${name}[${i}]`));
  };
  return {
    trustees: [
      [
        'Pedersen',
        {
          threshold: asInteger(t.threshold, `${p}.threshold`, k, k),
          certs: list(t.certs, 'certs', signedMsg),
          coefexps: list(t.coefexps, 'coefexps', signedMsg),
          verification_keys: list(t.verification_keys, 'verification_keys', trusteeKey),
        },
      ],
    ],
  };
}

export function parseBeleniosRegionDef(j: unknown, path: string): BeleniosRegionDef {
  const o = asObject(j, path);
  onlyKeys(o, ['uuid'], path);
  return { uuid: text(o.uuid, `${path}.uuid`, UUID) };
}

/** §4.9/§4.10: the region's Belenios election; question and answer texts in Russian, as printed. */
export function beleniosTemplate(
  manifest: ElectionManifest,
  region: RegionDef,
  style: BallotStyleDef,
): BeleniosElectionTemplate {
  if (region.belenios === undefined) {
    throw new ElectionError('MALFORMED', `region ${region.code} has no Belenios uuid`);
  }
  return {
    uuid: region.belenios.uuid,
    name: `${manifest.title.ru} — ${region.name.ru}`,
    description: `OpenDEG ${manifest.electionId}, region ${region.code}, ballot style ${style.id}`,
    questions: style.questions.map((q) => ({
      question: q.text.ru,
      answers: q.options.map((o) => o.label.ru),
      min: q.min,
      max: q.max,
      ...(q.blank ? { blank: true } : {}),
    })),
  };
}

export function makeRegionBeleniosElection(
  manifest: ElectionManifest,
  region: RegionDef,
  style: BallotStyleDef,
  publicKey: bigint,
): BeleniosElection {
  return makeBeleniosElection(beleniosTemplate(manifest, region, style), publicKey);
}

/**
 * V.2 for a belenios-2048 key group: the Belenios trustees are valid (§3.5: certificates, coefexps
 * signatures, proofs of knowledge, verification keys) and are the same key as the OpenDEG threshold
 * key — same y, same threshold, and trustee j's verification key equal to OpenDEG's for part j (so a
 * Belenios partial decryption checked against either is checked against both). Returns the failures.
 */
export function checkBeleniosKeyGroup<E>(
  g: Group<E>,
  key: ThresholdPublicKey<E>,
  def: BeleniosKeyGroupDef,
): string[] {
  const r = beleniosVerifyTrustees(def.trustees);
  if (!r.ok) return r.failures.map((f) => `Belenios trustees ${f.check}: ${f.message}`);
  const failures: string[] = [];
  try {
    if (beleniosTrusteesPublicKey(def.trustees) !== (key.publicKey as unknown as bigint))
      failures.push('the Belenios trustees’ key is not the key group’s public key');
  } catch (e) {
    failures.push(`Belenios trustees: ${(e as Error).message}`);
  }
  const item = def.trustees[0];
  if (item?.[0] !== 'Pedersen') return [...failures, 'Belenios trustees: one Pedersen item expected'];
  if (item[1].threshold !== key.params.k || item[1].verification_keys.length !== key.params.n)
    failures.push(`Belenios trustees: threshold ${key.params.k} of ${key.params.n} expected`);
  item[1].verification_keys.forEach((vk, j) => {
    if (j < key.params.n && BigInt(vk.public_key) !== (verificationKey(g, key, j + 1) as unknown as bigint))
      failures.push(`Belenios trustee ${j + 1}: verification key differs from OpenDEG’s part ${j + 1}`);
  });
  return failures;
}
