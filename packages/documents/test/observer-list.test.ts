// Appendix 7: the list of observers a candidate sends to the commission (P-10.4, P-10.5).
import { describe, expect, test } from 'vitest';
import { buildObserverList, renderObserverList } from '../src/observer-list.ts';
import type { CommissionObserver } from '../src/observer-list.ts';
import { LONG_ADDRESS, config } from './fixture.ts';
import { Scratch, flat, requireTools } from './tools.ts';

const OBSERVERS: CommissionObserver[] = [
  {
    fullName: 'Клёнова-Зорина Мария Петровна',
    birthDate: '1985-06-07',
    address: LONG_ADDRESS,
    passport: { series: '45 10', number: '987654' },
  },
  {
    fullName: 'Шмелёв Олег Игоревич',
    birthDate: '1992-12-31',
    address: 'г. Москва, ул. Тверская, д. 13',
    passport: { series: '45 11', number: '123321' },
  },
];
const appointedBy = { fullName: 'Харитонов Николай Михайлович', capacity: 'зарегистрированный кандидат' };
const generatedAt = new Date('2024-03-10T09:00:00Z');

describe('Appendix 7: commission observers', () => {
  const fs = new Scratch();

  test('P-10.5 name, date of birth, address and passport of each observer, and who sent them', async () => {
    requireTools();
    const r = buildObserverList({ config: config(), appointedBy, observers: OBSERVERS, generatedAt });
    if (!r.ok) throw new Error(r.code);
    const d = r.document;
    expect(d.form).toBe('appendix-7');
    expect(d.region).toBeNull();
    expect(d.generatedAt.local).toBe('10 марта 2024 г., 12:00 (МСК)');
    expect(d.observers[0]).toEqual({
      n: 1,
      fullName: 'Клёнова-Зорина Мария Петровна',
      birthDate: '07.06.1985',
      address: LONG_ADDRESS,
      passport: '45 10 987654',
    });
    const pdf = (await renderObserverList(d)).pdf;
    const text = flat(fs.text(pdf));
    for (const s of [
      'Приложение № 7',
      'Список наблюдателей в ТИК ДЭГ',
      'ФИО наблюдателя в ТИК ДЭГ',
      'Серия и номер паспорта гражданина Российской Федерации',
      '1 Клёнова-Зорина Мария Петровна 07.06.1985',
      '2 Шмелёв Олег Игоревич 31.12.1992 г. Москва, ул. Тверская, д. 13 45 11 123321',
      'Харитонов Николай Михайлович, зарегистрированный кандидат',
      '(ФИО лица, направившего наблюдателя)',
      '(подпись)',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('(форма)');
    expect(fs.pageHasInk(pdf)).toBe(true);
  });

  test('P-10.4 at most three observers; none, or one with a blank field, is refused', () => {
    const three = [...OBSERVERS, { ...OBSERVERS[0]!, fullName: 'Ёжиков Ян Янович' }];
    expect(buildObserverList({ config: config(), appointedBy, observers: three, generatedAt }).ok).toBe(true);
    const four = buildObserverList({
      config: config(),
      appointedBy,
      observers: [...three, OBSERVERS[1]!],
      generatedAt,
    });
    expect(!four.ok && four.code).toBe('TOO_MANY_OBSERVERS');
    const none = buildObserverList({ config: config(), appointedBy, observers: [], generatedAt });
    expect(!none.ok && none.code).toBe('NO_OBSERVERS');
    const blank = buildObserverList({
      config: config(),
      appointedBy,
      observers: [{ ...OBSERVERS[0]!, passport: { series: '45 10', number: '' } }],
      generatedAt,
    });
    expect(!blank.ok && blank.code).toBe('EMPTY_FIELD');
  });
});
