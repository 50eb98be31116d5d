// P-5.2–P-5.6 (the key ceremony) and the election manifest through the HTTP API: a real server on
// port 0, real PostgreSQL, the OIDC stand-in, roles assigned by the bootstrapped operator, the
// election's ledger on PostgreSQL, and time from a ManualClock (the training configuration with a
// late key group: the ceremony is due by 18:00 Moscow time on 17 September 2026). Each key part file
// is opened with its holder's passphrase and checked against the public record; nothing secret
// reaches the database, the audit log, the server log or the ledger.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '@opendeg/db/testing';
import {
  assembleKey,
  CryptoError,
  loadGroup,
  openKeyPart,
  verificationKey,
  verifyThresholdPublicKey,
  type SecretShare,
} from '@opendeg/crypto';
import { ManualClock } from '@opendeg/deg';
import {
  decodeKeyGroup,
  keyCeremonyContext,
  manifestHash,
  openElection,
  parseManifest,
} from '@opendeg/election';
import { decodeEntry } from '@opendeg/ledger';
import type { LoadedElection } from '../src/applications/deps.ts';
import { storeElection } from '../src/elections/load-election.ts';
import { generateRegister, type RegisterAccount } from '../src/identity/register.ts';
import type { CeremonyView } from '../src/keys/ceremony-routes.ts';
import { refusal, Sessions, startServer, type Server } from './harness.ts';
import {
  BALLOT_SOURCE,
  issuerKeyPairs,
  keysConfig,
  keysDeps,
  openTestLedger,
  type TestLedger,
} from './keys-fixture.ts';

const db = useTestDatabase();
const config = keysConfig('keys-test');
const START = '2026-09-10T09:00:00Z';
const clock = new ManualClock(START);
const register = generateRegister({ seed: 77, count: 12, referenceDate: new Date('2026-09-20T00:00:00Z') });
const [operator, chairman, secretary, member, observer, cec] = register as [
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
  RegisterAccount,
];

let server: Server;
let election: LoadedElection;
let log: TestLedger;
const sessions = new Sessions(() => server.baseUrl, [operator, chairman, secretary, member, observer, cec]);
const { call, logInAll } = sessions;
const HOLDERS = ['chair', 'member-1', 'holder-3'];
const PASSPHRASES = ['корова-лампа-вторник-77', 'Sunflower-orbit-1919', 'третий держатель ключа'];
const passphrases = HOLDERS.map((holder, i) => ({ holder, passphrase: PASSPHRASES[i] ?? '' }));
/** What must never be kept or written: each part (hex), each file's ciphertext line. */
const secrets: string[] = [];

interface HoldResult {
  ceremony: CeremonyView;
  files: { partIndex: number; holder: string; fileName: string; content: string; sha256: string }[];
}

const present = (at = '2026-09-10T08:30:00Z') => [
  { kind: 'commission-member' as const, memberId: 'chair', arrivedAt: at },
  { kind: 'commission-member' as const, memberId: 'member-1', arrivedAt: at },
  {
    kind: 'media' as const,
    fullName: 'Корреспондентова Анна Львовна',
    organisation: 'Газета «Вестник»',
    arrivedAt: at,
  },
  {
    kind: 'commission-observer' as const,
    fullName: 'Наблюдателев Олег Петрович',
    arrivedAt: at,
    leftAt: '2026-09-10T08:50:00Z',
  },
];
const hold = (body: object, who = chairman) => call<HoldResult>(who, 'POST', '/api/keys/ceremonies', body);
const mainBody = { keyGroup: 'main', mode: 'dealer', attendance: present(), passphrases };

/** Opens every file with its holder's passphrase: the parts, checked against the ceremony's record. */
async function openParts(r: HoldResult, keyGroup: string): Promise<SecretShare[]> {
  const g = await loadGroup(config.suite, 'noble');
  const shares: SecretShare[] = [];
  for (const f of r.files) {
    const opened = await openKeyPart(f.content, PASSPHRASES[HOLDERS.indexOf(f.holder)] ?? '', {
      electionId: config.electionId,
      keyGroup,
    });
    expect(opened.metadata).toMatchObject({ partIndex: f.partIndex, n: 3, k: 2, holder: f.holder, keyGroup });
    const share = { index: f.partIndex, secret: g.decodeScalar(opened.secret) };
    secrets.push(Buffer.from(opened.secret).toString('hex'), Buffer.from(opened.secret).toString('base64'));
    secrets.push(f.content.split('\n')[3] ?? f.content);
    const vk = r.ceremony.parts.find((p) => p.partIndex === f.partIndex)?.verificationKey;
    expect(Buffer.from(g.encodeElement(g.multiplyBase(share.secret))).toString('hex')).toBe(vk);
    shares.push(share);
  }
  return shares;
}

const issuers = await issuerKeyPairs(config);

beforeAll(async () => {
  election = await storeElection(db.pool, config, clock.now());
  log = await openTestLedger(db.newPool(), config.electionId);
  server = await startServer({
    clock,
    register,
    db: { pool: db.pool },
    roles: { election, bootstrapOperatorSub: operator.id },
    keys: keysDeps(log.ledger, issuers),
  });
  await logInAll();
  const roles: [RegisterAccount, Record<string, string>][] = [
    [chairman, { role: 'chairman', memberId: 'chair' }],
    [secretary, { role: 'secretary', memberId: 'secretary' }],
    [member, { role: 'member', memberId: 'member-1' }],
    [observer, { role: 'commission-observer' }],
    [cec, { role: 'cec-member' }],
  ];
  for (const [a, role] of roles) {
    const r = await call(operator, 'POST', '/api/admin/roles', { subject: a.id, ...role });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
}, 120_000);
afterAll(async () => {
  await server.close();
  await log.ledger.close();
});

describe('P-5 the key ceremony', () => {
  test('P-5.4 no ceremony before the commission has decided the key parts and their holders', async () => {
    expect(refusal(await hold(mainBody))).toBe('409 KEY_CEREMONY_NO_DECISION');
    const decided = await call(chairman, 'POST', '/api/commission/key-parts', {
      meeting: 2,
      n: 3,
      k: 2,
      holders: HOLDERS,
      votes: { for: 9, against: 0 },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(201);
  });

  test('P-5.5 only the chairman or the secretary holds it; members, CEC members and observers do not', async () => {
    for (const who of [member, cec, observer, operator])
      expect(refusal(await hold(mainBody, who))).toBe('403 FORBIDDEN');
    expect(refusal(await hold({ ...mainBody, keyGroup: 'nowhere' }))).toBe('404 KEY_GROUP_NOT_FOUND');
  });

  test('P-5.6 a passphrase from each holder the commission named, nobody else; each long and its own', async () => {
    const [a, b, c] = passphrases as [
      (typeof passphrases)[0],
      (typeof passphrases)[0],
      (typeof passphrases)[0],
    ];
    const bad = [
      { p: [a, b], code: '422 KEY_CEREMONY_HOLDERS_MISMATCH' },
      {
        p: [a, b, { holder: 'stranger', passphrase: 'чужой пароль 12345' }],
        code: '422 KEY_CEREMONY_HOLDERS_MISMATCH',
      },
      {
        p: [a, b, c, { holder: 'stranger', passphrase: 'чужой пароль 12345' }],
        code: '422 KEY_CEREMONY_HOLDERS_MISMATCH',
      },
      { p: [a, b, a], code: '422 KEY_CEREMONY_HOLDERS_MISMATCH' },
      { p: [a, b, { holder: 'holder-3', passphrase: 'short' }], code: '422 KEY_CEREMONY_PASSPHRASE_WEAK' },
      {
        p: [a, b, { holder: 'holder-3', passphrase: a.passphrase }],
        code: '422 KEY_CEREMONY_PASSPHRASE_WEAK',
      },
    ];
    for (const { p, code } of bad)
      expect(refusal(await hold({ ...mainBody, passphrases: p })), JSON.stringify(p)).toBe(code);
  });

  test('P-5.5 the attendance record: who may attend, each member once, times that have passed, the opener present', async () => {
    const at = '2026-09-10T08:30:00Z';
    const bad = [
      [{ kind: 'commission-member', memberId: 'nobody', arrivedAt: at }],
      [...present(), { kind: 'commission-member', memberId: 'chair', arrivedAt: at }],
      [{ kind: 'commission-member', memberId: 'chair', fullName: 'Имя', arrivedAt: at }],
      [...present(), { kind: 'media', arrivedAt: at }],
      [...present(), { kind: 'media', fullName: 'Из будущего', arrivedAt: '2026-09-10T10:00:00Z' }],
      [
        ...present(),
        { kind: 'operator', fullName: 'Оператор', arrivedAt: at, leftAt: '2026-09-10T08:00:00Z' },
      ],
      // The chairman opens it but is not in the record.
      [{ kind: 'commission-member', memberId: 'member-1', arrivedAt: at }],
    ];
    for (const attendance of bad)
      expect(refusal(await hold({ ...mainBody, attendance })), JSON.stringify(attendance)).toBe(
        '422 KEY_CEREMONY_ATTENDANCE_INVALID',
      );
    expect(
      refusal(await hold({ ...mainBody, attendance: [{ kind: 'guest', fullName: 'X', arrivedAt: at }] })),
    ).toBe('400 VALIDATION_FAILED');
  });

  test('P-5.2 P-5.5 P-5.6 dealer mode: one file a holder under their passphrase, K parts rebuild the key, the public record in the ledger', async () => {
    const r = await hold(mainBody);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const { ceremony, files } = r.body;
    expect(ceremony).toMatchObject({ keyGroup: 'main', mode: 'dealer', n: 3, k: 2, openedBy: 'chairman' });
    expect(ceremony.commitments).toHaveLength(1);
    expect(ceremony.commitments[0]).toHaveLength(2);
    const iso = (t: string | undefined) => (t === undefined ? {} : { leftAt: new Date(t).toISOString() });
    expect(ceremony.attendance).toEqual(
      present().map(({ leftAt, ...a }) => ({
        ...a,
        arrivedAt: new Date(a.arrivedAt).toISOString(),
        ...iso(leftAt),
      })),
    );
    expect(files.map((f) => [f.partIndex, f.holder])).toEqual([
      [1, 'chair'],
      [2, 'member-1'],
      [3, 'holder-3'],
    ]);
    for (const f of files) {
      expect(f.content.startsWith('OPENDEG KEY PART v1\n')).toBe(true);
      expect(f.sha256).toBe(createHash('sha256').update(f.content).digest('hex'));
      expect(ceremony.parts.find((p) => p.partIndex === f.partIndex)?.fileSha256).toBe(f.sha256);
    }
    // Each file opens with its own holder's passphrase only.
    const other = files[1];
    if (other === undefined) throw new Error('no file');
    await expect(
      openKeyPart(other.content, PASSPHRASES[0] ?? '', { electionId: config.electionId, keyGroup: 'main' }),
    ).rejects.toMatchObject({ code: 'KEYFILE_WRONG_PASSPHRASE' });
    const shares = await openParts(r.body, 'main');
    const g = await loadGroup(config.suite, 'noble');
    const key = decodeKeyGroup(
      g,
      {
        id: 'main',
        threshold: { n: 3, k: 2 },
        publicKey: ceremony.publicKey,
        commitments: ceremony.commitments,
        proofs: ceremony.proofs,
      },
      '$',
    );
    expect(
      verifyThresholdPublicKey(g, keyCeremonyContext(config.electionId, config.suite, 'main'), key),
    ).toEqual({ ok: true });
    // Any K = 2 parts rebuild the key whose public half was published; one part does not.
    for (const pair of [
      [0, 1],
      [1, 2],
      [0, 2],
    ]) {
      const x = assembleKey(
        g,
        key,
        pair.map((i) => shares[i] as SecretShare),
      );
      expect(g.equals(g.multiplyBase(x), key.publicKey)).toBe(true);
    }
    expect(() => assembleKey(g, key, [shares[0] as SecretShare])).toThrow(CryptoError);
    expect(g.equals(verificationKey(g, key, 2), g.multiplyBase((shares[1] as SecretShare).secret))).toBe(
      true,
    );
    // The ledger entry: the public record, no holder and nothing secret.
    const [bytes] = await log.ledger.readEntries(ceremony.ledgerIndex, ceremony.ledgerIndex + 1);
    const entry = decodeEntry(bytes ?? new Uint8Array());
    if (!entry.ok) throw new Error('entry');
    expect(entry.value).toMatchObject({
      type: 'key-ceremony',
      electionId: config.electionId,
      keyGroup: 'main',
      mode: 'dealer',
      threshold: { n: 3, k: 2 },
      publicKey: ceremony.publicKey,
      commitments: ceremony.commitments,
    });
    expect(JSON.stringify(entry.value)).not.toMatch(/chair|member-1|holder-3|Корреспондентова/);
  });

  test('P-5.2 a second ceremony for the same key group is refused', async () => {
    expect(refusal(await hold(mainBody))).toBe('409 KEY_CEREMONY_DONE');
    expect(refusal(await hold({ ...mainBody, mode: 'dealer-free' }, secretary))).toBe(
      '409 KEY_CEREMONY_DONE',
    );
  });

  test('P-5.2 not after the deadline (18:00 Moscow time on the ceremony day)', async () => {
    clock.set('2026-09-17T15:00:01Z');
    try {
      await logInAll();
      const attendance = present('2026-09-17T14:00:00Z');
      expect(refusal(await hold({ ...mainBody, keyGroup: 'kaliningrad', attendance }))).toBe(
        '409 KEY_CEREMONY_AFTER_DEADLINE',
      );
    } finally {
      clock.set(START);
      await logInAll();
    }
  });

  test('the manifest is refused while a key group has no key', async () => {
    expect(refusal(await call(chairman, 'GET', '/api/election/manifest'))).toBe('404 MANIFEST_NOT_FIXED');
    expect(refusal(await call(chairman, 'POST', '/api/election/manifest'))).toBe('409 MANIFEST_KEYS_MISSING');
  });

  test('P-5.2 dealer-free mode (Pedersen, opened by the secretary): n commitment vectors, no dealer ever held the key', async () => {
    const attendance = [
      { kind: 'commission-member' as const, memberId: 'secretary', arrivedAt: '2026-09-10T08:40:00Z' },
      { kind: 'cec-member' as const, fullName: 'Членова Ирина Павловна', arrivedAt: '2026-09-10T08:41:00Z' },
    ];
    const r = await hold(
      { keyGroup: 'kaliningrad', mode: 'dealer-free', attendance, passphrases },
      secretary,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const { ceremony } = r.body;
    expect(ceremony).toMatchObject({ keyGroup: 'kaliningrad', mode: 'dealer-free', openedBy: 'secretary' });
    expect(ceremony.commitments).toHaveLength(3);
    expect(ceremony.proofs).toHaveLength(3);
    const shares = await openParts(r.body, 'kaliningrad');
    const g = await loadGroup(config.suite, 'noble');
    const key = decodeKeyGroup(
      g,
      {
        id: 'kaliningrad',
        threshold: { n: 3, k: 2 },
        publicKey: ceremony.publicKey,
        commitments: ceremony.commitments,
        proofs: ceremony.proofs,
      },
      '$',
    );
    expect(
      verifyThresholdPublicKey(g, keyCeremonyContext(config.electionId, config.suite, 'kaliningrad'), key),
    ).toEqual({
      ok: true,
    });
    expect(g.equals(g.multiplyBase(assembleKey(g, key, shares.slice(1))), key.publicKey)).toBe(true);
    const listed = await call<{ ceremonies: CeremonyView[] }>(cec, 'GET', '/api/keys/ceremonies');
    expect(listed.body.ceremonies.map((c) => c.keyGroup)).toEqual(['kaliningrad', 'main']);
    expect(refusal(await call(observer, 'GET', '/api/keys/ceremonies'))).toBe('403 FORBIDDEN');
  });

  test('the manifest: fixed once by the chairman from the configuration, the keys, the ballot and the issuer keys; public; first of the election after the keys', async () => {
    expect(refusal(await call(secretary, 'POST', '/api/election/manifest'))).toBe('403 FORBIDDEN');
    const fixed = await call<{ sha256: string; ledgerIndex: number; bytes: number }>(
      chairman,
      'POST',
      '/api/election/manifest',
    );
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(201);
    expect(refusal(await call(chairman, 'POST', '/api/election/manifest'))).toBe('409 MANIFEST_FIXED');
    const res = await fetch(`${server.baseUrl}/api/election/manifest`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(createHash('sha256').update(text).digest('hex')).toBe(fixed.body.sha256);
    expect(res.headers.get('x-manifest-sha256')).toBe(fixed.body.sha256);
    const manifest = parseManifest(JSON.parse(text));
    expect(Buffer.from(manifestHash(manifest)).toString('hex')).toBe(fixed.body.sha256);
    await openElection(manifest, { checkKeys: true });
    expect(manifest.regions.map((r) => [r.code, r.timeZone, r.keyGroup, r.issuerKey])).toEqual(
      config.regions.map((r) => [r.code, r.timeZone, r.keyGroup, issuers.get(r.code)?.spki]),
    );
    expect(manifest.ballotStyles[0]?.questions[0]?.options.map((o) => [o.id, o.label.ru])).toEqual(
      BALLOT_SOURCE.candidates.map((c) => [c.id, c.name]),
    );
    const ceremonies = await call<{ ceremonies: CeremonyView[] }>(chairman, 'GET', '/api/keys/ceremonies');
    for (const c of ceremonies.body.ceremonies) {
      expect(manifest.keyGroups.find((k) => k.id === c.keyGroup)?.publicKey).toBe(c.publicKey);
      expect(c.ledgerIndex).toBeLessThan(fixed.body.ledgerIndex);
    }
    const [bytes] = await log.ledger.readEntries(fixed.body.ledgerIndex, fixed.body.ledgerIndex + 1);
    const entry = decodeEntry(bytes ?? new Uint8Array());
    expect(entry.ok && entry.value.type === 'manifest' && entry.value.sha256 === fixed.body.sha256).toBe(
      true,
    );
  });

  test('no secret anywhere the server keeps or writes: not the passphrases, the parts or the files; no attendee name in logs, audit or ledger', async () => {
    const dump = await db.pool.query<{ t: string }>(`
      SELECT string_agg(t, E'\\n') AS t FROM (
        SELECT row_to_json(x)::text AS t FROM key_ceremonies x UNION ALL
        SELECT row_to_json(x)::text FROM key_ceremony_parts x UNION ALL
        SELECT row_to_json(x)::text FROM key_ceremony_attendance x UNION ALL
        SELECT row_to_json(x)::text FROM election_manifests x UNION ALL
        SELECT row_to_json(x)::text FROM audit_events x UNION ALL
        SELECT row_to_json(x)::text FROM commission_decisions x UNION ALL
        SELECT encode(data, 'escape') FROM ledger_entry) s`);
    const stored = dump.rows[0]?.t ?? '';
    const logs = server.logs.join('\n');
    expect(stored).toContain('Корреспондентова'); // the attendance is kept, in its table
    for (const secret of PASSPHRASES) {
      expect(stored).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    const audit = await db.pool.query<{ details: string }>(
      "SELECT details::text FROM audit_events WHERE action LIKE 'keys.%'",
    );
    const ledgerText =
      (
        await db.pool.query<{ t: string }>(
          "SELECT string_agg(encode(data, 'escape'), '') AS t FROM ledger_entry",
        )
      ).rows[0]?.t ?? '';
    for (const name of ['Корреспондентова', 'Наблюдателев', 'Членова']) {
      expect(logs).not.toContain(name);
      expect(ledgerText).not.toContain(name);
      for (const a of audit.rows) expect(a.details).not.toContain(name);
    }
    expect(secrets.length).toBe(2 * 3 * 3);
    for (const secret of secrets) {
      expect(stored).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
