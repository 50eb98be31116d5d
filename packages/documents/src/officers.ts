/**
 * The commission's officers as the forms name them under their signatures (P-1.4: the chairman is
 * appointed, the deputy and the secretary elected at the first meeting): surname and initials, from
 * the configuration's roles unless the caller names them.
 */

import type { ElectionConfig } from '@opendeg/deg';
import { surnameWithInitials } from './russian-text.ts';

export type CommissionMember = ElectionConfig['commission']['members'][number];

function byRole(config: ElectionConfig, role: CommissionMember['role']): string {
  const m = config.commission.members.find((x) => x.role === role);
  return m === undefined ? '' : surnameWithInitials(m.fullName);
}

/** Chairman's and secretary's surname and initials; empty where the configuration names nobody. */
export function officerNames(
  config: ElectionConfig,
  override: { readonly chairman?: string; readonly secretary?: string } = {},
): { chairman: string; secretary: string } {
  return {
    chairman: override.chairman ?? byRole(config, 'chairman'),
    secretary: override.secretary ?? byRole(config, 'secretary'),
  };
}
