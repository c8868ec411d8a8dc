// One TCP connection speaking the remoting protocol, used by both the server and the client side:
// cuts the stream into frames, hands requests to a handler, correlates responses by opaque, and
// writes with per-tick coalescing and back-pressure.
import type net from 'node:net';
import { HeaderError, ProtocolError, RemotingError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import {
  createResponse,
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  isOneway,
  isResponse,
  type RemotingCommand,
} from '../protocol/command.js';
import { ResponseCode } from '../protocol/codes.js';
import { decodeCommand, encodeCommand, encodeCommandHead, FrameDecoder } from '../protocol/frame.js';
import { formatAddress, normalizeHost } from './address.js';
import type { Connection, RequestHandler } from './types.js';

export interface ConnectionOptions {
  /** Used in log lines, e.g. "namesrv" or "broker". */
  name: string;
  handler: RequestHandler;
  logger: Logger;
  maxFrameLength: number;
  /** Stop reading from the peer while more than this many bytes wait to be sent to it. */
  maxUnsentBytes?: number;
  /** Requests of the peer being handled at once; beyond it the peer gets SYSTEM_BUSY. */
  maxInflightRequests?: number;
  /** Our own requests awaiting an answer at once. */
  maxPendingInvokes?: number;
}

export const DEFAULT_MAX_UNSENT_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_INFLIGHT_REQUESTS = 65536;
const DEFAULT_MAX_PENDING_INVOKES = 65536;
/** Bodies above this are written as their own buffer instead of being copied behind the header. */
const COPY_BODY_LIMIT = 64 * 1024;

interface PendingInvoke {
  resolve(response: RemotingCommand): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

let nextConnectionId = 0;

/** Message and first stack frame: enough to find the bug, still one log line. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frame = err.stack?.split('\n')[1]?.trim();
  return frame ? `${String(err)} (${frame})` : String(err);
}

export class SocketConnection implements Connection {
  readonly id = ++nextConnectionId;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly remoteAddress: string;
  readonly localPort: number;

  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, PendingInvoke>();
  private readonly closeListeners: Array<() => void> = [];
  private readonly maxUnsentBytes: number;
  private readonly maxInflightRequests: number;
  private readonly maxPendingInvokes: number;
  private inflightRequests = 0;
  private corked = false;
  private pausedForWrites = false;
  private isClosed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.remoteHost = normalizeHost(socket.remoteAddress);
    this.remotePort = socket.remotePort ?? 0;
    this.remoteAddress = formatAddress(this.remoteHost, this.remotePort);
    this.localPort = socket.localPort ?? 0;
    this.decoder = new FrameDecoder(options.maxFrameLength);
    this.maxUnsentBytes = options.maxUnsentBytes ?? DEFAULT_MAX_UNSENT_BYTES;
    this.maxInflightRequests = options.maxInflightRequests ?? DEFAULT_MAX_INFLIGHT_REQUESTS;
    this.maxPendingInvokes = options.maxPendingInvokes ?? DEFAULT_MAX_PENDING_INVOKES;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => options.logger.info(`connection ${this.remoteAddress} error: ${err.message}`));
    socket.on('close', () => this.handleClose());
  }

  get closed(): boolean {
    return this.isClosed || this.socket.destroyed;
  }

  /** True while reading is paused because the peer does not take our responses fast enough. */
  get readingPaused(): boolean {
    return this.pausedForWrites;
  }

  invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return new Promise((resolve, reject) => {
      const failure = this.checkInvoke(request);
      if (failure) return reject(failure);
      const timer = setTimeout(() => {
        this.pending.delete(request.opaque);
        reject(this.error(`wait response on ${this.remoteAddress} timeout after ${timeoutMs}ms (code ${request.code}, opaque ${request.opaque})`));
      }, timeoutMs);
      this.pending.set(request.opaque, { resolve, reject, timer });
      try {
        this.send(request);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(request.opaque);
        reject(err);
      }
    });
  }

  invokeOneway(request: RemotingCommand): void {
    this.sendOneway(request);
  }

  /** Like invokeOneway, but tells when the bytes were handed to the kernel (or why they could not be). */
  sendOneway(request: RemotingCommand, onWritten?: (err?: Error) => void): void {
    request.flag |= FLAG_ONEWAY;
    if (this.isClosed || this.socket.destroyed) {
      onWritten?.(this.error(`connection ${this.remoteAddress} is closed`));
      return;
    }
    this.send(request, onWritten);
  }

  close(): void {
    this.socket.destroy();
  }

  onClose(listener: () => void): void {
    if (this.isClosed) queueMicrotask(listener);
    else this.closeListeners.push(listener);
  }

  private error(message: string): RemotingError {
    return new RemotingError(message, true, this.remoteAddress);
  }

  private checkInvoke(request: RemotingCommand): RemotingError | undefined {
    if (this.isClosed || this.socket.destroyed) return this.error(`connection ${this.remoteAddress} is closed`);
    if (this.pending.has(request.opaque)) {
      return new RemotingError(`opaque ${request.opaque} is already awaiting a response on ${this.remoteAddress}`, false, this.remoteAddress);
    }
    if (this.pending.size >= this.maxPendingInvokes) {
      return this.error(`too many requests (${this.pending.size}) awaiting responses on ${this.remoteAddress}`);
    }
    return undefined;
  }

  private onData(chunk: Buffer): void {
    try {
      for (const frame of this.decoder.push(chunk)) {
        if (this.socket.destroyed) return;
        this.onCommand(decodeCommand(frame));
      }
    } catch (err) {
      // Bytes we cannot follow make the rest of the stream meaningless: only this connection goes.
      if (err instanceof ProtocolError) {
        this.options.logger.warn(`closing connection ${this.remoteAddress}: ${err.message}`);
      } else {
        this.options.logger.error(`closing connection ${this.remoteAddress}: ${describeError(err)}`);
      }
      this.socket.destroy();
    }
  }

  private onCommand(cmd: RemotingCommand): void {
    if (isResponse(cmd)) {
      const waiter = this.pending.get(cmd.opaque);
      if (waiter === undefined) {
        this.options.logger.debug(`response with unknown opaque ${cmd.opaque} from ${this.remoteAddress} (timed out?)`);
        return;
      }
      this.pending.delete(cmd.opaque);
      clearTimeout(waiter.timer);
      waiter.resolve(cmd);
      return;
    }
    this.onRequest(cmd);
  }

  private onRequest(request: RemotingCommand): void {
    if (this.inflightRequests >= this.maxInflightRequests) {
      this.answer(request, createResponse(request, ResponseCode.SYSTEM_BUSY, `[OVERLOAD]${this.inflightRequests} requests in flight on this connection`));
      return;
    }
    let result: RemotingCommand | null | Promise<RemotingCommand | null>;
    try {
      result = this.options.handler(request, this);
    } catch (err) {
      this.answerError(request, err);
      return;
    }
    if (!(result instanceof Promise)) {
      this.answer(request, result);
      return;
    }
    this.inflightRequests++;
    result.then(
      (response) => {
        this.inflightRequests--;
        this.answer(request, response);
      },
      (err: unknown) => {
        this.inflightRequests--;
        this.answerError(request, err);
      },
    );
  }

  private answerError(request: RemotingCommand, err: unknown): void {
    if (err instanceof HeaderError) {
      this.answer(request, createResponse(request, ResponseCode.SYSTEM_ERROR, err.message));
      return;
    }
    this.options.logger.error(
      `request code ${request.code} from ${this.remoteAddress} failed: ${describeError(err)}`,
    );
    this.answer(request, createResponse(request, ResponseCode.SYSTEM_ERROR, String(err)));
  }

  private answer(request: RemotingCommand, response: RemotingCommand | null): void {
    if (response === null || isOneway(request)) return;
    if (this.isClosed || this.socket.destroyed) {
      this.options.logger.debug(`dropping response to code ${request.code}: ${this.remoteAddress} closed`);
      return;
    }
    // As Java does: whatever the handler built, it answers this request.
    response.opaque = request.opaque;
    response.flag |= FLAG_RESPONSE;
    try {
      this.send(response);
    } catch (err) {
      // An unencodable response (e.g. a code beyond int16 in a binary header) must still get an answer.
      this.options.logger.error(`cannot encode response to code ${request.code}: ${describeError(err)}`);
      this.send(createResponse(request, ResponseCode.SYSTEM_ERROR, `cannot encode response: ${String(err)}`));
    }
  }

  /** Encodes and queues one command; throws if it cannot be encoded. */
  private send(cmd: RemotingCommand, onWritten?: (err?: Error) => void): void {
    const body = cmd.body;
    if (body !== undefined && body.length > COPY_BODY_LIMIT) {
      this.write(encodeCommandHead(cmd));
      this.write(body, onWritten);
    } else {
      this.write(encodeCommand(cmd), onWritten);
    }
  }

  /** Writes made in one tick leave in one writev; reading pauses while too much is unsent. */
  private write(data: Buffer, onWritten?: (err?: Error) => void): void {
    const socket = this.socket;
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    socket.write(data, onWritten === undefined ? undefined : (err) => onWritten(err ?? undefined));
    if (!this.pausedForWrites && socket.writableLength > this.maxUnsentBytes) {
      this.pausedForWrites = true;
      socket.pause();
      socket.once('drain', () => {
        this.pausedForWrites = false;
        if (!this.isClosed) socket.resume();
      });
    }
  }

  private handleClose(): void {
    this.isClosed = true;
    for (const [opaque, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(this.error(`connection ${this.remoteAddress} closed before the response to opaque ${opaque} arrived`));
    }
    this.pending.clear();
    for (const listener of this.closeListeners.splice(0)) {
      try {
        listener();
      } catch (err) {
        this.options.logger.error(`close listener failed: ${describeError(err)}`);
      }
    }
  }
}
