// Test helpers for real sockets on loopback: a raw peer that reads frames itself, and condition waits.
import net from 'node:net';
import { once } from 'node:events';
import { decodeCommand, FrameDecoder } from '../../src/protocol/frame.js';
import type { RemotingCommand } from '../../src/protocol/command.js';

/** A bare TCP peer: writes whatever bytes it is told, collects the frames it receives. */
export class RawPeer {
  readonly received: RemotingCommand[] = [];
  readonly socket: net.Socket;
  private readonly decoder = new FrameDecoder();
  private waiters: Array<() => void> = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) this.received.push(decodeCommand(frame));
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<RawPeer> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawPeer(socket);
  }

  /** Resolves once `count` frames have arrived in total. */
  async waitFor(count: number): Promise<RemotingCommand[]> {
    while (this.received.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.received;
  }

  async closed(): Promise<void> {
    if (this.socket.closed) return;
    await once(this.socket, 'close');
  }
}

/** Polls a condition that has no event of its own; fails after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
