/**
 * The Procedure's calendar as functions of the configuration and a moment: what is open now, and
 * when each region's window begins and ends in its own time zone.
 */

import type { ElectionConfig, RegionConfig } from './config.ts';
import { localToInstant } from './zoned-time.ts';

export interface Window {
  readonly opens: Date;
  readonly closes: Date;
}

const within = (w: Window, now: Date): boolean =>
  now.getTime() >= w.opens.getTime() && now.getTime() < w.closes.getTime();

function ref(c: ElectionConfig, local: string): Date {
  return localToInstant(local, c.schedule.referenceTimeZone);
}

export function region(c: ElectionConfig, code: string): RegionConfig {
  const r = c.regions.find((x) => x.code === code);
  if (r === undefined) throw new RangeError(`no region "${code}"`);
  return r;
}

/** P-2.2: applications are filed in this window (reference time: Moscow). */
export function filingWindow(c: ElectionConfig): Window {
  return { opens: ref(c, c.schedule.applications.opens), closes: ref(c, c.schedule.applications.closes) };
}

export const canFile = (c: ElectionConfig, now: Date): boolean => within(filingWindow(c), now);

/** P-2.5: an application may be withdrawn until this moment. */
export function canWithdraw(c: ElectionConfig, now: Date): boolean {
  return within(
    { opens: ref(c, c.schedule.applications.opens), closes: ref(c, c.schedule.applications.withdrawUntil) },
    now,
  );
}

/** P-6.1: from `opens` local time on the first day to `closes` local time on the last, in the region's zone. */
export function votingWindow(c: ElectionConfig, code: string): Window {
  const r = region(c, code);
  const v = c.schedule.voting;
  return {
    opens: localToInstant(`${v.firstDay}T${v.opens}`, r.timeZone),
    closes: localToInstant(`${v.lastDay}T${v.closes}`, r.timeZone),
  };
}

export const isVotingOpen = (c: ElectionConfig, code: string, now: Date): boolean =>
  within(votingWindow(c, code), now);

/** P-7.1: the key group's final lists are worked on not before this moment. */
export function closingNotBefore(c: ElectionConfig, keyGroup: string): Date {
  const k = c.keyGroups.find((x) => x.id === keyGroup);
  if (k === undefined) throw new RangeError(`no key group "${keyGroup}"`);
  return ref(c, `${c.schedule.voting.lastDay}T${k.closingNotBefore}`);
}

/** P-3.6: precinct exclusion registers are due at this local time of the region. */
export function precinctRegistersDue(c: ElectionConfig, code: string): Date {
  return localToInstant(c.schedule.precinctRegisters, region(c, code).timeZone);
}

/** P-10.9: portal observers may be appointed from the first to the last day inclusive (reference zone). */
export function portalObserverWindow(c: ElectionConfig): Window {
  const o = c.schedule.observers;
  return { opens: ref(c, `${o.portalFrom}T00:00`), closes: ref(c, `${o.portalUntil}T24:00`) };
}
