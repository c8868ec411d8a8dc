// Keeping the client tables true to the connections (ClientHousekeepingService + Broker2Client of 4.9.8):
// a closed connection leaves every group, an idle one is closed, and a group's members hear about changes.
import { getLogger } from '../common/logger.js';
import { createRequest } from '../protocol/command.js';
import { RequestCode } from '../protocol/codes.js';
import type { Connection } from '../remoting/types.js';
import type { ConsumerManager } from './consumer-manager.js';
import type { ProducerManager } from './producer-manager.js';

/** How often idle channels are looked for (ClientHousekeepingService runs every 10 s). */
export const CLIENT_SCAN_INTERVAL_MS = 10_000;

const log = getLogger('broker');

/** NOTIFY_CONSUMER_IDS_CHANGED (oneway) to each connection of the group, so its clients rebalance now. */
export function notifyConsumerIdsChanged(group: string, connections: Connection[]): void {
  for (const conn of connections) {
    if (conn.closed) continue;
    try {
      conn.invokeOneway(createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group }));
    } catch (err) {
      log.warn(`notifyConsumerIdsChanged exception, ${group} ${conn.remoteAddress}: ${String(err)}`);
    }
  }
}

export class ClientHousekeeping {
  private readonly watched = new WeakSet<Connection>();

  constructor(
    private readonly consumers: ConsumerManager,
    private readonly producers: ProducerManager,
  ) {}

  /** Once per connection: when it closes, its producer and consumer channels go. */
  watch(conn: Connection): void {
    if (this.watched.has(conn)) return;
    this.watched.add(conn);
    conn.onClose(() => {
      this.consumers.connectionClosed(conn);
      this.producers.connectionClosed(conn);
    });
  }

  /** Closes connections whose client has not sent a heartbeat for `maxIdleMs`; the close listener cleans up. */
  closeIdle(now: number, maxIdleMs: number): void {
    const idle = [...this.consumers.idleChannels(now, maxIdleMs), ...this.producers.idleChannels(now, maxIdleMs)];
    for (const ch of idle) {
      if (ch.conn.closed) {
        // Closed before anyone watched it: nothing else will remove it.
        this.consumers.connectionClosed(ch.conn);
        this.producers.connectionClosed(ch.conn);
        continue;
      }
      log.warn(`SCAN: remove expired channel from client tables. channel=${ch.conn.remoteAddress}, clientId=${ch.clientId}, idle ${now - ch.lastUpdate} ms`);
      ch.conn.close();
    }
  }
}
