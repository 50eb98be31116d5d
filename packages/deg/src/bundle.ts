/**
 * The list and ballot data bundle (P-3.1, P-3.2, P-4.2): what the data centre writes to a write-once
 * medium and the commission loads.
 *
 *   <files>             e.g. lists/54.csv (list-data.ts), ballot/source.json
 *   manifest.json       RFC 8785 canonical JSON: election, time, and per file its size and SHA-256
 *   manifest.json.sig   the data centre's detached CMS signature (RFC 5652) of manifest.json
 *
 * The bundle's hash is SHA-256 of manifest.json: the commission records it when it loads the bundle,
 * after checking the signature (a data-centre certificate under the trusted root) and every file.
 * `openssl cms -verify -binary -inform DER -in manifest.json.sig -content manifest.json -CAfile root.pem`
 * checks the same signature independently; `sha256sum` checks the files against the manifest.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, canonicalJsonBytes, equalBytes } from '@opendeg/crypto';
import type { Message } from './applications.ts';
import { signDetached, verifyDetached } from './signatures/index.ts';
import type { CmsFailureCode, Signer, SignerIdentity } from './signatures/index.ts';
import type { CertificateInput } from './signatures/certificate.ts';

export const MANIFEST_NAME = 'manifest.json';
export const SIGNATURE_NAME = 'manifest.json.sig';

export interface BundleManifest {
  readonly format: 'opendeg-bundle/1';
  readonly electionId: string;
  /** What the bundle carries, e.g. "list-and-ballot-data" (P-3.1) or "final-lists" (P-7.4). */
  readonly kind: string;
  /** ISO 8601, the data centre's clock. */
  readonly createdAt: string;
  /** Sorted by name. */
  readonly files: readonly { readonly name: string; readonly size: number; readonly sha256: string }[];
}

export interface Bundle {
  readonly manifest: BundleManifest;
  /** Every file of the medium, including manifest.json and manifest.json.sig. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** SHA-256 of manifest.json, hex: the bundle's identity. */
  readonly hash: string;
}

export type BundleFailureCode =
  | 'BUNDLE_MALFORMED'
  | 'BUNDLE_SIGNATURE'
  | 'BUNDLE_WRONG_SIGNER'
  | 'BUNDLE_WRONG_ELECTION'
  | 'BUNDLE_FILE_MISSING'
  | 'BUNDLE_FILE_MISMATCH'
  | 'BUNDLE_EXTRA_FILE';

export interface BundleFailure {
  readonly ok: false;
  readonly code: BundleFailureCode;
  readonly message: Message;
  /** The file concerned, or the CMS failure code for BUNDLE_SIGNATURE. */
  readonly detail?: string;
}

const NAME = /^(?:[a-z0-9][a-z0-9._-]*\/)*[a-z0-9][a-z0-9._-]*$/;

export function isBundleFileName(name: string): boolean {
  return (
    NAME.test(name) && !name.split('/').includes('..') && name !== MANIFEST_NAME && name !== SIGNATURE_NAME
  );
}

/** The data centre makes and signs a bundle. */
export async function makeBundle(options: {
  electionId: string;
  kind: string;
  createdAt: Date;
  files: ReadonlyMap<string, Uint8Array>;
  signer: Signer;
}): Promise<Bundle> {
  for (const name of options.files.keys()) {
    if (!isBundleFileName(name)) throw new TypeError(`bundle file name not allowed: "${name}"`);
  }
  const manifest: BundleManifest = {
    format: 'opendeg-bundle/1',
    electionId: options.electionId,
    kind: options.kind,
    createdAt: options.createdAt.toISOString(),
    files: [...options.files]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, data]) => ({ name, size: data.length, sha256: bytesToHex(sha256(data)) })),
  };
  const manifestBytes = canonicalJsonBytes(manifest);
  const signature = await signDetached({
    content: manifestBytes,
    signer: options.signer,
    signingTime: options.createdAt,
  });
  const files = new Map(options.files);
  files.set(MANIFEST_NAME, manifestBytes);
  files.set(SIGNATURE_NAME, signature.der);
  return { manifest, files, hash: bytesToHex(sha256(manifestBytes)) };
}

const MESSAGES: Record<BundleFailureCode, Message> = {
  BUNDLE_MALFORMED: {
    ru: 'Носитель не содержит корректного перечня файлов.',
    en: 'The medium has no valid manifest.',
  },
  BUNDLE_SIGNATURE: {
    ru: 'Электронная подпись перечня файлов не верна.',
    en: 'The manifest’s signature does not verify.',
  },
  BUNDLE_WRONG_SIGNER: {
    ru: 'Данные подписаны не центром обработки данных.',
    en: 'The data are not signed by the data centre.',
  },
  BUNDLE_WRONG_ELECTION: {
    ru: 'Данные относятся к другим выборам.',
    en: 'The data are for another election.',
  },
  BUNDLE_FILE_MISSING: { ru: 'На носителе нет файла из перечня.', en: 'A file of the manifest is missing.' },
  BUNDLE_FILE_MISMATCH: {
    ru: 'Файл не совпадает с контрольной суммой в перечне.',
    en: 'A file does not match its checksum in the manifest.',
  },
  BUNDLE_EXTRA_FILE: {
    ru: 'На носителе есть файл вне перечня.',
    en: 'The medium holds a file not in the manifest.',
  },
};

const failure = (code: BundleFailureCode, detail?: string): BundleFailure => ({
  ok: false,
  code,
  message: MESSAGES[code],
  ...(detail === undefined ? {} : { detail }),
});

/** Reads an untrusted manifest: exactly the expected members, canonical bytes, valid file entries. */
function parseManifest(bytes: Uint8Array): BundleManifest | undefined {
  let j: unknown;
  try {
    j = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return undefined;
  const o = j as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'createdAt,electionId,files,format,kind' || o.format !== 'opendeg-bundle/1') return undefined;
  if (typeof o.electionId !== 'string' || typeof o.kind !== 'string' || typeof o.createdAt !== 'string')
    return undefined;
  if (!Array.isArray(o.files)) return undefined;
  const files: { name: string; size: number; sha256: string }[] = [];
  for (const f of o.files as unknown[]) {
    if (typeof f !== 'object' || f === null) return undefined;
    const { name, size, sha256: digest } = f as Record<string, unknown>;
    if (typeof name !== 'string' || !isBundleFileName(name)) return undefined;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
    if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) return undefined;
    files.push({ name, size, sha256: digest });
  }
  const manifest: BundleManifest = {
    format: 'opendeg-bundle/1',
    electionId: o.electionId,
    kind: o.kind,
    createdAt: o.createdAt,
    files,
  };
  // Signed bytes must be the canonical form: no second reading of the same signature.
  return equalBytes(canonicalJsonBytes(manifest), bytes) ? manifest : undefined;
}

/** P-3.2: the commission's check before loading: signature, signer, election, every file. */
export async function verifyBundle(options: {
  files: ReadonlyMap<string, Uint8Array>;
  electionId: string;
  trustedRoots: readonly CertificateInput[];
  at: Date;
}): Promise<{ ok: true; bundle: Bundle; signer: SignerIdentity } | BundleFailure> {
  const manifestBytes = options.files.get(MANIFEST_NAME);
  const sig = options.files.get(SIGNATURE_NAME);
  if (manifestBytes === undefined || sig === undefined) return failure('BUNDLE_MALFORMED');
  const v = await verifyDetached({
    content: manifestBytes,
    signature: sig,
    trustedRoots: options.trustedRoots,
    at: options.at,
  });
  if (!v.ok) return failure('BUNDLE_SIGNATURE', v.code satisfies CmsFailureCode);
  if (v.signer.role !== 'data-centre') return failure('BUNDLE_WRONG_SIGNER', v.signer.subject);
  const manifest = parseManifest(manifestBytes);
  if (manifest === undefined) return failure('BUNDLE_MALFORMED');
  if (manifest.electionId !== options.electionId)
    return failure('BUNDLE_WRONG_ELECTION', manifest.electionId);
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.name);
    const data = options.files.get(f.name);
    if (data === undefined) return failure('BUNDLE_FILE_MISSING', f.name);
    if (data.length !== f.size || bytesToHex(sha256(data)) !== f.sha256)
      return failure('BUNDLE_FILE_MISMATCH', f.name);
  }
  for (const name of options.files.keys()) {
    if (name !== MANIFEST_NAME && name !== SIGNATURE_NAME && !listed.has(name))
      return failure('BUNDLE_EXTRA_FILE', name);
  }
  return {
    ok: true,
    bundle: { manifest, files: options.files, hash: bytesToHex(sha256(manifestBytes)) },
    signer: v.signer,
  };
}
