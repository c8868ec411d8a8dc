// A group's dead-letter messages (%DLQ%group) in a time range, each openable and resendable to the group.
import { useState } from 'react';
import type { MessageSummary } from '../api/contract.js';
import { api } from '../api/endpoints.js';
import { useApi } from '../api/useApi.js';
import { fromLocalInput, toLocalInput } from '../format.js';
import { Async } from './Async.js';
import { MessageDrawer } from './MessageDrawer.js';
import { MessageTable } from './MessageTable.js';

const DAY_MS = 86_400_000;

export function DlqPanel({ group }: { group: string }) {
  const [begin, setBegin] = useState(() => toLocalInput(Date.now() - 3 * DAY_MS));
  const [end, setEnd] = useState(() => toLocalInput(Date.now() + 60_000));
  const [open, setOpen] = useState<MessageSummary>();
  const b = fromLocalInput(begin);
  const e = fromLocalInput(end);
  const list = useApi(b !== undefined && e !== undefined ? () => api.dlq(group, { begin: b, end: e, limit: 200 }) : undefined, [group, b, e]);
  return (
    <div>
      <div className="toolbar">
        <label className="check">
          From <input type="datetime-local" value={begin} onChange={(ev) => setBegin(ev.target.value)} />
        </label>
        <label className="check">
          To <input type="datetime-local" value={end} onChange={(ev) => setEnd(ev.target.value)} />
        </label>
      </div>
      <Async state={list}>
        {(r) => (
          <>
            <MessageTable items={r.items} selected={open?.offsetMsgId} onSelect={setOpen} />
            {r.truncated && <p className="muted">More messages matched: narrow the time range.</p>}
          </>
        )}
      </Async>
      {open && (
        <MessageDrawer
          topic={open.topic}
          msgId={open.msgId}
          group={group}
          onClose={() => setOpen(undefined)}
          resend={(_g, clientId) => api.dlqResend(group, { msgId: open.msgId, clientId })}
        />
      )}
    </div>
  );
}
