-- 006 the commission's decisions and the observers (P-1.4, P-5.4, P-5.6, P-10.4, P-10.5, P-10.9).
--   commission_decisions  what the commission (ТИК ДЭГ) decided and the platform acts on: the deputy
--                         chairman and the secretary elected at the first meeting (P-1.4, one row per
--                         office, each its own secret ballot), the number of key parts, the threshold
--                         and the holders (P-5.4, P-5.6), the observers' list received (P-10.5). Each
--                         row carries its ballot; a decision needs a majority of the established
--                         number of members, 7 of 12, whatever the size of a training commission.
--   commission_observers  observers in the commission room, Appendix 7 data (full name, date of
--                         birth, address, passport): personal data, read by the commission only and
--                         never written to a log or an audit row. At most three per candidate (P-10.4).
--   portal_observers      observers on the observation portal: an appointer (appointerKey of
--                         packages/deg) and an account of the identity provider, which must be
--                         confirmed; at most three per appointer (P-10.9).
-- Nothing here is changed or deleted. The limits of three are triggers, as a CHECK sees one row only.

CREATE TABLE commission_decisions (
  id             uuid PRIMARY KEY,
  election_id    text NOT NULL REFERENCES elections (id),
  kind           text NOT NULL
                 CONSTRAINT commission_decisions_kind_valid
                 CHECK (kind IN ('officers', 'key-parts', 'observers-list')),
  -- The meeting's number, the first being 1.
  meeting        integer NOT NULL
                 CONSTRAINT commission_decisions_meeting_positive CHECK (meeting >= 1),
  payload        jsonb NOT NULL
                 CONSTRAINT commission_decisions_payload_object CHECK (jsonb_typeof(payload) = 'object'),
  votes_for      integer NOT NULL
                 CONSTRAINT commission_decisions_votes_for_range CHECK (votes_for BETWEEN 0 AND 12),
  votes_against  integer NOT NULL
                 CONSTRAINT commission_decisions_votes_against_range CHECK (votes_against BETWEEN 0 AND 12),
  -- Time from the application's clock (training runs move it), hence no default.
  decided_at     timestamptz NOT NULL,
  CONSTRAINT commission_decisions_votes_total CHECK (votes_for + votes_against <= 12),
  -- P-1.4: a majority of the established number of members (12).
  CONSTRAINT commission_decisions_majority CHECK (votes_for >= 7),
  -- P-1.4: the deputy chairman and the secretary, elected at the first meeting, one row per office.
  CONSTRAINT commission_decisions_officers_shape
    CHECK (kind <> 'officers'
           OR (meeting = 1
               AND payload->>'office' IN ('deputy', 'secretary')
               AND jsonb_typeof(payload->'memberId') = 'string')),
  -- P-5.4, P-5.6: 1 ≤ K ≤ N ≤ 255 and one holder a part.
  CONSTRAINT commission_decisions_key_parts_shape
    CHECK (kind <> 'key-parts'
           OR (jsonb_typeof(payload->'n') = 'number'
               AND jsonb_typeof(payload->'k') = 'number'
               AND jsonb_typeof(payload->'holders') = 'array'
               AND (payload->>'k')::numeric >= 1
               AND (payload->>'k')::numeric <= (payload->>'n')::numeric
               AND (payload->>'n')::numeric <= 255
               AND jsonb_array_length(payload->'holders') = (payload->>'n')::numeric))
);

-- Each office is filled once, and the key parts are decided once, in an election.
CREATE UNIQUE INDEX commission_decisions_one_officer
  ON commission_decisions (election_id, (payload->>'office'))
  WHERE kind = 'officers';
CREATE UNIQUE INDEX commission_decisions_one_key_parts
  ON commission_decisions (election_id)
  WHERE kind = 'key-parts';

CREATE TABLE commission_observers (
  id               uuid PRIMARY KEY,
  election_id      text NOT NULL REFERENCES elections (id),
  -- The registered candidate who appointed the observer (a proxy appoints in the candidate's name).
  candidate_id     text NOT NULL
                   CONSTRAINT commission_observers_candidate_format
                   CHECK (candidate_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- Appendix 7.
  full_name        text NOT NULL
                   CONSTRAINT commission_observers_full_name_length
                   CHECK (length(full_name) BETWEEN 1 AND 300 AND full_name ~ '\S'),
  birth_date       date NOT NULL
                   CONSTRAINT commission_observers_birth_date_range CHECK (birth_date >= DATE '1900-01-01'),
  address          text NOT NULL
                   CONSTRAINT commission_observers_address_length
                   CHECK (length(address) BETWEEN 1 AND 500 AND address ~ '\S'),
  passport_series  text NOT NULL
                   CONSTRAINT commission_observers_passport_series_format CHECK (passport_series ~ '^[0-9]{4}$'),
  passport_number  text NOT NULL
                   CONSTRAINT commission_observers_passport_number_format CHECK (passport_number ~ '^[0-9]{6}$'),
  entered_at       timestamptz NOT NULL,
  -- The passport names the person: one appointment per candidate and observer.
  CONSTRAINT commission_observers_one_per_candidate
    UNIQUE (election_id, candidate_id, passport_series, passport_number)
);

CREATE TABLE portal_observers (
  id                 uuid PRIMARY KEY,
  election_id        text NOT NULL REFERENCES elections (id),
  -- packages/deg appointerKey: party:<id>, party-branch:<id>:<region>, candidate:<id>, proxy:<id>,
  -- public-chamber:<region>.
  appointer          text NOT NULL
                     CONSTRAINT portal_observers_appointer_format
                     CHECK (appointer ~ '^(party|candidate|proxy):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'
                            OR appointer ~ '^party-branch:[A-Za-z0-9][A-Za-z0-9._-]{0,63}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'
                            OR appointer ~ '^public-chamber:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- The observer's account at the identity provider (OIDC sub).
  subject            text NOT NULL
                     CONSTRAINT portal_observers_subject_length CHECK (length(subject) BETWEEN 1 AND 255),
  -- P-10.9: only a confirmed account is appointed; the flag records what was checked.
  account_confirmed  boolean NOT NULL
                     CONSTRAINT portal_observers_account_confirmed CHECK (account_confirmed),
  appointed_at       timestamptz NOT NULL,
  CONSTRAINT portal_observers_one_per_appointer UNIQUE (election_id, appointer, subject)
);

-- P-10.4, P-10.9: at most three per candidate / per appointer. The advisory lock serialises
-- concurrent appointments of one appointer, so two of them cannot both see two and make four.
CREATE FUNCTION observers_at_most_three() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  appointer text;
  taken integer;
BEGIN
  IF TG_TABLE_NAME = 'commission_observers' THEN
    appointer := NEW.candidate_id;
    PERFORM pg_advisory_xact_lock(hashtext('commission_observers/' || NEW.election_id || '/' || appointer));
    SELECT count(*) INTO taken FROM commission_observers
      WHERE election_id = NEW.election_id AND candidate_id = appointer;
  ELSE
    appointer := NEW.appointer;
    PERFORM pg_advisory_xact_lock(hashtext('portal_observers/' || NEW.election_id || '/' || appointer));
    SELECT count(*) INTO taken FROM portal_observers
      WHERE election_id = NEW.election_id AND portal_observers.appointer = NEW.appointer;
  END IF;
  IF taken >= 3 THEN
    RAISE EXCEPTION 'at most three observers per appointer'
      USING ERRCODE = '23514', CONSTRAINT = TG_TABLE_NAME || '_at_most_three';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER commission_observers_at_most_three
  BEFORE INSERT ON commission_observers
  FOR EACH ROW EXECUTE FUNCTION observers_at_most_three();
CREATE TRIGGER portal_observers_at_most_three
  BEFORE INSERT ON portal_observers
  FOR EACH ROW EXECUTE FUNCTION observers_at_most_three();

CREATE FUNCTION commission_observers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
    USING ERRCODE = '23001', CONSTRAINT = TG_TABLE_NAME || '_append_only';
END;
$$;

CREATE TRIGGER commission_decisions_append_only
  BEFORE UPDATE OR DELETE ON commission_decisions
  FOR EACH ROW EXECUTE FUNCTION commission_observers_append_only();
CREATE TRIGGER commission_observers_append_only
  BEFORE UPDATE OR DELETE ON commission_observers
  FOR EACH ROW EXECUTE FUNCTION commission_observers_append_only();
CREATE TRIGGER portal_observers_append_only
  BEFORE UPDATE OR DELETE ON portal_observers
  FOR EACH ROW EXECUTE FUNCTION commission_observers_append_only();
