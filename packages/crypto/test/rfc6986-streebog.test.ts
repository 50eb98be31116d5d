/**
 * Streebog (GOST R 34.11-2012) known answers: RFC 6986 §10 examples, plus independent vectors for
 * the empty message and multi-block messages.
 *
 * Byte order. RFC 6986 prints every vector most significant byte first, while the byte string that
 * is hashed (and the digest that comes out) starts with the least significant byte. So the RFC's
 * printed M1 "3231…3130" is the ASCII string "0123…012" (the vector, reversed), and its printed
 * H^256(M1) "0055…159d" is the digest bytes 9d 15 … 55 00. `rfc()` below turns an RFC-printed
 * vector into the byte string; the other sources print byte strings as they are.
 */

import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes, utf8 } from '../src/bytes.ts';
import { streebog256, streebog512 } from '../src/hash/streebog.ts';

/** An RFC 6986-printed vector (most significant byte first) → the byte string it denotes. */
const rfc = (hex: string): Uint8Array => hexToBytes(hex).reverse();
const hex256 = (m: Uint8Array): string => bytesToHex(streebog256(m));
const hex512 = (m: Uint8Array): string => bytesToHex(streebog512(m));

describe('RFC 6986 §10.1: example 1 (M1, 63 bytes)', () => {
  const M1 = rfc(
    '323130393837363534333231303938373635343332313039383736353433323130393837363534333231303938373635343332313039383736353433323130',
  );

  it('M1 is the ASCII string 0123…012 once read in byte order', () => {
    expect(M1).toEqual(utf8('012345678901234567890123456789012345678901234567890123456789012'));
  });

  it('H^512(M1)', () => {
    expect(hex512(M1)).toBe(
      bytesToHex(
        rfc(
          '486f64c1917879417fef082b3381a4e211c324f074654c38823a7b76f830ad00' +
            'fa1fbae42b1285c0352f227524bc9ab16254288dd6863dccd5b9f54a1ad0541b',
        ),
      ),
    );
  });

  it('H^256(M1)', () => {
    expect(hex256(M1)).toBe(
      bytesToHex(rfc('00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d')),
    );
    // The same digest as OpenSSL's GOST engine prints it (gost-engine test/01-digest.t).
    expect(hex256(M1)).toBe('9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500');
  });
});

describe('RFC 6986 §10.2: example 2 (M2, 72 bytes: two blocks)', () => {
  // The CP1251 text "Се ветри, Стрибожи внуци, веютъ с моря стрелами на храбрыя плъкы Игоревы".
  const M2 = rfc(
    'fbe2e5f0eee3c820fbeafaebef20fffbf0e1e0f0f520e0ed20e8ece0ebe5f0f2f120fff0eeec20f120faf2fee5e2202ce8f6f3ede220e8e6eee1e8f0f2d1202ce8f0f2e5e220e5d1',
  );

  it('M2 in byte order starts with "Се" in CP1251', () => {
    expect(M2.length).toBe(72);
    expect(bytesToHex(M2.subarray(0, 2))).toBe('d1e5');
  });

  it('H^512(M2)', () => {
    expect(hex512(M2)).toBe(
      bytesToHex(
        rfc(
          '28fbc9bada033b1460642bdcddb90c3fb3e56c497ccd0f62b8a2ad4935e85f03' +
            '7613966de4ee00531ae60f3b5a47f8dae06915d5f2f194996fcabf2622e6881e',
        ),
      ),
    );
  });

  it('H^256(M2)', () => {
    expect(hex256(M2)).toBe(
      bytesToHex(rfc('508f7e553c06501d749a66fc28c6cac0b005746d97537fa85d9e40904efed29d')),
    );
  });
});

describe('Streebog: independent vectors (digests printed in byte order)', () => {
  // Empty and one-block strings: the examples of Wikipedia's "Streebog" article, reproduced by the
  // test suites of several independent implementations (HashLib, digestpp, …).
  it('empty message', () => {
    expect(hex256(new Uint8Array())).toBe('3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb');
    expect(hex512(new Uint8Array())).toBe(
      '8e945da209aa869f0455928529bcae4679e9873ab707b55315f56ceb98bef0a7' +
        '362f715528356ee83cda5f2aac4c6ad2ba3a715c1bcd81cb8e9f90bf4c1c1a8a',
    );
  });

  it('"The quick brown fox jumps over the lazy dog"', () => {
    const m = utf8('The quick brown fox jumps over the lazy dog');
    expect(hex256(m)).toBe('3e7dea7f2384b6c5a3d0e24aaa29c05e89ddd762145030ec22c71a6db8b2c1f4');
    expect(hex512(m)).toBe(
      'd2b793a0bb6cb5904828b5b6dcfb443bb8f33efc06ad09368878ae4cdc8245b9' +
        '7e60802469bed1e7c21a64ff0b179a6a1e0bb74d92965450a0adab69162c00fe',
    );
    expect(hex256(utf8('The quick brown fox jumps over the lazy dog.'))).toBe(
      '36816a824dcbe7d6171aa58500741f2ea2757ae2e1784ab72c5c3c6c198d71da',
    );
  });

  // Multi-block messages from OpenSSL's GOST engine test suite (gost-engine, test/01-digest.t).
  const repeat = (unit: Uint8Array, times: number): Uint8Array =>
    concatBytes(...Array.from({ length: times }, () => unit));
  const ascii1k = repeat(utf8('12345670'), 128);

  it('1 KiB of ASCII ("12345670" × 128: 16 full blocks, then a padding-only block)', () => {
    expect(hex256(ascii1k)).toBe('1906512b86a1283c68cec8419e57113efc562a1d0e95d8f4809542900c416fe4');
    expect(hex512(ascii1k)).toBe(
      '283587e434864d0d4bea97c0fb10e2dd421572fc859304bdf6a94673d652c590' +
        '49212bad7802b4fcf5eecc1f8fab569d60f2c20dbd789a7fe4efbd79d8137ee7',
    );
  });

  it('1 KiB of binary data (0x00 0x01 0x02 0x15 0x84 0x67 0x45 0x31 × 128: carries in Σ)', () => {
    const m = repeat(Uint8Array.of(0x00, 0x01, 0x02, 0x15, 0x84, 0x67, 0x45, 0x31), 128);
    expect(hex256(m)).toBe('2eb1306be3e490f18ff0e2571a077b3831c815c46c7d4fdf9e0e26de4032b3f3');
    expect(hex512(m)).toBe(
      '55656e5bcf795b499031a7833cd7dc18fe10d4a47e15be545c6ab3f304a4fe41' +
        '1c4c39de5b1fc6844880111441e0b92bf1ec2fb7840453fe39a2b70ced461968',
    );
  });

  it('539 bytes (8 full blocks and a 27-byte tail)', () => {
    const m = ascii1k.subarray(0, 539);
    expect(hex256(m)).toBe('c98a17f9fadff78d08521e4179a7b2e6275f3b1da88339a3cb961a3514e5332e');
    expect(hex512(m)).toBe(
      'd5ad93fbc9ed7abc1cf28d00827a052b40bea74b04c4fd753102c1bcf9f9dad5' +
        '142887f8a4cceaa0d64a0a8291592413d6adb956b99138a0023e127ff37bdf08',
    );
  });

  it('about 284 KiB (4096 lines of 71 bytes, then "12345\\n")', () => {
    const line = utf8('121345678'.repeat(7) + '1234567\n');
    const m = concatBytes(repeat(line, 4096), utf8('12345\n'));
    expect(hex256(m)).toBe('50e935d725d9359e5991b6b7eba8b3539fca03584d26adf4c827c982ffd49367');
    expect(hex512(m)).toBe(
      '1d93645ebfbb477660f98b7d1598e37fbf3bfc8234ead26e2246e1b979e590ac' +
        '46138158a692f9a0c9ac2550758b4d0d4c9fb8af5e595a16d3760c6516443f82',
    );
  });

  // The HMAC_GOSTR3411_2012_256/512 examples of RFC 7836 Appendix B (from R 50.1.113-2016): the
  // inner hash runs over 64 + 16 = 80 bytes, a full block and a partial one.
  it('RFC 7836 HMAC examples (HMAC per RFC 2104 over Streebog, 64-byte block)', () => {
    const hmac = (hash: (m: Uint8Array) => Uint8Array, key: Uint8Array, msg: Uint8Array): Uint8Array => {
      const k = new Uint8Array(64);
      k.set(key);
      const ipad = k.map((x) => x ^ 0x36);
      const opad = k.map((x) => x ^ 0x5c);
      return hash(concatBytes(opad, hash(concatBytes(ipad, msg))));
    };
    const K = hexToBytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const T = hexToBytes('0126bdb87800af214341456563780100');
    expect(bytesToHex(hmac(streebog256, K, T))).toBe(
      'a1aa5f7de402d7b3d323f2991c8d4534013137010a83754fd0af6d7cd4922ed9',
    );
    expect(bytesToHex(hmac(streebog512, K, T))).toBe(
      'a59bab22ecae19c65fbde6e5f4e9f5d8549d31f037f9df9b905500e171923a77' +
        '3d5f1530f2ed7e964cb2eedc29e9ad2f3afe93b2814f79f5000ffc0366c251e6',
    );
  });

  it('block-boundary lengths hash without error and differ from each other', () => {
    const seen = new Set<string>();
    for (const n of [0, 1, 55, 63, 64, 65, 127, 128, 129]) seen.add(hex256(new Uint8Array(n)));
    expect(seen.size).toBe(9);
  });

  it('does not modify its input', () => {
    const m = utf8('The quick brown fox jumps over the lazy dog');
    const copy = Uint8Array.from(m);
    streebog512(m);
    expect(m).toEqual(copy);
  });
});
