// Tiny measurement helpers for `npm run bench`: repeat an operation until a time budget is spent,
// report operations per second and milliseconds per operation. Progress goes to stderr; only the
// final JSON goes to stdout.

export interface Measurement {
  ops: number;
  opsPerSecond: number;
  msPerOp: number;
}

export function measure(fn: () => unknown, budgetMs = 1000, minOps = 3): Measurement {
  fn(); // warm-up: JIT and lazily built tables
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs || ops < minOps) {
    fn();
    ops++;
    elapsed = performance.now() - start;
  }
  return { ops, opsPerSecond: round((ops * 1000) / elapsed), msPerOp: round(elapsed / ops, 3) };
}

export async function measureAsync(
  fn: () => Promise<unknown>,
  budgetMs = 1000,
  minOps = 3,
): Promise<Measurement> {
  await fn();
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs || ops < minOps) {
    await fn();
    ops++;
    elapsed = performance.now() - start;
  }
  return { ops, opsPerSecond: round((ops * 1000) / elapsed), msPerOp: round(elapsed / ops, 3) };
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
