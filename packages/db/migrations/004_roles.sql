-- 004 roles: who holds which role in an election, for the server's access control (apps/server
-- src/authz). The voter is not stored: every logged-in account is one. Stored here are the roles
-- an operator assigns (or the server's start-up bootstraps, for the first operator):
--   chairman, deputy, secretary, member  the commission (ТИК ДЭГ, P-1.4), each tied to a member of
--                                        the election configuration's commission;
--   operator                             the platform operator (P-1.5, P-3.2);
--   cec-member                           a member of the CEC (P-3.3);
--   commission-observer                  an observer in the commission room (P-10.4–P-10.7);
--   portal-observer                      an observer on the observation portal (P-10.9, P-10.10);
--   regional-commission                  a regional commission (ИКСРФ), for one region (P-8, P-10.10).
-- Assignments are never deleted: a revocation stamps revoked_at, so the history stays readable.
-- Every invariant is a named CHECK constraint, as in 001.

CREATE TABLE role_assignments (
  id           uuid PRIMARY KEY,
  election_id  text NOT NULL REFERENCES elections (id),
  -- The account at the identity provider (OIDC `sub`) that holds the role.
  subject      text NOT NULL
               CONSTRAINT role_assignments_subject_length CHECK (length(subject) BETWEEN 1 AND 255),
  role         text NOT NULL
               CONSTRAINT role_assignments_role_valid
               CHECK (role IN ('chairman', 'deputy', 'secretary', 'member', 'operator', 'cec-member',
                               'commission-observer', 'portal-observer', 'regional-commission')),
  -- A region code of the election configuration, for roles scoped to one region.
  region       text
               CONSTRAINT role_assignments_region_format CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- The commission member (configuration `commission.members[].id`) a commission role belongs to.
  member_id    text
               CONSTRAINT role_assignments_member_id_format
               CHECK (member_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- 'operator': an operator's request, whose account is assigned_by; 'bootstrap': the server's
  -- start-up (BOOTSTRAP_OPERATOR_SUB), which has no account.
  source       text NOT NULL
               CONSTRAINT role_assignments_source_valid CHECK (source IN ('operator', 'bootstrap')),
  assigned_by  text
               CONSTRAINT role_assignments_assigned_by_length CHECK (length(assigned_by) BETWEEN 1 AND 255),
  -- Times from the application's clock (training runs move it), hence no defaults.
  assigned_at  timestamptz NOT NULL,
  revoked_at   timestamptz,
  revoked_by   text
               CONSTRAINT role_assignments_revoked_by_length CHECK (length(revoked_by) BETWEEN 1 AND 255),
  -- A regional commission acts for one region (P-8.1, P-8.2); the commission, the operator and the
  -- CEC act for the whole election; observers may be scoped to a region or not.
  CONSTRAINT role_assignments_region_by_role
    CHECK (CASE role
             WHEN 'regional-commission' THEN region IS NOT NULL
             WHEN 'commission-observer' THEN true
             WHEN 'portal-observer' THEN true
             ELSE region IS NULL
           END),
  -- P-1.4: a commission role is a seat of a configured member; no other role has one.
  CONSTRAINT role_assignments_member_id_iff_commission
    CHECK ((role IN ('chairman', 'deputy', 'secretary', 'member')) = (member_id IS NOT NULL)),
  CONSTRAINT role_assignments_assigned_by_iff_operator
    CHECK ((source = 'operator') = (assigned_by IS NOT NULL)),
  CONSTRAINT role_assignments_revoked_by_needs_revoked_at
    CHECK (revoked_by IS NULL OR revoked_at IS NOT NULL),
  CONSTRAINT role_assignments_time_order CHECK (revoked_at >= assigned_at)
);

-- One active assignment of a role to an account (per region where scoped).
CREATE UNIQUE INDEX role_assignments_one_active
  ON role_assignments (election_id, subject, role, region) NULLS NOT DISTINCT
  WHERE revoked_at IS NULL;
-- A commission member's seat is held by one account at a time.
CREATE UNIQUE INDEX role_assignments_one_account_per_member
  ON role_assignments (election_id, member_id)
  WHERE revoked_at IS NULL AND member_id IS NOT NULL;
-- Every request of a logged-in account reads its active roles.
CREATE INDEX role_assignments_by_subject
  ON role_assignments (election_id, subject)
  WHERE revoked_at IS NULL;
