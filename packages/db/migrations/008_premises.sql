-- 008 premises equipped for remote voting (P-3.7; seed 004, 3.7: «помещение для голосования
-- избирательного участка или иное помещение, оборудованное для дистанционного электронного
-- голосования», published on the regional commission's site by a date of the configuration).
--   premises_versions  per region, each premises as a sequence of versions: the first entered, each
--                      change (address, equipment, hours) a new version, a premises closed also a
--                      new version. The current version of a premises is its highest. Nothing is
--                      changed or deleted, so what was published stays readable after a change.
-- Hours are local times of the region (its time zone in the configuration), one row per day.
-- A premises is a public place: no personal data here.

CREATE TABLE premises_versions (
  election_id   text NOT NULL REFERENCES elections (id),
  -- The premises, the same through its versions.
  premises_id   uuid NOT NULL,
  version       integer NOT NULL
                CONSTRAINT premises_versions_version_positive CHECK (version >= 1),
  region        text NOT NULL
                CONSTRAINT premises_versions_region_format CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- The precinct whose polling room it is, if it is one.
  precinct      text
                CONSTRAINT premises_versions_precinct_format CHECK (precinct ~ '^[0-9]{1,5}$'),
  name          text NOT NULL
                CONSTRAINT premises_versions_name_length CHECK (length(name) BETWEEN 1 AND 300 AND name ~ '\S'),
  address       text NOT NULL
                CONSTRAINT premises_versions_address_length
                CHECK (length(address) BETWEEN 1 AND 500 AND address ~ '\S'),
  -- What is installed: terminals, computers, their number.
  equipment     text NOT NULL
                CONSTRAINT premises_versions_equipment_length
                CHECK (length(equipment) BETWEEN 1 AND 1000 AND equipment ~ '\S'),
  -- [{ "day": "YYYY-MM-DD", "opens": "HH:MM", "closes": "HH:MM" }, …] in the region's time zone.
  hours         jsonb NOT NULL
                CONSTRAINT premises_versions_hours_array
                CHECK (jsonb_typeof(hours) = 'array' AND jsonb_array_length(hours) BETWEEN 1 AND 31),
  -- A closed premises: this version ends it; its earlier versions stay.
  closed        boolean NOT NULL,
  -- Time from the application's clock (training runs move it), hence no default.
  entered_at    timestamptz NOT NULL,
  PRIMARY KEY (election_id, premises_id, version)
);

CREATE INDEX premises_versions_by_region ON premises_versions (election_id, region, premises_id, version);

-- Versions of a premises follow each other, stay in one region, and none follows a closing.
CREATE FUNCTION premises_versions_next() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last premises_versions%ROWTYPE;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('premises_versions/' || NEW.premises_id::text));
  SELECT * INTO last FROM premises_versions
    WHERE election_id = NEW.election_id AND premises_id = NEW.premises_id
    ORDER BY version DESC LIMIT 1;
  IF NOT FOUND THEN
    IF NEW.version <> 1 OR NEW.closed THEN
      RAISE EXCEPTION 'a premises starts at version 1, open'
        USING ERRCODE = '23514', CONSTRAINT = 'premises_versions_consecutive';
    END IF;
  ELSIF NEW.version <> last.version + 1 THEN
    RAISE EXCEPTION 'premises version % does not follow %', NEW.version, last.version
      USING ERRCODE = '23514', CONSTRAINT = 'premises_versions_consecutive';
  ELSIF NEW.region <> last.region THEN
    RAISE EXCEPTION 'a premises stays in its region'
      USING ERRCODE = '23514', CONSTRAINT = 'premises_versions_same_region';
  ELSIF last.closed THEN
    RAISE EXCEPTION 'a closed premises has no later version'
      USING ERRCODE = '23514', CONSTRAINT = 'premises_versions_closed_final';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER premises_versions_next
  BEFORE INSERT ON premises_versions
  FOR EACH ROW EXECUTE FUNCTION premises_versions_next();

CREATE FUNCTION premises_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'premises versions are never changed or deleted'
    USING ERRCODE = '23001', CONSTRAINT = 'premises_versions_append_only';
END;
$$;

CREATE TRIGGER premises_versions_append_only
  BEFORE UPDATE OR DELETE ON premises_versions
  FOR EACH ROW EXECUTE FUNCTION premises_versions_append_only();
