// The 2024 presidential configuration as test data (dates stay out of code), raw and validated.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseElectionConfig } from '../src/config.ts';
import type { ElectionConfig } from '../src/config.ts';

/** The fixture as parsed JSON, for tests that break it on purpose. */
export function presidentialConfigJson(): ElectionConfig {
  return JSON.parse(
    readFileSync(path.join(import.meta.dirname, 'fixtures/president-2024.json'), 'utf8'),
  ) as ElectionConfig;
}

/** The fixture, validated; throws with the problems if the fixture itself is broken. */
export function presidentialConfig(): ElectionConfig {
  const r = parseElectionConfig(presidentialConfigJson());
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}
