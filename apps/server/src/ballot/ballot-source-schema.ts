// The ballot's source data (packages/deg BallotSource, P-4.1, P-4.2) as a TypeBox schema: the shape
// of ballot/source.json in the data centre's bundle and of the update the API takes (P-4.3). The same
// schema checks both, so a file the bundle loads and a body the API accepts are one format.
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { BallotSource } from '@opendeg/deg';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const Language = Type.String({ pattern: '^[a-z]{2,3}$' });

const Translation = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 300 }), info: Type.String({ maxLength: 4000 }) },
  { additionalProperties: false },
);

export const CandidateSchema = Type.Object(
  {
    id: Id,
    /** Full name as on the paper ballot, Russian. */
    name: Type.String({ minLength: 1, maxLength: 300 }),
    /** Year of birth, occupation, nomination … as the ballot prints them. */
    info: Type.String({ maxLength: 4000 }),
    /** P-4.1: by language code, where a region decided so. */
    translations: Type.Optional(Type.Record(Language, Translation)),
  },
  { title: 'BallotCandidate', additionalProperties: false },
);

export const BallotSourceSchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    title: Type.String({ minLength: 1, maxLength: 1000 }),
    instructions: Type.String({ minLength: 1, maxLength: 10_000 }),
    candidates: Type.Array(CandidateSchema, { maxItems: 200 }),
  },
  { title: 'BallotSource', additionalProperties: false },
);
export type BallotSourceBody = Static<typeof BallotSourceSchema>;

/** The deg type from the checked wire shape (translations only where present). */
export function toBallotSource(body: BallotSourceBody): BallotSource {
  return {
    version: body.version,
    title: body.title,
    instructions: body.instructions,
    candidates: body.candidates.map((c) => ({
      id: c.id,
      name: c.name,
      info: c.info,
      ...(c.translations !== undefined ? { translations: c.translations } : {}),
    })),
  };
}

/** A ballot/source.json file's text: the source data, or the first problems found in it. */
export function parseBallotSourceFile(
  text: string,
): { ok: true; source: BallotSource } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [`not JSON: ${(e as Error).message}`] };
  }
  if (!Value.Check(BallotSourceSchema, json)) {
    return {
      ok: false,
      problems: [...Value.Errors(BallotSourceSchema, json)]
        .slice(0, 10)
        .map((e) => `${e.instancePath === '' ? '/' : e.instancePath}: ${e.message}`),
    };
  }
  return { ok: true, source: toBallotSource(json) };
}
