// Every group suite and backend under test. Each shared suite (group laws, proofs, threshold)
// runs once per entry, so a new suite or backend is tested by adding it here.
import type { AnyGroup } from '../src/suites.ts';
import { ristretto255 } from '../src/groups/ristretto255.ts';
import { loadSodiumRistretto255 } from '../src/groups/ristretto255-sodium.ts';
import { gost256b } from '../src/groups/gost256b.ts';
import { belenios2048 } from '../src/groups/belenios-2048.ts';

export const allGroups: { name: string; group: AnyGroup }[] = [
  { name: 'ristretto255/noble', group: ristretto255 },
  { name: 'ristretto255/libsodium', group: await loadSodiumRistretto255() },
  { name: 'gost256b/noble', group: gost256b },
  { name: 'belenios-2048/native-bigint', group: belenios2048 },
];
