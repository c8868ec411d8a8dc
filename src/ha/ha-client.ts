// The slave's side of replication (RocketMQ 4.9.8 HAService.HAClient, spec/ha-protocol.md §2): connects to the
// master's HA address, reports the offset it needs, appends every transfer frame at exactly its offset and
// acknowledges what it holds.
//
// Differences from 4.9.8, all invisible on the wire:
// - The first report goes out as soon as the connection is up. 4.9.8 waits haSendHeartbeatInterval (5 s)
//   first; a 4.9.8 master reads the report whenever it comes, so starting at once only saves those 5 s.
// - Reports go out after each batch of frames read from the socket (4.9.8: after each frame) and at least
//   every haSendHeartbeatInterval.
// - The connection is dropped when nothing was read for haHousekeepingInterval (masters send a heartbeat
//   frame every haSendHeartbeatInterval), so a master that died without closing the socket is noticed.
// - After a failure the next connect comes reconnectDelayMs later (5 s by default, as 4.9.8 after a failed
//   connect).
import net from 'node:net';
import { ProtocolError } from '../common/errors.js';
import { getLogger } from '../common/logger.js';
import { parseAddress } from '../remoting/address.js';
import { encodeReport, FrameReader } from './codec.js';

/** What the slave needs from its store. */
export interface HaSlaveStore {
  /** The next commit-log offset it needs (its report). */
  getReplicaOffset(): number;
  /** Appends the master's bytes at `offset`; throws when they do not fit there. */
  appendToCommitLog(offset: number, data: Buffer): void;
}

export interface HaClientOptions {
  /** haMasterAddress ("host:port"), or undefined until the NameServer names the master. */
  masterAddress?: string;
  heartbeatIntervalMs: number;
  housekeepingIntervalMs: number;
  /** Pause between connection attempts after a failure; default 5000. */
  reconnectDelayMs?: number;
  connectTimeoutMs?: number;
  /** Largest frame body accepted; default 64 MiB (4.9.8 masters send at most haTransferBatchSize). */
  maxFrameBody?: number;
  clock?: () => number;
}

const DEFAULT_RECONNECT_DELAY_MS = 5000;
const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
const DEFAULT_MAX_FRAME_BODY = 64 * 1024 * 1024;

export class HAClient {
  private readonly log = getLogger('ha');
  private readonly now: () => number;
  private address: string | undefined;
  private socket: net.Socket | undefined;
  private frames: FrameReader | undefined;
  private connectedAt = 0;
  private lastRead = 0;
  private lastWrite = 0;
  private reported = -1;
  private running = false;
  private stalled = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly store: HaSlaveStore, private readonly options: HaClientOptions) {
    this.now = options.clock ?? Date.now;
    this.address = options.masterAddress || undefined;
  }

  /** The master's HA address in use. */
  get masterAddress(): string | undefined {
    return this.address;
  }

  /** True while a connection to the master is up. */
  get connected(): boolean {
    return this.socket !== undefined && this.connectedAt > 0;
  }

  /** The last offset reported to the master (-1 before the first report). */
  get reportedOffset(): number {
    return this.reported;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const tickMs = Math.min(1000, Math.max(20, Math.floor(Math.min(this.options.heartbeatIntervalMs, this.options.housekeepingIntervalMs) / 4)));
    this.tickTimer = setInterval(() => this.tick(), tickMs);
    this.tickTimer.unref();
    this.connect();
  }

  async shutdown(): Promise<void> {
    this.running = false;
    clearInterval(this.tickTimer);
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (socket === undefined) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      this.closeMaster('the slave shuts down');
    });
  }

  /** The NameServer named the master's HA address (updateHaMasterAddress). A new address reconnects. */
  updateMasterAddress(addr: string | undefined): void {
    if (!addr || addr === this.address) return;
    this.log.info(`update master address, OLD: ${this.address ?? 'null'} NEW: ${addr}`);
    this.address = addr;
    if (this.socket !== undefined) this.closeMaster('the master address changed');
    else if (this.running && this.reconnectTimer !== undefined) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.connect();
    }
  }

  /**
   * Test seam: stop (true) or resume (false) reading from the master, as a slave whose disk or process
   * stalls. Reports keep going out, so the master keeps the connection but sees no progress.
   */
  stall(on: boolean): void {
    this.stalled = on;
    if (on) this.socket?.pause();
    else this.socket?.resume();
  }

  /** Calls `listener` after every report (tests wait on it instead of sleeping). */
  onReport(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    if (!this.running || this.socket !== undefined) return;
    const addr = this.address;
    if (addr === undefined) {
      this.scheduleReconnect();
      return;
    }
    let target: { host: string; port: number };
    try {
      target = parseAddress(addr);
    } catch (err) {
      this.log.error(`HAClient: bad master address ${addr}: ${(err as Error).message}`);
      this.scheduleReconnect();
      return;
    }
    const socket = net.connect({ host: target.host, port: target.port });
    this.socket = socket;
    this.connectedAt = 0;
    socket.setNoDelay(true);
    socket.setTimeout(this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, () => {
      if (this.connectedAt === 0) socket.destroy(new Error('connect timed out'));
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      if (this.socket !== socket) return;
      this.connectedAt = this.lastRead = this.now();
      this.frames = new FrameReader(this.options.maxFrameBody ?? DEFAULT_MAX_FRAME_BODY);
      this.log.info(`HAClient connected to master ${addr}`);
      if (this.stalled) socket.pause();
      this.report(this.store.getReplicaOffset());
    });
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err) => {
      if (this.connectedAt === 0) this.log.warn(`HAClient: connect to master ${addr} failed: ${err.message}`);
      else this.log.warn(`HAClient: connection to master ${addr}: ${err.message}`);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.frames = undefined;
      this.connectedAt = 0;
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (!this.running || this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => this.connect(), this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }

  private closeMaster(reason: string): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.log.warn(`HAClient: closing the connection to master ${this.address ?? '?'}: ${reason}`);
    socket.destroy();
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    if (this.socket !== socket || this.frames === undefined) return;
    this.lastRead = this.now();
    try {
      for (const frame of this.frames.feed(chunk)) {
        const expected = this.store.getReplicaOffset();
        // An empty store takes whatever the master starts with (HAClient.dispatchReadRequest).
        if (expected !== 0 && frame.offset !== expected) {
          throw new ProtocolError(`master pushed offset not equal the max phy offset in slave, SLAVE: ${expected} MASTER: ${frame.offset}`);
        }
        if (frame.body.length > 0) this.store.appendToCommitLog(frame.offset, frame.body);
      }
    } catch (err) {
      this.log.error(`HAClient: ${(err as Error).message}`);
      this.closeMaster((err as Error).message);
      return;
    }
    const offset = this.store.getReplicaOffset();
    if (offset > this.reported) this.report(offset);
  }

  private report(offset: number): void {
    const socket = this.socket;
    if (socket === undefined || this.connectedAt === 0) return;
    socket.write(encodeReport(offset));
    this.reported = offset;
    this.lastWrite = this.now();
    for (const l of this.listeners) l();
  }

  private tick(): void {
    if (!this.connected) return;
    const now = this.now();
    if (!this.stalled && now - this.lastRead > this.options.housekeepingIntervalMs) {
      this.closeMaster(`nothing read for ${now - this.lastRead} ms (haHousekeepingInterval ${this.options.housekeepingIntervalMs}), master not responding`);
      return;
    }
    if (now - this.lastWrite > this.options.heartbeatIntervalMs) this.report(this.store.getReplicaOffset());
  }
}
