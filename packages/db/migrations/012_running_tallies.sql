-- 012 the running tallies of the ballot box (packages/election RegionTally): per region, the
-- homomorphic sum of every accepted ballot's ciphertexts (per question and choice) and the number
-- of ballots, updated in the transaction that accepts the ballots, so closing the vote needs no
-- pass over the ballots (anyone can recompute them from the ledger, check V.6). Ciphertexts only:
-- nothing here can be read without the threshold of key holders.

CREATE TABLE box_tallies (
  election_id  text NOT NULL
               CONSTRAINT box_tallies_election_format CHECK (election_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  region       text NOT NULL
               CONSTRAINT box_tallies_region_format CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  ballots      bigint NOT NULL CONSTRAINT box_tallies_ballots_range CHECK (ballots >= 0),
  -- RegionTallyJson.aggregates: aggregates[question][choice] = {alpha, beta} in hex.
  aggregates   jsonb NOT NULL
               CONSTRAINT box_tallies_aggregates_shape
               CHECK (jsonb_typeof(aggregates) = 'array' AND jsonb_array_length(aggregates) >= 1),
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (election_id, region)
);

-- A tally only grows: the count never goes down and a row is never removed.
CREATE FUNCTION box_tallies_grow_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.ballots < OLD.ballots OR NEW.region <> OLD.region
     OR NEW.election_id <> OLD.election_id THEN
    RAISE EXCEPTION 'box_tallies only grow'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'box_tallies_grow_only';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER box_tallies_grow_only BEFORE UPDATE OR DELETE ON box_tallies
  FOR EACH ROW EXECUTE FUNCTION box_tallies_grow_only();
