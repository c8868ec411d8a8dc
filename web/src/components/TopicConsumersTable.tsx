// Which groups consume a topic, with their backlog on it; a group links to its Consumers page entry.
import type { TopicConsumerRow } from '../api/contract.js';
import { fmtInt, fmtRate } from '../format.js';
import { hrefFor } from '../router.js';
import { DataTable } from './DataTable.js';

export function TopicConsumersTable({ groups }: { groups: TopicConsumerRow[] }) {
  return (
    <DataTable
      label="topic consumers"
      columns={[
        { key: 'g', title: 'Group', render: (g) => <a href={hrefFor('consumers', { group: g.group, q: g.group })}>{g.group}</a> },
        { key: 'd', title: 'Lag', align: 'right', render: (g) => (g.error ? <span className="badge bad" title={g.error}>error</span> : fmtInt(g.diffTotal)) },
        { key: 't', title: 'TPS', align: 'right', render: (g) => fmtRate(g.consumeTps) },
      ]}
      rows={groups}
      rowKey={(g) => g.group}
      empty="No group consumes this topic."
    />
  );
}
