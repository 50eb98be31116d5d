// P-3.2, P-3.3, P-4.2: verify a list and ballot data bundle and load it, all in one transaction —
// every region's list (`lists/<region>.csv`, compiled as it lands), the bundle's record and, when the
// bundle carries it, the ballot's source data (`ballot/source.json`) with their audit rows. A refusal
// anywhere leaves nothing of the bundle behind.
//
// The workstation's `POST /api/bundles/load` and `opendeg bundle load` (apps/cli, as the `system`
// actor, with a progress bar from `onProgress`) both load through `loadBundle`: the whole load is one
// transaction, and the same bundle loaded again returns the earlier load instead of an error, so a
// repeated click, a lost answer or a command run twice is harmless.
import { ListStoreError, ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import {
  ListDataError,
  parseListCsv,
  verifyBundle,
  votingStarts,
  type BallotSource,
  type BundleManifest,
  type CertificateInput,
  type ElectionConfig,
} from '@opendeg/deg';
import type pg from 'pg';
import { writeAudit, type ActorRole } from '../audit.ts';
import { ballotApiError } from '../ballot/ballot-routes.ts';
import { parseBallotSourceFile } from '../ballot/ballot-source-schema.ts';
import { loadBallotVersion } from '../ballot/ballot-store.ts';
import { ApiError } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { bundleError, verifyError } from './bundle-errors.ts';

/** A region's list in the bundle; the region pattern is the list routes'. */
export const LIST_FILE = /^lists\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})\.csv$/;
/** P-4.2: the ballot's source data in the bundle (packages/deg BallotSource as JSON). */
export const BALLOT_FILE = 'ballot/source.json';

export interface BundleLoad {
  electionId: string;
  config: ElectionConfig;
  files: ReadonlyMap<string, Uint8Array>;
  trustedRoots: readonly CertificateInput[];
  at: Date;
  /** Who loads it (P-3.2: the chairman, or the operator on the chairman's instruction). */
  actorRole: ActorRole;
  /** Goes into the audit rows, to find the request's log lines. */
  requestId?: string;
  /** Rows of a region's list imported so far, of `total` (for a progress bar). */
  onProgress?: (region: string, done: number, total: number) => void;
}

export interface LoadedBundle {
  /** SHA-256 of manifest.json, hex. */
  hash: string;
  kind: string;
  signer: string;
  loadedAt: Date;
  /** True when this bundle was loaded before and nothing was written now. */
  alreadyLoaded: boolean;
  /** Rows of each region's list as compiled. */
  regions: { region: string; participants: number }[];
  /** The ballot's source data version the bundle loaded, when it carried them. */
  ballotVersion: number | undefined;
}

const utf8 = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

function listFiles(manifest: BundleManifest): { name: string; region: string }[] {
  return manifest.files
    .map((f) => ({ name: f.name, region: LIST_FILE.exec(f.name)?.[1] }))
    .filter((f): f is { name: string; region: string } => f.region !== undefined);
}

/** A list file's rows; a malformed file is refused by its line only (rows hold personal data). */
function parseList(name: string, bytes: Uint8Array): ParticipantRecord[] {
  try {
    return parseListCsv(utf8(bytes));
  } catch (e) {
    if (e instanceof ListDataError) throw bundleError('BUNDLE_CONTENT_INVALID', `${name}, line ${e.line}`);
    if (e instanceof TypeError) throw bundleError('BUNDLE_CONTENT_INVALID', `${name}: not UTF-8`);
    throw e;
  }
}

function parseBallot(bytes: Uint8Array | undefined): BallotSource | undefined {
  if (bytes === undefined) return undefined;
  let text: string;
  try {
    text = utf8(bytes);
  } catch {
    throw bundleError('BUNDLE_CONTENT_INVALID', `${BALLOT_FILE}: not UTF-8`);
  }
  const parsed = parseBallotSourceFile(text);
  if (!parsed.ok)
    throw bundleError('BUNDLE_CONTENT_INVALID', `${BALLOT_FILE}: ${parsed.problems.join('; ')}`);
  return parsed.source;
}

/**
 * ParticipantListStore.importList opens its own connection and transaction. Given this stand-in
 * for its pool, it runs on the load's connection instead, its BEGIN/COMMIT/ROLLBACK becoming a
 * savepoint, so each region's import joins the one transaction of the load. Its ANALYZE waits for
 * the commit (loadBundle runs it then). A `client` parameter on importList would make this go away.
 */
function savepointPool(client: pg.PoolClient): pg.Pool {
  const mapped: Readonly<Record<string, string>> = {
    BEGIN: 'SAVEPOINT bundle_list',
    COMMIT: 'RELEASE SAVEPOINT bundle_list',
    ROLLBACK: 'ROLLBACK TO SAVEPOINT bundle_list',
  };
  const target = client as unknown as { query(...args: unknown[]): unknown };
  const connection = {
    query: (...args: unknown[]): unknown => {
      const [text] = args;
      if (typeof text === 'string') {
        const instead = mapped[text];
        if (instead !== undefined) return target.query(instead);
        if (text.startsWith('ANALYZE')) return Promise.resolve({ rows: [], rowCount: 0 });
      }
      return target.query(...args);
    },
    release: (): void => undefined,
  };
  return { connect: () => Promise.resolve(connection) } as unknown as pg.Pool;
}

/** The earlier load of this bundle, as loadBundle answered it then. */
async function earlierLoad(
  db: pg.PoolClient,
  electionId: string,
  hash: string,
  regions: readonly string[],
): Promise<LoadedBundle | undefined> {
  const found = await db.query<{ kind: string; signer: string; loaded_at: Date }>(
    'SELECT kind, signer, loaded_at FROM loaded_bundles WHERE hash = $1 AND election_id = $2',
    [Buffer.from(hash, 'hex'), electionId],
  );
  const row = found.rows[0];
  if (row === undefined) return undefined;
  const lists = await db.query<{ region: string; participant_count: number }>(
    `SELECT region, participant_count FROM participant_lists
     WHERE election_id = $1 AND region = ANY($2) ORDER BY region`,
    [electionId, regions],
  );
  const ballot = await db.query<{ version: number }>(
    `SELECT version FROM ballot_versions WHERE election_id = $1 AND bundle_hash = decode($2, 'hex')`,
    [electionId, hash],
  );
  return {
    hash,
    kind: row.kind,
    signer: row.signer,
    loadedAt: row.loaded_at,
    alreadyLoaded: true,
    regions: lists.rows.map((r) => ({ region: r.region, participants: r.participant_count })),
    ballotVersion: ballot.rows[0]?.version,
  };
}

/** ListStoreError codes that mean the region's list exists (P-3.2, P-3.3); the rest are bad content. */
function listRefusal(name: string, e: ListStoreError): ApiError {
  if (e.code === 'LIST_EXISTS' || e.code === 'LIST_COMPILED' || e.code === 'LIST_FROZEN')
    return bundleError('BUNDLE_LISTS_EXIST', name);
  // The store's messages carry constraint names and line numbers, never a row's data.
  return bundleError('BUNDLE_CONTENT_INVALID', `${name}: ${e.code}, ${e.message}`);
}

async function load(pool: pg.Pool, options: BundleLoad): Promise<LoadedBundle> {
  const { electionId, config, files, at } = options;
  const checked = await verifyBundle({ files, electionId, trustedRoots: options.trustedRoots, at });
  if (!checked.ok) throw verifyError(checked);
  const { manifest, hash } = checked.bundle;
  const lists = listFiles(manifest);
  const known = new Set(config.regions.map((r) => r.code));
  const loaded = await withTransaction(pool, async (client) => {
    // Two loads of this election at once are ordered: the second sees the first's lists and record.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bundles/${electionId}`]);
    const earlier = await earlierLoad(
      client,
      electionId,
      hash,
      lists.map((l) => l.region),
    );
    if (earlier !== undefined) return earlier;
    if (at.getTime() >= votingStarts(config).getTime()) throw bundleError('BUNDLE_VOTING_STARTED');
    const unknown = lists.filter((l) => !known.has(l.region));
    if (unknown.length > 0)
      throw bundleError(
        'BUNDLE_CONTENT_INVALID',
        `${unknown.map((l) => l.name).join(', ')}: no such region in the election`,
      );
    const existing = await client.query<{ region: string }>(
      'SELECT region FROM participant_lists WHERE election_id = $1 AND region = ANY($2) ORDER BY region',
      [electionId, lists.map((l) => l.region)],
    );
    if (existing.rows.length > 0)
      throw bundleError('BUNDLE_LISTS_EXIST', existing.rows.map((r) => r.region).join(', '));
    const ballot = parseBallot(files.get(BALLOT_FILE));
    const store = new ParticipantListStore(savepointPool(client), electionId);
    const regions: LoadedBundle['regions'] = [];
    for (const l of lists) {
      const bytes = files.get(l.name);
      if (bytes === undefined) throw new Error(`verified bundle lacks ${l.name}`);
      const rows = parseList(l.name, bytes);
      const progress = options.onProgress;
      try {
        const made = await store.importList(l.region, rows, {
          compiledAt: at,
          ...(progress === undefined
            ? {}
            : {
                onProgress: (n: number) => {
                  progress(l.region, n, rows.length);
                },
              }),
        });
        regions.push({ region: l.region, participants: made.participants });
      } catch (e) {
        throw e instanceof ListStoreError ? listRefusal(l.name, e) : e;
      }
    }
    await client.query(
      'INSERT INTO loaded_bundles (hash, election_id, kind, manifest, signer, loaded_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        Buffer.from(hash, 'hex'),
        electionId,
        manifest.kind,
        JSON.stringify(manifest),
        checked.signer.subject,
        at,
      ],
    );
    let ballotVersion: number | undefined;
    if (ballot !== undefined) {
      const made = await loadBallotVersion(client, {
        electionId,
        config,
        source: ballot,
        at,
        origin: { kind: 'bundle', bundleHash: hash },
      });
      if (!made.ok)
        throw ballotApiError(made.code, {
          ru: `${BALLOT_FILE}: ${made.message.ru}`,
          en: `${BALLOT_FILE}: ${made.message.en}`,
        });
      ballotVersion = made.version.version;
      await writeAudit(client, {
        electionId,
        at,
        actorRole: options.actorRole,
        action: 'ballot.load',
        disposition: 'success',
        details: {
          version: made.version.version,
          origin: 'bundle',
          bundleHash: hash,
          sha256: made.version.sha256Hex,
          ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
        },
      });
    }
    await writeAudit(client, {
      electionId,
      at,
      actorRole: options.actorRole,
      action: 'bundle.load',
      disposition: 'success',
      details: {
        bundleHash: hash,
        kind: manifest.kind,
        regions: regions.map((r) => r.region),
        participants: regions.reduce((n, r) => n + r.participants, 0),
        ballotVersion: ballotVersion ?? null,
        ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
      },
    });
    return {
      hash,
      kind: manifest.kind,
      signer: checked.signer.subject,
      loadedAt: at,
      alreadyLoaded: false,
      regions,
      ballotVersion,
    };
  });
  // Fresh statistics after the lists grew (importList's own ANALYZE waited for the commit).
  if (!loaded.alreadyLoaded && loaded.regions.length > 0)
    await pool.query('ANALYZE participants').catch(() => undefined);
  return loaded;
}

/**
 * Verifies the bundle (signature under `trustedRoots`, the data centre's role, the election, every
 * file) and loads it in one transaction; throws ApiError with a stable code on any refusal, after
 * writing the refusal's audit row.
 */
export async function loadBundle(pool: pg.Pool, options: BundleLoad): Promise<LoadedBundle> {
  try {
    return await load(pool, options);
  } catch (e) {
    if (e instanceof ApiError) {
      await writeAudit(pool, {
        electionId: options.electionId,
        at: options.at,
        actorRole: options.actorRole,
        action: 'bundle.load',
        disposition: 'failure',
        details: {
          failure: e.code,
          ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
        },
      });
    }
    throw e;
  }
}
