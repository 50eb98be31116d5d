/**
 * X.509 certificates of commission members and the data centre (RFC 5280): parsing, the signer's
 * identity read from the subject, and certification path validation against configured roots
 * (RFC 5280 §6, reduced to what a closed commission PKI needs: names chain, signatures verify, every
 * certificate is valid at the given time, issuers are CAs, the leaf may sign documents).
 *
 * Revocation (CRL/OCSP) is not checked: the commission CA of a training run issues a handful of
 * certificates for days; a real qualified CA's revocation is the operator's check before import.
 */

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Message } from '../applications.ts';
import {
  OID_AIA,
  OID_AUTHORITY_KEY_ID,
  OID_BASIC_CONSTRAINTS,
  OID_CERT_POLICIES,
  OID_CN,
  OID_CRL_DP,
  OID_EXT_KEY_USAGE,
  OID_KEY_USAGE,
  OID_KP_ANY,
  OID_KP_DOCUMENT_SIGNING,
  OID_KP_EMAIL_PROTECTION,
  OID_KP_MS_DOCUMENT_SIGNING,
  OID_O,
  OID_SUBJECT_ALT_NAME,
  OID_SUBJECT_KEY_ID,
  OID_TITLE,
  OID_UID,
} from './oids.ts';
import { allFromPem, bytesEqual, fromPem, sha256, toArrayBuffer, toHex } from './pem.ts';

/** Commission roles as in the configuration (P-1.4), plus the data centre that signs the list bundle (P-3.1). */
export type SignerRole = 'chairman' | 'deputy' | 'secretary' | 'member' | 'data-centre';

/** The `title` our CA writes for each role; read back to name the role of a signer. */
export const ROLE_TITLES: Readonly<Record<SignerRole, string>> = {
  chairman: 'Председатель комиссии',
  deputy: 'Заместитель председателя комиссии',
  secretary: 'Секретарь комиссии',
  member: 'Член комиссии с правом решающего голоса',
  'data-centre': 'Центр обработки данных',
};

/** A certificate as DER bytes or PEM text. */
export type CertificateInput = Uint8Array | string;

/** Who a certificate names. `memberId` and `role` are absent on certificates not issued for OpenDEG. */
export interface SignerIdentity {
  /** RFC 4514-like text of the subject, most significant first as written (for display and logs). */
  readonly subject: string;
  readonly issuer: string;
  readonly fullName: string | undefined;
  readonly organisation: string | undefined;
  readonly memberId: string | undefined;
  readonly role: SignerRole | undefined;
  /** Certificate serial number, hex. */
  readonly serialNumber: string;
  /** SHA-256 of the certificate DER, hex: binds an imported real certificate to a member. */
  readonly fingerprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export type CertificateFailureCode =
  | 'CERT_MALFORMED'
  | 'CERT_UNTRUSTED'
  | 'CERT_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_KEY_USAGE'
  | 'CERT_UNKNOWN_CRITICAL_EXTENSION';

export interface CertificateFailure {
  readonly ok: false;
  readonly code: CertificateFailureCode;
  readonly message: Message;
}

const CERT_MESSAGES: Readonly<Record<CertificateFailureCode, Message>> = {
  CERT_MALFORMED: {
    ru: 'Сертификат повреждён или имеет неверный формат',
    en: 'The certificate is malformed',
  },
  CERT_UNTRUSTED: {
    ru: 'Сертификат выдан не доверенным удостоверяющим центром',
    en: 'The certificate does not chain to a trusted root',
  },
  CERT_EXPIRED: { ru: 'Срок действия сертификата истёк', en: 'The certificate has expired' },
  CERT_NOT_YET_VALID: {
    ru: 'Срок действия сертификата ещё не начался',
    en: 'The certificate is not yet valid',
  },
  CERT_KEY_USAGE: {
    ru: 'Сертификат не предназначен для подписания документов',
    en: 'The certificate is not meant for signing documents',
  },
  CERT_UNKNOWN_CRITICAL_EXTENSION: {
    ru: 'Сертификат содержит неизвестное критическое расширение',
    en: 'The certificate has an unknown critical extension',
  },
};

export function certificateFailure(code: CertificateFailureCode): CertificateFailure {
  return { ok: false, code, message: CERT_MESSAGES[code] };
}

/** DER of a certificate given as DER or PEM; undefined when it is neither. */
export function certificateDer(input: CertificateInput): Uint8Array | undefined {
  if (typeof input !== 'string') return input;
  return fromPem(input, ['CERTIFICATE']);
}

/** All certificates of a PEM bundle (roots file, chain). */
export function certificatesFromPem(text: string): Uint8Array[] {
  return allFromPem(text, 'CERTIFICATE');
}

/** @internal pkijs certificate from DER; undefined when the bytes are not exactly one certificate. */
export function parseCertificate(der: Uint8Array): pkijs.Certificate | undefined {
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    // Trailing bytes would let two different files carry the same certificate.
    if (asn.offset === -1 || asn.offset !== der.length) return undefined;
    return new pkijs.Certificate({ schema: asn.result });
  } catch {
    return undefined;
  }
}

/** @internal DER of a pkijs certificate as it was parsed (not re-encoded). */
export function encodeCertificate(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.toSchema().toBER(false));
}

const NAME_LABELS: Readonly<Record<string, string>> = {
  [OID_CN]: 'CN',
  '2.5.4.6': 'C',
  [OID_O]: 'O',
  '2.5.4.11': 'OU',
  [OID_TITLE]: 'title',
  '2.5.4.5': 'serialNumber',
  [OID_UID]: 'UID',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function attributeText(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown } }).valueBlock;
  return typeof block?.value === 'string' ? block.value : '';
}

function nameAttribute(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const tv = name.typesAndValues.find((t) => t.type === oid);
  return tv === undefined ? undefined : attributeText(tv.value);
}

function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((t) => `${NAME_LABELS[t.type] ?? t.type}=${attributeText(t.value)}`)
    .join(', ');
}

function roleFromTitle(title: string | undefined): SignerRole | undefined {
  if (title === undefined) return undefined;
  const entry = Object.entries(ROLE_TITLES).find(([, t]) => t === title);
  return entry?.[0] as SignerRole | undefined;
}

/** @internal */
export async function describe(cert: pkijs.Certificate): Promise<SignerIdentity> {
  return {
    subject: nameText(cert.subject),
    issuer: nameText(cert.issuer),
    fullName: nameAttribute(cert.subject, OID_CN),
    organisation: nameAttribute(cert.subject, OID_O),
    memberId: nameAttribute(cert.subject, OID_UID),
    role: roleFromTitle(nameAttribute(cert.subject, OID_TITLE)),
    serialNumber: toHex(cert.serialNumber.valueBlock.valueHexView),
    fingerprint: toHex(await sha256(encodeCertificate(cert))),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
  };
}

/** The identity a certificate names, without any trust decision. */
export async function describeCertificate(input: CertificateInput): Promise<SignerIdentity | undefined> {
  const der = certificateDer(input);
  const cert = der === undefined ? undefined : parseCertificate(der);
  return cert === undefined ? undefined : describe(cert);
}

function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

function extensionValue(ext: pkijs.Extension): asn1js.AsnType | undefined {
  const asn = asn1js.fromBER(ext.extnValue.getValue());
  return asn.offset === -1 ? undefined : asn.result;
}

/** KeyUsage bits (RFC 5280 §4.2.1.3) as a number: bit 0 (digitalSignature) is 0x80 of the first byte. */
function keyUsageBits(cert: pkijs.Certificate): number | undefined {
  const ext = extension(cert, OID_KEY_USAGE);
  if (ext === undefined) return undefined;
  const v = extensionValue(ext);
  if (!(v instanceof asn1js.BitString)) return 0;
  const bytes = v.valueBlock.valueHexView;
  return ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
}

const KU_DIGITAL_SIGNATURE = 0x8000;
const KU_NON_REPUDIATION = 0x4000;
const KU_KEY_CERT_SIGN = 0x0400;

function isCa(cert: pkijs.Certificate): boolean {
  const ext = extension(cert, OID_BASIC_CONSTRAINTS);
  if (ext === undefined) return false;
  const v = extensionValue(ext);
  if (v === undefined) return false;
  try {
    if (!new pkijs.BasicConstraints({ schema: v }).cA) return false;
  } catch {
    return false;
  }
  const ku = keyUsageBits(cert);
  return ku === undefined || (ku & KU_KEY_CERT_SIGN) !== 0;
}

function canSignDocuments(cert: pkijs.Certificate): boolean {
  const ku = keyUsageBits(cert);
  if (ku !== undefined && (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) === 0) return false;
  const eku = extension(cert, OID_EXT_KEY_USAGE);
  if (eku === undefined) return true;
  const v = extensionValue(eku);
  if (v === undefined) return false;
  try {
    const purposes = new pkijs.ExtKeyUsage({ schema: v }).keyPurposes;
    return purposes.some((p) =>
      [OID_KP_DOCUMENT_SIGNING, OID_KP_EMAIL_PROTECTION, OID_KP_ANY, OID_KP_MS_DOCUMENT_SIGNING].includes(p),
    );
  } catch {
    return false;
  }
}

const UNDERSTOOD_EXTENSIONS = new Set([
  OID_KEY_USAGE,
  OID_BASIC_CONSTRAINTS,
  OID_EXT_KEY_USAGE,
  OID_SUBJECT_KEY_ID,
  OID_AUTHORITY_KEY_ID,
  OID_CERT_POLICIES,
  OID_SUBJECT_ALT_NAME,
  OID_CRL_DP,
  OID_AIA,
]);

async function signedBy(cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  if (!cert.issuer.isEqual(issuer.subject)) return false;
  try {
    return await cert.verify(issuer);
  } catch {
    // An algorithm WebCrypto lacks (GOST R 34.10-2012 on Russian qualified certificates) cannot verify.
    return false;
  }
}

export interface ChainOptions {
  /** Trust anchors: the commission CA, or the configured root of a real CA. */
  readonly trustedRoots: readonly pkijs.Certificate[];
  /** Intermediate CA certificates that may complete the path (from the CMS or the configuration). */
  readonly intermediates?: readonly pkijs.Certificate[];
  /** The time every certificate of the path must be valid at. */
  readonly at: Date;
}

const MAX_PATH = 8;

/**
 * @internal RFC 5280 §6.1, reduced: walk up from the leaf by issuer name and signature until a trusted
 * root signs the current certificate (or the leaf is itself a trusted root), then check validity
 * periods, CA flags and the leaf's document-signing usage.
 */
export async function validatePath(
  leaf: pkijs.Certificate,
  options: ChainOptions,
): Promise<{ ok: true; path: pkijs.Certificate[] } | CertificateFailure> {
  const path: pkijs.Certificate[] = [leaf];
  const leafDer = encodeCertificate(leaf);
  let anchored = options.trustedRoots.some((r) => bytesEqual(encodeCertificate(r), leafDer));
  let current = leaf;
  while (!anchored && path.length <= MAX_PATH) {
    let root: pkijs.Certificate | undefined;
    for (const r of options.trustedRoots) if (await signedBy(current, r)) root = r;
    if (root !== undefined) {
      path.push(root);
      anchored = true;
      break;
    }
    let next: pkijs.Certificate | undefined;
    for (const c of options.intermediates ?? []) {
      if (path.includes(c) || bytesEqual(encodeCertificate(c), encodeCertificate(current))) continue;
      if (await signedBy(current, c)) {
        next = c;
        break;
      }
    }
    if (next === undefined) break;
    path.push(next);
    current = next;
  }
  if (!anchored) return certificateFailure('CERT_UNTRUSTED');
  for (const [i, c] of path.entries()) {
    if (i > 0 && !isCa(c)) return certificateFailure('CERT_UNTRUSTED');
    for (const e of c.extensions ?? [])
      if (e.critical && !UNDERSTOOD_EXTENSIONS.has(e.extnID))
        return certificateFailure('CERT_UNKNOWN_CRITICAL_EXTENSION');
  }
  for (const c of path) {
    if (options.at.getTime() > c.notAfter.value.getTime()) return certificateFailure('CERT_EXPIRED');
    if (options.at.getTime() < c.notBefore.value.getTime()) return certificateFailure('CERT_NOT_YET_VALID');
  }
  if (!canSignDocuments(leaf)) return certificateFailure('CERT_KEY_USAGE');
  return { ok: true, path };
}

/** @internal Parse trust anchors given as DER/PEM; a bad one is a configuration bug, so it throws. */
export function parseRoots(roots: readonly CertificateInput[]): pkijs.Certificate[] {
  return roots.map((r, i) => {
    const der = certificateDer(r);
    const cert = der === undefined ? undefined : parseCertificate(der);
    if (cert === undefined) throw new TypeError(`trustedRoots[${i}] is not a certificate`);
    return cert;
  });
}

export type ImportResult =
  { readonly ok: true; readonly der: Uint8Array; readonly identity: SignerIdentity } | CertificateFailure;

/**
 * Import a real certificate (PEM or DER, e.g. from an accredited CA) for a member: it must chain to one
 * of `trustedRoots` (through `intermediates` if given), be valid at `at` and allow document signing.
 */
export async function importCertificate(
  input: CertificateInput,
  options: {
    trustedRoots: readonly CertificateInput[];
    intermediates?: readonly CertificateInput[];
    at: Date;
  },
): Promise<ImportResult> {
  const der = certificateDer(input);
  const cert = der === undefined ? undefined : parseCertificate(der);
  if (der === undefined || cert === undefined) return certificateFailure('CERT_MALFORMED');
  const checked = await validatePath(cert, {
    trustedRoots: parseRoots(options.trustedRoots),
    intermediates: parseRoots(options.intermediates ?? []),
    at: options.at,
  });
  if (!checked.ok) return checked;
  return { ok: true, der, identity: await describe(cert) };
}
