#!/usr/bin/env node
// opendeg-observer: the observer node (see src/cli/main.ts). It runs the TypeScript sources through
// tsx, so the node an observer runs is the source they can read, with no build step between.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
