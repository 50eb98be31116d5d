-- 007 the ballot's source data (исходные данные для формирования электронного бюллетеня), P-4.1–P-4.5.
--   ballot_versions  every version of an election's ballot source data (packages/deg BallotSource:
--                    title, instructions, candidates with their translations), the first from the
--                    data centre's bundle with the list data (P-4.2), the next ones when a candidate
--                    withdraws or is deregistered, or the CEC decides to put a candidate's data on the
--                    ballot (P-4.3), each from a bundle or entered through the API. The current ballot is the highest version. Versions follow each other
--                    without a gap; nothing here is changed or deleted, so the history stays readable.
-- The source data are public (the CEC publishes the registered candidates): no personal data of
-- voters here. Who loaded a version is in audit_events, by role.

CREATE TABLE ballot_versions (
  election_id   text NOT NULL REFERENCES elections (id),
  version       integer NOT NULL
                CONSTRAINT ballot_versions_version_positive CHECK (version >= 1),
  -- The BallotSource as loaded; its own `version` is this row's.
  source        jsonb NOT NULL
                CONSTRAINT ballot_versions_source_shape
                CHECK (jsonb_typeof(source) = 'object'
                       AND jsonb_typeof(source->'version') = 'number'
                       AND jsonb_typeof(source->'title') = 'string'
                       AND jsonb_typeof(source->'instructions') = 'string'
                       AND jsonb_typeof(source->'candidates') = 'array'),
  -- SHA-256 of the source's canonical JSON (RFC 8785), what the election manifest will name.
  sha256        bytea NOT NULL
                CONSTRAINT ballot_versions_sha256_length CHECK (octet_length(sha256) = 32),
  -- 'bundle': read from ballot/source.json of a loaded bundle (P-4.2); 'update': entered through
  -- the API after a candidate withdrew or was deregistered (P-4.3).
  origin        text NOT NULL
                CONSTRAINT ballot_versions_origin_valid CHECK (origin IN ('bundle', 'update')),
  bundle_hash   bytea REFERENCES loaded_bundles (hash),
  -- P-4.3: why the data changed — the candidate withdrew (выбытие), the registration was cancelled or
  -- annulled (deregistered), the CEC decided to put the candidate's data on the ballot (added) — and
  -- the candidate concerned (an id of the source data).
  reason        text
                CONSTRAINT ballot_versions_reason_valid CHECK (reason IN ('withdrawn', 'deregistered', 'added')),
  candidate_id  text
                CONSTRAINT ballot_versions_candidate_id_format
                CHECK (candidate_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- Time from the application's clock (training runs move it), hence no default.
  loaded_at     timestamptz NOT NULL,
  PRIMARY KEY (election_id, version),
  -- CASE, not AND: the cast runs only on a number, so any other value is this CHECK's violation.
  CONSTRAINT ballot_versions_source_version
    CHECK (CASE WHEN jsonb_typeof(source->'version') = 'number'
                THEN (source->>'version')::numeric = version ELSE false END),
  CONSTRAINT ballot_versions_bundle_iff_origin CHECK ((origin = 'bundle') = (bundle_hash IS NOT NULL)),
  -- An update names its reason and candidate; the first version has nothing it updates.
  CONSTRAINT ballot_versions_update_reason
    CHECK ((origin = 'update') = (reason IS NOT NULL AND candidate_id IS NOT NULL)),
  CONSTRAINT ballot_versions_update_not_first CHECK (origin = 'bundle' OR version >= 2)
);

-- Versions follow each other: the next one is the highest plus one. The advisory lock serialises
-- two loads of one election, so both cannot see the same highest version.
CREATE FUNCTION ballot_versions_next() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  highest integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('ballot_versions/' || NEW.election_id));
  SELECT max(version) INTO highest FROM ballot_versions WHERE election_id = NEW.election_id;
  IF NEW.version <> coalesce(highest, 0) + 1 THEN
    RAISE EXCEPTION 'ballot version % does not follow %', NEW.version, coalesce(highest, 0)
      USING ERRCODE = '23514', CONSTRAINT = 'ballot_versions_consecutive';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER ballot_versions_next
  BEFORE INSERT ON ballot_versions
  FOR EACH ROW EXECUTE FUNCTION ballot_versions_next();

CREATE FUNCTION ballot_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ballot versions are never changed or deleted'
    USING ERRCODE = '23001', CONSTRAINT = 'ballot_versions_append_only';
END;
$$;

CREATE TRIGGER ballot_versions_append_only
  BEFORE UPDATE OR DELETE ON ballot_versions
  FOR EACH ROW EXECUTE FUNCTION ballot_versions_append_only();
