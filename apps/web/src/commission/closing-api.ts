// The commission's write calls and the close of voting (apps/server/src/{lists,keys,closing}): the
// wire types come from the server's own TypeBox schemas (types only — no server code enters the
// bundle), so a change of the API breaks the build here rather than in the browser.
import type { Static } from 'typebox';
import type { keySchemas } from '../../../server/src/keys/ceremony-routes.ts';
import type { decryptionSchemas } from '../../../server/src/closing/decryption-routes.ts';
import type { finalListSchemas } from '../../../server/src/closing/final-lists-routes.ts';
import type { protocolSchemas } from '../../../server/src/closing/protocol-routes.ts';
import type { listSchemas } from '../../../server/src/lists/routes.ts';
import { requestJson } from '../api.ts';

export type ExclusionBody = Static<typeof listSchemas.exclude.body>;
export type ExclusionReason = ExclusionBody['reason'];
export type Exclusion = Static<(typeof listSchemas.exclude.response)[201]>;
export type CeremonyBody = Static<typeof keySchemas.hold.body>;
export type Ceremony = Static<(typeof keySchemas.hold.response)[201]>;
export type Ceremonies = Static<(typeof keySchemas.list.response)[200]>;
export type FinalLists = Static<(typeof finalListSchemas.view.response)[200]>;
export type CustodyBody = Static<typeof finalListSchemas.custody.body>;
export type Custody = Static<(typeof finalListSchemas.custody.response)[201]>;
export type Progress = Static<(typeof decryptionSchemas.progress.response)[200]>;
export type Tallies = Static<(typeof decryptionSchemas.tallies.response)[200]>;
export type SharesBody = Static<typeof decryptionSchemas.shares.body>;
export type ProtocolView = Static<(typeof protocolSchemas.document.response)[200]>;
export type RegionProtocol = ProtocolView['protocol']['regions'][number];
export type SignOff = ProtocolView['signOffs'][number];
export type InvalidationBody = Static<typeof protocolSchemas.invalidate.body>;

const group = (keyGroup: string) => `/api/closing/key-groups/${encodeURIComponent(keyGroup)}`;

export const commissionApi = {
  exclude: (region: string, body: ExclusionBody) =>
    requestJson<Exclusion>('POST', `/api/lists/${encodeURIComponent(region)}/exclusions`, { body }),
  holdCeremony: (body: CeremonyBody) => requestJson<Ceremony>('POST', '/api/keys/ceremonies', { body }),
  ceremonies: () => requestJson<Ceremonies>('GET', '/api/keys/ceremonies'),
  orderFinalLists: (keyGroup: string) => requestJson<FinalLists>('POST', `${group(keyGroup)}/final-lists`),
  finalLists: (keyGroup: string) => requestJson<FinalLists>('GET', `${group(keyGroup)}/final-lists`),
  signFinalLists: (keyGroup: string, signature: string) =>
    requestJson<FinalLists>('POST', `${group(keyGroup)}/final-lists/signatures`, { body: { signature } }),
  custody: (keyGroup: string, body: CustodyBody) =>
    requestJson<Custody>('POST', `${group(keyGroup)}/final-lists/custody`, { body }),
  startDecryption: (keyGroup: string) =>
    requestJson<Progress>('POST', `${group(keyGroup)}/decryption`, { body: { mode: 'threshold' } }),
  progress: (keyGroup: string) => requestJson<Progress>('GET', `${group(keyGroup)}/decryption`),
  tallies: (keyGroup: string) => requestJson<Tallies>('GET', `${group(keyGroup)}/decryption/tallies`),
  shares: (keyGroup: string, body: SharesBody) =>
    requestJson<Progress>('POST', `${group(keyGroup)}/decryption/shares`, { body }),
  invalidate: (body: InvalidationBody) =>
    requestJson<{ region: string }>('POST', '/api/closing/protocol/invalidations', { body }),
  compileProtocol: (present: readonly string[]) =>
    requestJson<ProtocolView>('POST', '/api/closing/protocol', { body: { present } }),
  protocolDocument: () => requestJson<ProtocolView>('GET', '/api/closing/protocol/document'),
  signProtocol: (signature: string) =>
    requestJson<ProtocolView>('POST', '/api/closing/protocol/signatures', { body: { signature } }),
  reason: (memberId: string, reason: string) =>
    requestJson<ProtocolView>('POST', '/api/closing/protocol/reasons', { body: { memberId, reason } }),
  resultsCustody: (body: CustodyBody) =>
    requestJson<{ id: string }>('POST', '/api/closing/results/custody', { body }),
};

/** The document's bytes as served (base64), exactly what a member signs. */
export function documentBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Offers bytes or text as a file download (the hand-over exports, the key part files). */
export function download(name: string, content: BlobPart, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
