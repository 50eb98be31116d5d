-- 009 roles that follow the commission's decisions (P-1.4), and confirmed accounts seen at login
-- (P-10.9).
-- Roles: the deputy chairman and the secretary are elected at the first meeting, so the roles of
-- their seats come from that decision, not from the configuration. When the chairman records the
-- officers elected (commission_decisions, 006), each seat whose role changes gets a new assignment
-- with source 'decision' and the decision's id (the member elected takes the office; a member the
-- configuration named to an office another won becomes a member), and the seat's previous
-- assignment is revoked at the same time. The operator still assigns accounts to seats (source
-- 'operator'); for a seat assigned later the office the decision gave is the role it takes.

ALTER TABLE role_assignments ADD COLUMN decision_id uuid REFERENCES commission_decisions (id);

ALTER TABLE role_assignments DROP CONSTRAINT role_assignments_source_valid;
ALTER TABLE role_assignments ADD CONSTRAINT role_assignments_source_valid
  CHECK (source IN ('operator', 'bootstrap', 'decision'));

-- A decision's assignment names its decision; no other does.
ALTER TABLE role_assignments ADD CONSTRAINT role_assignments_decision_iff_source
  CHECK ((source = 'decision') = (decision_id IS NOT NULL));

-- P-1.4: the officers' decision decides the deputy's and the secretary's seats, and so which seats
-- are plain members; never the chairman (appointed by the CEC) or any role outside the commission.
ALTER TABLE role_assignments ADD CONSTRAINT role_assignments_decision_roles
  CHECK (source <> 'decision' OR role IN ('deputy', 'secretary', 'member'));

-- Confirmed accounts (ESIA «подтверждённая учётная запись») as an external identity provider says at
-- login: the `trusted` claim of its ID token or userinfo (identity/claims.ts), recorded at each
-- login of the account, the last one winning. Read when a portal observer is appointed (P-10.9),
-- which needs a confirmed account. Only the account id, the flag and the time: nothing else of the
-- person.
CREATE TABLE identity_account_confirmations (
  subject            text PRIMARY KEY
                     CONSTRAINT identity_account_confirmations_subject_length
                     CHECK (length(subject) BETWEEN 1 AND 255),
  account_confirmed  boolean NOT NULL,
  -- The login that said so, by the application's clock.
  seen_at            timestamptz NOT NULL
);
