/**
 * The ledger entries an observer node expects from the ballot box's log (RFC 8785 JSON with a
 * `type`), as apps/server writes them (keys/manifest-routes.ts, keys/ceremony-routes.ts,
 * ballot-box/box-writer.ts) and as the close of voting publishes them:
 *
 *   key-ceremony     a key group's public key, commitments and proofs (P-5.2), before the manifest
 *   manifest         the election manifest (`sha256` of its canonical JSON), which opens the election
 *   ballot           a cast ballot (`sha256` of its canonical JSON), counted (P-6.10)
 *   challenged       a challenged (Benaloh) vote with its opening, never counted
 *   verification     a verification transaction an observer wrote (P-11.10.4): kept, never counted
 *   tally            a region's published aggregates (RegionTallyJson)
 *   decryption       a region's decryption shares with proofs (RegionDecryptionJson)
 *   result           a region's counts (RegionResultJson)
 *   protocol, final-lists, partial-decryption, invalidation
 *                    documents of the close (P-7): kept and shown; their content is checked where
 *                    the node can recompute it
 *
 * Anything else is kept and counted as "other": the log is the truth, the node says what it saw.
 */

export const ENTRY_TYPES = [
  'key-ceremony',
  'manifest',
  'ballot',
  'challenged',
  'verification',
  'tally',
  'decryption',
  'result',
  'protocol',
  'final-lists',
  'partial-decryption',
  'invalidation',
] as const;

export type EntryType = (typeof ENTRY_TYPES)[number];

/** The node's verdict on an entry, as stored and queried. */
export type EntryStatus =
  'manifest' | 'counted' | 'rejected' | 'challenged' | 'verification' | 'published' | 'other';

/** Entry checks beyond the ballot (B.*) and record (V.*) checks of @opendeg/election. */
export const ENTRY_CHECKS = {
  'E.1': 'a typed JSON entry',
  'E.2': 'one manifest, before any ballot',
  'E.3': 'the manifest agrees with the key ceremonies',
  'E.4': 'the sha256 member is the hash of the canonical content',
  'E.5': 'a challenged vote opens correctly and was not cast',
  'E.6': 'the published tallies are the node’s own aggregates',
  'E.7': 'every region with ballots has its tally, decryption and result',
} as const;
