// Host facts RocketMQ uses as defaults: brokerIP1/brokerIP2 (this host's address) and brokerName (host name).
import os from 'node:os';

/** The first non-internal IPv4 address of this host, or 127.0.0.1 when there is none. */
export function localIPv4(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}

/** Like Java's InetAddress.getLocalHost().getHostName(), with RocketMQ's fallback. */
export function localHostName(): string {
  try {
    return os.hostname() || 'DEFAULT_BROKER';
  } catch {
    return 'DEFAULT_BROKER';
  }
}
