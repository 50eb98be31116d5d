// The validation worker's entry point (see validate-pool.ts): it registers tsx in this thread, then
// runs the TypeScript worker, as bin/opendeg-observer.js does for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./validate-worker.ts');
