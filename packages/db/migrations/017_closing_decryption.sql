-- 017 the close of voting, part 2: decryption of each key group's tallies (P-7.6–P-7.8, P-11.7.8).
--   decryptions          the commission's choice of mode for a key group: 'threshold' (K holders each
--                        send partial decryptions with proofs; the key never exists) or 'assembled'
--                        (P-7.6 read literally: K parts rebuild the key in memory, checked against
--                        the public key; proofs still published).
--   decryption_shares    one holder's partial decryptions of every region of the group, each proof
--                        checked on arrival: public values (dᵢ = xᵢ·α with a DLEQ proof), never a key
--                        part. A key part opened at the workstation is used in memory and dropped.
--   decryption_results   per region: the published decryption (packages/election RegionDecryptionJson)
--                        and the counts.
--   closing_ledger       what this slice appends for the public ledger (partial decryptions and
--                        results), in order, until the ballot box's log takes them: no personal data.
-- Rows are only ever added, but `completed_at` set once.

CREATE TABLE decryptions (
  election_id   text NOT NULL REFERENCES elections (id),
  key_group     text NOT NULL
                CONSTRAINT decryptions_key_group_format CHECK (key_group ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  mode          text NOT NULL CONSTRAINT decryptions_mode_valid CHECK (mode IN ('threshold', 'assembled')),
  started_at    timestamptz NOT NULL,
  completed_at  timestamptz,
  PRIMARY KEY (election_id, key_group),
  CONSTRAINT decryptions_completed_after CHECK (completed_at IS NULL OR completed_at >= started_at)
);

CREATE TABLE decryption_shares (
  election_id   text NOT NULL,
  key_group     text NOT NULL,
  part_index    integer NOT NULL CONSTRAINT decryption_shares_index_range CHECK (part_index BETWEEN 1 AND 255),
  -- How it arrived: a key-part file opened at the workstation, or shares made on the holder's machine.
  source        text NOT NULL CONSTRAINT decryption_shares_source_valid CHECK (source IN ('key-file', 'remote')),
  -- { region: values[question][choice] = { share, proof } }
  shares        jsonb NOT NULL CONSTRAINT decryption_shares_object CHECK (jsonb_typeof(shares) = 'object'),
  received_at   timestamptz NOT NULL,
  PRIMARY KEY (election_id, key_group, part_index),
  FOREIGN KEY (election_id, key_group) REFERENCES decryptions (election_id, key_group)
);

CREATE TABLE decryption_results (
  election_id   text NOT NULL,
  key_group     text NOT NULL,
  region        text NOT NULL
                CONSTRAINT decryption_results_region_format CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  ballots       integer NOT NULL CONSTRAINT decryption_results_ballots_count CHECK (ballots >= 0),
  counts        jsonb NOT NULL CONSTRAINT decryption_results_counts_array CHECK (jsonb_typeof(counts) = 'array'),
  decryption    jsonb NOT NULL CONSTRAINT decryption_results_decryption_object CHECK (jsonb_typeof(decryption) = 'object'),
  decrypted_at  timestamptz NOT NULL,
  PRIMARY KEY (election_id, region),
  FOREIGN KEY (election_id, key_group) REFERENCES decryptions (election_id, key_group)
);

CREATE TABLE closing_ledger (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  election_id   text NOT NULL REFERENCES elections (id),
  kind          text NOT NULL
                CONSTRAINT closing_ledger_kind_valid
                CHECK (kind IN ('final-lists', 'partial-decryption', 'result', 'protocol', 'invalidation')),
  -- RFC 8785 canonical JSON of the entry; ledger entries are at most 64 KiB (DESIGN).
  entry         bytea NOT NULL CONSTRAINT closing_ledger_entry_size CHECK (octet_length(entry) BETWEEN 2 AND 65536),
  at            timestamptz NOT NULL
);

CREATE FUNCTION closing_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME USING ERRCODE = '23001',
    CONSTRAINT = TG_TABLE_NAME || '_append_only';
END $$;
CREATE TRIGGER decryption_shares_append_only BEFORE UPDATE OR DELETE ON decryption_shares
  FOR EACH ROW EXECUTE FUNCTION closing_append_only();
CREATE TRIGGER decryption_results_append_only BEFORE UPDATE OR DELETE ON decryption_results
  FOR EACH ROW EXECUTE FUNCTION closing_append_only();
CREATE TRIGGER closing_ledger_append_only BEFORE UPDATE OR DELETE ON closing_ledger
  FOR EACH ROW EXECUTE FUNCTION closing_append_only();

CREATE FUNCTION decryptions_complete_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.mode IS DISTINCT FROM OLD.mode OR NEW.started_at IS DISTINCT FROM OLD.started_at
     OR OLD.completed_at IS NOT NULL THEN
    RAISE EXCEPTION 'a decryption only ever completes once' USING ERRCODE = '23001',
      CONSTRAINT = 'decryptions_complete_once';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER decryptions_complete_once BEFORE UPDATE OR DELETE ON decryptions
  FOR EACH ROW EXECUTE FUNCTION decryptions_complete_once();
