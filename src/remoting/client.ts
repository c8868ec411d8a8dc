// The connecting side: one cached connection per "host:port", opened on first use.
import net from 'node:net';
import { RemotingError } from '../common/errors.js';
import { getLogger, type Logger } from '../common/logger.js';
import type { RemotingCommand } from '../protocol/command.js';
import { DEFAULT_MAX_FRAME_LENGTH } from '../protocol/frame.js';
import { parseAddress } from './address.js';
import { SocketConnection } from './connection.js';
import { requestNotSupported } from './dispatcher.js';
import type { RequestHandler } from './types.js';

export interface RemotingClientOptions {
  /** Names the client in log lines and is its log category. */
  name?: string;
  /** Java's clientConnectTimeoutMillis default is 3000. */
  connectTimeoutMs?: number;
  /** Requests the server sends us (e.g. NOTIFY_CONSUMER_IDS_CHANGED); unknown codes get REQUEST_CODE_NOT_SUPPORTED. */
  onRequest?: RequestHandler;
  maxFrameLength?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

export class RemotingClient {
  private readonly connections = new Map<string, Promise<SocketConnection>>();
  private readonly logger: Logger;
  private readonly name: string;
  private stopped = false;

  constructor(private readonly options: RemotingClientOptions = {}) {
    this.name = options.name ?? 'remoting-client';
    this.logger = getLogger(this.name);
  }

  /** Sends `request` and resolves with the response; the timeout counts from this call, connecting included. */
  async invoke(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const started = Date.now();
    const conn = await this.connection(addr);
    const left = timeoutMs - (Date.now() - started);
    if (left <= 0) throw new RemotingError(`connect to ${addr} took longer than the ${timeoutMs}ms request timeout`, true, addr);
    return conn.invoke(request, left);
  }

  /** Sends `request` with the oneway flag; resolves once the bytes are written. */
  async invokeOneway(addr: string, request: RemotingCommand): Promise<void> {
    const conn = await this.connection(addr);
    return new Promise((resolve, reject) => {
      conn.sendOneway(request, (err) =>
        err ? reject(new RemotingError(`oneway write to ${addr} failed: ${err.message}`, true, addr)) : resolve(),
      );
    });
  }

  closeConnection(addr: string): void {
    const entry = this.connections.get(addr);
    this.connections.delete(addr);
    entry?.then((conn) => conn.close(), () => undefined);
  }

  /** Closes every connection; pending requests fail and later calls are refused. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    const entries = [...this.connections.values()];
    this.connections.clear();
    const conns = await Promise.allSettled(entries);
    await Promise.all(
      conns.map((r) => r.status === 'fulfilled' ? new Promise<void>((resolve) => { r.value.onClose(resolve); r.value.close(); }) : undefined),
    );
  }

  /** The cached connection, or a new one if the cached one is closing. */
  private async connection(addr: string): Promise<SocketConnection> {
    const entry = this.cachedOrNew(addr);
    const conn = await entry;
    if (!conn.closed) return conn;
    this.forget(addr, entry);
    return this.cachedOrNew(addr);
  }

  private cachedOrNew(addr: string): Promise<SocketConnection> {
    if (this.stopped) return Promise.reject(new RemotingError(`${this.name} is shut down`, false, addr));
    let entry = this.connections.get(addr);
    if (entry === undefined) {
      entry = this.connect(addr);
      this.connections.set(addr, entry);
      entry.then(
        (conn) => conn.onClose(() => this.forget(addr, entry)),
        () => this.forget(addr, entry),
      );
    }
    return entry;
  }

  private forget(addr: string, entry: Promise<SocketConnection> | undefined): void {
    if (this.connections.get(addr) === entry) this.connections.delete(addr);
  }

  private connect(addr: string): Promise<SocketConnection> {
    let target: { host: string; port: number };
    try {
      target = parseAddress(addr);
    } catch (err) {
      return Promise.reject(err);
    }
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RemotingError(`connect to ${addr} timed out after ${timeoutMs}ms`, true, addr));
      }, timeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(new RemotingError(`connect to ${addr} failed: ${err.message}`, true, addr));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(this.wrap(socket, addr));
      });
    });
  }

  private wrap(socket: net.Socket, addr: string): SocketConnection {
    const conn = new SocketConnection(socket, {
      name: this.name,
      handler: this.options.onRequest ?? requestNotSupported,
      logger: this.logger,
      maxFrameLength: this.options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH,
    });
    this.logger.info(`connected to ${addr}`);
    if (this.stopped) conn.close();
    return conn;
  }
}
