// Loads data for a component: loading, the data or the error in words, and reload(). An answer that arrives after
// the inputs changed is dropped so a slow request never overwrites a newer one.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface ApiState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `load` when `deps` change (and on reload); `load` undefined means "nothing to load yet". */
export function useApi<T>(load: (() => Promise<T>) | undefined, deps: readonly unknown[]): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);

  useEffect(() => {
    if (!load) return;
    const mine = ++generation.current;
    setLoading(true);
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        setError(errorMessage(err));
        setLoading(false);
      },
    );
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/**
 * Runs `load` now and again every `everyMs` while mounted (for live figures). A tick is skipped while the previous
 * request is still running, so a slow cluster still gets its answers shown instead of each one being superseded.
 */
export function usePolling<T>(load: () => Promise<T>, everyMs: number, deps: readonly unknown[]): ApiState<T> {
  const state = useApi(load, deps);
  const { reload } = state;
  const busy = useRef(state.loading);
  busy.current = state.loading;
  useEffect(() => {
    const timer = setInterval(() => {
      if (!busy.current) reload();
    }, everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
  return state;
}
