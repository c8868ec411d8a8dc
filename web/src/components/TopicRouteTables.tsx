// A topic's route: which brokers serve it (with addresses) and their queue counts and permission.
import type { TopicRouteView } from '../api/contract.js';
import { DataTable } from './DataTable.js';

export function TopicRouteTables({ route }: { route: TopicRouteView }) {
  return (
    <>
      {route.orderTopicConf && (
        <p>
          Order config: <code>{route.orderTopicConf}</code>
        </p>
      )}
      <h3>Brokers</h3>
      <DataTable
        label="route brokers"
        columns={[
          { key: 'c', title: 'Cluster', render: (b) => b.cluster },
          { key: 'b', title: 'Broker', render: (b) => b.brokerName },
          {
            key: 'a',
            title: 'Addresses (id → address)',
            render: (b) =>
              Object.entries(b.brokerAddrs)
                .map(([id, addr]) => `${id} → ${addr}`)
                .join(', '),
          },
        ]}
        rows={route.brokerDatas}
        rowKey={(b) => b.brokerName}
      />
      <h3>Queues</h3>
      <DataTable
        label="route queues"
        columns={[
          { key: 'b', title: 'Broker', render: (q) => q.brokerName },
          { key: 'r', title: 'Read', align: 'right', render: (q) => q.readQueueNums },
          { key: 'w', title: 'Write', align: 'right', render: (q) => q.writeQueueNums },
          { key: 'p', title: 'Perm', render: (q) => `${q.permText} (${q.perm})` },
        ]}
        rows={route.queueDatas}
        rowKey={(q) => q.brokerName}
      />
    </>
  );
}
