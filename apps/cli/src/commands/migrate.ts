/**
 * `opendeg migrate`: opens the database (DATABASE_URL, or the embedded PostgreSQL server under
 * ./data/postgres) and applies the pending migrations of packages/db, printing each one. The runner
 * applies each migration once, under an advisory lock, so running this beside a starting server or a
 * second time is safe and applies nothing.
 */

import path from 'node:path';
import { migrate, openDatabase, redactUrl } from '@opendeg/db';
import { parseCommandArgs, takePositionals } from '../args.ts';
import { EXIT_OK } from '../cli-io.ts';
import type { CommandContext } from '../cli-io.ts';

export async function runMigrate(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'data-dir': { type: 'string' } });
  takePositionals(positionals, []);
  const { io } = ctx;
  const external = process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '';
  const dataDir = values['data-dir'] ?? path.join('data', 'postgres');
  if (!external) io.stderr(`Запуск встроенного сервера / Starting the embedded server: ${dataDir}\n`);
  const log = (line: string): void => {
    io.stderr(`${line}\n`);
  };
  const db = await openDatabase({ dataDir, poolMax: 2, ...(ctx.debug ? { log } : {}) });
  try {
    const where = db.embedded === undefined ? redactUrl(db.url) : `${dataDir} (встроенный / embedded)`;
    io.stdout(`База данных / Database: ${where}\n`);
    const applied = await migrate(db.pool, ctx.debug ? { log } : {});
    if (applied.length === 0) {
      io.stdout('Схема актуальна, применять нечего / The schema is current, nothing to apply\n');
    } else {
      io.stdout(`Применены миграции / Applied migrations: ${applied.length}\n`);
      for (const m of applied) {
        io.stdout(`  ${String(m.id).padStart(3, '0')}_${m.name}  sha256 ${m.checksum}\n`);
      }
    }
    return EXIT_OK;
  } finally {
    await db.close();
  }
}
