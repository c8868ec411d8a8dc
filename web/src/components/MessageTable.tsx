// A list of messages (query results, DLQ); a row opens the message's detail.
import type { MessageSummary } from '../api/contract.js';
import { fmtBytes, fmtTime } from '../format.js';
import { DataTable } from './DataTable.js';

export function MessageTable({ items, selected, onSelect }: { items: MessageSummary[]; selected?: string; onSelect: (m: MessageSummary) => void }) {
  return (
    <DataTable
      label="messages"
      columns={[
        { key: 'id', title: 'Message id', render: (m) => <code>{m.msgId}</code> },
        { key: 'tags', title: 'Tag', render: (m) => m.tags ?? '–' },
        { key: 'keys', title: 'Keys', render: (m) => m.keys.join(' ') || '–' },
        { key: 'q', title: 'Queue', render: (m) => `${m.brokerName} #${m.queueId}` },
        { key: 'o', title: 'Offset', align: 'right', render: (m) => m.queueOffset },
        { key: 'size', title: 'Body', align: 'right', render: (m) => fmtBytes(m.bodySize) },
        { key: 't', title: 'Stored', render: (m) => fmtTime(m.storeTimestamp) },
      ]}
      rows={items}
      rowKey={(m) => m.offsetMsgId}
      selectedKey={selected}
      onRowClick={onSelect}
      empty="No message found."
    />
  );
}
