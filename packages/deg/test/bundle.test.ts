// The list and ballot data bundle (P-3.1, P-3.2, P-4.2): made and signed by the data centre, written
// once, checked by the commission file by file, and independently by openssl and sha256sum.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeBundle, MANIFEST_NAME, SIGNATURE_NAME, verifyBundle } from '../src/bundle.ts';
import type { Bundle } from '../src/bundle.ts';
import { BundleIoError, readBundleDirectory, writeBundleDirectory } from '../src/bundle-node.ts';
import { encodeListCsv, parseListCsv } from '../src/list-data.ts';
import type { Participant } from '../src/participant-lists.ts';
import {
  createCommissionCa,
  generateSigningKeyPair,
  issueDataCentreCertificate,
  issueMemberCertificate,
} from '../src/signatures/index.ts';
import type { CommissionCa, Signer } from '../src/signatures/index.ts';
import { requireOpenssl } from './openssl-helper.ts';

const DAY = 86_400_000;
const VALID = { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 365 * DAY) };
const ORG = 'Учебная комиссия';
const enc = new TextEncoder();

const participants: Participant[] = [
  {
    id: 'p1',
    lastName: 'Ёлкина',
    firstName: 'Вера',
    middleName: 'Павловна',
    birthDate: '1980-01-02',
    address: 'г. Новосибирск, Красный пр-т, д. 1, кв. "5", подъезд 2',
    phone: '+7 (913) 000-00-01',
    passport: { series: '50 12', number: '345671' },
    precinct: '1',
  },
  {
    id: 'p2',
    lastName: 'Абрамов',
    firstName: 'Олег',
    birthDate: '1990-03-04',
    address: 'г. Новосибирск,\nул. Ленина, д. 2',
    phone: '+7 (913) 000-00-02',
    passport: { series: '50 13', number: '345672' },
    precinct: '2',
  },
];

describe('the list and ballot data bundle', () => {
  let ca: CommissionCa;
  let dataCentre: Signer;
  let member: Signer;
  let bundle: Bundle;
  const dirs: string[] = [];
  const scratch = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'opendeg-bundle-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    requireOpenssl();
    ca = await createCommissionCa({ commonName: 'Учебный УЦ', organisation: ORG, validity: VALID });
    const dk = await generateSigningKeyPair('ECDSA-P256');
    const dc = await issueDataCentreCertificate(ca, {
      id: 'fci',
      name: 'Центр обработки данных',
      organisation: ORG,
      publicKey: dk.publicKey,
      validity: VALID,
    });
    dataCentre = { certificate: dc.der, privateKey: dk.privateKey };
    const mk = await generateSigningKeyPair('ECDSA-P256');
    const mc = await issueMemberCertificate(ca, {
      member: { id: 'm01', fullName: 'Председателева Анна Петровна', role: 'chairman' },
      organisation: ORG,
      publicKey: mk.publicKey,
      validity: VALID,
    });
    member = { certificate: mc.der, privateKey: mk.privateKey };
    bundle = await makeBundle({
      electionId: 'president-2024',
      kind: 'list-and-ballot-data',
      createdAt: new Date(),
      files: new Map([
        ['lists/54.csv', enc.encode(encodeListCsv(participants))],
        ['ballot/source.json', enc.encode('{"version":1}')],
      ]),
      signer: dataCentre,
    });
  });

  afterAll(() => {
    for (const d of dirs) {
      spawnSync('chmod', ['-R', 'u+w', d]);
      rmSync(d, { recursive: true, force: true });
    }
  });

  const verify = (files: ReadonlyMap<string, Uint8Array>, electionId = 'president-2024') =>
    verifyBundle({ files, electionId, trustedRoots: [ca.certificate.der], at: new Date() });

  test('list data round-trips through CSV, quotes and line breaks included', () => {
    expect(parseListCsv(encodeListCsv(participants))).toEqual(participants);
    expect(() => parseListCsv('id,last_name\r\n1,x\r\n')).toThrow(/header/);
    expect(() => parseListCsv(encodeListCsv(participants).replace('1980-01-02', '02.01.1980'))).toThrow(
      /line 2/,
    );
  });

  test('P-3.1 P-3.2 the data centre’s bundle verifies; its hash is the manifest’s SHA-256', async () => {
    const r = await verify(bundle.files);
    expect(r).toMatchObject({ ok: true, signer: { role: 'data-centre' } });
    if (r.ok) expect(r.bundle.hash).toBe(bundle.hash);
    expect(bundle.manifest.files.map((f) => f.name)).toEqual(['ballot/source.json', 'lists/54.csv']);
  });

  test('P-3.1 written once, read-only; openssl and sha256sum check the same medium', async () => {
    const root = scratch();
    const dir = path.join(root, 'medium');
    await writeBundleDirectory(dir, bundle);
    await expect(writeBundleDirectory(dir, bundle)).rejects.toBeInstanceOf(BundleIoError);
    expect(statSync(path.join(dir, 'lists/54.csv')).mode & 0o777).toBe(0o444);
    expect(statSync(dir).mode & 0o777).toBe(0o555);
    const back = await readBundleDirectory(dir);
    expect(await verify(back)).toMatchObject({ ok: true });

    const rootPem = path.join(root, 'root.pem');
    writeFileSync(rootPem, ca.certificate.pem);
    const cms = spawnSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        path.join(dir, SIGNATURE_NAME),
        '-content',
        path.join(dir, MANIFEST_NAME),
        '-CAfile',
        rootPem,
        '-out',
        '/dev/null',
      ],
      { encoding: 'utf8' },
    );
    expect(cms.status, cms.stderr).toBe(0);
    const sums = bundle.manifest.files.map((f) => `${f.sha256}  ${f.name}`).join('\n') + '\n';
    const check = spawnSync('sha256sum', ['--check', '--strict', '-'], {
      cwd: dir,
      input: sums,
      encoding: 'utf8',
    });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  test('P-3.2 a changed, missing or extra file is named; an edited manifest breaks the signature', async () => {
    const changed = new Map(bundle.files);
    changed.set('lists/54.csv', enc.encode(encodeListCsv(participants.slice(1))));
    expect(await verify(changed)).toMatchObject({
      ok: false,
      code: 'BUNDLE_FILE_MISMATCH',
      detail: 'lists/54.csv',
    });
    const missing = new Map(bundle.files);
    missing.delete('ballot/source.json');
    expect(await verify(missing)).toMatchObject({
      ok: false,
      code: 'BUNDLE_FILE_MISSING',
      detail: 'ballot/source.json',
    });
    const extra = new Map(bundle.files);
    extra.set('lists/99.csv', enc.encode('x'));
    expect(await verify(extra)).toMatchObject({
      ok: false,
      code: 'BUNDLE_EXTRA_FILE',
      detail: 'lists/99.csv',
    });
    const edited = new Map(bundle.files);
    const m = new TextDecoder().decode(bundle.files.get(MANIFEST_NAME));
    edited.set(MANIFEST_NAME, enc.encode(m.replace('president-2024', 'president-2030')));
    expect(await verify(edited)).toMatchObject({
      ok: false,
      code: 'BUNDLE_SIGNATURE',
      detail: 'CMS_DIGEST_MISMATCH',
    });
    const noSig = new Map(bundle.files);
    noSig.delete(SIGNATURE_NAME);
    expect(await verify(noSig)).toMatchObject({ ok: false, code: 'BUNDLE_MALFORMED' });
  });

  test('P-3.1 only the data centre’s signature is accepted; a bundle of another election is refused', async () => {
    const byMember = await makeBundle({
      electionId: 'president-2024',
      kind: 'list-and-ballot-data',
      createdAt: new Date(),
      files: new Map([['lists/54.csv', enc.encode('x')]]),
      signer: member,
    });
    expect(await verify(byMember.files)).toMatchObject({ ok: false, code: 'BUNDLE_WRONG_SIGNER' });
    expect(await verify(bundle.files, 'other-election')).toMatchObject({
      ok: false,
      code: 'BUNDLE_WRONG_ELECTION',
    });
    const otherCa = await createCommissionCa({ commonName: 'Чужой УЦ', organisation: ORG, validity: VALID });
    const r = await verifyBundle({
      files: bundle.files,
      electionId: 'president-2024',
      trustedRoots: [otherCa.certificate.der],
      at: new Date(),
    });
    expect(r).toMatchObject({ ok: false, code: 'BUNDLE_SIGNATURE', detail: 'CMS_UNTRUSTED_SIGNER' });
  });

  test('file names stay inside the medium', async () => {
    await expect(
      makeBundle({
        electionId: 'e',
        kind: 'k',
        createdAt: new Date(),
        files: new Map([['../x', enc.encode('')]]),
        signer: dataCentre,
      }),
    ).rejects.toThrow(/not allowed/);
  });
});
