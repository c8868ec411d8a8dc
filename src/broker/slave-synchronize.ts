// A slave's copy of its master's metadata (RocketMQ 4.9.8 SlaveSynchronize, spec/ha-protocol.md §4): every
// 10 s, first 3 s after start, the topic table (GET_ALL_TOPIC_CONFIG on the master's VIP port, replaced when
// the data version differs), the consumer offsets, the delay-queue progress and the subscription groups.
// The master's remoting address comes from the REGISTER_BROKER answer (masterAddr).
import { getLogger } from '../common/logger.js';
import {
  decodeConsumerOffsetSerializeWrapper,
  decodeDelayOffsetSerializeWrapper,
  decodeSubscriptionGroupWrapper,
  decodeTopicConfigSerializeWrapper,
} from '../protocol/bodies.js';
import { createRequest } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import { parseAddress } from '../remoting/address.js';
import type { RemotingClient } from '../remoting/client.js';
import type { BrokerContext } from './broker-context.js';
import { ConfigFile } from './config-file.js';
import { DELAY_OFFSET_FILE } from './schedule-message-service.js';

const log = getLogger('broker');
/** BrokerOuterAPI's timeout for these calls. */
const SYNC_TIMEOUT_MS = 3000;
export const SLAVE_SYNC_FIRST_DELAY_MS = 3000;
export const SLAVE_SYNC_PERIOD_MS = 10_000;

/** MixAll.brokerVIPChannel: the same host, port - 2. */
export function vipChannelAddr(addr: string): string {
  const { host, port } = parseAddress(addr);
  return `${host.includes(':') ? `[${host}]` : host}:${port - 2}`;
}

export class SlaveSynchronize {
  /** The master's remoting address (from the NameServer), undefined while none is known. */
  masterAddr: string | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly client: RemotingClient,
    /** This broker's own address: a slave never syncs from itself. */
    private readonly ownAddr: () => string,
  ) {}

  /** One round of all four copies; concurrent calls share the round in progress. Never rejects. */
  syncAll(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    const master = this.masterAddr;
    if (master === undefined || master === this.ownAddr()) return;
    await this.step('topic config', () => this.syncTopicConfig(master));
    await this.step('consumer offsets', () => this.syncConsumerOffset(master));
    await this.step('delay offsets', () => this.syncDelayOffset(master));
    await this.step('subscription groups', () => this.syncSubscriptionGroupConfig(master));
  }

  private async step(what: string, job: () => Promise<void>): Promise<void> {
    try {
      await job();
    } catch (err) {
      log.error(`SyncAll ${what} from master ${this.masterAddr ?? '?'} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async fetch(addr: string, code: number): Promise<Buffer> {
    const res = await this.client.invoke(addr, createRequest(code, {}), SYNC_TIMEOUT_MS);
    if (res.code !== ResponseCode.SUCCESS) throw new Error(`request ${code} to ${addr} answered ${res.code} ${res.remark ?? ''}`);
    if (res.body === undefined) throw new Error(`request ${code} to ${addr} answered without a body`);
    return res.body;
  }

  private async syncTopicConfig(master: string): Promise<void> {
    const wrapper = decodeTopicConfigSerializeWrapper(await this.fetch(vipChannelAddr(master), RequestCode.GET_ALL_TOPIC_CONFIG));
    if (this.ctx.topics.replaceFrom(wrapper)) log.info(`Update slave topic config from master, ${master}`);
  }

  private async syncConsumerOffset(master: string): Promise<void> {
    const wrapper = decodeConsumerOffsetSerializeWrapper(await this.fetch(master, RequestCode.GET_ALL_CONSUMER_OFFSET));
    this.ctx.offsets.putAll(wrapper.offsetTable);
    await this.ctx.offsets.persistIfDirty();
    log.info(`Update slave consumer offset from master, ${master}`);
  }

  private async syncDelayOffset(master: string): Promise<void> {
    const body = await this.fetch(master, RequestCode.GET_ALL_DELAY_OFFSET);
    decodeDelayOffsetSerializeWrapper(body);
    // 4.9.8 writes the master's text to delayOffset.json as it came; reloading keeps our copy in memory equal.
    await new ConfigFile(this.ctx.store.configDir, DELAY_OFFSET_FILE).persist(body.toString('utf8'));
    this.ctx.schedule.load();
    log.info(`Update slave delay offset from master, ${master}`);
  }

  private async syncSubscriptionGroupConfig(master: string): Promise<void> {
    const wrapper = decodeSubscriptionGroupWrapper(await this.fetch(master, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG));
    if (this.ctx.groups.replaceFrom(wrapper)) log.info(`Update slave Subscription Group from master, ${master}`);
  }
}
