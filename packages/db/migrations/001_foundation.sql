-- 001 foundation: the tables whose shape is settled before the Procedure's own, namely the
-- elections this server runs and the audit log of what was done. Later migrations add the rest.
--
-- Every invariant the database can state is a named CHECK constraint, so a bad row fails with
-- SQLSTATE 23514 and the constraint's name whichever code path wrote it.

-- An election, or a training run of one, with the configuration it was loaded from.
CREATE TABLE elections (
  -- The manifest's electionId (same rule as packages/election/src/manifest.ts); it appears in URLs
  -- and ledger origins.
  id             text PRIMARY KEY
                 CONSTRAINT elections_id_format CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  kind           text NOT NULL
                 CONSTRAINT elections_kind_valid CHECK (kind IN ('election', 'training')),
  -- Every date, deadline, region, time zone, key group and count of the election.
  config         jsonb NOT NULL
                 CONSTRAINT elections_config_object CHECK (jsonb_typeof(config) = 'object'),
  -- SHA-256 of the configuration's canonical JSON (RFC 8785), the bytes that are signed and
  -- published. The loader computes it: jsonb does not keep the bytes that were hashed.
  config_sha256  bytea NOT NULL
                 CONSTRAINT elections_config_sha256_length CHECK (octet_length(config_sha256) = 32),
  loaded_at      timestamptz NOT NULL DEFAULT now()
);

-- The audit log: one row per state change or refused attempt, each with an event id and a
-- disposition, so that a commission or an auditor can follow who (by role) did what and when.
--
-- details NEVER hold personal data: no names, passport, SNILS or phone numbers, e-mail or IP
-- addresses, codes or tokens. Refer to people by role and to things by their ids.
CREATE TABLE audit_events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Given by the writer, so a retried write cannot log one event twice.
  event_id     uuid NOT NULL CONSTRAINT audit_events_event_id_unique UNIQUE,
  -- No foreign key: a refused attempt to load an election is logged under an id that has no row.
  -- NULL for events outside any election (a server start, an operator's login).
  election_id  text
               CONSTRAINT audit_events_election_id_format
               CHECK (election_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- From the application's clock, which training runs move; hence no default.
  at           timestamptz NOT NULL,
  -- commission_chair, voter, observer, system, …
  actor_role   text NOT NULL
               CONSTRAINT audit_events_actor_role_format CHECK (actor_role ~ '^[a-z][a-z0-9_]{0,63}$'),
  -- Dotted words: election.load, ballot.issue, key_ceremony.share_written, …
  action       text NOT NULL
               CONSTRAINT audit_events_action_format
               CHECK (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' AND length(action) <= 128),
  disposition  text NOT NULL
               CONSTRAINT audit_events_disposition_valid CHECK (disposition IN ('success', 'failure')),
  details      jsonb NOT NULL DEFAULT '{}'
               CONSTRAINT audit_events_details_object CHECK (jsonb_typeof(details) = 'object')
               -- An audit line, not a document store.
               CONSTRAINT audit_events_details_size CHECK (octet_length(details::text) <= 16384)
);

CREATE INDEX audit_events_election_at ON audit_events (election_id, at);

-- A log that can be edited proves nothing: rows are only ever added.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation', CONSTRAINT = 'audit_events_append_only';
END
$$;

CREATE TRIGGER audit_events_no_update_or_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
