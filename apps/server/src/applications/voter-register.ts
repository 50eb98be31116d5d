// The voter register's side of an application (Регистр избирателей, P-2.4, P-2.6): the address as
// per passport, the passport, and the precinct the register records for the voter. The identity
// provider's claims give the rest (name, birth date, phone, confirmation flags). Personal data go
// from here straight into the application row, never into a log.
import { normaliseAddress, type ElectionConfig } from '@opendeg/deg';
import type { RegisterAccount, RegisterAddress } from '../identity/register.ts';

export interface VoterRecord {
  /** Region of registration, a region code of the configuration (77 — Moscow). */
  readonly regionCode: string;
  /** Precinct (УИК) number the register records for the voter. */
  readonly precinct: string;
  /** Address of registration as per passport, one line. */
  readonly address: string;
  readonly passport: { readonly series: string; readonly number: string };
}

/** Contract: `lookup` resolves to undefined when the account is not matched to the register. */
export interface VoterRegister {
  lookup(subject: string): Promise<VoterRecord | undefined>;
}

/** "Республика Татарстан, г. Казань, ул. Баумана, д. 1, кв. 2"; a federal city is not repeated. */
export function formatAddress(a: RegisterAddress): string {
  const parts = [a.region, a.city === a.region ? undefined : `г. ${a.city}`, a.street, `д. ${a.house}`];
  return [...parts.filter((p) => p !== undefined), `кв. ${a.flat}`].join(', ');
}

function hashOf(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/**
 * The register behind the identity stand-in: matched accounts of the generated register, each
 * recorded at the precinct of its region whose address prefixes contain the voter's address, or —
 * when none does — at a precinct picked from the account id, so processing (P-2.6) has voters
 * both inside and outside their precinct to work on.
 */
export function standInVoterRegister(
  register: readonly RegisterAccount[],
  config: ElectionConfig,
): VoterRegister {
  const records = new Map<string, VoterRecord>();
  for (const account of register) {
    if (!account.registerMatched) continue;
    const address = formatAddress(account.address);
    const precincts = config.regions.find((r) => r.code === account.address.regionCode)?.precincts ?? [];
    const inside = precincts.find((p) =>
      p.addresses.some((prefix) => normaliseAddress(address).startsWith(normaliseAddress(prefix))),
    );
    const picked = precincts[hashOf(account.id) % Math.max(1, precincts.length)];
    records.set(account.id, {
      regionCode: account.address.regionCode,
      precinct: (inside ?? picked)?.number ?? String((hashOf(account.id) % 9000) + 1000),
      address,
      passport: { ...account.passport },
    });
  }
  return { lookup: (subject) => Promise.resolve(records.get(subject)) };
}
