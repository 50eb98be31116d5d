// The identity claims OpenDEG uses (P-6.4, P-2.3): the OIDC claim names on the wire and the
// account as the API shows it. Custom claims: `trusted` (confirmed account, as ESIA names it),
// `register_matched` (data matched to the voter register) and `region_code`.
import { Type, type Static } from 'typebox';

export const OIDC_CLAIMS = {
  profile: ['family_name', 'given_name', 'middle_name', 'birthdate'],
  phone: ['phone_number', 'phone_number_verified'],
  deg: ['trusted', 'register_matched', 'region_code'],
} as const;

export const AccountClaims = Type.Object(
  {
    subject: Type.String({ description: 'Account id at the identity provider (OIDC sub)' }),
    familyName: Type.Optional(Type.String()),
    givenName: Type.Optional(Type.String()),
    middleName: Type.Optional(Type.String()),
    birthDate: Type.Optional(Type.String({ format: 'date' })),
    phone: Type.Optional(Type.String()),
    phoneConfirmed: Type.Boolean(),
    accountConfirmed: Type.Boolean({ description: 'Confirmed account (trusted)' }),
    registerMatched: Type.Boolean({ description: 'Data matched to the voter register' }),
    regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
  },
  { title: 'AccountClaims', additionalProperties: false },
);
export type AccountClaims = Static<typeof AccountClaims>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Maps OIDC claims (ID token merged with userinfo) to an account. Missing flags count as false. */
export function accountFromClaims(claims: Readonly<Record<string, unknown>>): AccountClaims {
  const subject = str(claims.sub);
  if (subject === undefined) throw new Error('OIDC claims without sub');
  const account: AccountClaims = {
    subject,
    phoneConfirmed: claims.phone_number_verified === true,
    accountConfirmed: claims.trusted === true,
    registerMatched: claims.register_matched === true,
  };
  const optional = {
    familyName: str(claims.family_name),
    givenName: str(claims.given_name),
    middleName: str(claims.middle_name),
    birthDate: str(claims.birthdate),
    phone: str(claims.phone_number),
    regionCode: str(claims.region_code),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(account, { [key]: value });
  }
  return account;
}
