// The progress bar of long work: redrawn in place on a terminal (throttled), a line per tenth in a
// log, each with count/total, percent, rate and time left.
import { describe, expect, test } from 'vitest';
import { createProgress, formatDuration, formatProgress, groupDigits } from '../src/progress.ts';

function recorder(isTty: boolean, total: number, redrawMs = 100) {
  let t = 0;
  const out: string[] = [];
  const progress = createProgress({
    label: 'Реестр / Register',
    total,
    isTty,
    write: (s) => out.push(s),
    now: () => t,
    redrawMs,
  });
  return {
    progress,
    out,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe('formatProgress', () => {
  test('count/total with grouped digits, percent, rate and ETA', () => {
    const line = formatProgress({ label: 'L', done: 40_000, total: 100_000, elapsedMs: 5_000, width: 10 });
    expect(line).toBe('L [####......] 40 000/100 000 40% 8 000/s ETA 0:08');
  });

  test('no rate before any time has passed; a slow rate keeps one decimal', () => {
    expect(formatProgress({ label: 'L', done: 0, total: 10, elapsedMs: 0, width: 4 })).toBe(
      'L [....] 0/10 0% –/s ETA --:--',
    );
    expect(formatProgress({ label: 'L', done: 1, total: 10, elapsedMs: 4_000, width: 4 })).toBe(
      'L [....] 1/10 10% 0.3/s ETA 0:36',
    );
  });

  test('done: 100%, a full bar, ETA 0:00; an empty total counts as done', () => {
    expect(formatProgress({ label: 'L', done: 3, total: 3, elapsedMs: 1_000, width: 4 })).toBe(
      'L [####] 3/3 100% 3.0/s ETA 0:00',
    );
    expect(formatProgress({ label: 'L', done: 0, total: 0, elapsedMs: 0, width: 4 })).toContain(
      '[####] 0/0 100%',
    );
  });

  test('durations and digit groups', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59.2)).toBe('1:00');
    expect(formatDuration(3_725)).toBe('1:02:05');
    expect(groupDigits(5_000_000)).toBe('5 000 000');
    expect(groupDigits(999)).toBe('999');
  });
});

describe('createProgress', () => {
  test('not a terminal: one line at each tenth crossed, never more than ten, ending at 100%', () => {
    const r = recorder(false, 1_000);
    for (let done = 1; done <= 1_000; done++) {
      r.advance(1);
      r.progress.update(done);
    }
    r.progress.finish();
    expect(r.out).toHaveLength(10);
    expect(r.out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(r.out[0]).toContain('100/1 000 10% 1 000/s ETA 0:01');
    expect(r.out[9]).toContain('1 000/1 000 100%');
  });

  test('not a terminal: big jumps print one line, and finish prints where a run stopped short', () => {
    const r = recorder(false, 100);
    r.advance(1_000);
    r.progress.update(55);
    r.progress.finish();
    expect(r.out).toEqual([expect.stringContaining('55/100 55%'), expect.stringContaining('55/100 55%')]);
  });

  test('a terminal: redrawn in place with \\r and clear-to-end, at most every redrawMs, a line end at finish', () => {
    const r = recorder(true, 100, 100);
    for (let done = 1; done <= 100; done++) {
      r.advance(10);
      r.progress.update(done);
    }
    r.progress.finish();
    const draws = r.out.filter((s) => s.startsWith('\r'));
    // 1 s of work at one redraw per 100 ms, plus the final state drawn by the last update and by finish.
    expect(draws.length).toBeGreaterThanOrEqual(10);
    expect(draws.length).toBeLessThanOrEqual(13);
    expect(draws.every((s) => s.endsWith('\x1b[K'))).toBe(true);
    expect(r.out.at(-1)).toBe('\n');
    expect(draws.at(-1)).toContain('100/100 100%');
  });

  test('updates are monotonic and capped at the total; nothing is drawn after finish', () => {
    const r = recorder(false, 10);
    r.advance(1);
    r.progress.update(5);
    r.progress.update(3);
    r.progress.update(50);
    r.progress.finish();
    r.progress.update(1);
    expect(r.out).toHaveLength(2);
    expect(r.out[1]).toContain('10/10 100%');
  });

  test('a total that is not a natural number is a bug', () => {
    expect(() => createProgress({ label: 'L', total: -1, isTty: false, write: () => undefined })).toThrow(
      RangeError,
    );
  });
});
