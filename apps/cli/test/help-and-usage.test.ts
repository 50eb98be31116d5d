// `opendeg --help`, a command's help, and the usage errors: exit 0 for help, exit 2 with the usage for
// an unknown command or option.
import { describe, expect, test } from 'vitest';
import { COMMANDS } from '../src/commands.ts';
import { expectNoStackTrace, run } from './run-cli.ts';

describe('opendeg help', () => {
  test('--help lists every command, Russian first then English, and the exit codes', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(`${c.summary.ru} / ${c.summary.en}`);
    expect(r.stdout).toContain('Использование / Usage: opendeg');
    expect(r.stdout).toContain('2  ошибка использования или входных данных / usage error or bad input');
    expect(r.stdout.indexOf('Команды')).toBeLessThan(r.stdout.indexOf('Commands'));
  });

  test("a command's --help (anywhere among its arguments) shows its options; `help <command>` too", async () => {
    const a = await run(['register', 'generate', '--size', '5', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Использование / Usage: opendeg register generate --size N --out FILE.jsonl');
    expect(a.stdout).toContain('--reference-date YYYY-MM-DD');
    const b = await run(['help', 'register', 'generate']);
    expect(b).toEqual(a);
  });

  test("a group without a command: exit 2 and the group's commands; with --help: exit 0", async () => {
    const bare = await run(['election']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('не указана команда / no command given');
    expect(bare.stderr).toContain('election init');
    expect(bare.stderr).toContain('election check');
    const help = await run(['election', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('election check');
  });
});

describe('usage errors: exit 2, a clear message, the usage, no stack trace', () => {
  test('an unknown command', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('неизвестная команда / unknown command: frobnicate');
    expect(r.stderr).toContain('Использование / Usage: opendeg');
    expect(r.stdout).toBe('');
    expectNoStackTrace(r);
  });

  test('an unknown option and a missing argument of a known command', async () => {
    const option = await run(['keyfile', 'inspect', 'x.key', '--passphrase', 'secret']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('неизвестный параметр / unknown option --passphrase');
    expect(option.stderr).toContain('Использование / Usage: opendeg keyfile inspect <file>');
    const missing = await run(['election', 'check']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('не указан аргумент / missing argument <file>');
    expectNoStackTrace(option);
    expectNoStackTrace(missing);
  });

  test('no command at all', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('не указана команда / no command given');
  });

  test('bundle load without its options is a usage error', async () => {
    const r = await run(['bundle', 'load', 'medium']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--election');
    expect(r.stdout).toBe('');
    expectNoStackTrace(r);
  });
});
