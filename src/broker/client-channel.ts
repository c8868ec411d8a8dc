// One client connection as the producer and consumer tables know it (RocketMQ's ClientChannelInfo).
import type { Connection } from '../remoting/types.js';

export interface ClientChannel {
  readonly conn: Connection;
  clientId: string;
  /** The language enum name the client sent in its header, e.g. "JAVA" or "NODE_JS"-like values. */
  language: string;
  version: number;
  /** Last heartbeat, ms. */
  lastUpdate: number;
}

export function newClientChannel(conn: Connection, clientId: string, language: string, version: number, now: number): ClientChannel {
  return { conn, clientId, language, version, lastUpdate: now };
}
