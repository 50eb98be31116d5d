// The commission's write calls and the close of voting (apps/server/src/{lists,keys,ballot,closing}):
// typed calls of the server's `Api` (types only — no server code enters the bundle), so a change of
// the API breaks the build here rather than in the browser.
import type { Api, ApiRoute } from '@opendeg/server';
import { call } from '../api.ts';

type BodyOf<K extends ApiRoute> = Api[K] extends { body: infer B } ? B : never;
type ResponseOf<K extends ApiRoute> = Api[K]['response'];

export type ExclusionBody = BodyOf<'POST /api/lists/:region/exclusions'>;
export type ExclusionReason = ExclusionBody['reason'];
export type Exclusion = ResponseOf<'POST /api/lists/:region/exclusions'>;
export type CeremonyBody = BodyOf<'POST /api/keys/ceremonies'>;
export type Ceremony = ResponseOf<'POST /api/keys/ceremonies'>;
export type Ceremonies = ResponseOf<'GET /api/keys/ceremonies'>;
export type FinalLists = ResponseOf<'GET /api/closing/key-groups/:keyGroup/final-lists'>;
export type CustodyBody = BodyOf<'POST /api/closing/key-groups/:keyGroup/final-lists/custody'>;
export type Custody = ResponseOf<'POST /api/closing/key-groups/:keyGroup/final-lists/custody'>;
export type Progress = ResponseOf<'GET /api/closing/key-groups/:keyGroup/decryption'>;
export type Tallies = ResponseOf<'GET /api/closing/key-groups/:keyGroup/decryption/tallies'>;
export type SharesBody = BodyOf<'POST /api/closing/key-groups/:keyGroup/decryption/shares'>;
export type ProtocolView = ResponseOf<'GET /api/closing/protocol/document'>;
export type RegionProtocol = ProtocolView['protocol']['regions'][number];
export type SignOff = ProtocolView['signOffs'][number];
export type InvalidationBody = BodyOf<'POST /api/closing/protocol/invalidations'>;
export type BallotVersions = ResponseOf<'GET /api/ballot/versions'>;
export type BallotUpdateBody = BodyOf<'POST /api/ballot/versions'>;
export type RegionBallot = ResponseOf<'GET /api/ballot/:region'>;
export type Retention = ResponseOf<'GET /api/closing/retention'>;
export type DestructionActBody = BodyOf<'POST /api/closing/destruction-acts'>;
export type WipeBody = BodyOf<'POST /api/closing/workstation-wipes'>;

export const commissionApi = {
  exclude: (region: string, body: ExclusionBody) =>
    call('POST /api/lists/:region/exclusions', { params: { region }, body }),
  holdCeremony: (body: CeremonyBody) => call('POST /api/keys/ceremonies', { body }),
  ceremonies: () => call('GET /api/keys/ceremonies'),
  orderFinalLists: (keyGroup: string) =>
    call('POST /api/closing/key-groups/:keyGroup/final-lists', { params: { keyGroup } }),
  finalLists: (keyGroup: string) =>
    call('GET /api/closing/key-groups/:keyGroup/final-lists', { params: { keyGroup } }),
  signFinalLists: (keyGroup: string, signature: string) =>
    call('POST /api/closing/key-groups/:keyGroup/final-lists/signatures', {
      params: { keyGroup },
      body: { signature },
    }),
  custody: (keyGroup: string, body: CustodyBody) =>
    call('POST /api/closing/key-groups/:keyGroup/final-lists/custody', { params: { keyGroup }, body }),
  startDecryption: (keyGroup: string) =>
    call('POST /api/closing/key-groups/:keyGroup/decryption', {
      params: { keyGroup },
      body: { mode: 'threshold' },
    }),
  progress: (keyGroup: string) =>
    call('GET /api/closing/key-groups/:keyGroup/decryption', { params: { keyGroup } }),
  tallies: (keyGroup: string) =>
    call('GET /api/closing/key-groups/:keyGroup/decryption/tallies', { params: { keyGroup } }),
  shares: (keyGroup: string, body: SharesBody) =>
    call('POST /api/closing/key-groups/:keyGroup/decryption/shares', { params: { keyGroup }, body }),
  invalidate: (body: InvalidationBody) => call('POST /api/closing/protocol/invalidations', { body }),
  compileProtocol: (present: readonly string[]) =>
    call('POST /api/closing/protocol', { body: { present: [...present] } }),
  protocolDocument: () => call('GET /api/closing/protocol/document'),
  signProtocol: (signature: string) => call('POST /api/closing/protocol/signatures', { body: { signature } }),
  reason: (memberId: string, reason: string) =>
    call('POST /api/closing/protocol/reasons', { body: { memberId, reason } }),
  resultsCustody: (body: CustodyBody) => call('POST /api/closing/results/custody', { body }),
  ballotVersions: () => call('GET /api/ballot/versions'),
  updateBallot: (body: BallotUpdateBody) => call('POST /api/ballot/versions', { body }),
  regionBallot: (region: string, lang: string) =>
    call('GET /api/ballot/:region', { params: { region }, query: { lang } }),
  retention: () => call('GET /api/closing/retention'),
  recordDestruction: (body: DestructionActBody) => call('POST /api/closing/destruction-acts', { body }),
  recordWipe: (body: WipeBody) => call('POST /api/closing/workstation-wipes', { body }),
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
