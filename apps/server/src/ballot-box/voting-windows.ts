// P-6.1: each region's voting window, from 8:00 of the first day to 20:00 of the last in the
// region's own time zone, as the ballot box checks it (packages/deg votingWindow).
import { votingWindow, type ElectionConfig, type Window } from '@opendeg/deg';

export function votingWindows(config: ElectionConfig): ReadonlyMap<string, Window> {
  return new Map(config.regions.map((r) => [r.code, votingWindow(config, r.code)]));
}
