/**
 * A whole simulated election, for tests, benchmarks and `opendeg demo`: key ceremony per key group
 * (dealer or dealer-free), issuer keys per region, voters who get blind-signed credentials and vote
 * (some challenging first), the running tallies, decryption by K holders, and the record.
 * Node-only (the issuer signs with Node's RSA).
 *
 * belenios-2048 (issue 4): the key ceremony of each key group is Belenios's Pedersen protocol
 * (`beleniosThresholdSetup`, bound to OpenDEG's key-ceremony context, so its threshold key passes V.2),
 * each region gets a Belenios uuid, and voters cast Belenios ballots (`voteBelenios`).
 */

import { dealKey, dkgCombine, dkgDeal, loadGroup, toBase64 } from '@opendeg/crypto';
import type { Backend, SecretShare, SuiteId, ThresholdPublicKey } from '@opendeg/crypto';
import { blindSign, exportIssuerPublicKeySpki, generateIssuerKey } from '@opendeg/crypto/node';
import type { KeyObject } from 'node:crypto';
import { castBallot, challengeVote, encryptVote } from '../ballot.ts';
import type { BallotJson, ChallengedVoteJson, Selection } from '../ballot.ts';
import { beleniosThresholdSetup, generateBeleniosUuid } from '../belenios/index.ts';
import { castBeleniosBallot, challengeBeleniosVote, encryptBeleniosVote } from '../belenios-vote.ts';
import type {
  AnyBallotJson,
  AnyChallengedVoteJson,
  BeleniosBallotJson,
  ChallengedBeleniosVoteJson,
} from '../belenios-vote.ts';
import { encodeChallengeResponse, encodeElementHex } from '../codec.ts';
import { finishCredential, requestCredential } from '../credential.ts';
import type { Credential } from '../credential.ts';
import { decryptKeyGroup, decryptKeyGroupAssembled } from '../decrypt.ts';
import type { RegionDecryptionJson, RegionResultJson } from '../decrypt.ts';
import { keyCeremonyContext, MANIFEST_FORMAT, openElection, parseManifest } from '../manifest.ts';
import type { BallotStyleDef, Election, ElectionManifest, KeyGroupDef, RegionDef } from '../manifest.ts';
import type { ElectionRecordOut } from '../record.ts';
import { RegionTally } from '../tally.ts';
import { LocalTrustee } from '../trustee.ts';
import { validateBallot } from '../validate.ts';

export interface SimulationRegion {
  readonly code: string;
  readonly name: string;
  readonly timeZone: string;
  readonly keyGroup: string;
}

export interface SimulationConfig {
  readonly electionId?: string;
  readonly suite?: SuiteId;
  readonly backend?: Backend;
  readonly regions: readonly SimulationRegion[];
  readonly ballotStyle: BallotStyleDef;
  readonly threshold: { readonly n: number; readonly k: number };
  readonly dealerFree?: boolean;
  /** RSA modulus of the issuer keys (2048 keeps tests fast). */
  readonly issuerBits?: 2048 | 3072;
}

export interface SimulatedElection {
  readonly manifest: ElectionManifest;
  readonly election: Election<unknown>;
  readonly parts: ReadonlyMap<string, readonly SecretShare[]>;
  readonly issuers: ReadonlyMap<string, KeyObject>;
}

/** The key ceremony and the manifest. */
export async function setUpElection(config: SimulationConfig): Promise<SimulatedElection> {
  const suite = config.suite ?? 'ristretto255';
  const electionId = config.electionId ?? 'test-election';
  const g = await loadGroup(suite, config.backend ?? 'auto');
  const groups = [...new Set(config.regions.map((r) => r.keyGroup))];
  const keyGroups: KeyGroupDef[] = [];
  const parts = new Map<string, SecretShare[]>();
  for (const id of groups) {
    const ctx = keyCeremonyContext(electionId, suite, id);
    let key: ThresholdPublicKey<unknown>;
    let shares: SecretShare[];
    let belenios: KeyGroupDef['belenios'];
    if (suite === 'belenios-2048') {
      // Dealer-free by nature: one ceremony gives the Belenios trustees and OpenDEG's threshold key.
      const setup = beleniosThresholdSetup(config.threshold, ctx);
      key = setup.publicKey;
      shares = [...setup.shares];
      belenios = { trustees: setup.trustees };
    } else if (config.dealerFree === true) {
      const dealings = Array.from({ length: config.threshold.n }, (_, i) =>
        dkgDeal(g, ctx, config.threshold, i + 1),
      );
      const commitments = dealings.map((d) => d.commitment);
      shares = [];
      let pk: ThresholdPublicKey<unknown> | undefined;
      for (let i = 1; i <= config.threshold.n; i++) {
        const out = dkgCombine(
          g,
          ctx,
          config.threshold,
          i,
          commitments,
          dealings.map((d) => d.shares[i - 1] as SecretShare),
        );
        shares.push(out.share);
        pk = out.publicKey;
      }
      if (pk === undefined) throw new Error('unreachable: no DKG output');
      key = pk;
    } else {
      const dealt = dealKey(g, ctx, config.threshold);
      key = dealt.publicKey;
      shares = [...dealt.shares];
    }
    parts.set(id, shares);
    keyGroups.push({
      id,
      threshold: key.params,
      publicKey: encodeElementHex(g, key.publicKey),
      commitments: key.commitments.map((v) => v.map((e) => encodeElementHex(g, e))),
      proofs: key.proofs.map((p) => encodeChallengeResponse(g, p)),
      ...(belenios === undefined ? {} : { belenios }),
    });
  }
  const issuers = new Map<string, KeyObject>();
  const regions: RegionDef[] = [];
  for (const r of config.regions) {
    const { privateKey, publicKey } = await generateIssuerKey(config.issuerBits ?? 2048);
    issuers.set(r.code, privateKey);
    regions.push({
      code: r.code,
      name: { ru: r.name },
      timeZone: r.timeZone,
      keyGroup: r.keyGroup,
      ballotStyle: config.ballotStyle.id,
      issuerKey: toBase64(exportIssuerPublicKeySpki(publicKey)),
      ...(suite === 'belenios-2048' ? { belenios: { uuid: generateBeleniosUuid() } } : {}),
    });
  }
  const manifest = parseManifest({
    format: MANIFEST_FORMAT,
    electionId,
    kind: 'training',
    title: { ru: 'Тренировочное голосование', en: 'Training run' },
    suite,
    keyGroups,
    ballotStyles: [config.ballotStyle],
    regions,
  });
  const election = await openElection(
    manifest,
    config.backend === undefined ? {} : { backend: config.backend },
  );
  return { manifest, election, parts, issuers };
}

/** One voter: a credential from the region's issuer (blind), an encrypted vote, optionally challenged first. */
export async function vote(
  sim: SimulatedElection,
  region: string,
  selections: readonly Selection[],
  options: { challengeFirst?: readonly Selection[] } = {},
): Promise<{ ballot: BallotJson; challenged?: ChallengedVoteJson }> {
  if (sim.manifest.suite === 'belenios-2048')
    throw new Error('simulation: a belenios-2048 election votes with voteBelenios');
  const credential = await certifiedCredential(sim, region);
  let challenged: ChallengedVoteJson | undefined;
  if (options.challengeFirst !== undefined) {
    challenged = challengeVote(sim.election.group, encryptVote(sim.election, region, options.challengeFirst));
  }
  const v = encryptVote(sim.election, region, selections);
  const ballot = castBallot(sim.election, v.json, credential);
  return challenged === undefined ? { ballot } : { ballot, challenged };
}

/** A one-time credential blind-signed by the region's issuer. */
async function certifiedCredential(sim: SimulatedElection, region: string): Promise<Credential> {
  const issuer = sim.issuers.get(region);
  if (issuer === undefined) throw new Error(`no issuer for ${region}`);
  const { blindedMessage, pending } = await requestCredential(sim.election, region);
  return finishCredential(sim.election, pending, blindSign(issuer, blindedMessage));
}

/**
 * One voter of a belenios-2048 election: a certified credential, then a Belenios ballot made with it.
 * A challenged ballot is made with the same credential (Belenios signs at encryption) and is never
 * cast: the ballot box refuses its tracker (B.10).
 */
export async function voteBelenios(
  sim: SimulatedElection,
  region: string,
  selections: readonly Selection[],
  options: { challengeFirst?: readonly Selection[] } = {},
): Promise<{ ballot: BeleniosBallotJson; challenged?: ChallengedBeleniosVoteJson }> {
  const credential = await certifiedCredential(sim, region);
  let challenged: ChallengedBeleniosVoteJson | undefined;
  if (options.challengeFirst !== undefined) {
    challenged = challengeBeleniosVote(
      encryptBeleniosVote(sim.election, region, options.challengeFirst, credential),
    );
  }
  const v = encryptBeleniosVote(sim.election, region, selections, credential);
  const ballot = castBeleniosBallot(v.json, credential);
  return challenged === undefined ? { ballot } : { ballot, challenged };
}

export interface CloseOptions {
  readonly holders?: readonly number[];
  readonly assemble?: boolean;
}

/** The ballot box's side: validate and tally; then decrypt with the first K holders; the record. */
export async function closeElection(
  sim: SimulatedElection,
  ballots: readonly BallotJson[],
  challenged: readonly ChallengedVoteJson[],
  options?: CloseOptions,
): Promise<ElectionRecordOut>;
export async function closeElection(
  sim: SimulatedElection,
  ballots: readonly BeleniosBallotJson[],
  challenged: readonly ChallengedBeleniosVoteJson[],
  options?: CloseOptions,
): Promise<ElectionRecordOut<BeleniosBallotJson, ChallengedBeleniosVoteJson>>;
export async function closeElection<B extends AnyBallotJson, C extends AnyChallengedVoteJson>(
  sim: SimulatedElection,
  ballots: readonly B[],
  challenged: readonly C[],
  options: CloseOptions = {},
): Promise<ElectionRecordOut<B, C>> {
  const { election } = sim;
  const g = election.group;
  const tallies = new Map<string, RegionTally<unknown>>();
  for (const [code, r] of election.regions) tallies.set(code, new RegionTally(g, code, r.style));
  const used = new Set<string>();
  const accepted: B[] = [];
  for (const b of ballots) {
    const r = await validateBallot(election, b, { isCredentialUsed: (id) => used.has(id) });
    if (!r.ok) throw new Error(`simulation: ballot rejected: ${JSON.stringify(r.failures)}`);
    used.add(r.ballot.credentialId);
    tallies.get(r.ballot.region.def.code)?.add(r.ballot.answers);
    accepted.push(b);
  }
  const decryptions: RegionDecryptionJson[] = [];
  const results: RegionResultJson[] = [];
  for (const [id] of election.keyGroups) {
    const mine = [...tallies.values()].filter(
      (t) => election.regions.get(t.region)?.def.keyGroup === id && t.ballots > 0,
    );
    const parts = sim.parts.get(id) ?? [];
    const k = election.keyGroups.get(id)?.key.params.k ?? 0;
    const chosen = (options.holders ?? parts.map((p) => p.index)).slice(
      0,
      options.assemble === true ? k : undefined,
    );
    const holders = parts.filter((p) => chosen.includes(p.index));
    const out =
      options.assemble === true
        ? decryptKeyGroupAssembled(election, id, mine, holders)
        : await decryptKeyGroup(
            election,
            id,
            mine,
            holders.map((p) => new LocalTrustee(g, p)),
          );
    decryptions.push(...out.decryptions);
    results.push(...out.results);
  }
  return {
    manifest: sim.manifest,
    ballots: accepted,
    challenged,
    tallies: [...tallies.values()].filter((t) => t.ballots > 0).map((t) => t.toJson()),
    decryptions,
    results,
  };
}
