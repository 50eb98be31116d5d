// The voter's progress kept on the device, so that a reload or a lost connection at any step
// resumes safely (seeds 002/003: no lost vote, no second vote). Written before each request that
// depends on it (write-ahead): the pending credential (with the blinded message, so the identity
// side returns the same signature again), the certified credential, the signed ballot until its
// receipt arrives. The plaintext choice and the encryption randomness are never stored. Once the
// receipt is here the credential's secret key and the ballot are deleted; the receipt stays.
//
// localStorage, not sessionStorage: it survives a closed tab or a crashed browser, and a second tab
// of the same voter sees the same progress (it resumes or shows the receipt, never starts over).
import type { BallotJson, StoredCredential, StoredPending } from './ballot-crypto.ts';
import type { BoxReceipt } from './box-api.ts';

export interface ReceiptView {
  /** The tracker: hash (hex) and the code a person reads aloud. */
  readonly tracker: { readonly hash: string; readonly code: string };
  /** The ballot box's receipt: leaf index, inclusion proof, signed checkpoint. */
  readonly box: BoxReceipt;
  readonly receivedAt: string;
}

export interface Progress {
  readonly version: 1;
  readonly region: string;
  readonly pending?: StoredPending & { readonly blindedMessage: string };
  readonly credential?: StoredCredential;
  readonly ballot?: BallotJson;
  readonly tracker?: { readonly hash: string; readonly code: string };
  readonly receipt?: ReceiptView;
}

function keyOf(electionId: string, subject: string): string {
  return `opendeg.vote.${electionId}.${subject}`;
}

export function loadProgress(electionId: string, subject: string): Progress | undefined {
  try {
    const text = localStorage.getItem(keyOf(electionId, subject));
    if (text === null) return undefined;
    const p = JSON.parse(text) as { version?: unknown };
    return p.version === 1 ? (p as Progress) : undefined;
  } catch {
    return undefined;
  }
}

/** Throws if the device cannot store it: better to stop before a request than to lose a vote. */
export function saveProgress(electionId: string, subject: string, progress: Progress): void {
  localStorage.setItem(keyOf(electionId, subject), JSON.stringify(progress));
}
