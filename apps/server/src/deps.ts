// What buildApp needs from the outside world: time, log destination, identity configuration,
// dependency health checks, the database pool, what the applications slice needs (the loaded
// election, the voter register, the SMS gateway and the code pepper) and the election whose role
// assignments decide who may call what.
// Everything here is injected so tests and training runs control it (DESIGN: "an injected clock").
import type pg from 'pg';
import type { ApplicationsDeps, LoadedElection } from './applications/deps.ts';
import type { IdentityDeps } from './identity/config.ts';
import type { VotingDeps } from './voting/deps.ts';
import type { FiguresDeps } from './figures/deps.ts';
import type { CertificateInput, Clock, ScenarioClock } from '@opendeg/deg';
import type { KeysDeps } from './keys/deps.ts';
import type { ClosingDeps } from './closing/closing-deps.ts';
import type { BallotBoxAppDeps } from './ballot-box/deps.ts';

/** The one source of time (deg's `Clock`): training runs and tests compress or move it. */
export { systemClock, type Clock } from '@opendeg/deg';

/** Where log lines go; each line is one JSON object (pino). */
export interface LogDestination {
  write(line: string): void;
}

export interface LoggerDeps {
  /** pino level; default 'info'. 'silent' turns logging off. */
  level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Default: standard output. Tests pass a stream to read what was logged. */
  destination?: LogDestination;
}

/** A dependency probe for /health: resolves when the dependency works, throws when it does not. */
export type HealthCheck = () => Promise<void>;

export interface AppDeps {
  clock: Clock;
  logger?: LoggerDeps;
  identity: IdentityDeps;
  /** Named probes shown in /health `checks`, beside `identity` and `db`. */
  healthChecks?: Readonly<Record<string, HealthCheck>>;
  /** The database (packages/db openDatabase, migrated). Without it no route that stores anything exists. */
  db?: { pool: pg.Pool };
  /** Applications to vote remotely (P-2); needs `db`. */
  applications?: ApplicationsDeps;
  /**
   * Role assignments (migration 004) in the election the server runs; needs `db`. Without it every
   * account is a voter and nothing more, and the role administration routes do not exist.
   */
  roles?: RolesDeps;
  /**
   * Whether an account of the identity provider is confirmed, for appointing portal observers
   * (P-10.9). Default with the identity stand-in: its register; with an external provider and the
   * database: the provider's `trusted` claim as each account's last login said it
   * (identity/account-directory.ts); without the database nothing is known, and every portal
   * appointment is refused as unconfirmed.
   */
  accounts?: AccountDirectory;
  /** The identity side of voting (P-6.3–P-6.9): ballot access and blind signatures; needs `db`. */
  voting?: VotingDeps;
  /** What the public figures (P-10.2, P-10.8) take from elsewhere: the ballot box's counts. */
  figures?: FiguresDeps;
  /**
   * The scenario clock of a training run (dev/scenario-clock.ts), movable through /dev/clock; the same
   * object should be `clock`. Refused for an election that is not a training run, and never served in
   * production.
   */
  devClock?: ScenarioClock;
  /**
   * The key ceremony (P-5.2–P-5.6) and the election manifest: the ledger they are entered into, the
   * ballot's source data and the issuers' public keys; needs `db` and the election (`roles`).
   */
  keys?: KeysDeps;
  /**
   * The ballot box (P-6.10) in this process: the log it sequences (its own note key); needs `db`, the
   * election and `keys` (its manifest). It may instead run alone (ballot-box/app.ts).
   */
  ballotBox?: BallotBoxAppDeps;
  /**
   * The close of voting (P-7–P-9): where the manifest, the closed tallies, the cast counts and the
   * ballot come from, and the roots of members' certificates; needs `db` and the election.
   */
  closing?: ClosingDeps;
  /**
   * The list and ballot data bundle at the workstation (P-3.2): the roots the data centre's
   * certificate must chain to (the CLI's `--root`). Default: `closing.trustedRoots`; with neither,
   * the bundle routes answer BUNDLE_ROOT_NOT_CONFIGURED.
   */
  bundles?: { trustedRoots: readonly CertificateInput[] };
}

/**
 * Contract: `confirmed` resolves to true for a confirmed account (ESIA «подтверждённая учётная
 * запись»), false for one that is not, undefined for an account it does not know.
 */
export interface AccountDirectory {
  confirmed(subject: string): Promise<boolean | undefined>;
}

export interface RolesDeps {
  election: LoadedElection;
  /** OIDC sub of the first operator, assigned 'operator' at start (BOOTSTRAP_OPERATOR_SUB). */
  bootstrapOperatorSub?: string;
}
