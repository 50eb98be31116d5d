/**
 * The training configuration that `opendeg election init` writes: the shape of the 2024 presidential
 * election (five regions in four time zones, Moscow mode, Kaliningrad in a key group of its own, a
 * commission of 12) as a training run, with every date counted from the first voting day by the
 * offsets the Procedure's calendar had in 2024. Only the filing window is shorter (two weeks instead
 * of six): a training run need not wait. Every field is described in apps/cli/README.md.
 */

import type { ElectionConfig } from '@opendeg/deg';

export interface TemplateOptions {
  /** First voting day, YYYY-MM-DD. */
  readonly votingFirstDay: string;
  /** Default: `training-<first voting day>`. */
  readonly electionId?: string;
}

/** `day` moved by `days` calendar days (pure date arithmetic: no time zone is involved). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function trainingTemplate(options: TemplateOptions): ElectionConfig {
  const D = options.votingFirstDay;
  const day = (offset: number): string => addDays(D, offset);
  const members: ElectionConfig['commission']['members'] = [
    { id: 'm01', fullName: 'Председатель Тренировочный', role: 'chairman' },
    ...Array.from({ length: 11 }, (_, i) => ({
      id: `m${String(i + 2).padStart(2, '0')}`,
      fullName: `Член Комиссии ${i + 2}`,
      role: 'member' as const,
    })),
  ];
  return {
    format: 'opendeg-config/1',
    electionId: options.electionId ?? `training-${D}`,
    kind: 'training',
    title: { ru: 'Тренировочное голосование', en: 'Training run' },
    suite: 'ristretto255',
    schedule: {
      referenceTimeZone: 'Europe/Moscow',
      applications: {
        opens: `${day(-14)}T00:00`,
        closes: `${day(-4)}T24:00`,
        withdrawUntil: `${day(-4)}T24:00`,
      },
      listData: `${day(-2)}T18:00`,
      listLoad: `${day(-1)}T21:00`,
      precinctRegisters: `${day(-1)}T10:00`,
      premisesPublished: day(-11),
      keyCeremony: `${day(-1)}T18:00`,
      voting: { firstDay: D, lastDay: day(2), opens: '08:00', closes: '20:00' },
      observers: { commissionListUntil: day(-4), portalFrom: day(-11), portalUntil: day(-4) },
      publicPage: `${day(-4)}T08:00`,
      processingTime: '01:00',
    },
    keyGroups: [
      { id: 'main', closingNotBefore: '20:15' },
      { id: 'kaliningrad', closingNotBefore: '21:15' },
    ],
    regions: [
      region('16', 'Республика Татарстан', 'Republic of Tatarstan', 'Europe/Moscow', ['ru', 'tt'], {
        precinct: 'г. Казань, ул. Баумана',
      }),
      region('39', 'Калининградская область', 'Kaliningrad Oblast', 'Europe/Kaliningrad', ['ru'], {
        keyGroup: 'kaliningrad',
        precinct: 'г. Калининград, Ленинский пр-т',
      }),
      region('41', 'Камчатский край', 'Kamchatka Krai', 'Asia/Kamchatka', ['ru'], {
        precinct: 'г. Петропавловск-Камчатский, ул. Ленинская',
      }),
      region('54', 'Новосибирская область', 'Novosibirsk Oblast', 'Asia/Novosibirsk', ['ru'], {
        precinct: 'г. Новосибирск, Красный пр-т',
      }),
      region('77', 'Москва', 'Moscow', 'Europe/Moscow', ['ru'], { moscow: true }),
    ],
    commission: { members },
  };
}

function region(
  code: string,
  ru: string,
  en: string,
  timeZone: string,
  languages: string[],
  o: { keyGroup?: string; precinct?: string; moscow?: boolean },
): ElectionConfig['regions'][number] {
  return {
    code,
    name: { ru, en },
    timeZone,
    keyGroup: o.keyGroup ?? 'main',
    languages,
    mode: o.moscow === true ? 'moscow' : 'standard',
    precincts: o.precinct === undefined ? [] : [{ number: '1', addresses: [o.precinct] }],
  };
}
