// A key-part holder's partial decryptions, made in this browser (P-7.6, P-7.7): the holder's part
// file is opened here with the passphrase, the part decrypts each region's closed tally with a DLEQ
// proof per value, and only the shares and proofs go to the server, which checks every one against
// the part's verification key. The part and the passphrase never leave this page; the part lives
// only inside `holderShares`.
import { CryptoError } from '@opendeg/crypto';
// By path, not through the package index: see vite.config.ts (the voting bundle stays without it).
import { openKeyPart } from '../../../../packages/crypto/src/key-part-file.ts';
import {
  encodeChallengeResponse,
  encodeElementHex,
  LocalTrustee,
  openElection,
  parseManifest,
  RegionTally,
} from '@opendeg/election';
import { requestJson } from '../api.ts';
import type { SharesBody, Tallies } from './closing-api.ts';

export class KeyPartRefused extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = 'KeyPartRefused';
  }
}

/** The holder's shares of every region of the group, in the order of the tallies. */
export async function holderShares(
  keyGroup: string,
  tallies: Tallies,
  file: string,
  passphrase: string,
): Promise<SharesBody> {
  const manifest = await requestJson<unknown>('GET', '/api/election/manifest');
  const election = await openElection(parseManifest(manifest), { backend: 'noble' });
  if (election.hashHex !== tallies.electionHash) throw new KeyPartRefused('ELECTION_MISMATCH');
  const g = election.group;
  let trustee: LocalTrustee<unknown>;
  try {
    const opened = await openKeyPart(file, passphrase, {
      electionId: election.manifest.electionId,
      keyGroup,
    });
    trustee = new LocalTrustee(g, {
      index: opened.metadata.partIndex,
      secret: g.decodeScalar(opened.secret),
    });
    opened.secret.fill(0);
  } catch (e) {
    if (e instanceof CryptoError) throw new KeyPartRefused(e.code);
    throw e;
  }
  const regions: SharesBody['regions'] = {};
  for (const t of tallies.tallies) {
    const style = election.regions.get(t.region)?.style;
    if (style === undefined) throw new KeyPartRefused('REGION_NOT_IN_MANIFEST');
    const tally = RegionTally.fromJson(g, style, t);
    const made = await trustee.decrypt(election.hash, tally.aggregates.flat());
    let i = 0;
    regions[t.region] = tally.aggregates.map((row) =>
      row.map(() => {
        const s = made[i++];
        if (s === undefined) throw new Error('a share is missing');
        return { share: encodeElementHex(g, s.share), proof: encodeChallengeResponse(g, s.proof) };
      }),
    );
  }
  return { index: trustee.index, regions };
}
