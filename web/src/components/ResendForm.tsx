// Have a group's consumer consume a message again now (consumeMessageDirectly); shows each client's answer.
import { useState, type FormEvent } from 'react';
import type { ResendResponse } from '../api/contract.js';
import { useAction } from '../api/useAction.js';
import { checkName } from '../validate.js';
import { DataTable } from './DataTable.js';
import { Field } from './Field.js';
import { ResultBox } from './ResultBox.js';

export interface ResendFormProps {
  /** A fixed group (DLQ page) or suggestions to pick from. */
  group?: string;
  suggestions?: string[];
  resend: (group: string, clientId: string | undefined) => Promise<ResendResponse>;
}

export function ResendForm({ group, suggestions = [], resend }: ResendFormProps) {
  const [target, setTarget] = useState(group ?? suggestions[0] ?? '');
  const [clientId, setClientId] = useState('');
  const [touched, setTouched] = useState(false);
  const action = useAction(resend);
  const error = touched ? checkName('Group', target.trim(), 255) : undefined;
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (checkName('Group', target.trim(), 255)) return;
    void action.run(target.trim(), clientId.trim() || undefined);
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Resend message">
      <Field label="Consumer group" error={error}>
        <input name="group" list="resend-groups" value={target} readOnly={group !== undefined} maxLength={255} onChange={(e) => setTarget(e.target.value)} />
      </Field>
      <datalist id="resend-groups">
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <Field label="Client id" hint="empty: every online client of the group">
        <input name="clientId" value={clientId} maxLength={255} onChange={(e) => setClientId(e.target.value)} />
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={action.running}>
          {action.running ? 'Resending…' : 'Resend to group'}
        </button>
      </div>
      <div className="wide">
        <ResultBox error={action.error}>
          {action.result && (
            <DataTable
              label="resend results"
              columns={[
                { key: 'c', title: 'Client', render: (r) => <code>{r.clientId}</code> },
                { key: 'r', title: 'Result', render: (r) => r.consumeResult ?? <span className="badge bad">{r.error ?? 'no answer'}</span> },
                { key: 'm', title: 'Remark', render: (r) => r.remark ?? '' },
                { key: 't', title: 'ms', align: 'right', render: (r) => r.spentTimeMills ?? '' },
              ]}
              rows={action.result.results}
              rowKey={(r) => r.clientId}
              empty="The group has no online client to consume it."
            />
          )}
        </ResultBox>
      </div>
    </form>
  );
}
