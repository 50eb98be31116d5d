// Logger options: pino through Fastify, one JSON line per event, each carrying the request's
// event id (`reqId`). Personal data never reaches a log (DESIGN): request bodies and query strings
// are not logged, credentials in headers are redacted, and any field whose name looks like
// personal data (name, birth date, address, phone, passport, SNILS, e-mail) is redacted at any depth.
import type { FastifyServerOptions } from 'fastify';
import type { LoggerDeps } from './deps.ts';

export const REDACTED = '[REDACTED]';

// Field names are compared lower-cased with `_`/`-` removed, so `phone_number`, `phoneNumber`
// and `Phone-Number` are one name.
const PERSONAL_EXACT = new Set(['name', 'surname', 'patronymic', 'inn', 'sub', 'subject', 'accountid']);
const PERSONAL_PARTS = ['fullname', 'firstname', 'lastname', 'middlename', 'givenname', 'familyname'];
const PERSONAL_SUBSTRINGS = ['birth', 'address', 'phone', 'passport', 'snils', 'email', 'mail'];

export function isPersonalField(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return (
    PERSONAL_EXACT.has(k) ||
    PERSONAL_PARTS.some((p) => k.includes(p)) ||
    PERSONAL_SUBSTRINGS.some((p) => k.includes(p))
  );
}

/** Copies `value` with every personal-data field replaced by REDACTED, at any depth. */
export function scrubPersonalData(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubPersonalData(v, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // Requests, replies and errors go to pino's serializers, which pick safe fields. An error's
    // own extra fields are scrubbed in place.
    if (value instanceof Error) {
      for (const key of Object.keys(value)) {
        if (isPersonalField(key)) (value as unknown as Record<string, unknown>)[key] = REDACTED;
      }
    }
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isPersonalField(key) ? REDACTED : scrubPersonalData(v, depth + 1);
  }
  return out;
}

interface RawRequestLike {
  method?: string;
  url?: string;
}

/** The request as logged: method and path only (a query string may carry codes or personal data). */
function serializeRequest(req: RawRequestLike): { method?: string; url?: string } {
  const url = req.url?.split('?')[0];
  return { method: req.method, url };
}

export function loggerOptions(deps: LoggerDeps | undefined): FastifyServerOptions['logger'] {
  return {
    level: deps?.level ?? 'info',
    ...(deps?.destination ? { stream: deps.destination } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
      ],
      censor: REDACTED,
    },
    serializers: { req: serializeRequest },
    formatters: {
      log: (object: Record<string, unknown>) => scrubPersonalData(object) as Record<string, unknown>,
    },
  };
}
