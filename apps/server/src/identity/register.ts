// A generated register of identity-system accounts for the stand-in of the state identity system
// (P-6.4) and for training runs: deterministic from a seed, realistic Russian data (faker `ru`
// with gender agreement of last, first and middle names), and the flags the Procedure tests on
// (P-2.3, seed 003): confirmed account, confirmed phone, data matched to the voter register.
import { Faker, base, ru } from '@faker-js/faker';

export type Sex = 'male' | 'female';

export interface RegisterAddress {
  /** Two-digit code of the subject of the Russian Federation (77 — Moscow). */
  regionCode: string;
  region: string;
  postalCode: string;
  city: string;
  street: string;
  house: string;
  flat: string;
}

export interface RegisterAccount {
  /** Account identifier at the identity provider; the OIDC `sub`. */
  id: string;
  familyName: string;
  givenName: string;
  middleName: string;
  sex: Sex;
  /** ISO date, YYYY-MM-DD. */
  birthDate: string;
  address: RegisterAddress;
  /** E.164, +7XXXXXXXXXX. */
  phone: string;
  passport: { series: string; number: string };
  /** Formatted XXX-XXX-XXX YY with a valid check number. */
  snils: string;
  /** Confirmed account (подтверждённая учётная запись). */
  accountConfirmed: boolean;
  phoneConfirmed: boolean;
  /** The account's data matched the voter register (сверка с Регистром избирателей). */
  registerMatched: boolean;
}

export interface RegisterOptions {
  seed: number;
  count: number;
  /** Ages are counted back from this date (the election's last day in a training run). */
  referenceDate: Date;
  /** The regions residents are drawn from, uniformly (default REGIONS). */
  regions?: readonly { code: string; name: string }[];
}

export const REGIONS: readonly { code: string; name: string }[] = [
  { code: '77', name: 'г. Москва' },
  { code: '78', name: 'г. Санкт-Петербург' },
  { code: '50', name: 'Московская область' },
  { code: '02', name: 'Республика Башкортостан' },
  { code: '16', name: 'Республика Татарстан' },
  { code: '23', name: 'Краснодарский край' },
  { code: '25', name: 'Приморский край' },
  { code: '27', name: 'Хабаровский край' },
  { code: '39', name: 'Калининградская область' },
  { code: '42', name: 'Кемеровская область — Кузбасс' },
  { code: '47', name: 'Ленинградская область' },
  { code: '52', name: 'Нижегородская область' },
  { code: '54', name: 'Новосибирская область' },
  { code: '55', name: 'Омская область' },
  { code: '59', name: 'Пермский край' },
  { code: '61', name: 'Ростовская область' },
  { code: '63', name: 'Самарская область' },
  { code: '66', name: 'Свердловская область' },
  { code: '74', name: 'Челябинская область' },
  { code: '76', name: 'Ярославская область' },
];

/**
 * A training run's register regions: every region the configuration holds (so each has residents
 * who can apply and vote, its own time zone and ballot language among them), then those of REGIONS
 * it does not hold (residents whose region takes no part, for the refusals).
 */
export function registerRegions(
  configured: readonly { readonly code: string; readonly name: { readonly ru: string } }[],
): { code: string; name: string }[] {
  const out = configured.map((r) => ({ code: r.code, name: r.name.ru }));
  const held = new Set(out.map((r) => r.code));
  return [...out, ...REGIONS.filter((r) => !held.has(r.code))];
}

/** Share of accounts with each flag set; the rest exercise the refusals of seed 003. */
export const PROPORTIONS = { accountConfirmed: 0.85, phoneConfirmed: 0.9, registerMatched: 0.9 } as const;

/**
 * The first four accounts are fixed archetypes so that even a small register has one of each:
 * 0 — everything confirmed and matched; 1 — account not confirmed; 2 — phone not confirmed;
 * 3 — not matched to the register. The rest follow PROPORTIONS.
 */
const ARCHETYPES: readonly Pick<
  RegisterAccount,
  'accountConfirmed' | 'phoneConfirmed' | 'registerMatched'
>[] = [
  { accountConfirmed: true, phoneConfirmed: true, registerMatched: true },
  { accountConfirmed: false, phoneConfirmed: true, registerMatched: true },
  { accountConfirmed: true, phoneConfirmed: false, registerMatched: true },
  { accountConfirmed: true, phoneConfirmed: true, registerMatched: false },
];

/** SNILS check number: digits weighted 9..1, summed, reduced modulo 101, with 100 written 00. */
export function snilsCheckNumber(nineDigits: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (9 - i);
  const check = sum % 101 === 100 ? 0 : sum % 101;
  return String(check).padStart(2, '0');
}

function formatSnils(nineDigits: string): string {
  const d = nineDigits;
  return `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6, 9)} ${snilsCheckNumber(d)}`;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function generateRegister({
  seed,
  count,
  referenceDate,
  regions = REGIONS,
}: RegisterOptions): RegisterAccount[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a natural number`);
  const faker = new Faker({ locale: [ru, base] });
  faker.seed(seed);
  const accounts: RegisterAccount[] = [];
  for (let i = 0; i < count; i++) {
    const sex: Sex = faker.datatype.boolean() ? 'female' : 'male';
    const region = faker.helpers.arrayElement(regions);
    // A few voters are 16–17 so that the under-18 refusal (seed 003) can be exercised.
    const minor = faker.datatype.boolean({ probability: 0.02 });
    const birth = faker.date.birthdate(
      minor
        ? { mode: 'age', min: 16, max: 17, refDate: referenceDate }
        : { mode: 'age', min: 18, max: 90, refDate: referenceDate },
    );
    const flags = ARCHETYPES[i] ?? {
      accountConfirmed: faker.datatype.boolean({ probability: PROPORTIONS.accountConfirmed }),
      phoneConfirmed: faker.datatype.boolean({ probability: PROPORTIONS.phoneConfirmed }),
      registerMatched: faker.datatype.boolean({ probability: PROPORTIONS.registerMatched }),
    };
    accounts.push({
      id: String(1_000_001 + i),
      familyName: faker.person.lastName(sex),
      givenName: faker.person.firstName(sex),
      middleName: faker.person.middleName(sex),
      sex,
      birthDate: isoDate(birth),
      address: {
        regionCode: region.code,
        region: region.name,
        postalCode: faker.string.numeric(6),
        city: region.code === '77' || region.code === '78' ? region.name : faker.location.city(),
        street: faker.location.street(),
        house: faker.location.buildingNumber(),
        flat: String(faker.number.int({ min: 1, max: 300 })),
      },
      phone: `+79${faker.string.numeric(9)}`,
      passport: {
        series: `${region.code}${faker.string.numeric(2)}`,
        number: faker.string.numeric(6),
      },
      snils: formatSnils(faker.string.numeric({ length: 9, allowLeadingZeros: false })),
      ...flags,
    });
  }
  return accounts;
}
