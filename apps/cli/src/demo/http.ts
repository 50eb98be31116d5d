// The demo's HTTP side: a browser-like client (a cookie jar, redirects followed by hand so that the
// OIDC login of the identity stand-in runs as a browser runs it) and JSON calls that turn a refusal
// into a DemoError naming the step, the status and the server's stable error code.

/** A failed step of the demo: what was being done, and the server's code when it refused. */
export class DemoError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'DemoError';
    this.code = code;
  }
}

export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T & { code?: string; message?: string };
}

export class Browser {
  readonly #cookies = new Map<string, { value: string; path: string }>();
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  #cookieHeader(url: URL): string {
    return [...this.#cookies.entries()]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  // Expiry is left to the server: its cookies follow the scenario clock, not this machine's.
  #store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const maxAge = attributes.find((a) => a.toLowerCase().startsWith('max-age='));
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (value === '' || maxAge?.toLowerCase() === 'max-age=0') this.#cookies.delete(name);
      else this.#cookies.set(name, { value, path });
    }
  }

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.baseUrl);
    const headers = new Headers(init.headers);
    const cookie = this.#cookieHeader(target);
    if (cookie !== '') headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.#store(response);
    return response;
  }

  /** Follows redirects until an answer that is not one, or until `stop` accepts the next location. */
  async follow(
    url: string | URL,
    init: RequestInit = {},
    stop: (location: URL) => boolean = () => false,
  ): Promise<{ response: Response; url: URL; stoppedAt?: URL }> {
    let current = new URL(url, this.baseUrl);
    let response = await this.request(current, init);
    for (let i = 0; i < 20; i++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) {
        return { response, url: current };
      }
      await response.arrayBuffer();
      const next = new URL(location, current);
      if (stop(next)) return { response, url: current, stoppedAt: next };
      current = next;
      response = await this.request(current);
    }
    throw new DemoError('LOGIN_FAILED', 'too many redirects');
  }

  /** The whole OIDC login through the stand-in of the state identity system, as a browser does it. */
  async logIn(accountId: string): Promise<void> {
    const returnTo = '/after-login';
    const page = await this.follow(
      `/auth/login?returnTo=${encodeURIComponent(returnTo)}`,
      {},
      (l) => l.pathname === returnTo,
    );
    // Still signed in at the identity provider: it sends the browser straight back.
    if (page.stoppedAt !== undefined) return;
    const html = await page.response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (page.response.status !== 200 || action === undefined) {
      throw new DemoError(
        'LOGIN_FAILED',
        `вход не удался / login failed: ${page.response.status} at ${page.url.pathname}`,
      );
    }
    const done = await this.follow(
      new URL(action.replace(/&amp;/g, '&'), page.url),
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ account: accountId }).toString(),
      },
      (l) => l.pathname === returnTo,
    );
    if (done.stoppedAt?.pathname !== returnTo) {
      throw new DemoError('LOGIN_FAILED', `вход не удался / login failed: ${done.response.status}`);
    }
  }

  /** One JSON call; the answer whatever its status. */
  async call<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const response = await this.request(path, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    const text = await response.text();
    let parsed: unknown = {};
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return { status: response.status, body: parsed as T & { code?: string; message?: string } };
  }

  /** A call that must succeed: otherwise a DemoError naming the step and the server's code. */
  async must<T>(what: string, method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.call<T>(method, path, body);
    if (r.status >= 300) {
      throw new DemoError(
        r.body.code ?? `HTTP_${r.status}`,
        `${what}: ${r.status} ${r.body.code ?? ''} ${r.body.message ?? ''}`.trim(),
      );
    }
    return r.body;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; the results in the items' order. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  onDone?: (done: number) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i] as T, i);
      done++;
      onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}
