// Who is at the workstation: the commission seat (member id) and the roles of the logged-in member,
// from GET /api/roles/me. The pages offer only what these roles may do; the server decides anyway.
import type { AssignmentView } from '../../../server/src/api.ts';

export interface Seat {
  /** The member id of the commission seat, when the account holds one. */
  readonly memberId: string | undefined;
  readonly roles: ReadonlySet<string>;
}

export function seatOf(assignments: readonly Pick<AssignmentView, 'role' | 'memberId'>[]): Seat {
  return {
    memberId: assignments.find((a) => a.memberId !== undefined)?.memberId,
    roles: new Set(assignments.map((a) => a.role)),
  };
}

export const can = (seat: Seat, ...roles: readonly string[]): boolean => roles.some((r) => seat.roles.has(r));
