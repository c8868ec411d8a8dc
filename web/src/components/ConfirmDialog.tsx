// Asks before a destructive action; the action's error stays in the dialog so the user sees why it failed.
import type { ReactNode } from 'react';
import { ErrorBox } from './ErrorBox.js';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  running: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, running, error, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <div className="modal-backdrop">
      <div className="modal" role="alertdialog" aria-label={title}>
        <h2>{title}</h2>
        <div className="modal-body">{children}</div>
        {error && <ErrorBox message={error} />}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onCancel} disabled={running}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={onConfirm} disabled={running}>
            {running ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
