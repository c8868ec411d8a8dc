// Topics: a searchable, paginated list filtered by kind; a row opens the topic's drawer; "New topic" creates one.
import { useCallback } from 'react';
import type { TopicKind, TopicRow } from '../api/contract.js';
import { api } from '../api/endpoints.js';
import { useApi } from '../api/useApi.js';
import { Async } from '../components/Async.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { Drawer } from '../components/Drawer.js';
import { KindFilter } from '../components/KindFilter.js';
import { Pagination } from '../components/Pagination.js';
import { SearchBox } from '../components/SearchBox.js';
import { TopicDrawer } from '../components/TopicDrawer.js';
import { NEW_TOPIC, TopicForm } from '../components/TopicForm.js';
import { setParams, type Route } from '../router.js';

const PAGE_SIZE = 50;
const ALL_KINDS: TopicKind[] = ['NORMAL', 'RETRY', 'DLQ', 'SYSTEM'];

const COLUMNS: Column<TopicRow>[] = [
  { key: 'topic', title: 'Topic', render: (t) => t.topic },
  { key: 'kind', title: 'Kind', render: (t) => <span className={t.kind === 'NORMAL' ? 'badge good' : 'badge'}>{t.kind}</span>, width: '120px' },
];

function kindsOf(param: string | null): TopicKind[] {
  if (param === null) return ['NORMAL'];
  return param.split(',').filter((k): k is TopicKind => (ALL_KINDS as string[]).includes(k));
}

export function TopicsPage({ route }: { route: Route }) {
  const q = route.params.get('q') ?? '';
  const kinds = kindsOf(route.params.get('kind'));
  const kind = kinds.join(',');
  const offset = Number(route.params.get('offset') ?? 0) || 0;
  const selected = route.params.get('topic') ?? undefined;
  const creating = route.params.get('new') === '1';
  const list = useApi(kind ? () => api.topics({ q, kind, offset, limit: PAGE_SIZE }) : undefined, [q, kind, offset]);
  const { reload } = list;
  const onSearch = useCallback((text: string) => setParams(route, { q: text, offset: undefined }), [route]);

  return (
    <section>
      <div className="toolbar">
        <h1>Topics</h1>
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={() => setParams(route, { new: '1', topic: undefined })}>
          New topic
        </button>
      </div>
      <div className="toolbar">
        <SearchBox value={q} onSearch={onSearch} placeholder="Search topics" />
        <KindFilter selected={kinds} counts={list.data?.counts} onChange={(next) => setParams(route, { kind: next.length ? next.join(',') : 'none', offset: undefined })} />
      </div>
      {!kind && <p className="muted">Tick at least one kind of topic to list.</p>}
      <Async state={list}>
        {(page) => kind && (
          <>
            <DataTable
              label="topics"
              columns={COLUMNS}
              rows={page.items}
              rowKey={(t) => t.topic}
              selectedKey={selected}
              onRowClick={(t) => setParams(route, { topic: t.topic, new: undefined })}
              empty={q ? `No topic matches “${q}”.` : 'No topic of the chosen kinds.'}
            />
            <Pagination offset={page.offset} limit={page.limit} total={page.total} onChange={(o) => setParams(route, { offset: o })} />
          </>
        )}
      </Async>
      {selected && <TopicDrawer key={selected} topic={selected} onClose={() => setParams(route, { topic: undefined })} onChanged={reload} />}
      {creating && (
        <Drawer title="New topic" onClose={() => setParams(route, { new: undefined })}>
          <TopicForm initial={NEW_TOPIC} editing={false} onSaved={reload} />
        </Drawer>
      )}
    </section>
  );
}
