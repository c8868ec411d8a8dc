// A message's detail: where and when it was stored, its properties and body, which groups consumed it, and resend.
import type { MessageDetail, ResendResponse } from '../api/contract.js';
import { api } from '../api/endpoints.js';
import { useApi } from '../api/useApi.js';
import { fmtBytes, fmtTime } from '../format.js';
import { Async } from './Async.js';
import { BodyView } from './BodyView.js';
import { DataTable } from './DataTable.js';
import { Drawer } from './Drawer.js';
import { ErrorBox } from './ErrorBox.js';
import { KeyValueTable } from './KeyValueTable.js';
import { ResendForm } from './ResendForm.js';

function facts(m: MessageDetail): Array<[string, string]> {
  return [
    ['Topic', m.topic],
    ['Message id', m.msgId],
    ['Offset message id', m.offsetMsgId],
    ['Tag', m.tags ?? ''],
    ['Keys', m.keys.join(' ')],
    ['Queue', `${m.brokerName} #${m.queueId} offset ${m.queueOffset}`],
    ['Store host', m.storeHost],
    ['Stored at', fmtTime(m.storeTimestamp)],
    ['Born host', m.bornHost],
    ['Born at', fmtTime(m.bornTimestamp)],
    ['Body size', fmtBytes(m.bodySize)],
    ['Reconsume times', String(m.reconsumeTimes)],
    ['Commit log offset', String(m.commitLogOffset)],
  ];
}

function Tracks({ m }: { m: MessageDetail }) {
  if (m.trackError) return <ErrorBox message={`consume state unknown: ${m.trackError}`} />;
  return (
    <DataTable
      label="consume state"
      columns={[
        { key: 'g', title: 'Group', render: (t) => t.consumerGroup },
        { key: 's', title: 'State', render: (t) => <span className={t.trackType === 'CONSUMED' ? 'badge good' : 'badge warn'}>{t.trackType}</span> },
        { key: 'e', title: 'Detail', render: (t) => t.exceptionDesc ?? '' },
      ]}
      rows={m.tracks ?? []}
      rowKey={(t) => t.consumerGroup}
      empty="No group consumes this topic."
    />
  );
}

export interface MessageDrawerProps {
  topic: string;
  msgId: string;
  onClose: () => void;
  /** How to resend (a DLQ message goes through the DLQ route); default: consumeMessageDirectly on the topic. */
  resend?: (group: string, clientId: string | undefined) => Promise<ResendResponse>;
  group?: string;
}

export function MessageDrawer({ topic, msgId, onClose, resend, group }: MessageDrawerProps) {
  const detail = useApi(() => api.messageDetail({ topic, msgId }), [topic, msgId]);
  const resendTo = resend ?? ((g: string, clientId: string | undefined) => api.resend({ topic, msgId, group: g, clientId }));
  return (
    <Drawer title={`Message ${msgId}`} onClose={onClose}>
      <Async state={detail}>
        {(m) => (
          <>
            <KeyValueTable label="message facts" entries={facts(m)} />
            <h3>Body</h3>
            <BodyView base64={m.bodyBase64} text={m.bodyText} />
            <h3>Properties</h3>
            <KeyValueTable label="properties" entries={Object.entries(m.properties).sort(([a], [b]) => a.localeCompare(b))} />
            <h3>Consume state per group</h3>
            <Tracks m={m} />
            <h3>Resend to a group</h3>
            <ResendForm group={group} suggestions={(m.tracks ?? []).map((t) => t.consumerGroup)} resend={resendTo} />
          </>
        )}
      </Async>
    </Drawer>
  );
}
