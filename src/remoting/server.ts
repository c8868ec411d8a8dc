// The listening side of the remoting protocol: one SocketConnection per accepted socket.
import net from 'node:net';
import { getLogger, type Logger } from '../common/logger.js';
import { DEFAULT_MAX_FRAME_LENGTH } from '../protocol/frame.js';
import { SocketConnection } from './connection.js';
import type { Connection, RequestHandler } from './types.js';

export interface RemotingServerOptions {
  /** Names the server in log lines and is the log category ("namesrv" logs to namesrv.log). */
  name: string;
  /** Interface to bind; all interfaces when absent. */
  host?: string;
  /** 0 picks a free port; read `port` after start(). */
  port: number;
  handler: RequestHandler;
  maxFrameLength?: number;
  /** Further connections are refused beyond this many. */
  maxConnections?: number;
  /** Per connection: stop reading while more than this many response bytes are unsent. */
  maxUnsentBytes?: number;
}

const DEFAULT_MAX_CONNECTIONS = 10000;

export class RemotingServer {
  private readonly server: net.Server;
  private readonly live = new Set<SocketConnection>();
  private readonly logger: Logger;
  private boundPort = 0;

  constructor(private readonly options: RemotingServerOptions) {
    this.logger = getLogger(options.name);
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  }

  /** The bound port (the real one when 0 was asked for); 0 before start(). */
  get port(): number {
    return this.boundPort;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`cannot listen on port ${this.options.port}: ${err.message}`));
      this.server.once('error', onError);
      this.server.listen({ port: this.options.port, host: this.options.host }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.logger.error(`server error: ${err.message}`));
        const address = this.server.address();
        this.boundPort = typeof address === 'object' && address !== null ? address.port : this.options.port;
        resolve();
      });
    });
  }

  connections(): Connection[] {
    return [...this.live];
  }

  /** Stops accepting, closes every connection, resolves when the listening socket is closed. */
  shutdown(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        for (const conn of this.live) conn.close();
        resolve();
        return;
      }
      this.server.close(() => resolve());
      for (const conn of this.live) conn.close();
    });
  }

  private accept(socket: net.Socket): void {
    const conn = new SocketConnection(socket, {
      name: this.options.name,
      handler: this.options.handler,
      logger: this.logger,
      maxFrameLength: this.options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH,
      maxUnsentBytes: this.options.maxUnsentBytes,
    });
    this.live.add(conn);
    this.logger.info(`connection from ${conn.remoteAddress} opened`);
    conn.onClose(() => {
      this.live.delete(conn);
      this.logger.info(`connection from ${conn.remoteAddress} closed`);
    });
  }
}
