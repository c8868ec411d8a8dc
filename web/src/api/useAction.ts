// A user-triggered request (a form submit, a delete): running flag, the result or the error in words.
import { useCallback, useState } from 'react';
import { errorMessage } from './useApi.js';

export interface ActionState<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  running: boolean;
  result: T | undefined;
  error: string | undefined;
  clear: () => void;
}

export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>): ActionState<A, T> {
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<T>();
  const [error, setError] = useState<string>();
  const run = useCallback(
    async (...args: A): Promise<T | undefined> => {
      setRunning(true);
      setError(undefined);
      setResult(undefined);
      try {
        const value = await action(...args);
        setResult(value);
        return value;
      } catch (err) {
        setError(errorMessage(err));
        return undefined;
      } finally {
        setRunning(false);
      }
    },
    [action],
  );
  const clear = useCallback(() => {
    setResult(undefined);
    setError(undefined);
  }, []);
  return { run, running, result, error, clear };
}
