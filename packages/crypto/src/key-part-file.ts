/**
 * Key-part files (Procedure P-5.5): each part of the election decryption key goes to its own medium,
 * encrypted under its holder's passphrase. scrypt (RFC 7914) derives the key, AES-256-GCM
 * (NIST SP 800-38D, through WebCrypto) encrypts the part; the metadata is the GCM additional data.
 *
 * A file is UTF-8 text that a holder can read without the passphrase (LF line ends; CRLF is accepted
 * when opening, in case an editor rewrote it):
 *
 *   OPENDEG KEY PART v1
 *   # election "duma-2026", key group "main", part 2 of 5, any 3 decrypt, holder "Ivanova", suite "ristretto255"
 *   {"check":"…","kdf":{"N":131072,"name":"scrypt","p":1,"r":8},"metadata":{…},"nonce":"…","salt":"…"}
 *   <base64 of the AES-256-GCM ciphertext ‖ tag>
 *   sha256 <hex SHA-256 of the four lines above, each ended by LF>
 *
 * Line 2 is a pure function of the metadata and line 3 is canonical JSON (sorted keys, no whitespace);
 * lines 1–3 are the GCM additional data, so the metadata, the scrypt parameters, salt, nonce and check
 * value are all authenticated. The scrypt output is 64 bytes: the first 32 are the AES key, the last 32
 * give the passphrase check value SHA-256("opendeg key part check" ‖ dk[32..64])[0..16], which tells a
 * wrong passphrase (check differs) from a modified file (check matches, GCM fails). The unkeyed sha256
 * line makes media damage read as damage, and before scrypt runs: without it a damaged salt, scrypt
 * parameter or check value would look like a wrong passphrase. It is no protection against a
 * deliberate forger, who can recompute it; GCM is.
 *
 * Opening checks, in this order: the framing (`KEYFILE_MALFORMED`: not UTF-8, wrong first line, wrong
 * number of lines, no checksum line); the checksum (`KEYFILE_TAMPERED`: damaged or edited); the header
 * (`KEYFILE_MALFORMED`: not canonical JSON, bad fields, absurd scrypt parameters); the description
 * line (`KEYFILE_TAMPERED`); the election and key group (`KEYFILE_WRONG_ELECTION`,
 * `KEYFILE_WRONG_KEY_GROUP`: seen in the visible metadata before any scrypt work — a file claiming
 * another election is not the expected part whether or not the claim is authentic); the check value
 * (`KEYFILE_WRONG_PASSPHRASE`); AES-GCM (`KEYFILE_TAMPERED`). A secret is returned only after GCM
 * has authenticated the metadata it is returned with.
 */

import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { bytesToHex, concatBytes, equalBytes, fromBase64, toBase64, utf8 } from './bytes.ts';
import { canonicalJson } from './canonical-json.ts';
import { check, CryptoError } from './errors.ts';

/** First line of every version-1 key part file. */
export const KEY_PART_MAGIC = 'OPENDEG KEY PART v1';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** 2^17 · 8 · 128 bytes = 128 MiB of memory per derivation. */
export const DEFAULT_KEY_PART_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/** Bounds on scrypt parameters, when sealing and when opening (a file must not make us spend 16 GiB). */
export const KEY_PART_SCRYPT_LIMITS = {
  minLogN: 10,
  maxLogN: 20,
  maxR: 16,
  maxP: 16,
  /** 128·N·r·p: memory and work no larger than N = 2^20, r = 8, p = 1. */
  maxCost: 2 ** 30,
} as const;

export interface KeyPartMetadata {
  /** File format version, authenticated with the rest. */
  readonly version: 1;
  /** Group suite of the key, e.g. `ristretto255`. */
  readonly suite: string;
  readonly electionId: string;
  readonly keyGroup: string;
  /** Index of this part, 1..n. */
  readonly partIndex: number;
  /** Number of parts. */
  readonly n: number;
  /** Threshold: any k parts decrypt. */
  readonly k: number;
  /** Public verification key (commitment) of this part, lower-case hex, if known at sealing time. */
  readonly verificationKey?: string;
  /** Who holds this part, as written in the ceremony protocol. */
  readonly holder?: string;
}

export interface SealKeyPartInput {
  readonly metadata: Omit<KeyPartMetadata, 'version'>;
  /** The part itself, opaque bytes (the caller encodes the scalar share). */
  readonly secret: Uint8Array;
  /** Unicode, normalised to NFC before use so that the same passphrase typed anywhere works. */
  readonly passphrase: string;
  readonly scrypt?: ScryptParams;
}

export interface OpenedKeyPart {
  readonly metadata: KeyPartMetadata;
  readonly secret: Uint8Array;
}

export interface ExpectedKeyPart {
  readonly electionId: string;
  readonly keyGroup: string;
}

const SALT_LENGTH = 16;
const NONCE_LENGTH = 12;
const CHECK_LENGTH = 16;
const TAG_LENGTH = 16;
const MAX_SECRET_LENGTH = 4096;
const MAX_NAME_LENGTH = 256;
const MAX_VERIFICATION_KEY_HEX = 2048;
const CHECK_DOMAIN = utf8('opendeg key part check');

// ---------------------------------------------------------------------------------------------
// Sealing

/** Encrypts one key part under its holder's passphrase and returns the text of the file. */
export async function sealKeyPart(input: SealKeyPartInput): Promise<string> {
  const m = input.metadata;
  // A fresh object without undefined optionals: exactly what will be written and authenticated.
  const metadata: KeyPartMetadata = {
    version: 1,
    suite: m.suite,
    electionId: m.electionId,
    keyGroup: m.keyGroup,
    partIndex: m.partIndex,
    n: m.n,
    k: m.k,
    ...(m.verificationKey === undefined ? {} : { verificationKey: m.verificationKey }),
    ...(m.holder === undefined ? {} : { holder: m.holder }),
  };
  const problem = metadataProblem(metadata);
  check(problem === undefined, 'metadata', problem ?? '');
  check(
    input.secret instanceof Uint8Array &&
      input.secret.length >= 1 &&
      input.secret.length <= MAX_SECRET_LENGTH,
    'secret',
    `expected 1..${MAX_SECRET_LENGTH} bytes`,
  );
  check(
    typeof input.passphrase === 'string' && input.passphrase.length > 0,
    'passphrase',
    'must not be empty',
  );
  const kdf = input.scrypt ?? DEFAULT_KEY_PART_SCRYPT;
  const kdfProblem = scryptProblem(kdf);
  check(kdfProblem === undefined, 'scrypt', kdfProblem ?? '');

  const salt = crypto.getRandomValues(new Uint8Array(SALT_LENGTH));
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_LENGTH));
  const { aesKey, checkValue } = await deriveKeys(input.passphrase, salt, kdf);

  const header: Header = {
    check: toBase64(checkValue),
    kdf: { N: kdf.N, name: 'scrypt', p: kdf.p, r: kdf.r },
    metadata,
    nonce: toBase64(nonce),
    salt: toBase64(salt),
  };
  const headLines = [KEY_PART_MAGIC, describeKeyPart(metadata), canonicalHeader(header)];
  const aad = Uint8Array.from(utf8(headLines.join('\n') + '\n'));
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 8 * TAG_LENGTH },
      aesKey,
      Uint8Array.from(input.secret),
    ),
  );
  const body = [...headLines, toBase64(ciphertext)].join('\n') + '\n';
  return `${body}sha256 ${bytesToHex(sha256(utf8(body)))}\n`;
}

/** The human-readable second line of a file: what a holder sees without the passphrase. */
export function describeKeyPart(metadata: KeyPartMetadata): string {
  const q = (s: string): string => JSON.stringify(s);
  const holder = metadata.holder === undefined ? '' : `, holder ${q(metadata.holder)}`;
  return (
    `# election ${q(metadata.electionId)}, key group ${q(metadata.keyGroup)}, ` +
    `part ${metadata.partIndex} of ${metadata.n}, any ${metadata.k} decrypt${holder}, suite ${q(metadata.suite)}`
  );
}

// ---------------------------------------------------------------------------------------------
// Opening

/**
 * Opens a key part file for the expected election and key group. Throws `CryptoError` with one of the
 * `KEYFILE_*` codes described at the top of this module (`BAD_ARGUMENT` for bad arguments).
 */
export async function openKeyPart(
  file: string | Uint8Array,
  passphrase: string,
  expected: ExpectedKeyPart,
): Promise<OpenedKeyPart> {
  check(typeof passphrase === 'string' && passphrase.length > 0, 'passphrase', 'must not be empty');
  check(
    typeof expected.electionId === 'string' && typeof expected.keyGroup === 'string',
    'expected',
    'needs electionId and keyGroup',
  );
  const parsed = parseKeyPartFile(file);
  const { header, headLines, ciphertext } = parsed;
  const { metadata } = header;

  // The metadata is readable by anyone: a part of another election or key group is reported at once.
  if (metadata.electionId !== expected.electionId) {
    throw new CryptoError(
      'KEYFILE_WRONG_ELECTION',
      `key part file is for election ${JSON.stringify(metadata.electionId)}, ` +
        `expected ${JSON.stringify(expected.electionId)}`,
      { index: metadata.partIndex },
    );
  }
  if (metadata.keyGroup !== expected.keyGroup) {
    throw new CryptoError(
      'KEYFILE_WRONG_KEY_GROUP',
      `key part file is for key group ${JSON.stringify(metadata.keyGroup)}, ` +
        `expected ${JSON.stringify(expected.keyGroup)}`,
      { index: metadata.partIndex },
    );
  }

  const salt = fromBase64(header.salt);
  const nonce = fromBase64(header.nonce);
  const { aesKey, checkValue } = await deriveKeys(passphrase, salt, header.kdf);
  if (!equalBytes(checkValue, fromBase64(header.check))) {
    throw new CryptoError('KEYFILE_WRONG_PASSPHRASE', 'wrong passphrase for this key part', {
      index: metadata.partIndex,
    });
  }
  let secret: Uint8Array;
  try {
    secret = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: Uint8Array.from(nonce),
          additionalData: Uint8Array.from(utf8(headLines.join('\n') + '\n')),
          tagLength: 8 * TAG_LENGTH,
        },
        aesKey,
        Uint8Array.from(ciphertext),
      ),
    );
  } catch (cause) {
    throw new CryptoError(
      'KEYFILE_TAMPERED',
      'key part file was modified: the passphrase is right but the file does not authenticate',
      { index: metadata.partIndex, cause },
    );
  }
  return { metadata, secret };
}

/**
 * Reads the visible part of a file (no passphrase): its metadata, checked for form and integrity
 * but NOT authenticated. For display ("which part is this?"); never trust it for decisions.
 */
export function inspectKeyPart(file: string | Uint8Array): KeyPartMetadata {
  return parseKeyPartFile(file).header.metadata;
}

// ---------------------------------------------------------------------------------------------
// Internals

interface Header {
  readonly check: string;
  readonly kdf: { readonly N: number; readonly name: 'scrypt'; readonly p: number; readonly r: number };
  readonly metadata: KeyPartMetadata;
  readonly nonce: string;
  readonly salt: string;
}

interface ParsedFile {
  readonly header: Header;
  readonly headLines: readonly string[];
  readonly ciphertext: Uint8Array;
}

function malformed(what: string, cause?: unknown): CryptoError {
  return new CryptoError('KEYFILE_MALFORMED', `not a valid key part file: ${what}`, { cause });
}

function parseKeyPartFile(file: string | Uint8Array): ParsedFile {
  let text: string;
  if (typeof file === 'string') {
    text = file;
  } else if (file instanceof Uint8Array) {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file);
    } catch (cause) {
      throw malformed('not UTF-8 text', cause);
    }
  } else {
    throw new CryptoError('BAD_ARGUMENT', 'file: expected text or bytes');
  }
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  if (lines[0] !== KEY_PART_MAGIC) throw malformed(`first line is not "${KEY_PART_MAGIC}"`);
  if (lines.length !== 5) throw malformed(`expected 5 lines, found ${lines.length}`);
  const [magic, description, headerLine, ciphertextLine, checksumLine] = lines as [
    string,
    string,
    string,
    string,
    string,
  ];

  const checksum = /^sha256 ([0-9a-f]{64})$/.exec(checksumLine)?.[1];
  if (checksum === undefined) throw malformed('last line is not "sha256 <hex>"');
  const body = [magic, description, headerLine, ciphertextLine].join('\n') + '\n';
  if (bytesToHex(sha256(utf8(body))) !== checksum) {
    throw new CryptoError('KEYFILE_TAMPERED', 'key part file is damaged or was modified (checksum mismatch)');
  }

  const header = parseHeader(headerLine);
  if (description !== describeKeyPart(header.metadata)) {
    throw new CryptoError('KEYFILE_TAMPERED', 'key part file was modified: description line does not match', {
      index: header.metadata.partIndex,
    });
  }
  const ciphertext = decodeBase64(ciphertextLine, 'ciphertext');
  if (ciphertext.length < TAG_LENGTH + 1 || ciphertext.length > TAG_LENGTH + MAX_SECRET_LENGTH) {
    throw malformed('ciphertext length out of range');
  }
  return { header, headLines: [magic, description, headerLine], ciphertext };
}

function parseHeader(line: string): Header {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (cause) {
    throw malformed('header is not JSON', cause);
  }
  if (!isRecord(json) || !hasExactKeys(json, ['check', 'kdf', 'metadata', 'nonce', 'salt'], [])) {
    throw malformed('header fields');
  }
  const { check: checkB64, kdf, metadata, nonce, salt } = json;
  if (!isRecord(kdf) || !hasExactKeys(kdf, ['N', 'name', 'p', 'r'], []) || kdf.name !== 'scrypt') {
    throw malformed('kdf must be {"N","name":"scrypt","p","r"}');
  }
  const { N, p, r } = kdf;
  if (typeof N !== 'number' || typeof p !== 'number' || typeof r !== 'number')
    throw malformed('kdf parameters');
  const kdfProblem = scryptProblem({ N, p, r });
  if (kdfProblem !== undefined) throw malformed(`scrypt parameters: ${kdfProblem}`);
  if (typeof checkB64 !== 'string' || decodeBase64(checkB64, 'check').length !== CHECK_LENGTH) {
    throw malformed(`check must be ${CHECK_LENGTH} bytes`);
  }
  if (typeof nonce !== 'string' || decodeBase64(nonce, 'nonce').length !== NONCE_LENGTH) {
    throw malformed(`nonce must be ${NONCE_LENGTH} bytes`);
  }
  if (typeof salt !== 'string' || decodeBase64(salt, 'salt').length !== SALT_LENGTH) {
    throw malformed(`salt must be ${SALT_LENGTH} bytes`);
  }
  if (!isRecord(metadata)) throw malformed('metadata');
  const problem = metadataProblem(metadata);
  if (problem !== undefined) throw malformed(`metadata: ${problem}`);
  const header: Header = {
    check: checkB64,
    kdf: { N, name: 'scrypt', p, r },
    metadata: metadata as unknown as KeyPartMetadata,
    nonce,
    salt,
  };
  if (canonicalHeader(header) !== line) throw malformed('header is not canonical JSON');
  return header;
}

function decodeBase64(s: string, what: string): Uint8Array {
  try {
    return fromBase64(s);
  } catch (cause) {
    throw malformed(`${what} is not base64`, cause);
  }
}

// Control characters (C0, C1, DEL), line/paragraph separators and lone surrogates: none may reach the
// description line or differ between the JSON text and the UTF-8 bytes that are authenticated.
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\uD800-\uDFFF]/u;

function nameProblem(value: unknown, field: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH) {
    return `${field} must be a string of 1..${MAX_NAME_LENGTH} characters`;
  }
  if (UNPRINTABLE.test(value)) return `${field} contains control characters`;
  return undefined;
}

/** What is wrong with a metadata object, or undefined (internal; shared by seal and open). */
function metadataProblem(m: unknown): string | undefined {
  if (!isRecord(m)) return 'expected an object';
  const required = ['electionId', 'k', 'keyGroup', 'n', 'partIndex', 'suite', 'version'];
  if (!hasExactKeys(m, required, ['holder', 'verificationKey'])) {
    return `fields must be ${required.join(', ')} and optionally holder, verificationKey`;
  }
  if (m.version !== 1) return 'version must be 1';
  for (const field of ['suite', 'electionId', 'keyGroup'] as const) {
    const problem = nameProblem(m[field], field);
    if (problem !== undefined) return problem;
  }
  if (m.holder !== undefined) {
    const problem = nameProblem(m.holder, 'holder');
    if (problem !== undefined) return problem;
  }
  const { n, k, partIndex } = m;
  if (!isPositiveInteger(n) || !isPositiveInteger(k) || !isPositiveInteger(partIndex)) {
    return 'n, k and partIndex must be positive integers';
  }
  if (k > n) return 'k must not exceed n';
  if (partIndex > n) return 'partIndex must be in 1..n';
  const vk = m.verificationKey;
  if (
    vk !== undefined &&
    (typeof vk !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(vk) || vk.length > MAX_VERIFICATION_KEY_HEX)
  ) {
    return 'verificationKey must be non-empty lower-case hex';
  }
  return undefined;
}

/** What is wrong with scrypt parameters, or undefined (internal). */
function scryptProblem({ N, r, p }: ScryptParams): string | undefined {
  const L = KEY_PART_SCRYPT_LIMITS;
  if (!Number.isSafeInteger(N) || N < 2 ** L.minLogN || N > 2 ** L.maxLogN || (N & (N - 1)) !== 0) {
    return `N must be a power of two in 2^${L.minLogN}..2^${L.maxLogN}`;
  }
  if (!Number.isSafeInteger(r) || r < 1 || r > L.maxR) return `r must be in 1..${L.maxR}`;
  if (!Number.isSafeInteger(p) || p < 1 || p > L.maxP) return `p must be in 1..${L.maxP}`;
  if (128 * N * r * p > L.maxCost) return `128·N·r·p must not exceed ${L.maxCost}`;
  return undefined;
}

async function deriveKeys(
  passphrase: string,
  salt: Uint8Array,
  { N, r, p }: ScryptParams,
): Promise<{ aesKey: CryptoKey; checkValue: Uint8Array }> {
  // dk = scrypt(NFC(passphrase), salt, N, r, p, 64); key = dk[0..32]; check = H(domain ‖ dk[32..64])[0..16]
  const dk = await scryptAsync(utf8(passphrase.normalize('NFC')), salt, {
    N,
    r,
    p,
    dkLen: 64,
    maxmem: KEY_PART_SCRYPT_LIMITS.maxCost + 128 * r * (p + 1),
  });
  try {
    const checkValue = sha256(concatBytes(CHECK_DOMAIN, dk.subarray(32, 64))).subarray(0, CHECK_LENGTH);
    const aesKey = await crypto.subtle.importKey(
      'raw',
      Uint8Array.from(dk.subarray(0, 32)),
      'AES-GCM',
      false,
      ['encrypt', 'decrypt'],
    );
    return { aesKey, checkValue };
  } finally {
    dk.fill(0);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isPositiveInteger(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;
}

function hasExactKeys(
  o: Record<string, unknown>,
  required: readonly string[],
  optional: readonly string[],
): boolean {
  const keys = Object.keys(o);
  return (
    required.every((k) => Object.hasOwn(o, k) && o[k] !== undefined) &&
    keys.every((k) => required.includes(k) || (optional.includes(k) && o[k] !== undefined))
  );
}

/**
 * RFC 8785 canonical JSON of the header (internal). Absent optional members are dropped first (a
 * JSON round trip), so `{ holder: undefined }` and `{}` seal alike.
 */
function canonicalHeader(value: unknown): string {
  try {
    return canonicalJson(JSON.parse(JSON.stringify(value)));
  } catch (e) {
    if (e instanceof CryptoError) throw malformed(e.message);
    throw e;
  }
}
