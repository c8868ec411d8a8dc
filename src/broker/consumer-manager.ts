// Consumer groups as the heartbeats describe them: connections, subscriptions, consume type and model
// (RocketMQ's ConsumerManager + ConsumerGroupInfo). Membership changes are reported to `onChange`, which the
// broker turns into NOTIFY_CONSUMER_IDS_CHANGED for the group's connections.
import { getLogger } from '../common/logger.js';
import type { ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData } from '../protocol/body-types.js';
import type { Connection } from '../remoting/types.js';
import type { TagsCodeFilter } from '../store/types.js';
import type { ClientChannel } from './client-channel.js';
import { tagsCodeFilterOf } from './subscription-filter.js';

export const MAX_CONSUMER_GROUPS = 100_000;
export const MAX_CONSUMERS_PER_GROUP = 10_000;
export const MAX_SUBSCRIPTIONS_PER_GROUP = 10_000;

const log = getLogger('broker');

/** A subscription with its consume-queue filter, compiled once per heartbeat change instead of per pull. */
export interface ActiveSubscription {
  data: SubscriptionData;
  filter: TagsCodeFilter | null;
}

export class ConsumerGroupInfo {
  readonly channels = new Map<number, ClientChannel>();
  readonly subscriptions = new Map<string, ActiveSubscription>();
  lastUpdate = 0;

  constructor(
    readonly groupName: string,
    public consumeType: ConsumeType,
    public messageModel: MessageModel,
    public consumeFromWhere: ConsumeFromWhere,
  ) {}

  /** True when the connection is new to the group (RocketMQ's updateChannel). */
  updateChannel(channel: ClientChannel, consumeType: ConsumeType, messageModel: MessageModel, from: ConsumeFromWhere): boolean {
    this.consumeType = consumeType;
    this.messageModel = messageModel;
    this.consumeFromWhere = from;
    this.lastUpdate = channel.lastUpdate;
    const old = this.channels.get(channel.conn.id);
    if (old === undefined) {
      if (this.channels.size >= MAX_CONSUMERS_PER_GROUP) {
        throw new Error(`the consumer group[${this.groupName}] has more than ${MAX_CONSUMERS_PER_GROUP} connections`);
      }
      this.channels.set(channel.conn.id, channel);
      log.info(`new consumer connected, group: ${this.groupName} ${consumeType} ${messageModel} channel: ${channel.conn.remoteAddress} clientId: ${channel.clientId}`);
      return true;
    }
    if (old.clientId !== channel.clientId) {
      log.error(`[BUG] consumer channel exist in broker, but clientId not equal. GROUP: ${this.groupName} OLD: ${old.clientId} NEW: ${channel.clientId}`);
      old.clientId = channel.clientId;
    }
    old.lastUpdate = channel.lastUpdate;
    return false;
  }

  /** True when a topic was added or removed; a newer subVersion replaces a subscription silently (as 4.9.8). */
  updateSubscription(subs: SubscriptionData[]): boolean {
    if (subs.length > MAX_SUBSCRIPTIONS_PER_GROUP) {
      throw new Error(`the consumer group[${this.groupName}] has more than ${MAX_SUBSCRIPTIONS_PER_GROUP} subscriptions`);
    }
    let updated = false;
    const topics = new Set<string>();
    for (const sub of subs) {
      topics.add(sub.topic);
      const old = this.subscriptions.get(sub.topic);
      if (old === undefined) {
        this.subscriptions.set(sub.topic, { data: sub, filter: tagsCodeFilterOf(sub) });
        log.info(`subscription changed, add new topic, group: ${this.groupName} ${sub.topic} ${sub.subString}`);
        updated = true;
      } else if (sub.subVersion > old.data.subVersion) {
        if (this.consumeType === 'CONSUME_PASSIVELY') {
          log.info(`subscription changed, group: ${this.groupName} OLD: ${old.data.subString} NEW: ${sub.subString}`);
        }
        this.subscriptions.set(sub.topic, { data: sub, filter: tagsCodeFilterOf(sub) });
      }
    }
    for (const topic of this.subscriptions.keys()) {
      if (!topics.has(topic)) {
        log.warn(`subscription changed, group: ${this.groupName} remove topic ${topic}`);
        this.subscriptions.delete(topic);
        updated = true;
      }
    }
    return updated;
  }

  clientIds(): string[] {
    const ids: string[] = [];
    for (const ch of this.channels.values()) ids.push(ch.clientId);
    return ids;
  }

  connections(): Connection[] {
    const conns: Connection[] = [];
    for (const ch of this.channels.values()) conns.push(ch.conn);
    return conns;
  }
}

export interface ConsumerRegistration {
  group: string;
  channel: ClientChannel;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  subscriptions: SubscriptionData[];
  /** The group's notifyConsumerIdsChangedEnable. */
  notify: boolean;
}

/** Called with a group whose membership changed and the connections still in it. */
export type ConsumerIdsChangeListener = (group: string, connections: Connection[]) => void;

export class ConsumerManager {
  private readonly groups = new Map<string, ConsumerGroupInfo>();

  constructor(private readonly onChange: ConsumerIdsChangeListener) {}

  get(group: string): ConsumerGroupInfo | undefined {
    return this.groups.get(group);
  }

  /** True when the channel or the topics changed. Throws naming the limit when one is exceeded. */
  register(r: ConsumerRegistration): boolean {
    let info = this.groups.get(r.group);
    if (info === undefined) {
      if (this.groups.size >= MAX_CONSUMER_GROUPS) throw new Error(`more than ${MAX_CONSUMER_GROUPS} consumer groups`);
      info = new ConsumerGroupInfo(r.group, r.consumeType, r.messageModel, r.consumeFromWhere);
      this.groups.set(r.group, info);
    }
    const channelChanged = info.updateChannel(r.channel, r.consumeType, r.messageModel, r.consumeFromWhere);
    const topicsChanged = info.updateSubscription(r.subscriptions);
    if ((channelChanged || topicsChanged) && r.notify) this.onChange(r.group, info.connections());
    return channelChanged || topicsChanged;
  }

  unregister(group: string, conn: Connection, notify: boolean): void {
    const info = this.groups.get(group);
    if (info === undefined) return;
    if (info.channels.delete(conn.id)) log.info(`unregister a consumer[${group}] from consumerGroupTable ${conn.remoteAddress}`);
    if (info.channels.size === 0) {
      this.groups.delete(group);
      log.info(`unregister consumer ok, no any connection, and remove consumer group, ${group}`);
    }
    if (notify) this.onChange(group, info.connections());
  }

  /** A connection went away: drop it from every group and tell the others (doChannelCloseEvent). */
  connectionClosed(conn: Connection): void {
    for (const [group, info] of this.groups) {
      if (!info.channels.delete(conn.id)) continue;
      log.info(`NETTY EVENT: remove channel ${conn.remoteAddress} from consumer group ${group}`);
      if (info.channels.size === 0) {
        this.groups.delete(group);
        log.info(`unregister consumer ok, no any connection, and remove consumer group, ${group}`);
      }
      this.onChange(group, info.connections());
    }
  }

  /** Channels whose last heartbeat is older than `maxIdleMs`. */
  idleChannels(now: number, maxIdleMs: number): ClientChannel[] {
    const idle: ClientChannel[] = [];
    for (const info of this.groups.values()) {
      for (const ch of info.channels.values()) if (now - ch.lastUpdate > maxIdleMs) idle.push(ch);
    }
    return idle;
  }

  findSubscription(group: string, topic: string): ActiveSubscription | undefined {
    return this.groups.get(group)?.subscriptions.get(topic);
  }

  /** Groups whose heartbeats subscribe `topic`. */
  groupsConsuming(topic: string): string[] {
    const groups: string[] = [];
    for (const [group, info] of this.groups) if (info.subscriptions.has(topic)) groups.push(group);
    return groups;
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }
}
