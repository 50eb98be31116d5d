// TypeBox schemas shared by the routes of the close of voting (P-7, P-8, P-9).
import { Type } from 'typebox';
import type { SignOff } from './closing-documents.ts';

export const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
export const Fingerprint = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, hex' });
export const Base64 = Type.String({ description: 'Base64 of the bytes' });

export const KeyGroupParams = Type.Object({ keyGroup: Id }, { additionalProperties: false });
export const RegionParams = Type.Object({ region: Id }, { additionalProperties: false });

export const SignatureBody = Type.Object(
  {
    signature: Type.String({
      minLength: 64,
      maxLength: 65536,
      description: 'Detached CMS over the served bytes (RFC 5652): PEM, or base64 of the DER',
    }),
  },
  { additionalProperties: false },
);

export const SignOffView = Type.Object(
  {
    memberId: Id,
    signed: Type.Boolean(),
    signature: Type.Optional(Type.String({ description: 'Base64 of the detached CMS (DER)' })),
    fingerprint: Type.Optional(Fingerprint),
    reason: Type.Optional(Type.String({ description: 'P-7.9: why the member could not sign' })),
    recordedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'SignOff', additionalProperties: false },
);

export function signOffView(s: SignOff) {
  return {
    memberId: s.memberId,
    signed: s.signed,
    ...(s.signature !== undefined ? { signature: s.signature } : {}),
    ...(s.fingerprint !== undefined ? { fingerprint: s.fingerprint } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    recordedAt: s.recordedAt.toISOString(),
  };
}
