-- OpenDEG observer node storage (apps/observer/src/store/schema.ts). Idempotent. The replica of the
-- log itself is in the ledger's tables (packages/ledger/src/postgres-schema.sql).

-- Alarms with their evidence (also saved as a file anyone can re-check).
CREATE TABLE IF NOT EXISTS observer_alarm (
  id             bigserial PRIMARY KEY,
  origin         text NOT NULL,
  kind           text NOT NULL CONSTRAINT observer_alarm_kind_check
                 CHECK (kind IN ('fork', 'shrink', 'rewritten-entry', 'missing-entry', 'tiles-invalid',
                                 'invalid-entry', 'record-invalid', 'figures-mismatch')),
  detected_ms    bigint NOT NULL CHECK (detected_ms >= 0),
  message_ru     text NOT NULL,
  message_en     text NOT NULL,
  -- The same misbehaviour seen again (every poll until it is fixed) is one alarm.
  fingerprint    text NOT NULL,
  evidence       jsonb NOT NULL,
  evidence_file  text,
  UNIQUE (origin, fingerprint)
);
-- A store made before an alarm kind was added: its CHECK (the default name, as above) takes the
-- new kinds too. Only when it lacks one, so an up-to-date store is not re-validated at every start.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_constraint
    WHERE conrelid = 'observer_alarm'::regclass AND conname = 'observer_alarm_kind_check'
      AND pg_get_constraintdef(oid) LIKE '%figures-mismatch%'
  ) THEN
    ALTER TABLE observer_alarm DROP CONSTRAINT IF EXISTS observer_alarm_kind_check;
    ALTER TABLE observer_alarm ADD CONSTRAINT observer_alarm_kind_check
      CHECK (kind IN ('fork', 'shrink', 'rewritten-entry', 'missing-entry', 'tiles-invalid',
                      'invalid-entry', 'record-invalid', 'figures-mismatch'));
  END IF;
END
$$;

-- What the election checker made of each verified entry: no personal data, only what the ledger
-- shows (type, region, tracker) and the node's verdict.
CREATE TABLE IF NOT EXISTS observer_entry (
  origin        text NOT NULL,
  idx           bigint NOT NULL CHECK (idx >= 0),
  type          text NOT NULL,
  status        text NOT NULL CHECK (status IN ('manifest', 'counted', 'rejected', 'challenged',
                                                'verification', 'published', 'other')),
  region        text,
  -- The same shapes as '^[0-9a-f]{64}$' and '^[0-9]{4}(-[0-9]{4}){4}$', written without counted
  -- repetitions: PostgreSQL's regex engine takes about as long on those as the rest of the insert
  -- (measured: 40% less time to index a million ballots).
  tracker       text CONSTRAINT observer_entry_tracker_check
                CHECK (length(tracker) = 64 AND tracker ~ '^[0-9a-f]+$'),
  tracker_code  text CONSTRAINT observer_entry_tracker_code_check
                CHECK (tracker_code ~ '^[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]$'),
  PRIMARY KEY (origin, idx)
);
-- A store made with the counted repetitions gets the cheaper checks (the same rows pass).
DO $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM pg_constraint
    WHERE conrelid = 'observer_entry'::regclass AND conname = 'observer_entry_tracker_check'
      AND pg_get_constraintdef(oid) LIKE '%{64}%'
  ) THEN
    ALTER TABLE observer_entry DROP CONSTRAINT observer_entry_tracker_check,
      DROP CONSTRAINT observer_entry_tracker_code_check,
      ADD CONSTRAINT observer_entry_tracker_check CHECK (length(tracker) = 64 AND tracker ~ '^[0-9a-f]+$'),
      ADD CONSTRAINT observer_entry_tracker_code_check
        CHECK (tracker_code ~ '^[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]$');
  END IF;
END
$$;
CREATE INDEX IF NOT EXISTS observer_entry_tracker ON observer_entry (origin, tracker);
CREATE INDEX IF NOT EXISTS observer_entry_tracker_code ON observer_entry (origin, tracker_code);

-- The observation-room queue of P-11.10.4: one observer at the node at a time, an hour at most.
CREATE TABLE IF NOT EXISTS observer_room_session (
  id            bigserial PRIMARY KEY,
  observer      text NOT NULL CHECK (length(observer) BETWEEN 1 AND 200),
  state         text NOT NULL CHECK (state IN ('waiting', 'active', 'done', 'cancelled')),
  queued_ms     bigint NOT NULL,
  started_ms    bigint,
  ends_ms       bigint,
  finished_ms   bigint,
  CHECK ((state = 'waiting') = (started_ms IS NULL)),
  CHECK ((started_ms IS NULL) = (ends_ms IS NULL)),
  CHECK (ends_ms IS NULL OR ends_ms - started_ms BETWEEN 0 AND 3600000)
);
-- At most one observer at the node.
CREATE UNIQUE INDEX IF NOT EXISTS observer_room_one_active ON observer_room_session ((true)) WHERE state = 'active';
