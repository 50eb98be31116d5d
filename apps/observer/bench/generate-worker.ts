/**
 * A worker thread of the benchmark's election generator (synthetic-election.ts): opens the election
 * from its manifest with the issuers' keys, then makes the ballots of the voters it is given — each
 * a blind-signed credential, an encrypted vote with its proofs and the credential's signature — as
 * the ballot box's ledger entries.
 */

import { constants, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

import { generateKeyPair, loadGroup, toBase64, type Backend } from '@opendeg/crypto';
import {
  castBallot,
  credentialMessage,
  encodeElementHex,
  encryptVote,
  openElection,
  parseManifest,
  type Credential,
  type Election,
} from '@opendeg/election';
import { encodeEntry, unwrap } from '@opendeg/ledger';

import { ballotEntry } from '../test/helpers/election-fixture.ts';
import { choices, type GenerateJob } from './synthetic-election.ts';

const port = parentPort;
if (port === null) throw new Error('generate-worker: not a worker thread');

let state: { election: Election<unknown>; issuers: Map<string, KeyObject> } | undefined;

/**
 * A certified one-time credential. The voter's blinding round trip (RFC 9474 §4.2–4.4, in pure
 * TypeScript on the device) is left out: it costs ~100 ms a ballot and the observer never sees it. The
 * issuer's RSASSA-PSS signature (SHA-384, 48-byte salt: RSABSSA-SHA384-PSS-Randomized) over the
 * prepared message is the same kind of signature the blind protocol yields, so B.5 checks it as usual.
 */
function credential(election: Election<unknown>, issuer: KeyObject, region: string): Credential {
  const g = election.group;
  const kp = generateKeyPair(g);
  const publicKey = encodeElementHex(g, kp.publicKey);
  const prefix = randomBytes(32);
  const prepared = Buffer.concat([prefix, credentialMessage(election.hashHex, region, publicKey)]);
  const signature = sign('sha384', prepared, {
    key: issuer,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 48,
  });
  return {
    secretKey: kp.secretKey,
    certificate: { publicKey, prefix: toBase64(prefix), signature: toBase64(signature) },
  };
}

/**
 * Bench-only: the native group's secret operations (proof nonces, encryption randomness) are
 * libsodium's constant-time code, 2–3× slower than the addon's variable-time multiplication. These
 * ballots guard no secret, so the generator's process switches them to the addon (same bytes) before
 * the election is opened on that (cached, shared) group object; the observer under test is a
 * separate process that never sees this.
 */
async function variableTimeSecrets(): Promise<void> {
  const g = await loadGroup('ristretto255', 'native');
  const fast = (p: unknown, k: bigint): unknown => g.multiply(p, k);
  Object.assign(g, {
    multiplyBase: (k: bigint) => fast(g.generator, k),
    multiplySecret: fast,
  });
}

async function make(job: GenerateJob): Promise<Uint8Array[]> {
  if (state === undefined) {
    // The native backend's public-point arithmetic makes the encryption proofs ~3× faster.
    let backend: Backend = 'auto';
    try {
      await import('@opendeg/ristretto-native');
      backend = 'native';
    } catch {
      // not built here: libsodium
    }
    if (backend === 'native') await variableTimeSecrets();
    const election = await openElection(parseManifest(job.manifest), { backend });
    const issuers = new Map<string, KeyObject>(
      Object.entries(job.issuers).map(([code, pem]) => [code, createPrivateKey(pem)]),
    );
    state = { election, issuers };
  }
  const { election, issuers } = state;
  const out: Uint8Array[] = [];
  for (let v = job.from; v < job.to; v++) {
    const c = choices(job.seed, v);
    const issuer = issuers.get(c.region);
    if (issuer === undefined) throw new Error(`generate-worker: no issuer for ${c.region}`);
    const encrypted = encryptVote(election, c.region, [[c.option]]);
    const ballot = castBallot(election, encrypted.json, credential(election, issuer, c.region));
    out.push(unwrap(encodeEntry(ballotEntry(ballot))));
  }
  return out;
}

port.on('message', (job: GenerateJob) => {
  make(job).then(
    (entries) => {
      port.postMessage({ entries });
    },
    (e: unknown) => {
      port.postMessage({ error: e instanceof Error ? e.message : String(e) });
    },
  );
});
