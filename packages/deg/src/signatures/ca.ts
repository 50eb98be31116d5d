/**
 * The commission CA of a training run (RFC 5280): a self-signed root and the certificates it issues
 * to commission members (lists, registers, protocols: P-3.6, P-7.3, P-7.9) and to the data centre
 * (the list bundle, P-3.1). For a real election members bring certificates of an accredited CA and
 * they are imported with `importCertificate` against the configured root instead.
 *
 * The CA never sees a member's private key: it certifies a public key the member generated (in the
 * browser, or into their own key file).
 */

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ElectionConfig } from '../config.ts';
import { localToInstant } from '../zoned-time.ts';
import { ROLE_TITLES, encodeCertificate, parseCertificate } from './certificate.ts';
import type { SignerRole } from './certificate.ts';
import { generateSigningKeyPair } from './keys.ts';
import type { KeyAlgorithm } from './keys.ts';
import {
  OID_AUTHORITY_KEY_ID,
  OID_BASIC_CONSTRAINTS,
  OID_C,
  OID_CN,
  OID_EXT_KEY_USAGE,
  OID_KEY_USAGE,
  OID_KP_DOCUMENT_SIGNING,
  OID_KP_EMAIL_PROTECTION,
  OID_O,
  OID_SUBJECT_KEY_ID,
  OID_TITLE,
  OID_UID,
} from './oids.ts';
import { toArrayBuffer, toPem } from './pem.ts';

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface IssuedCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
}

export interface CommissionCa {
  readonly certificate: IssuedCertificate;
  /** Stays with whoever runs the training CA; non-extractable unless asked otherwise. */
  readonly privateKey: CryptoKey;
}

/** A commission member as in the configuration (`commission.members`). */
export interface MemberSubject {
  readonly id: string;
  readonly fullName: string;
  readonly role: Exclude<SignerRole, 'data-centre'>;
}

const DAY_MS = 86_400_000;
/** Clocks of members' devices differ; a certificate issued "now" must already be valid on them. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Validity of certificates for an election from its configuration: from the moment of issue (less a
 * clock-skew margin) to the end of the last voting day (reference zone) plus `retainDays`, so that
 * protocols (P-7.9) still verify while they are contested and audited.
 */
export function certificateValidity(config: ElectionConfig, issuedAt: Date, retainDays = 365): Validity {
  const lastDayEnd = localToInstant(
    `${config.schedule.voting.lastDay}T23:59`,
    config.schedule.referenceTimeZone,
  );
  const notBefore = new Date(issuedAt.getTime() - CLOCK_SKEW_MS);
  const notAfter = new Date(lastDayEnd.getTime() + retainDays * DAY_MS);
  if (notAfter <= notBefore) throw new RangeError('certificates would be issued after the election ended');
  return { notBefore, notAfter };
}

function assertValidity(v: Validity): void {
  if (!(v.notBefore.getTime() < v.notAfter.getTime())) throw new RangeError('validity: notBefore < notAfter');
}

function nameOf(
  parts: readonly (readonly [string, string])[],
  country: string | undefined,
): pkijs.RelativeDistinguishedNames {
  const name = new pkijs.RelativeDistinguishedNames();
  if (country !== undefined)
    // X.520: countryName is a PrintableString of two letters.
    name.typesAndValues.push(
      new pkijs.AttributeTypeAndValue({ type: OID_C, value: new asn1js.PrintableString({ value: country }) }),
    );
  for (const [type, value] of parts) {
    if (value.length === 0) throw new TypeError(`empty name attribute ${type}`);
    // RFC 5280 §4.1.2.6: UTF8String for Cyrillic names.
    name.typesAndValues.push(
      new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }),
    );
  }
  return name;
}

/** Positive 127-bit serial from the CSPRNG (RFC 5280 §4.1.2.2: unique, at most 20 octets). */
function randomSerial(): asn1js.Integer {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x40;
  return new asn1js.Integer({ valueHex: toArrayBuffer(b) });
}

function time(d: Date): pkijs.Time {
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  const type = d.getUTCFullYear() < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime;
  return new pkijs.Time({ type, value: d });
}

function ext(extnID: string, critical: boolean, value: asn1js.AsnType | ArrayBuffer): pkijs.Extension {
  const extnValue = value instanceof ArrayBuffer ? value : value.toBER(false);
  return new pkijs.Extension({ extnID, critical, extnValue });
}

/** KeyUsage as a DER BIT STRING with the named bits (RFC 5280 §4.2.1.3), trailing zero bits dropped. */
function keyUsage(bits: readonly number[]): asn1js.BitString {
  let value = 0;
  for (const b of bits) value |= 0x8000 >> b;
  const bytes = value & 0xff ? [value >> 8, value & 0xff] : [value >> 8];
  const last = bytes[bytes.length - 1] as number;
  let unused = 0;
  while (unused < 7 && (last & (1 << unused)) === 0) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array(bytes).buffer, unusedBits: unused });
}

const KU = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5, cRLSign: 6 } as const;

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value. */
async function keyIdentifier(spki: pkijs.PublicKeyInfo): Promise<ArrayBuffer> {
  return globalThis.crypto.subtle.digest('SHA-1', spki.subjectPublicKey.valueBlock.valueHexView.slice());
}

async function build(options: {
  subject: pkijs.RelativeDistinguishedNames;
  issuer: pkijs.Certificate | undefined;
  publicKey: CryptoKey;
  signingKey: CryptoKey;
  validity: Validity;
  ca: boolean;
}): Promise<IssuedCertificate> {
  assertValidity(options.validity);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = randomSerial();
  cert.subject = options.subject;
  cert.issuer = options.issuer?.subject ?? options.subject;
  cert.notBefore = time(options.validity.notBefore);
  cert.notAfter = time(options.validity.notAfter);
  await cert.subjectPublicKeyInfo.importKey(options.publicKey);
  const ski = await keyIdentifier(cert.subjectPublicKeyInfo);
  const issuerSki =
    options.issuer === undefined ? ski : await keyIdentifier(options.issuer.subjectPublicKeyInfo);
  cert.extensions = options.ca
    ? [
        ext(
          OID_BASIC_CONSTRAINTS,
          true,
          new pkijs.BasicConstraints({ cA: true, pathLenConstraint: 0 }).toSchema(),
        ),
        ext(OID_KEY_USAGE, true, keyUsage([KU.keyCertSign, KU.cRLSign])),
        ext(OID_SUBJECT_KEY_ID, false, new asn1js.OctetString({ valueHex: ski })),
      ]
    : [
        ext(OID_BASIC_CONSTRAINTS, true, new pkijs.BasicConstraints({ cA: false }).toSchema()),
        // Documents are signed for good: non-repudiation alongside the digital signature bit.
        ext(OID_KEY_USAGE, true, keyUsage([KU.digitalSignature, KU.nonRepudiation])),
        // RFC 9336 document signing, and S/MIME email protection that openssl's default purpose checks.
        ext(
          OID_EXT_KEY_USAGE,
          false,
          new pkijs.ExtKeyUsage({
            keyPurposes: [OID_KP_DOCUMENT_SIGNING, OID_KP_EMAIL_PROTECTION],
          }).toSchema(),
        ),
        ext(OID_SUBJECT_KEY_ID, false, new asn1js.OctetString({ valueHex: ski })),
        ext(
          OID_AUTHORITY_KEY_ID,
          false,
          new pkijs.AuthorityKeyIdentifier({
            keyIdentifier: new asn1js.OctetString({ valueHex: issuerSki }),
          }).toSchema(),
        ),
      ];
  await cert.sign(options.signingKey, 'SHA-256');
  const der = encodeCertificate(cert);
  return { der, pem: toPem(der, 'CERTIFICATE') };
}

/** A self-signed root for a training run: CN and O of the commission, C=RU. */
export async function createCommissionCa(options: {
  /** e.g. «Учебный удостоверяющий центр ЦИК России». */
  commonName: string;
  /** e.g. «Центральная избирательная комиссия Российской Федерации». */
  organisation: string;
  validity: Validity;
  algorithm?: KeyAlgorithm;
  /** Only to persist a training CA between runs; by default its key cannot leave WebCrypto. */
  extractable?: boolean;
}): Promise<CommissionCa> {
  const keys = await generateSigningKeyPair(options.algorithm ?? 'ECDSA-P256', {
    extractable: options.extractable ?? false,
  });
  const certificate = await build({
    subject: nameOf(
      [
        [OID_O, options.organisation],
        [OID_CN, options.commonName],
      ],
      'RU',
    ),
    issuer: undefined,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    validity: options.validity,
    ca: true,
  });
  return { certificate, privateKey: keys.privateKey };
}

function caCertificate(ca: CommissionCa): pkijs.Certificate {
  const cert = parseCertificate(ca.certificate.der);
  if (cert === undefined) throw new TypeError('ca.certificate is not a certificate');
  return cert;
}

/**
 * A member's certificate: CN = full name, O = the commission, title = the role in Russian
 * (`ROLE_TITLES`), UID = the member id of the configuration.
 */
export async function issueMemberCertificate(
  ca: CommissionCa,
  options: { member: MemberSubject; organisation: string; publicKey: CryptoKey; validity: Validity },
): Promise<IssuedCertificate> {
  const { member } = options;
  return build({
    subject: nameOf(
      [
        [OID_O, options.organisation],
        [OID_TITLE, ROLE_TITLES[member.role]],
        [OID_CN, member.fullName],
        [OID_UID, member.id],
      ],
      'RU',
    ),
    issuer: caCertificate(ca),
    publicKey: options.publicKey,
    signingKey: ca.privateKey,
    validity: options.validity,
    ca: false,
  });
}

/** The data centre's certificate for signing the list bundle (P-3.1). */
export async function issueDataCentreCertificate(
  ca: CommissionCa,
  options: { id: string; name: string; organisation: string; publicKey: CryptoKey; validity: Validity },
): Promise<IssuedCertificate> {
  return build({
    subject: nameOf(
      [
        [OID_O, options.organisation],
        [OID_TITLE, ROLE_TITLES['data-centre']],
        [OID_CN, options.name],
        [OID_UID, options.id],
      ],
      'RU',
    ),
    issuer: caCertificate(ca),
    publicKey: options.publicKey,
    signingKey: ca.privateKey,
    validity: options.validity,
    ca: false,
  });
}
