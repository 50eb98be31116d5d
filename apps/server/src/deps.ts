// What buildApp needs from the outside world: time, log destination, identity configuration,
// dependency health checks (and, once packages/db lands, the database pool).
// Everything here is injected so tests and training runs control it (DESIGN: "an injected clock").
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
  /** Named probes shown in /health `checks` (e.g. `db` once the pool is injected). */
  healthChecks?: Readonly<Record<string, HealthCheck>>;
}
