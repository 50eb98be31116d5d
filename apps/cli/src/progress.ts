/**
 * Progress of long work, on stderr so that stdout stays clean for data: a bar redrawn in place on a
 * terminal (at most every `redrawMs`), and in a log or a pipe a line at each tenth, so that a log of a
 * 5-million-line run stays ten lines long. Each shows count/total, percent, rate and time left:
 *
 *   Реестр / Register [############..................] 40 000/100 000 40% 8 123/s ETA 0:07
 */

export interface ProgressOptions {
  /** What is counted, Russian first: `Реестр / Register`. */
  readonly label: string;
  readonly total: number;
  readonly write: (text: string) => void;
  /** A terminal: redraw one line in place. Otherwise: a line per tenth. */
  readonly isTty: boolean;
  /** Milliseconds; injected by tests. Default: `performance.now()`. */
  readonly now?: () => number;
  /** Minimum time between two redraws on a terminal. Default: 100 ms. */
  readonly redrawMs?: number;
  /** Width of the bar in characters. Default: 30. */
  readonly width?: number;
}

export interface Progress {
  /** Reports that `done` of the total are done (monotonic; values above the total count as the total). */
  update(done: number): void;
  /** Reports the end: draws the final state once and ends the terminal line. */
  finish(): void;
}

export interface ProgressState {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
  readonly width: number;
}

export function createProgress(options: ProgressOptions): Progress {
  if (!Number.isSafeInteger(options.total) || options.total < 0) {
    throw new RangeError(`progress total must be a natural number, got ${options.total}`);
  }
  const now = options.now ?? ((): number => performance.now());
  const redrawMs = options.redrawMs ?? 100;
  const width = options.width ?? 30;
  const started = now();
  let done = 0;
  let lastDraw = -Infinity;
  let lastTenth = 0;
  let finished = false;

  const state = (): ProgressState => ({
    label: options.label,
    done,
    total: options.total,
    elapsedMs: now() - started,
    width,
  });

  // On a terminal the line is rewritten: carriage return, the line, clear to the end of the line.
  const redraw = (): void => {
    options.write(`\r${formatProgress(state())}\x1b[K`);
    lastDraw = now();
  };

  return {
    update(value: number): void {
      if (finished) return;
      done = Math.min(Math.max(done, Math.floor(value)), options.total);
      if (options.isTty) {
        if (now() - lastDraw >= redrawMs || done === options.total) redraw();
        return;
      }
      const tenth = options.total === 0 ? 10 : Math.floor((done * 10) / options.total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        options.write(`${formatProgress(state())}\n`);
      }
    },
    finish(): void {
      if (finished) return;
      finished = true;
      if (options.isTty) {
        redraw();
        options.write('\n');
      } else if (lastTenth < 10) {
        // Stopped short of the total (or a total of 0): the last state still gets its line.
        options.write(`${formatProgress(state())}\n`);
      }
    },
  };
}

/** One line of progress, without line end. */
export function formatProgress(s: ProgressState): string {
  const fraction = s.total === 0 ? 1 : s.done / s.total;
  const filled = Math.min(s.width, Math.floor(fraction * s.width));
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(s.width - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`;
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? s.done / seconds : 0;
  const left = s.total - s.done;
  const eta = left === 0 ? formatDuration(0) : rate > 0 ? formatDuration(left / rate) : '--:--';
  return `${s.label} ${bar} ${groupDigits(s.done)}/${groupDigits(s.total)} ${percent} ${formatRate(rate)} ETA ${eta}`;
}

/** Thousands separated by a space, as Russian typography has it (a plain space, for logs). */
export function groupDigits(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

function formatRate(perSecond: number): string {
  if (perSecond === 0) return '–/s';
  return perSecond < 10 ? `${perSecond.toFixed(1)}/s` : `${groupDigits(Math.round(perSecond))}/s`;
}

/** `m:ss`, or `h:mm:ss` from an hour. */
export function formatDuration(seconds: number): string {
  const total = Math.ceil(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
