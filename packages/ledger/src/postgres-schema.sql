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
