// Stable API errors of the ballot box (P-6.1, P-6.10) and its receipts.
import type { CheckFailure } from '@opendeg/election';
import { ApiError } from '../errors.ts';
import type { Outcome } from './box-writer.ts';

const failures = (list: readonly CheckFailure[]): { check: string; message: string }[] =>
  list.map((f) => ({ check: f.check, message: f.message }));

export const boxErrors = {
  notReady: (): ApiError =>
    new ApiError(
      'MANIFEST_NOT_FIXED',
      409,
      'Описание выборов ещё не зафиксировано: ящик не принимает бюллетени / ' +
        'The election manifest is not fixed yet: the ballot box takes no ballots',
    ),
  notOpen: (region: string, opens: Date, closes: Date): ApiError =>
    new ApiError(
      'VOTING_NOT_OPEN',
      409,
      `Голосование в субъекте ${region} идёт с ${opens.toISOString()} до ${closes.toISOString()} (п. 6.1) / ` +
        `Voting in region ${region} runs from ${opens.toISOString()} to ${closes.toISOString()} (P-6.1)`,
    ),
  rejected: (list: readonly CheckFailure[]): ApiError =>
    new ApiError(
      'BALLOT_REJECTED',
      422,
      `Бюллетень не прошёл проверку: ${list.map((f) => f.check).join(', ')} / ` +
        `The ballot failed checks ${list.map((f) => f.check).join(', ')}`,
      { failures: failures(list) },
    ),
  credentialUsed: (): ApiError =>
    new ApiError(
      'CREDENTIAL_USED',
      409,
      'С этим бюллетенем уже проголосовали; повторное волеизъявление не допускается (п. 6.10) / ' +
        'This credential has already voted; no second vote (P-6.10)',
      { failures: [{ check: 'B.6', message: 'this credential has already voted' }] },
    ),
  challengeRejected: (list: readonly CheckFailure[]): ApiError =>
    new ApiError(
      'CHALLENGE_REJECTED',
      422,
      `Проверенный бюллетень не прошёл проверку: ${list.map((f) => f.check).join(', ')} / ` +
        `The challenged vote failed checks ${list.map((f) => f.check).join(', ')}`,
      { failures: failures(list) },
    ),
  trackerCast: (): ApiError =>
    new ApiError(
      'TRACKER_ALREADY_CAST',
      409,
      'Бюллетень с этим кодом уже опущен: его раскрытие не публикуется / ' +
        'A ballot with this tracker was cast: its opening is not published',
    ),
  receiptNotFound: (): ApiError =>
    new ApiError('RECEIPT_NOT_FOUND', 404, 'Бюллетень с таким кодом не найден / No ballot with this tracker'),
  unavailable: (): ApiError =>
    new ApiError(
      'BALLOT_BOX_UNAVAILABLE',
      503,
      'Ящик временно не принимает бюллетени; повторите отправку / The ballot box is unavailable; send again',
    ),
};

/** The API error of a submission the sequencer did not accept. */
export function refusal(o: Exclude<Outcome, { kind: 'accepted' }>): ApiError {
  switch (o.kind) {
    case 'credential-used':
      return boxErrors.credentialUsed();
    case 'tracker-challenged':
      return boxErrors.rejected([{ check: 'B.10', message: 'this vote was challenged and revealed' }]);
    case 'tracker-cast':
      return boxErrors.trackerCast();
    case 'unavailable':
      return boxErrors.unavailable();
    default:
      return unreachable(o);
  }
}

function unreachable(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
