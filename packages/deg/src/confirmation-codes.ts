/**
 * Confirmation codes sent by SMS (код подтверждения): filing an application (P-2.3) and getting
 * ballot access (P-6.7, P-6.8).
 *
 * - A code has 6 digits (P-6.7: at least 5), drawn uniformly.
 * - A new code may be requested at most once a minute (P-6.8); it replaces the previous one.
 * - A code is stored only as HMAC-SHA-256(pepper, salt ‖ code): with a million possible codes a plain
 *   hash would fall to brute force from a database copy; the pepper is a server secret kept outside
 *   the database.
 * - A code expires, and allows at most 5 wrong entries; after that only a new code helps. Tries are
 *   otherwise unlimited until the window closes (P-6.8) — the caller checks the window.
 *
 * Pure state transitions: the caller stores the record and sends the code through its SMS gateway.
 */

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, equalBytes, hexToBytes, utf8 } from '@opendeg/crypto';

export const CODE_DIGITS = 6;
export const RESEND_INTERVAL_MS = 60_000;
export const MAX_WRONG_ENTRIES = 5;

/** What is stored about the current code of one voter and one purpose. Nothing here reveals the code. */
export interface CodeRecord {
  readonly purpose: 'application' | 'ballot-access';
  readonly saltHex: string;
  readonly macHex: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly wrongEntries: number;
  readonly used: boolean;
}

export type CodeFailure =
  | { readonly code: 'RESEND_TOO_SOON'; readonly retryAfterSeconds: number }
  | { readonly code: 'CODE_WRONG'; readonly attemptsLeft: number }
  | { readonly code: 'CODE_EXPIRED' }
  | { readonly code: 'CODE_TOO_MANY_WRONG' }
  | { readonly code: 'CODE_USED' }
  | { readonly code: 'NO_CODE' };

export const CODE_MESSAGES: Readonly<Record<CodeFailure['code'], { ru: string; en: string }>> = {
  RESEND_TOO_SOON: {
    ru: 'Новый код можно запросить не чаще одного раза в минуту.',
    en: 'A new code can be requested at most once a minute.',
  },
  CODE_WRONG: { ru: 'Неверный код подтверждения.', en: 'Wrong confirmation code.' },
  CODE_EXPIRED: {
    ru: 'Срок действия кода истёк. Запросите новый код.',
    en: 'The code has expired. Request a new one.',
  },
  CODE_TOO_MANY_WRONG: {
    ru: 'Слишком много неверных попыток. Запросите новый код.',
    en: 'Too many wrong attempts. Request a new code.',
  },
  CODE_USED: { ru: 'Этот код уже использован.', en: 'This code has already been used.' },
  NO_CODE: { ru: 'Сначала запросите код подтверждения.', en: 'Request a confirmation code first.' },
};

/** A uniform code of `digits` digits (rejection sampling: no modulo bias). */
export function randomCode(digits = CODE_DIGITS): string {
  const range = 10 ** digits;
  const limit = Math.floor(0x1_0000_0000 / range) * range;
  for (;;) {
    const x = new DataView(globalThis.crypto.getRandomValues(new Uint8Array(4)).buffer).getUint32(0);
    if (x < limit) return String(x % range).padStart(digits, '0');
  }
}

function mac(pepper: Uint8Array, salt: Uint8Array, code: string): Uint8Array {
  return hmac(sha256, pepper, new Uint8Array([...salt, ...utf8(code)]));
}

/**
 * P-6.8: issues a new code unless the previous one was issued less than a minute ago.
 * Returns the code to send (never stored) and the record to store.
 */
export function issueCode(
  pepper: Uint8Array,
  purpose: CodeRecord['purpose'],
  previous: CodeRecord | undefined,
  now: number,
  options: { ttlMs?: number; digits?: number } = {},
): { ok: true; code: string; record: CodeRecord } | { ok: false; failure: CodeFailure } {
  if (pepper.length < 32) throw new RangeError('the pepper must be at least 32 bytes');
  if (previous !== undefined && now - previous.issuedAt < RESEND_INTERVAL_MS) {
    return {
      ok: false,
      failure: {
        code: 'RESEND_TOO_SOON',
        retryAfterSeconds: Math.ceil((previous.issuedAt + RESEND_INTERVAL_MS - now) / 1000),
      },
    };
  }
  const code = randomCode(options.digits ?? CODE_DIGITS);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return {
    ok: true,
    code,
    record: {
      purpose,
      saltHex: bytesToHex(salt),
      macHex: bytesToHex(mac(pepper, salt, code)),
      issuedAt: now,
      expiresAt: now + (options.ttlMs ?? 5 * 60_000),
      wrongEntries: 0,
      used: false,
    },
  };
}

/** Checks an entered code. The returned record must be stored whatever the outcome. */
export function checkCode(
  pepper: Uint8Array,
  record: CodeRecord | undefined,
  entered: string,
  now: number,
): { ok: true; record: CodeRecord } | { ok: false; failure: CodeFailure; record?: CodeRecord } {
  if (record === undefined) return { ok: false, failure: { code: 'NO_CODE' } };
  if (record.used) return { ok: false, failure: { code: 'CODE_USED' }, record };
  if (record.wrongEntries >= MAX_WRONG_ENTRIES)
    return { ok: false, failure: { code: 'CODE_TOO_MANY_WRONG' }, record };
  if (now >= record.expiresAt) return { ok: false, failure: { code: 'CODE_EXPIRED' }, record };
  const candidate = mac(pepper, hexToBytes(record.saltHex), entered.trim());
  if (!equalBytes(candidate, hexToBytes(record.macHex))) {
    const next = { ...record, wrongEntries: record.wrongEntries + 1 };
    return next.wrongEntries >= MAX_WRONG_ENTRIES
      ? { ok: false, failure: { code: 'CODE_TOO_MANY_WRONG' }, record: next }
      : {
          ok: false,
          failure: { code: 'CODE_WRONG', attemptsLeft: MAX_WRONG_ENTRIES - next.wrongEntries },
          record: next,
        };
  }
  return { ok: true, record: { ...record, used: true } };
}
