-- 005 loaded bundles (P-3.2): every signed bundle the commission loaded, by its hash (SHA-256 of its
-- manifest), with the manifest itself and who signed it. A bundle is loaded once; nothing here is
-- ever changed or deleted.

CREATE TABLE loaded_bundles (
  hash         bytea PRIMARY KEY
               CONSTRAINT loaded_bundles_hash_length CHECK (octet_length(hash) = 32),
  election_id  text NOT NULL REFERENCES elections (id),
  -- What the bundle carries, e.g. list-and-ballot-data (P-3.1) or final-lists (P-7.4).
  kind         text NOT NULL
               CONSTRAINT loaded_bundles_kind_format CHECK (kind ~ '^[a-z][a-z0-9-]{0,63}$'),
  -- The canonical manifest: file names, sizes and SHA-256, no personal data.
  manifest     jsonb NOT NULL
               CONSTRAINT loaded_bundles_manifest_object CHECK (jsonb_typeof(manifest) = 'object'),
  -- The signer's certificate subject (the data centre), as the verifier read it.
  signer       text NOT NULL
               CONSTRAINT loaded_bundles_signer_length CHECK (length(signer) BETWEEN 1 AND 1024),
  loaded_at    timestamptz NOT NULL
);

CREATE FUNCTION loaded_bundles_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'loaded bundles are never changed or deleted'
    USING ERRCODE = '23001', CONSTRAINT = 'loaded_bundles_append_only';
END;
$$;

CREATE TRIGGER loaded_bundles_append_only
  BEFORE UPDATE OR DELETE ON loaded_bundles
  FOR EACH ROW EXECUTE FUNCTION loaded_bundles_append_only();
