// Members' certificates and their detached CMS signatures over the commission's closing documents
// (P-7.3 final lists, P-7.9 protocol). Each member signs on their own workstation: the server serves
// the document's canonical bytes, the member's device signs them with a key the server never sees,
// and the uploaded signature is verified here against the roots and against the certificate
// registered for that member. A certificate is imported once its path checks (packages/deg
// importCertificate) and, when it names a member id (our training CA writes UID), only for that member.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { importCertificate, verifyDetached, type CertificateInput } from '@opendeg/deg';
import type { ApiError } from '../errors.ts';
import { refuse, refuseWith } from './closing-errors.ts';

export interface MemberCertificateView {
  memberId: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  importedAt: string;
}

interface CertificateRow {
  member_id: string;
  fingerprint: string;
  not_before: Date;
  not_after: Date;
  imported_at: Date;
}

const view = (r: CertificateRow): MemberCertificateView => ({
  memberId: r.member_id,
  fingerprint: r.fingerprint,
  notBefore: r.not_before.toISOString(),
  notAfter: r.not_after.toISOString(),
  importedAt: r.imported_at.toISOString(),
});

/** Imports a member's certificate after checking its path at `at`; a second import of it is a no-op. */
export async function importMemberCertificate(
  pool: pg.Pool,
  electionId: string,
  input: { memberId: string; certificate: CertificateInput; members: readonly string[] },
  roots: readonly CertificateInput[],
  at: Date,
): Promise<MemberCertificateView | ApiError> {
  const checked = await importCertificate(input.certificate, { trustedRoots: roots, at });
  if (!checked.ok) return refuseWith('CERTIFICATE_INVALID', 422, checked.message);
  const named = checked.identity.memberId;
  if (!input.members.includes(input.memberId) || (named !== undefined && named !== input.memberId))
    return refuse('certificateMemberMismatch');
  const r = await pool.query<CertificateRow>(
    `INSERT INTO member_certificates (election_id, fingerprint, member_id, der, not_before, not_after, imported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (election_id, fingerprint) DO NOTHING
     RETURNING member_id, fingerprint, not_before, not_after, imported_at`,
    [
      electionId,
      checked.identity.fingerprint,
      input.memberId,
      checked.der,
      checked.identity.notBefore,
      checked.identity.notAfter,
      at,
    ],
  );
  const made = r.rows[0];
  if (made !== undefined) return view(made);
  const existing = await pool.query<CertificateRow>(
    `SELECT member_id, fingerprint, not_before, not_after, imported_at FROM member_certificates
     WHERE election_id = $1 AND fingerprint = $2`,
    [electionId, checked.identity.fingerprint],
  );
  const row = existing.rows[0];
  if (row === undefined) throw new Error('certificate vanished after a conflict');
  return row.member_id === input.memberId ? view(row) : refuse('certificateMemberMismatch');
}

export async function listMemberCertificates(
  pool: pg.Pool,
  electionId: string,
): Promise<MemberCertificateView[]> {
  const r = await pool.query<CertificateRow>(
    `SELECT member_id, fingerprint, not_before, not_after, imported_at FROM member_certificates
     WHERE election_id = $1 ORDER BY member_id, imported_at`,
    [electionId],
  );
  return r.rows.map(view);
}

export interface VerifiedMemberSignature {
  der: Uint8Array;
  fingerprint: string;
}

/**
 * Verifies `signature` (PEM or base64 DER) over `content` at the trusted time `at` and that its
 * signer's certificate is one registered for `memberId`.
 */
export async function verifyMemberSignature(
  pool: pg.Pool,
  electionId: string,
  memberId: string,
  content: Uint8Array,
  signature: string,
  roots: readonly CertificateInput[],
  at: Date,
): Promise<VerifiedMemberSignature | ApiError> {
  const input = signature.includes('-----BEGIN') ? signature : Buffer.from(signature, 'base64');
  const r = await verifyDetached({ content, signature: input, trustedRoots: roots, at });
  if (!r.ok) return refuseWith('SIGNATURE_INVALID', 422, r.message);
  const signer = r.signers[0];
  if (signer === undefined || r.signers.length !== 1) return refuse('signerNotMember');
  const fingerprint = createHash('sha256').update(signer.certificate).digest('hex');
  const registered = await pool.query(
    `SELECT 1 FROM member_certificates WHERE election_id = $1 AND fingerprint = $2 AND member_id = $3`,
    [electionId, fingerprint, memberId],
  );
  if (registered.rowCount !== 1) return refuse('signerNotMember');
  const der =
    typeof input === 'string'
      ? Buffer.from(input.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, ''), 'base64')
      : input;
  return { der: new Uint8Array(der), fingerprint };
}
