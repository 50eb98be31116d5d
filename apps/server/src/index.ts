// Public surface of @opendeg/server: build the app, its dependencies and its wire types.
export { buildApp, type App, type RouteEntry } from './app.ts';
export {
  systemClock,
  type AppDeps,
  type RolesDeps,
  type Clock,
  type HealthCheck,
  type LoggerDeps,
  type LogDestination,
} from './deps.ts';
export { ApiError, ERROR_CODES } from './errors.ts';
export { loadBundle, type BundleLoad, type LoadedBundle } from './bundles/bundle-load.ts';
export type {
  Api,
  ApiRoute,
  AccountClaims,
  ApplicationView,
  AssignmentView,
  ErrorBody,
  ErrorCode,
  HealthBody,
} from './api.ts';
export type { ApplicationsDeps, LoadedElection } from './applications/deps.ts';
export type { Allow } from './authz/access.ts';
export {
  COMMISSION_ROLES,
  PERMISSIONS,
  ROLE_TITLES,
  ROLES,
  STORED_ROLES,
  type CommissionRole,
  type Role,
  type StoredRole,
} from './authz/roles.ts';
export { bootstrapOperator } from './authz/bootstrap.ts';
export { processApplications, type ProcessingReport } from './applications/processing.ts';
export { recordPlaceOfStay } from './applications/store.ts';
export {
  formatAddress,
  standInVoterRegister,
  type VoterRecord,
  type VoterRegister,
} from './applications/voter-register.ts';
export {
  configSha256Hex,
  ElectionConfigError,
  readElectionConfigFile,
  storeElection,
} from './elections/load-election.ts';
export {
  ballotHistory,
  currentBallotSource,
  currentBallotVersion,
  loadBallotVersion,
  type BallotLoadResult,
  type StoredBallotVersion,
} from './ballot/ballot-store.ts';
export { BallotSourceSchema, parseBallotSourceFile } from './ballot/ballot-source-schema.ts';
export { writeAudit, type ActorRole, type AuditEvent } from './audit.ts';
export { DevOutboxSms, type OutboxMessage } from './sms/dev-outbox.ts';
export { HttpSmsGateway, type HttpSmsGatewayOptions } from './sms/http-gateway.ts';
export { SmsGatewayError, type SmsGateway } from './sms/sms-gateway.ts';
export type { ExternalProvider, IdentityDeps, StandInProvider } from './identity/config.ts';
export {
  generateRegister,
  registerRegions,
  type RegisterAccount,
  type RegisterOptions,
} from './identity/register.ts';
export { MemorySessionStore, type SessionRecord, type SessionStore } from './identity/session-store.ts';
export {
  IssuerKeyError,
  IssuerKeys,
  type IssuerKeysOptions,
  type IssuerPublicKeys,
} from './voting/issuer-keys.ts';
export type { VotingDeps } from './voting/deps.ts';
export {
  applicationParticipants,
  type ParticipantDirectory,
  type ParticipantRef,
} from './voting/participant-directory.ts';
export type { FiguresDeps } from './figures/deps.ts';
export type { CastCounts, FiguresSnapshot } from './figures/figures.ts';
export type { KeysDeps, LedgerAppender } from './keys/deps.ts';
export {
  loadManifest,
  storedManifestSource,
  type ManifestSource,
  type StoredManifest,
} from './keys/manifest-store.ts';
export { buildManifest, ballotStyle } from './keys/manifest.ts';
export type { BallotBoxAppDeps, BallotBoxDeps } from './ballot-box/deps.ts';
export { buildBallotBoxApp } from './ballot-box/app.ts';
export { ballotBoxRoutes } from './ballot-box/routes.ts';
export { castCounts } from './ballot-box/cast-counts.ts';
export { votingWindows } from './ballot-box/voting-windows.ts';
export type { ClosingDeps, ClosingSources } from './closing/closing-deps.ts';
export { storedClosingSources } from './closing/stored-sources.ts';
