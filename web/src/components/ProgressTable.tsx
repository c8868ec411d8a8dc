// A group's per-queue progress: broker offset, consumer offset, lag (diff), the client holding the queue.
import type { ConsumerProgressResponse } from '../api/contract.js';
import { fmtInt, fmtRate, fmtTime } from '../format.js';
import { DataTable } from './DataTable.js';

export function ProgressTable({ progress }: { progress: ConsumerProgressResponse }) {
  return (
    <>
      <div className="cards">
        <div className="card">
          <div className="label">Lag (diff total)</div>
          <div className="value" data-testid="group-diff-total">{fmtInt(progress.diffTotal)}</div>
        </div>
        <div className="card">
          <div className="label">Consume TPS</div>
          <div className="value">{fmtRate(progress.consumeTps)}</div>
        </div>
      </div>
      <DataTable
        label="consumer progress"
        columns={[
          { key: 't', title: 'Topic', render: (r) => r.topic },
          { key: 'b', title: 'Broker', render: (r) => r.brokerName },
          { key: 'q', title: 'Queue', align: 'right', render: (r) => r.queueId },
          { key: 'bo', title: 'Broker offset', align: 'right', render: (r) => fmtInt(r.brokerOffset) },
          { key: 'co', title: 'Consumer offset', align: 'right', render: (r) => fmtInt(r.consumerOffset) },
          { key: 'd', title: 'Diff', align: 'right', render: (r) => (r.diff > 0 ? <strong>{fmtInt(r.diff)}</strong> : fmtInt(r.diff)) },
          { key: 'c', title: 'Client', render: (r) => r.clientIP ?? '–' },
          { key: 'l', title: 'Last consumed', render: (r) => fmtTime(r.lastTimestamp) },
        ]}
        rows={progress.rows}
        rowKey={(r) => `${r.topic}@${r.brokerName}#${r.queueId}`}
        empty="The group has no offsets yet."
      />
    </>
  );
}
