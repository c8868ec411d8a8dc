// Reset a consumer group's offsets on a topic to a point in time (resetOffsetByTime); shows the new offsets.
import { useState, type FormEvent } from 'react';
import type { ResetOffsetResponse } from '../api/contract.js';
import { useAction } from '../api/useAction.js';
import { fromLocalInput, toLocalInput } from '../format.js';
import { checkName } from '../validate.js';
import { DataTable } from './DataTable.js';
import { Field } from './Field.js';
import { ResultBox } from './ResultBox.js';

export interface ResetTarget {
  group: string;
  topic: string;
  timestamp: number;
  force: boolean;
}

export interface ResetOffsetFormProps {
  /** Fixed group or topic (the page the form is on); the other one is typed in. */
  group?: string;
  topic?: string;
  /** Suggestions for the free field. */
  suggestions?: string[];
  reset: (target: ResetTarget) => Promise<ResetOffsetResponse>;
}

export function ResetOffsetForm({ group, topic, suggestions = [], reset }: ResetOffsetFormProps) {
  const [other, setOther] = useState('');
  const [when, setWhen] = useState(() => toLocalInput(Date.now() - 3_600_000));
  const [force, setForce] = useState(true);
  const [touched, setTouched] = useState(false);
  const action = useAction(reset);
  const freeLabel = group === undefined ? 'Consumer group' : 'Topic';
  const otherError = touched ? checkName(freeLabel, other.trim(), 255) : undefined;
  const timestamp = fromLocalInput(when);
  const timeError = touched && timestamp === undefined ? 'Pick a date and time' : undefined;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (checkName(freeLabel, other.trim(), 255) || timestamp === undefined) return;
    void action.run({ group: group ?? other.trim(), topic: topic ?? other.trim(), timestamp, force });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Reset offset">
      <Field label={freeLabel} error={otherError}>
        <input name="target" list="reset-suggestions" value={other} maxLength={255} onChange={(e) => setOther(e.target.value)} />
      </Field>
      <datalist id="reset-suggestions">
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <Field label="Reset to" error={timeError}>
        <input type="datetime-local" name="timestamp" value={when} onChange={(e) => setWhen(e.target.value)} />
      </Field>
      <label className="check">
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Force (also move offsets forward)
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={action.running}>
          {action.running ? 'Resetting…' : 'Reset offset'}
        </button>
      </div>
      <div className="wide">
        <ResultBox error={action.error}>
          {action.result && (
            <>
              {action.result.mode === 'online'
                ? `The group's online consumers were told the new offsets of ${action.result.offsets.length} queue(s).`
                : `The group is offline: the offsets of ${action.result.offsets.length} queue(s) were written.`}
              <DataTable
                label="new offsets"
                columns={[
                  { key: 'b', title: 'Broker', render: (r) => r.brokerName },
                  { key: 'q', title: 'Queue', align: 'right', render: (r) => r.queueId },
                  { key: 'o', title: 'Offset', align: 'right', render: (r) => r.offset },
                ]}
                rows={action.result.offsets}
                rowKey={(r) => `${r.brokerName}#${r.queueId}`}
              />
            </>
          )}
        </ResultBox>
      </div>
    </form>
  );
}
