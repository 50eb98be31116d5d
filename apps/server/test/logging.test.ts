// Logs carry an event id on every request line and no personal data (DESIGN: "Personal data
// never enters the ledger or logs"): requests full of personal data — in the body, the query
// string, the headers, and a whole OIDC login — leave none of it in the captured log stream.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isPersonalField, scrubPersonalData, REDACTED } from '../src/logging.ts';
import { Browser, logIn, startServer, testRoutes, type Server } from './harness.ts';

let server: Server;
beforeAll(async () => {
  server = await startServer({ extraRoutes: testRoutes });
});
afterAll(async () => {
  await server.close();
});

const person = {
  fullName: 'Кузнецова Мария Петровна',
  birthDate: '1987-11-23',
  phone: '+79265550123',
  passport: { series: '4617', number: '908172' },
  snils: '156-742-913 48',
  email: 'maria.kuznetsova@example.ru',
  address: 'Московская область, г. Химки, ул. Молодёжная, д. 12, кв. 45',
  age: 36,
};

describe('logs without personal data', () => {
  test('P-6.4 a login and requests carrying personal data leave none of it in the log', async () => {
    const secrets = [
      person.fullName,
      'Кузнецова',
      person.birthDate,
      person.phone,
      '79265550123',
      person.passport.number,
      person.snils,
      person.email,
      'Молодёжная',
      'Bearer-token-abc123',
      'session-cookie-value-xyz',
    ];
    const headers = {
      'content-type': 'application/json',
      authorization: 'Bearer Bearer-token-abc123',
      cookie: 'opendeg_session=session-cookie-value-xyz',
    };
    const query = `?phone=${encodeURIComponent(person.phone)}&snils=${encodeURIComponent(person.snils)}`;
    const ok = await fetch(`${server.baseUrl}/test/echo${query}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(person),
    });
    expect(ok.status).toBe(200);
    const refused = await fetch(`${server.baseUrl}/test/echo${query}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...person, age: 'тридцать шесть' }),
    });
    expect(refused.status).toBe(400);

    const voter = server.register[0]!;
    const browser = new Browser();
    await logIn(browser, server.baseUrl, voter.id);
    const me = await browser.request(`${server.baseUrl}/api/me`);
    expect(me.status).toBe(200);
    secrets.push(voter.familyName, voter.middleName, voter.birthDate, voter.phone, voter.snils);
    secrets.push(voter.passport.number, voter.address.street);

    const log = server.logs.join('\n');
    expect(log).toContain('"msg":"echo"'); // the careless log line was written…
    expect(log).toContain(REDACTED); // …with its personal fields redacted
    for (const secret of secrets) expect(log, secret).not.toContain(secret);
    expect(log).not.toMatch(/"code=|[?&]code=|state=/); // nor authorization codes or state
  });

  test('every request line carries the request id, echoed in x-request-id', async () => {
    const response = await fetch(`${server.baseUrl}/health`);
    const id = response.headers.get('x-request-id')!;
    const lines = server.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = lines.filter((l) => l.reqId === id);
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    for (const line of lines) {
      if ('req' in line || 'res' in line || 'event' in line)
        expect(line.reqId, JSON.stringify(line)).toBeTypeOf('string');
    }
    const incoming = mine.find((l) => l.msg === 'incoming request')!;
    expect(incoming.req).toEqual({ method: 'GET', url: '/health' });
  });

  test('field names that look like personal data are recognised in any spelling and depth', () => {
    for (const key of [
      'fullName',
      'family_name',
      'given-name',
      'middleName',
      'name',
      'birthdate',
      'dateOfBirth',
    ]) {
      expect(isPersonalField(key), key).toBe(true);
    }
    for (const key of [
      'phone_number',
      'phoneNumber',
      'passportSeries',
      'SNILS',
      'email',
      'postalAddress',
      'sub',
    ]) {
      expect(isPersonalField(key), key).toBe(true);
    }
    for (const key of ['hostname', 'reqId', 'msg', 'level', 'statusCode', 'route', 'code']) {
      expect(isPersonalField(key), key).toBe(false);
    }
    expect(scrubPersonalData({ a: [{ b: { phone: '+7', ok: 1 } }] })).toEqual({
      a: [{ b: { phone: REDACTED, ok: 1 } }],
    });
  });
});
