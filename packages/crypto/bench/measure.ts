// Tiny measurement helpers for `npm run bench`: repeat an operation until a time budget is spent,
// report operations per second and milliseconds per operation. Progress goes to stderr; only the
// final JSON goes to stdout.

export interface Measurement {
  ops: number;
  opsPerSecond: number;
  /** Wall-clock milliseconds per operation. */
  msPerOp: number;
  /**
   * CPU milliseconds (user + system) of this process per operation: on a shared machine this is
   * closer to what the operation costs on an idle core than the wall clock is.
   */
  cpuMsPerOp: number;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function measure(fn: () => unknown, budgetMs = 1000, minOps = 3): Measurement {
  fn(); // warm-up: JIT and lazily built tables
  let ops = 0;
  const start = performance.now();
  const cpu0 = cpuMs();
  let elapsed = 0;
  while (elapsed < budgetMs || ops < minOps) {
    fn();
    ops++;
    elapsed = performance.now() - start;
  }
  return result(ops, elapsed, cpuMs() - cpu0);
}

export async function measureAsync(
  fn: () => Promise<unknown>,
  budgetMs = 1000,
  minOps = 3,
): Promise<Measurement> {
  await fn();
  let ops = 0;
  const start = performance.now();
  const cpu0 = cpuMs();
  let elapsed = 0;
  while (elapsed < budgetMs || ops < minOps) {
    await fn();
    ops++;
    elapsed = performance.now() - start;
  }
  return result(ops, elapsed, cpuMs() - cpu0);
}

function result(ops: number, elapsedMs: number, cpu: number): Measurement {
  return {
    ops,
    opsPerSecond: round((ops * 1000) / elapsedMs),
    msPerOp: round(elapsedMs / ops, 3),
    cpuMsPerOp: round(cpu / ops, 3),
  };
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function progress(done: number, total: number, label: string): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`.padEnd(90),
  );
  if (done === total) process.stderr.write('\n');
}
