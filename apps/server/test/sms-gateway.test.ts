// P-2.3 / P-6.7: the generic HTTP SMS adapter against a tiny local gateway on port 0 — one JSON POST
// per message with the configured Authorization; refusals and silence become SmsGatewayError
// whose message carries neither the phone nor the text.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HttpSmsGateway } from '../src/sms/http-gateway.ts';
import { SmsGatewayError } from '../src/sms/sms-gateway.ts';

interface Received {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

const received: Received[] = [];
let answer = 200;
let gateway: Server;
let baseUrl: string;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  gateway = createServer((request, response) => {
    void readBody(request).then((text) => {
      received.push({
        method: request.method,
        url: request.url,
        contentType: request.headers['content-type'],
        authorization: request.headers.authorization,
        body: JSON.parse(text) as unknown,
      });
      if (answer === 0) return; // never answers: the client's timeout must end the wait
      response.writeHead(answer, { 'content-type': 'application/json' }).end('{"id":"m-1"}');
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise((resolve) => gateway.close(resolve));
});

const PHONE = '+79001234567';
const TEXT = 'Код подтверждения заявления ДЭГ: 123456.';

describe('HttpSmsGateway', () => {
  test('P-2.3 a message is one JSON POST with the configured Authorization; 2xx is acceptance', async () => {
    answer = 202;
    const sms = new HttpSmsGateway({ url: `${baseUrl}/send`, authorization: 'Bearer gw-token' });
    await sms.send(PHONE, TEXT);
    expect(received.at(-1)).toEqual({
      method: 'POST',
      url: '/send',
      contentType: 'application/json',
      authorization: 'Bearer gw-token',
      body: { phone: PHONE, text: TEXT },
    });
  });

  test('a refusal (5xx, 4xx) is an SmsGatewayError that names the status, not the phone or text', async () => {
    const sms = new HttpSmsGateway({ url: `${baseUrl}/send` });
    for (const status of [500, 400]) {
      answer = status;
      const error = await sms.send(PHONE, TEXT).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SmsGatewayError);
      expect((error as Error).message).toBe(`SMS gateway answered ${status}`);
      expect((error as Error).message).not.toContain(PHONE);
    }
    expect(received.at(-1)?.authorization).toBeUndefined();
  });

  test('a gateway that does not answer in time, or cannot be reached, is an SmsGatewayError', async () => {
    answer = 0;
    const slow = new HttpSmsGateway({ url: `${baseUrl}/send`, timeoutMs: 200 });
    await expect(slow.send(PHONE, TEXT)).rejects.toThrow('SMS gateway unreachable');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nobody = new HttpSmsGateway({ url: `http://127.0.0.1:${port}/send` });
    await expect(nobody.send(PHONE, TEXT)).rejects.toBeInstanceOf(SmsGatewayError);
  });

  test('only http(s) gateway URLs are accepted', () => {
    expect(() => new HttpSmsGateway({ url: 'ftp://gateway.example/send' })).toThrow(RangeError);
  });
});
