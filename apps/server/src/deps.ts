// What buildApp needs from the outside world: time, log destination, identity configuration,
// dependency health checks, the database pool, what the applications slice needs (the loaded
// election, the voter register, the SMS gateway and the code pepper) and the election whose role
// assignments decide who may call what.
// Everything here is injected so tests and training runs control it (DESIGN: "an injected clock").
import type pg from 'pg';
import type { ApplicationsDeps, LoadedElection } from './applications/deps.ts';
import type { IdentityDeps } from './identity/config.ts';

/** The one source of time: training runs and tests compress or move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

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
   * (P-10.9). Default with the identity stand-in: its register; with an external provider nothing
   * is known unless this is given, and every portal appointment is refused as unconfirmed.
   */
  accounts?: AccountDirectory;
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
