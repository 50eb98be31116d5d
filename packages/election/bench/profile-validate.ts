// Profiling aid for issue 4: validates the cached pool of validate-native.bench.ts in batches for a
// few seconds on the native backend (run it under `node --cpu-prof --import tsx`).
import { readFileSync } from 'node:fs';
import type { BallotJson } from '../src/ballot.ts';
import type { ElectionManifest } from '../src/manifest.ts';
import { openElection, parseManifest } from '../src/manifest.ts';
import { validateBallots } from '../src/validate.ts';

const file = process.argv[2] ?? '';
const data = JSON.parse(readFileSync(file, 'utf8')) as { manifest: ElectionManifest; ballots: BallotJson[] };
await import('@opendeg/ristretto-native');
const election = await openElection(parseManifest(data.manifest), { backend: 'native' });
const start = performance.now();
let n = 0;
while (performance.now() - start < Number(process.argv[3] ?? 8000)) {
  for (let i = 0; i < data.ballots.length; i += 32) {
    const r = await validateBallots(election, data.ballots.slice(i, i + 32));
    if (r.some((x) => !x.ok)) throw new Error('a valid ballot failed');
    n += 32;
  }
}
process.stderr.write(`${n} ballots\n`);
