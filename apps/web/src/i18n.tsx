// The i18n module: every user-facing string goes through it. Russian is the default and comes
// first; English is switchable and remembered on the device. Texts from the server ({ru, en}) and
// from the election manifest (ru, en and a region's own languages, P-4.1) are picked the same way.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { MESSAGES, type MessageKey } from './messages.ts';

export type Lang = 'ru' | 'en';

/** Text in Russian, optionally in English (the manifest's and the server's texts). */
export interface Localized {
  readonly ru: string;
  readonly en?: string;
}

const STORAGE_KEY = 'opendeg.lang';

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ru';
  } catch {
    return 'ru';
  }
}

/** Replaces `{name}` placeholders. */
function fill(text: string, vars: Readonly<Record<string, string | number>> | undefined): string {
  if (vars === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    return v === undefined ? whole : String(v);
  });
}

export interface I18n {
  readonly lang: Lang;
  readonly setLang: (lang: Lang) => void;
  /** A message of this app in the current language. */
  readonly t: (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;
  /** A text from the server or the manifest: the current language, else Russian. */
  readonly pick: (text: Localized) => string;
}

function makeI18n(lang: Lang, setLang: (l: Lang) => void): I18n {
  return {
    lang,
    setLang,
    t: (key, vars) => fill(MESSAGES[key][lang], vars),
    pick: (text) => (lang === 'en' ? (text.en ?? text.ru) : text.ru),
  };
}

const I18nContext = createContext<I18n>(makeI18n('ru', () => undefined));

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
