// Shared fixtures: a DEG-shaped ballot (one question, exactly one mark, optional blank), two regions
// in two key groups as in 2024 (Kaliningrad alone in the late key group, P-5.2), a credential the
// test keeps the secret of, and a compact view of a verification report for exact comparisons.
import { blindSign } from '@opendeg/crypto/node';
import { finishCredential, requestCredential } from '../src/credential.ts';
import type { Credential } from '../src/credential.ts';
import type { BallotStyleDef } from '../src/manifest.ts';
import type { SimulatedElection, SimulationRegion } from '../src/testing/simulate.ts';
import type { VerificationReport } from '../src/verify.ts';

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

/**
 * A credential whose secret key the test keeps (simulate's `vote` keeps it to itself): tests that
 * play a malicious or careless device need it to sign ballots of their own making.
 */
export async function issueCredential(sim: SimulatedElection, region: string): Promise<Credential> {
  const issuer = sim.issuers.get(region);
  if (issuer === undefined) throw new Error(`no issuer for region ${region}`);
  const { blindedMessage, pending } = await requestCredential(sim.election, region);
  return finishCredential(sim.election, pending, blindSign(issuer, blindedMessage));
}

/** The failed checks of a report as `ID` or `ID/B.x@where` strings, sorted: easy to compare exactly. */
export function failedChecks(report: VerificationReport): string[] {
  return report.checks
    .flatMap((c) =>
      c.failures.map((f) =>
        f.check === c.id && f.where === undefined
          ? c.id
          : `${c.id}${f.check === c.id ? '' : `/${f.check}`}${f.where === undefined ? '' : `@${f.where}`}`,
      ),
    )
    .sort();
}
