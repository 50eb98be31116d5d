// Test data: the 2024 presidential configuration with a commission of realistic names, a
// Tatarstan participant list with Ё/ё, hyphenated surnames and long addresses, the ballot's
// candidates, and a training CA with certificates for the commission's members.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ParticipantList,
  createCommissionCa,
  generateSigningKeyPair,
  issueMemberCertificate,
  parseElectionConfig,
} from '@opendeg/deg';
import type { CommissionCa, ElectionConfig, Participant, Signer } from '@opendeg/deg';

export function config(): ElectionConfig {
  const r = parseElectionConfig(
    JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/president-2024.json'), 'utf8')),
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

export const LONG_ADDRESS =
  'Республика Татарстан, Высокогорский муниципальный район, Семиозёрское сельское поселение, посёлок железнодорожной станции Куркачи, улица Центральная, дом 123, корпус 4, квартира 567';

const people: readonly [string, string, string | undefined, string, string, string][] = [
  // lastName, firstName, middleName, birthDate, address, precinct
  ['Щукин-Водкин', 'Эдуард', 'Юрьевич', '1975-11-30', 'г. Казань, ул. Баумана, д. 7, кв. 2', '1'],
  ['Ёлкина', 'Алёна', 'Игоревна', '1990-04-12', LONG_ADDRESS, '2'],
  ['Абрамова-Ильина', 'Дарья', 'Фёдоровна', '1988-02-29', 'г. Казань, ул. Пушкина, д. 1', '1'],
  ['Семёнов', 'Пётр', 'Ильич', '1961-07-01', 'г. Казань, пр-т Победы, д. 100, кв. 45', '1'],
  ['Гарифуллин', 'Ильдар', undefined, '2005-01-15', 'г. Набережные Челны, ул. Мира, д. 3', '2'],
  ['Егоров', 'Андрей', 'Васильевич', '1979-09-09', 'г. Казань, ул. Декабристов, д. 12', '1'],
];

export const PHONES = [
  '+79001110101',
  '+79001110202',
  '+79001110303',
  '+79001110404',
  '+79001110505',
  '+79001110606',
];

export function participants(): Participant[] {
  return people.map(([lastName, firstName, middleName, birthDate, address, precinct], i) => ({
    id: `p${i + 1}`,
    lastName,
    firstName,
    ...(middleName === undefined ? {} : { middleName }),
    birthDate,
    address,
    phone: PHONES[i] as string,
    passport: { series: `92 0${i}`, number: `12345${i}` },
    precinct,
  }));
}

/** The Tatarstan list: compiled, Семёнов excluded (voted early), three with ballot access, frozen. */
export function tatarstanList(): ParticipantList {
  const c = config();
  const list = ParticipantList.compile('16', participants(), new Date('2024-03-14T15:00:00Z'));
  const votingEnds = new Date('2024-03-17T17:00:00Z');
  list.exclude(
    'p4',
    'VOTED_EARLY',
    'решение УИК № 1 от 10.03.2024',
    new Date('2024-03-15T06:00:00Z'),
    votingEnds,
  );
  list.grantBallotAccess('p1', new Date('2024-03-15T06:00:00Z'));
  list.grantBallotAccess('p2', new Date('2024-03-15T07:00:00Z'));
  list.grantBallotAccess('p6', new Date('2024-03-16T07:00:00Z'));
  if (c.regions[0]?.code !== '16') throw new Error('fixture: region 16 first');
  return list;
}

export const CANDIDATES = [
  { id: 'c1', name: 'Даванков Владислав Андреевич' },
  { id: 'c2', name: 'Путин Владимир Владимирович' },
  { id: 'c3', name: 'Слуцкий Леонид Эдуардович' },
  { id: 'c4', name: 'Харитонов Николай Михайлович' },
];

const DAY = 86_400_000;
const ORG = 'Центральная избирательная комиссия Российской Федерации';

export interface MemberSigner extends Signer {
  readonly memberId: string;
}

/** A training CA and a certificate for every member (keys non-extractable, as in the browser). */
export async function trainingCa(
  c: ElectionConfig,
): Promise<{ ca: CommissionCa; signers: Map<string, MemberSigner> }> {
  const now = Date.now();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) };
  const ca = await createCommissionCa({ commonName: 'Учебный УЦ ЦИК России', organisation: ORG, validity });
  const signers = new Map<string, MemberSigner>();
  for (const m of c.commission.members) {
    const keys = await generateSigningKeyPair('ECDSA-P256');
    const cert = await issueMemberCertificate(ca, {
      member: { id: m.id, fullName: m.fullName, role: m.role },
      organisation: ORG,
      publicKey: keys.publicKey,
      validity,
    });
    signers.set(m.id, { memberId: m.id, certificate: cert.der, privateKey: keys.privateKey });
  }
  return { ca, signers };
}
