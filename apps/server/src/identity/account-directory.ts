// Which accounts of the identity provider are confirmed (ESIA «подтверждённая учётная запись»), for
// appointing portal observers (P-10.9), which needs a confirmed account. Two implementations of
// deps.ts AccountDirectory:
//   - the stand-in's register (standInAccountDirectory): every generated account is known;
//   - an external OIDC provider (LoginAccountDirectory): the provider says whether an account is
//     confirmed in its `trusted` claim (ID token or userinfo; OIDC_CLAIMS.deg in claims.ts) when the
//     account logs in, and nowhere else, so each login records the claim (identity_account_
//     confirmations, migration 009; the last login wins) and the directory reads that record. An
//     account that never logged in is unknown (undefined), which the observer rules count as not
//     confirmed: the observer logs in once, then the operator appoints them.
// Only the account id, the flag and the time are kept: nothing else of the person.
import type pg from 'pg';
import type { AccountDirectory, Clock } from '../deps.ts';
import type { AccountClaims } from './claims.ts';
import type { ExternalProvider, StandInProvider } from './config.ts';

/** Confirmed accounts as the identity stand-in's generated register says. */
export function standInAccountDirectory(provider: StandInProvider): AccountDirectory {
  const confirmed = new Map(provider.register.map((a) => [a.id, a.accountConfirmed] as const));
  return { confirmed: (subject) => Promise.resolve(confirmed.get(subject)) };
}

/** Confirmation as an external provider's `trusted` claim said at the account's last login. */
export class LoginAccountDirectory implements AccountDirectory {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;

  constructor(pool: pg.Pool, clock: Clock) {
    this.#pool = pool;
    this.#clock = clock;
  }

  /** Called by the login callback (identity/client.ts `onLogin`) with the account it read. */
  async record(account: AccountClaims): Promise<void> {
    await this.#pool.query(
      `INSERT INTO identity_account_confirmations (subject, account_confirmed, seen_at) VALUES ($1, $2, $3)
       ON CONFLICT (subject) DO UPDATE SET account_confirmed = EXCLUDED.account_confirmed, seen_at = EXCLUDED.seen_at`,
      [account.subject, account.accountConfirmed, this.#clock.now()],
    );
  }

  async confirmed(subject: string): Promise<boolean | undefined> {
    const r = await this.#pool.query<{ account_confirmed: boolean }>(
      'SELECT account_confirmed FROM identity_account_confirmations WHERE subject = $1',
      [subject],
    );
    return r.rows[0]?.account_confirmed;
  }
}

export interface AccountDirectoryChoice {
  accounts: AccountDirectory;
  /** What the login callback calls with each account, when the directory learns from logins. */
  onLogin?: (account: AccountClaims) => Promise<void>;
}

/**
 * The directory buildApp uses: the one deps give; else the stand-in's register; else, with an
 * external provider and the database, what its logins said; else (no database) one that knows
 * nobody, so every portal appointment is refused as unconfirmed.
 */
export function chooseAccountDirectory(
  provider: ExternalProvider | StandInProvider,
  options: { given?: AccountDirectory | undefined; pool?: pg.Pool | undefined; clock: Clock },
): AccountDirectoryChoice {
  if (options.given !== undefined) return { accounts: options.given };
  if (provider.kind === 'stand-in') return { accounts: standInAccountDirectory(provider) };
  if (options.pool === undefined) return { accounts: { confirmed: () => Promise.resolve(undefined) } };
  const directory = new LoginAccountDirectory(options.pool, options.clock);
  return { accounts: directory, onLogin: (account) => directory.record(account) };
}
