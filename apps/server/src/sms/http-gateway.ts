// A generic HTTP adapter for an operator's SMS gateway: each message is one POST of
// `{ "phone": "+7…", "text": "…" }` as JSON to the configured URL, with an optional
// Authorization header. Any 2xx is acceptance; anything else, or no answer within the timeout,
// is an SmsGatewayError whose message names only the status (never the phone or the text).
import { SmsGatewayError, type SmsGateway } from './sms-gateway.ts';

export interface HttpSmsGatewayOptions {
  url: string;
  /** Sent as the Authorization header, e.g. `Bearer …`. */
  authorization?: string;
  /** Default 10 s. */
  timeoutMs?: number;
}

export class HttpSmsGateway implements SmsGateway {
  readonly #options: HttpSmsGatewayOptions;

  constructor(options: HttpSmsGatewayOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new RangeError(`SMS gateway URL must be http(s): ${url.protocol}`);
    this.#options = options;
  }

  async send(phone: string, text: string): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#options.authorization !== undefined) headers.authorization = this.#options.authorization;
    let response: Response;
    try {
      response = await fetch(this.#options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ phone, text }),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch (e) {
      throw new SmsGatewayError('SMS gateway unreachable', { cause: e });
    }
    // The body is drained so the connection can be reused; its content is not needed.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new SmsGatewayError(`SMS gateway answered ${response.status}`);
  }
}
