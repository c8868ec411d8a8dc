// The online clients of a group (address, language, version) and, for consumers, their subscriptions.
import type { ConnectionView, SubscriptionView } from '../api/contract.js';
import { DataTable } from './DataTable.js';

export function ConnectionsTable({ connections, label }: { connections: ConnectionView[]; label: string }) {
  return (
    <DataTable
      label={label}
      columns={[
        { key: 'id', title: 'Client id', render: (c) => <code>{c.clientId}</code> },
        { key: 'addr', title: 'Address', render: (c) => c.clientAddr },
        { key: 'lang', title: 'Language', render: (c) => c.language },
        { key: 'v', title: 'Version', render: (c) => c.versionText },
      ]}
      rows={connections}
      rowKey={(c) => c.clientId}
      empty="No client is online."
    />
  );
}

export function SubscriptionsTable({ subscriptions }: { subscriptions: SubscriptionView[] }) {
  return (
    <DataTable
      label="subscriptions"
      columns={[
        { key: 't', title: 'Topic', render: (s) => s.topic },
        { key: 'e', title: 'Expression', render: (s) => <code>{s.subString}</code> },
        { key: 'type', title: 'Type', render: (s) => s.expressionType },
      ]}
      rows={subscriptions}
      rowKey={(s) => s.topic}
      empty="No subscription (no client online)."
    />
  );
}
