-- 014 ballot issuance, the identity side of voting (P-6.3–P-6.9): the steps a voter has taken
-- towards ballot access, and the one blind signature each participant ever gets.
--
-- What is kept here links to no ballot: a blinded message is uniformly random to anyone without
-- the device's blinding factor (RFC 9474 §7.3 blindness), and so is the blind signature, so neither
-- can be matched to the credential that later arrives at the ballot box.

-- P-6.6, P-6.7: per voter, the confirmation of the information and technical conditions (with the
-- version of the texts confirmed) and the correct entry of the SMS code, which holds for the login
-- session it was made in (by that session's key, the SHA-256 the session store is keyed by).
CREATE TABLE voting_steps (
  election_id              text NOT NULL REFERENCES elections (id),
  -- The voter's account identifier at the identity provider (OIDC `sub`).
  subject                  text NOT NULL
                           CONSTRAINT voting_steps_subject_length CHECK (length(subject) BETWEEN 1 AND 255),
  -- SHA-256 of the canonical JSON of the texts the voter confirmed.
  conditions_version       bytea
                           CONSTRAINT voting_steps_conditions_version_length
                           CHECK (octet_length(conditions_version) = 32),
  conditions_confirmed_at  timestamptz,
  code_confirmed_at        timestamptz,
  code_session             text
                           CONSTRAINT voting_steps_code_session_format CHECK (code_session ~ '^[A-Za-z0-9_-]{43}$'),
  PRIMARY KEY (election_id, subject),
  CONSTRAINT voting_steps_conditions_complete
    CHECK ((conditions_version IS NULL) = (conditions_confirmed_at IS NULL)),
  CONSTRAINT voting_steps_code_complete CHECK ((code_confirmed_at IS NULL) = (code_session IS NULL)),
  -- P-6.6: without confirming the conditions there is no next step.
  CONSTRAINT voting_steps_conditions_before_code
    CHECK (code_confirmed_at IS NULL OR (conditions_confirmed_at IS NOT NULL
                                         AND code_confirmed_at >= conditions_confirmed_at))
);

-- P-6.9, P-3.8: the blind signature of a participant's credential, at most one per participant,
-- ever. Written in the transaction that sets the participant's ballot_access_at to issued_at
-- (checked at commit below); kept so that a reloaded page that sends the same blinded message gets
-- the same signature back.
CREATE TABLE ballot_issuances (
  election_id      text NOT NULL,
  region           text NOT NULL,
  participant_id   text NOT NULL,
  -- RFC 9474: exactly the modulus length, 2048 to 4096 bits.
  blinded_message  bytea NOT NULL
                   CONSTRAINT ballot_issuances_blinded_message_length
                   CHECK (octet_length(blinded_message) IN (256, 384, 512)),
  blind_signature  bytea NOT NULL,
  issued_at        timestamptz NOT NULL,
  PRIMARY KEY (election_id, region, participant_id),
  FOREIGN KEY (election_id, region, participant_id)
    REFERENCES participants (election_id, region, participant_id),
  -- Signed under the region's issuer key, which therefore exists.
  FOREIGN KEY (election_id, region) REFERENCES issuer_keys (election_id, region),
  CONSTRAINT ballot_issuances_signature_length
    CHECK (octet_length(blind_signature) = octet_length(blinded_message))
);

CREATE FUNCTION ballot_issuances_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ballot_issuances is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation', CONSTRAINT = 'ballot_issuances_append_only';
END
$$;

CREATE TRIGGER ballot_issuances_no_update_or_delete
  BEFORE UPDATE OR DELETE ON ballot_issuances
  FOR EACH ROW EXECUTE FUNCTION ballot_issuances_append_only();

CREATE TRIGGER ballot_issuances_no_truncate
  BEFORE TRUNCATE ON ballot_issuances
  FOR EACH STATEMENT EXECUTE FUNCTION ballot_issuances_append_only();

-- P-3.8: an issuance exists only together with the ballot access it records, set at the same
-- moment, in the same transaction (checked at commit, whatever order the statements ran in).
CREATE FUNCTION ballot_issuances_access_recorded() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM participants p
    WHERE p.election_id = NEW.election_id AND p.region = NEW.region AND p.participant_id = NEW.participant_id
      AND p.ballot_access_at = NEW.issued_at
  ) THEN
    RAISE EXCEPTION 'a ballot issuance needs the participant''s ballot access at the same moment (P-3.8)'
      USING ERRCODE = 'restrict_violation', CONSTRAINT = 'ballot_issuances_access_recorded';
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER ballot_issuances_access_recorded
  AFTER INSERT ON ballot_issuances
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ballot_issuances_access_recorded();
