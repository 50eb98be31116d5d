// The voter's device side of the protocol (P-5.3, P-6.9), on @opendeg/election in the browser:
// open the manifest, make and certify the one-time credential by blind signature (anonymisation),
// encrypt the choice, challenge an encryption (Benaloh) and check its opening, sign the ballot.
// Nothing secret leaves the device: only the blinded message and the signed, encrypted ballot do.
import {
  castBallot,
  challengeVote,
  encryptVote,
  finishCredential,
  openElection,
  parseManifest,
  requestCredential,
  verifyChallengedVote,
  type BallotJson,
  type ChallengedVoteJson,
  type Credential,
  type Election,
  type EncryptedVote,
  type PendingCredential,
  type Selection,
} from '@opendeg/election';
import { fromBase64, toBase64 } from '@opendeg/crypto';

export type { BallotJson, ChallengedVoteJson, Election, EncryptedVote, Selection };

/** The manifest as the ballot box publishes it, checked and decoded (noble backend: no WebAssembly). */
export async function loadElection(manifestJson: unknown): Promise<Election<unknown>> {
  return openElection(parseManifest(manifestJson), { backend: 'noble' });
}

/** PendingCredential in a form that survives a reload (JSON: hex and base64). */
export interface StoredPending {
  readonly region: string;
  readonly secretKey: string;
  readonly publicKey: string;
  readonly prefix: string;
  readonly state: { readonly variant: string; readonly preparedMsg: string; readonly inv: string };
}

export interface StoredCredential {
  readonly secretKey: string;
  readonly certificate: Credential['certificate'];
}

function storePending(p: PendingCredential): StoredPending {
  return {
    region: p.region,
    secretKey: p.secretKey.toString(16),
    publicKey: p.publicKey,
    prefix: toBase64(p.prefix),
    state: {
      variant: p.state.variant,
      preparedMsg: toBase64(p.state.preparedMsg),
      inv: toBase64(p.state.inv),
    },
  };
}

function loadPending(s: StoredPending): PendingCredential {
  return {
    region: s.region,
    secretKey: BigInt(`0x${s.secretKey}`),
    publicKey: s.publicKey,
    prefix: fromBase64(s.prefix),
    state: {
      variant: s.state.variant as PendingCredential['state']['variant'],
      preparedMsg: fromBase64(s.state.preparedMsg),
      inv: fromBase64(s.state.inv),
    },
  };
}

/** Step 1 of anonymisation: a fresh credential key and the blinded message for the identity side. */
export async function startCredential(
  election: Election<unknown>,
  region: string,
): Promise<{ blindedMessage: string; pending: StoredPending }> {
  const { blindedMessage, pending } = await requestCredential(election, region);
  return { blindedMessage: toBase64(blindedMessage), pending: storePending(pending) };
}

/** Step 2: unblind the issuer's signature; fails if it does not verify under the region's key. */
export async function completeCredential(
  election: Election<unknown>,
  pending: StoredPending,
  blindSignature: string,
): Promise<StoredCredential> {
  const c = await finishCredential(election, loadPending(pending), fromBase64(blindSignature));
  return { secretKey: c.secretKey.toString(16), certificate: c.certificate };
}

export function encrypt(
  election: Election<unknown>,
  region: string,
  selections: readonly Selection[],
): EncryptedVote<unknown> {
  return encryptVote(election, region, selections);
}

/** The ballot to send: the encrypted vote, the certificate and the credential's signature. */
export function sign(
  election: Election<unknown>,
  vote: EncryptedVote<unknown>,
  credential: StoredCredential,
): BallotJson {
  return castBallot(election, vote.json, {
    secretKey: BigInt(`0x${credential.secretKey}`),
    certificate: credential.certificate,
  });
}

/** Benaloh challenge: the opening, checked on the device as anyone else could check it. */
export function challenge(
  election: Election<unknown>,
  vote: EncryptedVote<unknown>,
): { challenged: ChallengedVoteJson; check: ReturnType<typeof verifyChallengedVote> } {
  const challenged = challengeVote(election.group, vote);
  return { challenged, check: verifyChallengedVote(election, challenged) };
}
