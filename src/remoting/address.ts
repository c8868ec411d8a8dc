// "host:port" strings as RocketMQ uses them (namesrvAddr, brokerAddr, clientAddr in logs).
import { RemotingError } from '../common/errors.js';

/** A dual-stack socket reports IPv4 peers as "::ffff:1.2.3.4"; RocketMQ users expect "1.2.3.4". */
export function normalizeHost(host: string | undefined): string {
  if (host === undefined) return 'unknown';
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
}

export function formatAddress(host: string, port: number): string {
  return `${host}:${port}`;
}

export interface HostPort {
  host: string;
  port: number;
}

/** Parses "host:port" (or "[v6]:port"); a malformed address is a non-retriable RemotingError. */
export function parseAddress(addr: string): HostPort {
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon).replace(/^\[(.*)\]$/, '$1').trim();
  const portText = addr.slice(colon + 1).trim();
  const port = Number(portText);
  if (colon <= 0 || host === '' || !/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new RemotingError(`invalid address "${addr}": expected host:port`, false, addr);
  }
  return { host, port };
}
