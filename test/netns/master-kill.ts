// The master-kill scenario shared by sync-master-kill and async-master-loss: seed guide 000's 2m-2s layout
// (NameServer, broker-a master, broker-a slave, broker-b master, broker-b slave, producer, consumer: one host
// each), a producer agent sending from 4 loops and a deliberately slow consumer agent (so broker-a has a
// backlog that must be read from the slave). broker-a's master host loses its link and its broker is killed
// -9 (the link comes back at once, as after a quick reboot: peers get resets, not silence). Then: what the
// slave holds, what the consumer reads meanwhile, and after the master restarts on its store, everything.
import type { TestContext } from 'node:test';
import type { NetLab } from '../support/netns.js';
import { waitFor } from '../support/wait.js';
import {
  createTopicOnCluster, maxOffsets, startBroker, startConsumerAgent, startNamesrv, startProducerAgent,
  type Agent, type ConsumeEvent, type LabBroker, type SendEvent,
} from './lab-cluster.js';

export const HOSTS = { namesrv: 0, aMaster: 1, aSlave: 2, bMaster: 3, bSlave: 4, producer: 5, consumer: 6 } as const;
export const HOST_COUNT = 7;
const TOPIC = 'TopicTest';
const QUEUES = 4;
const SENDERS = 4;
/** SEND_OKs from broker-a before the kill: enough for a backlog, small enough for two shared cores. */
const ACKED_A_BEFORE_KILL = 1500;
/** SEND_OKs after the kill (all from broker-b) before the producer stops: the producer carried on. */
const ACKED_AFTER_KILL = 300;
/** The consumer pauses pulling a queue at this many unconsumed messages ... */
const PULL_THRESHOLD = 64;
/** ... so at most this many of a queue were pulled from the master and not yet consumed at the kill. */
const PREFETCH_BOUND = PULL_THRESHOLD + 2 * 32;

export type MasterRole = 'SYNC_MASTER' | 'ASYNC_MASTER';

export interface KillFigures {
  acked: number;
  ackedA: number;
  /** Acknowledged by broker-a's master but not on its slave after the kill. */
  lostWhileDown: number;
  /** Acknowledged but never consumed, after the master restarted. */
  lostAfterRestart: number;
  /** Sends begun before the master's link went down and answered after the cut began (about one per loop). */
  inFlight: number;
  /** Deliveries beyond the first of a key. */
  duplicates: number;
  /**
   * Kill → first broker-a message consumed that must have been pulled from the slave (its offset is beyond
   * what the consumer could have prefetched from the master), ms; undefined when the backlog was too short.
   */
  carryOnMs: number | undefined;
  /** Kill → the consumer held every acknowledged broker-a message the slave has, ms. */
  drainedFromSlaveMs: number;
  /** Sends answered neither SEND_OK nor an error (e.g. SLAVE_NOT_AVAILABLE before the slave connected). */
  notOk: number;
  failed: number;
}

function brokerProps(role: MasterRole | 'SLAVE', brokerName: string, brokerId: number, namesrvAddr: string): Record<string, string | number> {
  // conf/2m-2s-sync/broker-a.properties of the guide, plus the namesrvAddr its brokers get from NAMESRV_ADDR.
  return {
    brokerClusterName: 'DefaultCluster',
    brokerName,
    brokerId,
    deleteWhen: '04',
    fileReservedTime: 48,
    brokerRole: role,
    flushDiskType: 'ASYNC_FLUSH',
    listenPort: 10911,
    namesrvAddr,
  };
}

function keysOf(events: ConsumeEvent[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const e of events) seen.set(e.key, (seen.get(e.key) ?? 0) + 1);
  return seen;
}

/** Distinct offsets consumed per "broker/queue". */
function consumedOffsets(events: ConsumeEvent[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const e of events) {
    const k = `${e.broker}/${e.queue}`;
    const set = out.get(k) ?? new Set<number>();
    set.add(e.offset);
    out.set(k, set);
  }
  return out;
}

export class MasterKillRun {
  private brokerA!: LabBroker;
  private slaveA!: LabBroker;
  private brokerB!: LabBroker;
  private producer!: Agent<SendEvent>;
  private consumer!: Agent<ConsumeEvent>;

  constructor(private readonly lab: NetLab, private readonly role: MasterRole) {}

  async deploy(): Promise<void> {
    const l = this.lab;
    const ns = await startNamesrv(l, HOSTS.namesrv);
    // The guide's order: NameServers, masters, slaves.
    this.brokerA = await startBroker(l, HOSTS.aMaster, { label: 'broker-a', props: brokerProps(this.role, 'broker-a', 0, ns.addr) });
    this.brokerB = await startBroker(l, HOSTS.bMaster, { label: 'broker-b', props: brokerProps(this.role, 'broker-b', 0, ns.addr) });
    this.slaveA = await startBroker(l, HOSTS.aSlave, { label: 'broker-a-s', props: brokerProps('SLAVE', 'broker-a', 1, ns.addr) });
    const slaveB = await startBroker(l, HOSTS.bSlave, { label: 'broker-b-s', props: brokerProps('SLAVE', 'broker-b', 1, ns.addr) });
    await createTopicOnCluster(ns.addr, 'DefaultCluster', TOPIC, QUEUES, [this.slaveA.addr, slaveB.addr]);
    const env = { NAMESRV_ADDR: ns.addr };
    this.consumer = await startConsumerAgent(l, HOSTS.consumer, {
      topic: TOPIC, group: 'kill_consumer', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', consumeThreadMax: 1, pullThresholdForQueue: PULL_THRESHOLD, delayMs: 6,
    }, env);
    this.producer = await startProducerAgent(l, HOSTS.producer, {
      topic: TOPIC, group: 'kill_producer', keyPrefix: 'k', senders: SENDERS, pauseMs: 5, sendMsgTimeout: 3000,
    }, env);
  }

  private acked(): SendEvent[] {
    return this.producer.events.filter((e) => e.ev === 'ok');
  }

  private describeProgress(): string {
    const byEv = new Map<string, number>();
    for (const e of this.producer.events) byEv.set(`${e.ev}${e.broker ? `@${e.broker}` : ''}`, (byEv.get(`${e.ev}${e.broker ? `@${e.broker}` : ''}`) ?? 0) + 1);
    return `producer ${JSON.stringify([...byEv])}, consumed ${this.consumer.events.length}; last fail: ${JSON.stringify(this.producer.events.filter((e) => e.ev === 'fail').at(-1))}`;
  }

  /** Runs the whole scenario; the caller asserts on the figures (and the checks here assert what always holds). */
  async run(t: TestContext): Promise<KillFigures> {
    await waitFor(() => this.acked().filter((e) => e.broker === 'broker-a').length >= ACKED_A_BEFORE_KILL, {
      timeoutMs: 180_000, what: () => `${ACKED_A_BEFORE_KILL} SEND_OK from broker-a (${this.describeProgress()})`, intervalMs: 200,
    });

    // The kill: the host's link goes down, its broker dies, the link comes back (peers then get resets).
    const tKill = Date.now();
    const consumedAtKill = this.consumer.events.length;
    await this.lab.setLink(HOSTS.aMaster, false);
    const tLinkDown = Date.now();
    await this.brokerA.proc.kill();
    await this.lab.setLink(HOSTS.aMaster, true);
    t.diagnostic(`killed broker-a's master at ${tKill}: ${this.describeProgress()}`);

    const ackedAtKill = this.acked().length;
    await waitFor(() => this.acked().length >= ackedAtKill + ACKED_AFTER_KILL, {
      timeoutMs: 120_000, what: () => `${ACKED_AFTER_KILL} more SEND_OK after the kill (${this.describeProgress()})`, intervalMs: 200,
    });
    await this.producer.stop();
    const late = this.acked().filter((e) => e.broker === 'broker-a' && e.t0 > tLinkDown);
    if (late.length > 0) throw new Error(`SEND_OK from the dead broker-a for sends begun after its link went down: ${JSON.stringify(late.slice(0, 3))}`);

    const acked = this.acked();
    const ackedA = acked.filter((e) => e.broker === 'broker-a');
    const slaveMax = await this.waitForSlaveDrained(ackedA);
    const onSlave = (e: SendEvent): boolean => (e.offset ?? Infinity) < (slaveMax[e.queue ?? -1] ?? 0);
    const consumedAfterKill = this.consumer.events.slice(consumedAtKill).filter((e) => e.broker === 'broker-a');
    const highestAtKill = new Map<number, number>();
    for (const e of this.consumer.events.slice(0, consumedAtKill)) {
      if (e.broker === 'broker-a') highestAtKill.set(e.queue, Math.max(e.offset, highestAtKill.get(e.queue) ?? -1));
    }
    const fromSlave = consumedAfterKill.find((e) => e.offset > (highestAtKill.get(e.queue) ?? -1) + PREFETCH_BOUND);
    const carryOnMs = fromSlave === undefined ? undefined : fromSlave.t - tKill;
    const drainedFromSlaveMs = Math.max(0, ...consumedAfterKill.map((e) => e.t - tKill));
    const lostWhileDown = ackedA.filter((e) => !onSlave(e)).length;

    await this.brokerA.restart();
    await this.waitForAllConsumed(acked);

    const seen = keysOf(this.consumer.events);
    // Nothing reaches the master once its link is down: a send begun before that and not answered before
    // the cut began may have been stored there unanswered (and retried on broker-b).
    const inFlight = this.producer.events.filter((e) => e.t0 <= tLinkDown && e.t1 >= tKill).length;
    let duplicates = 0;
    for (const n of seen.values()) duplicates += n - 1;
    await this.consumer.stop();
    return {
      acked: acked.length,
      ackedA: ackedA.length,
      lostWhileDown,
      lostAfterRestart: acked.filter((e) => !seen.has(e.key)).length,
      inFlight,
      duplicates,
      carryOnMs,
      drainedFromSlaveMs,
      notOk: this.producer.events.filter((e) => e.ev === 'notok').length,
      failed: this.producer.events.filter((e) => e.ev === 'fail').length,
    };
  }

  /**
   * With the master dead, waits until the consumer has every acknowledged broker-a message the slave holds
   * (the slave's max offsets read again each round, until they stop moving). Returns those max offsets.
   */
  private async waitForSlaveDrained(ackedA: SendEvent[]): Promise<number[]> {
    let previous = '';
    return waitFor(async () => {
      const max = await maxOffsets(this.slaveA.addr, TOPIC, QUEUES);
      const stable = JSON.stringify(max) === previous;
      previous = JSON.stringify(max);
      const consumed = keysOf(this.consumer.events);
      const pending = ackedA.filter((e) => (e.offset ?? Infinity) < (max[e.queue ?? -1] ?? 0) && !consumed.has(e.key));
      return stable && pending.length === 0 ? max : undefined;
    }, {
      timeoutMs: 180_000, intervalMs: 1000,
      what: () => `the consumer to read from broker-a's slave every acknowledged message it holds (slave max offsets ${previous}; ${this.describeProgress()})`,
    });
  }

  /** Every acknowledged key consumed, and every offset of both masters' queues consumed (nothing stored is skipped). */
  private async waitForAllConsumed(acked: SendEvent[]): Promise<void> {
    const masters = [this.brokerA, this.brokerB];
    let missing = '';
    await waitFor(async () => {
      const seen = keysOf(this.consumer.events);
      const notSeen = acked.filter((e) => !seen.has(e.key));
      const offsets = consumedOffsets(this.consumer.events);
      const gaps: string[] = [];
      for (const b of masters) {
        const max = await maxOffsets(b.addr, TOPIC, QUEUES);
        const name = String(b.props.brokerName);
        max.forEach((m, q) => {
          const have = offsets.get(`${name}/${q}`)?.size ?? 0;
          if (have < m) gaps.push(`${name}/${q}: ${have} of ${m}`);
        });
      }
      missing = `${notSeen.length} acknowledged keys not consumed (e.g. ${notSeen.slice(0, 3).map((e) => `${e.key}@${e.broker}/${e.queue}/${e.offset}`).join(', ')}); queues behind: ${gaps.join(', ')}`;
      return notSeen.length === 0 && gaps.length === 0;
    }, { timeoutMs: 180_000, intervalMs: 1000, what: () => `everything consumed after broker-a's master restarted: ${missing}` });
  }
}
