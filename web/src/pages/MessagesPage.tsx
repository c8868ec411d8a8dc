// Messages: query a topic by key, message id or time range; a row opens the message (body, properties, consume
// state, resend). The query lives in the address, so a result can be linked to.
import type { MessageListResponse } from '../api/contract.js';
import { api } from '../api/endpoints.js';
import { useApi } from '../api/useApi.js';
import { Async } from '../components/Async.js';
import { MessageDrawer } from '../components/MessageDrawer.js';
import { MessageQueryForm, type MessageQuery, type QueryMode } from '../components/MessageQueryForm.js';
import { MessageTable } from '../components/MessageTable.js';
import { setParams, type Route } from '../router.js';

const LIMIT = 200;

function queryOf(route: Route): MessageQuery {
  const p = route.params;
  const mode = (['key', 'id', 'time'] as const).find((m) => m === p.get('mode')) ?? 'key';
  const num = (name: string): number | undefined => (p.get(name) ? Number(p.get(name)) : undefined);
  return { mode, topic: p.get('topic') ?? '', key: p.get('key') ?? undefined, msgId: p.get('msgId') ?? undefined, begin: num('begin'), end: num('end') };
}

function load(q: MessageQuery): (() => Promise<MessageListResponse>) | undefined {
  if (!q.topic) return undefined;
  if (q.mode === 'key' && q.key) return () => api.messagesByKey({ topic: q.topic, key: q.key ?? '' });
  if (q.mode === 'id' && q.msgId) return () => api.messagesById({ topic: q.topic, msgId: q.msgId ?? '' });
  if (q.mode === 'time' && q.begin !== undefined && q.end !== undefined) {
    return () => api.messagesByTime({ topic: q.topic, begin: q.begin ?? 0, end: q.end ?? 0, limit: LIMIT });
  }
  return undefined;
}

export function MessagesPage({ route }: { route: Route }) {
  const query = queryOf(route);
  const open = route.params.get('msg') ?? undefined;
  const loader = load(query);
  const result = useApi(loader, [query.mode, query.topic, query.key, query.msgId, query.begin, query.end, route.params.get('run')]);
  const search = (q: MessageQuery): void => {
    const byMode: Record<QueryMode, Record<string, string | number | undefined>> = {
      key: { key: q.key, msgId: undefined, begin: undefined, end: undefined },
      id: { msgId: q.msgId, key: undefined, begin: undefined, end: undefined },
      time: { begin: q.begin, end: q.end, key: undefined, msgId: undefined },
    };
    // `run` changes on every search so the same query can be repeated to see new messages.
    setParams(route, { mode: q.mode, topic: q.topic, ...byMode[q.mode], msg: undefined, run: Date.now() });
  };
  return (
    <section>
      <h1>Messages</h1>
      <MessageQueryForm key={`${query.mode}|${query.topic}|${query.key ?? ''}`} initial={query} onQuery={search} />
      {!loader && <p className="muted">Choose a topic and what to look for.</p>}
      {loader && (
        <Async state={result}>
          {(r) => (
            <>
              <MessageTable items={r.items} selected={r.items.find((m) => m.msgId === open)?.offsetMsgId} onSelect={(m) => setParams(route, { msg: m.msgId })} />
              {r.truncated && <p className="muted">More messages matched than the {LIMIT} shown: narrow the query.</p>}
            </>
          )}
        </Async>
      )}
      {open && query.topic && <MessageDrawer key={open} topic={query.topic} msgId={open} onClose={() => setParams(route, { msg: undefined })} />}
    </section>
  );
}
