// Shared set-up of the key ceremony and ballot box tests: an election configuration with the 2024
// shape of key groups (Kaliningrad alone in the late group, P-5.2) and the two regions farthest apart
// in time (Kaliningrad, UTC+2, and Kamchatka, UTC+12, P-6.1); the election's ledger on PostgreSQL
// with a note key of its own; the regions' issuer keys (the identity side's, here the test's); the
// ballot's source data; the keys slice's injected dependencies.
import type { KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { toBase64 } from '@opendeg/crypto';
import { exportIssuerPublicKeySpki, generateIssuerKey } from '@opendeg/crypto/node';
import { parseElectionConfig, type BallotSource, type ElectionConfig } from '@opendeg/deg';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  Ledger,
  PostgresLedgerStore,
  unwrap,
  type NoteVerifier,
} from '@opendeg/ledger';
import { readElectionConfigFile } from '../src/elections/load-election.ts';
import type { KeysDeps } from '../src/keys/deps.ts';

const base = readElectionConfigFile(fileURLToPath(new URL('../dev/election.json', import.meta.url)));

/** The training configuration with a late key group and the regions 39 (Kaliningrad) and 41 (Kamchatka). */
export function keysConfig(electionId: string): ElectionConfig {
  const c = structuredClone(base);
  const parsed = parseElectionConfig({
    ...c,
    electionId,
    keyGroups: [...c.keyGroups, { id: 'kaliningrad', closingNotBefore: '21:15' }],
    regions: [
      ...c.regions,
      {
        code: '39',
        name: { ru: 'Калининградская область', en: 'Kaliningrad oblast' },
        timeZone: 'Europe/Kaliningrad',
        keyGroup: 'kaliningrad',
        languages: ['ru'],
        mode: 'standard',
        precincts: [],
      },
      {
        code: '41',
        name: { ru: 'Камчатский край', en: 'Kamchatka krai' },
        timeZone: 'Asia/Kamchatka',
        keyGroup: 'main',
        languages: ['ru'],
        mode: 'standard',
        precincts: [],
      },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

export const BALLOT_SOURCE: BallotSource = {
  version: 1,
  title: 'Выборы депутатов (тренировка)',
  instructions: 'Поставьте любой знак в пустом квадрате справа от фамилии одного кандидата',
  candidates: [
    { id: 'c1', name: 'Иванов Иван Иванович', info: '1970 г. р.' },
    { id: 'c2', name: 'Петрова Мария Сергеевна', info: '1981 г. р.' },
    { id: 'c3', name: 'Сидоров Пётр Алексеевич', info: '1965 г. р.' },
  ],
};

export interface TestLedger {
  readonly ledger: Ledger;
  readonly origin: string;
  readonly verifier: NoteVerifier;
}

/** The election's ledger on its own pool, as the ballot box's process would hold it. */
export async function openTestLedger(pool: pg.Pool, electionId: string): Promise<TestLedger> {
  const origin = `opendeg.test/${electionId}/ledger`;
  const signer = ed25519NoteSigner(origin, new Uint8Array(32).fill(7));
  const store = await PostgresLedgerStore.open(pool, origin);
  const ledger = unwrap(await Ledger.open({ origin, signer, store }));
  const verifier = ed25519NoteVerifier(origin, signer.publicKey);
  if (verifier === undefined) throw new Error('no verifier');
  return { ledger, origin, verifier };
}

/** One issuer key pair per region (2048 bits keeps the tests fast). */
export async function issuerKeyPairs(
  config: ElectionConfig,
): Promise<Map<string, { privateKey: KeyObject; spki: string }>> {
  const out = new Map<string, { privateKey: KeyObject; spki: string }>();
  for (const r of config.regions) {
    const { privateKey, publicKey } = await generateIssuerKey(2048);
    out.set(r.code, { privateKey, spki: toBase64(exportIssuerPublicKeySpki(publicKey)) });
  }
  return out;
}

/** The keys slice's dependencies; scrypt at its floor so that a test seals parts in milliseconds. */
export function keysDeps(
  ledger: Ledger,
  issuers: ReadonlyMap<string, { spki: string }>,
  source: BallotSource = BALLOT_SOURCE,
): KeysDeps {
  return {
    ledger,
    ballotSource: () => Promise.resolve(source),
    issuerKeys: (regions) =>
      Promise.resolve(
        new Map(
          regions.flatMap((r) => {
            const k = issuers.get(r);
            return k === undefined ? [] : [[r, k.spki] as const];
          }),
        ),
      ),
    keyPartScrypt: { N: 2 ** 10, r: 8, p: 1 },
  };
}
