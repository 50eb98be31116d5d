// What the public figures (P-10.2, P-10.8) need from outside the identity side: the ballot box's
// ballots cast per region, and how often the live stream looks for changes.
import type { CastCounts } from './figures.ts';

export interface FiguresDeps {
  /** The ballot box's counts; without it the figures show no ballots cast. */
  castCounts?: CastCounts;
  /** How often the stream reads the change key while someone listens; default 1000 ms. */
  pollMs?: number;
  /** A new snapshot at least this often, changed or not; default 5000 ms. */
  refreshMs?: number;
  /** The step of the figures history (turnout over time) in ms of the clock; default 15 minutes. */
  historyStepMs?: number;
  /** How often (real ms) the history checks for a step without its point; 0: only on reads. Default 2000. */
  historyTickMs?: number;
}
