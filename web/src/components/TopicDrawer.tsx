// A topic's detail: status, route, consuming groups, send a test message, reset a group's offset, update, delete.
import { useState } from 'react';
import type { TopicRouteView } from '../api/contract.js';
import { api } from '../api/endpoints.js';
import { useAction } from '../api/useAction.js';
import { useApi } from '../api/useApi.js';
import { Async } from './Async.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { Drawer } from './Drawer.js';
import { ResetOffsetForm } from './ResetOffsetForm.js';
import { SendMessageForm } from './SendMessageForm.js';
import { Tabs } from './Tabs.js';
import { TopicConsumersTable } from './TopicConsumersTable.js';
import { TopicForm, type TopicFormValues } from './TopicForm.js';
import { TopicRouteTables } from './TopicRouteTables.js';
import { TopicStatusTable } from './TopicStatusTable.js';

type Tab = 'status' | 'route' | 'consumers' | 'send' | 'reset' | 'edit';

const TABS: Array<[Tab, string]> = [
  ['status', 'Status'],
  ['route', 'Route'],
  ['consumers', 'Consumers'],
  ['send', 'Send message'],
  ['reset', 'Reset offset'],
  ['edit', 'Update'],
];

function formValues(topic: string, route: TopicRouteView): TopicFormValues {
  const q = route.queueDatas[0];
  return {
    topic,
    clusterName: route.brokerDatas[0]?.cluster ?? 'DefaultCluster',
    readQueueNums: String(q?.readQueueNums ?? 4),
    writeQueueNums: String(q?.writeQueueNums ?? 4),
    perm: String(q?.perm ?? 6),
    order: Boolean(route.orderTopicConf),
  };
}

function DeleteTopic({ topic, cluster, onDeleted }: { topic: string; cluster?: string; onDeleted: () => void }) {
  const [asking, setAsking] = useState(false);
  const del = useAction(api.deleteTopic);
  const confirm = async (): Promise<void> => {
    if ((await del.run(topic, cluster)) !== undefined) onDeleted();
  };
  return (
    <>
      <button type="button" className="btn btn-danger btn-small" onClick={() => setAsking(true)}>
        Delete topic
      </button>
      {asking && (
        <ConfirmDialog title="Delete topic" confirmLabel="Delete" running={del.running} error={del.error} onConfirm={confirm} onCancel={() => setAsking(false)}>
          Delete <strong>{topic}</strong> from every broker{cluster ? ` of ${cluster}` : ''} and from the NameServers? Its messages can no longer be consumed.
        </ConfirmDialog>
      )}
    </>
  );
}

export function TopicDrawer({ topic, onClose, onChanged }: { topic: string; onClose: () => void; onChanged: () => void }) {
  const [tab, setTab] = useState<Tab>('status');
  const route = useApi(() => api.topicRoute(topic), [topic]);
  const status = useApi(tab === 'status' ? () => api.topicStatus(topic) : undefined, [topic, tab]);
  const consumers = useApi(tab === 'consumers' || tab === 'reset' ? () => api.topicConsumers(topic) : undefined, [topic, tab]);
  const cluster = route.data?.brokerDatas[0]?.cluster;
  return (
    <Drawer title={topic} onClose={onClose} actions={<DeleteTopic topic={topic} cluster={cluster} onDeleted={() => { onChanged(); onClose(); }} />}>
      <Tabs<Tab> tabs={TABS} active={tab} onChange={setTab} />
      {tab === 'status' && <Async state={status}>{(s) => <TopicStatusTable queues={s.queues} />}</Async>}
      {tab === 'route' && <Async state={route}>{(r) => <TopicRouteTables route={r} />}</Async>}
      {tab === 'consumers' && <Async state={consumers}>{(c) => <TopicConsumersTable groups={c.groups} />}</Async>}
      {tab === 'send' && <SendMessageForm topic={topic} />}
      {tab === 'reset' && (
        <ResetOffsetForm
          topic={topic}
          suggestions={consumers.data?.groups.map((g) => g.group) ?? []}
          reset={(t) => api.resetTopicOffset(topic, { group: t.group, timestamp: t.timestamp, force: t.force })}
        />
      )}
      {tab === 'edit' && <Async state={route}>{(r) => <TopicForm initial={formValues(topic, r)} editing onSaved={onChanged} />}</Async>}
    </Drawer>
  );
}
