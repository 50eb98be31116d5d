// What the voting slice (P-6.3–P-6.9) needs beside the database: the election it runs, how codes
// reach a phone and the pepper they are stored under, the issuer keys, and how an account is
// found on a participant list.
import type { LoadedElection } from '../applications/deps.ts';
import type { SmsGateway } from '../sms/sms-gateway.ts';
import type { IssuerKeys } from './issuer-keys.ts';
import type { ParticipantDirectory } from './participant-directory.ts';

export interface VotingDeps {
  election: LoadedElection;
  sms: SmsGateway;
  /** HMAC key of stored confirmation codes, at least 32 bytes, kept outside the database. */
  codePepper: Uint8Array;
  /** The regions' blind-signature keys, sealed under the server's secret (issuer-keys.ts). */
  issuerKeys: IssuerKeys;
  /** Default: the accepted application's id is the participant id (participant-directory.ts). */
  participants?: ParticipantDirectory;
}
