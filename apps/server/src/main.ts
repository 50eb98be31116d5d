// Starts the server: configuration from the environment, graceful shutdown on SIGTERM/SIGINT.
// Without IDENTITY_ISSUER the built-in identity stand-in serves a generated register at /esia.
// The database is DATABASE_URL's or the embedded server under ./data, migrated at start; the
// election is the configuration file ELECTION_CONFIG (default in development: dev/election.json).
// BOOTSTRAP_OPERATOR_SUB (an account's OIDC sub) makes that account the election's first operator
// at start, who then assigns every other role through /api/admin/roles; unset it once done.
// Beside the server runs the job worker (jobs/job-worker.ts, graphile-worker on the same database):
// the daily processing of the applications at `schedule.processingTime` (P-2.6). JOBS=off leaves it
// out, for a second server process when one worker is enough (any number may run).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPool, migrate, openDatabase, redactUrl } from '@opendeg/db';
import { certificatesFromPem, ScenarioClock, type ElectionConfig } from '@opendeg/deg';
import {
  ed25519NoteSigner,
  formatVerifierKey,
  Ledger,
  PostgresLedgerStore,
  SIG_TYPE_ED25519,
} from '@opendeg/ledger';
import { buildApp } from './app.ts';
import { systemClock, type Clock } from './deps.ts';
import type { IdentityDeps } from './identity/config.ts';
import { generateRegister, registerRegions } from './identity/register.ts';
import { standInVoterRegister } from './applications/voter-register.ts';
import { ElectionConfigError, readElectionConfigFile, storeElection } from './elections/load-election.ts';
import { DevOutboxSms } from './sms/dev-outbox.ts';
import { HttpSmsGateway } from './sms/http-gateway.ts';
import type { SmsGateway } from './sms/sms-gateway.ts';
import { IssuerKeys } from './voting/issuer-keys.ts';
import { startJobWorker, type JobWorker } from './jobs/job-worker.ts';
import { currentBallotSource } from './ballot/ballot-store.ts';
import { castCounts } from './ballot-box/cast-counts.ts';
import { storedClosingSources } from './closing/stored-sources.ts';

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function required(name: string): string {
  const value = env(name);
  if (value === undefined) throw new Error(`${name} must be set`);
  return value;
}

const production = process.env.NODE_ENV === 'production';

/** Fatal start-up problems go to standard error as plain lines, before any logger exists. */
function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const configFile =
  env('ELECTION_CONFIG') ??
  (production
    ? fail('ELECTION_CONFIG must be set in production')
    : fileURLToPath(new URL('../dev/election.json', import.meta.url)));
function loadConfig(file: string): ElectionConfig {
  try {
    return readElectionConfigFile(file);
  } catch (e) {
    if (e instanceof ElectionConfigError) fail(e.message);
    throw e;
  }
}
const config = loadConfig(configFile);

// A training run outside production runs on a scenario clock that /dev/clock moves forward
// (SCENARIO_START, an ISO instant, default now; SCENARIO_SPEED, default 1); everything else on the
// system clock.
const scenarioStart = env('SCENARIO_START');
const devClock =
  config.kind === 'training' && !production
    ? new ScenarioClock({
        start: scenarioStart !== undefined ? new Date(scenarioStart) : systemClock.now(),
        speed: Number(env('SCENARIO_SPEED') ?? '1'),
      })
    : undefined;
if (devClock !== undefined && Number.isNaN(devClock.now().getTime()))
  fail('SCENARIO_START is not an ISO instant');
const clock: Clock = devClock ?? systemClock;

const port = Number(env('PORT') ?? '3000');
const host = env('HOST') ?? '127.0.0.1';
const publicUrl = env('PUBLIC_URL') ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
// A random secret logs everyone out on restart, which is acceptable only for the stand-in.
const cookieSecret = env('SESSION_SECRET') ?? randomBytes(32).toString('base64url');

const issuer = env('IDENTITY_ISSUER');
const register =
  issuer === undefined
    ? generateRegister({
        seed: Number(env('REGISTER_SEED') ?? '1'),
        count: Number(env('REGISTER_SIZE') ?? '1000'),
        referenceDate: new Date(`${config.schedule.voting.lastDay}T00:00:00Z`),
        regions: registerRegions(config.regions),
      })
    : undefined;
const identity: IdentityDeps = {
  publicUrl,
  cookieSecret,
  provider:
    issuer !== undefined
      ? {
          kind: 'external',
          issuer,
          clientId: required('IDENTITY_CLIENT_ID'),
          clientSecret: required('IDENTITY_CLIENT_SECRET'),
          ...(env('IDENTITY_SCOPE') !== undefined ? { scope: required('IDENTITY_SCOPE') } : {}),
        }
      : {
          kind: 'stand-in',
          register: register ?? [],
          clientSecret: randomBytes(32).toString('base64url'),
          cookieKeys: [randomBytes(32).toString('base64url')],
        },
};

// The pepper of stored confirmation codes: a random one in development makes codes issued before
// a restart unusable, which is harmless; production must keep it across restarts and processes.
const pepperText = env('CODE_PEPPER');
const codePepper =
  pepperText !== undefined
    ? Buffer.from(pepperText, 'base64')
    : production
      ? fail('CODE_PEPPER (base64, at least 32 bytes) must be set in production')
      : randomBytes(32);
if (codePepper.length < 32) fail('CODE_PEPPER must decode to at least 32 bytes');
if (register === undefined)
  fail('an external identity provider needs a voter register adapter, which this server does not have yet');

const db = await openDatabase({
  log: (line) => process.stderr.write(`${JSON.stringify({ level: 30, msg: line, event: 'db.notice' })}\n`),
}).catch((e: unknown) => fail(`database: ${e instanceof Error ? e.message : String(e)}`));
await migrate(db.pool).catch(async (e: unknown) => {
  await db.close();
  fail(`migrations: ${e instanceof Error ? e.message : String(e)}`);
});
const election = await storeElection(db.pool, config, clock.now()).catch(async (e: unknown) => {
  await db.close();
  fail(e instanceof Error ? e.message : String(e));
});

const smsUrl = env('SMS_GATEWAY_URL');
let sms: SmsGateway;
if (smsUrl !== undefined) {
  const authorization = env('SMS_GATEWAY_AUTHORIZATION');
  sms = new HttpSmsGateway({ url: smsUrl, ...(authorization !== undefined ? { authorization } : {}) });
} else if (production) {
  await db.close();
  fail('SMS_GATEWAY_URL must be set in production');
} else {
  sms = new DevOutboxSms(db.pool, clock);
}
const operatorToken = env('OPERATOR_TOKEN');

// The secret the regions' issuer keys are sealed under (ISSUER_KEY_SECRET, base64, at least 32
// bytes): production must keep it across restarts and processes. In development a fixed, published
// secret keeps the keys made before a restart usable; it protects nothing.
const issuerSecretText = env('ISSUER_KEY_SECRET');
const issuerKeySecret =
  issuerSecretText !== undefined
    ? Buffer.from(issuerSecretText, 'base64')
    : production
      ? fail('ISSUER_KEY_SECRET (base64, at least 32 bytes) must be set in production')
      : Buffer.from('opendeg development issuer key seal, not a secret!');
if (issuerKeySecret.length < 32) fail('ISSUER_KEY_SECRET must decode to at least 32 bytes');
const issuerKeys = new IssuerKeys({ secret: issuerKeySecret, clock });

// The ballot box's ledger (one per election): its C2SP origin and Ed25519 note key. LEDGER_KEY_SEED
// (base64, 32 bytes) must be kept in production; development derives a fixed, published one. The
// verifier key is logged at start: observers need it to check checkpoints and receipts.
const ledgerOrigin = env('LEDGER_ORIGIN') ?? `opendeg.local/${election.id}`;
const ledgerSeedText = env('LEDGER_KEY_SEED');
const ledgerSeed =
  ledgerSeedText !== undefined
    ? Buffer.from(ledgerSeedText, 'base64')
    : production
      ? fail('LEDGER_KEY_SEED (base64, 32 bytes) must be set in production')
      : createHash('sha256').update(`opendeg development ledger key ${ledgerOrigin}`).digest();
if (ledgerSeed.length !== 32) fail('LEDGER_KEY_SEED must decode to exactly 32 bytes');
const ledgerSigner = ed25519NoteSigner(ledgerOrigin, new Uint8Array(ledgerSeed));
const ledgerPool = createPool(db.url, { max: 4 });
const ledgerOpened = await Ledger.open({
  origin: ledgerOrigin,
  signer: ledgerSigner,
  store: await PostgresLedgerStore.open(ledgerPool, ledgerOrigin),
});
if (!ledgerOpened.ok) {
  await ledgerPool.end();
  await db.close();
  fail(`ledger: ${ledgerOpened.error.message}`);
}
const ledger = ledgerOpened.value;

// The native ristretto255 backend checks ballots several times faster; where the addon was not
// built (no compiler at install), the libsodium backend does the same work.
const native = await import('@opendeg/ristretto-native').then(
  () => true,
  () => false,
);

// Roots members' certificates must chain to (P-7.3, P-7.9): TRUSTED_ROOTS, a PEM file (the
// accredited CA's root, or the commission's training CA). Without it no certificate can be imported
// and nothing of the close can be signed.
const rootsFile = env('TRUSTED_ROOTS');
const trustedRoots = rootsFile !== undefined ? certificatesFromPem(readFileSync(rootsFile, 'utf8')) : [];
const bootstrapOperatorSub = env('BOOTSTRAP_OPERATOR_SUB');

const app = await buildApp({
  clock,
  ...(devClock !== undefined ? { devClock } : {}),
  identity,
  db,
  applications: {
    election,
    voterRegister: standInVoterRegister(register, config),
    sms,
    codePepper,
    ...(operatorToken !== undefined ? { operatorToken } : {}),
  },
  roles: { election, ...(bootstrapOperatorSub !== undefined ? { bootstrapOperatorSub } : {}) },
  voting: { election, sms, codePepper, issuerKeys },
  keys: {
    ledger,
    ballotSource: async () => {
      const source = await currentBallotSource(db.pool, election.id);
      if (source === undefined) throw new Error('no ballot source data loaded yet (P-4.2)');
      return source;
    },
    issuerKeys: (regions) => issuerKeys.issuerPublicKeys(db.pool, election.id, regions),
  },
  ballotBox: {
    log: ledger,
    ...(native ? { backend: 'native' as const, validationPreload: ['@opendeg/ristretto-native'] } : {}),
    validationWorkers: Number(env('VALIDATION_WORKERS') ?? '0'),
  },
  figures: { castCounts: () => castCounts(db.pool, election.id) },
  closing: {
    sources: storedClosingSources(db.pool, election.id),
    trustedRoots,
    writeOnceDir: env('WRITE_ONCE_DIR'),
  },
});
app.log.info(
  {
    event: 'server.start',
    electionId: election.id,
    database: redactUrl(db.url),
    configSha256: election.sha256Hex,
    ledgerVerifierKey: formatVerifierKey(ledgerOrigin, SIG_TYPE_ED25519, ledgerSigner.publicKey),
    verificationBackend: native ? 'native' : 'libsodium',
    scenarioClock: devClock !== undefined,
  },
  'election loaded',
);

// The worker's own pool: graphile-worker keeps a connection for LISTEN and must not starve the API.
const jobsPool = env('JOBS') === 'off' ? undefined : createPool(db.url, { max: 4 });
let jobs: JobWorker | undefined;
if (jobsPool !== undefined) {
  try {
    jobs = await startJobWorker({
      pool: jobsPool,
      election,
      clock,
      log: app.log.child({ component: 'jobs' }),
    });
  } catch (e) {
    await app.close();
    await jobsPool.end();
    await db.close();
    fail(`job worker: ${e instanceof Error ? e.message : String(e)}`);
  }
}

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) {
    app.log.warn({ signal }, 'second signal, exiting now');
    process.exit(1);
  }
  closing = true;
  app.log.info({ signal }, 'shutting down');
  try {
    // The worker finishes its running job first; then the server its last requests.
    await jobs?.stop();
    await jobsPool?.end();
    await app.close();
    await ledger.close();
    await ledgerPool.end();
    // The pool ends after the last request; then the embedded server, if this process started it.
    await db.close();
    process.exit(0);
  } catch (error) {
    app.log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => void shutdown(signal));
}

await app.listen({ port, host });
