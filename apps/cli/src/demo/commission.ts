// The commission's and the data centre's side of the demo, through the HTTP API: roles assigned by
// the bootstrapped operator (P-1.4), the members' certificates under a training CA made here (their
// private keys stay here, as on the members' own workstations, P-7.3), the key-parts decision and a
// key ceremony per key group (P-5.2–P-5.6), the manifest (P-5.2), and at the close per key group the
// final lists signed by the chairman and the secretary, decryption by K holders with their key part
// files (P-7.1–P-7.8), then the protocol signed by every member present and the hand-over (P-7.9,
// P-8). The data centre's step (lists from the accepted applications and the ballot's source data,
// P-3.1–P-3.3, P-4.2) goes through the stores `opendeg bundle load` uses.
import { createHash } from 'node:crypto';
import { ParticipantListStore, type ParticipantRecord } from '@opendeg/db';
import {
  createCommissionCa,
  generateSigningKeyPair,
  issueMemberCertificate,
  signDetached,
  type BallotSource,
  type ElectionConfig,
  type IssuedCertificate,
} from '@opendeg/deg';
import { formatAddress, loadBallotVersion, type RegisterAccount } from '@opendeg/server';
import type pg from 'pg';
import { Browser, DemoError } from './http.ts';
import type { DemoVoter } from './voters.ts';

/** Seats that sign and the role each account gets for it. */
const SEAT_ROLES: Record<string, string> = { chairman: 'chairman', deputy: 'deputy', secretary: 'secretary' };

export interface MemberSeat {
  readonly memberId: string;
  readonly role: string;
  readonly account: RegisterAccount;
  browser?: Browser;
  certificate?: IssuedCertificate;
  privateKey?: CryptoKey;
}

export interface KeyFile {
  readonly keyGroup: string;
  readonly holder: string;
  readonly content: string;
  readonly passphrase: string;
}

export class Commission {
  readonly baseUrl: string;
  readonly config: ElectionConfig;
  readonly operator: Browser;
  readonly seats: MemberSeat[];
  caPem = '';
  readonly keyFiles: KeyFile[] = [];
  /** Key-part holders (the decision's N) and K. */
  readonly holders: string[];
  readonly k: number;
  #now: () => Date;

  constructor(o: {
    baseUrl: string;
    config: ElectionConfig;
    operator: RegisterAccount;
    members: readonly RegisterAccount[];
    now: () => Date;
  }) {
    this.baseUrl = o.baseUrl;
    this.config = o.config;
    this.#now = o.now;
    this.operatorAccount = o.operator;
    this.operator = new Browser(o.baseUrl);
    this.seats = o.config.commission.members.map((m, i) => {
      const account = o.members[i];
      if (account === undefined) throw new DemoError('DEMO_SETUP', 'not enough accounts for the commission');
      return { memberId: m.id, role: SEAT_ROLES[m.role] ?? 'member', account };
    });
    // Five holders, three needed: the chairman, the secretary and three members.
    const byRole = (r: string) => this.seats.filter((s) => s.role === r).map((s) => s.memberId);
    this.holders = [...byRole('chairman'), ...byRole('secretary'), ...byRole('member')].slice(0, 5);
    this.k = Math.min(3, this.holders.length);
  }

  readonly operatorAccount: RegisterAccount;

  seat(role: string): MemberSeat {
    const s = this.seats.find((x) => x.role === role);
    if (s === undefined) throw new DemoError('DEMO_SETUP', `no ${role} in the configuration`);
    return s;
  }

  seatOf(memberId: string): MemberSeat {
    const s = this.seats.find((x) => x.memberId === memberId);
    if (s === undefined) throw new DemoError('DEMO_SETUP', `no member ${memberId}`);
    return s;
  }

  browser(s: MemberSeat): Browser {
    if (s.browser === undefined) throw new DemoError('DEMO_SETUP', `${s.memberId} not logged in`);
    return s.browser;
  }

  /** Everyone logs in again: sessions live 30 minutes of the scenario clock. */
  async logInAll(): Promise<void> {
    await this.operator.logIn(this.operatorAccount.id);
    for (const s of this.seats) {
      s.browser = new Browser(this.baseUrl);
      await s.browser.logIn(s.account.id);
    }
  }

  /** The training CA and each member's key pair and certificate; the CA's root PEM for TRUSTED_ROOTS. */
  async makeCertificates(): Promise<string> {
    const validity = {
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2029-12-31T00:00:00Z'),
    };
    const ca = await createCommissionCa({
      commonName: 'Учебный удостоверяющий центр (демонстрация)',
      organisation: 'ЦИК России (тренировка)',
      validity,
    });
    for (const s of this.seats) {
      const m = this.config.commission.members.find((x) => x.id === s.memberId);
      if (m === undefined) continue;
      const pair = await generateSigningKeyPair('ECDSA-P256');
      s.privateKey = pair.privateKey;
      s.certificate = await issueMemberCertificate(ca, {
        member: { id: m.id, fullName: m.fullName, role: m.role },
        organisation: 'ТИК ДЭГ (тренировка)',
        publicKey: pair.publicKey,
        validity,
      });
    }
    this.caPem = ca.certificate.pem;
    return this.caPem;
  }

  /** P-1.4: the operator gives each seat's account its role, and regional commissions theirs. */
  async assignRoles(
    regionalCommissions: ReadonlyMap<string, RegisterAccount>,
    o: { certificates: boolean } = { certificates: true },
  ): Promise<void> {
    await this.operator.logIn(this.operatorAccount.id);
    for (const s of this.seats) {
      await this.operator.must('роль / role', 'POST', '/api/admin/roles', {
        subject: s.account.id,
        role: s.role,
        memberId: s.memberId,
      });
    }
    for (const [region, account] of regionalCommissions) {
      await this.operator.must('роль / role', 'POST', '/api/admin/roles', {
        subject: account.id,
        role: 'regional-commission',
        region,
      });
    }
    await this.logInAll();
    if (!o.certificates) return;
    for (const s of this.seats) {
      await this.operator.must('сертификат / certificate', 'POST', '/api/closing/certificates', {
        memberId: s.memberId,
        certificate: s.certificate?.pem,
      });
    }
  }

  /** P-2.6: the daily processing, run by the operator; the processing report. */
  async processApplications(): Promise<{ processed: number; accepted: number; rejected: number }> {
    return this.operator.must(
      'обработка заявлений / processing',
      'POST',
      '/api/operator/applications/process',
    );
  }

  /** P-5.4, P-5.5: the key-parts decision, then a ceremony per key group; keeps the files. */
  async keyCeremonies(): Promise<{ keyGroup: string; n: number; k: number }[]> {
    const chair = this.browser(this.seat('chairman'));
    const members = this.seats.length;
    await chair.must('решение о частях ключа / key parts decision', 'POST', '/api/commission/key-parts', {
      meeting: 1,
      n: this.holders.length,
      k: this.k,
      holders: this.holders,
      votes: { for: members, against: 0 },
    });
    const held = [];
    for (const g of this.config.keyGroups) {
      const passphrases = this.holders.map((holder, i) => ({
        holder,
        passphrase: `демо ${g.id} часть ${String(i + 1)} пароль-2026`,
      }));
      const r = await chair.must<{
        ceremony: { n: number; k: number };
        files: { holder: string; content: string }[];
      }>('формирование ключей / key ceremony', 'POST', '/api/keys/ceremonies', {
        keyGroup: g.id,
        mode: 'dealer',
        attendance: this.seats.map((s) => ({
          kind: 'commission-member',
          memberId: s.memberId,
          arrivedAt: this.#now().toISOString(),
        })),
        passphrases,
      });
      for (const f of r.files) {
        const passphrase = passphrases.find((p) => p.holder === f.holder)?.passphrase ?? '';
        this.keyFiles.push({ keyGroup: g.id, holder: f.holder, content: f.content, passphrase });
      }
      held.push({ keyGroup: g.id, n: r.ceremony.n, k: r.ceremony.k });
    }
    return held;
  }

  async fixManifest(): Promise<unknown> {
    const chair = this.browser(this.seat('chairman'));
    await chair.must('фиксация манифеста / fixing the manifest', 'POST', '/api/election/manifest');
    const r = await chair.must<Record<string, unknown>>(
      'манифест / manifest',
      'GET',
      '/api/election/manifest',
    );
    return r.format === 'opendeg-manifest/1' ? r : r.manifest;
  }

  async sign(memberId: string, content: Uint8Array): Promise<string> {
    const s = this.seatOf(memberId);
    if (s.certificate === undefined || s.privateKey === undefined) {
      throw new DemoError('DEMO_SETUP', `no key for ${memberId}`);
    }
    const signed = await signDetached({
      content,
      signer: { certificate: s.certificate.der, privateKey: s.privateKey },
      signingTime: this.#now(),
    });
    return signed.pem;
  }

  /** P-7.1–P-7.5: the final lists of a key group, signed by the chairman and the secretary, kept. */
  async finalLists(keyGroup: string): Promise<{ region: string; onList: number; ballotsIssued: number }[]> {
    const chair = this.seat('chairman');
    const secretary = this.seat('secretary');
    const url = `/api/closing/key-groups/${keyGroup}/final-lists`;
    const made = await this.browser(chair).must<{
      document: string;
      regions: { region: string; onList: number; ballotsIssued: number }[];
    }>(`итоговые списки ${keyGroup} / final lists`, 'POST', url);
    const bytes = new Uint8Array(Buffer.from(made.document, 'base64'));
    for (const s of [chair, secretary]) {
      await this.browser(s).must('подпись списков / signing the lists', 'POST', `${url}/signatures`, {
        signature: await this.sign(s.memberId, bytes),
      });
    }
    await this.browser(secretary).must('хранение носителя / custody', 'POST', `${url}/custody`, {
      medium: `CD-R ${keyGroup}`,
      place: 'сейф № 1',
      bundleSha256: createHash('sha256').update(bytes).digest('hex'),
      placedAt: this.#now().toISOString(),
    });
    return made.regions;
  }

  /** P-7.6: threshold decryption, K holders each presenting their key part file with its passphrase. */
  async decrypt(keyGroup: string): Promise<{ total: number; decrypted: number; parts: number[] }> {
    const url = `/api/closing/key-groups/${keyGroup}/decryption`;
    let last = await this.browser(this.seat('chairman')).must<{
      total: number;
      decrypted: number;
      parts: number[];
      completedAt?: string;
    }>('расшифровка / decryption', 'POST', url, {
      mode: 'threshold',
    });
    // A key group without ballots has nothing to decrypt: complete at once, no part is asked for.
    if (last.completedAt !== undefined) return last;
    for (const holder of this.holders.slice(0, this.k)) {
      const file = this.keyFiles.find((f) => f.keyGroup === keyGroup && f.holder === holder);
      if (file === undefined) throw new DemoError('DEMO_SETUP', `no key part of ${holder} for ${keyGroup}`);
      last = await this.browser(this.seatOf(holder)).must(
        `часть ключа ${holder} / key part`,
        'POST',
        `${url}/key-parts`,
        { file: file.content, passphrase: file.passphrase },
      );
    }
    if (last.completedAt === undefined) {
      throw new DemoError(
        'DECRYPTION_INCOMPLETE',
        `расшифровка ${keyGroup} не завершена / decryption not complete`,
      );
    }
    return last;
  }

  /** P-7.9: the protocol with every member present; each signs the served bytes. */
  async protocol(): Promise<ProtocolView> {
    const chair = this.browser(this.seat('chairman'));
    await chair.must('протокол / protocol', 'POST', '/api/closing/protocol', {
      present: this.seats.map((s) => s.memberId),
    });
    const doc = await chair.must<{ document: string }>(
      'протокол / protocol',
      'GET',
      '/api/closing/protocol/document',
    );
    const bytes = new Uint8Array(Buffer.from(doc.document, 'base64'));
    for (const s of this.seats) {
      await this.browser(s).must(
        'подпись протокола / signing the protocol',
        'POST',
        '/api/closing/protocol/signatures',
        {
          signature: await this.sign(s.memberId, bytes),
        },
      );
    }
    const published = await new Browser(this.baseUrl).must<ProtocolView>(
      'опубликованный протокол / published protocol',
      'GET',
      '/api/closing/protocol',
    );
    if (published.publishedAt === undefined)
      throw new DemoError('PROTOCOL_NOT_PUBLISHED', 'protocol not published');
    return published;
  }

  /** P-8.1: the results medium handed over. */
  async handOver(protocolDocument: string): Promise<void> {
    await this.browser(this.seat('secretary')).must(
      'передача итогов / hand-over',
      'POST',
      '/api/closing/results/custody',
      {
        medium: 'DVD-R итоги',
        place: 'ЦОД',
        bundleSha256: createHash('sha256').update(Buffer.from(protocolDocument, 'base64')).digest('hex'),
        placedAt: this.#now().toISOString(),
      },
    );
  }
}

export interface ProtocolLine {
  readonly line: number;
  readonly value: number;
  readonly candidate?: { readonly id: string };
}

export interface ProtocolView {
  readonly protocol: { readonly regions: readonly { region: string; lines: readonly ProtocolLine[] }[] };
  readonly document: string;
  readonly sha256: string;
  readonly signOffs: readonly { memberId: string; signed: boolean }[];
  readonly publishedAt?: string;
}

/**
 * The data centre (P-3.1–P-3.3, P-4.2), as `opendeg bundle load` records it: the bundle's record,
 * the ballot's source data through the server's ballot store, and per region the list compiled from
 * the accepted applications (participant id = application id) through the list store.
 */
export async function loadListsAndBallot(
  pool: pg.Pool,
  config: ElectionConfig,
  ballot: BallotSource,
  voters: readonly DemoVoter[],
  at: Date,
): Promise<Map<string, number>> {
  const electionId = (await pool.query<{ id: string }>('SELECT id FROM elections')).rows[0]?.id;
  if (electionId === undefined) throw new DemoError('DEMO_SETUP', 'no election in the database');
  const byRegion = new Map<string, ParticipantRecord[]>();
  for (const v of voters) {
    if (v.applicationId === undefined || v.precinct === undefined) continue;
    const a = v.account;
    const rows = byRegion.get(v.region) ?? [];
    rows.push({
      id: v.applicationId,
      lastName: a.familyName,
      firstName: a.givenName,
      middleName: a.middleName,
      birthDate: a.birthDate,
      address: formatAddress(a.address),
      phone: a.phone,
      passport: { series: a.passport.series, number: a.passport.number },
      precinct: v.precinct,
    });
    byRegion.set(v.region, rows);
  }
  const hash = createHash('sha256')
    .update(JSON.stringify({ ballot, lists: [...byRegion] }))
    .digest('hex');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      'INSERT INTO loaded_bundles (hash, election_id, kind, manifest, signer, loaded_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        Buffer.from(hash, 'hex'),
        electionId,
        'list-and-ballot-data',
        JSON.stringify({ demo: true, regions: [...byRegion.keys()] }),
        'CN=Учебный ЦОД (демонстрация)',
        at,
      ],
    );
    const made = await loadBallotVersion(client, {
      electionId,
      config,
      source: ballot,
      at,
      origin: { kind: 'bundle', bundleHash: hash },
    });
    if (!made.ok)
      throw new DemoError(made.code, `бюллетень / ballot: ${made.message.ru} / ${made.message.en}`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
  const store = new ParticipantListStore(pool, electionId);
  const counts = new Map<string, number>();
  for (const [region, rows] of byRegion) {
    await store.importList(region, rows, { compiledAt: at });
    counts.set(region, rows.length);
  }
  return counts;
}
