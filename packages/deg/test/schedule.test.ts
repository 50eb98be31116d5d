// The Procedure's calendar in each region's own time zone (P-2.2, P-2.5, P-3.6, P-6.1, P-7.1, P-10.9).
import { describe, expect, test } from 'vitest';
import { presidentialConfig } from './fixture.ts';
import { ManualClock, ScenarioClock } from '../src/clock.ts';
import {
  canFile,
  canWithdraw,
  closingNotBefore,
  isVotingOpen,
  portalObserverWindow,
  precinctRegistersDue,
  votingWindow,
} from '../src/schedule.ts';
import { formatLocalRu, localToInstant } from '../src/zoned-time.ts';

const c = presidentialConfig();
const at = (iso: string): Date => new Date(iso);

describe('the Procedure’s calendar', () => {
  test('P-6.1 each region votes from 08:00 to 20:00 in its own time: Kamchatka opens long before Kaliningrad', () => {
    expect(votingWindow(c, '41').opens.toISOString()).toBe('2024-03-14T20:00:00.000Z'); // UTC+12
    expect(votingWindow(c, '77').opens.toISOString()).toBe('2024-03-15T05:00:00.000Z'); // UTC+3
    expect(votingWindow(c, '39').opens.toISOString()).toBe('2024-03-15T06:00:00.000Z'); // UTC+2
    expect(votingWindow(c, '39').closes.toISOString()).toBe('2024-03-17T18:00:00.000Z');
    const moment = at('2024-03-15T04:00:00Z'); // 07:00 in Moscow, 16:00 in Kamchatka
    expect(isVotingOpen(c, '41', moment)).toBe(true);
    expect(isVotingOpen(c, '77', moment)).toBe(false);
    // The window is half-open: at 20:00 local on the last day it is closed.
    expect(isVotingOpen(c, '39', at('2024-03-17T17:59:59Z'))).toBe(true);
    expect(isVotingOpen(c, '39', at('2024-03-17T18:00:00Z'))).toBe(false);
  });

  test('P-2.2 P-2.5 filing and withdrawal close at 24:00 Moscow time on the last day', () => {
    expect(canFile(c, at('2024-01-28T20:59:59Z'))).toBe(false); // 23:59:59 MSK on the 28th
    expect(canFile(c, at('2024-01-28T21:00:00Z'))).toBe(true); // 00:00 MSK on the 29th
    expect(canFile(c, at('2024-03-11T20:59:59Z'))).toBe(true);
    expect(canFile(c, at('2024-03-11T21:00:00Z'))).toBe(false); // 24:00 MSK on the 11th
    expect(canWithdraw(c, at('2024-03-11T20:59:59Z'))).toBe(true);
    expect(canWithdraw(c, at('2024-03-11T21:00:00Z'))).toBe(false);
  });

  test('P-7.1 lists are worked on from 20:15 MSK, Kaliningrad’s key group from 21:15 MSK', () => {
    expect(closingNotBefore(c, 'main').toISOString()).toBe('2024-03-17T17:15:00.000Z');
    expect(closingNotBefore(c, 'kaliningrad').toISOString()).toBe('2024-03-17T18:15:00.000Z');
  });

  test('P-3.6 precinct registers are due at 10:00 local time of each region', () => {
    expect(precinctRegistersDue(c, '54').toISOString()).toBe('2024-03-14T03:00:00.000Z'); // UTC+7
    expect(precinctRegistersDue(c, '39').toISOString()).toBe('2024-03-14T08:00:00.000Z');
  });

  test('P-10.9 portal observers are appointed from the first to the last day inclusive', () => {
    const w = portalObserverWindow(c);
    expect(w.opens.toISOString()).toBe('2024-03-03T21:00:00.000Z');
    expect(w.closes.toISOString()).toBe('2024-03-11T21:00:00.000Z');
  });

  test('dates are shown in the region’s own zone, the Russian way', () => {
    const opens = votingWindow(c, '41').opens;
    expect(formatLocalRu(opens, 'Asia/Kamchatka')).toBe('15.03.2024 08:00 (МСК+9)');
    expect(formatLocalRu(opens, 'Europe/Moscow')).toBe('14.03.2024 23:00 (МСК)');
    expect(formatLocalRu(opens, 'Europe/Kaliningrad')).toBe('14.03.2024 22:00 (МСК−1)');
  });

  test('24:00 is the end of the day; impossible local times are refused', () => {
    expect(localToInstant('2024-03-11T24:00', 'Europe/Moscow').toISOString()).toBe(
      '2024-03-11T21:00:00.000Z',
    );
    expect(() => localToInstant('2024-03-11T24:01', 'Europe/Moscow')).toThrow(/not a local time/);
    expect(() => localToInstant('2023-02-29T10:00', 'Europe/Moscow')).toThrow(/not a local time/);
  });

  test('a training run replays the schedule on a compressed clock', () => {
    const real = new ManualClock('2026-11-21T09:00:00Z');
    const clock = new ScenarioClock({ start: votingWindow(c, '41').opens, speed: 60, real });
    expect(isVotingOpen(c, '41', clock.now())).toBe(true);
    expect(isVotingOpen(c, '77', clock.now())).toBe(false);
    real.advance(9 * 60_000); // nine real minutes are nine scenario hours: Moscow opens
    expect(isVotingOpen(c, '77', clock.now())).toBe(true);
  });
});
