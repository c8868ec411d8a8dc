// Cluster: every broker by cluster and broker name with role, address, version, TPS, today's and yesterday's
// totals and disk use; a row opens the broker's runtime info and config.
import { useState } from 'react';
import type { BrokerRow } from '../api/contract.js';
import { api } from '../api/endpoints.js';
import { usePolling } from '../api/useApi.js';
import { Async } from '../components/Async.js';
import { BrokerDrawer } from '../components/BrokerDrawer.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { fmtInt, fmtPercent, fmtRate } from '../format.js';

function role(b: BrokerRow) {
  return b.role === 'MASTER' ? <span className="badge master">master</span> : <span className="badge">slave {b.brokerId}</span>;
}

function disk(space: number) {
  const cls = space >= 0.9 ? 'badge bad' : space >= 0.75 ? 'badge warn' : 'badge good';
  return <span className={cls}>{fmtPercent(space)}</span>;
}

const COLUMNS: Column<BrokerRow>[] = [
  { key: 'cluster', title: 'Cluster', render: (b) => b.clusterName },
  { key: 'name', title: 'Broker', render: (b) => b.brokerName },
  { key: 'role', title: 'Role', render: role },
  { key: 'addr', title: 'Address', render: (b) => <code>{b.addr}</code> },
  { key: 'version', title: 'Version', render: (b) => (b.error ? <span className="badge bad" title={b.error}>unreachable</span> : b.version) },
  { key: 'tps', title: 'TPS in / out', align: 'right', render: (b) => `${fmtRate(b.inTps)} / ${fmtRate(b.outTps)}` },
  { key: 'today', title: 'Today in / out', align: 'right', render: (b) => `${fmtInt(b.inTotalToday)} / ${fmtInt(b.outTotalToday)}` },
  { key: 'yest', title: 'Yesterday in / out', align: 'right', render: (b) => `${fmtInt(b.inTotalYesterday)} / ${fmtInt(b.outTotalYesterday)}` },
  { key: 'hours', title: 'Stored for', align: 'right', render: (b) => `${fmtRate(b.hours)} h` },
  { key: 'disk', title: 'Disk', align: 'right', render: (b) => disk(b.diskRatio) },
];

function Totals({ brokers }: { brokers: BrokerRow[] }) {
  const sum = (f: (b: BrokerRow) => number): number => brokers.reduce((n, b) => n + f(b), 0);
  const cards: Array<[string, string]> = [
    ['Clusters', fmtInt(new Set(brokers.map((b) => b.clusterName)).size)],
    ['Brokers', fmtInt(brokers.length)],
    ['In TPS', fmtRate(sum((b) => b.inTps))],
    ['Out TPS', fmtRate(sum((b) => b.outTps))],
    ['In today', fmtInt(sum((b) => b.inTotalToday))],
    ['Out today', fmtInt(sum((b) => b.outTotalToday))],
  ];
  return (
    <div className="cards">
      {cards.map(([label, value]) => (
        <div className="card" key={label}>
          <div className="label">{label}</div>
          <div className="value">{value}</div>
        </div>
      ))}
    </div>
  );
}

export function ClusterPage() {
  const state = usePolling(api.cluster, 10_000, []);
  const [selected, setSelected] = useState<BrokerRow>();
  return (
    <section>
      <h1>Cluster</h1>
      <Async state={state}>
        {(data) => (
          <>
            <Totals brokers={data.brokers} />
            <DataTable
              label="brokers"
              columns={COLUMNS}
              rows={data.brokers}
              rowKey={(b) => b.addr}
              selectedKey={selected?.addr}
              onRowClick={setSelected}
              empty="No broker is registered with the NameServer."
            />
            <p className="muted">Click a broker for its runtime info and config. Refreshed every 10 s.</p>
          </>
        )}
      </Async>
      {selected && <BrokerDrawer addr={selected.addr} title={`${selected.brokerName} · ${selected.addr}`} onClose={() => setSelected(undefined)} />}
    </section>
  );
}
