-- 015 precinct figures: the P-10.2 / P-10.8 numbers per precinct (on the list, ballots issued),
-- kept as counters so that the public page and the commission room's displays read a few
-- thousand rows instead of counting millions of participants.
--
-- The counters follow the participants' rows exactly as participant_lists' do (migration 003):
-- set from the rows when a list is compiled, moved in the same transaction as each exclusion and
-- each ballot access, never written directly. Locks: a change takes its list row first (003's
-- BEFORE trigger) and its precinct row after (the AFTER trigger below), always in that order.
CREATE TABLE precinct_figures (
  election_id        text NOT NULL,
  region             text NOT NULL,
  precinct           text NOT NULL
                     CONSTRAINT precinct_figures_precinct_format CHECK (precinct ~ '^[0-9]{1,5}$'),
  participant_count  integer NOT NULL CONSTRAINT precinct_figures_participant_count_positive
                     CHECK (participant_count > 0),
  excluded_count     integer NOT NULL DEFAULT 0,
  ballots_issued     integer NOT NULL DEFAULT 0,
  PRIMARY KEY (election_id, region, precinct),
  FOREIGN KEY (election_id, region) REFERENCES participant_lists (election_id, region),
  CONSTRAINT precinct_figures_counts_in_range CHECK (
    excluded_count BETWEEN 0 AND participant_count AND ballots_issued BETWEEN 0 AND participant_count
  )
);

CREATE FUNCTION precinct_figures_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('opendeg.precinct_counting', true) IS DISTINCT FROM 'on' THEN
    PERFORM participant_lists_refuse('precinct_figures_counters',
      'precinct figures follow the participants'' rows and are not written directly');
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER precinct_figures_guard
  BEFORE INSERT OR UPDATE OR DELETE ON precinct_figures
  FOR EACH ROW EXECUTE FUNCTION precinct_figures_guard();

CREATE TRIGGER precinct_figures_guard_truncate
  BEFORE TRUNCATE ON precinct_figures
  FOR EACH STATEMENT EXECUTE FUNCTION precinct_figures_guard();

-- Compilation (P-3.3) counts each precinct's rows once, in the importing transaction.
CREATE FUNCTION precinct_figures_compile() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('opendeg.precinct_counting', 'on', true);
  INSERT INTO precinct_figures (election_id, region, precinct, participant_count)
  SELECT p.election_id, p.region, p.precinct, count(*)
  FROM participants p WHERE p.election_id = NEW.election_id AND p.region = NEW.region
  GROUP BY p.election_id, p.region, p.precinct;
  PERFORM set_config('opendeg.precinct_counting', 'off', true);
  RETURN NULL;
END
$$;

CREATE TRIGGER precinct_figures_compile
  AFTER UPDATE OF compiled_at ON participant_lists
  FOR EACH ROW WHEN (OLD.compiled_at IS NULL AND NEW.compiled_at IS NOT NULL)
  EXECUTE FUNCTION precinct_figures_compile();

-- An exclusion (P-3.4) or a ballot access (P-3.8), each set once (003 guarantees it).
CREATE FUNCTION precinct_figures_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('opendeg.precinct_counting', 'on', true);
  UPDATE precinct_figures f
  SET excluded_count = f.excluded_count + (OLD.excluded_at IS NULL AND NEW.excluded_at IS NOT NULL)::integer,
      ballots_issued = f.ballots_issued
        + (OLD.ballot_access_at IS NULL AND NEW.ballot_access_at IS NOT NULL)::integer
  WHERE f.election_id = NEW.election_id AND f.region = NEW.region AND f.precinct = NEW.precinct;
  PERFORM set_config('opendeg.precinct_counting', 'off', true);
  RETURN NULL;
END
$$;

CREATE TRIGGER precinct_figures_follow
  AFTER UPDATE ON participants
  FOR EACH ROW WHEN (
    (OLD.excluded_at IS NULL AND NEW.excluded_at IS NOT NULL)
    OR (OLD.ballot_access_at IS NULL AND NEW.ballot_access_at IS NOT NULL)
  )
  EXECUTE FUNCTION precinct_figures_follow();
