// A side panel for a row's detail; Escape or the close button closes it.
import { useEffect, type ReactNode } from 'react';

export function Drawer({ title, onClose, actions, children }: { title: string; onClose: () => void; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside className="drawer" role="dialog" aria-label={title}>
      <header className="drawer-head">
        <h2>{title}</h2>
        <span className="drawer-actions">{actions}</span>
        <button type="button" className="btn btn-small" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </header>
      <div className="drawer-body">{children}</div>
    </aside>
  );
}
