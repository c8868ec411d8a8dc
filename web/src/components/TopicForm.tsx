// Create or update a topic: queues, permission and order on every master of a cluster.
import { useState, type FormEvent } from 'react';
import { api } from '../api/endpoints.js';
import { useAction } from '../api/useAction.js';
import { checkInt, checkName, hasErrors } from '../validate.js';
import { Field } from './Field.js';
import { ResultBox } from './ResultBox.js';

export interface TopicFormValues {
  topic: string;
  clusterName: string;
  readQueueNums: string;
  writeQueueNums: string;
  perm: string;
  order: boolean;
}

export const NEW_TOPIC: TopicFormValues = { topic: '', clusterName: 'DefaultCluster', readQueueNums: '4', writeQueueNums: '4', perm: '6', order: false };

function validate(v: TopicFormValues): Record<string, string | undefined> {
  return {
    topic: checkName('Topic', v.topic),
    clusterName: checkName('Cluster', v.clusterName),
    readQueueNums: checkInt('Read queues', v.readQueueNums, 1, 1024),
    writeQueueNums: checkInt('Write queues', v.writeQueueNums, 1, 1024),
  };
}

export function TopicForm({ initial, editing, onSaved }: { initial: TopicFormValues; editing: boolean; onSaved: (topic: string) => void }) {
  const [values, setValues] = useState(initial);
  const [touched, setTouched] = useState(false);
  const save = useAction(api.saveTopic);
  const errors = touched ? validate(values) : {};
  const set = <K extends keyof TopicFormValues>(key: K, value: TopicFormValues[K]): void => setValues((v) => ({ ...v, [key]: value }));

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (hasErrors(validate(values))) return;
    const done = await save.run({
      topic: values.topic.trim(),
      clusterName: values.clusterName.trim(),
      readQueueNums: Number(values.readQueueNums),
      writeQueueNums: Number(values.writeQueueNums),
      perm: Number(values.perm),
      order: values.order,
    });
    if (done !== undefined) onSaved(values.topic.trim());
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={editing ? 'Update topic' : 'Create topic'}>
      <Field label="Topic" error={errors.topic}>
        <input name="topic" value={values.topic} readOnly={editing} maxLength={127} onChange={(e) => set('topic', e.target.value)} />
      </Field>
      <Field label="Cluster" error={errors.clusterName}>
        <input name="clusterName" value={values.clusterName} maxLength={127} onChange={(e) => set('clusterName', e.target.value)} />
      </Field>
      <Field label="Read queues" error={errors.readQueueNums}>
        <input name="readQueueNums" inputMode="numeric" value={values.readQueueNums} onChange={(e) => set('readQueueNums', e.target.value)} />
      </Field>
      <Field label="Write queues" error={errors.writeQueueNums}>
        <input name="writeQueueNums" inputMode="numeric" value={values.writeQueueNums} onChange={(e) => set('writeQueueNums', e.target.value)} />
      </Field>
      <Field label="Permission">
        <select name="perm" value={values.perm} onChange={(e) => set('perm', e.target.value)}>
          <option value="6">read + write (6)</option>
          <option value="4">read only (4)</option>
          <option value="2">write only (2)</option>
        </select>
      </Field>
      <label className="check">
        <input type="checkbox" name="order" checked={values.order} onChange={(e) => set('order', e.target.checked)} /> Ordered topic
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.running}>
          {save.running ? 'Saving…' : editing ? 'Update topic' : 'Create topic'}
        </button>
      </div>
      <div className="wide">
        <ResultBox error={save.error}>{save.result !== undefined && `Topic ${values.topic.trim()} saved.`}</ResultBox>
      </div>
    </form>
  );
}
