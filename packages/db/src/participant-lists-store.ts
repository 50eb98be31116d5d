/**
 * Participant lists (списки участников ДЭГ) in PostgreSQL, Procedure section 3 and P-7.2–P-7.4, at
 * national scale: the rules of packages/deg/src/participant-lists.ts over the tables of
 * migrations/003_participant_lists.sql, which enforce them again for every writer.
 *
 * - `importList` loads a region's list data (P-3.2) with COPY … FROM STDIN, streamed, and compiles
 *   the list in the same transaction: nobody sees it half loaded, nobody is added after (P-3.3).
 * - `page` gives Appendix 1/2 rows in alphabetical order (P-3.5), by offset or after a participant,
 *   optionally for a search by the beginning of the full name; row numbers are the list's own.
 * - `exclude` (P-3.4), `grantBallotAccess` (P-3.8, exactly once under concurrency), `counts`
 *   (P-3.9), `freeze` (P-7.2–P-7.4), `precinctRegister` (Appendix 3, P-3.6).
 *
 * Expected refusals throw `ListStoreError` with a stable code. Rows hold personal data: nothing here
 * logs them, and error messages carry constraint names and line numbers, never PostgreSQL's
 * "failing row contains …" detail.
 */

import { once } from 'node:events';

import type pg from 'pg';

// Types only: erased at run time, so opening the database never loads the domain package.
import type { ExclusionReason, Participant } from '@opendeg/deg';

export type { ExclusionReason };

/** P-3.4 grounds; `satisfies` fails to compile if packages/deg's list of grounds changes. */
const EXCLUSION_GROUNDS = {
  LOST_SUFFRAGE: true,
  VOTED_EARLY: true,
  CONDITIONS_NOT_MET: true,
} as const satisfies Record<ExclusionReason, true>;
const EXCLUSION_REASONS = Object.keys(EXCLUSION_GROUNDS) as readonly ExclusionReason[];

/** One participant of the list data: packages/deg's `Participant`. */
export type ParticipantRecord = Participant;

/**
 * A row of Appendix 1, or struck through with its ground, of Appendix 2. The ground is a code: the
 * Appendix 2 wording is packages/deg's `EXCLUSION_TEXT`, rendered by the caller.
 */
export interface StoredListRow {
  /** The row's number in the whole list ("N п/п"), also in search results. */
  readonly n: number;
  readonly participantId: string;
  readonly fullName: string;
  /** DD.MM.YYYY */
  readonly birthDate: string;
  readonly address: string;
  readonly phone: string;
  /** P-3.8: passport series and number once ballot access was granted; empty before. */
  readonly ballotAccess: string;
  readonly exclusion: ExclusionReason | undefined;
  /** Appendix 2: an excluded participant's row is shown struck through. */
  readonly struck: boolean;
}

/** A row of Appendix 3, numbered from 1 in each precinct's register. */
export interface PrecinctRegisterRow {
  readonly n: number;
  readonly fullName: string;
  /** DD.MM.YYYY */
  readonly birthDate: string;
  readonly address: string;
  readonly note: string;
}

/** P-3.9 and P-7.3. */
export interface StoredListCounts {
  /** Participants on the list, excluded ones not counted. */
  readonly onList: number;
  /** Ballots to which access was granted. */
  readonly ballotsIssued: number;
}

export interface PageRequest {
  /**
   * The beginning of the full name ("Иванов", "иванов ив"); case and the letters the order holds
   * equal (ё and е, ӑ and а) are ignored.
   */
  readonly query?: string;
  /** Continue after this participant (the previous page's `next`): cheap at any depth. */
  readonly after?: string;
  /** Skip this many rows (of the search's results when there is a query). */
  readonly offset?: number;
  /** 1 to 500. */
  readonly limit: number;
}

export interface ListPage {
  readonly rows: StoredListRow[];
  /** Pass as `after` for the next page; undefined on the last one. */
  readonly next: string | undefined;
}

export interface ImportOptions {
  /** The moment of compilation (P-3.2), from the application's clock. */
  readonly compiledAt: Date;
  /** Called as rows are sent, with the number sent so far. */
  readonly onProgress?: (rows: number) => void;
  /** `copy` (default): COPY FROM STDIN; `unnest`: batched INSERT … SELECT FROM unnest, for comparison. */
  readonly method?: 'copy' | 'unnest';
}

export type ListStoreErrorCode =
  /** The election is not loaded. */
  | 'ELECTION_NOT_FOUND'
  /** This region's list was imported already: one list per region (P-3.2). */
  | 'LIST_EXISTS'
  /** No compiled list for this election and region. */
  | 'LIST_NOT_FOUND'
  /** P-3.3: the list is compiled, nobody may be added. */
  | 'LIST_COMPILED'
  /** P-7.4: the final list never changes. */
  | 'LIST_FROZEN'
  | 'NOT_ON_LIST'
  /** The same participant id twice in the list data. */
  | 'DUPLICATE_PARTICIPANT'
  /** A row of the list data breaks a rule of the schema; the message names the rule and the row. */
  | 'INVALID_PARTICIPANT'
  | 'ALREADY_EXCLUDED'
  /** P-3.4, P-3.8: an excluded participant gets no ballot access. */
  | 'EXCLUDED'
  | 'ALREADY_ISSUED'
  /** P-3.4: exclusions end when voting ends. */
  | 'VOTING_ENDED'
  /** A time earlier than one already recorded (exclusion before the ballot access it follows). */
  | 'TIME_ORDER'
  /** A search query or page request out of bounds. */
  | 'INVALID_REQUEST'
  /** Any other refusal by the database; the message names the constraint. */
  | 'REFUSED';

export class ListStoreError extends Error {
  readonly code: ListStoreErrorCode;
  constructor(code: ListStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ListStoreError';
    this.code = code;
  }
}

export function isListStoreError(e: unknown, code?: ListStoreErrorCode): e is ListStoreError {
  return e instanceof ListStoreError && (code === undefined || e.code === code);
}

const MAX_LIMIT = 500;
const MAX_QUERY_WORDS = 8;
// The characters of the participants_*_format constraints: Cyrillic letters of U+0400–U+052F (not
// the sign and combining marks of U+0482–U+0489), Latin letters of U+0041–U+017F but those ICU
// expands into two (Æ æ Œ œ Ĳ ĳ ß ŉ), apostrophes, '.' and '-'; exactly those participant_name_key maps.
const NAME_CHARACTERS = /^[Ѐ-ҁҊ-ԯA-Za-zÀ-ÅÇ-ÖØ-Þà-åç-öø-ÿĀ-ıĴ-ňŊ-őŔ-ſ'’.-]+$/u;
// About 2.5 MB of COPY text a chunk: few enough writes, little memory.
const COPY_CHUNK_ROWS = 10_000;
const UNNEST_BATCH_ROWS = 5_000;

const COLUMNS = [
  'election_id',
  'region',
  'participant_id',
  'surname',
  'name',
  'patronymic',
  'birth_date',
  'address',
  'phone',
  'passport_series',
  'passport_number',
  'precinct',
] as const;

const ROW_COLUMNS = `p.participant_id, p.surname, p.name, p.patronymic,
  to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date, p.address, p.phone, p.passport_series,
  p.passport_number, p.exclusion_reason, p.ballot_access_at IS NOT NULL AS issued, p.sort_key`;

interface RowRecord {
  participant_id: string;
  surname: string;
  name: string;
  patronymic: string;
  birth_date: string;
  address: string;
  phone: string;
  passport_series: string;
  passport_number: string;
  exclusion_reason: ExclusionReason | null;
  issued: boolean;
  sort_key: string;
  n?: string;
}

/** The participant lists of one election. */
export class ParticipantListStore {
  readonly #pool: pg.Pool;
  readonly electionId: string;

  constructor(pool: pg.Pool, electionId: string) {
    this.#pool = pool;
    this.electionId = electionId;
  }

  /**
   * P-3.2, P-3.3: loads the region's list data and compiles the list, all in one transaction.
   * Any bad row, a duplicate id, or a failing source undoes the whole import.
   */
  async importList(
    region: string,
    participants: AsyncIterable<ParticipantRecord> | Iterable<ParticipantRecord>,
    options: ImportOptions,
  ): Promise<{ participants: number }> {
    const client = await this.#pool.connect();
    let broken = false;
    let count: number;
    try {
      await client.query('BEGIN');
      try {
        await client.query('INSERT INTO participant_lists (election_id, region) VALUES ($1, $2)', [
          this.electionId,
          region,
        ]);
        // Compilation sorts the whole list once to number its rows.
        await client.query("SET LOCAL work_mem = '256MB'");
        if (options.method === 'unnest') {
          await this.#insertBatches(client, region, participants, options.onProgress);
        } else {
          await copyIn(
            client,
            `COPY participants (${COLUMNS.join(', ')}) FROM STDIN`,
            copyChunks(this.electionId, region, participants, options.onProgress),
          );
        }
        const compiled = await client.query<{ participant_count: number }>(
          `UPDATE participant_lists SET compiled_at = $3
           WHERE election_id = $1 AND region = $2 RETURNING participant_count`,
          [this.electionId, region, options.compiledAt],
        );
        await client.query('COMMIT');
        count = compiled.rows[0]?.participant_count ?? 0;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      }
      // Fresh statistics, or the planner guesses about a table that just grew by millions. The list
      // is committed by now: a failure here costs only plans until autovacuum analyses the table.
      await client.query('ANALYZE participants').catch(() => undefined);
      return { participants: count };
    } catch (e) {
      throw translate(e);
    } finally {
      client.release(broken);
    }
  }

  async #insertBatches(
    client: pg.PoolClient,
    region: string,
    participants: AsyncIterable<ParticipantRecord> | Iterable<ParticipantRecord>,
    onProgress: ((rows: number) => void) | undefined,
  ): Promise<void> {
    const sql = `INSERT INTO participants (${COLUMNS.join(', ')})
      SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::date[],
        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])`;
    let sent = 0;
    let columns = emptyColumns();
    const flush = async (): Promise<void> => {
      await client.query(sql, [this.electionId, region, ...columns]);
      sent += columns[0].length;
      columns = emptyColumns();
      onProgress?.(sent);
    };
    for await (const p of participants) {
      const values = recordValues(p);
      values.forEach((v, i) => columns[i]?.push(v));
      if (columns[0].length >= UNNEST_BATCH_ROWS) await flush();
    }
    if (columns[0].length > 0) await flush();
  }

  /** Appendix 1/2 rows (P-3.5), a page at a time; see `PageRequest`. */
  async page(region: string, request: PageRequest): Promise<ListPage> {
    const limit = request.limit;
    const offset = request.offset ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ListStoreError('INVALID_REQUEST', `limit must be 1 to ${MAX_LIMIT}`);
    }
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new ListStoreError('INVALID_REQUEST', 'offset must be a whole number ≥ 0');
    }
    const prefixes = searchPrefixes(request.query ?? '');
    await this.#compiledList(region);
    if (prefixes.length === 0) return { rows: [], next: undefined };
    let rows: RowRecord[];
    if (prefixes.length === 1 && prefixes[0] === '' && request.after === undefined) {
      // The whole list from a row number: start at the nearest mark, skip at most 127 rows.
      const result = await this.#pool.query<RowRecord>(
        `SELECT ${ROW_COLUMNS}
         FROM (SELECT row_no, sort_key FROM participant_list_marks
               WHERE election_id = $1 AND region = $2 AND row_no <= $3
               ORDER BY row_no DESC LIMIT 1) m
         CROSS JOIN LATERAL (
           SELECT * FROM participants p
           WHERE p.election_id = $1 AND p.region = $2 AND p.sort_key >= m.sort_key
           ORDER BY p.sort_key OFFSET $3 - m.row_no LIMIT $4) p
         ORDER BY p.sort_key`,
        [this.electionId, region, offset + 1, limit],
      );
      rows = result.rows.map((r, i) => ({ ...r, n: String(offset + 1 + i) }));
    } else {
      let afterKey = '';
      if (request.after !== undefined) {
        const found = await this.#pool.query<{ sort_key: string }>(
          'SELECT sort_key FROM participants WHERE election_id = $1 AND region = $2 AND participant_id = $3',
          [this.electionId, region, request.after],
        );
        const key = found.rows[0]?.sort_key;
        if (key === undefined)
          throw new ListStoreError('NOT_ON_LIST', 'no such participant to continue after');
        afterKey = key;
      }
      // One ordered index range per reading of the query's spaces (see searchPrefixes), merged.
      const result = await this.#pool.query<RowRecord>(
        `SELECT x.*, participant_list_row_no($1, $2, x.sort_key) AS n
         FROM (
           SELECT y.* FROM unnest($3::text[]) AS q(prefix)
           CROSS JOIN LATERAL (
             SELECT ${ROW_COLUMNS} FROM participants p
             WHERE p.election_id = $1 AND p.region = $2
               AND p.sort_key >= participant_name_key(q.prefix)
               AND p.sort_key < participant_name_key(q.prefix) || chr(1114111)
               AND p.sort_key > $4
             ORDER BY p.sort_key LIMIT $5::bigint + $6::bigint) y
           ORDER BY y.sort_key OFFSET $5 LIMIT $6) x
         ORDER BY x.sort_key`,
        [this.electionId, region, prefixes, afterKey, offset, limit],
      );
      rows = result.rows;
    }
    const out = rows.map(listRow);
    return { rows: out, next: out.length === limit ? out.at(-1)?.participantId : undefined };
  }

  /** P-3.4: excludes on an official document, until voting ends (`votingEnds` of the region). */
  async exclude(
    region: string,
    participantId: string,
    exclusion: { reason: ExclusionReason; document: string; at: Date; votingEnds: Date },
  ): Promise<void> {
    if (!EXCLUSION_REASONS.includes(exclusion.reason)) {
      throw new TypeError(`exclusion.reason: not a ground of P-3.4: ${exclusion.reason}`);
    }
    if (exclusion.document.trim() === '')
      throw new TypeError('exclusion.document: an exclusion rests on a document');
    if (exclusion.at.getTime() >= exclusion.votingEnds.getTime()) {
      throw new ListStoreError('VOTING_ENDED', 'voting has ended: no more exclusions (P-3.4)');
    }
    await this.#change(
      region,
      participantId,
      `UPDATE participants SET exclusion_reason = $4, exclusion_document = $5, excluded_at = $6
       WHERE election_id = $1 AND region = $2 AND participant_id = $3 AND excluded_at IS NULL`,
      [exclusion.reason, exclusion.document, exclusion.at],
    );
  }

  /**
   * P-3.8, P-6.5: ballot access for an included participant, once. One conditional UPDATE: of
   * concurrent calls the first to lock the row wins, the others re-read it and find it issued.
   */
  async grantBallotAccess(region: string, participantId: string, at: Date): Promise<void> {
    await this.#change(
      region,
      participantId,
      `UPDATE participants SET ballot_access_at = $4
       WHERE election_id = $1 AND region = $2 AND participant_id = $3
         AND ballot_access_at IS NULL AND excluded_at IS NULL`,
      [at],
    );
  }

  /** P-3.9: the numbers on the commission room's displays, kept current by the database. */
  async counts(region: string): Promise<StoredListCounts> {
    const r = await this.#pool.query<{ on_list: number; ballots_issued: number }>(
      `SELECT participant_count - excluded_count AS on_list, ballots_issued FROM participant_lists
       WHERE election_id = $1 AND region = $2 AND compiled_at IS NOT NULL`,
      [this.electionId, region],
    );
    const row = r.rows[0];
    if (row === undefined)
      throw new ListStoreError('LIST_NOT_FOUND', `no compiled list for region ${region}`);
    return { onList: row.on_list, ballotsIssued: row.ballots_issued };
  }

  /** P-7.2–P-7.4: the list as of the end of voting with its final numbers; it never changes after. */
  async freeze(region: string, at: Date): Promise<StoredListCounts> {
    let r: pg.QueryResult<{ final_on_list: number; final_ballots_issued: number }>;
    try {
      r = await this.#pool.query(
        `UPDATE participant_lists
         SET frozen_at = $3, final_on_list = participant_count - excluded_count, final_ballots_issued = ballots_issued
         WHERE election_id = $1 AND region = $2 AND compiled_at IS NOT NULL AND frozen_at IS NULL
         RETURNING final_on_list, final_ballots_issued`,
        [this.electionId, region, at],
      );
    } catch (e) {
      throw translate(e);
    }
    const row = r.rows[0];
    if (row === undefined) {
      const state = await this.#state(region, undefined);
      throw state.frozen
        ? new ListStoreError('LIST_FROZEN', 'the final list was made already (P-7.2)')
        : new ListStoreError('LIST_NOT_FOUND', `no compiled list for region ${region}`);
    }
    return { onList: row.final_on_list, ballotsIssued: row.final_ballots_issued };
  }

  /** Appendix 3 (P-3.6): the precinct's voters to remove from its list, alphabetical, from 1. */
  async precinctRegister(region: string, precinct: string): Promise<PrecinctRegisterRow[]> {
    await this.#compiledList(region);
    const r = await this.#pool.query<
      Pick<RowRecord, 'surname' | 'name' | 'patronymic' | 'birth_date' | 'address'>
    >(
      `SELECT p.surname, p.name, p.patronymic, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date, p.address
       FROM participants p WHERE p.election_id = $1 AND p.region = $2 AND p.precinct = $3
       ORDER BY p.sort_key`,
      [this.electionId, region, precinct],
    );
    return r.rows.map((p, i) => ({
      n: i + 1,
      fullName: fullName(p),
      birthDate: dmy(p.birth_date),
      address: p.address,
      note: '',
    }));
  }

  /** Runs a conditional one-row UPDATE; when it changes nothing, says why. */
  async #change(region: string, participantId: string, sql: string, values: unknown[]): Promise<void> {
    let changed: number;
    try {
      const r = await this.#pool.query(sql, [this.electionId, region, participantId, ...values]);
      changed = r.rowCount ?? 0;
    } catch (e) {
      throw translate(e);
    }
    if (changed === 1) return;
    const s = await this.#state(region, participantId);
    if (!s.compiled) throw new ListStoreError('LIST_NOT_FOUND', `no compiled list for region ${region}`);
    if (s.frozen) throw new ListStoreError('LIST_FROZEN', 'the final list never changes (P-7.4)');
    if (!s.found) throw new ListStoreError('NOT_ON_LIST', 'not on the list');
    if (s.excluded && sql.includes('SET exclusion_reason')) {
      throw new ListStoreError('ALREADY_EXCLUDED', 'already excluded');
    }
    if (s.excluded) throw new ListStoreError('EXCLUDED', 'the participant was excluded (P-3.4)');
    throw new ListStoreError('ALREADY_ISSUED', 'ballot access was already granted (P-3.8)');
  }

  async #state(
    region: string,
    participantId: string | undefined,
  ): Promise<{ compiled: boolean; frozen: boolean; found: boolean; excluded: boolean }> {
    const r = await this.#pool.query<{
      compiled: boolean;
      frozen: boolean;
      found: boolean;
      excluded: boolean;
    }>(
      `SELECT l.compiled_at IS NOT NULL AS compiled, l.frozen_at IS NOT NULL AS frozen,
              p.participant_id IS NOT NULL AS found, p.excluded_at IS NOT NULL AS excluded
       FROM participant_lists l
       LEFT JOIN participants p
         ON p.election_id = l.election_id AND p.region = l.region AND p.participant_id = $3
       WHERE l.election_id = $1 AND l.region = $2`,
      [this.electionId, region, participantId ?? null],
    );
    return r.rows[0] ?? { compiled: false, frozen: false, found: false, excluded: false };
  }

  async #compiledList(region: string): Promise<void> {
    const r = await this.#pool.query(
      'SELECT 1 FROM participant_lists WHERE election_id = $1 AND region = $2 AND compiled_at IS NOT NULL',
      [this.electionId, region],
    );
    if (r.rowCount !== 1) throw new ListStoreError('LIST_NOT_FOUND', `no compiled list for region ${region}`);
  }
}

/**
 * The key prefixes a query stands for; none when it holds a character no name may hold. The query is the beginning of "surname name patronymic";
 * a space in it either separates two of those parts (U+0001 in the key) or lies inside one
 * ("Мамедов Гасан Али оглы"), so each way of choosing at most two separators is one prefix. The
 * database folds case and base-equal letters (ё = е, ӑ = а) with the same function that made the keys.
 */
export function searchPrefixes(query: string): string[] {
  const words = query
    .trim()
    .split(/\s+/u)
    .filter((w) => w !== '');
  if (words.length === 0) return [''];
  if (words.length > MAX_QUERY_WORDS || query.length > 300) {
    throw new ListStoreError('INVALID_REQUEST', `a search has at most ${MAX_QUERY_WORDS} words`);
  }
  // A character no name may hold matches nothing; it must not reach the key function, which maps
  // only the characters of names (an 'Ā' would meet the key character that stands for 'а').
  if (!words.every((w) => NAME_CHARACTERS.test(w))) return [];
  const gaps = words.length - 1;
  const out: string[] = [];
  const join = (separators: ReadonlySet<number>): string =>
    words.reduce((acc, w, i) => (i === 0 ? w : acc + (separators.has(i - 1) ? '\u0001' : ' ') + w), '');
  out.push(join(new Set()));
  for (let i = 0; i < gaps; i++) {
    out.push(join(new Set([i])));
    for (let j = i + 1; j < gaps; j++) out.push(join(new Set([i, j])));
  }
  return out;
}

function listRow(r: RowRecord): StoredListRow {
  return {
    n: Number(r.n),
    participantId: r.participant_id,
    fullName: fullName(r),
    birthDate: dmy(r.birth_date),
    address: r.address,
    phone: r.phone,
    ballotAccess: r.issued ? `${r.passport_series} ${r.passport_number}` : '',
    exclusion: r.exclusion_reason ?? undefined,
    struck: r.exclusion_reason !== null,
  };
}

function fullName(r: { surname: string; name: string; patronymic: string }): string {
  return [r.surname, r.name, r.patronymic].filter((x) => x !== '').join(' ');
}

const dmy = (d: string): string => d.split('-').reverse().join('.');

function recordValues(p: ParticipantRecord): string[] {
  return [
    p.id,
    p.lastName,
    p.firstName,
    p.middleName ?? '',
    p.birthDate,
    p.address,
    p.phone,
    p.passport.series,
    p.passport.number,
    p.precinct,
  ];
}

type Columns = [
  string[],
  string[],
  string[],
  string[],
  string[],
  string[],
  string[],
  string[],
  string[],
  string[],
];

function emptyColumns(): Columns {
  return [[], [], [], [], [], [], [], [], [], []];
}

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
function copyText(v: string): string {
  return /[\\\t\n\r]/.test(v)
    ? v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c)
    : v;
}

async function* copyChunks(
  electionId: string,
  region: string,
  participants: AsyncIterable<ParticipantRecord> | Iterable<ParticipantRecord>,
  onProgress: ((rows: number) => void) | undefined,
): AsyncGenerator<Buffer> {
  const head = `${copyText(electionId)}\t${copyText(region)}\t`;
  let lines: string[] = [];
  let sent = 0;
  for await (const p of participants) {
    lines.push(head + recordValues(p).map(copyText).join('\t'));
    if (lines.length >= COPY_CHUNK_ROWS) {
      yield Buffer.from(lines.join('\n') + '\n', 'utf8');
      sent += lines.length;
      lines = [];
      onProgress?.(sent);
    }
  }
  if (lines.length > 0) {
    yield Buffer.from(lines.join('\n') + '\n', 'utf8');
    sent += lines.length;
    onProgress?.(sent);
  }
}

/** What pg's Connection offers for COPY IN; not in its type declarations. */
interface CopyConnection {
  readonly stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/**
 * `COPY … FROM STDIN` over pg's own protocol support, as pg-copy-streams does it: a submittable
 * query that answers the server's CopyInResponse with CopyData messages, waiting for the socket to
 * drain, then CopyDone; a failing source sends CopyFail, which aborts the COPY.
 */
function copyIn(client: pg.PoolClient, sql: string, source: AsyncIterable<Buffer>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let failed = false;
    let sourceError: Error | undefined;
    let rows = 0;
    const pump = async (connection: CopyConnection): Promise<void> => {
      try {
        for await (const chunk of source) {
          if (failed) return;
          connection.sendCopyFromChunk(chunk);
          if (connection.stream.writableNeedDrain === true) await once(connection.stream, 'drain');
        }
        if (!failed) connection.endCopyFrom();
      } catch (e) {
        sourceError = e instanceof Error ? e : new Error(String(e));
        if (!failed) connection.sendCopyFail('the list data source failed');
      }
    };
    const submittable = {
      submit: (connection: CopyConnection): void => {
        connection.query(sql);
      },
      handleCopyInResponse: (connection: CopyConnection): void => {
        void pump(connection);
      },
      handleCommandComplete: (msg: { text?: string }): void => {
        rows = Number(/^COPY (\d+)/.exec(msg.text ?? '')?.[1] ?? 0);
      },
      handleReadyForQuery: (): void => {
        if (sourceError !== undefined) reject(sourceError);
        else resolve(rows);
      },
      handleError: (e: Error): void => {
        failed = true;
        // A source that failed made the server abort: report the source's error, not the echo.
        reject(sourceError ?? e);
      },
      handleRowDescription: (): void => undefined,
      handleDataRow: (): void => undefined,
      handleEmptyQuery: (): void => undefined,
      handlePortalSuspended: (): void => undefined,
      handleCopyData: (): void => undefined,
    };
    client.query(submittable as unknown as pg.Submittable);
  });
}

/**
 * PostgreSQL's refusals as stable codes; anything else passes through unchanged. The message keeps
 * the SQLSTATE, the constraint and the COPY line only: PostgreSQL's message, detail and context may
 * quote the row's personal data ("failing row contains …", an invalid date), so the original error
 * is not kept as the cause either.
 */
function translate(e: unknown): unknown {
  if (e instanceof ListStoreError || typeof e !== 'object' || e === null) return e;
  const err = e as { code?: unknown; constraint?: unknown; where?: unknown };
  if (typeof err.code !== 'string' || !/^(22|23)/.test(err.code)) return e;
  const constraint = typeof err.constraint === 'string' ? err.constraint : '';
  const line =
    typeof err.where === 'string' ? /COPY participants, line (\d+)/.exec(err.where)?.[1] : undefined;
  const at = line === undefined ? '' : `, list data row ${line}`;
  const why = `(SQLSTATE ${err.code}${constraint === '' ? '' : `, ${constraint}`}${at})`;
  const make = (code: ListStoreErrorCode, message: string): ListStoreError =>
    new ListStoreError(code, `${message} ${why}`);
  switch (constraint) {
    case 'participant_lists_pkey':
      return make('LIST_EXISTS', 'this region has its list already (P-3.2)');
    case 'participant_lists_election_id_fkey':
      return make('ELECTION_NOT_FOUND', 'no such election');
    case 'participants_pkey':
      return make('DUPLICATE_PARTICIPANT', 'a participant is included twice');
    case 'participants_list_exists':
      return make('LIST_NOT_FOUND', 'no such list');
    case 'participants_list_compiled':
    case 'participant_lists_compiled':
      return make('LIST_COMPILED', 'the list is compiled: nobody may be added (P-3.3)');
    case 'participant_lists_frozen':
      return make('LIST_FROZEN', 'the final list never changes (P-7.4)');
    case 'participant_lists_not_compiled':
      return make('LIST_NOT_FOUND', 'the list is not compiled');
    case 'participants_exclusion_final':
      return make('ALREADY_EXCLUDED', 'already excluded');
    case 'participants_excluded_no_access':
      return make('EXCLUDED', 'the participant was excluded (P-3.4)');
    case 'participants_ballot_access_once':
      return make('ALREADY_ISSUED', 'ballot access was already granted (P-3.8)');
    case 'participants_access_before_exclusion':
      return make('TIME_ORDER', 'an exclusion cannot precede the ballot access already granted');
    default:
      if (constraint.startsWith('participants_') || err.code.startsWith('22')) {
        return make('INVALID_PARTICIPANT', 'list data rejected');
      }
      return make('REFUSED', 'refused by the database');
  }
}
