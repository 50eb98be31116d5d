import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The crypto package's shared suites (group laws and RFC 9496 vectors, proofs, ElGamal, answers,
// threshold) run here again over the native backend: their `./groups.ts` (the list of groups under
// test) resolves to this package's `test/crypto-groups.ts` instead, so the pure crypto package never
// depends on this one.
const sharedSuites = ['rfc9496-ristretto255', 'proofs', 'elgamal', 'answer', 'threshold', 'dlog'];

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^\.\/groups\.ts$/,
        replacement: fileURLToPath(new URL('./test/crypto-groups.ts', import.meta.url)),
      },
    ],
  },
  test: {
    name: 'ristretto-native',
    include: ['test/**/*.test.ts', ...sharedSuites.map((s) => `../crypto/test/${s}.test.ts`)],
    testTimeout: 60_000,
  },
});
