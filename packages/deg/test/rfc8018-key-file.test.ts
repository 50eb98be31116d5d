// RFC 8018 PBES2 key files (RFC 5958 EncryptedPrivateKeyInfo): the member's key under their
// passphrase, in the format `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes and reads, opened as a
// non-extractable WebCrypto key. P-7.3/P-7.9: a member signs with the key from their file.
import { beforeAll, describe, expect, test } from 'vitest';
import { readKeyFile, writeKeyFile } from '../src/signatures/key-file-node.ts';
import {
  KEY_FILE_ITERATIONS,
  createCommissionCa,
  encryptKeyFile,
  generateMemberKeyFile,
  generateSigningKeyPair,
  issueMemberCertificate,
  openKeyFile,
  signDetached,
  verifyDetached,
} from '../src/signatures/index.ts';
import { Scratch, requireOpenssl } from './openssl-helper.ts';

const PASS = 'пароль члена комиссии 2024';
const FAST = { iterations: 10_000 };
const DAY = 86_400_000;
const validity = { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY) };
const ORG = 'Территориальная избирательная комиссия № 1';

describe('RFC 8018 PBES2 key files', () => {
  const fs = new Scratch();
  beforeAll(() => {
    requireOpenssl();
  });

  test('openssl is installed: a prerequisite of this suite, so its absence fails rather than skips', () => {
    expect(requireOpenssl()).toMatch(/^OpenSSL 3\./);
  });

  test('openssl pkcs8 opens our key file with the passphrase (default iterations) and fails with a wrong one', async () => {
    const { keyFile, publicKey } = await generateMemberKeyFile(PASS);
    expect(keyFile.pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    const file = fs.path('member.key.pem');
    await writeKeyFile(file, keyFile.pem);
    const asn = fs.openssl(['asn1parse', '-in', file]);
    expect(asn.stdout).toContain('PBES2');
    expect(asn.stdout).toContain('PBKDF2');
    expect(asn.stdout).toContain('hmacWithSHA256');
    expect(asn.stdout).toContain('aes-256-cbc');
    expect(asn.stdout).toMatch(
      new RegExp(`INTEGER\\s+:0*${KEY_FILE_ITERATIONS.toString(16).toUpperCase()}\\n`),
    );
    const clear = fs.openssl(['pkcs8', '-in', file, '-passin', `pass:${PASS}`, '-out', fs.path('clear.pem')]);
    expect(clear.status).toBe(0);
    // The key openssl decrypted is the one whose public key the member sent to the CA.
    const pub = fs.openssl([
      'pkey',
      '-in',
      fs.path('clear.pem'),
      '-pubout',
      '-outform',
      'DER',
      '-out',
      fs.path('pub.der'),
    ]);
    expect(pub.status).toBe(0);
    const spki = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', publicKey));
    expect(fs.read('pub.der')).toEqual(spki);
    const wrong = fs.openssl([
      'pkcs8',
      '-in',
      file,
      '-passin',
      'pass:не тот пароль',
      '-out',
      fs.path('x.pem'),
    ]);
    expect(wrong.status).not.toBe(0);
    // Written for the owner only, and never over an existing file.
    const { statSync } = await import('node:fs');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(writeKeyFile(file, keyFile.pem)).rejects.toThrow();
  });

  test('our key file opens as a non-extractable key; a wrong passphrase gives KEY_FILE_WRONG_PASSPHRASE', async () => {
    const { keyFile } = await generateMemberKeyFile(PASS, FAST);
    const opened = await openKeyFile(keyFile.pem, PASS);
    expect(opened.ok && opened.privateKey.extractable).toBe(false);
    expect(opened.ok && opened.privateKey.usages).toEqual(['sign']);
    for (const wrong of ['', 'пароль члена комиссии 2025', PASS.normalize('NFD') + ' ']) {
      const r = await openKeyFile(keyFile.der, wrong);
      expect(r.ok ? 'ok' : r.code).toBe('KEY_FILE_WRONG_PASSPHRASE');
      if (!r.ok) expect(r.message.ru).toBe('Неверный пароль к файлу ключа');
    }
  });

  test('a key file written by openssl pkcs8 -topk8 -v2 aes-256-cbc opens; other encryptions are refused as unsupported', async () => {
    const gen = fs.openssl([
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      fs.path('o.key'),
    ]);
    expect(gen.status).toBe(0);
    const enc = fs.openssl([
      'pkcs8',
      '-topk8',
      '-v2',
      'aes-256-cbc',
      '-in',
      fs.path('o.key'),
      '-passout',
      `pass:${PASS}`,
      '-out',
      fs.path('o.p8.pem'),
    ]);
    expect(enc.status).toBe(0);
    const r = await openKeyFile(await readKeyFile(fs.path('o.p8.pem')), PASS);
    expect(r.ok).toBe(true);
    const des = fs.openssl([
      'pkcs8',
      '-topk8',
      '-v2',
      'des3',
      '-in',
      fs.path('o.key'),
      '-passout',
      `pass:${PASS}`,
      '-out',
      fs.path('o.des.pem'),
    ]);
    expect(des.status).toBe(0);
    const u = await openKeyFile(fs.readText('o.des.pem'), PASS);
    expect(u.ok ? 'ok' : u.code).toBe('KEY_FILE_UNSUPPORTED');
    const sha1 = fs.openssl([
      'pkcs8',
      '-topk8',
      '-v2',
      'aes-256-cbc',
      '-v2prf',
      'hmacWithSHA1',
      '-in',
      fs.path('o.key'),
      '-passout',
      `pass:${PASS}`,
      '-out',
      fs.path('o.sha1.pem'),
    ]);
    expect(sha1.status).toBe(0);
    const v = await openKeyFile(fs.readText('o.sha1.pem'), PASS);
    expect(v.ok ? 'ok' : v.code).toBe('KEY_FILE_UNSUPPORTED');
  });

  test('inputs that must be rejected as KEY_FILE_MALFORMED', async () => {
    const { keyFile } = await generateMemberKeyFile(PASS, FAST);
    const bad: (Uint8Array | string)[] = [
      '',
      'not a key file',
      keyFile.pem.replace('ENCRYPTED PRIVATE KEY', 'PRIVATE KEY'),
      keyFile.der.slice(0, keyFile.der.length - 1),
      new Uint8Array([...keyFile.der, 0]),
      new Uint8Array([0x30, 0x00]),
    ];
    for (const file of bad) {
      const r = await openKeyFile(file, PASS);
      expect(r.ok ? 'ok' : r.code).toBe('KEY_FILE_MALFORMED');
    }
  });

  test('an extractable key is required only to write the file; a short passphrase is refused', async () => {
    const browserKey = await generateSigningKeyPair();
    expect(browserKey.privateKey.extractable).toBe(false);
    await expect(encryptKeyFile(browserKey.privateKey, PASS, FAST)).rejects.toThrow();
    const k = await generateSigningKeyPair('ECDSA-P256', { extractable: true });
    await expect(encryptKeyFile(k.privateKey, 'short', FAST)).rejects.toThrow(RangeError);
  });

  test('P-7.3: the secretary signs with the key from the file; openssl verifies the signature', async () => {
    const ca = await createCommissionCa({ commonName: 'Учебный УЦ ТИК', organisation: ORG, validity });
    const { keyFile, publicKey } = await generateMemberKeyFile(PASS, FAST);
    const cert = await issueMemberCertificate(ca, {
      member: { id: 'tik1-03', fullName: 'Секретарёва Юлия Петровна', role: 'secretary' },
      organisation: ORG,
      publicKey,
      validity,
    });
    const opened = await openKeyFile(keyFile.pem, PASS);
    if (!opened.ok) throw new Error(opened.code);
    const doc = new TextEncoder().encode('Реестр исключённых участников, УИК № 1\nИванов И. И.\n');
    const sig = await signDetached({
      content: doc,
      signer: { certificate: cert.pem, privateKey: opened.privateKey },
      signingTime: new Date(),
    });
    const r = await verifyDetached({ content: doc, signature: sig.pem, trustedRoots: [ca.certificate.pem] });
    expect(r.ok && r.signer.memberId).toBe('tik1-03');
    const o = fs.cmsVerify(
      fs.write('reg.der', sig.der),
      fs.write('reg.txt', doc),
      fs.write('tik-root.pem', ca.certificate.pem),
    );
    expect(o.status).toBe(0);
  });
});
