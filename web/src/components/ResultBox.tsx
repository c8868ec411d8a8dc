// The outcome of a form: a green box with what happened, or the error in words.
import type { ReactNode } from 'react';
import { ErrorBox } from './ErrorBox.js';

export function ResultBox({ error, children }: { error?: string; children?: ReactNode }) {
  if (error) return <ErrorBox message={error} />;
  if (!children) return null;
  return (
    <div className="result-box" role="status">
      {children}
    </div>
  );
}
