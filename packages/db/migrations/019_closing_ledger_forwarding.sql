-- 019 the close of voting, part 4: its public entries go into the election's ledger (issue 6), and
-- the write-once bundles of P-7.4 and P-8.1.
--   closing_ledger            (017) stays the outbox: a closing step adds its entries in its own
--                             transaction, so a step and its entries commit together; a forwarder
--                             then appends them to the ledger in order. Its `kind` is the publication
--                             an entry belongs to (a tally goes with the final lists, a decryption
--                             with its result); the entry's own `type` is in its bytes.
--   closing_ledger_forwarded  one row per outbox entry, written before its ledger append (the intent,
--                             with the ledger's size then) and completed once with the ledger index
--                             of the receipt. After a crash between the two, the forwarder looks for
--                             the entry's bytes in the ledger from that size on: found, it records the
--                             index; not found, it appends. A restart neither loses nor duplicates.
--   custody_records.bundle_path  where the server wrote the bundle in its write-once store (the
--                             bundle's SHA-256 is bundle_sha256); NULL for a medium written elsewhere.

CREATE TABLE closing_ledger_forwarded (
  seq           bigint PRIMARY KEY REFERENCES closing_ledger (seq),
  -- The ledger's size before the append: the entry is at this index or later.
  size_before   bigint NOT NULL CONSTRAINT closing_ledger_forwarded_size CHECK (size_before >= 0),
  ledger_index  bigint,
  forwarded_at  timestamptz,
  CONSTRAINT closing_ledger_forwarded_index CHECK (ledger_index IS NULL OR ledger_index >= size_before),
  CONSTRAINT closing_ledger_forwarded_complete CHECK ((ledger_index IS NULL) = (forwarded_at IS NULL))
);

-- The intent may be completed once (NULL → index); nothing else ever changes, nothing is deleted.
CREATE FUNCTION closing_ledger_forwarded_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.ledger_index IS NOT NULL OR NEW.seq IS DISTINCT FROM OLD.seq
     OR NEW.size_before IS DISTINCT FROM OLD.size_before THEN
    RAISE EXCEPTION 'a forwarded entry is recorded once' USING ERRCODE = '23001',
      CONSTRAINT = 'closing_ledger_forwarded_once';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER closing_ledger_forwarded_once BEFORE UPDATE OR DELETE ON closing_ledger_forwarded
  FOR EACH ROW EXECUTE FUNCTION closing_ledger_forwarded_once();

ALTER TABLE custody_records ADD COLUMN bundle_path text
  CONSTRAINT custody_records_bundle_path_text CHECK (bundle_path IS NULL OR length(bundle_path) BETWEEN 1 AND 1000);
