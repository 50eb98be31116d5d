// The commission's closing documents and their sign-offs (closing_documents, document_sign_offs of
// migration 016): the final lists of a key group (P-7.3, signed by the chairman and the secretary)
// and the protocol (P-7.9, signed by every present member, or a reason recorded by the chairman).
// A document's bytes are RFC 8785 canonical JSON, written once; it is published the moment its last
// expected sign-off is recorded, in the same transaction.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { canonicalJsonBytes } from '@opendeg/crypto';

export type DocumentKind = 'final-lists' | 'protocol';

export interface ClosingDocument {
  kind: DocumentKind;
  scope: string;
  content: Uint8Array;
  sha256: string;
  /** Member ids expected to sign (or, for the protocol, to have a reason recorded). */
  signers: readonly string[];
  createdAt: Date;
  publishedAt: Date | undefined;
}

export interface SignOff {
  memberId: string;
  signed: boolean;
  /** DER of the detached CMS, base64; for the signed ones. */
  signature?: string;
  fingerprint?: string;
  reason?: string;
  recordedAt: Date;
}

interface DocumentRow {
  kind: DocumentKind;
  scope: string;
  content: Buffer;
  sha256: Buffer;
  signers: string[];
  created_at: Date;
  published_at: Date | null;
}

function fromRow(r: DocumentRow): ClosingDocument {
  return {
    kind: r.kind,
    scope: r.scope,
    content: new Uint8Array(r.content),
    sha256: r.sha256.toString('hex'),
    signers: r.signers,
    createdAt: r.created_at,
    publishedAt: r.published_at ?? undefined,
  };
}

export async function createDocument(
  db: pg.PoolClient,
  electionId: string,
  d: { kind: DocumentKind; scope: string; body: unknown; signers: readonly string[]; at: Date },
): Promise<ClosingDocument> {
  const content = canonicalJsonBytes(d.body);
  const sha256 = createHash('sha256').update(content).digest();
  const r = await db.query<DocumentRow>(
    `INSERT INTO closing_documents (election_id, kind, scope, content, sha256, signers, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING kind, scope, content, sha256, signers, created_at, published_at`,
    [electionId, d.kind, d.scope, content, sha256, d.signers, d.at],
  );
  const row = r.rows[0];
  if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
  return fromRow(row);
}

export async function readDocument(
  db: pg.Pool | pg.PoolClient,
  electionId: string,
  kind: DocumentKind,
  scope: string,
  lock = false,
): Promise<ClosingDocument | undefined> {
  const r = await db.query<DocumentRow>(
    `SELECT kind, scope, content, sha256, signers, created_at, published_at FROM closing_documents
     WHERE election_id = $1 AND kind = $2 AND scope = $3${lock ? ' FOR UPDATE' : ''}`,
    [electionId, kind, scope],
  );
  const row = r.rows[0];
  return row === undefined ? undefined : fromRow(row);
}

interface SignOffRow {
  member_id: string;
  signature: Buffer | null;
  fingerprint: string | null;
  reason: string | null;
  recorded_at: Date;
}

export async function readSignOffs(
  db: pg.Pool | pg.PoolClient,
  electionId: string,
  kind: DocumentKind,
  scope: string,
): Promise<SignOff[]> {
  const r = await db.query<SignOffRow>(
    `SELECT member_id, signature, fingerprint, reason, recorded_at FROM document_sign_offs
     WHERE election_id = $1 AND kind = $2 AND scope = $3 ORDER BY recorded_at, member_id`,
    [electionId, kind, scope],
  );
  return r.rows.map((s) => ({
    memberId: s.member_id,
    signed: s.signature !== null,
    ...(s.signature !== null ? { signature: s.signature.toString('base64') } : {}),
    ...(s.fingerprint !== null ? { fingerprint: s.fingerprint } : {}),
    ...(s.reason !== null ? { reason: s.reason } : {}),
    recordedAt: s.recorded_at,
  }));
}

/**
 * Records one member's sign-off and, when it was the last one expected, publishes the document.
 * Returns false when this member's sign-off exists already.
 */
export async function recordSignOff(
  db: pg.PoolClient,
  electionId: string,
  doc: ClosingDocument,
  s: { memberId: string; signature?: Uint8Array; fingerprint?: string; reason?: string; at: Date },
): Promise<{ recorded: boolean; published: boolean }> {
  const r = await db.query(
    `INSERT INTO document_sign_offs (election_id, kind, scope, member_id, signature, fingerprint, reason, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [
      electionId,
      doc.kind,
      doc.scope,
      s.memberId,
      s.signature ?? null,
      s.fingerprint ?? null,
      s.reason ?? null,
      s.at,
    ],
  );
  if (r.rowCount !== 1) return { recorded: false, published: false };
  const done = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM document_sign_offs WHERE election_id = $1 AND kind = $2 AND scope = $3
       AND member_id = ANY($4::text[])`,
    [electionId, doc.kind, doc.scope, doc.signers],
  );
  const complete = Number(done.rows[0]?.n ?? 0) === doc.signers.length;
  if (complete && doc.publishedAt === undefined) {
    await db.query(
      `UPDATE closing_documents SET published_at = $4 WHERE election_id = $1 AND kind = $2 AND scope = $3`,
      [electionId, doc.kind, doc.scope, s.at],
    );
  }
  return { recorded: true, published: complete };
}
