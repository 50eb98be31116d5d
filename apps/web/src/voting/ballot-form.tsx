// The electronic ballot (P-6.9, P-4.4): the filling rules, each question with its candidates, one
// square to mark (a radio group when one mark is allowed). Fits a phone; follows large print and
// high contrast (P-11.4.4). Nothing is sent from here: the choice stays on the device.
import { useEffect, useState, type SyntheticEvent } from 'react';
import { requestJson } from '../api.ts';
import type { Election, Selection } from './ballot-crypto.ts';
import { useI18n } from '../i18n.tsx';

/** The region's ballot text (GET /api/ballot/:region): candidate information, its languages (P-4.1). */
interface RegionBallot {
  readonly language: string;
  readonly languages: readonly string[];
  readonly title: string;
  readonly instructions: string;
  readonly candidates: readonly { readonly id: string; readonly name: string; readonly info: string }[];
}

/** Language names as a reader of that language writes them. */
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  ru: 'Русский',
  tt: 'Татарча',
  ba: 'Башҡортса',
  cv: 'Чӑвашла',
  sah: 'Саха тыла',
  ce: 'Нохчийн',
  os: 'Ирон',
  udm: 'Удмурт',
  mhr: 'Марий',
  kv: 'Коми',
};

/**
 * The ballot text in one of the region's languages, or undefined while loading or where the server
 * has none (the manifest's own labels are shown then: the options are the same).
 */
function useRegionBallot(region: string, language: string): RegionBallot | undefined {
  const [ballot, setBallot] = useState<RegionBallot>();
  useEffect(() => {
    requestJson<RegionBallot>('GET', `/api/ballot/${encodeURIComponent(region)}`, {
      query: { lang: language },
    }).then(setBallot, () => {
      setBallot(undefined);
    });
  }, [region, language]);
  return ballot;
}

export type Choices = Readonly<Record<string, Selection>>;

export function BallotForm({
  election,
  region,
  initial,
  onDone,
}: {
  election: Election<unknown>;
  region: string;
  initial: Choices;
  onDone: (choices: Choices) => void;
}) {
  const { t, pick } = useI18n();
  const r = election.regions.get(region);
  const [choices, setChoices] = useState<Choices>(initial);
  const [problem, setProblem] = useState<string>();
  const [language, setLanguage] = useState('ru');
  const text = useRegionBallot(region, language);
  if (r === undefined) return <p role="alert">{t('vote.noBallot')}</p>;
  const style = r.style;
  const candidate = (id: string) => text?.candidates.find((c) => c.id === id);
  const shownLanguage = text?.language ?? 'ru';

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    for (const q of style.questions) {
      const s = choices[q.id];
      const n = s === undefined ? 0 : s === 'blank' ? -1 : s.length;
      if (n === -1) continue;
      if (n < q.min || n > q.max) {
        setProblem(t('vote.markCount', { question: pick(q.text), min: q.min, max: q.max }));
        document.getElementById(`q-${q.id}`)?.querySelector('input')?.focus();
        return;
      }
    }
    setProblem(undefined);
    onDone(choices);
  };

  return (
    <form className="ballot" onSubmit={submit} aria-labelledby="ballot-title" noValidate>
      <h2 id="ballot-title" lang={shownLanguage}>
        {text?.title ?? pick(style.title)}
      </h2>
      {text !== undefined && text.languages.length > 1 && (
        <div className="field">
          <label htmlFor="ballot-language">{t('vote.ballotLanguage')}</label>
          <select
            id="ballot-language"
            value={language}
            onChange={(e) => {
              setLanguage(e.target.value);
            }}
          >
            {text.languages.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l] ?? l}
              </option>
            ))}
          </select>
        </div>
      )}
      <section aria-labelledby="rules-heading" className="rules">
        <h3 id="rules-heading">{t('vote.rulesHeading')}</h3>
        <p>{t('vote.rules')}</p>
      </section>
      {problem !== undefined && (
        <p role="alert" className="bad">
          {problem}
        </p>
      )}
      {style.questions.map((q) => {
        const single = q.max === 1;
        const current = choices[q.id];
        const set = (s: Selection) => {
          setChoices((c) => ({ ...c, [q.id]: s }));
        };
        return (
          <fieldset key={q.id} id={`q-${q.id}`}>
            <legend lang={shownLanguage}>{text?.instructions ?? pick(q.text)}</legend>
            <p className="hint">
              {single ? t('vote.markOne') : t('vote.markUpTo', { min: q.min, max: q.max })}
            </p>
            {q.options.map((o) => {
              const id = `opt-${q.id}-${o.id}`;
              const checked = current !== undefined && current !== 'blank' && current.includes(o.id);
              const info = candidate(o.id);
              return (
                <div className="option" key={o.id}>
                  <div className="candidate" lang={info ? shownLanguage : undefined}>
                    <label htmlFor={id}>{info?.name ?? pick(o.label)}</label>
                    {info && (
                      <p id={`${id}-info`} className="candidate-info">
                        {info.info}
                      </p>
                    )}
                  </div>
                  <input
                    id={id}
                    aria-describedby={info ? `${id}-info` : undefined}
                    type={single ? 'radio' : 'checkbox'}
                    name={`q-${q.id}`}
                    value={o.id}
                    checked={checked}
                    onChange={(e) => {
                      if (single) set([o.id]);
                      else {
                        const before = current === undefined || current === 'blank' ? [] : current;
                        set(e.target.checked ? [...before, o.id] : before.filter((x) => x !== o.id));
                      }
                    }}
                  />
                </div>
              );
            })}
            {q.blank && (
              <div className="option">
                <div className="candidate">
                  <label htmlFor={`opt-${q.id}-blank`}>{t('vote.blank')}</label>
                </div>
                <input
                  id={`opt-${q.id}-blank`}
                  type={single ? 'radio' : 'checkbox'}
                  name={`q-${q.id}`}
                  checked={current === 'blank'}
                  onChange={(e) => {
                    set(e.target.checked ? 'blank' : []);
                  }}
                />
              </div>
            )}
          </fieldset>
        );
      })}
      <div className="actions">
        <button type="submit" className="button-primary">
          {t('vote.next')}
        </button>
      </div>
    </form>
  );
}

/** The choices as the voter reads them back: "Question — Candidate". */
export function describeChoices(
  election: Election<unknown>,
  region: string,
  choices: Choices,
  pick: (t: { ru: string; en?: string }) => string,
  blank: string,
): { question: string; answer: string }[] {
  const style = election.regions.get(region)?.style;
  if (style === undefined) return [];
  return style.questions.map((q) => {
    const s = choices[q.id] ?? [];
    const answer =
      s === 'blank'
        ? blank
        : q.options
            .filter((o) => s.includes(o.id))
            .map((o) => pick(o.label))
            .join(', ');
    return { question: pick(q.text), answer };
  });
}

export function selectionsOf(election: Election<unknown>, region: string, choices: Choices): Selection[] {
  return (election.regions.get(region)?.style.questions ?? []).map((q) => choices[q.id] ?? []);
}
