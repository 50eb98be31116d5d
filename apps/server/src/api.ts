// The wire contract as types, for typed clients (apps/web, tests): each route's request parts and
// success response, derived from the same TypeBox schemas the server validates with.
import type { Static } from 'typebox';
import type { AccountClaims } from './identity/claims.ts';
import type { authSchemas } from './identity/client.ts';
import type { HealthBody } from './routes/health.ts';
import type { applicationSchemas, CodeSent, ProcessingReport } from './applications/routes.ts';
import type { devSmsSchema } from './sms/dev-routes.ts';
import type { roleSchemas } from './authz/routes.ts';
import type { listSchemas } from './lists/routes.ts';
import type { commissionSchemas } from './commission/decision-routes.ts';
import type { observerSchemas } from './commission/observer-routes.ts';
import type { votingSchemas } from './voting/routes.ts';
import type { figuresSchemas } from './figures/routes.ts';
import type { ballotSchemas } from './ballot/ballot-routes.ts';
import type { premisesSchemas } from './premises/premises-routes.ts';
import type { keySchemas } from './keys/ceremony-routes.ts';
import type { manifestSchemas } from './keys/manifest-routes.ts';
import type { distributedSchemas } from './keys/distributed-routes.ts';
import type { boxSchemas } from './ballot-box/routes.ts';
import type { blocksSchemas } from './observers/blocks-routes.ts';
import type { bundleSchemas } from './bundles/bundle-routes.ts';
import type { finalListSchemas } from './closing/final-lists-routes.ts';
import type { decryptionSchemas } from './closing/decryption-routes.ts';
import type { protocolSchemas } from './closing/protocol-routes.ts';
import type { handOverSchemas } from './closing/hand-over-routes.ts';

export type { ErrorBody, ErrorCode } from './errors.ts';
export type { AccountClaims } from './identity/claims.ts';
export type { HealthBody } from './routes/health.ts';
export type { ApplicationView } from './applications/routes.ts';
export type { AssignmentView } from './authz/routes.ts';
export type { ListRowView } from './lists/routes.ts';
export type { DecisionView } from './commission/decision-routes.ts';
export type { CommissionObserverView } from './commission/observer-routes.ts';
export type { VotingStatusView } from './voting/routes.ts';
export type { FiguresSnapshot } from './figures/figures.ts';
export type { BallotVersionView } from './ballot/ballot-routes.ts';
export type { PremisesView } from './premises/premises-routes.ts';
export type { CeremonyView } from './keys/ceremony-routes.ts';
export type { Role, StoredRole } from './authz/roles.ts';

export interface Api {
  'GET /health': { response: HealthBody };
  'GET /metrics': { response: string };
  'GET /openapi.json': { response: Record<string, unknown> };
  'GET /auth/login': { query: Static<typeof authSchemas.login.querystring>; response: null };
  'GET /auth/callback': { query: Static<typeof authSchemas.callback.querystring>; response: null };
  'POST /auth/logout': { response: null };
  'GET /api/me': { response: AccountClaims };
  'POST /api/applications/code': { response: Static<typeof CodeSent> };
  'POST /api/applications': {
    body: Static<typeof applicationSchemas.file.body>;
    response: Static<(typeof applicationSchemas.file.response)[201]>;
  };
  'POST /api/applications/withdraw': { response: Static<(typeof applicationSchemas.withdraw.response)[200]> };
  'GET /api/applications/status': { response: Static<(typeof applicationSchemas.status.response)[200]> };
  'POST /api/operator/applications/process': { response: Static<typeof ProcessingReport> };
  'GET /api/roles/me': { response: Static<(typeof roleSchemas.me.response)[200]> };
  'GET /api/admin/roles': {
    query: Static<typeof roleSchemas.list.querystring>;
    response: Static<(typeof roleSchemas.list.response)[200]>;
  };
  'POST /api/admin/roles': {
    body: Static<typeof roleSchemas.assign.body>;
    response: Static<(typeof roleSchemas.assign.response)[201]>;
  };
  'DELETE /api/admin/roles/:id': {
    params: Static<typeof roleSchemas.revoke.params>;
    response: Static<(typeof roleSchemas.revoke.response)[200]>;
  };
  'GET /api/lists/:region': {
    params: Static<typeof listSchemas.page.params>;
    query: Static<typeof listSchemas.page.querystring>;
    response: Static<(typeof listSchemas.page.response)[200]>;
  };
  'GET /api/lists/:region/counts': {
    params: Static<typeof listSchemas.counts.params>;
    response: Static<(typeof listSchemas.counts.response)[200]>;
  };
  'POST /api/lists/:region/exclusions': {
    params: Static<typeof listSchemas.exclude.params>;
    body: Static<typeof listSchemas.exclude.body>;
    response: Static<(typeof listSchemas.exclude.response)[201]>;
  };
  'GET /api/lists/:region/precincts/:precinct/register': {
    params: Static<typeof listSchemas.register.params>;
    response: Static<(typeof listSchemas.register.response)[200]>;
  };
  'POST /api/commission/officers': {
    body: Static<typeof commissionSchemas.officers.body>;
    response: Static<(typeof commissionSchemas.officers.response)[201]>;
  };
  'POST /api/commission/key-parts': {
    body: Static<typeof commissionSchemas.keyParts.body>;
    response: Static<(typeof commissionSchemas.keyParts.response)[201]>;
  };
  'POST /api/commission/observers-list': {
    body: Static<typeof commissionSchemas.observersList.body>;
    response: Static<(typeof commissionSchemas.observersList.response)[201]>;
  };
  'GET /api/commission/decisions': { response: Static<(typeof commissionSchemas.decisions.response)[200]> };
  'POST /api/observers/commission': {
    body: Static<typeof observerSchemas.enterCommission.body>;
    response: Static<(typeof observerSchemas.enterCommission.response)[201]>;
  };
  'GET /api/observers/commission': {
    response: Static<(typeof observerSchemas.listCommission.response)[200]>;
  };
  'POST /api/observers/portal': {
    body: Static<typeof observerSchemas.appointPortal.body>;
    response: Static<(typeof observerSchemas.appointPortal.response)[201]>;
  };
  'GET /api/observers/portal': { response: Static<(typeof observerSchemas.listPortal.response)[200]> };
  'GET /api/ballot/:region': {
    params: Static<typeof ballotSchemas.region.params>;
    query: Static<typeof ballotSchemas.region.querystring>;
    response: Static<(typeof ballotSchemas.region.response)[200]>;
  };
  'GET /api/ballot/versions': { response: Static<(typeof ballotSchemas.versions.response)[200]> };
  'POST /api/ballot/versions': {
    body: Static<typeof ballotSchemas.update.body>;
    response: Static<(typeof ballotSchemas.update.response)[201]>;
  };
  'GET /api/premises/:region': {
    params: Static<typeof premisesSchemas.list.params>;
    response: Static<(typeof premisesSchemas.list.response)[200]>;
  };
  'GET /api/premises/:region/history': {
    params: Static<typeof premisesSchemas.history.params>;
    response: Static<(typeof premisesSchemas.history.response)[200]>;
  };
  'POST /api/premises/:region': {
    params: Static<typeof premisesSchemas.enter.params>;
    body: Static<typeof premisesSchemas.enter.body>;
    response: Static<(typeof premisesSchemas.enter.response)[201]>;
  };
  'PUT /api/premises/:region/:premisesId': {
    params: Static<typeof premisesSchemas.change.params>;
    body: Static<typeof premisesSchemas.change.body>;
    response: Static<(typeof premisesSchemas.change.response)[200]>;
  };
  'GET /api/voting/status': { response: Static<(typeof votingSchemas.status.response)[200]> };
  'GET /api/voting/conditions': { response: Static<(typeof votingSchemas.conditions.response)[200]> };
  'POST /api/voting/conditions': {
    body: Static<typeof votingSchemas.confirmConditions.body>;
    response: Static<(typeof votingSchemas.confirmConditions.response)[200]>;
  };
  'POST /api/voting/code': { response: Static<(typeof votingSchemas.code.response)[200]> };
  'POST /api/voting/code/confirm': {
    body: Static<typeof votingSchemas.confirmCode.body>;
    response: Static<(typeof votingSchemas.confirmCode.response)[200]>;
  };
  'POST /api/voting/credential': {
    body: Static<typeof votingSchemas.credential.body>;
    response: Static<(typeof votingSchemas.credential.response)[201]>;
  };
  'GET /api/figures': {
    query: Static<typeof figuresSchemas.figures.querystring>;
    response: Static<(typeof figuresSchemas.figures.response)[200]>;
  };
  /** Turnout over time: the figures per step of the clock, one region or all summed. */
  'GET /api/figures/history': {
    query: Static<typeof figuresSchemas.history.querystring>;
    response: Static<(typeof figuresSchemas.history.response)[200]>;
  };
  /** Server-Sent Events: `figures` events, each a snapshot as GET /api/figures gives it. */
  'GET /api/figures/stream': { query: Static<typeof figuresSchemas.stream.querystring>; response: string };
  'GET /dev/sms': {
    query: Static<typeof devSmsSchema.querystring>;
    response: Static<(typeof devSmsSchema.response)[200]>;
  };
  'POST /api/keys/ceremonies': {
    body: Static<typeof keySchemas.hold.body>;
    response: Static<(typeof keySchemas.hold.response)[201]>;
  };
  'GET /api/keys/ceremonies': { response: Static<(typeof keySchemas.list.response)[200]> };
  'POST /api/keys/distributed': {
    body: Static<typeof distributedSchemas.open.body>;
    response: Static<(typeof distributedSchemas.open.response)[201]>;
  };
  'GET /api/keys/distributed/:id': {
    params: Static<typeof distributedSchemas.view.params>;
    headers: Static<typeof distributedSchemas.view.headers>;
    response: Static<(typeof distributedSchemas.view.response)[200]>;
  };
  'POST /api/keys/distributed/:id/enrol': {
    params: Static<typeof distributedSchemas.enrol.params>;
    headers: Static<typeof distributedSchemas.enrol.headers>;
    body: Static<typeof distributedSchemas.enrol.body>;
    response: Static<(typeof distributedSchemas.enrol.response)[201]>;
  };
  'POST /api/keys/distributed/:id/dealing': {
    params: Static<typeof distributedSchemas.dealing.params>;
    headers: Static<typeof distributedSchemas.dealing.headers>;
    body: Static<typeof distributedSchemas.dealing.body>;
    response: Static<(typeof distributedSchemas.dealing.response)[201]>;
  };
  'GET /api/keys/distributed/:id/shares': {
    params: Static<typeof distributedSchemas.shares.params>;
    headers: Static<typeof distributedSchemas.shares.headers>;
    response: Static<(typeof distributedSchemas.shares.response)[200]>;
  };
  'POST /api/keys/distributed/:id/combine': {
    params: Static<typeof distributedSchemas.combine.params>;
    headers: Static<typeof distributedSchemas.combine.headers>;
    body: Static<typeof distributedSchemas.combine.body>;
    response: Static<(typeof distributedSchemas.combine.response)[201]>;
  };
  'POST /api/keys/distributed/:id/complaints': {
    params: Static<typeof distributedSchemas.complain.params>;
    headers: Static<typeof distributedSchemas.complain.headers>;
    body: Static<typeof distributedSchemas.complain.body>;
    response: Static<(typeof distributedSchemas.complain.response)[201]>;
  };
  'POST /api/election/manifest': { response: Static<(typeof manifestSchemas.fix.response)[201]> };
  'GET /api/election/manifest': { response: Record<string, unknown> };
  'POST /api/box/ballots': { body: unknown; response: Static<(typeof boxSchemas.cast.response)[201]> };
  'POST /api/box/challenged': {
    body: unknown;
    response: Static<(typeof boxSchemas.challenge.response)[201]>;
  };
  'GET /api/box/receipts/:tracker': {
    params: Static<typeof boxSchemas.receipt.params>;
    response: Static<(typeof boxSchemas.receipt.response)[200]>;
  };
  'GET /log/*': { response: Uint8Array };
  /** The election record archive (application/x-tar), public. */
  'GET /api/election/record': { response: Uint8Array };
  /** P-10.10: the ledger's blocks for portal observers and regional commissions. */
  'GET /api/observers/blocks': { response: Static<(typeof blocksSchemas.list.response)[200]> };
  /** The block's entry bundle (application/octet-stream), the public tile's bytes. */
  'GET /api/observers/blocks/:n': { params: Static<typeof blocksSchemas.block.params>; response: Uint8Array };
  'GET /api/observers/blocks/:n/proof': {
    params: Static<typeof blocksSchemas.proof.params>;
    response: Static<(typeof blocksSchemas.proof.response)[200]>;
  };
  // The close of voting (apps/server/src/closing): final lists (P-7.1–P-7.5), decryption (P-7.6–
  // P-7.8), the protocol (P-7.9, P-7.10), hand-over (P-8) and retention (P-9).
  'POST /api/closing/certificates': {
    body: Static<typeof finalListSchemas.importCertificate.body>;
    response: Static<(typeof finalListSchemas.importCertificate.response)[201]>;
  };
  'GET /api/closing/certificates': {
    response: Static<(typeof finalListSchemas.certificates.response)[200]>;
  };
  'POST /api/closing/key-groups/:keyGroup/final-lists': {
    params: Static<typeof finalListSchemas.order.params>;
    response: Static<(typeof finalListSchemas.order.response)[201]>;
  };
  'GET /api/closing/key-groups/:keyGroup/final-lists': {
    params: Static<typeof finalListSchemas.view.params>;
    response: Static<(typeof finalListSchemas.view.response)[200]>;
  };
  'POST /api/closing/key-groups/:keyGroup/final-lists/signatures': {
    params: Static<typeof finalListSchemas.sign.params>;
    body: Static<typeof finalListSchemas.sign.body>;
    response: Static<(typeof finalListSchemas.sign.response)[201]>;
  };
  'POST /api/closing/key-groups/:keyGroup/final-lists/custody': {
    params: Static<typeof finalListSchemas.custody.params>;
    body: Static<typeof finalListSchemas.custody.body>;
    response: Static<(typeof finalListSchemas.custody.response)[201]>;
  };
  'POST /api/closing/key-groups/:keyGroup/decryption': {
    params: Static<typeof decryptionSchemas.start.params>;
    body: Static<typeof decryptionSchemas.start.body>;
    response: Static<(typeof decryptionSchemas.start.response)[201]>;
  };
  'GET /api/closing/key-groups/:keyGroup/decryption': {
    params: Static<typeof decryptionSchemas.progress.params>;
    response: Static<(typeof decryptionSchemas.progress.response)[200]>;
  };
  'GET /api/closing/key-groups/:keyGroup/decryption/tallies': {
    params: Static<typeof decryptionSchemas.tallies.params>;
    response: Static<(typeof decryptionSchemas.tallies.response)[200]>;
  };
  'POST /api/closing/key-groups/:keyGroup/decryption/key-parts': {
    params: Static<typeof decryptionSchemas.keyPart.params>;
    body: Static<typeof decryptionSchemas.keyPart.body>;
    response: Static<(typeof decryptionSchemas.keyPart.response)[201]>;
  };
  'POST /api/closing/key-groups/:keyGroup/decryption/shares': {
    params: Static<typeof decryptionSchemas.shares.params>;
    body: Static<typeof decryptionSchemas.shares.body>;
    response: Static<(typeof decryptionSchemas.shares.response)[201]>;
  };
  'POST /api/closing/key-groups/:keyGroup/decryption/assembled': {
    params: Static<typeof decryptionSchemas.assembled.params>;
    body: Static<typeof decryptionSchemas.assembled.body>;
    response: Static<(typeof decryptionSchemas.assembled.response)[201]>;
  };
  'POST /api/closing/protocol/invalidations': {
    body: Static<typeof protocolSchemas.invalidate.body>;
    response: Static<(typeof protocolSchemas.invalidate.response)[201]>;
  };
  'POST /api/closing/protocol': {
    body: Static<typeof protocolSchemas.compile.body>;
    response: Static<(typeof protocolSchemas.compile.response)[201]>;
  };
  'GET /api/closing/protocol': { response: Static<(typeof protocolSchemas.published.response)[200]> };
  'GET /api/closing/protocol/document': {
    response: Static<(typeof protocolSchemas.document.response)[200]>;
  };
  'POST /api/closing/protocol/signatures': {
    body: Static<typeof protocolSchemas.sign.body>;
    response: Static<(typeof protocolSchemas.sign.response)[201]>;
  };
  'POST /api/closing/protocol/reasons': {
    body: Static<typeof protocolSchemas.reason.body>;
    response: Static<(typeof protocolSchemas.reason.response)[201]>;
  };
  /** application/pdf: the region's protocol (Appendix 4). */
  'GET /api/closing/protocol/regions/:region/pdf': {
    params: Static<typeof protocolSchemas.pdf.params>;
    response: Uint8Array;
  };
  'GET /api/closing/results/:region': {
    params: Static<typeof handOverSchemas.results.params>;
    response: Static<(typeof handOverSchemas.results.response)[200]>;
  };
  'POST /api/closing/results/custody': {
    body: Static<typeof handOverSchemas.resultsCustody.body>;
    response: Static<(typeof handOverSchemas.resultsCustody.response)[201]>;
  };
  'GET /api/closing/retention': { response: Static<(typeof handOverSchemas.retention.response)[200]> };
  'POST /api/closing/destruction-acts': {
    body: Static<typeof handOverSchemas.act.body>;
    response: Static<(typeof handOverSchemas.act.response)[201]>;
  };
  'POST /api/closing/workstation-wipes': {
    body: Static<typeof handOverSchemas.wipe.body>;
    response: Static<(typeof handOverSchemas.wipe.response)[201]>;
  };
  // The list and ballot data bundle at the workstation (P-3.2, P-4.2): apps/server/src/bundles.
  'POST /api/bundles/verify': {
    body: Static<typeof bundleSchemas.verify.body>;
    response: Static<(typeof bundleSchemas.verify.response)[200]>;
  };
  'POST /api/bundles/load': {
    body: Static<typeof bundleSchemas.load.body>;
    response: Static<(typeof bundleSchemas.load.response)[201]>;
  };
}

export type ApiRoute = keyof Api;
