// The key ceremony of one key group (P-5.2–P-5.6), apart from HTTP and storage: make the threshold
// key — by the commission's key software as a dealer (P-5.2, the Procedure's literal model) or by
// Pedersen's dealer-free generation run at the ceremony, where each of the N parts is dealt by its
// own polynomial and the whole key is never formed — then write each part to its own key part file
// encrypted under its holder's passphrase (P-5.5), one file a holder (P-5.6). The caller keeps only
// what is public: the key, the commitments, each part's verification key and each file's SHA-256.
import { createHash } from 'node:crypto';
import {
  dealKey,
  dkgCombine,
  dkgDeal,
  sealKeyPart,
  verificationKey,
  verifyPart,
  verifyThresholdPublicKey,
  type Group,
  type ScryptParams,
  type SecretShare,
  type SuiteId,
  type ThresholdParams,
  type ThresholdPublicKey,
} from '@opendeg/crypto';
import { encodeChallengeResponse, encodeElementHex, type KeyGroupDef } from '@opendeg/election';

export type CeremonyMode = 'dealer' | 'dealer-free';

export interface GeneratedKey<E> {
  readonly key: ThresholdPublicKey<E>;
  /** Part i at shares[i − 1]. */
  readonly shares: readonly SecretShare[];
}

/** Makes the key of one key group and checks it against its own public record before use. */
export function generateKey<E>(
  g: Group<E>,
  context: Uint8Array,
  params: ThresholdParams,
  mode: CeremonyMode,
): GeneratedKey<E> {
  let made: GeneratedKey<E>;
  if (mode === 'dealer') {
    const dealt = dealKey(g, context, params);
    made = { key: dealt.publicKey, shares: dealt.shares };
  } else {
    // Round 1: dealer d deals its own polynomial; round 2: holder i combines what it received.
    const dealings = Array.from({ length: params.n }, (_, d) => dkgDeal(g, context, params, d + 1));
    const commitments = dealings.map((d) => d.commitment);
    const shares: SecretShare[] = [];
    let key: ThresholdPublicKey<E> | undefined;
    for (let i = 1; i <= params.n; i++) {
      const received = dealings.map((d) => d.shares[i - 1]).filter((s) => s !== undefined);
      const out = dkgCombine(g, context, params, i, commitments, received);
      shares.push(out.share);
      key = out.publicKey;
    }
    if (key === undefined) throw new Error('key ceremony: no dealer-free output');
    made = { key, shares };
  }
  const checked = verifyThresholdPublicKey(g, context, made.key);
  if (!checked.ok) throw new Error(`key ceremony: the new key fails its own check: ${checked.message}`);
  for (const s of made.shares) {
    if (!verifyPart(g, made.key, s)) throw new Error(`key ceremony: part ${s.index} fails its commitments`);
  }
  return made;
}

/** The key group as the manifest and the ledger state it: public values only, in hex. */
export function keyGroupDef<E>(g: Group<E>, id: string, key: ThresholdPublicKey<E>): KeyGroupDef {
  return {
    id,
    threshold: { n: key.params.n, k: key.params.k },
    publicKey: encodeElementHex(g, key.publicKey),
    commitments: key.commitments.map((v) => v.map((e) => encodeElementHex(g, e))),
    proofs: key.proofs.map((p) => encodeChallengeResponse(g, p)),
  };
}

export interface SealedPart {
  readonly partIndex: number;
  readonly holder: string;
  /** Xᵢ = xᵢ·g, lower-case hex. */
  readonly verificationKey: string;
  /** The key part file's text, for the holder's medium only. */
  readonly file: string;
  readonly sha256Hex: string;
}

export interface SealOptions {
  readonly suite: SuiteId;
  readonly electionId: string;
  readonly keyGroup: string;
  /** Part i goes to holders[i − 1] (the commission's decision, P-5.6). */
  readonly holders: readonly string[];
  /** Each holder's passphrase. */
  readonly passphrases: ReadonlyMap<string, string>;
  readonly scrypt?: ScryptParams;
}

/** P-5.5: each part to its own file, under its holder's passphrase. */
export async function sealParts<E>(
  g: Group<E>,
  made: GeneratedKey<E>,
  options: SealOptions,
): Promise<SealedPart[]> {
  const { n, k } = made.key.params;
  const out: SealedPart[] = [];
  for (const share of made.shares) {
    const holder = options.holders[share.index - 1];
    const passphrase = holder === undefined ? undefined : options.passphrases.get(holder);
    if (holder === undefined || passphrase === undefined)
      throw new Error(`key ceremony: no holder or passphrase for part ${share.index}`);
    const vk = encodeElementHex(g, verificationKey(g, made.key, share.index));
    const file = await sealKeyPart({
      metadata: {
        suite: options.suite,
        electionId: options.electionId,
        keyGroup: options.keyGroup,
        partIndex: share.index,
        n,
        k,
        verificationKey: vk,
        holder,
      },
      secret: g.encodeScalar(share.secret),
      passphrase,
      ...(options.scrypt === undefined ? {} : { scrypt: options.scrypt }),
    });
    out.push({
      partIndex: share.index,
      holder,
      verificationKey: vk,
      file,
      sha256Hex: createHash('sha256').update(file, 'utf8').digest('hex'),
    });
  }
  return out;
}
