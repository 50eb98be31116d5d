// The ledger's blocks for portal observers and regional commissions (P-10.10, appointed per P-10.9):
// signed in, they list the blocks of the signed checkpoint, download each (the server audits the
// download) and check one here in the browser, trusting nothing the server says without proof:
//   1. the block's bytes hash to the SHA-256 the server names;
//   2. its entries, hashed into RFC 9162 leaves, give the first entry's leaf hash;
//   3. the inclusion proof of the first entry starts with the block's own subtree hashes (RFC 9162
//      PATH(0, block): the block is a node of the tree), so every entry of the block is bound;
//   4. the proof leads from the first leaf to the root of the signed checkpoint.
// Anonymous visitors get the login; an account without the role gets the server's refusal.
import { useEffect, useState } from 'react';
import type { Api } from '@opendeg/server';
import { ApiFailure, call, splitMessage } from '../api.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { LoginPrompt, LogoutButton } from '../components/login-prompt.tsx';
import { formatNumber } from '../format.ts';
import { useI18n, type Localized } from '../i18n.tsx';
import {
  hashChildren,
  hashLeaf,
  parseSignedCheckpoint,
  rootFromInclusionProof,
} from '../verify/receipt-check.ts';

type BlockList = Api['GET /api/observers/blocks']['response'];

type Check =
  | { readonly n: number; readonly state: 'running' }
  | {
      readonly n: number;
      readonly state: 'verified';
      readonly count: number;
      readonly size: number;
      readonly sha256: string;
    }
  | { readonly n: number; readonly state: 'failed'; readonly why: Localized };

const fail = (ru: string, en: string): Localized => ({ ru, en });

function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const split = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));

/** RFC 9162 §2.1.1 MTH of leaf hashes (n ≥ 1). */
async function treeHash(leaves: readonly Uint8Array[]): Promise<Uint8Array> {
  if (leaves.length === 1) return leaves[0] ?? new Uint8Array();
  const k = split(leaves.length);
  return hashChildren(await treeHash(leaves.slice(0, k)), await treeHash(leaves.slice(k)));
}

/** RFC 9162 §2.1.3.1 PATH(0, D[n]): the audit path of the first leaf inside the block. */
async function pathOfFirst(leaves: readonly Uint8Array[]): Promise<Uint8Array[]> {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return [...(await pathOfFirst(leaves.slice(0, k))), await treeHash(leaves.slice(k))];
}

/** The C2SP entry bundle: each entry after its 2-byte big-endian length. */
function entriesOf(bundle: Uint8Array): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) return undefined;
    const length = ((bundle[at] ?? 0) << 8) | (bundle[at + 1] ?? 0);
    if (at + 2 + length > bundle.length) return undefined;
    out.push(bundle.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return out;
}

async function download(n: number): Promise<{ bytes: Uint8Array; sha256: string | null }> {
  const response = await fetch(`/api/observers/blocks/${String(n)}`, { credentials: 'same-origin' });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: unknown };
    throw new ApiFailure(
      response.status,
      body.code ?? `HTTP_${String(response.status)}`,
      splitMessage(body.message),
    );
  }
  return {
    bytes: new Uint8Array(await response.arrayBuffer()),
    sha256: response.headers.get('x-block-sha256'),
  };
}

/** Every step above; the first that fails says why. */
async function checkBlock(n: number): Promise<Check> {
  const proof = await call('GET /api/observers/blocks/:n/proof', { params: { n } });
  const cp = parseSignedCheckpoint(proof.checkpoint);
  if (cp?.size !== proof.treeSize)
    return {
      n,
      state: 'failed',
      why: fail('контрольная точка не читается', 'the checkpoint does not parse'),
    };
  const { bytes, sha256 } = await download(n);
  const digest = hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
  if (digest !== sha256)
    return { n, state: 'failed', why: fail('хеш блока не совпадает', 'the block hash does not match') };
  // The block may have grown since the proof (the last one): its first entries are the proof's.
  const all = entriesOf(bytes);
  const width = Math.min(256, proof.treeSize - proof.index);
  if (all === undefined || all.length < width)
    return { n, state: 'failed', why: fail('блок повреждён', 'the block is malformed') };
  const leaves = await Promise.all(all.slice(0, width).map(hashLeaf));
  const first = leaves[0];
  if (first === undefined || !equal(first, fromBase64(proof.leafHash)))
    return { n, state: 'failed', why: fail('первая запись не та', 'the first entry differs') };
  const path = proof.inclusionProof.map(fromBase64);
  const inner = await pathOfFirst(leaves);
  if (!inner.every((h, i) => path[i] !== undefined && equal(h, path[i])))
    return {
      n,
      state: 'failed',
      why: fail('записи блока не входят в дерево', 'the block’s entries are not in the tree'),
    };
  const root = await rootFromInclusionProof(first, proof.index, proof.treeSize, path);
  if (typeof root === 'string' || !equal(root, cp.root))
    return {
      n,
      state: 'failed',
      why: fail('доказательство включения не сходится', 'the inclusion proof fails'),
    };
  return { n, state: 'verified', count: width, size: cp.size, sha256: digest };
}

export function BlocksPanel() {
  const { t, pick, lang } = useI18n();
  const [list, setList] = useState<BlockList>();
  const [error, setError] = useState<unknown>();
  const [check, setCheck] = useState<Check>();

  useEffect(() => {
    call('GET /api/observers/blocks').then(setList, setError);
  }, []);

  const anonymous = error instanceof ApiFailure && error.status === 401;
  const run = (n: number) => {
    setCheck({ n, state: 'running' });
    checkBlock(n).then(setCheck, (e: unknown) => {
      setCheck({
        n,
        state: 'failed',
        why: e instanceof ApiFailure ? e.text : fail('ошибка проверки', 'the check failed'),
      });
    });
  };

  return (
    <section aria-labelledby="blocks-heading">
      <h2 id="blocks-heading">{t('observe.blocks.heading')}</h2>
      {anonymous ? (
        <LoginPrompt returnTo="/observe/blocks" why={t('observe.blocks.loginWhy')} />
      ) : (
        <>
          <LogoutButton />
          <ErrorNotice error={error} />
        </>
      )}
      {list && (
        <>
          <p>{t('observe.blocks.lead')}</p>
          <div role="status" aria-live="polite">
            {check?.state === 'running' && <p>{t('observe.blocks.checking', { n: check.n })}</p>}
            {check?.state === 'verified' && (
              <div className="notice notice-ok" data-check="verified">
                <p>{t('observe.blocks.verified', { n: check.n, count: check.count, size: check.size })}</p>
                <p>
                  {t('observe.blocks.sha256')}: <code>{check.sha256}</code>
                </p>
              </div>
            )}
            {check?.state === 'failed' && (
              <div className="notice notice-error" data-check="failed">
                <p>{t('observe.blocks.failed', { n: check.n, why: pick(check.why) })}</p>
              </div>
            )}
          </div>
          {list.blocks.length === 0 ? (
            <p>{t('observe.blocks.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>
                  {t('observe.blocks.caption', {
                    size: formatNumber(list.treeSize, lang),
                    n: formatNumber(list.blocks.length, lang),
                  })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" className="number">
                      {t('observe.blocks.number')}
                    </th>
                    <th scope="col">{t('observe.blocks.range')}</th>
                    <th scope="col">{t('observe.blocks.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.blocks.map((b) => (
                    <tr key={b.n}>
                      <td className="number">{b.n}</td>
                      <td>
                        {b.start}–{b.end - 1}
                      </td>
                      <td>
                        <a
                          href={`/api/observers/blocks/${String(b.n)}`}
                          download={`block-${String(b.n)}.bundle`}
                        >
                          {t('observe.blocks.download', { n: b.n })}
                        </a>{' '}
                        <button
                          type="button"
                          className="button-link"
                          disabled={check?.state === 'running'}
                          onClick={() => {
                            run(b.n);
                          }}
                        >
                          {t('observe.blocks.check', { n: b.n })}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
