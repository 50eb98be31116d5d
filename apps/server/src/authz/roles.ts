// The role model of the Procedure: who may do what. Three kinds of role:
//  - 'public': anyone, logged in or not (public figures, P-10.2; the login itself);
//  - 'voter': every logged-in account (P-6.4), never stored;
//  - stored roles, assigned per election (migration 004): the commission (P-1.4), the platform
//    operator (P-1.5), CEC members (P-3.3), observers (P-10.3–P-10.10), regional commissions (P-8).
// Routes name the roles that may call them (`config.allow`, see access.ts); the permissions below
// are the Procedure's rules on who may see what, for the routes that implement them to use.
import { Type, type Static } from 'typebox';
import type { Message } from '../errors.ts';

/** The commission's roles (ТИК ДЭГ, P-1.4): each is the seat of a configured member. */
export const COMMISSION_ROLES = ['chairman', 'deputy', 'secretary', 'member'] as const;
export type CommissionRole = (typeof COMMISSION_ROLES)[number];

/** Roles held by assignment in an election (role_assignments_role_valid in migration 004). */
export const STORED_ROLES = [
  ...COMMISSION_ROLES,
  'operator',
  'cec-member',
  'commission-observer',
  'portal-observer',
  'regional-commission',
] as const;
export type StoredRole = (typeof STORED_ROLES)[number];

export const ROLES = ['public', 'voter', ...STORED_ROLES] as const;
export type Role = (typeof ROLES)[number];

export const RoleSchema = Type.Enum(ROLES, { title: 'Role' });
export const StoredRoleSchema = Type.Enum(STORED_ROLES, { title: 'StoredRole' });

/** Each role's name as the Procedure and the screens say it. */
export const ROLE_TITLES: Readonly<Record<Role, Static<typeof Message>>> = {
  public: { ru: 'Любой посетитель', en: 'Anyone' },
  voter: { ru: 'Избиратель', en: 'Voter' },
  chairman: { ru: 'Председатель ТИК ДЭГ', en: 'Commission chairman' },
  deputy: { ru: 'Заместитель председателя ТИК ДЭГ', en: 'Commission deputy chairman' },
  secretary: { ru: 'Секретарь ТИК ДЭГ', en: 'Commission secretary' },
  member: { ru: 'Член ТИК ДЭГ с правом решающего голоса', en: 'Commission member' },
  operator: { ru: 'Оператор ПТК ДЭГ', en: 'Platform operator' },
  'cec-member': { ru: 'Член ЦИК России', en: 'CEC member' },
  'commission-observer': { ru: 'Наблюдатель в ТИК ДЭГ', en: 'Commission observer' },
  'portal-observer': { ru: 'Наблюдатель на портале наблюдения', en: 'Portal observer' },
  'regional-commission': {
    ru: 'Избирательная комиссия субъекта Российской Федерации',
    en: 'Regional commission',
  },
};

/** Roles that need a region (a regional commission acts for one region, P-8.1, P-8.2). */
export const REGION_REQUIRED: readonly StoredRole[] = ['regional-commission'];
/** Roles that may have a region (observers may be appointed for one); the rest never have one. */
export const REGION_ALLOWED: readonly StoredRole[] = [
  'regional-commission',
  'commission-observer',
  'portal-observer',
];

export function isCommissionRole(role: Role): role is CommissionRole {
  return (COMMISSION_ROLES as readonly Role[]).includes(role);
}

export function isStoredRole(role: string): role is StoredRole {
  return (STORED_ROLES as readonly string[]).includes(role);
}

/**
 * Who may do what the Procedure names, as role lists for `config.allow`. A route that implements
 * one of these uses the list, so the rule lives here once and the role-matrix test checks it.
 */
export const PERMISSIONS = {
  /** P-3.3: commission members, CEC members and commission observers may view the lists (P-10.6). */
  viewParticipantLists: [...COMMISSION_ROLES, 'cec-member', 'commission-observer'],
  /**
   * P-3.4: exclusion from a list on an official document. The chairman and the secretary: the two who
   * sign the commission's list documents (Appendix 3, P-3.6); an exclusion is such a document's
   * entry, so it is made by one of its signatories, not by every member.
   */
  excludeParticipants: ['chairman', 'secretary'],
  /** P-3.6: the precinct exclusion registers (Appendix 3), the commission's own documents. */
  viewPrecinctRegisters: [...COMMISSION_ROLES],
  /** P-3.2: the chairman (or the operator) loads the list data into the platform. */
  loadParticipantLists: ['chairman', 'operator'],
  /** P-10.10: portal observers and regional commissions download the ledger's blocks and results. */
  downloadLedger: ['portal-observer', 'regional-commission'],
  /**
   * P-1.4, P-5.4, P-5.6: the chairman enters the commission's decisions (the officers elected, the key
   * parts) as the meeting adopted them; the ballot counts come with each.
   */
  recordCommissionDecisions: ['chairman'],
  /**
   * The commission's decisions: the commission, CEC members, and commission observers, who attend
   * the meetings (P-10.7) and so see the decisions taken there.
   */
  viewCommissionDecisions: [...COMMISSION_ROLES, 'cec-member', 'commission-observer'],
  /**
   * P-10.5: a candidate's Appendix 7 list reaches the commission; the secretary, who keeps the
   * commission's documents, enters it. Not the operator: the list is personal data the operator has
   * no need to see.
   */
  enterCommissionObservers: ['secretary'],
  /** P-10.5: the Appendix 7 lists (personal data), the commission only. */
  viewCommissionObservers: [...COMMISSION_ROLES],
  /** P-10.9: the operator enters portal observers' appointments (accounts live on its platform). */
  appointPortalObservers: ['operator'],
  /** P-10.9: the operator and the chairman see who is appointed to the portal. */
  viewPortalObservers: ['operator', 'chairman'],
  /**
   * P-3.2, P-4.2, P-4.3: updated ballot source data come as the list data do, and are loaded by the
   * chairman or, on the chairman's instruction, the operator (seed 004, 3.2).
   */
  loadBallot: ['chairman', 'operator'],
  /**
   * P-4.5: the ballot is public only during the voting period; the commission, CEC members, the
   * observers and the operator who loads it see it, and its versions, at any time.
   */
  viewBallotAnyTime: [
    ...COMMISSION_ROLES,
    'cec-member',
    'commission-observer',
    'portal-observer',
    'operator',
  ],
  /**
   * P-3.7: the premises equipped for remote voting, entered by the secretary, who keeps the
   * commission's documents, or the operator, who runs the platform's equipment.
   */
  enterPremises: ['secretary', 'operator'],
  /** P-5.5: the chairman, or the secretary, holds the key ceremony and records who attended it. */
  holdKeyCeremony: ['chairman', 'secretary'],
  /** P-5.5: the ceremonies' records with their attendance (names of those present): the commission, the CEC. */
  viewKeyCeremonies: [...COMMISSION_ROLES, 'cec-member'],
  /** P-5.2, P-4.2: once every key group has its key and the ballot is loaded, the chairman fixes the manifest. */
  fixElectionManifest: ['chairman'],
  /** Role administration: the operator assigns and revokes. */
  assignRoles: ['operator'],
  /** Role administration: the operator and the chairman see who holds which role. */
  viewRoleAssignments: ['operator', 'chairman'],
} as const satisfies Record<string, readonly StoredRole[]>;
