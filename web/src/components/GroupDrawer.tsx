// A consumer group's detail: per-queue progress, clients and subscriptions, reset offset, DLQ, update, delete.
import { useState } from 'react';
import { api } from '../api/endpoints.js';
import { useAction } from '../api/useAction.js';
import { useApi } from '../api/useApi.js';
import { Async } from './Async.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { ConnectionsTable, SubscriptionsTable } from './ConnectionTables.js';
import { DlqPanel } from './DlqPanel.js';
import { Drawer } from './Drawer.js';
import { ErrorBox } from './ErrorBox.js';
import { GroupForm } from './GroupForm.js';
import { KeyValueTable } from './KeyValueTable.js';
import { ProgressTable } from './ProgressTable.js';
import { ResetOffsetForm } from './ResetOffsetForm.js';
import { Tabs } from './Tabs.js';

type Tab = 'progress' | 'clients' | 'reset' | 'dlq' | 'edit';

const TABS: Array<[Tab, string]> = [
  ['progress', 'Progress'],
  ['clients', 'Clients'],
  ['reset', 'Reset offset'],
  ['dlq', 'DLQ'],
  ['edit', 'Update'],
];

function DeleteGroup({ group, onDeleted }: { group: string; onDeleted: () => void }) {
  const [asking, setAsking] = useState(false);
  const del = useAction(api.deleteGroup);
  const clusters = useApi(asking ? api.cluster : undefined, [asking]);
  const names = [...new Set(clusters.data?.brokers.map((b) => b.clusterName) ?? [])];
  const [chosen, setChosen] = useState<string>();
  const cluster = chosen ?? names[0];
  const confirm = async (): Promise<void> => {
    if (cluster === undefined) return;
    if ((await del.run(group, { cluster, removeOffset: true })) !== undefined) onDeleted();
  };
  return (
    <>
      <button type="button" className="btn btn-danger btn-small" onClick={() => setAsking(true)}>
        Delete group
      </button>
      {asking && (
        <ConfirmDialog title="Delete group" confirmLabel="Delete" running={del.running} error={del.error} onConfirm={confirm} onCancel={() => setAsking(false)}>
          <p>
            Delete <strong>{group}</strong>, its offsets and its retry and DLQ topics from every master of the cluster?
          </p>
          <label className="check">
            Cluster
            <select value={cluster ?? ''} onChange={(e) => setChosen(e.target.value)} aria-label="Cluster">
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          {clusters.error && <p className="field-error">{clusters.error}</p>}
        </ConfirmDialog>
      )}
    </>
  );
}

function Clients({ group }: { group: string }) {
  const conn = useApi(() => api.groupConnection(group), [group]);
  return (
    <Async state={conn}>
      {(c) => (
        <>
          <KeyValueTable
            label="group settings"
            entries={[
              ['Consume type', c.consumeType],
              ['Message model', c.messageModel],
              ['Consume from', c.consumeFromWhere],
            ]}
          />
          <h3>Clients</h3>
          <ConnectionsTable connections={c.connections} label="consumer clients" />
          <h3>Subscriptions</h3>
          <SubscriptionsTable subscriptions={c.subscriptions} />
        </>
      )}
    </Async>
  );
}

/** The update form, starting from the config of the first master that has the group. */
function EditGroup({ group, onSaved }: { group: string; onSaved: () => void }) {
  const config = useApi(() => api.groupConfig(group), [group]);
  const cluster = useApi(api.cluster, []);
  return (
    <Async state={config}>
      {(c) => {
        const first = c.brokers.find((b) => b.config !== undefined);
        const clusterName = cluster.data?.brokers.find((b) => b.addr === first?.addr)?.clusterName;
        return (
          <>
            {c.brokers.filter((b) => b.error).map((b) => (
              <ErrorBox key={b.addr} message={`${b.brokerName} (${b.addr}): ${b.error}`} />
            ))}
            {first === undefined && <p className="muted">No master has this group's config yet: saving creates it.</p>}
            <GroupForm key={clusterName ?? ''} group={group} current={first?.config} clusterName={clusterName} onSaved={onSaved} />
          </>
        );
      }}
    </Async>
  );
}

export function GroupDrawer({ group, onClose, onChanged }: { group: string; onClose: () => void; onChanged: () => void }) {
  const [tab, setTab] = useState<Tab>('progress');
  const progress = useApi(tab === 'progress' || tab === 'reset' ? () => api.groupProgress(group) : undefined, [group, tab]);
  const topics = [...new Set(progress.data?.rows.map((r) => r.topic) ?? [])].filter((t) => !t.startsWith('%RETRY%'));
  return (
    <Drawer title={group} onClose={onClose} actions={<DeleteGroup group={group} onDeleted={() => { onChanged(); onClose(); }} />}>
      <Tabs<Tab> tabs={TABS} active={tab} onChange={setTab} />
      {tab === 'progress' && <Async state={progress}>{(p) => <ProgressTable progress={p} />}</Async>}
      {tab === 'clients' && <Clients group={group} />}
      {tab === 'reset' && (
        <ResetOffsetForm group={group} suggestions={topics} reset={(t) => api.resetGroupOffset(group, { topic: t.topic, timestamp: t.timestamp, force: t.force })} />
      )}
      {tab === 'dlq' && <DlqPanel group={group} />}
      {tab === 'edit' && <EditGroup group={group} onSaved={onChanged} />}
    </Drawer>
  );
}
