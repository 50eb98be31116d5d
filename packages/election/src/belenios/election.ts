/**
 * The Belenios election structure (Belenios 2.0 specification §4.9 homomorphic questions, §4.10
 * elections, §4.2 uuid) and its fingerprint φ = HJSON(election) (§4.15).
 *
 * The serialisation is made once and kept: every ballot and decryption proof binds φ, the hash of
 * those exact bytes, and the archive stores the same bytes (§4.10: "serialized as a string which
 * must be always the same throughout the election").
 */

import { check } from '@opendeg/crypto';
import {
  BELENIOS_GROUP,
  asArray,
  asInteger,
  asObject,
  asString,
  bg,
  decodeElement,
  encodeDecimal,
  hashJson,
  malformed,
  parseJson,
} from './encoding.ts';

/** §4.9 question_h: choose between min and max of the answers, or blank when allowed. */
export interface BeleniosQuestion {
  readonly question: string;
  readonly answers: readonly string[];
  readonly min: number;
  readonly max: number;
  /** When true a voter may vote blank; the answer vector then has a leading blank flag. */
  readonly blank?: boolean;
}

/** What the organiser decides; the public key comes from the trustees. */
export interface BeleniosElectionTemplate {
  /** Base58, at least 14 characters (§4.2). */
  readonly uuid: string;
  readonly name: string;
  readonly description: string;
  readonly questions: readonly BeleniosQuestion[];
  readonly administrator?: string;
  readonly credentialAuthority?: string;
}

export interface BeleniosElection extends BeleniosElectionTemplate {
  /** The election structure as published; φ is its hash. */
  readonly raw: string;
  /** φ = HJSON(raw). */
  readonly fingerprint: string;
  /** y, prepared for repeated exponentiation. */
  readonly publicKey: bigint;
}

export const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const UUID = /^[1-9A-HJ-NP-Za-km-z]{14,}$/;

/** Uniformly random Base58 string (rejection sampling on bytes, no modulo bias). */
export function randomBase58(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of globalThis.crypto.getRandomValues(new Uint8Array(length))) {
      // 232 = 4·58: bytes at or above it would bias the first digits.
      if (b < 232 && out.length < length) out += BASE58.charAt(b % 58);
    }
  }
  return out;
}

/** A fresh election uuid, 14 Base58 characters like `belenios-tool setup generate-token`. */
export const generateBeleniosUuid = (): string => randomBase58(14);

/** Number of ciphertexts in an answer: the candidates, plus the leading blank flag if allowed. */
export const questionLength = (q: BeleniosQuestion): number => q.answers.length + (q.blank === true ? 1 : 0);

function checkTemplate(t: BeleniosElectionTemplate): void {
  check(UUID.test(t.uuid), 'uuid', 'must be at least 14 Base58 characters');
  check(t.questions.length > 0, 'questions', 'at least one question');
  t.questions.forEach((q, i) => {
    check(q.answers.length > 0, `questions[${i}].answers`, 'at least one answer');
    check(
      Number.isSafeInteger(q.min) && Number.isSafeInteger(q.max) && 0 <= q.min && q.min <= q.max,
      `questions[${i}]`,
      'need 0 ≤ min ≤ max',
    );
    check(q.max <= q.answers.length, `questions[${i}].max`, 'at most the number of answers');
  });
}

/** §4.10 election, fields in the order of the specification (the order belenios-tool writes). */
function serialise(t: BeleniosElectionTemplate, publicKey: bigint): string {
  return JSON.stringify({
    version: 1,
    description: t.description,
    name: t.name,
    group: BELENIOS_GROUP,
    public_key: encodeDecimal(publicKey),
    questions: t.questions.map((q) => ({
      answers: q.answers,
      ...(q.blank === true ? { blank: true } : {}),
      min: q.min,
      max: q.max,
      question: q.question,
    })),
    uuid: t.uuid,
    ...(t.administrator === undefined ? {} : { administrator: t.administrator }),
    ...(t.credentialAuthority === undefined ? {} : { credential_authority: t.credentialAuthority }),
  });
}

/** The election of a template under the trustees' joint key y. */
export function makeBeleniosElection(
  template: BeleniosElectionTemplate,
  publicKey: bigint,
): BeleniosElection {
  checkTemplate(template);
  decodeElement(encodeDecimal(publicKey), 'public_key');
  const raw = serialise(template, publicKey);
  return { ...template, raw, fingerprint: hashJson(raw), publicKey: bg.prepare(publicKey) };
}

/** Parses and checks a published election structure (homomorphic questions on BELENIOS-2048 only). */
export function parseBeleniosElection(raw: string): BeleniosElection {
  const o = asObject(parseJson(raw, 'election'), 'election');
  if (o.version !== 1) malformed('election.version', 'only version 1 is supported');
  if (o.group !== BELENIOS_GROUP) malformed('election.group', `only ${BELENIOS_GROUP} is supported`);
  const questions = asArray(o.questions, 'election.questions').map((x, i): BeleniosQuestion => {
    const w = `election.questions[${i}]`;
    const q = asObject(x, w);
    if (q.blank !== undefined && typeof q.blank !== 'boolean') malformed(`${w}.blank`, 'expected a boolean');
    return {
      question: asString(q.question, `${w}.question`),
      answers: asArray(q.answers, `${w}.answers`).map((a, j) => asString(a, `${w}.answers[${j}]`)),
      min: asInteger(q.min, `${w}.min`),
      max: asInteger(q.max, `${w}.max`),
      ...(q.blank === true ? { blank: true } : {}),
    };
  });
  const template: BeleniosElectionTemplate = {
    uuid: asString(o.uuid, 'election.uuid'),
    name: asString(o.name, 'election.name'),
    description: asString(o.description, 'election.description'),
    questions,
    ...(o.administrator === undefined ? {} : { administrator: asString(o.administrator, 'administrator') }),
    ...(o.credential_authority === undefined
      ? {}
      : { credentialAuthority: asString(o.credential_authority, 'credential_authority') }),
  };
  try {
    checkTemplate(template);
  } catch (cause) {
    malformed('election', (cause as Error).message, cause);
  }
  const publicKey = decodeElement(o.public_key, 'election.public_key');
  return { ...template, raw, fingerprint: hashJson(raw), publicKey: bg.prepare(publicKey) };
}
