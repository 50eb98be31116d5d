// The ledger's blocks for portal observers and regional commissions, Procedure P-10.10 (appointed
// per P-10.9): they download the blocks with the encrypted choices and check them.
//   GET /api/observers/blocks            the blocks of the latest signed checkpoint: its entries in
//                                        blocks of 256, the C2SP entry bundles tile/entries/N
//   GET /api/observers/blocks/:n         block n's entry bundle: the very bytes the public tile
//                                        /log/tile/entries/N (or its partial .p/W) serves, with their
//                                        SHA-256 in `x-block-sha256`
//   GET /api/observers/blocks/:n/proof   the inclusion proof of block n's first entry against the
//                                        latest checkpoint; with the block's leaves it binds every
//                                        entry of the block to the signed root (RFC 9162 PATH of the
//                                        first leaf starts with the block's own subtree hashes)
// The public tiles stay public (P-11.10.5); these routes add the observers' own access and a trace:
// each download is an audit row with the caller's role assignment id and the block number only,
// so the commission sees that P-10.10 was exercised. The assignment id, not the account: the audit
// log carries no account identifiers (audit.ts), and role_assignments resolves it for the commission.
import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { formatTilePath, serveTile, TILE_WIDTH, toBase64, type Ledger } from '@opendeg/ledger';
import { writeAudit } from '../audit.ts';
import type { AccessControl } from '../authz/access.ts';
import { PERMISSIONS } from '../authz/roles.ts';
import type { Clock } from '../deps.ts';
import { ApiError, bilingual } from '../errors.ts';

export interface BlocksRoutesOptions {
  pool: pg.Pool;
  clock: Clock;
  electionId: string;
  accessControl: AccessControl;
  ledger: Ledger;
}

const BlockNumber = Type.Object(
  { n: Type.Integer({ minimum: 0, maximum: 2 ** 40, description: 'The block (entry bundle) number' }) },
  { additionalProperties: false },
);

export const BlockView = Type.Object(
  {
    n: Type.Integer({ minimum: 0 }),
    /** First entry index of the block. */
    start: Type.Integer({ minimum: 0 }),
    /** One past the last entry index (start + width). */
    end: Type.Integer({ minimum: 1 }),
    width: Type.Integer({ minimum: 1, maximum: TILE_WIDTH }),
    /** The public tile with the same bytes, below /log/. */
    tile: Type.String(),
  },
  { title: 'LedgerBlock', additionalProperties: false },
);

export const blocksSchemas = {
  list: {
    summary: 'Ledger blocks for observers (P-10.10) / Блоки реестра для наблюдателей',
    tags: ['observers'],
    response: {
      200: Type.Object(
        {
          treeSize: Type.Integer({ minimum: 0, description: 'The signed checkpoint’s size' }),
          checkpoint: Type.String({ description: 'The signed checkpoint note (C2SP)' }),
          blockSize: Type.Integer({ minimum: 1, description: 'Entries a block: 256' }),
          blocks: Type.Array(BlockView),
        },
        { additionalProperties: false },
      ),
    },
  },
  block: {
    summary: 'One ledger block: its entry bundle (P-10.10) / Блок реестра',
    tags: ['observers'],
    params: BlockNumber,
    response: {
      200: Type.Unsafe<Uint8Array>({
        type: 'string',
        format: 'binary',
        description: 'C2SP entry bundle: each entry with a 2-byte big-endian length',
      }),
    },
  },
  proof: {
    summary: 'Inclusion proof of a block’s first entry (P-10.10) / Доказательство включения блока',
    tags: ['observers'],
    params: BlockNumber,
    response: {
      200: Type.Object(
        {
          index: Type.Integer({ minimum: 0 }),
          treeSize: Type.Integer({ minimum: 1 }),
          checkpoint: Type.String(),
          leafHash: Type.String({ description: 'base64' }),
          inclusionProof: Type.Array(Type.String({ description: 'base64' })),
        },
        { additionalProperties: false },
      ),
    },
  },
};

const blockNotFound = (n: number): ApiError =>
  new ApiError(
    'BLOCK_NOT_FOUND',
    404,
    bilingual({
      ru: `Блока ${String(n)} нет в подписанном реестре`,
      en: `Block ${String(n)} is not in the signed ledger`,
    }),
  );

/** The blocks of a tree of `size` entries: full bundles of 256, the last one partial. */
export function blocksOf(size: number): { n: number; start: number; end: number; width: number }[] {
  const out = [];
  for (let start = 0, n = 0; start < size; start += TILE_WIDTH, n++) {
    const width = Math.min(TILE_WIDTH, size - start);
    out.push({ n, start, end: start + width, width });
  }
  return out;
}

const tilePath = (n: number, width: number): string => formatTilePath({ level: 'entries', index: n, width });

export const blocksRoutes: FastifyPluginCallbackTypebox<BlocksRoutesOptions> = (app, options, done) => {
  const { pool, clock, electionId, accessControl, ledger } = options;
  const allow = PERMISSIONS.downloadLedger;

  /** The checkpoint and block n's width in it, or BLOCK_NOT_FOUND. */
  async function locate(n: number): Promise<{ size: number; width: number }> {
    const cp = await ledger.loadCheckpoint();
    const start = n * TILE_WIDTH;
    if (cp === null || start >= cp.size) throw blockNotFound(n);
    return { size: cp.size, width: Math.min(TILE_WIDTH, cp.size - start) };
  }

  /** One audit row a download: the role assignment and the block number, nothing else. */
  async function audit(request: Parameters<AccessControl['access']>[0], n: number, what: string) {
    const access = await accessControl.access(request);
    const held = access.assignments.find((a) => (allow as readonly string[]).includes(a.role));
    await writeAudit(pool, {
      electionId,
      at: clock.now(),
      // The column's format (hyphen → underscore).
      actorRole: held?.role === 'regional-commission' ? 'regional_commission' : 'portal_observer',
      action: `ledger_block.${what}`,
      disposition: 'success',
      details: { assignmentId: held?.id ?? null, block: n },
    });
  }

  app.get('/api/observers/blocks', { schema: blocksSchemas.list, config: { allow } }, async () => {
    const cp = await ledger.loadCheckpoint();
    const size = cp?.size ?? 0;
    return {
      treeSize: size,
      checkpoint: cp?.note ?? '',
      blockSize: TILE_WIDTH,
      blocks: blocksOf(size).map((b) => ({ ...b, tile: tilePath(b.n, b.width) })),
    };
  });

  app.get(
    '/api/observers/blocks/:n',
    { schema: blocksSchemas.block, config: { allow } },
    async (request, reply) => {
      const { n } = request.params;
      const { size, width } = await locate(n);
      // The ledger's own tile reading, so the bytes are the public tile's.
      const res = await serveTile(ledger, { path: tilePath(n, width) });
      if (res.status !== 200) throw blockNotFound(n);
      await audit(request, n, 'download');
      return reply
        .status(200)
        .headers({
          'content-type': 'application/octet-stream',
          'cache-control': 'private, no-store',
          'content-disposition': `attachment; filename="block-${String(n)}.bundle"`,
          'x-block-sha256': createHash('sha256').update(res.body).digest('hex'),
          'x-block-start': String(n * TILE_WIDTH),
          'x-block-width': String(width),
          'x-ledger-size': String(size),
        })
        .send(res.body);
    },
  );

  app.get(
    '/api/observers/blocks/:n/proof',
    { schema: blocksSchemas.proof, config: { allow } },
    async (request) => {
      const { n } = request.params;
      await locate(n);
      const receipt = await ledger.receipt(n * TILE_WIDTH);
      if (!receipt.ok) throw blockNotFound(n);
      const r = receipt.value;
      return {
        index: r.index,
        treeSize: r.treeSize,
        checkpoint: r.checkpoint,
        leafHash: toBase64(r.leafHash),
        inclusionProof: r.inclusionProof.map(toBase64),
      };
    },
  );

  done();
};
