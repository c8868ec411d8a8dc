// The master's side of replication (RocketMQ 4.9.8 HAService + HAConnection, spec/ha-protocol.md): listens on
// haListenPort, streams raw commit-log bytes to every connected slave from the offset it reports, and tracks
// the slaves' acks so that SYNC_MASTER sends can wait for them.
//
// Per connection: nothing is sent until the slave's first 8-byte report. A first report of 0 (an empty slave)
// starts the stream at the beginning of the newest commit-log segment; any other value starts it there.
// Frames carry at most haTransferBatchSize bytes and never cross a segment end (getCommitLogData stops there).
// When there is nothing to send for haSendHeartbeatInterval an empty frame naming the next offset goes out;
// a connection that sent nothing for haHousekeepingInterval is dropped. A later report beyond the master's
// end (a slave ahead of its master) drops the connection, as 4.9.8 does.
import net from 'node:net';
import { getLogger, type Logger } from '../common/logger.js';
import { normalizeHost } from '../remoting/address.js';
import { encodeFrameHeader, ReportReader } from './codec.js';
import { ReplicationWaiters, type ReplicationStatus } from './replication-waiters.js';

/** What the master needs from its store. */
export interface HaMasterStore {
  getMaxPhyOffset(): number;
  getCommitLogData(offset: number, maxBytes: number): Buffer | undefined;
}

export interface HaServiceOptions {
  /** Interface to listen on (the broker's bindAddress); all interfaces when absent. */
  host?: string;
  /** haListenPort; 0 picks a free port (read `port` after start). */
  port: number;
  /** mappedFileSizeCommitLog: an empty slave starts at the newest segment's start. */
  segmentSize: number;
  heartbeatIntervalMs: number;
  housekeepingIntervalMs: number;
  transferBatchSize: number;
  /** haSlaveFallbehindMax: a slave further behind than this is not available for SYNC_MASTER. */
  slaveFallbehindMax: number;
  clock?: () => number;
}

/** A slave as the master sees it (for status pages and tests). */
export interface SlaveInfo {
  address: string;
  /** The first report: where streaming started from (-1 before it came). */
  requestOffset: number;
  /** The newest report: everything below is on the slave. */
  ackOffset: number;
  /** The next commit-log offset to send. */
  nextOffset: number;
}

/** Bytes queued on one socket before the sender waits for 'drain'. */
const MAX_UNSENT_BYTES = 1024 * 1024;
/** Bytes one pump sends before yielding to other work. */
const MAX_BYTES_PER_PUMP = 8 * 1024 * 1024;

class SlaveConnection {
  readonly address: string;
  private readonly reports = new ReportReader();
  requestOffset = -1;
  ackOffset = -1;
  nextOffset = -1;
  lastRead: number;
  lastWrite: number;
  private waitingForDrain = false;
  private pumpScheduled = false;
  closed = false;

  constructor(private readonly service: HAService, private readonly socket: net.Socket, private readonly log: Logger) {
    this.address = `${normalizeHost(socket.remoteAddress)}:${socket.remotePort ?? 0}`;
    this.lastRead = this.lastWrite = service.now();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.pump();
    });
    socket.on('error', (err) => this.log.warn(`HA connection from slave ${this.address}: ${err.message}`));
    socket.on('close', () => {
      this.closed = true;
      service.removeConnection(this);
    });
  }

  info(): SlaveInfo {
    return { address: this.address, requestOffset: this.requestOffset, ackOffset: this.ackOffset, nextOffset: this.nextOffset };
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.log.warn(`HA connection from slave ${this.address} closed: ${reason}`);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.lastRead = this.service.now();
    let report: number | undefined;
    try {
      report = this.reports.feed(chunk);
    } catch (err) {
      this.close((err as Error).message);
      return;
    }
    if (report === undefined) return;
    if (this.requestOffset < 0) {
      this.requestOffset = report;
      this.nextOffset = this.service.startOffsetFor(report);
      this.log.info(`HA slave ${this.address} requests offset ${report}, transfer starts at ${this.nextOffset}`);
    } else if (report > this.service.store.getMaxPhyOffset()) {
      this.close(`slave reports offset ${report}, beyond this master's commit log end ${this.service.store.getMaxPhyOffset()}`);
      return;
    }
    this.ackOffset = report;
    this.service.slaveAcked(report);
    this.pump();
  }

  /** Sends what the store has beyond nextOffset, while the socket takes it. */
  pump(): void {
    if (this.closed || this.nextOffset < 0 || this.waitingForDrain) return;
    const { store, transferBatchSize } = this.service;
    let budget = MAX_BYTES_PER_PUMP;
    while (budget > 0) {
      if (this.socket.writableLength >= MAX_UNSENT_BYTES) {
        this.waitingForDrain = true;
        return;
      }
      const data = store.getCommitLogData(this.nextOffset, transferBatchSize);
      if (data === undefined) return;
      this.socket.cork();
      this.socket.write(encodeFrameHeader(this.nextOffset, data.length));
      this.socket.write(data);
      this.socket.uncork();
      this.nextOffset += data.length;
      this.lastWrite = this.service.now();
      budget -= data.length;
    }
    // Plenty was sent: let other work in before sending more.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  /** Heartbeat and housekeeping (the service's timer). */
  tick(now: number): void {
    if (this.closed) return;
    if (now - this.lastRead > this.service.housekeepingIntervalMs) {
      this.close(`nothing read for ${now - this.lastRead} ms (haHousekeepingInterval ${this.service.housekeepingIntervalMs})`);
      return;
    }
    this.pump();
    if (this.nextOffset >= 0 && !this.waitingForDrain && this.socket.writableLength === 0 && now - this.lastWrite > this.service.heartbeatIntervalMs) {
      this.socket.write(encodeFrameHeader(this.nextOffset, 0));
      this.lastWrite = now;
    }
  }
}

export class HAService {
  private readonly log = getLogger('ha');
  private readonly server: net.Server;
  private readonly slaves = new Set<SlaveConnection>();
  private readonly waiters: ReplicationWaiters;
  private timer: NodeJS.Timeout | undefined;
  private boundPort = 0;
  private stopped = false;
  /** Highest offset any slave ever acked (RocketMQ push2SlaveMaxOffset). */
  private pushedToSlave = 0;
  readonly transferBatchSize: number;
  readonly heartbeatIntervalMs: number;
  readonly housekeepingIntervalMs: number;
  readonly now: () => number;

  constructor(readonly store: HaMasterStore, private readonly options: HaServiceOptions) {
    this.now = options.clock ?? Date.now;
    this.transferBatchSize = Math.max(1, options.transferBatchSize);
    this.heartbeatIntervalMs = options.heartbeatIntervalMs;
    this.housekeepingIntervalMs = options.housekeepingIntervalMs;
    this.waiters = new ReplicationWaiters(this.now);
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** The bound HA port (the configured one, or the one picked for 0). */
  get port(): number {
    return this.boundPort;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(new Error(`cannot listen on HA port ${this.options.port}: ${err.message}`));
      this.server.once('error', onError);
      this.server.listen({ port: this.options.port, host: this.options.host }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.log.error(`HA server error: ${err.message}`));
        const address = this.server.address();
        this.boundPort = typeof address === 'object' && address !== null ? address.port : this.options.port;
        const tickMs = Math.min(1000, Math.max(20, Math.floor(Math.min(this.heartbeatIntervalMs, this.housekeepingIntervalMs) / 4)));
        this.timer = setInterval(() => this.tick(), tickMs);
        this.timer.unref();
        this.log.info(`HAService listening on port ${this.boundPort}`);
        resolve();
      });
    });
  }

  /** Closes the port and every slave connection; waiting sends are answered FLUSH_SLAVE_TIMEOUT. */
  shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.waiters.releaseAll('FLUSH_SLAVE_TIMEOUT');
    for (const s of this.slaves) s.close('the master shuts down');
    return new Promise((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * New commit-log bytes: send them now. The store calls this after each commit-log write, before it writes
   * the consume queues, so the slave works on the bytes while the master finishes its side.
   */
  wakeup(): void {
    for (const s of this.slaves) s.pump();
  }

  /** RocketMQ isSlaveOK: a slave is connected and not more than haSlaveFallbehindMax behind `endOffset`. */
  isSlaveOK(endOffset: number): boolean {
    return this.slaves.size > 0 && endOffset - this.pushedToSlave < this.options.slaveFallbehindMax;
  }

  /**
   * SYNC_MASTER: resolves PUT_OK once a slave acked `endOffset`, SLAVE_NOT_AVAILABLE at once when no slave is
   * usable, FLUSH_SLAVE_TIMEOUT after `timeoutMs`.
   */
  waitForReplication(endOffset: number, timeoutMs: number): Promise<ReplicationStatus> {
    if (this.pushedToSlave >= endOffset) return Promise.resolve('PUT_OK');
    if (this.stopped || !this.isSlaveOK(endOffset)) return Promise.resolve('SLAVE_NOT_AVAILABLE');
    const waiting = this.waiters.add(endOffset, timeoutMs);
    this.wakeup();
    return waiting;
  }

  /** Highest offset a slave acked. */
  get ackedOffset(): number {
    return this.pushedToSlave;
  }

  slaveInfo(): SlaveInfo[] {
    return [...this.slaves].map((s) => s.info());
  }

  /** Where a transfer starts for a slave's first report (HAConnection.WriteSocketService). */
  startOffsetFor(requested: number): number {
    if (requested !== 0) return requested;
    const max = this.store.getMaxPhyOffset();
    return Math.max(0, max - (max % this.options.segmentSize));
  }

  slaveAcked(offset: number): void {
    if (offset <= this.pushedToSlave) return;
    this.pushedToSlave = offset;
    this.waiters.acked(offset);
  }

  removeConnection(conn: SlaveConnection): void {
    if (this.slaves.delete(conn)) this.log.info(`HA slave ${conn.address} disconnected, ${this.slaves.size} left`);
  }

  private accept(socket: net.Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const conn = new SlaveConnection(this, socket, this.log);
    this.slaves.add(conn);
    this.log.info(`HAService receive new connection, ${conn.address}`);
  }

  private tick(): void {
    const now = this.now();
    for (const s of this.slaves) s.tick(now);
  }
}
