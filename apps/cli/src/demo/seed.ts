// The seeded training run of `npm start` (= `opendeg start`): a few hundred fictional participants
// who filed their applications through the API (login through the identity stand-in, the SMS code
// from the training outbox), processed by the operator (P-2.6), put on the lists by the data
// centre's step (the stores `opendeg bundle load` uses, P-3.1–P-3.3) with the ballot's source data,
// the commission's roles, key ceremonies and the manifest — so that the printed demo logins can log
// in, find themselves on a list and, once the scenario clock is moved to voting, vote. The key part
// files and their passphrases go to a directory for the trainee's close.
import fs from 'node:fs';
import path from 'node:path';
import type { BallotSource, ElectionConfig } from '@opendeg/deg';
import type { RegisterAccount } from '@opendeg/server';
import type pg from 'pg';
import { Commission, loadListsAndBallot } from './commission.ts';
import { pool as inFlight } from './http.ts';
import { apply, eligibleAccounts, type DemoVoter } from './voters.ts';

export interface SeedPlan {
  readonly operator: RegisterAccount;
  /** The commission's accounts, one per seat of the configuration, in its order. */
  readonly members: RegisterAccount[];
  readonly voters: DemoVoter[];
}

/** Who is who, from the generated register alone: the same register gives the same plan. */
export function seedPlan(
  register: readonly RegisterAccount[],
  config: ElectionConfig,
  voters: number,
): SeedPlan {
  const [operator, ...rest] = register;
  if (operator === undefined) throw new Error('empty register');
  const eligible = eligibleAccounts(rest, config).slice(0, voters);
  const chosen = new Set(eligible);
  const members = rest
    .filter((a) => a.accountConfirmed && !chosen.has(a))
    .slice(0, config.commission.members.length);
  return {
    operator,
    members,
    voters: eligible.map((account) => ({ account, region: account.address.regionCode })),
  };
}

export interface SeedOptions {
  readonly baseUrl: string;
  readonly pool: pg.Pool;
  readonly config: ElectionConfig;
  readonly ballot: BallotSource;
  readonly plan: SeedPlan;
  readonly now: () => Date;
  /** Where the key part files and their passphrases are written. */
  readonly keyDir: string;
  /**
   * Applications in flight (default 4): the server's SMS outbox takes a second pool connection
   * inside the request's transaction, so more requests than half its pool (10) can starve it.
   */
  readonly concurrency?: number;
  readonly onApplied?: (done: number) => void;
}

export interface SeedReport {
  readonly accepted: number;
  readonly lists: ReadonlyMap<string, number>;
}

/** Whether this database was seeded already (a restart of `npm start` keeps ./data). */
export async function isSeeded(pool: pg.Pool): Promise<boolean> {
  const r = await pool.query<{ n: string }>('SELECT count(*) AS n FROM applications');
  return Number(r.rows[0]?.n ?? '0') > 0;
}

export async function seedTraining(o: SeedOptions): Promise<SeedReport> {
  const commission = new Commission({
    baseUrl: o.baseUrl,
    config: o.config,
    operator: o.plan.operator,
    members: o.plan.members,
    now: o.now,
  });
  await commission.assignRoles(new Map(), { certificates: false });
  await inFlight(o.plan.voters, o.concurrency ?? 4, (v) => apply(o.baseUrl, v), o.onApplied);
  const report = await commission.processApplications();
  const lists = await loadListsAndBallot(o.pool, o.config, o.ballot, o.plan.voters, o.now());
  await commission.keyCeremonies();
  await commission.fixManifest();
  fs.mkdirSync(o.keyDir, { recursive: true });
  const lines = ['# Части ключа демонстрационной тренировки / key parts of the demo training run', ''];
  for (const f of commission.keyFiles) {
    const name = `${f.keyGroup}-${f.holder}.key`;
    fs.writeFileSync(path.join(o.keyDir, name), f.content);
    lines.push(`${name}\t${f.passphrase}`);
  }
  fs.writeFileSync(path.join(o.keyDir, 'passphrases.txt'), `${lines.join('\n')}\n`);
  return { accepted: report.accepted, lists };
}
