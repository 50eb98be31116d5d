// What the applications slice (P-2) needs beside the database: the election it runs, where the
// voter register's data come from, how codes reach a phone, the code pepper, the operator's token.
import type { ElectionConfig } from '@opendeg/deg';
import type { SmsGateway } from '../sms/sms-gateway.ts';
import type { VoterRegister } from './voter-register.ts';

/** An election configuration as stored in the `elections` table. */
export interface LoadedElection {
  readonly id: string;
  readonly config: ElectionConfig;
  /** SHA-256 of the configuration's canonical JSON (RFC 8785), hex. */
  readonly sha256Hex: string;
}

export interface ApplicationsDeps {
  election: LoadedElection;
  voterRegister: VoterRegister;
  sms: SmsGateway;
  /** HMAC key of stored confirmation codes, at least 32 bytes, kept outside the database. */
  codePepper: Uint8Array;
  /**
   * Bearer token of the operator route that runs the daily processing (P-2.6), for a scheduled job
   * without a browser session. Without it the route accepts only an operator's session.
   */
  operatorToken?: string;
}
