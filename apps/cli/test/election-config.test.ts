// `opendeg election init` writes a training configuration that packages/deg accepts and refuses to
// overwrite a file; `opendeg election check` lists every problem with its path and code (exit 1).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseElectionConfig } from '@opendeg/deg';
import type { ElectionConfig } from '@opendeg/deg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addDays, trainingTemplate } from '../src/election-template.ts';
import { expectNoStackTrace, run } from './run-cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'opendeg-cli-election-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the training template', () => {
  test('passes parseElectionConfig whatever the first voting day (year ends, leap days, any month)', () => {
    for (const day of ['2025-01-01', '2026-03-01', '2028-02-29', '2031-12-31', '2027-07-15']) {
      const result = parseElectionConfig(trainingTemplate({ votingFirstDay: day }));
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
  });

  test('is a training run shaped like the 2024 model: regions, key groups, commission of 12', () => {
    const c = trainingTemplate({ votingFirstDay: '2030-09-13' });
    expect(c.kind).toBe('training');
    expect(c.electionId).toBe('training-2030-09-13');
    expect(c.regions.map((r) => r.code)).toEqual(['16', '39', '41', '54', '77']);
    expect(c.keyGroups.map((k) => k.id)).toEqual(['main', 'kaliningrad']);
    expect(c.commission.members).toHaveLength(12);
    expect(c.schedule.voting).toEqual({
      firstDay: '2030-09-13',
      lastDay: '2030-09-15',
      opens: '08:00',
      closes: '20:00',
    });
    expect(c.schedule.keyCeremony).toBe('2030-09-12T18:00');
  });

  test('addDays crosses months and years', () => {
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2030-12-30', 3)).toBe('2031-01-02');
  });
});

describe('opendeg election init / check', () => {
  test('init writes the template, check accepts it (exit 0), init again refuses without --force', async () => {
    const file = path.join(dir, 'training.json');
    const init = await run(['election', 'init', file, '--voting-first-day', '2030-09-13']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('training-2030-09-13');
    const written = JSON.parse(await readFile(file, 'utf8')) as ElectionConfig;
    expect(written).toEqual(trainingTemplate({ votingFirstDay: '2030-09-13' }));

    const check = await run(['election', 'check', file]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('Итог: конфигурация верна / Result: the configuration is valid');

    const again = await run(['election', 'init', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(written);
    expectNoStackTrace(again);

    const forced = await run(['election', 'init', file, '--force', '--election-id', 'drill-1']);
    expect(forced.code).toBe(0);
    expect((JSON.parse(await readFile(file, 'utf8')) as ElectionConfig).electionId).toBe('drill-1');
  });

  test('check of a broken file: exit 1 and every problem with its path and code', async () => {
    const broken = structuredClone(trainingTemplate({ votingFirstDay: '2030-09-13' }));
    broken.regions[0]!.keyGroup = 'nowhere';
    broken.regions[1]!.languages = ['tt', 'ru'];
    broken.regions[2]!.code = '16';
    broken.regions[3]!.timeZone = 'Mars/Olympus_Mons';
    const file = path.join(dir, 'broken.json');
    await writeFile(file, JSON.stringify(broken));
    const r = await run(['election', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '✗ /regions/0/keyGroup REFERENCE (ссылка / reference): no key group "nowhere"',
    );
    expect(r.stdout).toContain('✗ /regions/1/languages REFERENCE');
    expect(r.stdout).toContain('✗ /regions/2 DUPLICATE (повтор / duplicate): "16" appears twice');
    expect(r.stdout).toContain('✗ /regions/3/timeZone TIME');
    expect(r.stdout).toContain('Result: the configuration is INVALID, problems: 4');

    const json = await run(['election', 'check', '--json', file]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; errors: { path: string; code: string }[] };
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => `${e.code} ${e.path}`).sort()).toEqual([
      'DUPLICATE /regions/2',
      'REFERENCE /regions/0/keyGroup',
      'REFERENCE /regions/1/languages',
      'TIME /regions/3/timeZone',
    ]);
  });

  test('check of a schema violation names the path; of a file that is not JSON or is missing: exit 2', async () => {
    const c = structuredClone(trainingTemplate({ votingFirstDay: '2030-09-13' })) as unknown as Record<
      string,
      unknown
    >;
    c.suite = 'rsa';
    const schema = path.join(dir, 'schema.json');
    await writeFile(schema, JSON.stringify(c));
    const r = await run(['election', 'check', schema]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ /suite SCHEMA');

    const notJson = path.join(dir, 'not.json');
    await writeFile(notJson, '{ "format": ');
    const bad = await run(['election', 'check', notJson]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('не JSON / not JSON');
    const missing = await run(['election', 'check', path.join(dir, 'absent.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('файл не найден / no such file');
    expectNoStackTrace(bad);
    expectNoStackTrace(missing);
  });
});
