/**
 * What an observer node reports: alarms (the log or the election broke a promise, with evidence
 * saved), refusals (a checkpoint not accepted: bad signature, wrong origin) and transient trouble
 * (the log cannot be reached). Codes are stable: tests, the HTTP status and the CLI use them.
 * Programming errors throw.
 */

/** Kinds of alarm, each with evidence anyone can re-check (`evidence.ts`). */
export type AlarmKind =
  /** Two log-signed checkpoints that do not extend each other (a split view, a rewritten history). */
  | 'fork'
  /** A log-signed checkpoint smaller than one already verified. */
  | 'shrink'
  /** The log serves entry bytes whose hash is not the leaf its signed tree commits to. */
  | 'rewritten-entry'
  /** The log does not serve (or truncates) an entry bundle or tile its signed checkpoint covers. */
  | 'missing-entry'
  /** The log's hash tiles do not hash to the root it signed. */
  | 'tiles-invalid'
  /** An entry the log accepted breaks the election's rules (an invalid ballot, a second vote …). */
  | 'invalid-entry'
  /** The published tallies, decryptions, results or protocols differ from what the ledger implies. */
  | 'record-invalid'
  /**
   * The server's live figures (P-10.2: ballots cast, issued) differ from what the ledger holds at
   * the tree size they name, or between two checkpoints (election/issued-vs-cast.ts).
   */
  | 'figures-mismatch';

export const ALARM_KINDS: readonly AlarmKind[] = [
  'fork',
  'shrink',
  'rewritten-entry',
  'missing-entry',
  'tiles-invalid',
  'invalid-entry',
  'record-invalid',
  'figures-mismatch',
];

/** A checkpoint the node would not accept; nothing is proven against the log. */
export type RefusalCode = 'BAD_SIGNATURE' | 'WRONG_ORIGIN' | 'MALFORMED';

/** Russian first, English second. */
export interface Message {
  readonly ru: string;
  readonly en: string;
}

export const msg = (ru: string, en: string): Message => ({ ru, en });

export function messageText(m: Message): string {
  return `${m.ru} / ${m.en}`;
}

export class ObserverError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ObserverError';
    this.code = code;
  }
}

/** Throws (a bug) when an internal invariant does not hold. */
export function invariant(cond: boolean, what: string): asserts cond {
  if (!cond) throw new Error(`observer invariant violated: ${what}`);
}
