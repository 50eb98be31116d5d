// The top of a V8 CPU profile (a .cpuprofile from `node --cpu-prof` or the cast benchmark's
// BENCH_PROFILE) by self time, as JSON: the functions a change should cut, with their share of the
// sampled time. `node --import tsx bench/profile-top.ts <file> [count]`.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time per function (by name and place), in ms, highest first. */
export function profileTop(
  profile: Profile,
  count: number,
): { totalMs: number; top: { fn: string; selfMs: number; share: string }[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const f = byId.get(id)?.callFrame;
    const where = f === undefined ? '?' : f.url.replace(/^.*\/(node_modules|packages|apps)\//, '$1/');
    const key = f === undefined ? '?' : `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([fn, ms]) => ({
      fn,
      selfMs: Number(ms.toFixed(1)),
      share: `${((100 * ms) / total).toFixed(1)}%`,
    }));
  return { totalMs: Number(total.toFixed(1)), top };
}

const file = process.argv[2];
if (file !== undefined && import.meta.url.endsWith(process.argv[1]?.split('/').pop() ?? '')) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  process.stdout.write(`${JSON.stringify(profileTop(profile, Number(process.argv[3] ?? 25)), null, 1)}\n`);
}
