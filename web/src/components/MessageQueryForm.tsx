// The Messages page's query: by key, by message id, or by time range, always within one topic.
import { useState, type FormEvent } from 'react';
import { fromLocalInput, toLocalInput } from '../format.js';
import { checkName } from '../validate.js';
import { Field } from './Field.js';
import { Tabs } from './Tabs.js';

export type QueryMode = 'key' | 'id' | 'time';

export interface MessageQuery {
  mode: QueryMode;
  topic: string;
  key?: string;
  msgId?: string;
  begin?: number;
  end?: number;
}

const HOUR_MS = 3_600_000;

function problems(q: MessageQuery): Record<string, string | undefined> {
  return {
    topic: checkName('Topic', q.topic),
    key: q.mode === 'key' && !q.key ? 'Key is required' : undefined,
    msgId: q.mode === 'id' && !q.msgId ? 'Message id is required' : undefined,
    begin: q.mode === 'time' && q.begin === undefined ? 'Pick a start' : undefined,
    end: q.mode === 'time' && (q.end === undefined || (q.begin !== undefined && q.end < q.begin)) ? 'Pick an end after the start' : undefined,
  };
}

export function MessageQueryForm({ initial, onQuery }: { initial: MessageQuery; onQuery: (q: MessageQuery) => void }) {
  const [mode, setMode] = useState<QueryMode>(initial.mode);
  const [topic, setTopic] = useState(initial.topic);
  const [key, setKey] = useState(initial.key ?? '');
  const [msgId, setMsgId] = useState(initial.msgId ?? '');
  const [begin, setBegin] = useState(toLocalInput(initial.begin ?? Date.now() - HOUR_MS));
  const [end, setEnd] = useState(toLocalInput(initial.end ?? Date.now() + 60_000));
  const [touched, setTouched] = useState(false);
  const query: MessageQuery = { mode, topic: topic.trim(), key: key.trim(), msgId: msgId.trim(), begin: fromLocalInput(begin), end: fromLocalInput(end) };
  const errors = touched ? problems(query) : {};

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (Object.values(problems(query)).some((p) => p !== undefined)) return;
    onQuery(query);
  };

  return (
    <div className="panel">
      <Tabs<QueryMode> tabs={[['key', 'By key'], ['id', 'By message id'], ['time', 'By time']]} active={mode} onChange={setMode} />
      <form className="form" onSubmit={submit} noValidate aria-label="Message query">
        <Field label="Topic" error={errors.topic}>
          <input name="topic" value={topic} maxLength={255} onChange={(e) => setTopic(e.target.value)} />
        </Field>
        {mode === 'key' && (
          <Field label="Key" error={errors.key}>
            <input name="key" value={key} maxLength={255} onChange={(e) => setKey(e.target.value)} />
          </Field>
        )}
        {mode === 'id' && (
          <Field label="Message id" error={errors.msgId} hint="client id or offset id">
            <input name="msgId" value={msgId} maxLength={64} onChange={(e) => setMsgId(e.target.value)} />
          </Field>
        )}
        {mode === 'time' && (
          <>
            <Field label="From" error={errors.begin}>
              <input type="datetime-local" name="begin" value={begin} onChange={(e) => setBegin(e.target.value)} />
            </Field>
            <Field label="To" error={errors.end}>
              <input type="datetime-local" name="end" value={end} onChange={(e) => setEnd(e.target.value)} />
            </Field>
          </>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Search
          </button>
        </div>
      </form>
    </div>
  );
}
