// Shared fixtures: a DEG-shaped ballot (one question, exactly one mark, optional blank) and two
// regions in two key groups, as in 2024 (Kaliningrad alone in the late key group, P-5.2).
import type { BallotStyleDef } from '../src/manifest.ts';
import type { SimulationRegion } from '../src/testing/simulate.ts';

export const DEG_BALLOT: BallotStyleDef = {
  id: 'federal',
  title: { ru: 'Выборы Президента Российской Федерации', en: 'Presidential election' },
  questions: [
    {
      id: 'president',
      text: { ru: 'Отметьте одного кандидата', en: 'Mark one candidate' },
      options: [
        { id: 'a', label: { ru: 'Кандидат А', en: 'Candidate A' } },
        { id: 'b', label: { ru: 'Кандидат Б', en: 'Candidate B' } },
        { id: 'c', label: { ru: 'Кандидат В', en: 'Candidate C' } },
      ],
      min: 1,
      max: 1,
      blank: true,
    },
  ],
};

export const REGIONS: SimulationRegion[] = [
  { code: '77', name: 'Москва', timeZone: 'Europe/Moscow', keyGroup: 'main' },
  { code: '39', name: 'Калининградская область', timeZone: 'Europe/Kaliningrad', keyGroup: 'kaliningrad' },
];
