// The contract between the transport and the request handlers of the NameServer and the broker.
import type { RemotingCommand } from '../protocol/command.js';

/** One accepted TCP connection as the handlers see it. */
export interface Connection {
  readonly id: number;
  /** "ip:port" of the peer; IPv4-mapped IPv6 addresses are given in IPv4 form. */
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly localPort: number;
  readonly closed: boolean;
  /** Send a request to the peer (server-to-client, e.g. GET_CONSUMER_RUNNING_INFO) and await its answer. */
  invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand>;
  /** Send a request with the oneway flag (e.g. NOTIFY_CONSUMER_IDS_CHANGED); no answer is expected. */
  invokeOneway(request: RemotingCommand): void;
  close(): void;
  onClose(listener: () => void): void;
}

/**
 * Handles one request. Returns the response, or null for none. Long polling simply returns a promise that
 * settles later. For a oneway request the transport drops whatever is returned.
 * A thrown HeaderError becomes a SYSTEM_ERROR response naming the field; any other throw is logged and
 * answered with SYSTEM_ERROR. Neither closes the connection.
 */
export type RequestHandler = (
  request: RemotingCommand,
  conn: Connection,
) => RemotingCommand | null | Promise<RemotingCommand | null>;
