// Send a test message to a topic and show the broker's SendResult.
import { useState, type FormEvent } from 'react';
import { api } from '../api/endpoints.js';
import { useAction } from '../api/useAction.js';
import { hrefFor } from '../router.js';
import { Field } from './Field.js';
import { KeyValueTable } from './KeyValueTable.js';
import { ResultBox } from './ResultBox.js';

const MAX_BODY = 64 * 1024;

export function SendMessageForm({ topic }: { topic: string }) {
  const [tags, setTags] = useState('');
  const [keys, setKeys] = useState('');
  const [body, setBody] = useState('');
  const [touched, setTouched] = useState(false);
  const send = useAction((t: string, req: { tags?: string; keys?: string; body: string }) => api.send(t, req));
  const bodyError = !touched ? undefined : body === '' ? 'Body is required' : body.length > MAX_BODY ? `Body is longer than ${MAX_BODY} characters` : undefined;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (body === '' || body.length > MAX_BODY) return;
    void send.run(topic, { tags: tags.trim() || undefined, keys: keys.trim() || undefined, body });
  };

  const r = send.result;
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Send message">
      <Field label="Tag">
        <input name="tags" value={tags} maxLength={255} onChange={(e) => setTags(e.target.value)} />
      </Field>
      <Field label="Keys" hint="space-separated">
        <input name="keys" value={keys} maxLength={255} onChange={(e) => setKeys(e.target.value)} />
      </Field>
      <div className="wide">
        <Field label="Body" error={bodyError}>
          <textarea name="body" value={body} onChange={(e) => setBody(e.target.value)} />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={send.running}>
          {send.running ? 'Sending…' : 'Send message'}
        </button>
      </div>
      <div className="wide" data-testid="send-result">
        <ResultBox error={send.error}>
          {r && (
            <>
              <strong>{r.sendStatus}</strong>
              <KeyValueTable
                label="send result"
                entries={[
                  ['msgId', r.msgId],
                  ['offsetMsgId', r.offsetMsgId ?? ''],
                  ['queue', `${r.messageQueue.brokerName} #${r.messageQueue.queueId}`],
                  ['queueOffset', String(r.queueOffset)],
                ]}
              />
              {keys.trim() && <a href={hrefFor('messages', { mode: 'key', topic, key: keys.trim().split(/\s+/)[0] })}>Find it by key in Messages</a>}
            </>
          )}
        </ResultBox>
      </div>
    </form>
  );
}
