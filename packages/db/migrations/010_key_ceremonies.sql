-- 010 the key ceremony (P-5.2–P-5.6) and the election manifest.
--   key_ceremonies    one per key group of an election: how its key was made (the commission's
--                     dealer or Pedersen's dealer-free generation), N and K as the commission decided
--                     (P-5.4, the decision it followed), the threshold public key, the Feldman
--                     commitments and the proofs: all public, nothing secret. The passphrases, the
--                     parts and the key part files never reach the database.
--   key_ceremony_parts  part i of a ceremony: its holder as the decision names it (an id, never a
--                     name, P-5.6), its public verification key and the SHA-256 of the file written
--                     for it, so a holder's medium can be matched to the ceremony.
--   key_ceremony_attendance  who was present (P-5.5: commission members, CEC members, the media, the
--                     operator; commission observers, P-10.3), with arrival and departure times. Names
--                     of people other than members are personal data: read by the commission only,
--                     never logged, audited or put into the ledger.
--   election_manifests  the election manifest (packages/election), fixed once: its canonical JSON,
--                     its SHA-256 and its leaf index in the ledger.
-- Nothing here is changed or deleted.

CREATE TABLE key_ceremonies (
  id              uuid PRIMARY KEY,
  election_id     text NOT NULL REFERENCES elections (id),
  key_group       text NOT NULL
                  CONSTRAINT key_ceremonies_key_group_format
                  CHECK (key_group ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- P-5.4: the commission's decision on the number of parts and the threshold.
  decision_id     uuid NOT NULL REFERENCES commission_decisions (id),
  mode            text NOT NULL
                  CONSTRAINT key_ceremonies_mode_valid CHECK (mode IN ('dealer', 'dealer-free')),
  suite           text NOT NULL
                  CONSTRAINT key_ceremonies_suite_valid
                  CHECK (suite IN ('ristretto255', 'gost256b', 'belenios-2048')),
  n               integer NOT NULL,
  k               integer NOT NULL,
  -- Who opened it, by role (P-5.5: the chairman, or the secretary).
  opened_by       text NOT NULL
                  CONSTRAINT key_ceremonies_opened_by_valid CHECK (opened_by IN ('chairman', 'secretary')),
  held_at         timestamptz NOT NULL,
  -- Lower-case hex of the group elements and proof scalars, as in the manifest.
  public_key      text NOT NULL
                  CONSTRAINT key_ceremonies_public_key_hex CHECK (public_key ~ '^([0-9a-f]{2})+$'),
  commitments     jsonb NOT NULL,
  proofs          jsonb NOT NULL,
  -- Leaf index of the ceremony's ledger entry.
  ledger_index    bigint NOT NULL
                  CONSTRAINT key_ceremonies_ledger_index_range CHECK (ledger_index >= 0),
  CONSTRAINT key_ceremonies_threshold CHECK (k >= 1 AND k <= n AND n <= 255 AND (k >= 2 OR n = 1)),
  -- One vector of k commitments per dealer: one dealer, or n in dealer-free mode.
  CONSTRAINT key_ceremonies_commitments_shape
    CHECK (jsonb_typeof(commitments) = 'array'
           AND jsonb_array_length(commitments) = CASE mode WHEN 'dealer' THEN 1 ELSE n END
           AND jsonb_typeof(commitments->0) = 'array'
           AND jsonb_array_length(commitments->0) = k),
  CONSTRAINT key_ceremonies_proofs_shape
    CHECK (jsonb_typeof(proofs) = 'array' AND jsonb_array_length(proofs) = jsonb_array_length(commitments)),
  -- P-5.2: one key set per key group; a second ceremony is refused.
  CONSTRAINT key_ceremonies_one_per_key_group UNIQUE (election_id, key_group)
);

CREATE TABLE key_ceremony_parts (
  ceremony_id       uuid NOT NULL REFERENCES key_ceremonies (id),
  part_index        integer NOT NULL
                    CONSTRAINT key_ceremony_parts_index_range CHECK (part_index BETWEEN 1 AND 255),
  holder            text NOT NULL
                    CONSTRAINT key_ceremony_parts_holder_format
                    CHECK (holder ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  verification_key  text NOT NULL
                    CONSTRAINT key_ceremony_parts_verification_key_hex
                    CHECK (verification_key ~ '^([0-9a-f]{2})+$'),
  file_sha256       bytea NOT NULL
                    CONSTRAINT key_ceremony_parts_file_sha256_length CHECK (octet_length(file_sha256) = 32),
  PRIMARY KEY (ceremony_id, part_index),
  -- P-5.5: one part a medium, one medium a holder.
  CONSTRAINT key_ceremony_parts_one_per_holder UNIQUE (ceremony_id, holder),
  CONSTRAINT key_ceremony_parts_file_unique UNIQUE (file_sha256)
);

CREATE TABLE key_ceremony_attendance (
  ceremony_id   uuid NOT NULL REFERENCES key_ceremonies (id),
  seq           integer NOT NULL CONSTRAINT key_ceremony_attendance_seq_range CHECK (seq >= 1),
  kind          text NOT NULL
                CONSTRAINT key_ceremony_attendance_kind_valid
                CHECK (kind IN ('commission-member', 'cec-member', 'media', 'operator', 'commission-observer')),
  -- A commission member by the configuration's member id; anyone else by name.
  member_id     text
                CONSTRAINT key_ceremony_attendance_member_id_format
                CHECK (member_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  full_name     text
                CONSTRAINT key_ceremony_attendance_full_name_length
                CHECK (length(full_name) BETWEEN 1 AND 300 AND full_name ~ '\S'),
  -- The media outlet, or the candidate who appointed an observer.
  organisation  text
                CONSTRAINT key_ceremony_attendance_organisation_length
                CHECK (length(organisation) BETWEEN 1 AND 300),
  arrived_at    timestamptz NOT NULL,
  left_at       timestamptz,
  PRIMARY KEY (ceremony_id, seq),
  CONSTRAINT key_ceremony_attendance_who
    CHECK ((kind = 'commission-member') = (member_id IS NOT NULL)
           AND (kind = 'commission-member' OR full_name IS NOT NULL)),
  CONSTRAINT key_ceremony_attendance_times CHECK (left_at IS NULL OR left_at >= arrived_at)
);

CREATE UNIQUE INDEX key_ceremony_attendance_one_member
  ON key_ceremony_attendance (ceremony_id, member_id) WHERE member_id IS NOT NULL;

CREATE TABLE election_manifests (
  election_id   text PRIMARY KEY REFERENCES elections (id),
  -- RFC 8785 canonical JSON of the manifest: the bytes that are hashed and served.
  manifest      text NOT NULL
                CONSTRAINT election_manifests_manifest_length CHECK (length(manifest) BETWEEN 2 AND 65536),
  sha256        bytea NOT NULL
                CONSTRAINT election_manifests_sha256_length CHECK (octet_length(sha256) = 32),
  ledger_index  bigint NOT NULL
                CONSTRAINT election_manifests_ledger_index_range CHECK (ledger_index >= 0),
  fixed_at      timestamptz NOT NULL
);

-- A ceremony's record and the manifest are what every ballot and decryption rests on: never edited.
CREATE FUNCTION keys_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_TABLE_NAME || '_append_only';
END
$$;

CREATE TRIGGER key_ceremonies_append_only BEFORE UPDATE OR DELETE ON key_ceremonies
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
CREATE TRIGGER key_ceremony_parts_append_only BEFORE UPDATE OR DELETE ON key_ceremony_parts
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
CREATE TRIGGER key_ceremony_attendance_append_only BEFORE UPDATE OR DELETE ON key_ceremony_attendance
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
CREATE TRIGGER election_manifests_append_only BEFORE UPDATE OR DELETE ON election_manifests
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
