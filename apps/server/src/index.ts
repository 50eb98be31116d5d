// Public surface of @opendeg/server: build the app, its dependencies and its wire types.
export { buildApp, type App, type RouteEntry } from './app.ts';
export {
  systemClock,
  type AppDeps,
  type Clock,
  type HealthCheck,
  type LoggerDeps,
  type LogDestination,
} from './deps.ts';
export { ApiError, ERROR_CODES } from './errors.ts';
export type { Api, ApiRoute, AccountClaims, ErrorBody, ErrorCode, HealthBody } from './api.ts';
export type { ExternalProvider, IdentityDeps, StandInProvider } from './identity/config.ts';
export { generateRegister, type RegisterAccount, type RegisterOptions } from './identity/register.ts';
export { MemorySessionStore, type SessionRecord, type SessionStore } from './identity/session-store.ts';
