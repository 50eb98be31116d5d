-- OpenDEG ledger storage (packages/ledger/src/postgres-store.ts). Idempotent.

-- One row per log: the commit point (checkpoint) and the sequencer fencing token.
CREATE TABLE IF NOT EXISTS ledger_log (
  log_id      text PRIMARY KEY,
  epoch       bigint NOT NULL CHECK (epoch > 0),
  size        bigint CHECK (size >= 0),
  root        bytea CHECK (octet_length(root) = 32),
  time_ms     bigint,
  checkpoint  text,
  CHECK ((size IS NULL) = (root IS NULL) AND (size IS NULL) = (time_ms IS NULL) AND (size IS NULL) = (checkpoint IS NULL))
);

-- Entries by leaf index; rows at or beyond ledger_log.size are unacknowledged leftovers.
CREATE TABLE IF NOT EXISTS ledger_entry (
  log_id  text NOT NULL REFERENCES ledger_log (log_id),
  idx     bigint NOT NULL CHECK (idx >= 0),
  data    bytea NOT NULL CHECK (octet_length(data) <= 65535),
  PRIMARY KEY (log_id, idx)
);
-- Ballots are ciphertexts and proofs, which do not compress: PostgreSQL's attempt to compress each
-- one before giving up took about as much CPU as the rest of the insert (measured on DEG ballots),
-- so entries are stored out of line as they are. Only on a store made before (a catalog change that
-- locks the table, not to be taken at every start).
DO $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM pg_attribute
    WHERE attrelid = 'ledger_entry'::regclass AND attname = 'data' AND attstorage <> 'e'
  ) THEN
    ALTER TABLE ledger_entry ALTER COLUMN data SET STORAGE EXTERNAL;
  END IF;
END
$$;

-- C2SP tlog-tiles hash tiles: the widest version written; readers use the checkpoint's prefix.
CREATE TABLE IF NOT EXISTS ledger_tile (
  log_id  text NOT NULL REFERENCES ledger_log (log_id),
  level   smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
  idx     bigint NOT NULL CHECK (idx >= 0),
  hashes  bytea NOT NULL CHECK (octet_length(hashes) BETWEEN 32 AND 8192 AND octet_length(hashes) % 32 = 0),
  PRIMARY KEY (log_id, level, idx)
);

-- C2SP tlog-witness: the latest checkpoint an observer node cosigned, per log origin.
CREATE TABLE IF NOT EXISTS witness_state (
  witness     text NOT NULL,
  origin      text NOT NULL,
  size        bigint NOT NULL CHECK (size >= 0),
  root        bytea NOT NULL CHECK (octet_length(root) = 32),
  checkpoint  text NOT NULL,
  PRIMARY KEY (witness, origin)
);
