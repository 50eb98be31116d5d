/**
 * `opendeg-verify <record directory or .tar> [--json] [--backend noble|libsodium|auto]`: the
 * observer's verifier (P-10.10) as a command. It reads an election record, runs every check of
 * `verifyRecord` and prints one line per check, Russian first and English second, then each failure
 * with its check ID and where. Progress goes to stderr so that stdout stays clean for `--json`.
 *
 * Exit codes: 0 every check passes, 1 a check fails, 2 usage error or unreadable record. Expected
 * failures are messages, never stack traces: an observer must be able to read them.
 */

import type { Backend } from '@opendeg/crypto';
import { ElectionError } from '../errors.ts';
import type { CheckFailure } from '../errors.ts';
import { readRecord } from '../record.ts';
import type { ElectionRecord } from '../record.ts';
import { verifyRecord } from '../verify.ts';
import type { RecordCheckId, VerificationReport } from '../verify.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const USAGE = [
  'Использование / Usage: opendeg-verify <каталог записи или .tar | record directory or .tar>',
  '                       [--json] [--backend noble|libsodium|auto]',
].join('\n');

/** Titles of the record checks: Russian first, English second. */
export const RECORD_CHECK_TITLES: Record<RecordCheckId, { ru: string; en: string }> = {
  'V.1': { ru: 'Манифест выборов', en: 'Election manifest' },
  'V.2': { ru: 'Комплекты ключей', en: 'Key groups' },
  'V.3': { ru: 'Бюллетени', en: 'Ballots' },
  'V.4': { ru: 'Однократность учётных данных', en: 'One vote per credential' },
  'V.5': { ru: 'Проверенные (раскрытые) бюллетени', en: 'Challenged votes' },
  'V.6': { ru: 'Итоговые суммы', en: 'Tallies' },
  'V.7': { ru: 'Расшифрование', en: 'Decryptions' },
  'V.8': { ru: 'Результаты', en: 'Results' },
  'V.9': { ru: 'Полнота', en: 'Completeness' },
};

/** Titles of the ballot and challenged-vote checks named inside V.3 and V.5. */
const INNER_CHECK_TITLES: Record<string, string> = {
  'B.1': 'формат / format',
  'B.2': 'выборы / election',
  'B.3': 'регион / region',
  'B.4': 'кодирование / encoding',
  'B.5': 'учётные данные / credential',
  'B.6': 'повторное использование / credential used twice',
  'B.7': 'подпись / signature',
  'B.8': 'доказательства выбора / choice proofs',
  'B.9': 'общее доказательство / overall proof',
  'B.10': 'проверенный бюллетень / challenged vote',
  'C.1': 'формат и доказательства / format and proofs',
  'C.2': 'раскрытие / opening',
};

export interface CliArgs {
  readonly record: string;
  readonly json: boolean;
  readonly backend: Backend;
}

export type ParsedArgs = { ok: true; args: CliArgs } | { ok: false; message: string };

export function parseArgs(argv: readonly string[]): ParsedArgs {
  let record: string | undefined;
  let json = false;
  let backend: Backend = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--json') json = true;
    else if (a === '--backend' || a.startsWith('--backend=')) {
      const v = a === '--backend' ? argv[++i] : a.slice('--backend='.length);
      if (v !== 'noble' && v !== 'libsodium' && v !== 'auto') {
        return { ok: false, message: `--backend: ожидается / expected noble, libsodium or auto` };
      }
      backend = v;
    } else if (a.startsWith('-')) return { ok: false, message: `неизвестный параметр / unknown option ${a}` };
    else if (record === undefined) record = a;
    else return { ok: false, message: `лишний аргумент / unexpected argument ${a}` };
  }
  if (record === undefined) return { ok: false, message: 'не указана запись / no record given' };
  return { ok: true, args: { record, json, backend } };
}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: a redrawn bar there, occasional lines in a log. */
  readonly stderrIsTty: boolean;
}

const processIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTty: process.stderr.isTTY,
});

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.stderr(`opendeg-verify: ${parsed.message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { args } = parsed;
  let record: ElectionRecord;
  try {
    record = await readRecord(args.record);
  } catch (e) {
    io.stderr(`opendeg-verify: запись не прочитана / cannot read the record: ${messageOf(e)}\n`);
    return EXIT_USAGE;
  }
  let report: VerificationReport;
  try {
    report = await verifyRecord(record, { backend: args.backend, progress: progressBar(io) });
  } catch (e) {
    // verifyRecord reports bad data as failed checks; reaching here is a bug or an unusable backend.
    io.stderr(`\nopendeg-verify: проверка прервана / verification aborted: ${messageOf(e)}\n`);
    return EXIT_USAGE;
  }
  if (args.json) io.stdout(JSON.stringify({ record: args.record, ...report }, null, 2) + '\n');
  else io.stdout(formatReport(args.record, report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

/** The human report: one line per check, then every failure with its check ID and where. */
export function formatReport(location: string, report: VerificationReport): string {
  const out: string[] = [];
  out.push(`Проверка записи выборов / Election record verification: ${location}`);
  if (report.electionId !== undefined) out.push(`Выборы / Election: ${report.electionId}`);
  out.push(`Бюллетеней / Ballots: ${report.ballots}`, '');
  for (const c of report.checks) {
    const t = RECORD_CHECK_TITLES[c.id];
    const n = c.failures.length;
    const count = n === 0 ? '' : ` — ошибок / failures: ${n}`;
    out.push(`${c.ok ? '✓' : '✗'} ${c.id} ${c.title} — ${t.ru} / ${t.en}${count}`);
  }
  const failures = report.checks.flatMap((c) => c.failures.map((f) => ({ id: c.id, f })));
  if (failures.length > 0) {
    out.push('', 'Ошибки / Failures:');
    for (const { id, f } of failures) out.push(`  ✗ ${failureLine(id, f)}`);
  }
  if (report.verifiedResults.length > 0) {
    out.push('', 'Проверенные результаты / Verified results:');
    for (const r of report.verifiedResults) {
      out.push(`  регион / region ${r.region}: ${r.ballots} — ${JSON.stringify(r.counts)}`);
    }
  }
  out.push(
    '',
    report.ok
      ? 'Итог: все проверки пройдены / Result: every check passed'
      : `Итог: проверка НЕ пройдена / Result: verification FAILED (${failures.length})`,
    '',
  );
  return out.join('\n');
}

function failureLine(id: RecordCheckId, f: CheckFailure): string {
  const inner = f.check === id ? '' : ` ${f.check} ${INNER_CHECK_TITLES[f.check] ?? ''}`.trimEnd();
  const where = f.where === undefined ? '' : ` [${f.where}]`;
  return `${id}${inner}${where}: ${f.message}`;
}

/** A bar redrawn in place on a terminal; in a log, a line every tenth, so logs stay short. */
function progressBar(io: CliIo): (done: number, total: number, label: string) => void {
  let lastTenth = -1;
  return (done, total, label) => {
    if (total === 0) return;
    if (io.stderrIsTty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      io.stderr(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`.padEnd(70),
      );
      if (done === total) io.stderr('\n');
      return;
    }
    const tenth = Math.floor((done * 10) / total);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      io.stderr(`${label}: ${done}/${total} (${tenth * 10}%)\n`);
    }
  };
}

function messageOf(e: unknown): string {
  if (e instanceof ElectionError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
