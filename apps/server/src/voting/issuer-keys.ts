// The issuer keys of the blind signatures (RFC 9474 RSABSSA-SHA384-PSS-Randomized, P-6.9
// anonymisation): one RSA key per election and region (migration 013 issuer_keys), made on first
// use and never changed, its public half published in the election manifest.
//
// At rest the private key is sealed: AES-256-GCM of its PKCS#8 DER under a key derived with
// HKDF-SHA-256 from the server's secret (outside the database), with the election, the region and
// the public key as associated data, so that a sealed key neither opens under another secret nor
// passes for another region's. The secret and the private key are never logged; a decrypted key
// lives only in this process's memory, as a KeyObject whose private exponent OpenSSL keeps
// (blindSign never brings it into JavaScript).
//
// `issuerPublicKeys(pool, electionId, regions)` is what the manifest builder calls: it makes the
// keys of the regions that have none and returns every region's base64 DER SPKI. `privateKey`
// gives the signing key of a region that has one, and never makes one: a key made at issuance
// would not be in the published manifest.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { availableParallelism } from 'node:os';
import type pg from 'pg';
import { toBase64 } from '@opendeg/crypto';
import { exportIssuerPublicKeySpki, generateIssuerKey, type IssuerKeyBits } from '@opendeg/crypto/node';
import type { Clock } from '../deps.ts';

/** The manifest builder's view: each region's issuer public key, base64 of DER SPKI. */
export type IssuerPublicKeys = (
  pool: pg.Pool,
  electionId: string,
  regions: readonly string[],
) => Promise<Map<string, string>>;

export interface IssuerKeysOptions {
  /** The server's secret the private keys are sealed under: at least 32 bytes, never in the database. */
  secret: Uint8Array;
  /** Modulus of new keys; default 3072 (RFC 9474 asks for at least 2048). */
  bits?: IssuerKeyBits;
  clock: Clock;
}

/** A stored key that cannot be used: sealed under another secret, or altered. */
export class IssuerKeyError extends Error {
  readonly code: 'ISSUER_KEY_OTHER_SECRET' | 'ISSUER_KEY_DAMAGED';
  constructor(code: IssuerKeyError['code'], message: string) {
    super(message);
    this.name = 'IssuerKeyError';
    this.code = code;
  }
}

interface KeyRow {
  region: string;
  public_spki: Buffer;
  kek_id: Buffer;
  nonce: Buffer;
  sealed_private_key: Buffer;
}

const HKDF_INFO = 'opendeg/issuer-key-seal/1';

/** What the seal is bound to: election, region and public key, each length-prefixed. */
function associatedData(electionId: string, region: string, spki: Uint8Array): Buffer {
  const parts = [Buffer.from('opendeg-issuer-key/1'), Buffer.from(electionId), Buffer.from(region), spki];
  return Buffer.concat(
    parts.flatMap((p) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(p.length);
      return [length, p];
    }),
  );
}

export class IssuerKeys {
  readonly #kek: Buffer;
  readonly #kekId: Buffer;
  readonly #bits: IssuerKeyBits;
  readonly #clock: Clock;
  readonly #keys = new Map<string, Promise<KeyObject | undefined>>();

  constructor(options: IssuerKeysOptions) {
    if (options.secret.length < 32) throw new RangeError('the issuer key secret must be at least 32 bytes');
    this.#kek = Buffer.from(hkdfSync('sha256', options.secret, new Uint8Array(0), HKDF_INFO, 32));
    this.#kekId = createHmac('sha256', this.#kek)
      .update('opendeg/issuer-key-seal/id')
      .digest()
      .subarray(0, 8);
    this.#bits = options.bits ?? 3072;
    this.#clock = options.clock;
  }

  /** Each region's issuer public key (base64 DER SPKI), making the missing ones. Bound: pass it as is. */
  readonly issuerPublicKeys: IssuerPublicKeys = async (pool, electionId, regions) => {
    const wanted = [...new Set(regions)];
    const have = await this.#rows(pool, electionId, wanted);
    const missing = wanted.filter((region) => !have.has(region));
    // RSA key generation is CPU-bound and runs on libuv's thread pool: one key a core at a time
    // (29 regions of 3072 bits took 13–21 s one by one). A second caller making the same region's
    // key at once loses the insert below and takes the stored one.
    const make = async (region: string): Promise<void> => {
      const pair = await generateIssuerKey(this.#bits);
      const spki = exportIssuerPublicKeySpki(pair.publicKey);
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.#kek, nonce);
      cipher.setAAD(associatedData(electionId, region, spki));
      const der = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
      const sealed = Buffer.concat([cipher.update(der), cipher.final(), cipher.getAuthTag()]);
      der.fill(0);
      await pool.query(
        `INSERT INTO issuer_keys (election_id, region, modulus_bits, public_spki, kek_id, nonce,
           sealed_private_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (election_id, region) DO NOTHING`,
        [electionId, region, this.#bits, spki, this.#kekId, nonce, sealed, this.#clock.now()],
      );
    };
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let i = next++; i < missing.length; i = next++) await make(missing[i] as string);
    };
    await Promise.all(Array.from({ length: Math.min(availableParallelism(), missing.length) }, lane));
    const rows = await this.#rows(pool, electionId, wanted);
    const out = new Map<string, string>();
    for (const region of wanted) {
      const row = rows.get(region);
      if (row === undefined) throw new Error(`issuer key of region ${region} was not stored`);
      out.set(region, toBase64(new Uint8Array(row.public_spki)));
    }
    return out;
  };

  /** The region's signing key, or undefined when none was made (no manifest published for it). */
  privateKey(pool: pg.Pool, electionId: string, region: string): Promise<KeyObject | undefined> {
    const id = `${electionId}\u0000${region}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = this.#open(pool, electionId, region);
      this.#keys.set(id, key);
      // A failed or missing read is not remembered: the key may be made, or the database come back.
      key.then(
        (k) => {
          if (k === undefined) this.#keys.delete(id);
        },
        () => this.#keys.delete(id),
      );
    }
    return key;
  }

  async #open(pool: pg.Pool, electionId: string, region: string): Promise<KeyObject | undefined> {
    const row = (await this.#rows(pool, electionId, [region])).get(region);
    if (row === undefined) return undefined;
    if (!row.kek_id.equals(this.#kekId)) {
      throw new IssuerKeyError(
        'ISSUER_KEY_OTHER_SECRET',
        `the issuer key of region ${region} is sealed under another secret`,
      );
    }
    const sealed = row.sealed_private_key;
    const decipher = createDecipheriv('aes-256-gcm', this.#kek, row.nonce);
    decipher.setAAD(associatedData(electionId, region, row.public_spki));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    let der: Buffer;
    try {
      der = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
    } catch {
      throw new IssuerKeyError(
        'ISSUER_KEY_DAMAGED',
        `the sealed issuer key of region ${region} does not open`,
      );
    }
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    if (!Buffer.from(exportIssuerPublicKeySpki(key)).equals(row.public_spki)) {
      throw new IssuerKeyError(
        'ISSUER_KEY_DAMAGED',
        `the issuer key of region ${region} is not its public key's`,
      );
    }
    return key;
  }

  async #rows(pool: pg.Pool, electionId: string, regions: readonly string[]): Promise<Map<string, KeyRow>> {
    const r = await pool.query<KeyRow>(
      `SELECT region, public_spki, kek_id, nonce, sealed_private_key FROM issuer_keys
       WHERE election_id = $1 AND region = ANY($2::text[])`,
      [electionId, regions],
    );
    return new Map(r.rows.map((row) => [row.region, row]));
  }
}
