// The election configuration the server runs (P-2.2 and every other date, region and count): read
// from a JSON file, validated with parseElectionConfig, and stored in `elections` with the SHA-256
// of its canonical JSON (RFC 8785), the bytes that are signed and published.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type pg from 'pg';
import { canonicalJsonBytes } from '@opendeg/crypto';
import { parseElectionConfig, type ElectionConfig } from '@opendeg/deg';
import type { LoadedElection } from '../applications/deps.ts';
import { writeAudit } from '../audit.ts';
import { withTransaction } from '../transaction.ts';

/** A configuration file that cannot be used; `problems` lists each one, with its JSON pointer. */
export class ElectionConfigError extends Error {
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[]) {
    super(`election configuration ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ElectionConfigError';
    this.problems = problems;
  }
}

/** Reads and validates a configuration file; throws ElectionConfigError listing every problem. */
export function readElectionConfigFile(file: string): ElectionConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ElectionConfigError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ElectionConfigError(file, [`not JSON: ${(e as Error).message}`]);
  }
  const parsed = parseElectionConfig(json);
  if (!parsed.ok) {
    throw new ElectionConfigError(
      file,
      parsed.errors.map((e) => `${e.path}: ${e.message} (${e.code})`),
    );
  }
  return parsed.config;
}

/** SHA-256 of the configuration's RFC 8785 canonical JSON, hex. */
export function configSha256Hex(config: ElectionConfig): string {
  return createHash('sha256').update(canonicalJsonBytes(config)).digest('hex');
}

/**
 * Stores the configuration under its electionId, once. Loading the same configuration again is a
 * no-op; a different configuration under a stored id is refused (a running election's dates and
 * regions do not change under it), and the refusal is audited.
 */
export async function storeElection(
  pool: pg.Pool,
  config: ElectionConfig,
  now: Date,
): Promise<LoadedElection> {
  const sha256Hex = configSha256Hex(config);
  const stored = await withTransaction(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO elections (id, kind, config, config_sha256) VALUES ($1, $2, $3, decode($4, 'hex'))
       ON CONFLICT (id) DO NOTHING`,
      [config.electionId, config.kind, JSON.stringify(config), sha256Hex],
    );
    if (inserted.rowCount === 1) {
      await writeAudit(client, {
        electionId: config.electionId,
        at: now,
        actorRole: 'system',
        action: 'election.load',
        disposition: 'success',
        details: { configSha256: sha256Hex, kind: config.kind },
      });
      return sha256Hex;
    }
    const r = await client.query<{ sha: string }>(
      "SELECT encode(config_sha256, 'hex') AS sha FROM elections WHERE id = $1",
      [config.electionId],
    );
    return r.rows[0]?.sha;
  });
  if (stored !== sha256Hex) {
    await writeAudit(pool, {
      electionId: config.electionId,
      at: now,
      actorRole: 'system',
      action: 'election.load',
      disposition: 'failure',
      details: { configSha256: sha256Hex, storedSha256: stored ?? null },
    });
    throw new ElectionConfigError(config.electionId, [
      `election ${config.electionId} is stored with configuration SHA-256 ${stored ?? '?'}, not ${sha256Hex}: ` +
        'a loaded election is not changed; give the new configuration another electionId',
    ]);
  }
  return { id: config.electionId, config, sha256Hex };
}
