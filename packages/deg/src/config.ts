/**
 * The election configuration: everything the Procedure leaves to the election — regions with their
 * IANA time zones, key groups, languages and precincts; every date and deadline; the commission.
 * No date, region or count is in code: the same code runs the 2024 presidential election, a regional
 * referendum or a training run.
 *
 * Validated twice: a JSON Schema (TypeBox, shared with the HTTP API) for shape, then the rules that
 * tie parts together (references, order of deadlines, P-7.1 closing after voting ends, P-1.4 …).
 * Deadlines "по московскому времени" are local times in `schedule.referenceTimeZone`; the voting
 * window and precinct registers are in each region's own zone (P-6.1, P-3.6).
 */

import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Value } from 'typebox/value';
import { isLocalTime, isTimeZone, localToInstant } from './zoned-time.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const LocalTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$',
  description: 'YYYY-MM-DDTHH:mm',
});
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const HourMinute = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });
const Text = Type.Object(
  { ru: Type.String({ minLength: 1 }), en: Type.Optional(Type.String({ minLength: 1 })) },
  { additionalProperties: false },
);

export const PrecinctSchema = Type.Object(
  {
    /** Precinct (УИК) number, unique in the region. */
    number: Type.String({ pattern: '^[0-9]{1,5}$' }),
    /** Address prefixes inside the precinct's boundaries (P-2.6 address check). */
    addresses: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const RegionSchema = Type.Object(
  {
    code: Id,
    name: Text,
    timeZone: Type.String({ minLength: 1 }),
    keyGroup: Id,
    /** Ballot languages: Russian first, then state languages of the republic where decided (P-4.1). */
    languages: Type.Array(Type.String({ pattern: '^[a-z]{2,3}$' }), { minItems: 1 }),
    /** `moscow`: the city's own regional system (P-11); `standard`: the federal platform. */
    mode: Type.Union([Type.Literal('standard'), Type.Literal('moscow')]),
    precincts: Type.Array(PrecinctSchema),
  },
  { additionalProperties: false },
);

export const KeyGroupSchema = Type.Object(
  {
    id: Id,
    /** Lists of this group's regions are worked on not earlier than this time (reference zone) on the last day (P-7.1). */
    closingNotBefore: HourMinute,
  },
  { additionalProperties: false },
);

export const ScheduleSchema = Type.Object(
  {
    /** Zone of deadlines stated "по московскому времени". */
    referenceTimeZone: Type.String({ minLength: 1 }),
    /** P-2.2 filing window and P-2.5 withdrawal deadline (reference zone). */
    applications: Type.Object(
      { opens: LocalTime, closes: LocalTime, withdrawUntil: LocalTime },
      { additionalProperties: false },
    ),
    /** P-3.1 list data signed and written (reference zone). */
    listData: LocalTime,
    /** P-3.2 list data loaded by the commission (reference zone). */
    listLoad: LocalTime,
    /** P-3.6 precinct exclusion registers — in each region's own time. */
    precinctRegisters: LocalTime,
    /** P-3.7 premises for remote voting published. */
    premisesPublished: Day,
    /** P-5.2 key sets generated (reference zone). */
    keyCeremony: LocalTime,
    /** P-6.1 voting from `opens` on the first day to `closes` on the last day, each region in its own time. */
    voting: Type.Object(
      { firstDay: Day, lastDay: Day, opens: HourMinute, closes: HourMinute },
      { additionalProperties: false },
    ),
    /** P-10.5 commission observers list, P-10.9 portal observers appointment window. */
    observers: Type.Object(
      { commissionListUntil: Day, portalFrom: Day, portalUntil: Day },
      { additionalProperties: false },
    ),
    /** P-10.2 address of the public figures page published (reference zone). */
    publicPage: LocalTime,
    /** P-2.6 the daily processing of the applications, at this time every day (reference zone); default 01:00. */
    processingTime: Type.Optional(HourMinute),
  },
  { additionalProperties: false },
);

export const CommissionMemberSchema = Type.Object(
  {
    id: Id,
    fullName: Type.String({ minLength: 1 }),
    role: Type.Union([
      Type.Literal('chairman'),
      Type.Literal('deputy'),
      Type.Literal('secretary'),
      Type.Literal('member'),
    ]),
  },
  { additionalProperties: false },
);

export const ElectionConfigSchema = Type.Object(
  {
    format: Type.Literal('opendeg-config/1'),
    electionId: Id,
    kind: Type.Union([Type.Literal('election'), Type.Literal('training')]),
    title: Text,
    suite: Type.Union([
      Type.Literal('ristretto255'),
      Type.Literal('gost256b'),
      Type.Literal('belenios-2048'),
    ]),
    schedule: ScheduleSchema,
    keyGroups: Type.Array(KeyGroupSchema, { minItems: 1 }),
    regions: Type.Array(RegionSchema, { minItems: 1 }),
    commission: Type.Object({ members: Type.Array(CommissionMemberSchema) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export type ElectionConfig = Static<typeof ElectionConfigSchema>;
export type RegionConfig = Static<typeof RegionSchema>;

export interface ConfigError {
  /** JSON pointer of the offending value. */
  readonly path: string;
  readonly code: 'SCHEMA' | 'REFERENCE' | 'TIME' | 'ORDER' | 'COMMISSION' | 'DUPLICATE';
  readonly message: string;
}

export type ConfigResult = { ok: true; config: ElectionConfig } | { ok: false; errors: ConfigError[] };

/** P-2.6: when the daily processing runs unless `schedule.processingTime` says otherwise (reference zone). */
export const DEFAULT_PROCESSING_TIME = '01:00';

/** P-1.4: the commission has 12 voting members. Training runs may use fewer. */
export const COMMISSION_SIZE = 12;

/** Validates a configuration file's content; every problem is listed, each with its path. */
export function parseElectionConfig(json: unknown): ConfigResult {
  if (!Value.Check(ElectionConfigSchema, json)) {
    return {
      ok: false,
      errors: [...Value.Errors(ElectionConfigSchema, json)].slice(0, 50).map((e) => ({
        path: e.instancePath === '' ? '/' : e.instancePath,
        code: 'SCHEMA',
        message: e.message,
      })),
    };
  }
  const c = json;
  const errors: ConfigError[] = [];
  const err = (path: string, code: ConfigError['code'], message: string): void => {
    errors.push({ path, code, message });
  };
  const s = c.schedule;

  const unique = (ids: readonly string[], path: string): void => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) err(`${path}/${i}`, 'DUPLICATE', `"${id}" appears twice`);
      seen.add(id);
    });
  };
  unique(
    c.keyGroups.map((k) => k.id),
    '/keyGroups',
  );
  unique(
    c.regions.map((r) => r.code),
    '/regions',
  );
  unique(
    c.commission.members.map((m) => m.id),
    '/commission/members',
  );

  if (!isTimeZone(s.referenceTimeZone))
    err('/schedule/referenceTimeZone', 'TIME', `unknown time zone "${s.referenceTimeZone}"`);
  c.regions.forEach((r, i) => {
    if (!isTimeZone(r.timeZone)) err(`/regions/${i}/timeZone`, 'TIME', `unknown time zone "${r.timeZone}"`);
    if (!c.keyGroups.some((k) => k.id === r.keyGroup))
      err(`/regions/${i}/keyGroup`, 'REFERENCE', `no key group "${r.keyGroup}"`);
    if (r.languages[0] !== 'ru') err(`/regions/${i}/languages`, 'REFERENCE', 'Russian comes first');
    unique(
      r.precincts.map((p) => p.number),
      `/regions/${i}/precincts`,
    );
  });
  c.keyGroups.forEach((k, i) => {
    if (!c.regions.some((r) => r.keyGroup === k.id))
      err(`/keyGroups/${i}`, 'REFERENCE', `key group "${k.id}" has no region`);
  });

  // Every local time must exist on the calendar before anything is compared.
  const times: [string, string][] = [
    ['/schedule/applications/opens', s.applications.opens],
    ['/schedule/applications/closes', s.applications.closes],
    ['/schedule/applications/withdrawUntil', s.applications.withdrawUntil],
    ['/schedule/listData', s.listData],
    ['/schedule/listLoad', s.listLoad],
    ['/schedule/precinctRegisters', s.precinctRegisters],
    ['/schedule/keyCeremony', s.keyCeremony],
    ['/schedule/publicPage', s.publicPage],
    ['/schedule/voting/firstDay', `${s.voting.firstDay}T00:00`],
    ['/schedule/voting/lastDay', `${s.voting.lastDay}T00:00`],
    ['/schedule/premisesPublished', `${s.premisesPublished}T00:00`],
    ['/schedule/observers/commissionListUntil', `${s.observers.commissionListUntil}T00:00`],
    ['/schedule/observers/portalFrom', `${s.observers.portalFrom}T00:00`],
    ['/schedule/observers/portalUntil', `${s.observers.portalUntil}T00:00`],
  ];
  for (const [path, t] of times) if (!isLocalTime(t)) err(path, 'TIME', `"${t}" is not a date and time`);
  if (errors.length > 0) return { ok: false, errors };

  const ref = (t: string): number => localToInstant(t, s.referenceTimeZone).getTime();
  const before = (a: [string, number], b: [string, number], strict = true): void => {
    if (strict ? !(a[1] < b[1]) : !(a[1] <= b[1])) err(b[0], 'ORDER', `must come after ${a[0]}`);
  };
  before(
    ['/schedule/applications/opens', ref(s.applications.opens)],
    ['/schedule/applications/closes', ref(s.applications.closes)],
  );
  before(
    ['/schedule/applications/opens', ref(s.applications.opens)],
    ['/schedule/applications/withdrawUntil', ref(s.applications.withdrawUntil)],
  );
  before(
    ['/schedule/applications/closes', ref(s.applications.closes)],
    ['/schedule/listData', ref(s.listData)],
  );
  before(['/schedule/listData', ref(s.listData)], ['/schedule/listLoad', ref(s.listLoad)], false);
  if (s.voting.firstDay > s.voting.lastDay)
    err('/schedule/voting/lastDay', 'ORDER', 'must not precede the first day');
  if (s.voting.opens >= s.voting.closes)
    err('/schedule/voting/closes', 'ORDER', 'must come after the opening hour');
  if (s.observers.portalFrom > s.observers.portalUntil)
    err('/schedule/observers/portalUntil', 'ORDER', 'must not precede portalFrom');

  // Voting must not start anywhere before the keys exist and the lists are loaded.
  const earliestOpening = Math.min(
    ...c.regions.map((r) => localToInstant(`${s.voting.firstDay}T${s.voting.opens}`, r.timeZone).getTime()),
  );
  before(
    ['/schedule/keyCeremony', ref(s.keyCeremony)],
    ['/schedule/voting/firstDay (earliest region)', earliestOpening],
  );
  before(
    ['/schedule/listLoad', ref(s.listLoad)],
    ['/schedule/voting/firstDay (earliest region)', earliestOpening],
  );

  // P-7.1: a key group's lists are worked on only after every one of its regions has closed.
  c.keyGroups.forEach((k, i) => {
    const closing = ref(`${s.voting.lastDay}T${k.closingNotBefore}`);
    for (const r of c.regions.filter((x) => x.keyGroup === k.id)) {
      const closes = localToInstant(`${s.voting.lastDay}T${s.voting.closes}`, r.timeZone).getTime();
      if (closing < closes) {
        err(
          `/keyGroups/${i}/closingNotBefore`,
          'ORDER',
          `region ${r.code} still votes until ${s.voting.closes} local time`,
        );
      }
    }
  });

  // P-1.4: 12 voting members; one chairman; at most one deputy and one secretary.
  const members = c.commission.members;
  const count = (role: string): number => members.filter((m) => m.role === role).length;
  if (c.kind === 'election' && members.length !== COMMISSION_SIZE) {
    err(
      '/commission/members',
      'COMMISSION',
      `the commission has ${COMMISSION_SIZE} voting members, not ${members.length}`,
    );
  }
  if (members.length > COMMISSION_SIZE)
    err('/commission/members', 'COMMISSION', `at most ${COMMISSION_SIZE} members`);
  if (count('chairman') !== 1) err('/commission/members', 'COMMISSION', 'exactly one chairman (appointed)');
  if (count('deputy') > 1) err('/commission/members', 'COMMISSION', 'at most one deputy chairman');
  if (count('secretary') > 1) err('/commission/members', 'COMMISSION', 'at most one secretary');

  return errors.length === 0 ? { ok: true, config: c } : { ok: false, errors };
}
