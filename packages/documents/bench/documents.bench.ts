/**
 * Benchmark of the participant list (Appendix 1) at region scale: build the document from a compiled
 * list, its canonical JSON, the PDF in books (one book laid out at a time) and one CMS signature over
 * the JSON; for comparison, the whole list as a single pdfmake document where that is affordable.
 * Synthetic participants from name pools and a seeded generator, not from any register. Writes ONE
 * JSON object to stdout, progress to stderr.
 *
 *   npm run bench -w @opendeg/documents                         # 10 000 and 100 000 rows
 *   DOCUMENTS_BENCH_ROWS=100000 DOCUMENTS_BENCH_ROWS_PER_BOOK=5000 npm run bench -w @opendeg/documents
 *   DOCUMENTS_BENCH_SINGLE_MAX=100000 …                          # also one 100 000-row PDF (≈ 2.5 GB)
 */

import { readFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import path from 'node:path';
import {
  ParticipantList,
  createCommissionCa,
  generateSigningKeyPair,
  issueMemberCertificate,
  parseElectionConfig,
} from '@opendeg/deg';
import type { ElectionConfig, Participant } from '@opendeg/deg';
import { documentBytes } from '../src/document.ts';
import { buildParticipantList, renderParticipantList } from '../src/participant-list.ts';
import { signDocument } from '../src/signing.ts';

const ROWS = (process.env.DOCUMENTS_BENCH_ROWS ?? '10000,100000').split(',').map(Number);
const PER_BOOK = Number(process.env.DOCUMENTS_BENCH_ROWS_PER_BOOK ?? 5000);
const SINGLE_MAX = Number(process.env.DOCUMENTS_BENCH_SINGLE_MAX ?? 10000);

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const SURNAMES =
  'Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Семёнов Королёв Щукин-Водкин Ёлкин Гарипов Абдуллаев'.split(
    ' ',
  );
const NAMES = 'Александр Алёна Дмитрий Мария Сергей Анна Андрей Ольга Пётр Наталья Ильдар Гульнара'.split(
  ' ',
);
const PATRONYMICS = 'Александрович Сергеевна Иванович Петровна Фёдорович Игоревна Ринатович Юрьевна'.split(
  ' ',
);
const STREETS = 'Баумана Пушкина Декабристов Чистопольская Ямашева Победы Сибгата Хакима Карла Маркса'.split(
  ' ',
);

function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function participants(n: number): Participant[] {
  const rnd = generator(n);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    lastName: pick(SURNAMES),
    firstName: pick(NAMES),
    middleName: pick(PATRONYMICS),
    birthDate: `19${String(40 + Math.floor(rnd() * 60))}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`,
    address: `Республика Татарстан, г. Казань, ул. ${pick(STREETS)}, д. ${1 + Math.floor(rnd() * 200)}, кв. ${1 + Math.floor(rnd() * 300)}`,
    phone: `+79${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`,
    passport: {
      series: `92 ${String(Math.floor(rnd() * 100)).padStart(2, '0')}`,
      number: String(100000 + i).slice(-6),
    },
    precinct: String(1 + (i % 40)),
  }));
}

const ms = (t0: number): number => Math.round(performance.now() - t0);
/** CPU time of this process since `c0`: on a shared machine, the figure the load does not inflate. */
const cpuMs = (c0: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(c0);
  return Math.round((u.user + u.system) / 1000);
};
const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;

async function main(): Promise<void> {
  const parsed = parseElectionConfig(
    JSON.parse(readFileSync(path.join(import.meta.dirname, '../test/fixtures/president-2024.json'), 'utf8')),
  );
  if (!parsed.ok) throw new Error('fixture config');
  const config: ElectionConfig = parsed.config;
  const now = Date.now();
  const validity = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 86_400_000) };
  const ca = await createCommissionCa({ commonName: 'Учебный УЦ', organisation: 'ЦИК России', validity });
  const keys = await generateSigningKeyPair('ECDSA-P256');
  const cert = await issueMemberCertificate(ca, {
    member: { id: 'm01', fullName: 'Председатель Бенчмарк Тестович', role: 'chairman' },
    organisation: 'ЦИК России',
    publicKey: keys.publicKey,
    validity,
  });
  const results: Record<string, unknown>[] = [];
  for (const n of ROWS) {
    log(`documents bench: ${n} rows`);
    let t0 = performance.now();
    const list = ParticipantList.compile('16', participants(n), new Date('2024-03-14T15:00:00Z'));
    for (let i = 0; i < n; i += 3) list.grantBallotAccess(`p${i}`, new Date('2024-03-15T06:00:00Z'));
    const compileMs = ms(t0);
    t0 = performance.now();
    const built = buildParticipantList({
      config,
      region: '16',
      rows: list.rows(),
      counts: list.counts(),
      finalAt: new Date('2024-03-17T17:00:00Z'),
      generatedAt: new Date('2024-03-17T17:05:00Z'),
    });
    if (!built.ok) throw new Error(built.code);
    const buildMs = ms(t0);
    t0 = performance.now();
    const json = documentBytes(built.document);
    const jsonMs = ms(t0);
    t0 = performance.now();
    await signDocument(json, [{ certificate: cert.der, privateKey: keys.privateKey }], new Date());
    const signJsonMs = ms(t0);

    t0 = performance.now();
    const c0 = process.cpuUsage();
    let books = 0;
    let pdfBytes = 0;
    let slowestBookMs = 0;
    let tb = performance.now();
    let rssPeak = 0;
    for await (const part of renderParticipantList(built.document, { rowsPerBook: PER_BOOK })) {
      books = part.parts;
      pdfBytes += part.pdf.length;
      slowestBookMs = Math.max(slowestBookMs, ms(tb));
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      log(`  book ${part.part}/${part.parts}: ${ms(tb)} ms, rss ${mb(process.memoryUsage().rss)} MB`);
      tb = performance.now();
    }
    const booksMs = ms(t0);
    const booksCpuMs = cpuMs(c0);
    const entry: Record<string, unknown> = {
      rows: n,
      compileListMs: compileMs,
      buildDocumentMs: buildMs,
      canonicalJsonMs: jsonMs,
      canonicalJsonMB: mb(json.length),
      signJsonMs,
      rowsPerBook: PER_BOOK,
      books,
      booksTotalMs: booksMs,
      booksCpuMs,
      cpuMsPerThousandRows: Math.round((booksCpuMs / n) * 1000),
      slowestBookMs,
      msPerThousandRows: Math.round((booksMs / n) * 1000),
      pdfTotalMB: mb(pdfBytes),
      rssPeakDuringBooksMB: mb(rssPeak),
    };
    if (n <= SINGLE_MAX) {
      const before = process.memoryUsage().rss;
      t0 = performance.now();
      const c1 = process.cpuUsage();
      let size = 0;
      for await (const part of renderParticipantList(built.document, { rowsPerBook: n }))
        size = part.pdf.length;
      entry.singlePdfMs = ms(t0);
      entry.singlePdfCpuMs = cpuMs(c1);
      entry.singlePdfMB = mb(size);
      entry.rssAfterSinglePdfMB = mb(Math.max(before, process.memoryUsage().rss));
      log(`  single PDF: ${String(entry.singlePdfMs)} ms`);
    }
    results.push(entry);
  }
  process.stdout.write(
    `${JSON.stringify({
      bench: 'documents',
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
      heapLimitMB: Math.round(v8.getHeapStatistics().heap_size_limit / 1e6),
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      lists: results,
    })}\n`,
  );
}

await main();
