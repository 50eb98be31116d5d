// The logged-in account (`GET /api/me`), or that nobody is logged in (401), or why it failed.
import { useCallback, useEffect, useState } from 'react';
import type { AccountClaims } from '@opendeg/server';
import { ApiFailure, call } from '../api.ts';

export type AccountState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'ready'; readonly account: AccountClaims }
  | { readonly kind: 'failed'; readonly error: unknown };

export function useAccount(): { state: AccountState; reload: () => void } {
  const [state, setState] = useState<AccountState>({ kind: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    call('GET /api/me', { signal: abort.signal }).then(
      (account) => {
        setState({ kind: 'ready', account });
      },
      (e: unknown) => {
        if (abort.signal.aborted) return;
        if (e instanceof ApiFailure && e.status === 401) setState({ kind: 'anonymous' });
        else setState({ kind: 'failed', error: e });
      },
    );
    return () => {
      abort.abort();
    };
  }, [round]);
  const reload = useCallback(() => {
    setRound((r) => r + 1);
  }, []);
  return { state, reload };
}
