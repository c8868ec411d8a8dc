// Master/slave replication as the broker runs it: every broker listens on haListenPort (HAService, as in
// 4.9.8); a SLAVE also runs the HA client towards its master and copies the master's metadata every 10 s.
// The send path asks waitForSlave() to fold a SYNC_MASTER's replication verdict into the store's answer.
import { getLogger } from '../common/logger.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { HAClient } from '../ha/ha-client.js';
import { HAService } from '../ha/ha-service.js';
import { PROPERTY_WAIT_STORE_MSG_OK } from '../protocol/message-const.js';
import { getProperty } from '../protocol/message.js';
import type { RemotingClient } from '../remoting/client.js';
import type { MessageStore, PutResult } from '../store/types.js';
import type { BrokerContext } from './broker-context.js';
import type { RegisterResult } from './namesrv-registrar.js';
import { SLAVE_SYNC_FIRST_DELAY_MS, SLAVE_SYNC_PERIOD_MS, SlaveSynchronize } from './slave-synchronize.js';

const log = getLogger('broker');

/** Test seams: shorter pauses than RocketMQ's fixed 5 s reconnect and 3 s / 10 s metadata sync. */
export interface ReplicationTimings {
  haReconnectDelayMs?: number;
  slaveSyncFirstDelayMs?: number;
  slaveSyncPeriodMs?: number;
}

export class BrokerReplication {
  private service: HAService | undefined;
  private client: HAClient | undefined;
  private synchronizer: SlaveSynchronize | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly config: BrokerConfig, private readonly timings: ReplicationTimings = {}) {}

  /** The master side (every role listens, as HAService does in 4.9.8). */
  get ha(): HAService | undefined {
    return this.service;
  }

  /** The slave's HA client (SLAVE only). */
  get haClient(): HAClient | undefined {
    return this.client;
  }

  /** The slave's metadata copier (SLAVE only, after startSlaveSync). */
  get slaveSynchronize(): SlaveSynchronize | undefined {
    return this.synchronizer;
  }

  /** Listens on `port` (haListenPort, or 0 for a free one; the config then tells the bound port) and, for a SLAVE, connects to the master. */
  async start(store: MessageStore, host: string | undefined, port: number): Promise<void> {
    const c = this.config;
    const service = new HAService(store, {
      host,
      port,
      segmentSize: c.mappedFileSizeCommitLog,
      heartbeatIntervalMs: c.haSendHeartbeatInterval,
      housekeepingIntervalMs: c.haHousekeepingInterval,
      transferBatchSize: c.haTransferBatchSize,
      slaveFallbehindMax: c.haSlaveFallbehindMax,
    });
    await service.start();
    this.service = service;
    c.haListenPort = service.port;
    if (host !== undefined && host !== '0.0.0.0' && host !== '::' && c.brokerIP2 !== host) {
      log.warn(`the HA port listens on ${host} (bindAddress) but slaves are told brokerIP2:haListenPort = ${c.brokerIP2}:${service.port}; set brokerIP2=${host}`);
    }
    // Slaves get new bytes as soon as they are in the commit log, while the master writes consume queues.
    if (store.onCommitLogWritten !== undefined) store.onCommitLogWritten(() => service.wakeup());
    else store.onMessageArrived(() => service.wakeup());
    if (c.brokerRole === 'SLAVE') {
      this.client = new HAClient(store, {
        masterAddress: c.haMasterAddress || undefined,
        heartbeatIntervalMs: c.haSendHeartbeatInterval,
        housekeepingIntervalMs: c.haHousekeepingInterval,
        reconnectDelayMs: this.timings.haReconnectDelayMs,
      });
      this.client.start();
    } else {
      // printMasterAndSlaveDiff: 10 s after start, then every minute.
      const first = setTimeout(() => {
        const print = (): void => log.info(`Slave fall behind master: ${store.getMaxPhyOffset() - service.ackedOffset} bytes`);
        print();
        this.timers.push(setInterval(print, 60_000));
      }, 10_000);
      first.unref();
      this.timers.push(first);
    }
  }

  /** SLAVE: copy topics, offsets, delay offsets and groups from the master, first after 3 s, then every 10 s. */
  startSlaveSync(ctx: BrokerContext, remoting: RemotingClient, ownAddr: () => string): void {
    if (this.config.brokerRole !== 'SLAVE') return;
    const sync = new SlaveSynchronize(ctx, remoting, ownAddr);
    this.synchronizer = sync;
    const first = setTimeout(() => {
      void sync.syncAll();
      this.timers.push(setInterval(() => void sync.syncAll(), this.timings.slaveSyncPeriodMs ?? SLAVE_SYNC_PERIOD_MS));
    }, this.timings.slaveSyncFirstDelayMs ?? SLAVE_SYNC_FIRST_DELAY_MS);
    this.timers.push(first);
  }

  /**
   * What REGISTER_BROKER answered: a slave follows the master it names (HA address unless haMasterAddress is
   * configured; the remoting address for the metadata copy, cleared when the NameServer knows no master).
   */
  onRegistered(results: RegisterResult[]): void {
    if (this.config.brokerRole !== 'SLAVE') return;
    const first = results[0];
    if (first === undefined) return;
    if (!this.config.haMasterAddress && first.haServerAddr) this.client?.updateMasterAddress(first.haServerAddr);
    if (this.synchronizer !== undefined && this.synchronizer.masterAddr !== first.masterAddr) {
      log.info(`slave: master is now ${first.masterAddr ?? 'unknown'}`);
      this.synchronizer.masterAddr = first.masterAddr;
    }
  }

  async shutdown(): Promise<void> {
    for (const t of this.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    await Promise.allSettled([this.client?.shutdown(), this.service?.shutdown()]);
  }
}

/** RocketMQ MessageExt.isWaitStoreMsgOK: WAIT absent means true. */
function waitsForStore(properties: string): boolean {
  const value = getProperty(properties, PROPERTY_WAIT_STORE_MSG_OK);
  return value === undefined || value.toLowerCase() === 'true';
}

/**
 * SYNC_MASTER (CommitLog.submitReplicaRequest + the thenCombine of 4.9.8): once stored, a send whose WAIT is
 * not "false" waits until a slave holds it. The slave's verdict replaces the store's status when it is not
 * PUT_OK: SLAVE_NOT_AVAILABLE (none connected, or too far behind) or FLUSH_SLAVE_TIMEOUT (no ack within
 * slaveTimeout). Every other role, and a failed store, returns `result` as it is (no promise, no timer).
 */
export function waitForSlave(ctx: BrokerContext, result: PutResult, sentProperties: string): PutResult | Promise<PutResult> {
  const ha = ctx.replication?.ha;
  if (ctx.config.brokerRole !== 'SYNC_MASTER' || ha === undefined) return result;
  if (result.status !== 'PUT_OK' && result.status !== 'FLUSH_DISK_TIMEOUT') return result;
  const last = result.messages[result.messages.length - 1];
  if (last === undefined || !waitsForStore(sentProperties)) return result;
  const end = last.wroteOffset + last.wroteBytes;
  return ha.waitForReplication(end, ctx.config.slaveTimeout).then((status) => {
    if (status === 'PUT_OK') return result;
    if (status === 'FLUSH_SLAVE_TIMEOUT') {
      log.error(`do sync transfer other node, wait return, but failed, end offset ${end}, slaveTimeout ${ctx.config.slaveTimeout} ms`);
    }
    return { ...result, status, remark: status };
  });
}
