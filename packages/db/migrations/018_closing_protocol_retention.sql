-- 018 the close of voting, part 3: the protocol's invalidated regions (P-7.10), and storage and
-- destruction (P-9): destruction acts, kept forever, and the wipe of the members' workstations.
-- The protocol itself and its sign-offs are closing_documents and document_sign_offs (016).

CREATE TABLE region_invalidations (
  election_id   text NOT NULL REFERENCES elections (id),
  region        text NOT NULL
                CONSTRAINT region_invalidations_region_format CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- The commission's decision (its number) and its reason.
  decision      text NOT NULL CONSTRAINT region_invalidations_decision_text CHECK (length(btrim(decision)) BETWEEN 1 AND 200),
  reason        text NOT NULL CONSTRAINT region_invalidations_reason_text CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  decided_at    timestamptz NOT NULL,
  -- P-7.10: one decision a region; it is never undone.
  PRIMARY KEY (election_id, region)
);

CREATE TABLE destruction_acts (
  election_id   text NOT NULL REFERENCES elections (id),
  number        text NOT NULL CONSTRAINT destruction_acts_number_text CHECK (length(btrim(number)) BETWEEN 1 AND 100),
  items         text[] NOT NULL
                CONSTRAINT destruction_acts_items_valid
                CHECK (cardinality(items) >= 1
                       AND items <@ ARRAY['list-data', 'ballot-source', 'keys', 'ledger', 'list-copies']::text[]),
  destroyed_at  timestamptz NOT NULL,
  -- Member ids of those who carried it out and signed the act.
  carried_out_by text[] NOT NULL CONSTRAINT destruction_acts_by_nonempty CHECK (cardinality(carried_out_by) >= 1),
  method        text NOT NULL CONSTRAINT destruction_acts_method_text CHECK (length(btrim(method)) BETWEEN 1 AND 500),
  recorded_at   timestamptz NOT NULL,
  PRIMARY KEY (election_id, number)
);

CREATE TABLE workstation_wipes (
  election_id   text NOT NULL REFERENCES elections (id),
  -- The workstation's inventory number or name.
  workstation   text NOT NULL CONSTRAINT workstation_wipes_workstation_text CHECK (length(btrim(workstation)) BETWEEN 1 AND 200),
  -- P-9.4: by the end of this moment (three working days after the end of the term).
  due           timestamptz NOT NULL,
  wiped_at      timestamptz NOT NULL,
  method        text NOT NULL CONSTRAINT workstation_wipes_method_text CHECK (length(btrim(method)) BETWEEN 1 AND 500),
  recorded_at   timestamptz NOT NULL,
  PRIMARY KEY (election_id, workstation)
);

CREATE TRIGGER region_invalidations_append_only BEFORE UPDATE OR DELETE ON region_invalidations
  FOR EACH ROW EXECUTE FUNCTION closing_append_only();
CREATE TRIGGER destruction_acts_append_only BEFORE UPDATE OR DELETE ON destruction_acts
  FOR EACH ROW EXECUTE FUNCTION closing_append_only();
CREATE TRIGGER workstation_wipes_append_only BEFORE UPDATE OR DELETE ON workstation_wipes
  FOR EACH ROW EXECUTE FUNCTION closing_append_only();
