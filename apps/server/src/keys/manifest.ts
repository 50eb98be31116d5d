// The election manifest (packages/election) built from what the Procedure fixed before voting: the
// configuration (regions, their IANA time zones and key groups, P-5.2, P-6.1), each key group's
// threshold key from its ceremony (P-5.2–P-5.4), the ballot from its source data (P-4.1, P-4.2) and
// each region's issuer public key of the blind signatures (P-6.9). Pure: the caller fetches the parts.
import type { BallotSource, ElectionConfig } from '@opendeg/deg';
import {
  ElectionError,
  MANIFEST_FORMAT,
  parseManifest,
  type BallotStyleDef,
  type ElectionManifest,
  type KeyGroupDef,
} from '@opendeg/election';

/** The one ballot style of a DEG election: one question, one mark; an unmarked ballot is the blank choice. */
export const BALLOT_STYLE_ID = 'ballot';
export const QUESTION_ID = 'choice';

/** P-6.9: the voter marks one square; the blank choice stands for an invalid (unmarked) ballot (P-7.9). */
export function ballotStyle(source: BallotSource): BallotStyleDef {
  return {
    id: BALLOT_STYLE_ID,
    title: { ru: source.title },
    questions: [
      {
        id: QUESTION_ID,
        text: { ru: source.instructions },
        options: source.candidates.map((c) => ({ id: c.id, label: { ru: c.name } })),
        min: 1,
        max: 1,
        blank: true,
      },
    ],
  };
}

export type ManifestBuild = { ok: true; manifest: ElectionManifest } | { ok: false; problem: string };

/** Builds and parses the manifest; a part that does not fit (a missing key, a bad id) is a problem. */
export function buildManifest(
  config: ElectionConfig,
  keyGroups: readonly KeyGroupDef[],
  source: BallotSource,
  issuerKeys: ReadonlyMap<string, string>,
): ManifestBuild {
  const missing = config.regions.filter((r) => issuerKeys.get(r.code) === undefined).map((r) => r.code);
  if (missing.length > 0) return { ok: false, problem: `no issuer key for regions ${missing.join(', ')}` };
  if (source.candidates.length === 0) return { ok: false, problem: 'the ballot has no candidates' };
  const draft = {
    format: MANIFEST_FORMAT,
    electionId: config.electionId,
    kind: config.kind,
    title: config.title,
    suite: config.suite,
    keyGroups: config.keyGroups.map((k) => keyGroups.find((d) => d.id === k.id)),
    ballotStyles: [ballotStyle(source)],
    regions: config.regions.map((r) => ({
      code: r.code,
      name: r.name,
      timeZone: r.timeZone,
      keyGroup: r.keyGroup,
      ballotStyle: BALLOT_STYLE_ID,
      issuerKey: issuerKeys.get(r.code),
    })),
  };
  try {
    return { ok: true, manifest: parseManifest(JSON.parse(JSON.stringify(draft))) };
  } catch (e) {
    if (e instanceof ElectionError) return { ok: false, problem: e.message };
    throw e;
  }
}
