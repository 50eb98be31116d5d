// The typed API client: fetch on the page's own origin (the session cookie goes along), the wire
// types of @opendeg/server (types only — no server code enters the bundle), and every failure as
// an ApiFailure carrying the server's stable code and its message in Russian and English.
import type { Api, ApiRoute, ErrorBody } from '@opendeg/server';
import type { Localized } from './i18n.tsx';

/** One reason a filing is refused (seed 003), as the server sends it. */
export interface RefusalView {
  readonly code: string;
  readonly message: { readonly ru: string; readonly en: string };
}

/** A failed request: the server's error body, or a network failure described the same way. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly text: Localized;
  readonly eventId: string | undefined;
  readonly refusals: readonly RefusalView[];
  readonly retryAfterSeconds: number | undefined;
  readonly attemptsLeft: number | undefined;

  constructor(
    status: number,
    code: string,
    text: Localized,
    facts: {
      eventId?: string;
      refusals?: readonly RefusalView[];
      retryAfterSeconds?: number;
      attemptsLeft?: number;
    } = {},
  ) {
    super(`${code}: ${text.ru}`);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.text = text;
    this.eventId = facts.eventId;
    this.refusals = facts.refusals ?? [];
    this.retryAfterSeconds = facts.retryAfterSeconds;
    this.attemptsLeft = facts.attemptsLeft;
  }
}

/**
 * The server's message is `{ru, en}`, or one string "Russian / English" (the API's current form):
 * split at the first " / ", Russian before it.
 */
export function splitMessage(message: unknown): Localized {
  if (typeof message === 'object' && message !== null && 'ru' in message) {
    const m = message as { ru: unknown; en?: unknown };
    const ru = typeof m.ru === 'string' ? m.ru : '';
    return typeof m.en === 'string' ? { ru, en: m.en } : { ru };
  }
  const text = typeof message === 'string' ? message : '';
  const at = text.indexOf(' / ');
  return at < 0 ? { ru: text, en: text } : { ru: text.slice(0, at), en: text.slice(at + 3) };
}

const NETWORK: Localized = {
  ru: 'Нет связи с сервером. Проверьте подключение и повторите — ничего не потеряно.',
  en: 'No connection to the server. Check your connection and try again — nothing is lost.',
};

const UNREADABLE: Localized = {
  ru: 'Сервер ответил непонятно. Повторите попытку позже.',
  en: 'The server gave an unreadable answer. Try again later.',
};

function failureOf(status: number, body: unknown): ApiFailure {
  if (typeof body !== 'object' || body === null || !('code' in body)) {
    return new ApiFailure(status, `HTTP_${status}`, UNREADABLE);
  }
  const b = body as Partial<ErrorBody> & { message?: unknown; refusals?: RefusalView[] };
  return new ApiFailure(status, String(b.code), splitMessage(b.message), {
    ...(b.eventId !== undefined ? { eventId: b.eventId } : {}),
    ...(b.refusals !== undefined ? { refusals: b.refusals } : {}),
    ...(b.retryAfterSeconds !== undefined ? { retryAfterSeconds: b.retryAfterSeconds } : {}),
    ...(b.attemptsLeft !== undefined ? { attemptsLeft: b.attemptsLeft } : {}),
  });
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** One JSON request to this origin; resolves to the success body, rejects with ApiFailure. */
export async function requestJson<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiFailure(0, 'NETWORK', NETWORK);
  }
  let body: unknown;
  try {
    body = response.status === 204 ? null : await response.json();
  } catch {
    throw new ApiFailure(response.status, `HTTP_${response.status}`, UNREADABLE);
  }
  if (!response.ok) throw failureOf(response.status, body);
  return body as T;
}

type BodyOf<K extends ApiRoute> = Api[K] extends { body: infer B } ? B : Record<string, never>;
type ParamsOf<K extends ApiRoute> = Api[K] extends { params: infer P } ? P : undefined;
type QueryOf<K extends ApiRoute> = Api[K] extends { query: infer Q } ? Q : undefined;

/** A typed call of a route of the server's `Api`: `call('GET /api/me')`. */
export function call<K extends ApiRoute>(
  route: K,
  parts: { params?: ParamsOf<K>; query?: QueryOf<K>; body?: BodyOf<K>; signal?: AbortSignal } = {},
): Promise<Api[K]['response']> {
  const space = route.indexOf(' ');
  const method = route.slice(0, space);
  const params = (parts.params ?? {}) as Record<string, string>;
  const path = route
    .slice(space + 1)
    .replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  return requestJson(method, path, {
    ...(parts.query !== undefined ? { query: parts.query as Record<string, string> } : {}),
    ...(parts.body !== undefined ? { body: parts.body } : {}),
    ...(parts.signal ? { signal: parts.signal } : {}),
  });
}

/** Where the login goes: the identity provider, then back to `returnTo` on this site. */
export function loginUrl(returnTo: string): string {
  return `/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
}
