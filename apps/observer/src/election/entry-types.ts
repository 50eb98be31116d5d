/**
 * The ledger entries an observer node expects from the ballot box's log (RFC 8785 JSON with a
 * `type`), as apps/server writes them (keys/manifest-routes.ts, keys/ceremony-routes.ts,
 * ballot-box/box-writer.ts, closing/) and as the close of voting publishes them:
 *
 *   key-ceremony     a key group's public key, commitments and proofs (P-5.2), before the manifest
 *   manifest         the election manifest (`sha256` of its canonical JSON), which opens the election
 *   ballot           a cast ballot (`sha256` of its canonical JSON), counted (P-6.10)
 *   challenged       a challenged (Benaloh) vote with its opening, never counted
 *   verification     a verification transaction an observer wrote (P-11.10.4): kept, never counted
 *   tally            { tally: RegionTallyJson }: a region's closed aggregates, with the final lists
 *   decryption       { decryption: RegionDecryptionJson }: a region's decryption shares with proofs
 *   result           { result: RegionResultJson }: a region's counts
 *   final-lists      { keyGroup, sha256, regions: [{ region, onList, ballotsIssued }] }: the final
 *                    lists' numbers (lines 1–2 of Appendix 4) and the hash of the document the
 *                    chairman and the secretary sign (P-7.3)
 *   partial-decryption  { keyGroup, region, index, values }: one key part's checked shares (P-7.7)
 *   protocol         { sha256, publishedAt, region, lines: [{ line, value, candidate? }],
 *                    invalidated? }: one region's lines of the published protocol (P-7.9), checked
 *                    line by line against the node's replica (protocol-check.ts, L.1–L.6)
 *   invalidation     { region, decision, at }: a region's results declared invalid (P-7.10)
 * The close's entries are written by apps/server closing/ (closing-context.ts appendLedger), one
 * per region so that each stays under 65,535 bytes; none carries personal data.
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

/**
 * Entry checks beyond the ballot (B.*) and record (V.*) checks of @opendeg/election; the protocol's
 * line checks (L.1–L.6) are PROTOCOL_CHECKS of protocol-check.ts.
 */
export const ENTRY_CHECKS = {
  'E.1': 'a typed JSON entry',
  'E.2': 'one manifest, before any ballot',
  'E.3': 'the manifest agrees with the key ceremonies',
  'E.4': 'the sha256 member is the hash of the canonical content',
  'E.5': 'a challenged vote opens correctly and was not cast',
  'E.6': 'the published tallies are the node’s own aggregates',
  'E.7': 'every region with ballots has its tally, decryption and result',
} as const;
