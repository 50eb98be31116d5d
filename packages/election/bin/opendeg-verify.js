#!/usr/bin/env node
// opendeg-verify: the election record verifier as a command (see src/cli/verify-main.ts). Until the
// `opendeg` CLI exists this bin script is its entry point; it runs the TypeScript sources through
// tsx, so the verifier an observer runs is the source they can read, with no build step between.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/verify-main.ts');
process.exitCode = await main(process.argv.slice(2));
