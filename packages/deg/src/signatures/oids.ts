/**
 * Object identifiers used by the signature modules, named as in their RFCs. Internal.
 */

// RFC 5280 §4.1.2.4 / X.520 attribute types
export const OID_CN = '2.5.4.3';
export const OID_C = '2.5.4.6';
export const OID_O = '2.5.4.10';
export const OID_OU = '2.5.4.11';
export const OID_TITLE = '2.5.4.12';
export const OID_SERIAL_NUMBER = '2.5.4.5';
/** RFC 4519 uid: the member id (serialNumber is PrintableString and cannot hold "_"). */
export const OID_UID = '0.9.2342.19200300.100.1.1';

// RFC 5280 §4.2.1 extensions
export const OID_SUBJECT_KEY_ID = '2.5.29.14';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_CERT_POLICIES = '2.5.29.32';
export const OID_AUTHORITY_KEY_ID = '2.5.29.35';
export const OID_EXT_KEY_USAGE = '2.5.29.37';
export const OID_SUBJECT_ALT_NAME = '2.5.29.17';
export const OID_CRL_DP = '2.5.29.31';
export const OID_AIA = '1.3.6.1.5.5.7.1.1';

// Extended key usages
/** RFC 9336 id-kp-documentSigning. */
export const OID_KP_DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
/** RFC 5280 id-kp-emailProtection: what openssl's default S/MIME purpose wants. */
export const OID_KP_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
export const OID_KP_ANY = '2.5.29.37.0';
/** Microsoft document signing, found on imported Russian qualified certificates. */
export const OID_KP_MS_DOCUMENT_SIGNING = '1.3.6.1.4.1.311.10.3.12';

// RFC 5652 CMS
export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_ATTR_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_ATTR_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_ATTR_SIGNING_TIME = '1.2.840.113549.1.9.5';
/** RFC 5754 id-sha256. */
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

// Keys (RFC 5480, RFC 4055)
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_P256 = '1.2.840.10045.3.1.7';
export const OID_P384 = '1.3.132.0.34';
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';

// RFC 8018 PBES2
export const OID_PBES2 = '1.2.840.113549.1.5.13';
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';
export const OID_HMAC_SHA256 = '1.2.840.113549.2.9';
export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
