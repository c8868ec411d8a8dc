// Renders a loaded value, or a spinner while the first load runs, or the error. Later reloads keep the old data on
// screen (with a small "refreshing" mark) so tables do not flicker.
import type { ReactNode } from 'react';
import type { ApiState } from '../api/useApi.js';
import { ErrorBox } from './ErrorBox.js';

export function Async<T>({ state, children }: { state: ApiState<T>; children: (data: T) => ReactNode }) {
  const { data, error, loading, reload } = state;
  return (
    <>
      {error && <ErrorBox message={error} onRetry={reload} />}
      {data === undefined && loading && <Loading />}
      {data !== undefined && children(data)}
    </>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}
