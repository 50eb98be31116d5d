/**
 * The list data of one region as it travels in the bundle (P-3.1): RFC 4180 CSV in UTF-8, one row
 * per participant, with a header row. Deterministic (the same participants give the same bytes), so
 * the bundle's hashes are reproducible.
 */

import type { Participant } from './participant-lists.ts';

export const LIST_COLUMNS = [
  'id',
  'last_name',
  'first_name',
  'middle_name',
  'birth_date',
  'address',
  'phone',
  'passport_series',
  'passport_number',
  'precinct',
] as const;

export class ListDataError extends Error {
  readonly code = 'LIST_DATA_MALFORMED';
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function encodeListCsv(participants: readonly Participant[]): string {
  const rows = participants.map((p) =>
    [
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
    ]
      .map(field)
      .join(','),
  );
  return [LIST_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/** RFC 4180 records of a text (quoted fields may hold commas, quotes and line breaks). */
function* records(text: string): Generator<{ line: number; fields: string[] }> {
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new ListDataError(start, 'unterminated quoted field');
          const ch = text[i] ?? '';
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n')
          value += text[i++] ?? '';
      }
      fields.push(value);
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    yield { line: start, fields };
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseListCsv(text: string): Participant[] {
  const out: Participant[] = [];
  let header = true;
  for (const { line, fields } of records(text.startsWith('\uFEFF') ? text.slice(1) : text)) {
    if (header) {
      if (fields.join(',') !== LIST_COLUMNS.join(','))
        throw new ListDataError(line, `expected the header ${LIST_COLUMNS.join(',')}`);
      header = false;
      continue;
    }
    if (fields.length !== LIST_COLUMNS.length) {
      throw new ListDataError(line, `expected ${LIST_COLUMNS.length} fields, got ${fields.length}`);
    }
    const [id, last, first, middle, birth, address, phone, series, number, precinct] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (id === '' || last === '' || first === '' || !DAY.test(birth) || precinct === '') {
      throw new ListDataError(line, 'id, names, birth date (YYYY-MM-DD) and precinct are required');
    }
    out.push({
      id,
      lastName: last,
      firstName: first,
      ...(middle === '' ? {} : { middleName: middle }),
      birthDate: birth,
      address,
      phone,
      passport: { series, number },
      precinct,
    });
  }
  if (header) throw new ListDataError(1, 'empty list data');
  return out;
}
