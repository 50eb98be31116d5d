/**
 * @opendeg/db: PostgreSQL storage of OpenDEG. The built-in embedded server or a DATABASE_URL
 * server, pools, and the schema as numbered SQL migrations applied at start.
 * Test helpers are in `@opendeg/db/testing`, apart, since they depend on vitest.
 */

export { createPool, DEFAULT_POOL_MAX, EMBEDDED_DATABASE, openDatabase } from './connect.ts';
export type { Database, OpenDatabaseOptions } from './connect.ts';
export { initEmbeddedPostgres, startEmbeddedPostgres } from './embedded.ts';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded.ts';
export { DbError, isDbError, redactUrl } from './errors.ts';
export type { DbErrorCode } from './errors.ts';
export { loadMigrations, migrate, migration, MIGRATIONS_DIR } from './migrate.ts';
export type { AppliedMigration, MigrateOptions, Migration } from './migrate.ts';
export {
  isListStoreError,
  ListStoreError,
  ParticipantListStore,
  searchPrefixes,
} from './participant-lists-store.ts';
export type {
  ExclusionReason,
  ImportOptions,
  ListPage,
  ListStoreErrorCode,
  PageRequest,
  ParticipantRecord,
  PrecinctRegisterRow,
  StoredListCounts,
  StoredListRow,
} from './participant-lists-store.ts';
