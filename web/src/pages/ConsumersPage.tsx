// Consumers: every group with its online clients, lag and TPS (searchable, paginated); a row opens its detail.
import { useCallback } from 'react';
import type { ConsumerRow } from '../api/contract.js';
import { api } from '../api/endpoints.js';
import { useApi } from '../api/useApi.js';
import { Async } from '../components/Async.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { Drawer } from '../components/Drawer.js';
import { GroupDrawer } from '../components/GroupDrawer.js';
import { GroupForm } from '../components/GroupForm.js';
import { Pagination } from '../components/Pagination.js';
import { SearchBox } from '../components/SearchBox.js';
import { fmtInt, fmtRate } from '../format.js';
import { setParams, type Route } from '../router.js';

const PAGE_SIZE = 50;

const COLUMNS: Column<ConsumerRow>[] = [
  { key: 'group', title: 'Group', render: (g) => g.group },
  {
    key: 'clients',
    title: 'Clients',
    align: 'right',
    render: (g) => (g.clients > 0 ? <span className="badge good">{g.clients} online</span> : <span className="badge">offline</span>),
  },
  { key: 'lag', title: 'Lag', align: 'right', render: (g) => <span data-testid="group-lag">{fmtInt(g.diffTotal)}</span> },
  { key: 'tps', title: 'TPS', align: 'right', render: (g) => fmtRate(g.consumeTps) },
  { key: 'type', title: 'Type', render: (g) => g.consumeType ?? '–' },
  { key: 'model', title: 'Model', render: (g) => g.messageModel ?? '–' },
  { key: 'version', title: 'Version', render: (g) => g.version || '–' },
  { key: 'err', title: '', render: (g) => g.error && <span className="badge bad" title={g.error}>partial</span> },
];

export function ConsumersPage({ route }: { route: Route }) {
  const q = route.params.get('q') ?? '';
  const offset = Number(route.params.get('offset') ?? 0) || 0;
  const selected = route.params.get('group') ?? undefined;
  const creating = route.params.get('new') === '1';
  const list = useApi(() => api.groups({ q, offset, limit: PAGE_SIZE }), [q, offset]);
  const { reload } = list;
  const onSearch = useCallback((text: string) => setParams(route, { q: text, offset: undefined }), [route]);
  return (
    <section>
      <div className="toolbar">
        <h1>Consumers</h1>
        <span className="spacer" />
        <button type="button" className="btn" onClick={reload}>
          Refresh
        </button>
        <button type="button" className="btn btn-primary" onClick={() => setParams(route, { new: '1', group: undefined })}>
          New group
        </button>
      </div>
      <div className="toolbar">
        <SearchBox value={q} onSearch={onSearch} placeholder="Search groups" />
      </div>
      <Async state={list}>
        {(page) => (
          <>
            <DataTable
              label="consumer groups"
              columns={COLUMNS}
              rows={page.items}
              rowKey={(g) => g.group}
              selectedKey={selected}
              onRowClick={(g) => setParams(route, { group: g.group, new: undefined })}
              empty={q ? `No group matches “${q}”.` : 'No consumer group yet.'}
            />
            <Pagination offset={page.offset} limit={page.limit} total={page.total} onChange={(o) => setParams(route, { offset: o })} />
          </>
        )}
      </Async>
      {selected && <GroupDrawer key={selected} group={selected} onClose={() => setParams(route, { group: undefined })} onChanged={reload} />}
      {creating && (
        <Drawer title="New consumer group" onClose={() => setParams(route, { new: undefined })}>
          <GroupForm onSaved={reload} />
        </Drawer>
      )}
    </section>
  );
}
