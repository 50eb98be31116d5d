#!/usr/bin/env node
// opendeg: the OpenDEG command (see src/main.ts). It runs the TypeScript sources through tsx, so the
// tool a commission or an observer runs is the source they can read, with no build step between.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
