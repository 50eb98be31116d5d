-- 013 issuer keys: the RSA key of each region's blind signatures (RFC 9474 RSABSSA, P-6.9
-- anonymisation), one per election and region, made on first use by the identity side
-- (apps/server/src/voting/issuer-keys.ts) and published in the election manifest.
--
-- The private key is never stored in clear: `sealed_private_key` is AES-256-GCM of its PKCS#8 DER
-- under a key derived (HKDF-SHA-256) from a server secret kept outside the database, with the
-- election, region and public key as associated data, so a sealed key cannot be moved to another
-- row. `kek_id` names the secret (a MAC of a fixed label under the derived key) so that a server
-- started with the wrong secret says so instead of failing to decrypt.
--
-- A published key never changes: rows are only ever added (a new key would orphan every
-- credential already signed under the old one).
CREATE TABLE issuer_keys (
  election_id         text NOT NULL REFERENCES elections (id),
  region              text NOT NULL
                      CONSTRAINT issuer_keys_region_format CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- RFC 9474 asks for at least 2048 bits.
  modulus_bits        integer NOT NULL
                      CONSTRAINT issuer_keys_modulus_bits_valid CHECK (modulus_bits IN (2048, 3072, 4096)),
  -- DER SubjectPublicKeyInfo (rsaEncryption), the bytes the manifest publishes in base64.
  public_spki         bytea NOT NULL
                      CONSTRAINT issuer_keys_public_spki_length CHECK (octet_length(public_spki) BETWEEN 256 AND 1024),
  kek_id              bytea NOT NULL CONSTRAINT issuer_keys_kek_id_length CHECK (octet_length(kek_id) = 8),
  nonce               bytea NOT NULL CONSTRAINT issuer_keys_nonce_length CHECK (octet_length(nonce) = 12),
  -- Ciphertext followed by the 16-byte GCM tag.
  sealed_private_key  bytea NOT NULL
                      CONSTRAINT issuer_keys_sealed_private_key_length
                      CHECK (octet_length(sealed_private_key) BETWEEN 1024 AND 4096),
  -- From the application's clock, hence no default.
  created_at          timestamptz NOT NULL,
  PRIMARY KEY (election_id, region)
);

CREATE FUNCTION issuer_keys_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'issuer_keys is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation', CONSTRAINT = 'issuer_keys_append_only';
END
$$;

CREATE TRIGGER issuer_keys_no_update_or_delete
  BEFORE UPDATE OR DELETE ON issuer_keys
  FOR EACH ROW EXECUTE FUNCTION issuer_keys_append_only();

CREATE TRIGGER issuer_keys_no_truncate
  BEFORE TRUNCATE ON issuer_keys
  FOR EACH STATEMENT EXECUTE FUNCTION issuer_keys_append_only();
