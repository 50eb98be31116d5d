/**
 * Detached CMS signatures (RFC 5652 SignedData, RFC 5754 SHA-256, RFC 5753/RFC 4056 signature
 * algorithms) over the commission's documents: the data centre's list bundle (P-3.1), the precinct
 * exclusion registers (P-3.6), the final lists (P-7.3) and the protocols (P-7.9).
 *
 * Profile (what `signDetached` writes and `verifyDetached` requires): eContentType id-data with the
 * content absent (detached); digest SHA-256 (SHA-384/512 accepted on input); signed attributes
 * contentType, messageDigest and signingTime; the signer named by issuerAndSerialNumber; the signer's
 * certificate included. `openssl cms -verify -binary -inform DER -content doc -CAfile root.pem`
 * accepts it.
 *
 * Several signers — one CMS per signer. Members sign on their own devices at their own time; each
 * signature is a separate file that needs nobody else's, a member who cannot sign simply has none (and
 * a recorded reason, P-7.9), and adding a signature never re-encodes the others. `verifyAllSigners`
 * checks a set of such files over one document and reports who signed. A CMS that itself carries
 * several SignerInfos (`openssl cms -resign`) is also verified: every one of them must be valid.
 */

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Message } from '../applications.ts';
import {
  certificateDer,
  describe,
  encodeCertificate,
  parseCertificate,
  parseRoots,
  validatePath,
} from './certificate.ts';
import type { CertificateFailureCode, CertificateInput, SignerIdentity, SignerRole } from './certificate.ts';
import {
  OID_ATTR_CONTENT_TYPE,
  OID_ATTR_MESSAGE_DIGEST,
  OID_ATTR_SIGNING_TIME,
  OID_DATA,
  OID_SHA256,
  OID_SIGNED_DATA,
} from './oids.ts';
import { bytesEqual, fromPem, toArrayBuffer, toPem } from './pem.ts';

export type CmsFailureCode =
  | 'CMS_MALFORMED'
  | 'CMS_NOT_DETACHED'
  | 'CMS_UNSUPPORTED_ALGORITHM'
  | 'CMS_SIGNER_CERT_MISSING'
  | 'CMS_ATTRIBUTES_INVALID'
  | 'CMS_DIGEST_MISMATCH'
  | 'CMS_SIGNATURE_INVALID'
  | 'CMS_UNTRUSTED_SIGNER'
  | 'CMS_CERT_EXPIRED'
  | 'CMS_CERT_NOT_YET_VALID'
  | 'CMS_CERT_KEY_USAGE';

const CMS_MESSAGES: Readonly<Record<CmsFailureCode, Message>> = {
  CMS_MALFORMED: { ru: 'Файл подписи повреждён или имеет неверный формат', en: 'The signature is malformed' },
  CMS_NOT_DETACHED: {
    ru: 'Ожидалась отсоединённая подпись, а подпись содержит сам документ',
    en: 'A detached signature was expected, but the signature carries the document',
  },
  CMS_UNSUPPORTED_ALGORITHM: {
    ru: 'Алгоритм подписи или хеширования не поддерживается',
    en: 'The signature or digest algorithm is not supported',
  },
  CMS_SIGNER_CERT_MISSING: {
    ru: 'В подписи нет сертификата подписавшего',
    en: "The signature does not include the signer's certificate",
  },
  CMS_ATTRIBUTES_INVALID: {
    ru: 'Подписанные атрибуты отсутствуют или неверны (тип содержимого, хеш, время подписания)',
    en: 'Signed attributes are missing or wrong (content type, message digest, signing time)',
  },
  CMS_DIGEST_MISMATCH: {
    ru: 'Документ изменён после подписания: хеш не совпадает',
    en: 'The document was changed after signing: the digest does not match',
  },
  CMS_SIGNATURE_INVALID: { ru: 'Подпись неверна', en: 'The signature value is invalid' },
  CMS_UNTRUSTED_SIGNER: {
    ru: 'Сертификат подписавшего выдан не доверенным удостоверяющим центром',
    en: "The signer's certificate does not chain to a trusted root",
  },
  CMS_CERT_EXPIRED: {
    ru: 'Срок действия сертификата подписавшего истёк',
    en: "The signer's certificate has expired",
  },
  CMS_CERT_NOT_YET_VALID: {
    ru: 'Срок действия сертификата подписавшего ещё не начался',
    en: "The signer's certificate is not yet valid",
  },
  CMS_CERT_KEY_USAGE: {
    ru: 'Сертификат подписавшего не предназначен для подписания документов',
    en: "The signer's certificate is not meant for signing documents",
  },
};

const FROM_CERT: Readonly<Record<CertificateFailureCode, CmsFailureCode>> = {
  CERT_MALFORMED: 'CMS_MALFORMED',
  CERT_UNTRUSTED: 'CMS_UNTRUSTED_SIGNER',
  CERT_EXPIRED: 'CMS_CERT_EXPIRED',
  CERT_NOT_YET_VALID: 'CMS_CERT_NOT_YET_VALID',
  CERT_KEY_USAGE: 'CMS_CERT_KEY_USAGE',
  CERT_UNKNOWN_CRITICAL_EXTENSION: 'CMS_UNTRUSTED_SIGNER',
};

export interface CmsFailure {
  readonly ok: false;
  readonly code: CmsFailureCode;
  readonly message: Message;
  /** Index of the SignerInfo that failed, when the failure is a signer's. */
  readonly signerIndex?: number;
  /** Who the failing signer's certificate names, when it was found (not a trust statement). */
  readonly claimedSigner?: SignerIdentity;
}

function fail(
  code: CmsFailureCode,
  extra: { signerIndex?: number; claimedSigner?: SignerIdentity } = {},
): CmsFailure {
  return { ok: false, code, message: CMS_MESSAGES[code], ...extra };
}

export interface DetachedSignature {
  readonly der: Uint8Array;
  /** `-----BEGIN CMS-----`, as `openssl cms -outform PEM` writes. */
  readonly pem: string;
}

export interface Signer {
  readonly certificate: CertificateInput;
  /** May be non-extractable: only `sign` is used. */
  readonly privateKey: CryptoKey;
}

function assertBytes(name: string, v: unknown): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function assertDate(name: string, v: unknown): asserts v is Date {
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw new TypeError(`${name} must be a valid Date`);
}

function signingTimeValue(d: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  // RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise.
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050
    ? new asn1js.UTCTime({ valueDate: d })
    : new asn1js.GeneralizedTime({ valueDate: d });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/**
 * Sign `content` as a detached CMS SignedData. `signingTime` comes from the caller's clock (training
 * runs use scenario time); it is the signer's claim, the verifier's trusted time is its own `at`.
 */
export async function signDetached(options: {
  content: Uint8Array;
  signer: Signer;
  signingTime: Date;
}): Promise<DetachedSignature> {
  assertBytes('content', options.content);
  assertDate('signingTime', options.signingTime);
  const der = certificateDer(options.signer.certificate);
  const cert = der === undefined ? undefined : parseCertificate(der);
  if (cert === undefined) throw new TypeError('signer.certificate is not a certificate');

  const digest = await globalThis.crypto.subtle.digest('SHA-256', toArrayBuffer(options.content));
  const attributes = [
    new pkijs.Attribute({
      type: OID_ATTR_CONTENT_TYPE,
      values: [new asn1js.ObjectIdentifier({ value: OID_DATA })],
    }),
    new pkijs.Attribute({ type: OID_ATTR_SIGNING_TIME, values: [signingTimeValue(options.signingTime)] }),
    new pkijs.Attribute({
      type: OID_ATTR_MESSAGE_DIGEST,
      values: [new asn1js.OctetString({ valueHex: digest })],
    }),
  ];
  // DER SET OF is sorted by encoding (X.690 §11.6); verifiers such as openssl re-encode the signed
  // attributes in DER before checking, so an unsorted set would not verify there.
  const sorted = attributes
    .map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }))
    .sort((x, y) => compareBytes(x.der, y.der))
    .map((x) => x.a);

  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID_DATA }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted }),
      }),
    ],
    certificates: [cert],
  });
  await signedData.sign(options.signer.privateKey, 0, 'SHA-256');
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID_SIGNED_DATA,
    content: signedData.toSchema(true),
  });
  const out = new Uint8Array(contentInfo.toSchema().toBER(false));
  return { der: out, pem: toPem(out, 'CMS') };
}

/** A signature as DER bytes or PEM text (`CMS` or `PKCS7` label). */
export type SignatureInput = Uint8Array | string;

function parseSignedData(input: SignatureInput): pkijs.SignedData | undefined {
  const der = typeof input === 'string' ? fromPem(input, ['CMS', 'PKCS7']) : input;
  if (der === undefined) return undefined;
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1 || asn.offset !== der.length) return undefined;
    const ci = new pkijs.ContentInfo({ schema: asn.result });
    if (ci.contentType !== OID_SIGNED_DATA) return undefined;
    return new pkijs.SignedData({ schema: ci.content });
  } catch {
    return undefined;
  }
}

const DIGESTS: Readonly<Record<string, string>> = {
  [OID_SHA256]: 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** The single value of a signed attribute; undefined when absent, repeated or multi-valued (RFC 5652 §11). */
function singleAttribute(attrs: pkijs.Attribute[], type: string): unknown {
  const found = attrs.filter((a) => a.type === type);
  if (found.length !== 1 || found[0]?.values.length !== 1) return undefined;
  return found[0].values[0] as unknown;
}

export interface VerifiedSigner {
  readonly identity: SignerIdentity;
  readonly signingTime: Date;
  /** DER of the signer's certificate. */
  readonly certificate: Uint8Array;
}

export type VerifyResult =
  | {
      readonly ok: true;
      /** The (first) signer: subject, member id and role from the certificate. */
      readonly signer: SignerIdentity;
      readonly signingTime: Date;
      /** Every SignerInfo, all verified (one for signatures made by `signDetached`). */
      readonly signers: readonly VerifiedSigner[];
    }
  | CmsFailure;

export interface VerifyOptions {
  readonly content: Uint8Array;
  readonly signature: SignatureInput;
  /** Roots the signer's certificate must chain to (the commission CA, or the configured real root). */
  readonly trustedRoots: readonly CertificateInput[];
  /** Intermediate CA certificates beyond those in the CMS. */
  readonly intermediates?: readonly CertificateInput[];
  /**
   * Trusted time the certificates must be valid at: when the signature was received and logged.
   * Defaults to now. The signer's `signingTime` is their own claim and is not trusted for this.
   */
  readonly at?: Date;
}

async function verifySignerInfo(
  index: number,
  si: pkijs.SignerInfo,
  sd: pkijs.SignedData,
  content: Uint8Array,
  roots: pkijs.Certificate[],
  extra: pkijs.Certificate[],
  at: Date,
): Promise<VerifiedSigner | CmsFailure> {
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  if (!(si.sid instanceof pkijs.IssuerAndSerialNumber))
    return fail('CMS_SIGNER_CERT_MISSING', { signerIndex: index });
  const sid = si.sid;
  const cert = certs.find(
    (c) =>
      c.issuer.isEqual(sid.issuer) &&
      bytesEqual(c.serialNumber.valueBlock.valueHexView, sid.serialNumber.valueBlock.valueHexView),
  );
  if (cert === undefined) return fail('CMS_SIGNER_CERT_MISSING', { signerIndex: index });
  const claimedSigner = await describe(cert);
  const where = { signerIndex: index, claimedSigner };

  const hash = DIGESTS[si.digestAlgorithm.algorithmId];
  if (hash === undefined) return fail('CMS_UNSUPPORTED_ALGORITHM', where);

  // RFC 5652 §5.3: with detached content of type id-data the signed attributes carry its digest.
  const attrs = si.signedAttrs?.attributes;
  if (attrs === undefined) return fail('CMS_ATTRIBUTES_INVALID', where);
  const contentType = singleAttribute(attrs, OID_ATTR_CONTENT_TYPE);
  const messageDigest = singleAttribute(attrs, OID_ATTR_MESSAGE_DIGEST);
  const signingTime = singleAttribute(attrs, OID_ATTR_SIGNING_TIME);
  if (
    !(contentType instanceof asn1js.ObjectIdentifier) ||
    contentType.getValue() !== sd.encapContentInfo.eContentType ||
    !(messageDigest instanceof asn1js.OctetString) ||
    !(signingTime instanceof asn1js.UTCTime) // GeneralizedTime extends UTCTime in asn1js
  )
    return fail('CMS_ATTRIBUTES_INVALID', where);

  const digest = new Uint8Array(await globalThis.crypto.subtle.digest(hash, toArrayBuffer(content)));
  if (!bytesEqual(digest, messageDigest.valueBlock.valueHexView)) return fail('CMS_DIGEST_MISMATCH', where);

  // RFC 5652 §5.4: the signature is over the DER of the signed attributes with an explicit SET OF tag.
  const signed = new Uint8Array(si.signedAttrs?.encodedValue ?? new ArrayBuffer(0)).slice();
  if (signed.length === 0) return fail('CMS_ATTRIBUTES_INVALID', where);
  signed[0] = 0x31;
  let valid: boolean;
  try {
    valid = await pkijs
      .getCrypto(true)
      .verifyWithPublicKey(signed, si.signature, cert.subjectPublicKeyInfo, si.signatureAlgorithm, hash);
  } catch {
    return fail('CMS_UNSUPPORTED_ALGORITHM', where);
  }
  if (!valid) return fail('CMS_SIGNATURE_INVALID', where);

  const chain = await validatePath(cert, {
    trustedRoots: roots,
    intermediates: [...certs.filter((c) => c !== cert), ...extra],
    at,
  });
  if (!chain.ok) return fail(FROM_CERT[chain.code], where);
  return { identity: claimedSigner, signingTime: signingTime.toDate(), certificate: encodeCertificate(cert) };
}

/** Verify a detached CMS signature over `content`; every SignerInfo it carries must be valid. */
export async function verifyDetached(options: VerifyOptions): Promise<VerifyResult> {
  assertBytes('content', options.content);
  const at = options.at ?? new Date();
  assertDate('at', at);
  const roots = parseRoots(options.trustedRoots);
  const extra = parseRoots(options.intermediates ?? []);
  const sd = parseSignedData(options.signature);
  if (sd === undefined || sd.signerInfos.length === 0) return fail('CMS_MALFORMED');
  if (sd.encapContentInfo.eContent !== undefined) return fail('CMS_NOT_DETACHED');
  if (sd.encapContentInfo.eContentType !== OID_DATA) return fail('CMS_ATTRIBUTES_INVALID');
  const signers: VerifiedSigner[] = [];
  for (const [i, si] of sd.signerInfos.entries()) {
    const r = await verifySignerInfo(i, si, sd, options.content, roots, extra, at);
    if ('ok' in r) return r;
    signers.push(r);
  }
  const first = signers[0] as VerifiedSigner;
  return { ok: true, signer: first.identity, signingTime: first.signingTime, signers };
}

export interface SignatureSetReport {
  /** Every signature valid and every required role and member present. */
  readonly ok: boolean;
  /** Valid signers, once each (a second signature by the same certificate is ignored). */
  readonly signers: readonly VerifiedSigner[];
  /** Signatures that failed, by their index in `signatures`. */
  readonly failures: readonly (CmsFailure & { readonly index: number })[];
  /** Required roles with no valid signature (P-7.3: chairman and secretary). */
  readonly missingRoles: readonly SignerRole[];
  /** Required member ids with no valid signature (P-7.9: every present member). */
  readonly missingMembers: readonly string[];
}

/**
 * Verify a set of detached signatures over one document and report who signed (P-7.3, P-7.9).
 * Collects every failure instead of stopping at the first.
 */
export async function verifyAllSigners(
  options: Omit<VerifyOptions, 'signature'> & {
    signatures: readonly SignatureInput[];
    required?: { roles?: readonly SignerRole[]; memberIds?: readonly string[] };
  },
): Promise<SignatureSetReport> {
  const signers: VerifiedSigner[] = [];
  const failures: (CmsFailure & { index: number })[] = [];
  for (const [index, signature] of options.signatures.entries()) {
    const r = await verifyDetached({ ...options, signature });
    if (!r.ok) {
      failures.push({ ...r, index });
      continue;
    }
    for (const s of r.signers)
      if (!signers.some((k) => k.identity.fingerprint === s.identity.fingerprint)) signers.push(s);
  }
  const roles = new Set(signers.map((s) => s.identity.role));
  const ids = new Set(signers.map((s) => s.identity.memberId));
  const missingRoles = (options.required?.roles ?? []).filter((r) => !roles.has(r));
  const missingMembers = (options.required?.memberIds ?? []).filter((m) => !ids.has(m));
  return {
    ok: failures.length === 0 && missingRoles.length === 0 && missingMembers.length === 0,
    signers,
    failures,
    missingRoles,
    missingMembers,
  };
}
