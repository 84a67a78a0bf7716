import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';

export interface AsyncState<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  /** Loads again; keeps showing the previous data meanwhile (no flicker on live updates). */
  reload: () => Promise<void>;
  setData: (data: T) => void;
}

/** Loads `load()` when `key` changes; stale answers of an older key are dropped. */
export function useAsync<T>(load: () => Promise<T>, key: string): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(async (reset: boolean) => {
    const mine = ++generation.current;
    if (reset) {
      setData(undefined);
      setLoading(true);
    }
    try {
      const result = await loadRef.current();
      if (mine !== generation.current) return;
      setData(result);
      setError(undefined);
    } catch (caught) {
      if (mine !== generation.current) return;
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void run(true);
  }, [key, run]);

  const reload = useCallback(() => run(false), [run]);
  return { data, error, loading, reload, setData };
}
