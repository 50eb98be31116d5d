// The identity side of voting (apps/server/src/voting/routes.ts): status, the conditions (P-6.6),
// the SMS code (P-6.7, P-6.8) and the blind signature of the device's credential (P-6.9).
import { requestJson } from '../api.ts';

import type { VotingStatusView } from '../../../server/src/voting/routes.ts';

export type { VotingStatusView };

export interface ConditionsView {
  readonly version: string;
  readonly sections: readonly {
    readonly title: { ru: string; en: string };
    readonly text: { ru: string; en: string };
  }[];
}

export interface CodeSentView {
  readonly sentTo: string;
  readonly expiresAt: string;
  readonly resendAfter: string;
}

export const votingApi = {
  status: () => requestJson<VotingStatusView>('GET', '/api/voting/status'),
  conditions: () => requestJson<ConditionsView>('GET', '/api/voting/conditions'),
  confirmConditions: (version: string) =>
    requestJson<{ confirmedAt: string }>('POST', '/api/voting/conditions', { body: { version } }),
  requestCode: () => requestJson<CodeSentView>('POST', '/api/voting/code', { body: {} }),
  confirmCode: (code: string) =>
    requestJson<{ confirmedAt: string }>('POST', '/api/voting/code/confirm', { body: { code } }),
  credential: (blindedMessage: string) =>
    requestJson<{ region: string; blindSignature: string; issuedAt: string }>(
      'POST',
      '/api/voting/credential',
      { body: { blindedMessage } },
    ),
};
