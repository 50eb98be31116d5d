/**
 * Where the node reads a log from: the C2SP tlog-tiles read API (`<base>/checkpoint`,
 * `<base>/tile/<L>/<N>[.p/<W>]`, `<base>/tile/entries/<N>[.p/<W>]`) over HTTP. Every answer keeps
 * its URL, status and time, because what the log served is part of the evidence of an alarm.
 *
 * A failure is `transient` when it says nothing about the log's promises (the network, a proxy or
 * an overloaded server: no connection, timeouts, 502/503/504); any other answer to a request for
 * data a signed checkpoint covers (404, 500, a truncated body) is the log not serving what it signed.
 */

import { formatTilePath, type TileRef } from '@opendeg/ledger';

export type Fetched =
  | { readonly ok: true; readonly url: string; readonly at: number; readonly body: Uint8Array }
  | {
      readonly ok: false;
      readonly url: string;
      readonly at: number;
      readonly transient: boolean;
      readonly status?: number;
      readonly body?: Uint8Array;
      readonly error: string;
    };

export interface LogSource {
  /** Where the log lives, for messages and evidence. */
  readonly base: string;
  checkpoint(): Promise<Fetched>;
  /** A hash tile or an entry bundle. */
  tile(ref: TileRef): Promise<Fetched>;
}

const TRANSIENT_STATUS = new Set([502, 503, 504]);

/** A log read over HTTP(S); `clock` stamps each answer (milliseconds). */
export function httpLogSource(
  base: string,
  options: { clock?: () => number; timeoutMs?: number; fetch?: typeof fetch } = {},
): LogSource {
  const root = base.replace(/\/+$/, '');
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;
  const get = async (path: string): Promise<Fetched> => {
    const url = `${root}/${path}`;
    let res: Response;
    try {
      res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      return {
        ok: false,
        url,
        at: clock(),
        transient: true,
        error: e instanceof Error ? e.message : String(e),
      };
    }
    let body: Uint8Array;
    try {
      body = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      return {
        ok: false,
        url,
        at: clock(),
        transient: true,
        error: e instanceof Error ? e.message : String(e),
      };
    }
    if (res.status !== 200) {
      return {
        ok: false,
        url,
        at: clock(),
        transient: TRANSIENT_STATUS.has(res.status),
        status: res.status,
        body: body.slice(0, 4096),
        error: `HTTP ${res.status}`,
      };
    }
    return { ok: true, url, at: clock(), body };
  };
  return {
    base: root,
    checkpoint: () => get('checkpoint'),
    tile: (ref) => get(formatTilePath(ref)),
  };
}
