/**
 * PEM armour (RFC 7468 "strict" textual encoding) and small byte helpers shared by the signature
 * modules. Internal: not part of the package API beyond `toPem`/`fromPem`.
 */

/** Base64 without Buffer so the same code runs in the browser. */
function base64Encode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function base64Decode(text: string): Uint8Array | undefined {
  // RFC 7468 §3: strict base64, no characters outside the alphabet once line breaks are removed.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** DER bytes → PEM with the given label ("CERTIFICATE", "CMS", "ENCRYPTED PRIVATE KEY"), 64-column lines. */
export function toPem(der: Uint8Array, label: string): string {
  const b64 = base64Encode(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * The DER inside the first PEM block whose label is one of `labels`; undefined when there is none or
 * its base64 is not canonical. Text before and after the block (openssl's "Bag Attributes") is allowed.
 */
export function fromPem(text: string, labels: readonly string[]): Uint8Array | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/.exec(text);
  if (m === null) return undefined;
  const [, label, body] = m;
  if (label === undefined || body === undefined || !labels.includes(label)) return undefined;
  return base64Decode(body.replace(/[\r\n\t ]/g, ''));
}

/** All PEM blocks with the label, in order (a chain or a bundle of roots). */
export function allFromPem(text: string, label: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  for (const m of text.matchAll(re)) {
    const der = base64Decode((m[1] ?? '').replace(/[\r\n\t ]/g, ''));
    if (der !== undefined) out.push(der);
  }
  return out;
}

/** A fresh ArrayBuffer holding exactly these bytes (pkijs and WebCrypto take ArrayBuffer). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', toArrayBuffer(data)));
}
