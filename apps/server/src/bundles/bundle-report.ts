// P-3.2: what the commission sees before it loads a bundle — verifyBundle's verdict, who signed it,
// for which election, and each file with its SHA-256 and whether it matches the signed manifest.
// The verdict is verifyBundle's alone; the per-file rows only explain it. File statuses are read from
// the manifest only once its signature verified (an unsigned manifest says nothing).
import { createHash } from 'node:crypto';
import {
  MANIFEST_NAME,
  SIGNATURE_NAME,
  verifyBundle,
  type BundleFailureCode,
  type BundleManifest,
  type CertificateInput,
} from '@opendeg/deg';

export type FileStatus = 'ok' | 'mismatch' | 'missing' | 'extra' | 'unchecked';

export interface BundleReport {
  ok: boolean;
  failure?: { code: BundleFailureCode; message: { ru: string; en: string }; detail?: string };
  /** SHA-256 of manifest.json, hex, when the medium has one. */
  hash?: string;
  electionId?: string;
  kind?: string;
  createdAt?: string;
  signer?: { subject: string; role?: string; organisation?: string; validUntil: string };
  files: { path: string; size: number; sha256: string; status: FileStatus }[];
}

const hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Failures found after the signature verified and the manifest was read (bundle.ts order). */
const MANIFEST_READ: readonly BundleFailureCode[] = [
  'BUNDLE_WRONG_ELECTION',
  'BUNDLE_FILE_MISSING',
  'BUNDLE_FILE_MISMATCH',
  'BUNDLE_EXTRA_FILE',
];

function fileRows(
  files: ReadonlyMap<string, Uint8Array>,
  manifest: BundleManifest | undefined,
): BundleReport['files'] {
  const data = [...files].filter(([name]) => name !== MANIFEST_NAME && name !== SIGNATURE_NAME);
  if (manifest === undefined)
    return data.map(([path, bytes]) => ({
      path,
      size: bytes.length,
      sha256: hex(bytes),
      status: 'unchecked',
    }));
  const listed = new Map(manifest.files.map((f) => [f.name, f]));
  const rows: BundleReport['files'] = data.map(([path, bytes]) => {
    const entry = listed.get(path);
    const digest = hex(bytes);
    const status: FileStatus =
      entry === undefined
        ? 'extra'
        : entry.size === bytes.length && entry.sha256 === digest
          ? 'ok'
          : 'mismatch';
    return { path, size: bytes.length, sha256: digest, status };
  });
  for (const f of manifest.files) {
    if (!files.has(f.name)) rows.push({ path: f.name, size: f.size, sha256: f.sha256, status: 'missing' });
  }
  return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function bundleReport(options: {
  files: ReadonlyMap<string, Uint8Array>;
  electionId: string;
  trustedRoots: readonly CertificateInput[];
  at: Date;
}): Promise<BundleReport> {
  const manifestBytes = options.files.get(MANIFEST_NAME);
  const hash = manifestBytes === undefined ? {} : { hash: hex(manifestBytes) };
  const r = await verifyBundle(options);
  if (r.ok) {
    const { manifest } = r.bundle;
    return {
      ok: true,
      ...hash,
      electionId: manifest.electionId,
      kind: manifest.kind,
      createdAt: manifest.createdAt,
      signer: {
        subject: r.signer.subject,
        ...(r.signer.role === undefined ? {} : { role: r.signer.role }),
        ...(r.signer.organisation === undefined ? {} : { organisation: r.signer.organisation }),
        validUntil: r.signer.notAfter.toISOString(),
      },
      files: fileRows(options.files, manifest),
    };
  }
  // verifyBundle read this manifest and found it canonical and well formed before failing.
  const manifest =
    MANIFEST_READ.includes(r.code) && manifestBytes !== undefined
      ? (JSON.parse(new TextDecoder().decode(manifestBytes)) as BundleManifest)
      : undefined;
  return {
    ok: false,
    failure: { code: r.code, message: r.message, ...(r.detail === undefined ? {} : { detail: r.detail }) },
    ...hash,
    ...(manifest === undefined
      ? {}
      : { electionId: manifest.electionId, kind: manifest.kind, createdAt: manifest.createdAt }),
    files: fileRows(options.files, manifest),
  };
}
