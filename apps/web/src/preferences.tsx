// Display preferences kept on the device: large print and high contrast (P-11.4.4, the ballot for
// the visually impaired), applied as attributes of <html> that the style sheet follows.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export interface Preferences {
  readonly largePrint: boolean;
  readonly highContrast: boolean;
}

const STORAGE_KEY = 'opendeg.preferences';

function load(): Preferences {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Preferences>;
    return { largePrint: stored.largePrint === true, highContrast: stored.highContrast === true };
  } catch {
    return { largePrint: false, highContrast: false };
  }
}

interface PreferencesContextValue extends Preferences {
  readonly set: (change: Partial<Preferences>) => void;
}

const PreferencesContext = createContext<PreferencesContextValue>({
  largePrint: false,
  highContrast: false,
  set: () => undefined,
});

export function PreferencesProvider({ children }: { children: ReactNode }) {
  const [prefs, setPrefs] = useState<Preferences>(load);
  const set = useCallback((change: Partial<Preferences>) => {
    setPrefs((p) => {
      const next = { ...p, ...change };
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      } catch {
        // Private mode: kept for this page only.
      }
      return next;
    });
  }, []);
  useEffect(() => {
    const root = document.documentElement;
    root.toggleAttribute('data-large-print', prefs.largePrint);
    root.toggleAttribute('data-high-contrast', prefs.highContrast);
  }, [prefs]);
  const value = useMemo(() => ({ ...prefs, set }), [prefs, set]);
  return <PreferencesContext.Provider value={value}>{children}</PreferencesContext.Provider>;
}

export function usePreferences(): PreferencesContextValue {
  return useContext(PreferencesContext);
}
