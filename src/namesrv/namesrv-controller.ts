// The NameServer role: route table + KV config behind a RemotingServer, with the broker expiry scan.
import { getLogger, type Logger } from '../common/logger.js';
import type { NamesrvConfig } from '../config/namesrv-config.js';
import { Dispatcher } from '../remoting/dispatcher.js';
import { RemotingServer } from '../remoting/server.js';
import type { Connection, RequestHandler } from '../remoting/types.js';
import type { NamesrvContext } from './context.js';
import { registerNamesrvHandlers } from './handlers.js';
import { KvConfig } from './kv-config.js';
import { RouteInfo, type RemovedBroker, type RouteTableOptions } from './route-info.js';

/** RocketMQ scans for expired brokers every 10 s. */
export const SCAN_INTERVAL_MS = 10_000;
const DEFAULT_BIND_ADDRESS = '0.0.0.0';

export interface NamesrvControllerOptions {
  /** Route table options (clock, expiry, limits); tests inject a clock. */
  routes?: RouteTableOptions;
  scanIntervalMs?: number;
}

export class NamesrvController {
  readonly routeInfo: RouteInfo;
  readonly kvConfig: KvConfig;
  private readonly logger: Logger = getLogger('namesrv');
  private readonly dispatcher = new Dispatcher();
  private readonly watched = new WeakSet<Connection>();
  private readonly server: RemotingServer;
  private scanTimer: NodeJS.Timeout | undefined;
  private readonly scanIntervalMs: number;

  constructor(readonly config: NamesrvConfig, options: NamesrvControllerOptions = {}) {
    this.routeInfo = new RouteInfo(options.routes);
    this.kvConfig = new KvConfig(config.kvConfigPath);
    this.scanIntervalMs = options.scanIntervalMs ?? SCAN_INTERVAL_MS;
    const ctx: NamesrvContext = {
      routes: this.routeInfo,
      kv: this.kvConfig,
      config,
      logger: this.logger,
      watchConnection: (conn) => this.watchConnection(conn),
    };
    registerNamesrvHandlers(this.dispatcher, ctx);
    this.server = new RemotingServer({
      name: 'namesrv',
      host: config.bindAddress || DEFAULT_BIND_ADDRESS,
      port: config.listenPort,
      handler: this.handle,
    });
  }

  /** The bound port (the real one when listenPort was 0); 0 before start(). */
  get port(): number {
    return this.server.port;
  }

  async start(): Promise<void> {
    this.kvConfig.load();
    await this.server.start();
    this.scanTimer = setInterval(() => this.scanExpiredBrokers(), this.scanIntervalMs);
    this.scanTimer.unref();
    this.logger.info(`namesrv listening on ${this.config.bindAddress || DEFAULT_BIND_ADDRESS}:${this.port}`);
    this.logger.info('The Name Server boot success. serializeType=JSON');
  }

  async shutdown(): Promise<void> {
    if (this.scanTimer) clearInterval(this.scanTimer);
    this.scanTimer = undefined;
    await this.server.shutdown();
    this.logger.info('The Name Server shut down');
  }

  /** One expiry pass (also run by the timer): drop brokers silent for 120 s and close their connections. */
  scanExpiredBrokers(): RemovedBroker[] {
    const expired = this.routeInfo.scanExpiredBrokers();
    for (const broker of expired) {
      this.logger.warn(`The broker channel expired, ${broker.brokerAddr} (${broker.brokerName}) 120000ms`);
      broker.connection?.close();
    }
    return expired;
  }

  private readonly handle: RequestHandler = (request, conn) => {
    if (!this.dispatcher.has(request.code)) {
      this.logger.warn(`request code ${request.code} not supported, from ${conn.remoteAddress}`);
    }
    return this.dispatcher.handle(request, conn);
  };

  private watchConnection(conn: Connection): void {
    if (this.watched.has(conn)) return;
    this.watched.add(conn);
    conn.onClose(() => {
      for (const broker of this.routeInfo.onConnectionClosed(conn)) {
        this.logger.info(
          `the broker's channel destroyed, ${broker.brokerAddr} (${broker.brokerName}), clean its data structure at once` +
            (broker.brokerNameRemoved ? `; ${broker.brokerName} has no broker left, its topics are removed` : ''),
        );
      }
    });
  }
}
