-- 016 the close of voting, part 1: members' certificates, the commission's signed closing documents
-- and the custody of the write-once media (P-7.1–P-7.5, P-7.9).
--   member_certificates  certificates of commission members (X.509, DER), imported after their
--                        path was checked; members keep their private keys, the platform never
--                        holds one. Every signature is checked against one of these.
--   closing_documents    the canonical bytes (RFC 8785 JSON) of what the commission signs: the final
--                        lists of a key group (P-7.3, scope = the key group) and the protocol (P-7.9,
--                        scope = 'protocol'). Written once; `published_at` when every signature is in.
--   document_sign_offs   one row per member and document: the member's detached CMS signature, or
--                        the reason the chairman recorded for a member who cannot sign (P-7.9).
--   closing_regions      P-7.1–P-7.4: per region of a key group, the final numbers and the closed tally.
--   custody_records      P-7.5: who put which write-once medium where, when.
-- Nothing here is updated but `published_at` (once) or deleted.

CREATE TABLE member_certificates (
  election_id   text NOT NULL REFERENCES elections (id),
  -- SHA-256 of the DER, hex: what a verified signature's certificate is matched with.
  fingerprint   text NOT NULL
                CONSTRAINT member_certificates_fingerprint_format CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  member_id     text NOT NULL
                CONSTRAINT member_certificates_member_format
                CHECK (member_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  der           bytea NOT NULL
                CONSTRAINT member_certificates_der_size CHECK (octet_length(der) BETWEEN 64 AND 16384),
  not_before    timestamptz NOT NULL,
  not_after     timestamptz NOT NULL,
  imported_at   timestamptz NOT NULL,
  PRIMARY KEY (election_id, fingerprint),
  CONSTRAINT member_certificates_validity CHECK (not_before < not_after)
);

CREATE TABLE closing_documents (
  election_id   text NOT NULL REFERENCES elections (id),
  kind          text NOT NULL
                CONSTRAINT closing_documents_kind_valid CHECK (kind IN ('final-lists', 'protocol')),
  -- The key group of final lists; 'protocol' for the protocol.
  scope         text NOT NULL
                CONSTRAINT closing_documents_scope_format CHECK (scope ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  content       bytea NOT NULL
                CONSTRAINT closing_documents_content_size CHECK (octet_length(content) BETWEEN 2 AND 4194304),
  sha256        bytea NOT NULL
                CONSTRAINT closing_documents_sha256_length CHECK (octet_length(sha256) = 32),
  -- Members present when the protocol was signed (P-7.9); every member of the commission for the lists.
  signers       text[] NOT NULL,
  created_at    timestamptz NOT NULL,
  published_at  timestamptz,
  PRIMARY KEY (election_id, kind, scope),
  CONSTRAINT closing_documents_published_after CHECK (published_at IS NULL OR published_at >= created_at)
);

-- The bytes signed never change; only `published_at` may be set, once.
CREATE FUNCTION closing_documents_write_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'closing documents are never deleted' USING ERRCODE = '23001',
      CONSTRAINT = 'closing_documents_write_once';
  END IF;
  IF NEW.content IS DISTINCT FROM OLD.content OR NEW.sha256 IS DISTINCT FROM OLD.sha256
     OR NEW.signers IS DISTINCT FROM OLD.signers OR NEW.created_at IS DISTINCT FROM OLD.created_at
     OR (OLD.published_at IS NOT NULL AND NEW.published_at IS DISTINCT FROM OLD.published_at) THEN
    RAISE EXCEPTION 'a closing document never changes' USING ERRCODE = '23001',
      CONSTRAINT = 'closing_documents_write_once';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER closing_documents_write_once BEFORE UPDATE OR DELETE ON closing_documents
  FOR EACH ROW EXECUTE FUNCTION closing_documents_write_once();

CREATE TABLE document_sign_offs (
  election_id   text NOT NULL,
  kind          text NOT NULL,
  scope         text NOT NULL,
  member_id     text NOT NULL
                CONSTRAINT document_sign_offs_member_format
                CHECK (member_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- The detached CMS (DER) and the certificate it was verified with; or a reason, never both.
  signature     bytea
                CONSTRAINT document_sign_offs_signature_size CHECK (octet_length(signature) <= 65536),
  fingerprint   text,
  reason        text
                CONSTRAINT document_sign_offs_reason_text CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
  -- When the platform received it (the trusted time the certificate was checked at).
  recorded_at   timestamptz NOT NULL,
  PRIMARY KEY (election_id, kind, scope, member_id),
  FOREIGN KEY (election_id, kind, scope) REFERENCES closing_documents (election_id, kind, scope),
  FOREIGN KEY (election_id, fingerprint) REFERENCES member_certificates (election_id, fingerprint),
  CONSTRAINT document_sign_offs_signature_or_reason CHECK (
    (signature IS NOT NULL AND fingerprint IS NOT NULL AND reason IS NULL)
    OR (signature IS NULL AND fingerprint IS NULL AND reason IS NOT NULL))
);

CREATE FUNCTION document_sign_offs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'sign-offs are never changed or deleted' USING ERRCODE = '23001',
    CONSTRAINT = 'document_sign_offs_append_only';
END $$;
CREATE TRIGGER document_sign_offs_append_only BEFORE UPDATE OR DELETE ON document_sign_offs
  FOR EACH ROW EXECUTE FUNCTION document_sign_offs_append_only();

-- P-7.1–P-7.4: the final lists of a key group as ordered, one row per region of the group: the
-- final numbers of its list (lines 1, 2), the ballots cast by the ballot box (line 3) and the
-- region's encrypted tally as the box closed it, which the key-part holders decrypt (P-7.6–P-7.8).
-- `applications` = the participants the list was compiled with (P-7.9: none → not in the protocol).
CREATE TABLE closing_regions (
  election_id   text NOT NULL REFERENCES elections (id),
  key_group     text NOT NULL
                CONSTRAINT closing_regions_key_group_format
                CHECK (key_group ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  region        text NOT NULL
                CONSTRAINT closing_regions_region_format CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  applications  integer NOT NULL CONSTRAINT closing_regions_applications_count CHECK (applications >= 0),
  on_list       integer NOT NULL CONSTRAINT closing_regions_on_list_count CHECK (on_list >= 0),
  issued        integer NOT NULL CONSTRAINT closing_regions_issued_count CHECK (issued >= 0),
  cast_count    integer NOT NULL CONSTRAINT closing_regions_cast_count CHECK (cast_count >= 0),
  -- packages/election RegionTallyJson; NULL when no ballot was cast in the region.
  tally         jsonb,
  ordered_at    timestamptz NOT NULL,
  PRIMARY KEY (election_id, region),
  CONSTRAINT closing_regions_cast_le_issued CHECK (cast_count <= issued),
  CONSTRAINT closing_regions_tally_ballots
    CHECK ((tally IS NULL AND cast_count = 0) OR (tally->>'ballots')::integer = cast_count)
);

CREATE FUNCTION closing_regions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'final lists never change (P-7.4)' USING ERRCODE = '23001',
    CONSTRAINT = 'closing_regions_append_only';
END $$;
CREATE TRIGGER closing_regions_append_only BEFORE UPDATE OR DELETE ON closing_regions
  FOR EACH ROW EXECUTE FUNCTION closing_regions_append_only();

CREATE TABLE custody_records (
  id            uuid PRIMARY KEY,
  election_id   text NOT NULL REFERENCES elections (id),
  -- What the medium holds: the final lists of a key group (P-7.5) or the results (P-8.1).
  content       text NOT NULL
                CONSTRAINT custody_records_content_valid CHECK (content IN ('final-lists', 'results')),
  scope         text NOT NULL
                CONSTRAINT custody_records_scope_format CHECK (scope ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- The medium's label or serial number, the place (safe), the member who put it there.
  medium        text NOT NULL CONSTRAINT custody_records_medium_text CHECK (length(btrim(medium)) BETWEEN 1 AND 200),
  place         text NOT NULL CONSTRAINT custody_records_place_text CHECK (length(btrim(place)) BETWEEN 1 AND 200),
  member_id     text NOT NULL
                CONSTRAINT custody_records_member_format
                CHECK (member_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- SHA-256 of the bundle's manifest written to the medium, hex.
  bundle_sha256 text NOT NULL
                CONSTRAINT custody_records_bundle_format CHECK (bundle_sha256 ~ '^[0-9a-f]{64}$'),
  placed_at     timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL
);

CREATE FUNCTION custody_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'custody records are never changed or deleted' USING ERRCODE = '23001',
    CONSTRAINT = 'custody_records_append_only';
END $$;
CREATE TRIGGER custody_records_append_only BEFORE UPDATE OR DELETE ON custody_records
  FOR EACH ROW EXECUTE FUNCTION custody_records_append_only();
