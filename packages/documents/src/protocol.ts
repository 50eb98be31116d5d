/**
 * Appendix 4 — the protocol of the commission (ТИК ДЭГ) on the results of remote electronic voting in
 * a region, P-7.9–P-7.10.
 *
 * Lines: (1) participants on the list at the end of voting, (2) ballots to which access was granted,
 * (3) ballots with which participants took part, (4) invalid ballots, (5 …) votes for each registered
 * candidate in ballot order; each in figures and in words. Signed by every present member's electronic
 * signature; for a member who cannot sign the reason is recorded on the protocol, and a protocol that
 * leaves any member without one or the other is refused. A region without applications gets no
 * protocol (P-7.9); a region whose results the commission declared invalid keeps its protocol, marked
 * so (P-7.10), and is not handed on (P-8.4, `results-data.ts`).
 *
 * Control relations checked before a protocol is made: 3 ≤ 2, 4 ≤ 3, and the candidates' votes add up
 * to 3 − 4 (one mark on a valid ballot, as on the presidential ballot).
 */

import {
  checkControlRelations,
  ProtocolError,
  type ElectionConfig,
  type ProtocolErrorCode,
} from '@opendeg/deg';
import type { Content, TableCell } from 'pdfmake';
import type { Built, DocumentFailure, DocumentHeader } from './document.ts';
import { DocumentError, documentHeader, failure, federalRegion } from './document.ts';
import { numberToRussianWords } from './number-words.ts';
import type { CommissionMember } from './officers.ts';
import type { RenderedPart } from './participant-list.ts';
import {
  GREY,
  appendixCaption,
  captioned,
  electionHeader,
  headerCell,
  pageFooter,
  renderPdf,
} from './pdf.ts';
import {
  formatCountRu,
  formatInstantRu,
  formatProtocolMomentRu,
  surnameWithInitials,
} from './russian-text.ts';

/** The lines 1–4 of Appendix 4, worded as in the form. */
export const PROTOCOL_LINES = [
  'Число участников дистанционного электронного голосования, включенных в список участников дистанционного электронного голосования на момент окончания голосования',
  'Число электронных бюллетеней, доступ к которым предоставлен участникам дистанционного электронного голосования',
  'Число электронных бюллетеней, по которым участники дистанционного электронного голосования приняли участие в голосовании',
  'Число недействительных электронных бюллетеней',
] as const;

/** The number of the first candidate line. */
export const FIRST_CANDIDATE_LINE = 5;

export interface BallotCandidate {
  readonly id: string;
  /** Full name as on the ballot. */
  readonly name: string;
}

export interface RegionResults {
  /** Line 1. */
  readonly onList: number;
  /** Line 2. */
  readonly ballotsIssued: number;
  /** Line 3. */
  readonly ballotsCast: number;
  /** Line 4. */
  readonly invalid: number;
  /** Lines 5 …: votes by candidate id. */
  readonly votes: Readonly<Record<string, number>>;
}

/** P-7.9: each member either signs (electronically) or has a recorded reason for not signing. */
export type MemberSigning =
  | { readonly memberId: string; readonly signs: true }
  | { readonly memberId: string; readonly signs: false; readonly reason: string };

/** P-7.10: the commission's decision declaring the region's results invalid. */
export interface Invalidation {
  /** e.g. «решение ТИК ДЭГ от 17.03.2024 № 12/45». */
  readonly decision: string;
  readonly at: Date;
}

export interface ProtocolInput {
  readonly config: ElectionConfig;
  readonly region: string;
  /** Candidates in ballot order (the ballot source data, P-4.2). */
  readonly candidates: readonly BallotCandidate[];
  readonly results: RegionResults;
  /** Every member of the commission, in any order. */
  readonly members: readonly MemberSigning[];
  readonly invalidated?: Invalidation;
  /** The protocol's moment, its last line. */
  readonly generatedAt: Date;
}

export interface ProtocolLine {
  readonly line: number;
  readonly name: string;
  readonly value: number;
  readonly words: string;
  /** On candidate lines. */
  readonly candidateId?: string;
}

export interface ProtocolMember {
  readonly memberId: string;
  readonly role: CommissionMember['role'];
  readonly position: string;
  /** Surname and initials. */
  readonly name: string;
  readonly signs: boolean;
  /** Why the member does not sign; null when the member signs. */
  readonly reason: string | null;
}

export interface ProtocolDocument extends DocumentHeader<'appendix-4'> {
  readonly lines: readonly ProtocolLine[];
  readonly members: readonly ProtocolMember[];
  readonly invalidated: { readonly decision: string; readonly at: string } | null;
  /** «"17" марта 2024 года в 20 часов 15 минут (МСК)». */
  readonly moment: string;
}

const POSITIONS: Readonly<Record<CommissionMember['role'], string>> = {
  chairman: 'Председатель территориальной избирательной комиссии дистанционного электронного голосования',
  deputy: 'Заместитель председателя комиссии',
  secretary: 'Секретарь комиссии',
  member: 'Член комиссии',
};

const ROLE_ORDER: Readonly<Record<CommissionMember['role'], number>> = {
  chairman: 0,
  deputy: 1,
  secretary: 2,
  member: 3,
};

/** P-7.9: every member accounted for — signing, or with a recorded reason. */
export function protocolMembers(
  config: ElectionConfig,
  members: readonly MemberSigning[],
): readonly ProtocolMember[] | DocumentFailure {
  const given = new Map<string, MemberSigning>();
  for (const m of members) {
    if (!config.commission.members.some((c) => c.id === m.memberId)) {
      return failure('UNKNOWN_MEMBER', {
        ru: `${m.memberId} не является членом комиссии`,
        en: `${m.memberId} is not a member of the commission`,
      });
    }
    if (given.has(m.memberId)) {
      return failure('DUPLICATE_MEMBER', {
        ru: `Член комиссии ${m.memberId} указан дважды`,
        en: `Member ${m.memberId} appears twice`,
      });
    }
    given.set(m.memberId, m);
  }
  const out: ProtocolMember[] = [];
  for (const c of config.commission.members) {
    const m = given.get(c.id);
    const reason = m !== undefined && !m.signs ? m.reason.trim() : '';
    if (m === undefined || (!m.signs && reason === '')) {
      return failure('MEMBER_NOT_ACCOUNTED', {
        ru: `${c.fullName}: протокол подписывается каждым присутствующим членом комиссии, а для неподписавшего указывается причина`,
        en: `${c.fullName}: every present member signs the protocol, and a member who does not has a recorded reason`,
      });
    }
    out.push({
      memberId: c.id,
      role: c.role,
      position: POSITIONS[c.role],
      name: surnameWithInitials(c.fullName),
      signs: m.signs,
      reason: m.signs ? null : reason,
    });
  }
  return out.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

/** deg's control-relation codes as this form reports them, with the relation named in both languages. */
const RELATION_FAILURES: Readonly<Partial<Record<ProtocolErrorCode, readonly [string, string]>>> = {
  CAST_EXCEEDS_ISSUED: ['строка 3 ≤ строка 2', 'line 3 ≤ line 2'],
  INVALID_EXCEEDS_CAST: ['строка 4 ≤ строка 3', 'line 4 ≤ line 3'],
  VOTES_DO_NOT_ADD_UP: ['строка 3 − строка 4 = сумма строк 5 и далее', 'line 3 − line 4 = sum of lines 5…'],
};

/** Appendix 4's control relations, by the one rule in @opendeg/deg (`checkControlRelations`). */
function controlRelations(
  candidates: readonly BallotCandidate[],
  r: RegionResults,
): DocumentFailure | undefined {
  const mismatch = failure('CANDIDATES_MISMATCH', {
    ru: 'Число голосов должно быть указано за каждого кандидата из бюллетеня, и только за них',
    en: 'Votes must be given for each candidate on the ballot and for no one else',
  });
  if (new Set(candidates.map((c) => c.id)).size !== candidates.length) return mismatch;
  try {
    checkControlRelations(candidates, {
      region: '',
      onList: r.onList,
      issued: r.ballotsIssued,
      cast: r.ballotsCast,
      invalid: r.invalid,
      votes: r.votes,
    });
    return undefined;
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    if (e.code === 'UNKNOWN_CANDIDATE' || e.code === 'MISSING_CANDIDATE') return mismatch;
    const relation = RELATION_FAILURES[e.code];
    if (relation === undefined) {
      return failure('BAD_COUNT', {
        ru: 'Значения строк протокола — целые неотрицательные числа',
        en: 'Protocol lines hold non-negative integers',
      });
    }
    return failure('CONTROL_RELATION', {
      ru: `Не выполняется контрольное соотношение: ${relation[0]}`,
      en: `A control relation fails: ${relation[1]}`,
    });
  }
}

/** Builds a region's protocol; refused when a member neither signs nor has a reason (P-7.9). */
export function buildProtocol(input: ProtocolInput): Built<ProtocolDocument> {
  const region = federalRegion(input.config, input.region);
  if ('ok' in region) return region;
  const bad = controlRelations(input.candidates, input.results);
  if (bad !== undefined) return bad;
  const members = protocolMembers(input.config, input.members);
  if ('ok' in members) return members;
  if (input.invalidated?.decision.trim() === '') {
    return failure('EMPTY_FIELD', {
      ru: 'Не указано решение о признании итогов недействительными',
      en: 'The decision declaring the results invalid is not named',
    });
  }
  const r = input.results;
  const line = (n: number, name: string, value: number, candidateId?: string): ProtocolLine => ({
    line: n,
    name,
    value,
    words: numberToRussianWords(value),
    ...(candidateId === undefined ? {} : { candidateId }),
  });
  const lines: ProtocolLine[] = [
    line(1, PROTOCOL_LINES[0], r.onList),
    line(2, PROTOCOL_LINES[1], r.ballotsIssued),
    line(3, PROTOCOL_LINES[2], r.ballotsCast),
    line(4, PROTOCOL_LINES[3], r.invalid),
    ...input.candidates.map((c, i) => line(FIRST_CANDIDATE_LINE + i, c.name, r.votes[c.id] as number, c.id)),
  ];
  return {
    ok: true,
    document: {
      ...documentHeader('appendix-4', input.config, region, input.generatedAt),
      lines,
      members,
      invalidated:
        input.invalidated === undefined
          ? null
          : {
              decision: input.invalidated.decision.trim(),
              at: formatInstantRu(input.invalidated.at, region.timeZone),
            },
      moment: formatProtocolMomentRu(input.generatedAt, region.timeZone),
    },
  };
}

export interface RegionProtocolInput {
  readonly region: string;
  /** Applications accounted for in the region (rows of its list); 0 means no protocol (P-7.9). */
  readonly applications: number;
  readonly results: RegionResults;
  readonly invalidated?: Invalidation;
}

export interface ProtocolSet {
  readonly protocols: readonly ProtocolDocument[];
  /** Regions left out, with why: no applications (P-7.9) or the Moscow mode's own protocol (P-11). */
  readonly omitted: readonly {
    readonly region: string;
    readonly code: 'NO_APPLICATIONS' | 'REGION_OWN_SYSTEM';
  }[];
}

/** P-7.9: the protocols of every region with applications, in the configuration's order. */
export function buildProtocolSet(input: {
  readonly config: ElectionConfig;
  readonly candidates: readonly BallotCandidate[];
  readonly members: readonly MemberSigning[];
  readonly regions: readonly RegionProtocolInput[];
  readonly generatedAt: Date;
}): { readonly ok: true; readonly set: ProtocolSet } | (DocumentFailure & { readonly region?: string }) {
  const protocols: ProtocolDocument[] = [];
  const omitted: { region: string; code: 'NO_APPLICATIONS' | 'REGION_OWN_SYSTEM' }[] = [];
  const byCode = new Map(input.regions.map((r) => [r.region, r]));
  for (const unknown of input.regions.filter((r) => !input.config.regions.some((c) => c.code === r.region))) {
    return {
      ...failure('UNKNOWN_REGION', {
        ru: `Нет субъекта ${unknown.region}`,
        en: `No region ${unknown.region}`,
      }),
      region: unknown.region,
    };
  }
  for (const region of input.config.regions) {
    const r = byCode.get(region.code);
    if (region.mode === 'moscow') {
      omitted.push({ region: region.code, code: 'REGION_OWN_SYSTEM' });
      continue;
    }
    if (r === undefined || r.applications === 0) {
      omitted.push({ region: region.code, code: 'NO_APPLICATIONS' });
      continue;
    }
    const built = buildProtocol({
      config: input.config,
      region: region.code,
      candidates: input.candidates,
      results: r.results,
      members: input.members,
      ...(r.invalidated === undefined ? {} : { invalidated: r.invalidated }),
      generatedAt: input.generatedAt,
    });
    if (!built.ok) return { ...built, region: region.code };
    protocols.push(built.document);
  }
  return { ok: true, set: { protocols, omitted } };
}

function figuresCells(l: ProtocolLine): TableCell[] {
  return [
    { text: String(l.line), alignment: 'center' },
    { text: l.name },
    { text: formatCountRu(l.value), alignment: 'right', bold: true },
    { text: l.words, italics: true },
  ];
}

export async function renderProtocol(doc: ProtocolDocument): Promise<RenderedPart> {
  if (doc.region === null) {
    throw new DocumentError(failure('UNKNOWN_REGION', { ru: 'Это не протокол', en: 'Not a protocol' }));
  }
  // A document read back from JSON is held to the same rule as a built one (P-7.9).
  const unaccounted = doc.members.find((m) => !m.signs && (m.reason ?? '').trim() === '');
  if (unaccounted !== undefined) {
    throw new DocumentError(
      failure('MEMBER_NOT_ACCOUNTED', {
        ru: `${unaccounted.name}: не подписал протокол, причина не указана`,
        en: `${unaccounted.name}: does not sign and no reason is recorded`,
      }),
    );
  }
  const general = doc.lines.filter((l) => l.candidateId === undefined);
  const candidates = doc.lines.filter((l) => l.candidateId !== undefined);
  const content: Content[] = [appendixCaption(4), ...electionHeader(doc)];
  content.push({
    stack: [
      { text: 'ПРОТОКОЛ', bold: true, fontSize: 13 },
      {
        text: 'территориальной избирательной комиссии дистанционного электронного голосования об итогах дистанционного электронного голосования',
        bold: true,
      },
      {
        text: 'Protocol of the territorial commission of remote electronic voting on the results of remote electronic voting',
        italics: true,
        color: GREY,
        fontSize: 8,
      },
    ],
    alignment: 'center',
    margin: [0, 6, 0, 6],
  });
  content.push(captioned(doc.region.name, '(наименование субъекта Российской Федерации)', { bold: true }));
  if (doc.invalidated !== null) {
    content.push({
      table: {
        widths: ['*'],
        body: [
          [
            {
              stack: [
                {
                  text: 'ИТОГИ ДИСТАНЦИОННОГО ЭЛЕКТРОННОГО ГОЛОСОВАНИЯ ПРИЗНАНЫ НЕДЕЙСТВИТЕЛЬНЫМИ',
                  bold: true,
                },
                { text: `Основание: ${doc.invalidated.decision}, ${doc.invalidated.at}` },
                {
                  text: 'The results were declared invalid by the commission (P-7.10)',
                  italics: true,
                  fontSize: 7,
                },
              ],
              color: '#b00000',
              alignment: 'center',
              margin: [4, 4, 4, 4],
            },
          ],
        ],
      },
      margin: [0, 4, 0, 8],
    });
  }
  content.push({
    table: {
      headerRows: 1,
      widths: [24, '*', 60, 150],
      body: [
        [
          headerCell('№ строки', 'Line'),
          headerCell('Наименование строки', 'Line'),
          headerCell('Цифрами', 'In figures'),
          headerCell('Прописью', 'In words'),
        ],
        ...general.map(figuresCells),
        [
          { text: '' },
          headerCell(
            'Фамилии, имена, отчества внесенных в электронный бюллетень зарегистрированных кандидатов',
            'Registered candidates on the ballot',
          ),
          {
            ...headerCell(
              'Число голосов участников дистанционного электронного голосования, поданных за каждого зарегистрированного кандидата',
              'Votes cast for each candidate',
            ),
            colSpan: 2,
          },
          {},
        ],
        ...candidates.map(figuresCells),
      ],
    },
    fontSize: 8.5,
  });
  content.push({
    table: {
      widths: ['*', 150, 110],
      dontBreakRows: true,
      body: doc.members.map((m) => [
        { text: m.position, fontSize: 8 },
        m.signs
          ? { text: 'ЭЛЕКТРОННАЯ ПОДПИСЬ', alignment: 'center', fontSize: 8 }
          : {
              text: `Не подписал(а): ${m.reason ?? ''}`,
              alignment: 'center',
              fontSize: 7.5,
              italics: true,
              color: '#b00000',
            },
        {
          stack: [
            { text: m.name, alignment: 'center' },
            { text: '(фамилия, инициалы)', alignment: 'center', fontSize: 6.5, color: GREY },
          ],
        },
      ]),
    },
    layout: 'lightHorizontalLines',
    margin: [0, 8, 0, 4],
  });
  content.push({ text: doc.moment, margin: [0, 6, 0, 0] });
  const pdf = await renderPdf(
    {
      pageMargins: [40, 30, 40, 36],
      content,
      footer: pageFooter(`Протокол ТИК ДЭГ: ${doc.region.name}`, doc.generatedAt.local),
      ...(doc.invalidated === null
        ? {}
        : { watermark: { text: 'НЕДЕЙСТВИТЕЛЬНО', color: '#b00000', opacity: 0.12, bold: true } }),
    },
    {
      title: `Протокол об итогах дистанционного электронного голосования: ${doc.region.name}`,
      subject: `${doc.election.title}, ${doc.election.votingDay}`,
      createdAt: new Date(doc.generatedAt.iso),
    },
  );
  return { part: 1, parts: 1, pdf };
}
