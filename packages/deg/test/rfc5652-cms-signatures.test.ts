// RFC 5652 detached CMS signatures of the commission's documents with certificates of the training
// commission CA (RFC 5280), checked by our verifier and by `openssl cms -verify` both ways:
// P-3.1 (data centre signs the list bundle), P-3.6/P-7.3 (chairman and secretary sign a list),
// P-7.9 (every present member signs the protocol).
import { beforeAll, describe, expect, test } from 'vitest';
import {
  certificateValidity,
  createCommissionCa,
  generateSigningKeyPair,
  importCertificate,
  issueDataCentreCertificate,
  issueMemberCertificate,
  signDetached,
  verifyAllSigners,
  verifyDetached,
} from '../src/signatures/index.ts';
import type {
  CommissionCa,
  IssuedCertificate,
  MemberSubject,
  Signer,
  Validity,
} from '../src/signatures/index.ts';
import { presidentialConfig } from './fixture.ts';
import { Scratch, requireOpenssl } from './openssl-helper.ts';

const DAY = 86_400_000;
const now = Date.now();
const VALID: Validity = { notBefore: new Date(now - 60 * DAY), notAfter: new Date(now + 365 * DAY) };
const EXPIRED: Validity = { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) };
const ORG = 'Центральная избирательная комиссия Российской Федерации';

const LIST = new TextEncoder().encode(
  'Фамилия;Имя;Отчество;Дата рождения;Адрес;Телефон\n' +
    'Абрамова;Алёна;Игоревна;1990-04-12;г. Тверь, ул. Советская, д. 1, кв. 2;+79000000001\n' +
    'Щукин;Эдуард;Юрьевич;1975-11-30;г. Тверь, пр-т Ленина, д. 7;+79000000002\n',
);

const MEMBERS: readonly MemberSubject[] = [
  { id: 'cec-01', fullName: 'Председателева Анна Петровна', role: 'chairman' },
  { id: 'cec-02', fullName: 'Заместителев Борис Иванович', role: 'deputy' },
  { id: 'cec-03', fullName: 'Секретарёва Вера Сергеевна', role: 'secretary' },
  { id: 'cec_04', fullName: 'Гришина Ёлка Олеговна', role: 'member' },
];

async function enrol(
  ca: CommissionCa,
  member: MemberSubject,
  validity = VALID,
): Promise<Signer & IssuedCertificate> {
  // The key is made non-extractable, as in the member's browser; the CA sees only the public key.
  const keys = await generateSigningKeyPair('ECDSA-P256');
  const cert = await issueMemberCertificate(ca, {
    member,
    organisation: ORG,
    publicKey: keys.publicKey,
    validity,
  });
  return { ...cert, certificate: cert.der, privateKey: keys.privateKey };
}

const at = (s: string): Date => new Date(s);

describe('RFC 5652 detached CMS signatures with the commission CA', () => {
  const fs = new Scratch();
  let ca: CommissionCa;
  let otherCa: CommissionCa;
  const signers = new Map<string, Signer & IssuedCertificate>();
  let rootFile: string;
  let docFile: string;

  beforeAll(async () => {
    requireOpenssl();
    ca = await createCommissionCa({
      commonName: 'Учебный УЦ ЦИК России',
      organisation: ORG,
      validity: VALID,
    });
    otherCa = await createCommissionCa({
      commonName: 'Посторонний УЦ',
      organisation: 'ООО «Ромашка»',
      validity: VALID,
    });
    for (const m of MEMBERS) signers.set(m.id, await enrol(ca, m));
    rootFile = fs.write('root.pem', ca.certificate.pem);
    docFile = fs.write('list.csv', LIST);
  });

  const signer = (id: string): Signer & IssuedCertificate => signers.get(id)!;

  test('openssl is installed: a prerequisite of this suite, so its absence fails rather than skips', () => {
    expect(requireOpenssl()).toMatch(/^OpenSSL 3\./);
  });

  test('the CA and member certificates are what openssl reads: Russian subject, usages, chain', () => {
    const member = fs.write('chairman.pem', signer('cec-01').pem);
    const text = fs.openssl(['x509', '-in', member, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('CN=Председателева Анна Петровна');
    expect(text.stdout).toContain('title=Председатель комиссии');
    expect(text.stdout).toContain('UID=cec-01');
    expect(text.stdout).toContain('O=Центральная избирательная комиссия Российской Федерации');
    expect(text.stdout).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(text.stdout).toContain('E-mail Protection');
    expect(text.stdout).toContain('ecdsa-with-SHA256');
    const chain = fs.openssl(['verify', '-CAfile', rootFile, '-purpose', 'smimesign', member]);
    expect(chain.stdout + chain.stderr).toContain('OK');
    expect(chain.status).toBe(0);
    const root = fs.openssl(['x509', '-in', rootFile, '-noout', '-text']);
    expect(root.stdout).toMatch(/CA:TRUE/);
    expect(root.stdout).toMatch(/Certificate Sign, CRL Sign/);
  });

  test('P-7.3: chairman and secretary sign a participant list; openssl cms -verify accepts each signature', async () => {
    for (const id of ['cec-01', 'cec-03']) {
      const sig = await signDetached({ content: LIST, signer: signer(id), signingTime: new Date() });
      const sigFile = fs.write(`list.${id}.der`, sig.der);
      // -purpose any: no purpose check; then openssl's default S/MIME signing purpose, which our EKU meets.
      const anyPurpose = fs.cmsVerify(sigFile, docFile, rootFile, ['-purpose', 'any']);
      expect(anyPurpose.stderr).toContain('Verification successful');
      expect(anyPurpose.status).toBe(0);
      expect(fs.cmsVerify(sigFile, docFile, rootFile).status).toBe(0);
      // The PEM form is what `openssl cms -outform PEM` writes.
      const pemFile = fs.write(`list.${id}.pem`, sig.pem);
      const pem = fs.openssl([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'PEM',
        '-in',
        pemFile,
        '-content',
        docFile,
        '-CAfile',
        rootFile,
        '-out',
        fs.path('o'),
      ]);
      expect(pem.status).toBe(0);
      // The structure is the profile: detached id-data, signed attributes, signer by issuer and serial.
      const dump = fs.openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sigFile]);
      expect(dump.stdout).toContain('eContent: <ABSENT>');
      expect(dump.stdout).toContain('contentType');
      expect(dump.stdout).toContain('messageDigest');
      expect(dump.stdout).toContain('signingTime');
      expect(dump.stdout).toContain('issuerAndSerialNumber');
    }
  });

  test('P-7.3: our verifier names each signer, role and signing time; the set lacks nobody', async () => {
    const t = new Date(Math.floor(Date.now() / 1000) * 1000);
    const sigs = [
      await signDetached({ content: LIST, signer: signer('cec-01'), signingTime: t }),
      await signDetached({ content: LIST, signer: signer('cec-03'), signingTime: t }),
    ];
    const one = await verifyDetached({
      content: LIST,
      signature: sigs[0]!.der,
      trustedRoots: [ca.certificate.pem],
    });
    expect(one.ok).toBe(true);
    if (!one.ok) return;
    expect(one.signer.memberId).toBe('cec-01');
    expect(one.signer.role).toBe('chairman');
    expect(one.signer.fullName).toBe('Председателева Анна Петровна');
    expect(one.signer.subject).toContain('CN=Председателева Анна Петровна');
    expect(one.signingTime).toEqual(t);

    const all = await verifyAllSigners({
      content: LIST,
      signatures: sigs.map((s) => s.pem),
      trustedRoots: [ca.certificate.der],
      required: { roles: ['chairman', 'secretary'] },
    });
    expect(all.ok).toBe(true);
    expect(all.signers.map((s) => [s.identity.memberId, s.identity.role])).toEqual([
      ['cec-01', 'chairman'],
      ['cec-03', 'secretary'],
    ]);

    const chairmanOnly = await verifyAllSigners({
      content: LIST,
      signatures: [sigs[0]!.der, sigs[0]!.der],
      trustedRoots: [ca.certificate.der],
      required: { roles: ['chairman', 'secretary'] },
    });
    expect(chairmanOnly.ok).toBe(false);
    expect(chairmanOnly.signers).toHaveLength(1);
    expect(chairmanOnly.missingRoles).toEqual(['secretary']);
  });

  test('P-7.9: every present member signs the protocol; an absent member and a bad signature are reported', async () => {
    const protocol = new TextEncoder().encode(
      'Протокол № 1 об итогах голосования\n(1) 1000\n(2) 900\n(3) 890\n',
    );
    const present = ['cec-01', 'cec-02', 'cec-03'];
    const sigs = await Promise.all(
      present.map((id) => signDetached({ content: protocol, signer: signer(id), signingTime: new Date() })),
    );
    const everyone = MEMBERS.map((m) => m.id);
    const full = await verifyAllSigners({
      content: protocol,
      signatures: sigs.map((s) => s.der),
      trustedRoots: [ca.certificate.pem],
      required: { memberIds: present },
    });
    expect(full.ok).toBe(true);
    expect(full.signers.map((s) => s.identity.memberId)).toEqual(present);

    const stray = await signDetached({ content: LIST, signer: signer('cec_04'), signingTime: new Date() });
    const report = await verifyAllSigners({
      content: protocol,
      signatures: [...sigs.map((s) => s.der), stray.der],
      trustedRoots: [ca.certificate.pem],
      required: { memberIds: everyone },
    });
    expect(report.ok).toBe(false);
    expect(report.missingMembers).toEqual(['cec_04']);
    expect(report.failures.map((f) => [f.index, f.code, f.claimedSigner?.memberId])).toEqual([
      [3, 'CMS_DIGEST_MISMATCH', 'cec_04'],
    ]);
    for (const [i, s] of sigs.entries())
      expect(
        fs.cmsVerify(fs.write(`protocol.${i}.der`, s.der), fs.write('protocol.txt', protocol), rootFile)
          .status,
      ).toBe(0);
  });

  test('P-3.1: the data centre signs the list bundle with its own certificate', async () => {
    const keys = await generateSigningKeyPair();
    const cert = await issueDataCentreCertificate(ca, {
      id: 'fcod',
      name: 'Федеральный центр обработки данных',
      organisation: 'ПАО «Ростелеком»',
      publicKey: keys.publicKey,
      validity: VALID,
    });
    const bundle = new Uint8Array([
      ...LIST,
      ...new TextEncoder().encode('\n--ballot--\nКандидаты: А, Б, В\n'),
    ]);
    const sig = await signDetached({
      content: bundle,
      signer: { certificate: cert.pem, privateKey: keys.privateKey },
      signingTime: new Date(),
    });
    const r = await verifyDetached({
      content: bundle,
      signature: sig.der,
      trustedRoots: [ca.certificate.pem],
    });
    expect(r.ok && [r.signer.role, r.signer.memberId, r.signer.organisation]).toEqual([
      'data-centre',
      'fcod',
      'ПАО «Ростелеком»',
    ]);
    expect(
      fs.cmsVerify(fs.write('bundle.der', sig.der), fs.write('bundle.bin', bundle), rootFile).status,
    ).toBe(0);
  });

  test('a one-byte change in the document: openssl fails and our verifier says CMS_DIGEST_MISMATCH', async () => {
    const sig = await signDetached({ content: LIST, signer: signer('cec-03'), signingTime: new Date() });
    const changed = LIST.slice();
    changed[60] = (changed[60]! ^ 0x01) & 0xff;
    const r = await verifyDetached({
      content: changed,
      signature: sig.der,
      trustedRoots: [ca.certificate.pem],
    });
    expect(r.ok ? 'ok' : r.code).toBe('CMS_DIGEST_MISMATCH');
    if (!r.ok) expect(r.message.ru).toMatch(/изменён/);
    const o = fs.cmsVerify(fs.write('t.der', sig.der), fs.write('changed.csv', changed), rootFile, [
      '-purpose',
      'any',
    ]);
    expect(o.status).not.toBe(0);
    // openssl 3.0 reports the content (digest) step; newer releases say "digest failure".
    expect(o.stderr).toMatch(/verify_content|digest failure/i);
  });

  test('a certificate from another CA: CMS_UNTRUSTED_SIGNER, and openssl fails', async () => {
    const stranger = await enrol(otherCa, {
      id: 'cec-01',
      fullName: 'Председателева Анна Петровна',
      role: 'chairman',
    });
    const sig = await signDetached({ content: LIST, signer: stranger, signingTime: new Date() });
    const r = await verifyDetached({ content: LIST, signature: sig.der, trustedRoots: [ca.certificate.pem] });
    expect(r.ok ? 'ok' : r.code).toBe('CMS_UNTRUSTED_SIGNER');
    const o = fs.cmsVerify(fs.write('stranger.der', sig.der), docFile, rootFile, ['-purpose', 'any']);
    expect(o.status).not.toBe(0);
    expect(o.stderr).toMatch(/certificate verify error|unable to get local issuer/i);
    // A self-signed signer certificate is not its own root either.
    const self = await createCommissionCa({ commonName: 'Сам себе УЦ', organisation: ORG, validity: VALID });
    const own = await signDetached({
      content: LIST,
      signer: { certificate: self.certificate.der, privateKey: self.privateKey },
      signingTime: new Date(),
    });
    const s = await verifyDetached({ content: LIST, signature: own.der, trustedRoots: [ca.certificate.pem] });
    expect(s.ok ? 'ok' : s.code).toBe('CMS_UNTRUSTED_SIGNER');
  });

  test('an expired certificate: CMS_CERT_EXPIRED now, valid at a logged time inside its validity; openssl fails', async () => {
    const old = await enrol(ca, { id: 'cec-05', fullName: 'Старый Член Комиссии', role: 'member' }, EXPIRED);
    const sig = await signDetached({ content: LIST, signer: old, signingTime: new Date(now - 10 * DAY) });
    const r = await verifyDetached({ content: LIST, signature: sig.der, trustedRoots: [ca.certificate.pem] });
    expect(r.ok ? 'ok' : r.code).toBe('CMS_CERT_EXPIRED');
    const before = await verifyDetached({
      content: LIST,
      signature: sig.der,
      trustedRoots: [ca.certificate.pem],
      at: new Date(now - 40 * DAY),
    });
    expect(before.ok ? 'ok' : before.code).toBe('CMS_CERT_NOT_YET_VALID');
    const logged = await verifyDetached({
      content: LIST,
      signature: sig.der,
      trustedRoots: [ca.certificate.pem],
      at: new Date(now - 10 * DAY),
    });
    expect(logged.ok).toBe(true);
    const o = fs.cmsVerify(fs.write('expired.der', sig.der), docFile, rootFile, ['-purpose', 'any']);
    expect(o.status).not.toBe(0);
    expect(o.stderr).toMatch(/expired/i);
  });

  test('a key that does not match the certificate: CMS_SIGNATURE_INVALID', async () => {
    const wrong = await generateSigningKeyPair();
    const sig = await signDetached({
      content: LIST,
      signer: { certificate: signer('cec-01').der, privateKey: wrong.privateKey },
      signingTime: new Date(),
    });
    const r = await verifyDetached({ content: LIST, signature: sig.der, trustedRoots: [ca.certificate.pem] });
    expect(r.ok ? 'ok' : r.code).toBe('CMS_SIGNATURE_INVALID');
    expect(
      fs.cmsVerify(fs.write('wrongkey.der', sig.der), docFile, rootFile, ['-purpose', 'any']).status,
    ).not.toBe(0);
  });

  test('inputs that must be rejected as CMS_MALFORMED', async () => {
    const good = (await signDetached({ content: LIST, signer: signer('cec-01'), signingTime: new Date() }))
      .der;
    const bad: (Uint8Array | string)[] = [
      new Uint8Array(0),
      new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
      good.slice(0, good.length - 1),
      new Uint8Array([...good, 0x00]),
      ca.certificate.der,
      '-----BEGIN CMS-----\n@@@@\n-----END CMS-----\n',
      ca.certificate.pem,
    ];
    for (const signature of bad) {
      const r = await verifyDetached({ content: LIST, signature, trustedRoots: [ca.certificate.pem] });
      expect(r.ok ? 'ok' : r.code).toBe('CMS_MALFORMED');
    }
  });

  test('RSA-PSS 2048 as the alternative algorithm: openssl and our verifier accept it', async () => {
    const rsaCa = await createCommissionCa({
      commonName: 'Учебный УЦ (RSA)',
      organisation: ORG,
      validity: VALID,
      algorithm: 'RSA-PSS-2048',
    });
    const keys = await generateSigningKeyPair('RSA-PSS-2048');
    const cert = await issueMemberCertificate(rsaCa, {
      member: MEMBERS[2]!,
      organisation: ORG,
      publicKey: keys.publicKey,
      validity: VALID,
    });
    const sig = await signDetached({
      content: LIST,
      signer: { certificate: cert.der, privateKey: keys.privateKey },
      signingTime: new Date(),
    });
    const r = await verifyDetached({
      content: LIST,
      signature: sig.der,
      trustedRoots: [rsaCa.certificate.pem],
    });
    expect(r.ok && r.signer.role).toBe('secretary');
    const o = fs.cmsVerify(
      fs.write('rsa.der', sig.der),
      docFile,
      fs.write('rsa-root.pem', rsaCa.certificate.pem),
    );
    expect(o.status).toBe(0);
  });

  describe('certificates and signatures made by openssl', () => {
    beforeAll(() => {
      const run = (args: string[]): void => {
        const r = fs.openssl(args);
        if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
      };
      // A real CA's root (req -x509) and a member certificate it issues, with Russian names.
      run([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'ossl-root.key',
        '-out',
        'ossl-root.pem',
        '-days',
        '30',
        '-utf8',
        '-subj',
        '/C=RU/O=АО «Настоящий УЦ»/CN=Корневой сертификат',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ]);
      run([
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'ossl-member.key',
        '-out',
        'ossl-member.csr',
        '-utf8',
        '-subj',
        `/C=RU/O=${ORG}/title=Секретарь комиссии/CN=Секретарёва Вера Сергеевна/UID=cec-03`,
      ]);
      fs.write(
        'ext.cnf',
        'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n',
      );
      run([
        'x509',
        '-req',
        '-in',
        'ossl-member.csr',
        '-CA',
        'ossl-root.pem',
        '-CAkey',
        'ossl-root.key',
        '-CAcreateserial',
        '-days',
        '30',
        '-extfile',
        'ext.cnf',
        '-out',
        'ossl-member.pem',
      ]);
      run([
        'cms',
        '-sign',
        '-binary',
        '-in',
        'list.csv',
        '-signer',
        'ossl-member.pem',
        '-inkey',
        'ossl-member.key',
        '-outform',
        'DER',
        '-out',
        'ossl.der',
      ]);
      run([
        'cms',
        '-sign',
        '-binary',
        '-nodetach',
        '-in',
        'list.csv',
        '-signer',
        'ossl-member.pem',
        '-inkey',
        'ossl-member.key',
        '-outform',
        'DER',
        '-out',
        'ossl-attached.der',
      ]);
    });

    test('an openssl cms -sign signature is accepted by our verifier, with the signer read from the certificate', async () => {
      const r = await verifyDetached({
        content: LIST,
        signature: fs.read('ossl.der'),
        trustedRoots: [fs.readText('ossl-root.pem')],
      });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect([r.signer.memberId, r.signer.role, r.signer.fullName]).toEqual([
        'cec-03',
        'secretary',
        'Секретарёва Вера Сергеевна',
      ]);
      expect(Math.abs(r.signingTime.getTime() - Date.now())).toBeLessThan(5 * 60_000);
      const changed = new Uint8Array([...LIST, 0x0a]);
      const t = await verifyDetached({
        content: changed,
        signature: fs.read('ossl.der'),
        trustedRoots: [fs.readText('ossl-root.pem')],
      });
      expect(t.ok ? 'ok' : t.code).toBe('CMS_DIGEST_MISMATCH');
      const u = await verifyDetached({
        content: LIST,
        signature: fs.read('ossl.der'),
        trustedRoots: [ca.certificate.pem],
      });
      expect(u.ok ? 'ok' : u.code).toBe('CMS_UNTRUSTED_SIGNER');
    });

    test('a signature that carries the document is refused as CMS_NOT_DETACHED', async () => {
      const r = await verifyDetached({
        content: LIST,
        signature: fs.read('ossl-attached.der'),
        trustedRoots: [fs.readText('ossl-root.pem')],
      });
      expect(r.ok ? 'ok' : r.code).toBe('CMS_NOT_DETACHED');
    });

    test('a real certificate is imported with a chain check against the configured root', async () => {
      const pem = fs.readText('ossl-member.pem');
      const ok = await importCertificate(pem, {
        trustedRoots: [fs.readText('ossl-root.pem')],
        at: new Date(),
      });
      expect(ok.ok && [ok.identity.memberId, ok.identity.role, ok.identity.fingerprint.length]).toEqual([
        'cec-03',
        'secretary',
        64,
      ]);
      const untrusted = await importCertificate(pem, { trustedRoots: [ca.certificate.pem], at: new Date() });
      expect(untrusted.ok ? 'ok' : untrusted.code).toBe('CERT_UNTRUSTED');
      const late = await importCertificate(pem, {
        trustedRoots: [fs.readText('ossl-root.pem')],
        at: at('2100-01-01T00:00:00Z'),
      });
      expect(late.ok ? 'ok' : late.code).toBe('CERT_EXPIRED');
      const garbage = await importCertificate(new Uint8Array([1, 2, 3]), {
        trustedRoots: [ca.certificate.pem],
        at: new Date(),
      });
      expect(garbage.ok ? 'ok' : garbage.code).toBe('CERT_MALFORMED');
      // A CA certificate cannot sign documents.
      const root = await importCertificate(fs.readText('ossl-root.pem'), {
        trustedRoots: [fs.readText('ossl-root.pem')],
        at: new Date(),
      });
      expect(root.ok ? 'ok' : root.code).toBe('CERT_KEY_USAGE');
    });

    test('our signature with a key and certificate from openssl verifies in openssl', async () => {
      // The openssl-made PKCS#8 (unencrypted here) imported as a non-extractable key, as in the browser.
      const { importNonExtractable } = await import('../src/signatures/index.ts');
      const pkcs8 = fs.openssl([
        'pkcs8',
        '-topk8',
        '-nocrypt',
        '-in',
        fs.path('ossl-member.key'),
        '-outform',
        'DER',
        '-out',
        fs.path('ossl-member.p8'),
      ]);
      expect(pkcs8.status).toBe(0);
      const key = await importNonExtractable(fs.read('ossl-member.p8'));
      expect(key?.extractable).toBe(false);
      const sig = await signDetached({
        content: LIST,
        signer: { certificate: fs.readText('ossl-member.pem'), privateKey: key! },
        signingTime: new Date(),
      });
      expect(
        fs.cmsVerify(fs.write('ours-with-ossl.der', sig.der), docFile, fs.path('ossl-root.pem')).status,
      ).toBe(0);
    });
  });

  test('certificate validity comes from the configuration: issue time to the last voting day plus retention', () => {
    const config = presidentialConfig();
    const issued = new Date('2024-02-01T09:00:00Z');
    const v = certificateValidity(config, issued, 30);
    expect(v.notBefore).toEqual(new Date('2024-02-01T08:55:00Z'));
    // 2024-03-17 23:59 Moscow time is 20:59 UTC; plus 30 days.
    expect(v.notAfter).toEqual(new Date('2024-04-16T20:59:00Z'));
    expect(() => certificateValidity(config, new Date('2025-06-01T00:00:00Z'), 30)).toThrow(RangeError);
  });
});
