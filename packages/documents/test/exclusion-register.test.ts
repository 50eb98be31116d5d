// Appendix 3: the per-precinct register of voters removed from their home precinct's list (P-3.6).
import { beforeAll, describe, expect, test } from 'vitest';
import { buildExclusionRegister, renderExclusionRegister } from '../src/exclusion-register.ts';
import type { ExclusionRegisterInput } from '../src/exclusion-register.ts';
import { LONG_ADDRESS, config, tatarstanList } from './fixture.ts';
import { Scratch, flat, requireTools } from './tools.ts';

const tik = {
  name: 'Территориальная избирательная комиссия Вахитовского района г. Казани',
  ksaNumber: '1601',
  chairman: 'Хабибуллина Ляйсан Рустемовна',
  secretary: 'Орлов-Давыдов Семён Аркадьевич',
};

function input(precinct: string): ExclusionRegisterInput {
  const rows = tatarstanList().precinctRegisters().get(precinct) ?? [];
  return {
    config: config(),
    region: '16',
    precinct,
    rows,
    territorialCommission: tik,
    generatedAt: new Date('2024-03-14T07:00:00Z'),
  };
}

describe('Appendix 3: precinct exclusion register', () => {
  const fs = new Scratch();
  beforeAll(() => {
    requireTools();
  });

  test('P-3.6 one register per precinct, alphabetical, numbered from 1, with the ТИК and its КСА number', async () => {
    const r = buildExclusionRegister(input('1'));
    if (!r.ok) throw new Error(r.code);
    const d = r.document;
    expect(d.rows.map((x) => `${x.n} ${x.fullName} ${x.birthDate}`)).toEqual([
      '1 Абрамова-Ильина Дарья Фёдоровна 29.02.1988',
      '2 Егоров Андрей Васильевич 09.09.1979',
      '3 Семёнов Пётр Ильич 01.07.1961',
      '4 Щукин-Водкин Эдуард Юрьевич 30.11.1975',
    ]);
    expect(d.territorialCommission.chairman).toBe('Хабибуллина Л.Р.');
    const pdf = (await renderExclusionRegister(d)).pdf;
    const text = flat(fs.text(pdf));
    for (const s of [
      'Приложение № 3 (форма)',
      'РЕЕСТР избирателей, подлежащих исключению из списка избирателей по месту жительства на избирательном участке № 1 в связи с включением в список участников дистанционного электронного голосования',
      'Территориальная избирательная комиссия Вахитовского района г. Казани, КСА ТИК № 1601',
      '(наименование территориальной избирательной комиссии, номер КСА ТИК)',
      'Сведения об избирателе',
      '1 2 3 4 5',
      '1 Абрамова-Ильина Дарья Фёдоровна 29.02.1988',
      'Председатель территориальной избирательной комиссии',
      'Хабибуллина Л.Р.',
      'Орлов-Давыдов С.А.',
      'МП',
      '1. Сведения об избирателях располагаются в алфавитном порядке.',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('Ёлкина'); // precinct 2
    expect(fs.pageHasInk(pdf)).toBe(true);
  });

  test('P-3.6 the other precinct’s register holds its own voters, long addresses whole', async () => {
    const r = buildExclusionRegister(input('2'));
    if (!r.ok) throw new Error(r.code);
    expect(r.document.rows.map((x) => x.fullName)).toEqual(['Гарифуллин Ильдар', 'Ёлкина Алёна Игоревна']);
    const text = flat(fs.text((await renderExclusionRegister(r.document)).pdf));
    expect(text).toContain('на избирательном участке № 2');
    expect(text).toContain(flat(LONG_ADDRESS));
  });

  test('P-3.6 refused without the ТИК’s КСА number, with rows out of sequence, or for the Moscow mode', () => {
    const noKsa = buildExclusionRegister({
      ...input('1'),
      territorialCommission: { ...tik, ksaNumber: ' ' },
    });
    expect(!noKsa.ok && noKsa.code).toBe('EMPTY_FIELD');
    const rows = input('1').rows;
    const gap = buildExclusionRegister({ ...input('1'), rows: [rows[1]!] });
    expect(!gap.ok && gap.code).toBe('ROWS_NOT_NUMBERED');
    const moscow = buildExclusionRegister({ ...input('1'), region: '77' });
    expect(!moscow.ok && moscow.code).toBe('REGION_OWN_SYSTEM');
  });
});
