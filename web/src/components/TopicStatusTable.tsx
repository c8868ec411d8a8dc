// Per-queue min/max offset and last update of a topic (topicStatus).
import type { TopicQueueStatus } from '../api/contract.js';
import { fmtInt, fmtTime } from '../format.js';
import { DataTable } from './DataTable.js';

export function TopicStatusTable({ queues }: { queues: TopicQueueStatus[] }) {
  const messages = queues.reduce((n, q) => n + q.maxOffset - q.minOffset, 0);
  return (
    <>
      <p className="muted">{fmtInt(messages)} message(s) stored in {queues.length} queue(s).</p>
      <DataTable
        label="topic status"
        columns={[
          { key: 'b', title: 'Broker', render: (q) => q.brokerName },
          { key: 'q', title: 'Queue', align: 'right', render: (q) => q.queueId },
          { key: 'min', title: 'Min offset', align: 'right', render: (q) => fmtInt(q.minOffset) },
          { key: 'max', title: 'Max offset', align: 'right', render: (q) => fmtInt(q.maxOffset) },
          { key: 't', title: 'Last update', render: (q) => fmtTime(q.lastUpdateTimestamp) },
        ]}
        rows={queues}
        rowKey={(q) => `${q.brokerName}#${q.queueId}`}
      />
    </>
  );
}
