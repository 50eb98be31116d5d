// The groups under test when the crypto package's shared suites run in this package (see
// vitest.config.ts): the native backend only.
import type { AnyGroup } from '@opendeg/crypto';
import { loadNativeRistretto255 } from '../src/index.ts';

export const allGroups: { name: string; group: AnyGroup }[] = [
  { name: 'ristretto255/native', group: await loadNativeRistretto255() },
];
