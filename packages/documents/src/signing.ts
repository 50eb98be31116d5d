/**
 * Electronic signatures on the forms: detached CMS SignedData (RFC 5652) made with the commission's
 * signatures module (`signDetached`), over the canonical JSON bytes and over each PDF file.
 *
 * Several signers get one detached signature file each rather than one CMS with several SignerInfos:
 * members sign on their own devices at their own moments, a member who cannot sign simply has no file
 * (and a recorded reason on the protocol, P-7.9), adding a signature never re-encodes the others, and
 * every file is checked on its own by `openssl cms -verify -binary -inform DER -content <doc>
 * -CAfile <root>`, which then names exactly one signer per file. A private key is used inside one
 * call and never kept: the key file is opened into a non-extractable key that goes out of scope when
 * the call returns.
 */

import { openKeyFile, signDetached, verifyAllSigners } from '@opendeg/deg';
import type {
  CertificateInput,
  DetachedSignature,
  KeyFileFailure,
  SignatureInput,
  SignatureSetReport,
  Signer,
} from '@opendeg/deg';
import type { ProtocolDocument } from './protocol.ts';

/** One detached signature per signer over `content`, in the order of `signers`. */
export async function signDocument(
  content: Uint8Array,
  signers: readonly Signer[],
  signingTime: Date,
): Promise<DetachedSignature[]> {
  if (signers.length === 0) throw new RangeError('signDocument: at least one signer');
  const out: DetachedSignature[] = [];
  for (const signer of signers) out.push(await signDetached({ content, signer, signingTime }));
  return out;
}

/**
 * Sign with a member's key file: the key is decrypted with the passphrase into a non-extractable key,
 * used once, and dropped. A wrong passphrase or a broken file is a failure value, not an exception.
 */
export async function signDocumentWithKeyFile(options: {
  readonly content: Uint8Array;
  readonly keyFile: Uint8Array | string;
  readonly passphrase: string;
  readonly certificate: CertificateInput;
  readonly signingTime: Date;
}): Promise<{ readonly ok: true; readonly signature: DetachedSignature } | KeyFileFailure> {
  const opened = await openKeyFile(options.keyFile, options.passphrase);
  if (!opened.ok) return opened;
  const signature = await signDetached({
    content: options.content,
    signer: { certificate: options.certificate, privateKey: opened.privateKey },
    signingTime: options.signingTime,
  });
  return { ok: true, signature };
}

export interface SignedForm {
  readonly json: readonly DetachedSignature[];
  /** Per PDF file (one per book of a long list), the signatures in the order of `signers`. */
  readonly pdfs: readonly (readonly DetachedSignature[])[];
}

/** Signs a form's canonical JSON and each of its PDF files by every signer. */
export async function signForm(
  form: { readonly json: Uint8Array; readonly pdfs: readonly Uint8Array[] },
  signers: readonly Signer[],
  signingTime: Date,
): Promise<SignedForm> {
  const json = await signDocument(form.json, signers, signingTime);
  const pdfs: DetachedSignature[][] = [];
  for (const pdf of form.pdfs) pdfs.push(await signDocument(pdf, signers, signingTime));
  return { json, pdfs };
}

interface SetOptions {
  readonly content: Uint8Array;
  readonly signatures: readonly SignatureInput[];
  readonly trustedRoots: readonly CertificateInput[];
  readonly at?: Date;
}

/** P-7.9: every member the protocol records as signing has a valid signature over `content`. */
export async function verifyProtocolSignatures(
  options: SetOptions & { readonly protocol: ProtocolDocument },
): Promise<SignatureSetReport> {
  const { protocol, ...rest } = options;
  return verifyAllSigners({
    ...rest,
    required: { memberIds: protocol.members.filter((m) => m.signs).map((m) => m.memberId) },
  });
}

/** P-3.6, P-7.3: a list or a register carries the chairman's and the secretary's signatures. */
export async function verifyOfficerSignatures(options: SetOptions): Promise<SignatureSetReport> {
  return verifyAllSigners({ ...options, required: { roles: ['chairman', 'secretary'] } });
}
