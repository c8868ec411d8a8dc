// Create or update a consumer (subscription) group on every master of a cluster.
import { useState, type FormEvent } from 'react';
import type { SubscriptionGroupView } from '../api/contract.js';
import { api } from '../api/endpoints.js';
import { useAction } from '../api/useAction.js';
import { checkInt, checkName, hasErrors } from '../validate.js';
import { DataTable } from './DataTable.js';
import { Field } from './Field.js';
import { ResultBox } from './ResultBox.js';

interface Values {
  groupName: string;
  clusterName: string;
  retryQueueNums: string;
  retryMaxTimes: string;
  consumeEnable: boolean;
  consumeBroadcastEnable: boolean;
  consumeFromMinEnable: boolean;
}

function validate(v: Values): Record<string, string | undefined> {
  return {
    groupName: checkName('Group', v.groupName, 255),
    clusterName: checkName('Cluster', v.clusterName),
    retryQueueNums: checkInt('Retry queues', v.retryQueueNums, 1, 64),
    retryMaxTimes: checkInt('Max retries', v.retryMaxTimes, -1, 64),
  };
}

/** The form's starting values: the group's current config when it exists, mqadmin's defaults otherwise. */
function initialValues(group: string | undefined, current: SubscriptionGroupView | undefined, clusterName: string): Values {
  return {
    groupName: group ?? '',
    clusterName,
    retryQueueNums: String(current?.retryQueueNums ?? 1),
    retryMaxTimes: String(current?.retryMaxTimes ?? 16),
    consumeEnable: current?.consumeEnable ?? true,
    consumeBroadcastEnable: current?.consumeBroadcastEnable ?? false,
    consumeFromMinEnable: current?.consumeFromMinEnable ?? false,
  };
}

export interface GroupFormProps {
  /** The group to update; undefined to create one. */
  group?: string;
  current?: SubscriptionGroupView;
  clusterName?: string;
  onSaved: () => void;
}

export function GroupForm({ group, current, clusterName = 'DefaultCluster', onSaved }: GroupFormProps) {
  const [values, setValues] = useState<Values>(() => initialValues(group, current, clusterName));
  const [touched, setTouched] = useState(false);
  const save = useAction(api.saveGroup);
  const errors = touched ? validate(values) : {};
  const set = <K extends keyof Values>(key: K, value: Values[K]): void => setValues((v) => ({ ...v, [key]: value }));

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (hasErrors(validate(values))) return;
    const done = await save.run({
      groupName: values.groupName.trim(),
      clusterName: values.clusterName.trim(),
      retryQueueNums: Number(values.retryQueueNums),
      retryMaxTimes: Number(values.retryMaxTimes),
      consumeEnable: values.consumeEnable,
      consumeBroadcastEnable: values.consumeBroadcastEnable,
      consumeFromMinEnable: values.consumeFromMinEnable,
    });
    if (done !== undefined) onSaved();
  };

  const refused = save.result?.results.filter((r) => r.error) ?? [];
  return (
    <form className="form" onSubmit={submit} noValidate aria-label={group ? 'Update group' : 'Create group'}>
      <Field label="Group" error={errors.groupName}>
        <input name="groupName" value={values.groupName} readOnly={group !== undefined} maxLength={255} onChange={(e) => set('groupName', e.target.value)} />
      </Field>
      <Field label="Cluster" error={errors.clusterName}>
        <input name="clusterName" value={values.clusterName} maxLength={127} onChange={(e) => set('clusterName', e.target.value)} />
      </Field>
      <Field label="Retry queues" error={errors.retryQueueNums}>
        <input name="retryQueueNums" inputMode="numeric" value={values.retryQueueNums} onChange={(e) => set('retryQueueNums', e.target.value)} />
      </Field>
      <Field label="Max retries" error={errors.retryMaxTimes}>
        <input name="retryMaxTimes" inputMode="numeric" value={values.retryMaxTimes} onChange={(e) => set('retryMaxTimes', e.target.value)} />
      </Field>
      <label className="check">
        <input type="checkbox" checked={values.consumeEnable} onChange={(e) => set('consumeEnable', e.target.checked)} /> Consume enabled
      </label>
      <label className="check">
        <input type="checkbox" checked={values.consumeBroadcastEnable} onChange={(e) => set('consumeBroadcastEnable', e.target.checked)} /> Broadcast
      </label>
      <label className="check">
        <input type="checkbox" checked={values.consumeFromMinEnable} onChange={(e) => set('consumeFromMinEnable', e.target.checked)} /> Consume from min offset
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.running}>
          {save.running ? 'Saving…' : group ? 'Update group' : 'Create group'}
        </button>
      </div>
      <div className="wide">
        <ResultBox error={save.error}>
          {save.result && (
            <>
              Group {save.result.config.groupName} saved on {save.result.results.length - refused.length} of {save.result.results.length} broker(s).
              {refused.length > 0 && (
                <DataTable label="refusals" columns={[{ key: 'a', title: 'Broker', render: (r) => r.addr }, { key: 'e', title: 'Error', render: (r) => r.error }]} rows={refused} rowKey={(r) => r.addr} />
              )}
            </>
          )}
        </ResultBox>
      </div>
    </form>
  );
}
