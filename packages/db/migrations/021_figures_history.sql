-- 021 the history of the public figures (P-10.2, P-10.8, issue 7): per region, at fixed steps of
-- the server's (scenario) clock, the number on the list, the ballots issued and the ballots cast,
-- as the live figures showed them at the first reading in that step. The observer portal draws
-- turnout over time from it.
--
-- Only aggregates, one row per region and step: nothing about a participant, and no time of any
-- single ballot. A ballot's exact time could be set beside its credential's issuance time and
-- help link the ballot to the voter; a count per 15 minutes (the default step) cannot.
--
-- Each point is written once: several server processes may read the figures in the same step, and
-- the first insert wins (ON CONFLICT DO NOTHING on the primary key). A point is never rewritten.
CREATE TABLE figures_history (
  election_id     text NOT NULL,
  region          text NOT NULL,
  -- The start of the step, a multiple of step_ms since the Unix epoch.
  step_start      timestamptz NOT NULL,
  step_ms         integer NOT NULL CONSTRAINT figures_history_step_positive CHECK (step_ms > 0),
  -- When (scenario time) the figures of this point were read: in [step_start, step_start + step_ms).
  read_at         timestamptz NOT NULL,
  on_list         integer NOT NULL CONSTRAINT figures_history_on_list_nonnegative CHECK (on_list >= 0),
  ballots_issued  integer NOT NULL
                  CONSTRAINT figures_history_issued_nonnegative CHECK (ballots_issued >= 0),
  -- NULL while no ballot box is connected: no figure rather than a false 0.
  ballots_cast    integer CONSTRAINT figures_history_cast_nonnegative CHECK (ballots_cast >= 0),
  PRIMARY KEY (election_id, region, step_start),
  FOREIGN KEY (election_id, region) REFERENCES participant_lists (election_id, region),
  CONSTRAINT figures_history_read_in_step CHECK (
    read_at >= step_start AND read_at < step_start + make_interval(secs => step_ms / 1000.0)
  )
);

CREATE FUNCTION figures_history_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a point of the figures history is not rewritten'
    USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'figures_history_fixed';
END
$$;

CREATE TRIGGER figures_history_fixed BEFORE UPDATE ON figures_history
  FOR EACH ROW EXECUTE FUNCTION figures_history_fixed();
