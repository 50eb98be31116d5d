// The close's bundles for the write-once store (P-7.4, P-8.1): once the final lists of a key group
// are signed by the chairman and the secretary, and once the protocol is published (the results to
// hand over), the server writes the document with every sign-off (the detached CMS signatures, or
// the chairman's recorded reason) as one canonical JSON bundle. Its bytes are a function of the
// stored document and sign-offs, so writing again after a crash gives the same bytes (`ensure`).
// The custody record of the medium then holds the bundle's SHA-256 and path.
import type pg from 'pg';
import { canonicalJsonBytes } from '@opendeg/crypto';
import { readDocument, readSignOffs, type DocumentKind } from './closing-documents.ts';
import { refuseWith } from './closing-errors.ts';
import { WriteOnceStore, type Written } from './write-once.ts';

export const BUNDLE_FORMAT = 'opendeg-closing-bundle/1';

/** The bundle's file name: `final-lists-<key group>.json`, or `results.json` for the protocol. */
export const bundleName = (kind: DocumentKind, scope: string): string =>
  kind === 'final-lists' ? `final-lists-${scope}.json` : 'results.json';

export class ClosingBundles {
  constructor(
    private readonly pool: pg.Pool,
    private readonly electionId: string,
    readonly store: WriteOnceStore,
  ) {}

  /** The bundle's bytes, or undefined while the document is not published. */
  async bytes(kind: DocumentKind, scope: string): Promise<Uint8Array | undefined> {
    const doc = await readDocument(this.pool, this.electionId, kind, scope);
    if (doc?.publishedAt === undefined) return undefined;
    const signOffs = await readSignOffs(this.pool, this.electionId, kind, scope);
    return canonicalJsonBytes({
      format: BUNDLE_FORMAT,
      content: kind === 'final-lists' ? 'final-lists' : 'results',
      electionId: this.electionId,
      scope,
      document: { sha256: doc.sha256, base64: Buffer.from(doc.content).toString('base64') },
      signOffs: signOffs.map((s) => ({
        memberId: s.memberId,
        signed: s.signed,
        ...(s.signature === undefined ? {} : { signature: s.signature }),
        ...(s.fingerprint === undefined ? {} : { fingerprint: s.fingerprint }),
        ...(s.reason === undefined ? {} : { reason: s.reason }),
        recordedAt: s.recordedAt.toISOString(),
      })),
      publishedAt: doc.publishedAt.toISOString(),
    });
  }

  /** Writes the bundle of a published document once (or finds it written); undefined if unpublished. */
  async ensure(kind: DocumentKind, scope: string): Promise<Written | undefined> {
    const bytes = await this.bytes(kind, scope);
    return bytes === undefined ? undefined : this.store.ensure(bundleName(kind, scope), bytes);
  }

  /** Every published document's bundle, written if it is not yet (after each step of the close). */
  async ensurePublished(): Promise<Written[]> {
    const r = await this.pool.query<{ kind: DocumentKind; scope: string }>(
      `SELECT kind, scope FROM closing_documents WHERE election_id = $1 AND published_at IS NOT NULL
       ORDER BY published_at, kind, scope`,
      [this.electionId],
    );
    const out: Written[] = [];
    for (const d of r.rows) {
      const w = await this.ensure(d.kind, d.scope);
      if (w !== undefined) out.push(w);
    }
    return out;
  }
}

/**
 * The bundle a custody record names (P-7.5, P-8.1): with a write-once store, the server's own
 * bundle, written now if it was not yet, whose SHA-256 the member's must equal; its path goes into
 * the record. Without a store (media written elsewhere): no path, the member's hash as given.
 */
export async function custodyBundle(
  bundles: ClosingBundles | undefined,
  kind: DocumentKind,
  scope: string,
  claimedSha256: string,
): Promise<string | null> {
  if (bundles === undefined) return null;
  const w = await bundles.ensure(kind, scope);
  if (w === undefined) throw new Error(`custody of an unpublished ${kind}`);
  if (w.sha256 !== claimedSha256)
    throw refuseWith('VALIDATION_FAILED', 422, {
      ru: `Хеш пакета на носителе не совпадает с хешем пакета, записанного сервером (${w.sha256})`,
      en: `The medium's bundle hash is not the hash of the bundle the server wrote (${w.sha256})`,
    });
  return w.path;
}
