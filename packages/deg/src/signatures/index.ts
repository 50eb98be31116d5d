/**
 * Electronic signatures of the commission and the data centre: X.509 certificates (RFC 5280), detached
 * CMS signatures (RFC 5652) and encrypted key files (RFC 5958 with RFC 8018 PBES2). Browser-safe:
 * Node file helpers live in `key-file-node.ts`, imported by path.
 */

export { ROLE_TITLES, certificatesFromPem, describeCertificate, importCertificate } from './certificate.ts';
export type {
  CertificateFailure,
  CertificateFailureCode,
  CertificateInput,
  ImportResult,
  SignerIdentity,
  SignerRole,
} from './certificate.ts';
export {
  certificateValidity,
  createCommissionCa,
  issueDataCentreCertificate,
  issueMemberCertificate,
} from './ca.ts';
export type { CommissionCa, IssuedCertificate, MemberSubject, Validity } from './ca.ts';
export { signDetached, verifyAllSigners, verifyDetached } from './cms.ts';
export type {
  CmsFailure,
  CmsFailureCode,
  DetachedSignature,
  SignatureInput,
  SignatureSetReport,
  Signer,
  VerifiedSigner,
  VerifyOptions,
  VerifyResult,
} from './cms.ts';
export { KEY_ALGORITHMS, generateSigningKeyPair } from './keys.ts';
export type { KeyAlgorithm } from './keys.ts';
export {
  KEY_FILE_ITERATIONS,
  encryptKeyFile,
  generateMemberKeyFile,
  importNonExtractable,
  openKeyFile,
} from './key-file.ts';
export type { KeyFile, KeyFileFailure, KeyFileFailureCode, OpenKeyFileResult } from './key-file.ts';
export { toPem } from './pem.ts';
