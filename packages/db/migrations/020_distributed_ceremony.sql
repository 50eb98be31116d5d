-- 020 the distributed key ceremony (P-5.2–P-5.6, issue 6): Pedersen's dealer-free generation in
-- which each holder deals on their own machine and the server only relays. Only public values and
-- ciphertexts are kept here: the holders' enrolment tokens as SHA-256, their transport public keys,
-- the dealers' commitments and proofs, the shares encrypted to their recipients (which nobody but
-- the recipient can read), each holder's verification key and key part file hash, and complaints.
-- No share, no part, no transport secret, no passphrase ever reaches the database.
--   distributed_ceremonies  one opened ceremony of a key group; when it is finished its record is
--                     entered in key_ceremonies (010) under the same id, as the other modes are.
--   distributed_ceremony_holders  part i's holder as the decision names it, and the SHA-256 of the
--                     one-time token the holder presents (handed over at the ceremony, P-5.5).
--   distributed_ceremony_enrolments  round 0: each holder's transport key with its proof of possession.
--   distributed_ceremony_dealings  round 1: each dealer's Feldman commitments and Schnorr proof.
--   distributed_ceremony_shares  round 1: f_d(i) encrypted to holder i (ECIES, packages/crypto
--                     dkg-transport.ts), kept so that a complaint can be checked against it.
--   distributed_ceremony_combines  round 2: each holder's verification key and key part file SHA-256.
--   distributed_ceremony_complaints  a holder's complaint naming a dealer whose share failed, with the
--                     disclosure that lets anyone check it; recorded only when it holds, and the
--                     ceremony cannot finish once one is recorded.
-- Nothing here is changed or deleted.

CREATE TABLE distributed_ceremonies (
  id            uuid PRIMARY KEY,
  election_id   text NOT NULL REFERENCES elections (id),
  key_group     text NOT NULL
                CONSTRAINT distributed_ceremonies_key_group_format
                CHECK (key_group ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  decision_id   uuid NOT NULL REFERENCES commission_decisions (id),
  suite         text NOT NULL
                CONSTRAINT distributed_ceremonies_suite_valid CHECK (suite IN ('ristretto255', 'gost256b')),
  n             integer NOT NULL,
  k             integer NOT NULL,
  opened_by     text NOT NULL
                CONSTRAINT distributed_ceremonies_opened_by_valid CHECK (opened_by IN ('chairman', 'secretary')),
  opened_at     timestamptz NOT NULL,
  -- P-5.5: who was present at the opening (names of people other than members are personal data:
  -- read by the commission only, copied to key_ceremony_attendance when the ceremony finishes).
  attendance    jsonb NOT NULL CONSTRAINT distributed_ceremonies_attendance_array
                CHECK (jsonb_typeof(attendance) = 'array'),
  CONSTRAINT distributed_ceremonies_threshold CHECK (k >= 2 AND k <= n AND n <= 255)
);

-- One ceremony a key group at a time is enforced by the routes under an advisory lock (a failed
-- ceremony, with a complaint, may be followed by another).
CREATE INDEX distributed_ceremonies_key_group ON distributed_ceremonies (election_id, key_group);

CREATE TABLE distributed_ceremony_holders (
  ceremony_id   uuid NOT NULL REFERENCES distributed_ceremonies (id),
  part_index    integer NOT NULL
                CONSTRAINT distributed_ceremony_holders_index_range CHECK (part_index BETWEEN 1 AND 255),
  holder        text NOT NULL
                CONSTRAINT distributed_ceremony_holders_holder_format
                CHECK (holder ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  token_sha256  bytea NOT NULL
                CONSTRAINT distributed_ceremony_holders_token_length CHECK (octet_length(token_sha256) = 32),
  PRIMARY KEY (ceremony_id, part_index),
  CONSTRAINT distributed_ceremony_holders_one_per_holder UNIQUE (ceremony_id, holder),
  CONSTRAINT distributed_ceremony_holders_token_unique UNIQUE (token_sha256)
);

CREATE TABLE distributed_ceremony_enrolments (
  ceremony_id    uuid NOT NULL,
  part_index     integer NOT NULL,
  -- ristretto255, RFC 9496 encoding, lower-case hex.
  transport_key  text NOT NULL
                 CONSTRAINT distributed_ceremony_enrolments_key_hex CHECK (transport_key ~ '^[0-9a-f]{64}$'),
  proof          jsonb NOT NULL,
  enrolled_at    timestamptz NOT NULL,
  PRIMARY KEY (ceremony_id, part_index),
  FOREIGN KEY (ceremony_id, part_index) REFERENCES distributed_ceremony_holders (ceremony_id, part_index),
  CONSTRAINT distributed_ceremony_enrolments_key_unique UNIQUE (ceremony_id, transport_key)
);

CREATE TABLE distributed_ceremony_dealings (
  ceremony_id  uuid NOT NULL,
  dealer       integer NOT NULL,
  -- k group elements of the election's suite, lower-case hex, and the proof {c, z}.
  commitments  jsonb NOT NULL
               CONSTRAINT distributed_ceremony_dealings_commitments_array
               CHECK (jsonb_typeof(commitments) = 'array'),
  proof        jsonb NOT NULL,
  dealt_at     timestamptz NOT NULL,
  PRIMARY KEY (ceremony_id, dealer),
  FOREIGN KEY (ceremony_id, dealer) REFERENCES distributed_ceremony_enrolments (ceremony_id, part_index)
);

CREATE TABLE distributed_ceremony_shares (
  ceremony_id  uuid NOT NULL,
  dealer       integer NOT NULL,
  recipient    integer NOT NULL,
  ephemeral    bytea NOT NULL
               CONSTRAINT distributed_ceremony_shares_ephemeral_length CHECK (octet_length(ephemeral) = 32),
  -- AES-256-GCM of one scalar and its 16-byte tag (32 + 16 bytes in both suites).
  ciphertext   bytea NOT NULL
               CONSTRAINT distributed_ceremony_shares_ciphertext_length
               CHECK (octet_length(ciphertext) BETWEEN 17 AND 80),
  PRIMARY KEY (ceremony_id, dealer, recipient),
  FOREIGN KEY (ceremony_id, dealer) REFERENCES distributed_ceremony_dealings (ceremony_id, dealer),
  FOREIGN KEY (ceremony_id, recipient) REFERENCES distributed_ceremony_enrolments (ceremony_id, part_index)
);

CREATE TABLE distributed_ceremony_combines (
  ceremony_id       uuid NOT NULL,
  part_index        integer NOT NULL,
  verification_key  text NOT NULL
                    CONSTRAINT distributed_ceremony_combines_verification_key_hex
                    CHECK (verification_key ~ '^([0-9a-f]{2})+$'),
  file_sha256       bytea NOT NULL
                    CONSTRAINT distributed_ceremony_combines_file_sha256_length
                    CHECK (octet_length(file_sha256) = 32),
  combined_at       timestamptz NOT NULL,
  PRIMARY KEY (ceremony_id, part_index),
  FOREIGN KEY (ceremony_id, part_index) REFERENCES distributed_ceremony_enrolments (ceremony_id, part_index)
);

CREATE TABLE distributed_ceremony_complaints (
  ceremony_id   uuid NOT NULL,
  complainant   integer NOT NULL,
  dealer        integer NOT NULL,
  -- The holder's crypto error code (SHARE_INVALID: does not decrypt or fails the commitments).
  code          text NOT NULL
                CONSTRAINT distributed_ceremony_complaints_code_format CHECK (code ~ '^[A-Z][A-Z_]{0,63}$'),
  -- The recipient's disclosure S = t·R of this one share and its DLEQ proof {c, z}: with them anyone
  -- decrypts the share complained of and checks it against the dealer's commitments.
  shared        bytea NOT NULL
                CONSTRAINT distributed_ceremony_complaints_shared_length CHECK (octet_length(shared) = 32),
  proof         jsonb NOT NULL,
  made_at       timestamptz NOT NULL,
  PRIMARY KEY (ceremony_id, complainant, dealer),
  -- The offending ciphertext stays on record beside the complaint.
  FOREIGN KEY (ceremony_id, dealer, complainant)
    REFERENCES distributed_ceremony_shares (ceremony_id, dealer, recipient)
);

CREATE TRIGGER distributed_ceremonies_append_only BEFORE UPDATE OR DELETE ON distributed_ceremonies
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
CREATE TRIGGER distributed_ceremony_holders_append_only BEFORE UPDATE OR DELETE ON distributed_ceremony_holders
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
CREATE TRIGGER distributed_ceremony_enrolments_append_only BEFORE UPDATE OR DELETE ON distributed_ceremony_enrolments
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
CREATE TRIGGER distributed_ceremony_dealings_append_only BEFORE UPDATE OR DELETE ON distributed_ceremony_dealings
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
CREATE TRIGGER distributed_ceremony_shares_append_only BEFORE UPDATE OR DELETE ON distributed_ceremony_shares
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
CREATE TRIGGER distributed_ceremony_combines_append_only BEFORE UPDATE OR DELETE ON distributed_ceremony_combines
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
CREATE TRIGGER distributed_ceremony_complaints_append_only BEFORE UPDATE OR DELETE ON distributed_ceremony_complaints
  FOR EACH ROW EXECUTE FUNCTION keys_append_only();
