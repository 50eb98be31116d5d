-- 002 applications: applications to vote remotely (заявление ДЭГ, P-2.1–P-2.8), the place-of-stay
-- applications they override and the register of unaccounted ones (P-2.7), SMS confirmation codes
-- (P-2.3, P-6.7, P-6.8) and the outbox of the development SMS gateway.
--
-- Personal data (P-2.4) live in `applications` and nowhere else: never in audit_events, never in
-- logs. Every invariant is a named CHECK constraint, as in 001.

-- One application of a voter in an election. A voter may file again after a rejection or a
-- withdrawal (P-2.3, P-2.5), so a voter has many rows but at most one that is pending or accepted.
CREATE TABLE applications (
  id                uuid PRIMARY KEY,
  election_id       text NOT NULL REFERENCES elections (id),
  -- The voter's account identifier at the identity provider (OIDC `sub`): the "account id" of P-2.4.
  subject           text NOT NULL
                    CONSTRAINT applications_subject_length CHECK (length(subject) BETWEEN 1 AND 255),
  -- Region code of the election configuration and the precinct (УИК) the register records.
  region            text NOT NULL
                    CONSTRAINT applications_region_format CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  precinct          text NOT NULL
                    CONSTRAINT applications_precinct_format CHECK (precinct ~ '^[0-9]{1,5}$'),
  status            text NOT NULL
                    CONSTRAINT applications_status_valid
                    CHECK (status IN ('submitted', 'accepted', 'rejected', 'withdrawn')),
  -- Why processing rejected it (P-2.6); stable codes of packages/deg processApplication.
  rejection_reason  text
                    CONSTRAINT applications_rejection_reason_valid
                    CHECK (rejection_reason IN ('ADDRESS_OUTSIDE_PRECINCT', 'UNKNOWN_PRECINCT')),
  -- P-2.4 contents. Full name as one string, address as per passport.
  full_name         text NOT NULL
                    CONSTRAINT applications_full_name_format
                    CHECK (full_name = btrim(full_name) AND length(full_name) BETWEEN 1 AND 300),
  birth_date        date NOT NULL,
  address           text NOT NULL
                    CONSTRAINT applications_address_format
                    CHECK (address = btrim(address) AND length(address) BETWEEN 1 AND 500),
  phone             text NOT NULL
                    CONSTRAINT applications_phone_format CHECK (phone ~ '^\+7[0-9]{10}$'),
  passport_series   text NOT NULL
                    CONSTRAINT applications_passport_series_format CHECK (passport_series ~ '^[0-9]{4}$'),
  passport_number   text NOT NULL
                    CONSTRAINT applications_passport_number_format CHECK (passport_number ~ '^[0-9]{6}$'),
  -- Times from the application's clock (training runs move it), hence no defaults.
  filed_at          timestamptz NOT NULL,
  processed_at      timestamptz,
  withdrawn_at      timestamptz,
  CONSTRAINT applications_birth_date_range
    CHECK (birth_date BETWEEN DATE '1900-01-01' AND (filed_at AT TIME ZONE 'UTC')::date),
  CONSTRAINT applications_rejection_reason_iff_rejected
    CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL)),
  CONSTRAINT applications_withdrawn_at_iff_withdrawn
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
  -- Processed means accepted or rejected; a withdrawn application may or may not have been processed.
  CONSTRAINT applications_processed_at_by_status
    CHECK (CASE status
             WHEN 'submitted' THEN processed_at IS NULL
             WHEN 'accepted' THEN processed_at IS NOT NULL
             WHEN 'rejected' THEN processed_at IS NOT NULL
             ELSE true
           END),
  CONSTRAINT applications_time_order
    CHECK (processed_at >= filed_at AND withdrawn_at >= filed_at AND withdrawn_at >= processed_at)
);

-- Seed 003 "an application already pending or accepted": the database, not only the code, says so.
CREATE UNIQUE INDEX applications_one_active_per_voter
  ON applications (election_id, subject) WHERE status IN ('submitted', 'accepted');
-- The voter's status feed (P-2.8), newest first.
CREATE INDEX applications_by_voter ON applications (election_id, subject, filed_at DESC);
-- The daily processing run (P-2.6) reads the submitted ones.
CREATE INDEX applications_submitted ON applications (election_id, filed_at) WHERE status = 'submitted';

-- Applications to be included in the list at the place of stay (заявление о включении в список по
-- месту нахождения), received from the state system. Only what the rules need: who and when.
CREATE TABLE place_of_stay_applications (
  id           uuid PRIMARY KEY,
  election_id  text NOT NULL REFERENCES elections (id),
  subject      text NOT NULL
               CONSTRAINT place_of_stay_applications_subject_length CHECK (length(subject) BETWEEN 1 AND 255),
  filed_at     timestamptz NOT NULL,
  CONSTRAINT place_of_stay_applications_one_per_voter UNIQUE (election_id, subject)
);

-- P-2.7: the register of unaccounted place-of-stay applications. A remote-voting application
-- accepted in processing overrides the voter's place-of-stay application, which goes here with
-- the note «подано заявление ДЭГ».
CREATE TABLE unaccounted_place_of_stay (
  place_of_stay_id  uuid PRIMARY KEY REFERENCES place_of_stay_applications (id),
  application_id    uuid NOT NULL REFERENCES applications (id),
  note              text NOT NULL
                    CONSTRAINT unaccounted_place_of_stay_note CHECK (note = 'подано заявление ДЭГ'),
  recorded_at       timestamptz NOT NULL
);

-- The current confirmation code of one voter for one purpose; a new code replaces the row. Only
-- HMAC-SHA-256(pepper, salt ‖ code) is kept, never the code (packages/deg confirmation-codes.ts).
CREATE TABLE confirmation_codes (
  election_id    text NOT NULL REFERENCES elections (id),
  subject        text NOT NULL
                 CONSTRAINT confirmation_codes_subject_length CHECK (length(subject) BETWEEN 1 AND 255),
  purpose        text NOT NULL
                 CONSTRAINT confirmation_codes_purpose_valid CHECK (purpose IN ('application', 'ballot-access')),
  salt           bytea NOT NULL CONSTRAINT confirmation_codes_salt_length CHECK (octet_length(salt) = 16),
  mac            bytea NOT NULL CONSTRAINT confirmation_codes_mac_length CHECK (octet_length(mac) = 32),
  issued_at      timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  -- P-6.8: five wrong entries end a code.
  wrong_entries  integer NOT NULL DEFAULT 0
                 CONSTRAINT confirmation_codes_wrong_entries_range CHECK (wrong_entries BETWEEN 0 AND 5),
  used           boolean NOT NULL DEFAULT false,
  CONSTRAINT confirmation_codes_expiry_after_issue CHECK (expires_at > issued_at),
  PRIMARY KEY (election_id, subject, purpose)
);

-- Messages of the development SMS gateway: training runs and tests read codes from here. A
-- production server sends through an operator's gateway and writes nothing to this table.
CREATE TABLE sms_outbox (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  phone    text NOT NULL CONSTRAINT sms_outbox_phone_format CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  text     text NOT NULL CONSTRAINT sms_outbox_text_length CHECK (length(text) BETWEEN 1 AND 1000),
  sent_at  timestamptz NOT NULL
);

CREATE INDEX sms_outbox_by_phone ON sms_outbox (phone, id DESC);
