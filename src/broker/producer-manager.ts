// Producer connections by group, from HEART_BEAT / UNREGISTER_CLIENT (RocketMQ's ProducerManager).
import { getLogger } from '../common/logger.js';
import type { Connection } from '../remoting/types.js';
import type { ClientChannel } from './client-channel.js';

export const MAX_PRODUCER_GROUPS = 100_000;
export const MAX_CHANNELS_PER_GROUP = 10_000;

const log = getLogger('broker');

export class ProducerManager {
  /** group → connection id → channel */
  private readonly groups = new Map<string, Map<number, ClientChannel>>();

  /** Registers or refreshes; false when a limit refuses a new group or channel. */
  register(group: string, channel: ClientChannel): boolean {
    let channels = this.groups.get(group);
    if (channels === undefined) {
      if (this.groups.size >= MAX_PRODUCER_GROUPS) {
        log.warn(`register producer refused: more than ${MAX_PRODUCER_GROUPS} producer groups, group ${group}`);
        return false;
      }
      channels = new Map();
      this.groups.set(group, channels);
    }
    const old = channels.get(channel.conn.id);
    if (old !== undefined) {
      old.clientId = channel.clientId;
      old.lastUpdate = channel.lastUpdate;
      return true;
    }
    if (channels.size >= MAX_CHANNELS_PER_GROUP) {
      log.warn(`register producer refused: more than ${MAX_CHANNELS_PER_GROUP} connections in group ${group}`);
      return false;
    }
    channels.set(channel.conn.id, channel);
    log.info(`new producer connected, group: ${group} channel: ${channel.conn.remoteAddress} clientId: ${channel.clientId}`);
    return true;
  }

  unregister(group: string, conn: Connection): void {
    const channels = this.groups.get(group);
    if (channels?.delete(conn.id)) {
      log.info(`unregister a producer ${group} from groupChannelTable ${conn.remoteAddress}`);
      if (channels.size === 0) this.groups.delete(group);
    }
  }

  /** A connection went away: drop it from every group. */
  connectionClosed(conn: Connection): void {
    for (const [group, channels] of this.groups) {
      if (channels.delete(conn.id)) {
        log.info(`NETTY EVENT: remove channel ${conn.remoteAddress} from producer group ${group}`);
        if (channels.size === 0) this.groups.delete(group);
      }
    }
  }

  /** Channels whose last heartbeat is older than `maxIdleMs`. */
  idleChannels(now: number, maxIdleMs: number): ClientChannel[] {
    const idle: ClientChannel[] = [];
    for (const channels of this.groups.values()) {
      for (const ch of channels.values()) if (now - ch.lastUpdate > maxIdleMs) idle.push(ch);
    }
    return idle;
  }

  channels(group: string): ClientChannel[] | undefined {
    const channels = this.groups.get(group);
    return channels === undefined ? undefined : [...channels.values()];
  }

  groupCount(): number {
    return this.groups.size;
  }
}
