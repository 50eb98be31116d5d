-- 011 the ballot box (P-6.10, DESIGN "The voting protocol" step 3). The box's own tables: it never
-- reads the identity side's (voters, applications, sessions, lists) and nothing here names a person,
-- so the box may run as a process of its own, on a database of its own (hence no foreign keys to
-- `elections`). The ledger (packages/ledger, its own tables) holds every ballot; these tables are
-- the box's index of it:
--   box_ballots      one row per accepted ballot: its credential (once, P-6.10), its tracker, the
--                    SHA-256 of its canonical JSON (a resent ballot is recognised and gets its
--                    receipt again), its region, its leaf index, and the tree size of its receipt
--   box_challenged   the trackers of challenged (Benaloh) votes published in the ledger: never
--                    counted, and a ballot with such a tracker is refused (B.10)
--   box_checkpoints  the signed checkpoints receipts were given against, by tree size
--   box_applied      how far the box's tables follow the ledger: at start the box applies the
--                    ledger's entries beyond it (a crash between the ledger and the database loses
--                    nothing, and counts nothing twice)
-- Rows are never changed or deleted, except box_applied's one row per election.

CREATE TABLE box_ballots (
  election_id    text NOT NULL
                 CONSTRAINT box_ballots_election_format CHECK (election_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- packages/election credentialId: the credential's public key.
  credential_id  text NOT NULL
                 CONSTRAINT box_ballots_credential_length CHECK (length(credential_id) BETWEEN 1 AND 1024),
  tracker        bytea NOT NULL CONSTRAINT box_ballots_tracker_length CHECK (octet_length(tracker) = 32),
  ballot_sha256  bytea NOT NULL CONSTRAINT box_ballots_sha256_length CHECK (octet_length(ballot_sha256) = 32),
  region         text NOT NULL
                 CONSTRAINT box_ballots_region_format CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  ledger_index   bigint NOT NULL CONSTRAINT box_ballots_ledger_index_range CHECK (ledger_index >= 0),
  receipt_size   bigint NOT NULL,
  accepted_at    timestamptz NOT NULL,
  CONSTRAINT box_ballots_receipt_covers CHECK (receipt_size > ledger_index),
  -- P-6.10: no second vote with one credential.
  PRIMARY KEY (election_id, credential_id),
  CONSTRAINT box_ballots_tracker_unique UNIQUE (election_id, tracker),
  CONSTRAINT box_ballots_ballot_unique UNIQUE (election_id, ballot_sha256),
  CONSTRAINT box_ballots_ledger_index_unique UNIQUE (election_id, ledger_index)
);

CREATE TABLE box_challenged (
  election_id   text NOT NULL
                CONSTRAINT box_challenged_election_format CHECK (election_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  tracker       bytea NOT NULL CONSTRAINT box_challenged_tracker_length CHECK (octet_length(tracker) = 32),
  ledger_index  bigint NOT NULL CONSTRAINT box_challenged_ledger_index_range CHECK (ledger_index >= 0),
  receipt_size  bigint NOT NULL,
  published_at  timestamptz NOT NULL,
  CONSTRAINT box_challenged_receipt_covers CHECK (receipt_size > ledger_index),
  PRIMARY KEY (election_id, tracker),
  CONSTRAINT box_challenged_ledger_index_unique UNIQUE (election_id, ledger_index)
);

CREATE TABLE box_checkpoints (
  election_id  text NOT NULL
               CONSTRAINT box_checkpoints_election_format CHECK (election_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  tree_size    bigint NOT NULL CONSTRAINT box_checkpoints_size_positive CHECK (tree_size >= 1),
  -- The C2SP signed note, as given in the receipts.
  note         text NOT NULL CONSTRAINT box_checkpoints_note_length CHECK (length(note) BETWEEN 1 AND 65536),
  PRIMARY KEY (election_id, tree_size)
);

CREATE TABLE box_applied (
  election_id  text PRIMARY KEY
               CONSTRAINT box_applied_election_format CHECK (election_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- Every ledger entry below this index is reflected in the box's tables.
  ledger_size  bigint NOT NULL CONSTRAINT box_applied_size_range CHECK (ledger_size >= 0)
);

CREATE FUNCTION box_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_TABLE_NAME || '_append_only';
END
$$;

CREATE TRIGGER box_ballots_append_only BEFORE UPDATE OR DELETE ON box_ballots
  FOR EACH ROW EXECUTE FUNCTION box_append_only();
CREATE TRIGGER box_challenged_append_only BEFORE UPDATE OR DELETE ON box_challenged
  FOR EACH ROW EXECUTE FUNCTION box_append_only();
CREATE TRIGGER box_checkpoints_append_only BEFORE UPDATE OR DELETE ON box_checkpoints
  FOR EACH ROW EXECUTE FUNCTION box_append_only();

-- The box only moves forward along the ledger.
CREATE FUNCTION box_applied_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.ledger_size < OLD.ledger_size OR NEW.election_id <> OLD.election_id THEN
    RAISE EXCEPTION 'box_applied only moves forward'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'box_applied_forward';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER box_applied_forward BEFORE UPDATE OR DELETE ON box_applied
  FOR EACH ROW EXECUTE FUNCTION box_applied_forward();
