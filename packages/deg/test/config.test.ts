// The election configuration: schema and cross-checks (P-1.4, P-5.2, P-6.1, P-7.1), with every
// problem reported by path and code.
import { describe, expect, test } from 'vitest';
import { parseElectionConfig } from '../src/config.ts';
import { presidentialConfigJson } from './fixture.ts';

const fixture = presidentialConfigJson;

function errorsOf(c: unknown): { path: string; code: string }[] {
  const r = parseElectionConfig(c);
  return r.ok ? [] : r.errors.map((e) => ({ path: e.path, code: e.code }));
}

describe('election configuration', () => {
  test('the 2024 presidential configuration (test data) is valid', () => {
    const r = parseElectionConfig(fixture());
    expect(r.ok ? [] : r.errors).toEqual([]);
  });

  test('shape errors carry their JSON path', () => {
    const c = fixture() as unknown as Record<string, unknown>;
    c.extra = 1;
    (c.schedule as Record<string, unknown>).listData = '13.03.2024 18:00';
    const errors = errorsOf(c);
    expect(errors).toContainEqual({ path: '/schedule/listData', code: 'SCHEMA' });
    expect(errors.some((e) => e.code === 'SCHEMA' && e.path === '/')).toBe(true);
  });

  test('P-5.2 a region must belong to a configured key group; every key group has a region', () => {
    const c = fixture();
    const regions = c.regions.map((r) => (r.code === '39' ? { ...r, keyGroup: 'nowhere' } : r));
    expect(errorsOf({ ...c, regions })).toEqual(
      expect.arrayContaining([
        { path: '/regions/1/keyGroup', code: 'REFERENCE' },
        { path: '/keyGroups/1', code: 'REFERENCE' },
      ]),
    );
  });

  test('unknown time zones and impossible dates are refused', () => {
    const c = fixture();
    const regions = c.regions.map((r) => (r.code === '41' ? { ...r, timeZone: 'Asia/Atlantis' } : r));
    expect(errorsOf({ ...c, regions })).toContainEqual({ path: '/regions/2/timeZone', code: 'TIME' });
    expect(errorsOf({ ...c, schedule: { ...c.schedule, listData: '2024-02-30T18:00' } })).toContainEqual({
      path: '/schedule/listData',
      code: 'TIME',
    });
  });

  test('P-7.1 a key group cannot close before its regions stop voting (Kaliningrad votes until 21:00 MSK)', () => {
    const c = fixture();
    const keyGroups = c.keyGroups.map((k) =>
      k.id === 'kaliningrad' ? { ...k, closingNotBefore: '20:15' } : k,
    );
    expect(errorsOf({ ...c, keyGroups })).toEqual([{ path: '/keyGroups/1/closingNotBefore', code: 'ORDER' }]);
  });

  test('P-5.2 keys must exist before the first region (Kamchatka) opens', () => {
    const c = fixture();
    // 2024-03-15 08:00 in Kamchatka is 2024-03-14 23:00 in Moscow: a ceremony at 23:30 MSK is too late.
    expect(errorsOf({ ...c, schedule: { ...c.schedule, keyCeremony: '2024-03-14T23:30' } })).toContainEqual({
      path: '/schedule/voting/firstDay (earliest region)',
      code: 'ORDER',
    });
  });

  test('deadlines in the wrong order are refused', () => {
    const c = fixture();
    const s = c.schedule;
    expect(
      errorsOf({ ...c, schedule: { ...s, applications: { ...s.applications, closes: '2024-01-01T00:00' } } }),
    ).toContainEqual({ path: '/schedule/applications/closes', code: 'ORDER' });
    expect(errorsOf({ ...c, schedule: { ...s, voting: { ...s.voting, opens: '21:00' } } })).toContainEqual({
      path: '/schedule/voting/closes',
      code: 'ORDER',
    });
  });

  test('P-1.4 the commission has 12 voting members and one chairman', () => {
    const c = fixture();
    expect(errorsOf({ ...c, commission: { members: c.commission.members.slice(0, 11) } })).toContainEqual({
      path: '/commission/members',
      code: 'COMMISSION',
    });
    const twoChairs = c.commission.members.map((m, i) => (i === 1 ? { ...m, role: 'chairman' as const } : m));
    expect(errorsOf({ ...c, commission: { members: twoChairs } })).toContainEqual({
      path: '/commission/members',
      code: 'COMMISSION',
    });
    // A training run may use a smaller commission.
    const training = {
      ...c,
      kind: 'training' as const,
      commission: { members: c.commission.members.slice(0, 3) },
    };
    expect(errorsOf(training)).toEqual([]);
  });

  test('Russian comes first among a region’s ballot languages (P-4.1)', () => {
    const c = fixture();
    const regions = c.regions.map((r) => (r.code === '16' ? { ...r, languages: ['tt', 'ru'] } : r));
    expect(errorsOf({ ...c, regions })).toContainEqual({ path: '/regions/0/languages', code: 'REFERENCE' });
  });
});
