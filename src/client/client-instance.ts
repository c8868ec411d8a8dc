// The machinery every producer and consumer needs (Java MQClientInstance): one RemotingClient, the NameServer
// list with failover, the route cache and broker address table, periodic route refresh and heartbeats, and
// the entry point for requests brokers send to us. Each Producer/Consumer owns one instance.
import { getLogger, type Logger } from '../common/logger.js';
import { createRequest, createResponse, type RemotingCommand } from '../protocol/command.js';
import { RequestCode, ResponseCode } from '../protocol/codes.js';
import { decodeTopicRouteData, encodeHeartbeatData } from '../protocol/bodies.js';
import type { ConsumerData, ProducerData, TopicRouteData } from '../protocol/body-types.js';
import { RemotingClient } from '../remoting/client.js';
import type { ResolvedClientConfig } from './config.js';
import { ClientErrorCode, MQBrokerError, MQClientError, fromRemotingError } from './errors.js';
import { MASTER_ID, sameRoute } from './route.js';

export interface ClientOwner {
  /** Topics whose routes this client keeps fresh. */
  topicsInUse(): Iterable<string>;
  heartbeatData(): { producerDataSet: ProducerData[]; consumerDataSet: ConsumerData[] };
  /** Called when a topic's route is first known or has changed. */
  onRouteChanged(topic: string, route: TopicRouteData): void;
  /** Requests a broker sends to this client; undefined = not supported. */
  handleRequest?(request: RemotingCommand): Promise<RemotingCommand | null> | RemotingCommand | null | undefined;
}

export type InstanceState = 'CREATED' | 'RUNNING' | 'SHUTDOWN';

/** A client following more topics than this is leaking topic names (e.g. one per request). */
const MAX_ROUTE_TOPICS = 100_000;

export class ClientInstance {
  readonly logger: Logger;
  readonly remoting: RemotingClient;
  /** topic -> last route seen from a NameServer. */
  readonly routes = new Map<string, TopicRouteData>();
  /** brokerName -> brokerId -> "ip:port", rebuilt from all routes. */
  readonly brokerAddrs = new Map<string, Map<number, string>>();
  private namesrvIndex = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private owner: ClientOwner | undefined;
  private stateValue: InstanceState = 'CREATED';

  constructor(readonly config: ResolvedClientConfig, name: string) {
    this.logger = getLogger('client');
    this.remoting = new RemotingClient({
      name: `${name}@${config.clientId}`,
      onRequest: (request) => this.dispatch(request),
    });
  }

  get state(): InstanceState {
    return this.stateValue;
  }

  get clientId(): string {
    return this.config.clientId;
  }

  /** Starts the route-refresh and heartbeat timers (first run after one period: owners refresh at start themselves). */
  start(owner: ClientOwner): void {
    if (this.stateValue !== 'CREATED') {
      throw new MQClientError(`cannot start client ${this.clientId}: it is ${this.stateValue} (a client starts once)`, ClientErrorCode.SERVICE_STATE);
    }
    this.owner = owner;
    this.stateValue = 'RUNNING';
    this.every(this.config.pollNameServerInterval, () => this.updateAllRoutes());
    this.every(this.config.heartbeatBrokerInterval, () => this.sendHeartbeat());
  }

  async shutdown(): Promise<void> {
    if (this.stateValue === 'SHUTDOWN') return;
    this.stateValue = 'SHUTDOWN';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.remoting.shutdown();
  }

  /**
   * Runs `task` every `periodMs` after `initialDelayMs` (default: one period), never overlapping itself, until
   * shutdown. Failures are logged: a periodic task must not die of one bad round.
   */
  every(periodMs: number, task: () => Promise<unknown> | unknown, initialDelayMs = periodMs): void {
    const run = async (): Promise<void> => {
      this.timers.delete(timer);
      if (this.stateValue !== 'RUNNING') return;
      try {
        await task();
      } catch (err) {
        // A round cut short by shutdown (connections closing) is not worth a warning.
        if (this.stateValue === 'RUNNING') {
          this.logger.warn(`${this.clientId}: periodic task failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (this.stateValue !== 'RUNNING') return;
      timer = setTimeout(() => void run(), periodMs);
      this.timers.add(timer);
    };
    let timer = setTimeout(() => void run(), initialDelayMs);
    this.timers.add(timer);
  }

  /** Runs `work` without waiting for it; a failure is logged, never left as an unhandled rejection. */
  background(work: Promise<unknown>, what: string): void {
    work.catch((err: unknown) => this.logger.warn(`${this.clientId}: ${what} failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** A one-off delayed task that shutdown cancels. */
  later(delayMs: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stateValue === 'RUNNING') task();
    }, delayMs);
    this.timers.add(timer);
  }

  // ---- calls ----

  checkRunning(what: string): void {
    if (this.stateValue !== 'RUNNING') {
      throw new MQClientError(`${what}: the client ${this.clientId} is ${this.stateValue === 'CREATED' ? 'not started' : 'shut down'}`,
        ClientErrorCode.SERVICE_STATE);
    }
  }

  /** invoke() with transport failures turned into MQClientError. */
  async invoke(addr: string, request: RemotingCommand, timeoutMs: number, what: string): Promise<RemotingCommand> {
    try {
      return await this.remoting.invoke(addr, request, timeoutMs);
    } catch (err) {
      throw fromRemotingError(err, addr, what);
    }
  }

  async invokeOneway(addr: string, request: RemotingCommand, what: string): Promise<void> {
    try {
      await this.remoting.invokeOneway(addr, request);
    } catch (err) {
      throw fromRemotingError(err, addr, what);
    }
  }

  /** Sends to the current NameServer; on a network failure moves on to the next one (each tried once). */
  async invokeNamesrv(makeRequest: () => RemotingCommand, what: string): Promise<{ response: RemotingCommand; addr: string }> {
    const addrs = this.config.namesrvAddrs;
    let lastError: unknown;
    for (let i = 0; i < addrs.length; i++) {
      const addr = addrs[(this.namesrvIndex + i) % addrs.length]!;
      try {
        const response = await this.remoting.invoke(addr, makeRequest(), this.config.requestTimeoutMs);
        this.namesrvIndex = (this.namesrvIndex + i) % addrs.length;
        return { response, addr };
      } catch (err) {
        lastError = err;
        this.logger.info(`${this.clientId}: NameServer ${addr} failed for ${what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const cause = lastError instanceof Error ? lastError.message : String(lastError);
    throw new MQClientError(`${what}: no NameServer of [${addrs.join(';')}] answered (last error: ${cause})`,
      ClientErrorCode.NO_NAME_SERVER_EXCEPTION, { retriable: true, cause: lastError });
  }

  // ---- routes ----

  /** GET_ROUTEINFO_BY_TOPIC; undefined when the NameServer knows no route (TOPIC_NOT_EXIST). */
  async fetchRoute(topic: string): Promise<TopicRouteData | undefined> {
    const what = `get route of topic ${topic}`;
    const { response, addr } = await this.invokeNamesrv(() => createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), what);
    if (response.code === ResponseCode.TOPIC_NOT_EXIST) return undefined;
    if (response.code !== ResponseCode.SUCCESS) throw new MQBrokerError(response.code, response.remark, addr, what);
    if (response.body === undefined) throw new MQBrokerError(response.code, 'empty route body', addr, what);
    return decodeTopicRouteData(response.body);
  }

  /** Fetches and stores one topic's route; tells the owner when it changed. Returns the current route. */
  async updateRoute(topic: string): Promise<TopicRouteData | undefined> {
    const route = await this.fetchRoute(topic);
    if (route === undefined) return this.routes.get(topic);
    this.storeRoute(topic, route);
    return route;
  }

  /** Stores a route obtained elsewhere (e.g. the TBW102 fallback) and notifies the owner if it changed. */
  storeRoute(topic: string, route: TopicRouteData): void {
    const old = this.routes.get(topic);
    if (old === undefined && this.routes.size >= MAX_ROUTE_TOPICS) {
      throw new MQClientError(`client ${this.clientId} already tracks ${MAX_ROUTE_TOPICS} topics`, ClientErrorCode.ILLEGAL_ARGUMENT);
    }
    this.routes.set(topic, route);
    const before = this.knownAddrs();
    this.rebuildBrokerAddrs();
    if (!sameRoute(old, route)) this.owner?.onRouteChanged(topic, route);
    // A broker we have not talked to yet should know us (and our subscriptions) before we use it.
    const after = this.knownAddrs();
    if ([...after].some((a) => !before.has(a))) this.background(this.sendHeartbeat(), 'heartbeat to a new broker');
  }

  async updateAllRoutes(): Promise<void> {
    if (this.owner === undefined) return;
    for (const topic of new Set(this.owner.topicsInUse())) {
      try {
        await this.updateRoute(topic);
      } catch (err) {
        if (this.stateValue === 'RUNNING') this.logger.warn(`${this.clientId}: route refresh of ${topic} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private knownAddrs(): Set<string> {
    const out = new Set<string>();
    for (const addrs of this.brokerAddrs.values()) for (const a of addrs.values()) out.add(a);
    return out;
  }

  private rebuildBrokerAddrs(): void {
    this.brokerAddrs.clear();
    for (const route of this.routes.values()) {
      for (const bd of route.brokerDatas) {
        const addrs = this.brokerAddrs.get(bd.brokerName) ?? new Map<number, string>();
        for (const [id, addr] of bd.brokerAddrs) addrs.set(id, addr);
        this.brokerAddrs.set(bd.brokerName, addrs);
      }
    }
  }

  findBrokerAddrInPublish(brokerName: string): string | undefined {
    return this.brokerAddrs.get(brokerName)?.get(MASTER_ID);
  }

  /** The address for `brokerId` if known, else the master, else any address of that broker name. */
  findBrokerAddrInSubscribe(brokerName: string, brokerId = MASTER_ID): string | undefined {
    const addrs = this.brokerAddrs.get(brokerName);
    if (addrs === undefined) return undefined;
    return addrs.get(brokerId) ?? addrs.get(MASTER_ID) ?? addrs.values().next().value;
  }

  /** Some broker serving `topic` (Java findBrokerAddrByTopic: a random BrokerData, master preferred). */
  findAnyBrokerAddrForTopic(topic: string): string | undefined {
    const route = this.routes.get(topic);
    if (route === undefined || route.brokerDatas.length === 0) return undefined;
    const bd = route.brokerDatas[Math.floor(Math.random() * route.brokerDatas.length)]!;
    return bd.brokerAddrs.get(MASTER_ID) ?? bd.brokerAddrs.values().next().value;
  }

  // ---- heartbeats ----

  /** HEART_BEAT to every broker we know (only masters when we have no consumer data, as Java). */
  async sendHeartbeat(): Promise<void> {
    if (this.owner === undefined || this.stateValue !== 'RUNNING') return;
    const data = this.owner.heartbeatData();
    if (data.producerDataSet.length === 0 && data.consumerDataSet.length === 0) return;
    const body = encodeHeartbeatData({ clientID: this.clientId, ...data });
    const sends: Array<Promise<void>> = [];
    for (const [brokerName, addrs] of this.brokerAddrs) {
      for (const [id, addr] of addrs) {
        if (id !== MASTER_ID && data.consumerDataSet.length === 0) continue;
        sends.push(this.heartbeatOne(brokerName, addr, body));
      }
    }
    await Promise.all(sends);
  }

  private async heartbeatOne(brokerName: string, addr: string, body: Buffer): Promise<void> {
    try {
      const response = await this.invoke(addr, createRequest(RequestCode.HEART_BEAT, {}, body), this.config.requestTimeoutMs, 'heartbeat');
      if (response.code !== ResponseCode.SUCCESS) {
        this.logger.warn(`${this.clientId}: heartbeat to ${brokerName} ${addr} answered ${response.code} ${response.remark ?? ''}`);
      }
    } catch (err) {
      this.logger.info(`${this.clientId}: heartbeat to ${brokerName} ${addr} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** UNREGISTER_CLIENT to every broker we know; failures are logged (the broker also drops us on disconnect). */
  async unregister(group: { producerGroup?: string; consumerGroup?: string }): Promise<void> {
    const ext: Record<string, string> = { clientID: this.clientId };
    if (group.producerGroup !== undefined) ext.producerGroup = group.producerGroup;
    if (group.consumerGroup !== undefined) ext.consumerGroup = group.consumerGroup;
    const calls: Array<Promise<unknown>> = [];
    for (const addrs of this.brokerAddrs.values()) {
      for (const addr of addrs.values()) {
        calls.push(
          this.invoke(addr, createRequest(RequestCode.UNREGISTER_CLIENT, { ...ext }), this.config.requestTimeoutMs, 'unregister client')
            .catch((err: unknown) => this.logger.info(`${this.clientId}: unregister at ${addr} failed: ${String(err)}`)),
        );
      }
    }
    await Promise.all(calls);
  }

  // ---- requests from brokers ----

  private async dispatch(request: RemotingCommand): Promise<RemotingCommand | null> {
    try {
      const answer = await this.owner?.handleRequest?.(request);
      if (answer !== undefined) return answer;
    } catch (err) {
      this.logger.warn(`${this.clientId}: handling broker request ${request.code} failed: ${String(err)}`);
      return createResponse(request, ResponseCode.SYSTEM_ERROR, err instanceof Error ? err.message : String(err));
    }
    return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`);
  }
}
