// The issuer keys of the blind signatures (RFC 9474, P-6.9) on real PostgreSQL: made once per
// region and never changed (migration 013), sealed at rest under the server's secret, opened only
// under it and only for the row they were sealed for, and usable end to end: a blinded message
// signed with the opened key unblinds into a signature that verifies under the published SPKI.
import { beforeAll, describe, expect, test } from 'vitest';
import {
  blindRsaMessage,
  finalizeBlindRsaSignature,
  fromBase64,
  prepareBlindRsaMessage,
  verifyBlindRsaSignature,
} from '@opendeg/crypto';
import { blindSign } from '@opendeg/crypto/node';
import { useTestDatabase } from '@opendeg/db/testing';
import { ManualClock } from '@opendeg/deg';
import { readElectionConfigFile, storeElection } from '../src/elections/load-election.ts';
import { IssuerKeyError, IssuerKeys } from '../src/voting/issuer-keys.ts';
import { fileURLToPath } from 'node:url';

const db = useTestDatabase();
const clock = new ManualClock('2026-09-17T12:00:00Z');
const SECRET = new Uint8Array(32).fill(42);
const base = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));
let electionId: string;
let otherElectionId: string;

interface Row {
  region: string;
  modulus_bits: number;
  public_spki: Buffer;
  sealed_private_key: Buffer;
  created_at: Date;
}

const rows = async (id: string): Promise<Row[]> =>
  (
    await db.pool.query<Row>(
      'SELECT region, modulus_bits, public_spki, sealed_private_key, created_at FROM issuer_keys WHERE election_id = $1 ORDER BY region',
      [id],
    )
  ).rows;

beforeAll(async () => {
  electionId = (await storeElection(db.pool, base, clock.now())).id;
  otherElectionId = (
    await storeElection(db.pool, { ...structuredClone(base), electionId: 'issuer-other' }, clock.now())
  ).id;
}, 60_000);

describe('issuer keys', () => {
  test('RFC 9474 one key per region, at least 2048 bits, made on the first call and the same on every later one', async () => {
    const keys = new IssuerKeys({ secret: SECRET, bits: 2048, clock });
    const first = await keys.issuerPublicKeys(db.pool, electionId, ['16', '54']);
    expect([...first.keys()]).toEqual(['16', '54']);
    expect(first.get('16')).not.toBe(first.get('54'));
    const stored = await rows(electionId);
    expect(stored.map((r) => [r.region, r.modulus_bits])).toEqual([
      ['16', 2048],
      ['54', 2048],
    ]);
    expect(stored[0]?.created_at.toISOString()).toBe(clock.now().toISOString());
    // Later calls, also from another process with the same secret, make nothing new.
    clock.advance(60_000);
    const again = await new IssuerKeys({ secret: SECRET, bits: 3072, clock }).issuerPublicKeys(
      db.pool,
      electionId,
      ['54', '16', '77'],
    );
    expect(again.get('16')).toBe(first.get('16'));
    expect(again.get('54')).toBe(first.get('54'));
    expect((await rows(electionId)).map((r) => r.region)).toEqual(['16', '54', '77']);
    expect((await rows(electionId)).find((r) => r.region === '77')?.modulus_bits).toBe(3072);
  });

  test('RFC 9474 two callers making the same region at once get the same key', async () => {
    const a = new IssuerKeys({ secret: SECRET, bits: 2048, clock });
    const b = new IssuerKeys({ secret: SECRET, bits: 2048, clock });
    const [x, y] = await Promise.all([
      a.issuerPublicKeys(db.pool, otherElectionId, ['16']),
      b.issuerPublicKeys(db.pool, otherElectionId, ['16']),
    ]);
    expect(x.get('16')).toBe(y.get('16'));
    expect(await rows(otherElectionId)).toHaveLength(1);
  });

  test('P-6.9 the opened key signs blindly for its published public key (RFC 9474 §4 round trip)', async () => {
    const keys = new IssuerKeys({ secret: SECRET, bits: 2048, clock });
    const spki = fromBase64((await keys.issuerPublicKeys(db.pool, electionId, ['16'])).get('16') ?? '');
    const signer = await keys.privateKey(db.pool, electionId, '16');
    if (signer === undefined) throw new Error('no key');
    const message = prepareBlindRsaMessage(new TextEncoder().encode('opendeg credential'));
    const { blindedMsg, state } = await blindRsaMessage(spki, message);
    const signature = await finalizeBlindRsaSignature(spki, state, blindSign(signer, blindedMsg));
    expect(await verifyBlindRsaSignature(spki, message, signature)).toBe(true);
    // Another region's key is another key.
    const spki54 = fromBase64((await keys.issuerPublicKeys(db.pool, electionId, ['54'])).get('54') ?? '');
    expect(await verifyBlindRsaSignature(spki54, message, signature)).toBe(false);
  });

  test('the private key is sealed at rest: no PKCS#8 in the row, and only the server secret opens it', async () => {
    const row = (await rows(electionId)).find((r) => r.region === '16');
    if (row === undefined) throw new Error('no row');
    const keys = new IssuerKeys({ secret: SECRET, bits: 2048, clock });
    const signer = await keys.privateKey(db.pool, electionId, '16');
    const der = signer?.export({ type: 'pkcs8', format: 'der' });
    if (der === undefined) throw new Error('no key');
    // Neither the key nor any long run of it is stored.
    expect(row.sealed_private_key.includes(der.subarray(40, 72))).toBe(false);
    expect(row.sealed_private_key.length).toBe(der.length + 16);
    const wrong = new IssuerKeys({ secret: new Uint8Array(32).fill(43), bits: 2048, clock });
    const refused = await wrong.privateKey(db.pool, electionId, '16').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IssuerKeyError);
    expect((refused as IssuerKeyError).code).toBe('ISSUER_KEY_OTHER_SECRET');
    expect(String(refused)).not.toContain(Buffer.from(SECRET).toString('hex'));
    expect(() => new IssuerKeys({ secret: new Uint8Array(31), clock })).toThrow(RangeError);
  });

  test("a sealed key opens only for the row it was sealed for: another election's copy is refused", async () => {
    const row = await db.pool.query<Record<string, unknown>>(
      "SELECT * FROM issuer_keys WHERE election_id = $1 AND region = '54'",
      [electionId],
    );
    const r = row.rows[0];
    if (r === undefined) throw new Error('no row');
    await db.pool.query(
      `INSERT INTO issuer_keys (election_id, region, modulus_bits, public_spki, kek_id, nonce, sealed_private_key, created_at)
       VALUES ($1, '54', $2, $3, $4, $5, $6, $7)`,
      [otherElectionId, r.modulus_bits, r.public_spki, r.kek_id, r.nonce, r.sealed_private_key, r.created_at],
    );
    const keys = new IssuerKeys({ secret: SECRET, bits: 2048, clock });
    const refused = await keys.privateKey(db.pool, otherElectionId, '54').catch((e: unknown) => e);
    expect((refused as IssuerKeyError).code).toBe('ISSUER_KEY_DAMAGED');
    expect(await keys.privateKey(db.pool, electionId, '54')).toBeDefined();
  });

  test('privateKey never makes a key: a key made at issuance would not be in the manifest', async () => {
    const keys = new IssuerKeys({ secret: SECRET, bits: 2048, clock });
    expect(await keys.privateKey(db.pool, electionId, '41')).toBeUndefined();
    expect((await rows(electionId)).some((r) => r.region === '41')).toBe(false);
  });

  test('migration 013: a published key never changes, and every column keeps its bounds', async () => {
    const code = async (sql: string, values: unknown[] = []): Promise<unknown> =>
      db.pool.query(sql, values).then(
        () => 'ok',
        (e: unknown) => (e as { constraint?: string }).constraint,
      );
    expect(await code("UPDATE issuer_keys SET created_at = now() WHERE region = '16'")).toBe(
      'issuer_keys_append_only',
    );
    expect(await code("DELETE FROM issuer_keys WHERE region = '16'")).toBe('issuer_keys_append_only');
    expect(await code('TRUNCATE issuer_keys CASCADE')).toBe('issuer_keys_append_only');
    const insert = (bits: number, spki: number, kek: number, nonce: number, sealed: number) =>
      code(
        `INSERT INTO issuer_keys (election_id, region, modulus_bits, public_spki, kek_id, nonce, sealed_private_key, created_at)
         VALUES ($1, '41', $2, $3, $4, $5, $6, now())`,
        [electionId, bits, Buffer.alloc(spki), Buffer.alloc(kek), Buffer.alloc(nonce), Buffer.alloc(sealed)],
      );
    expect(await insert(1024, 294, 8, 12, 1235)).toBe('issuer_keys_modulus_bits_valid');
    expect(await insert(2048, 100, 8, 12, 1235)).toBe('issuer_keys_public_spki_length');
    expect(await insert(2048, 294, 4, 12, 1235)).toBe('issuer_keys_kek_id_length');
    expect(await insert(2048, 294, 8, 16, 1235)).toBe('issuer_keys_nonce_length');
    expect(await insert(2048, 294, 8, 12, 100)).toBe('issuer_keys_sealed_private_key_length');
    expect(await insert(2048, 294, 8, 12, 1235)).toBe('ok');
  });
});
