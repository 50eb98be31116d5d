/**
 * The election manifest: everything public that defines an election (or a training run) — regions
 * with their time zones, key groups and ballot styles (P-5.2, P-6.1), the questions and options
 * (P-4.1), the threshold public keys with their commitments (P-5.2–5.4) and the per-region issuer
 * keys of the blind signatures (P-6.9).
 *
 * Its hash — SHA-256 of its RFC 8785 canonical JSON — is the election context bound into every
 * ballot proof, signature and decryption proof. Key-ceremony proofs cannot include it (the keys are
 * part of it), so they bind a key-ceremony context of the election id, suite and key group instead.
 *
 * A `belenios-2048` manifest also carries, and only it may carry, what its Belenios 2.0 elections need
 * (issue 4, `belenios-election.ts`): per key group the Belenios trustees, per region the uuid of the
 * region's Belenios election. Both are members of the manifest, so its hash covers them.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import {
  bytesToHex,
  canonicalJsonBytes,
  fromBase64,
  isSuiteId,
  loadGroup,
  MAX_PARTS,
  verifyThresholdPublicKey,
} from '@opendeg/crypto';
import type { Backend, Group, SuiteId, ThresholdPublicKey } from '@opendeg/crypto';
import {
  asArray,
  asInteger,
  asObject,
  asString,
  decodeChallengeResponse,
  decodeElementHex,
  onlyKeys,
} from './codec.ts';
import type { ChallengeResponseJson, Hex } from './codec.ts';
import {
  checkBeleniosKeyGroup,
  makeRegionBeleniosElection,
  parseBeleniosKeyGroupDef,
  parseBeleniosRegionDef,
} from './belenios-election.ts';
import type { BeleniosKeyGroupDef, BeleniosRegionDef } from './belenios-election.ts';
import type { BeleniosElection } from './belenios/index.ts';
import { ElectionError } from './errors.ts';

export const MANIFEST_FORMAT = 'opendeg-manifest/1';

/** Text in Russian first, English second (and other languages a region decides, P-4.1). */
export interface Text {
  readonly ru: string;
  readonly en?: string;
}

export interface OptionDef {
  readonly id: string;
  readonly label: Text;
}

export interface QuestionDef {
  readonly id: string;
  readonly text: Text;
  readonly options: readonly OptionDef[];
  /** Fewest marks allowed (the DEG ballot: 1). */
  readonly min: number;
  /** Most marks allowed (the DEG ballot: 1). */
  readonly max: number;
  /** A blank vote is possible; it counts as an invalid ballot in the protocol (P-7.9 line 4). */
  readonly blank: boolean;
}

export interface BallotStyleDef {
  readonly id: string;
  readonly title: Text;
  readonly questions: readonly QuestionDef[];
}

export interface RegionDef {
  /** Region code, e.g. "39" (Kaliningrad oblast). */
  readonly code: string;
  readonly name: Text;
  /** IANA time zone: the voting window is in the region's own time (P-6.1). */
  readonly timeZone: string;
  readonly keyGroup: string;
  readonly ballotStyle: string;
  /** RFC 9474 issuer public key of this region's blind signatures, base64 of DER SPKI. */
  readonly issuerKey: string;
  /** belenios-2048 only (required there): the region's Belenios election. */
  readonly belenios?: BeleniosRegionDef;
}

export interface KeyGroupDef {
  readonly id: string;
  readonly threshold: { readonly n: number; readonly k: number };
  readonly publicKey: Hex;
  /** One Feldman commitment vector per dealer (1 in dealer mode, n when dealer-free). */
  readonly commitments: readonly (readonly Hex[])[];
  readonly proofs: readonly ChallengeResponseJson[];
  /** belenios-2048 only (required there): the same key as Belenios Pedersen trustees. */
  readonly belenios?: BeleniosKeyGroupDef;
}

export interface ElectionManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly electionId: string;
  readonly kind: 'election' | 'training';
  readonly title: Text;
  readonly suite: SuiteId;
  readonly keyGroups: readonly KeyGroupDef[];
  readonly ballotStyles: readonly BallotStyleDef[];
  readonly regions: readonly RegionDef[];
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function parseText(j: unknown, path: string): Text {
  const o = asObject(j, path);
  onlyKeys(o, ['ru', 'en'], path);
  const ru = asString(o.ru, `${path}.ru`);
  return o.en === undefined ? { ru } : { ru, en: asString(o.en, `${path}.en`) };
}

function unique(ids: readonly string[], path: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new ElectionError('MALFORMED', `duplicate id "${id}"`, { path });
    seen.add(id);
  }
}

function parseQuestion(j: unknown, path: string): QuestionDef {
  const o = asObject(j, path);
  onlyKeys(o, ['id', 'text', 'options', 'min', 'max', 'blank'], path);
  const options = asArray(o.options, `${path}.options`, 256).map((x, i) => {
    const p = `${path}.options[${i}]`;
    const oo = asObject(x, p);
    onlyKeys(oo, ['id', 'label'], p);
    return { id: asString(oo.id, `${p}.id`, ID), label: parseText(oo.label, `${p}.label`) };
  });
  if (options.length === 0) throw new ElectionError('MALFORMED', 'a question needs options', { path });
  unique(
    options.map((x) => x.id),
    `${path}.options`,
  );
  const min = asInteger(o.min, `${path}.min`, 0, options.length);
  const max = asInteger(o.max, `${path}.max`, Math.max(min, 1), options.length);
  if (typeof o.blank !== 'boolean')
    throw new ElectionError('MALFORMED', 'expected true or false', { path: `${path}.blank` });
  return {
    id: asString(o.id, `${path}.id`, ID),
    text: parseText(o.text, `${path}.text`),
    options,
    min,
    max,
    blank: o.blank,
  };
}

/** The `belenios` members exist exactly when the suite is belenios-2048: a native election has none. */
function beleniosMember<T>(
  o: Record<string, unknown>,
  path: string,
  suite: SuiteId,
  parse: (j: unknown, p: string) => T,
): { belenios: T } | Record<string, never> {
  if (suite !== 'belenios-2048') {
    if (o.belenios !== undefined)
      throw new ElectionError('MALFORMED', 'only a belenios-2048 election has Belenios members', {
        path: `${path}.belenios`,
      });
    return {};
  }
  if (o.belenios === undefined)
    throw new ElectionError('MALFORMED', 'a belenios-2048 election needs it', { path: `${path}.belenios` });
  return { belenios: parse(o.belenios, `${path}.belenios`) };
}

function parseKeyGroup(j: unknown, path: string, suite: SuiteId): KeyGroupDef {
  const o = asObject(j, path);
  onlyKeys(o, ['id', 'threshold', 'publicKey', 'commitments', 'proofs', 'belenios'], path);
  const t = asObject(o.threshold, `${path}.threshold`);
  onlyKeys(t, ['n', 'k'], `${path}.threshold`);
  const n = asInteger(t.n, `${path}.threshold.n`, 1, MAX_PARTS);
  const k = asInteger(t.k, `${path}.threshold.k`, 1, n);
  const hex = (x: unknown, p: string): string => asString(x, p, /^[0-9a-f]+$/);
  return {
    id: asString(o.id, `${path}.id`, ID),
    threshold: { n, k },
    publicKey: hex(o.publicKey, `${path}.publicKey`),
    commitments: asArray(o.commitments, `${path}.commitments`, MAX_PARTS).map((v, i) =>
      asArray(v, `${path}.commitments[${i}]`, MAX_PARTS).map((x, jj) =>
        hex(x, `${path}.commitments[${i}][${jj}]`),
      ),
    ),
    proofs: asArray(o.proofs, `${path}.proofs`, MAX_PARTS).map((x, i) => {
      const p = asObject(x, `${path}.proofs[${i}]`);
      onlyKeys(p, ['c', 'z'], `${path}.proofs[${i}]`);
      return { c: hex(p.c, `${path}.proofs[${i}].c`), z: hex(p.z, `${path}.proofs[${i}].z`) };
    }),
    ...beleniosMember(o, path, suite, (x, p) => parseBeleniosKeyGroupDef(x, p, { n, k })),
  };
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('ru-RU', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses and checks a manifest: shape, unique ids, references between its parts, time zones. */
export function parseManifest(j: unknown): ElectionManifest {
  const o = asObject(j, '$');
  onlyKeys(
    o,
    ['format', 'electionId', 'kind', 'title', 'suite', 'keyGroups', 'ballotStyles', 'regions'],
    '$',
  );
  if (o.format !== MANIFEST_FORMAT) {
    throw new ElectionError('MALFORMED', `expected "${MANIFEST_FORMAT}"`, { path: '$.format' });
  }
  if (o.kind !== 'election' && o.kind !== 'training') {
    throw new ElectionError('MALFORMED', 'expected "election" or "training"', { path: '$.kind' });
  }
  const suite = asString(o.suite, '$.suite');
  if (!isSuiteId(suite))
    throw new ElectionError('MALFORMED', `unknown suite "${suite}"`, { path: '$.suite' });
  const keyGroups = asArray(o.keyGroups, '$.keyGroups', 256).map((x, i) =>
    parseKeyGroup(x, `$.keyGroups[${i}]`, suite),
  );
  const ballotStyles = asArray(o.ballotStyles, '$.ballotStyles', 1024).map((x, i) => {
    const p = `$.ballotStyles[${i}]`;
    const s = asObject(x, p);
    onlyKeys(s, ['id', 'title', 'questions'], p);
    const questions = asArray(s.questions, `${p}.questions`, 64).map((q, jj) =>
      parseQuestion(q, `${p}.questions[${jj}]`),
    );
    if (questions.length === 0)
      throw new ElectionError('MALFORMED', 'a ballot needs a question', { path: p });
    unique(
      questions.map((q) => q.id),
      `${p}.questions`,
    );
    return { id: asString(s.id, `${p}.id`, ID), title: parseText(s.title, `${p}.title`), questions };
  });
  const regions = asArray(o.regions, '$.regions', 1024).map((x, i): RegionDef => {
    const p = `$.regions[${i}]`;
    const r = asObject(x, p);
    onlyKeys(r, ['code', 'name', 'timeZone', 'keyGroup', 'ballotStyle', 'issuerKey', 'belenios'], p);
    const timeZone = asString(r.timeZone, `${p}.timeZone`);
    if (!validTimeZone(timeZone))
      throw new ElectionError('MALFORMED', `unknown time zone "${timeZone}"`, { path: p });
    const keyGroup = asString(r.keyGroup, `${p}.keyGroup`, ID);
    const ballotStyle = asString(r.ballotStyle, `${p}.ballotStyle`, ID);
    if (!keyGroups.some((k) => k.id === keyGroup)) {
      throw new ElectionError('UNKNOWN_KEY_GROUP', `no key group "${keyGroup}"`, { path: `${p}.keyGroup` });
    }
    if (!ballotStyles.some((b) => b.id === ballotStyle)) {
      throw new ElectionError('UNKNOWN_BALLOT_STYLE', `no ballot style "${ballotStyle}"`, {
        path: `${p}.ballotStyle`,
      });
    }
    return {
      code: asString(r.code, `${p}.code`, ID),
      name: parseText(r.name, `${p}.name`),
      timeZone,
      keyGroup,
      ballotStyle,
      issuerKey: asString(r.issuerKey, `${p}.issuerKey`, /^[A-Za-z0-9+/]+={0,2}$/),
      ...beleniosMember(r, p, suite, parseBeleniosRegionDef),
    };
  });
  if (regions.length === 0)
    throw new ElectionError('MALFORMED', 'an election needs a region', { path: '$.regions' });
  unique(
    keyGroups.map((k) => k.id),
    '$.keyGroups',
  );
  unique(
    ballotStyles.map((b) => b.id),
    '$.ballotStyles',
  );
  unique(
    regions.map((r) => r.code),
    '$.regions',
  );
  // Two regions sharing a Belenios election would accept each other's ballots.
  unique(
    regions.flatMap((r) => (r.belenios === undefined ? [] : [r.belenios.uuid])),
    '$.regions[].belenios.uuid',
  );
  return {
    format: MANIFEST_FORMAT,
    electionId: asString(o.electionId, '$.electionId', ID),
    kind: o.kind,
    title: parseText(o.title, '$.title'),
    suite,
    keyGroups,
    ballotStyles,
    regions,
  };
}

/** SHA-256 of the canonical manifest: the election context of every proof. */
export function manifestHash(m: ElectionManifest): Uint8Array {
  return sha256(canonicalJsonBytes(m));
}

/** Context of the key ceremony of one key group (its proofs cannot include the manifest hash). */
export function keyCeremonyContext(electionId: string, suite: SuiteId, keyGroup: string): Uint8Array {
  return sha256(canonicalJsonBytes({ purpose: 'opendeg-key-ceremony/1', electionId, suite, keyGroup }));
}

export interface KeyGroupContext<E> {
  readonly def: KeyGroupDef;
  readonly key: ThresholdPublicKey<E>;
  /** The encryption key, prepared for repeated multiplication. */
  readonly publicKey: E;
}

export interface RegionContext {
  readonly def: RegionDef;
  readonly style: BallotStyleDef;
  readonly issuerKey: Uint8Array;
  /** belenios-2048: the region's Belenios election (its ballots are Belenios ballots). */
  readonly belenios?: BeleniosElection;
}

/** A manifest decoded into group values, ready for encryption and verification. */
export interface Election<E> {
  readonly manifest: ElectionManifest;
  readonly group: Group<E>;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly keyGroups: ReadonlyMap<string, KeyGroupContext<E>>;
  readonly regions: ReadonlyMap<string, RegionContext>;
}

export function decodeKeyGroup<E>(g: Group<E>, def: KeyGroupDef, path: string): ThresholdPublicKey<E> {
  return {
    params: def.threshold,
    publicKey: decodeElementHex(g, def.publicKey, `${path}.publicKey`),
    commitments: def.commitments.map((v, i) =>
      v.map((x, j) => decodeElementHex(g, x, `${path}.commitments[${i}][${j}]`)),
    ),
    proofs: def.proofs.map((p, i) => decodeChallengeResponse(g, p, `${path}.proofs[${i}]`)),
  };
}

/**
 * Decodes a parsed manifest with the suite's group (backend chosen at start-up). With
 * `checkKeys`, every key group's commitments and proofs are verified too (the verifier does; the
 * voter's device may skip it and rely on observers).
 */
export async function openElection(
  manifest: ElectionManifest,
  options: { backend?: Backend; checkKeys?: boolean } = {},
): Promise<Election<unknown>> {
  const g = await loadGroup(manifest.suite, options.backend ?? 'auto');
  const keyGroups = new Map<string, KeyGroupContext<unknown>>();
  manifest.keyGroups.forEach((def, i) => {
    const path = `$.keyGroups[${i}]`;
    const key = decodeKeyGroup(g, def, path);
    if (options.checkKeys === true) {
      const r = verifyThresholdPublicKey(
        g,
        keyCeremonyContext(manifest.electionId, manifest.suite, def.id),
        key,
      );
      if (!r.ok) throw new ElectionError('MALFORMED', `${r.code}: ${r.message}`, { path });
      const bad = def.belenios === undefined ? [] : checkBeleniosKeyGroup(g, key, def.belenios);
      if (bad.length > 0) throw new ElectionError('MALFORMED', bad.join('; '), { path: `${path}.belenios` });
    }
    keyGroups.set(def.id, { def, key, publicKey: g.prepare(key.publicKey) });
  });
  const regions = new Map<string, RegionContext>();
  for (const def of manifest.regions) {
    const style = manifest.ballotStyles.find((b) => b.id === def.ballotStyle);
    if (style === undefined) throw new ElectionError('UNKNOWN_BALLOT_STYLE', def.ballotStyle);
    const kg = keyGroups.get(def.keyGroup);
    if (kg === undefined) throw new ElectionError('UNKNOWN_KEY_GROUP', def.keyGroup);
    const issuerKey = fromBase64(def.issuerKey);
    if (def.belenios === undefined) {
      regions.set(def.code, { def, style, issuerKey });
      continue;
    }
    // belenios-2048: E is bigint, the group is Belenios's own.
    const belenios = makeRegionBeleniosElection(manifest, def, style, kg.key.publicKey as bigint);
    regions.set(def.code, { def, style, issuerKey, belenios });
  }
  const hash = manifestHash(manifest);
  return { manifest, group: g, hash, hashHex: bytesToHex(hash), keyGroups, regions };
}
