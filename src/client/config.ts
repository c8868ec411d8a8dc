// Options shared by producers and consumers (Java ClientConfig), their defaults, and argument checks that
// turn a bad value into an MQClientError naming the option.
import os from 'node:os';
import { parseAddress } from '../remoting/address.js';
import { illegalArgument } from './errors.js';

export interface ClientOptions {
  /**
   * NameServer list "host:port;host:port". Default, as Java's ClientConfig: the `rocketmq.namesrv.addr` setting
   * (Java's system property; here an environment entry of that name), then the NAMESRV_ADDR environment variable.
   */
  namesrvAddr?: string;
  /** Second part of the client id `ip@instanceName`. Default: "<pid>#<nanotime>", as the 4.9.8 Java client. */
  instanceName?: string;
  /** First part of the client id and of every UNIQ_KEY. Default: this host's first non-loopback IPv4. */
  clientIP?: string;
  /** Route refresh period (Java pollNameServerInterval), ms. Default 30000. */
  pollNameServerInterval?: number;
  /** Heartbeat period (Java heartbeatBrokerInterval), ms. Default 30000. */
  heartbeatBrokerInterval?: number;
  /** Timeout of NameServer and admin-style broker calls (Java mqClientApiTimeout), ms. Default 3000. */
  requestTimeoutMs?: number;
}

export interface ResolvedClientConfig {
  namesrvAddrs: string[];
  instanceName: string;
  clientIP: string;
  clientId: string;
  pollNameServerInterval: number;
  heartbeatBrokerInterval: number;
  requestTimeoutMs: number;
}

/** Longest group name the broker accepts (Java Validators.CHARACTER_MAX_LENGTH). */
export const MAX_GROUP_LENGTH = 255;
export const MAX_TOPIC_LENGTH = 127;
const NAME_PATTERN = /^[%|a-zA-Z0-9_-]+$/;
/** More NameServers than this in one list is surely a mistake (and would make failover loops long). */
const MAX_NAMESRV_ADDRS = 64;
/** Java's `-Drocketmq.namesrv.addr`; it wins over NAMESRV_ADDR there too. */
export const NAMESRV_ADDR_PROPERTY = 'rocketmq.namesrv.addr';
const HOUR = 3_600_000;

export function resolveClientConfig(options: ClientOptions, env: NodeJS.ProcessEnv = process.env): ResolvedClientConfig {
  const namesrvAddrs = parseNamesrvAddr(options.namesrvAddr ?? env[NAMESRV_ADDR_PROPERTY] ?? env.NAMESRV_ADDR);
  const instanceName = options.instanceName ?? defaultInstanceName();
  checkName('instanceName', instanceName, /^[^@\s]+$/, MAX_GROUP_LENGTH);
  const clientIP = options.clientIP ?? localAddress();
  if (clientIP.trim() === '' || /[\s@]/.test(clientIP)) throw illegalArgument(`clientIP "${clientIP}" is not a host address`);
  return {
    namesrvAddrs,
    instanceName,
    clientIP,
    clientId: `${clientIP}@${instanceName}`,
    pollNameServerInterval: checkInt('pollNameServerInterval', options.pollNameServerInterval, 30_000, 10, HOUR),
    heartbeatBrokerInterval: checkInt('heartbeatBrokerInterval', options.heartbeatBrokerInterval, 30_000, 10, HOUR),
    requestTimeoutMs: checkInt('requestTimeoutMs', options.requestTimeoutMs, 3000, 1, 10 * 60_000),
  };
}

/** "a:9876;b:9876" (commas and whitespace tolerated) -> ["a:9876", "b:9876"]; each entry checked. */
export function parseNamesrvAddr(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') {
    throw illegalArgument('no NameServer address: set the namesrvAddr option, rocketmq.namesrv.addr or the NAMESRV_ADDR environment variable');
  }
  const addrs = text.split(/[;,\s]+/).filter((a) => a !== '');
  if (addrs.length > MAX_NAMESRV_ADDRS) throw illegalArgument(`namesrvAddr lists ${addrs.length} addresses, more than ${MAX_NAMESRV_ADDRS}`);
  for (const a of addrs) {
    try {
      parseAddress(a);
    } catch {
      throw illegalArgument(`namesrvAddr entry "${a}" is not host:port (in "${text}")`);
    }
  }
  return [...new Set(addrs)];
}

/** The 4.9.8 Java client's default: pid + '#' + System.nanoTime(), unique per client in one process. */
export function defaultInstanceName(): string {
  return `${process.pid}#${process.hrtime.bigint()}`;
}

/**
 * Java RemotingUtil.getLocalAddress: the first IPv4 address that is neither loopback nor 192.168.x.x, else
 * any other IPv4 one, else an IPv6 one, else 127.0.0.1.
 */
export function localAddress(): string {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv4') v4.push(info.address);
      else if (!info.address.startsWith('fe80')) v6.push(info.address);
    }
  }
  const preferred = v4.find((ip) => !ip.startsWith('127.') && !ip.startsWith('192.168'));
  return preferred ?? v4[0] ?? v6[0] ?? '127.0.0.1';
}

/** A group or topic name: non-empty, `[%|a-zA-Z0-9_-]`, at most `max` characters. */
export function checkName(what: string, value: unknown, pattern: RegExp = NAME_PATTERN, max = MAX_GROUP_LENGTH): string {
  if (typeof value !== 'string' || value.trim() === '') throw illegalArgument(`${what} is missing or blank`);
  if (value.length > max) throw illegalArgument(`${what} "${value.slice(0, 40)}…" is ${value.length} characters, more than ${max}`);
  if (!pattern.test(value)) throw illegalArgument(`${what} "${value}" contains illegal characters (allowed: ${pattern.source})`);
  return value;
}

export function checkGroup(what: string, value: unknown): string {
  return checkName(what, value, NAME_PATTERN, MAX_GROUP_LENGTH);
}

export function checkTopic(value: unknown): string {
  return checkName('topic', value, NAME_PATTERN, MAX_TOPIC_LENGTH);
}

/** An integer option within [min, max]; `undefined` takes the default. */
export function checkInt(name: string, value: unknown, dflt: number, min: number, max: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw illegalArgument(`option ${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

export function checkBool(name: string, value: unknown, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (typeof value !== 'boolean') throw illegalArgument(`option ${name} must be a boolean, got ${String(value)}`);
  return value;
}

export function checkEnum<T extends string>(name: string, value: unknown, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw illegalArgument(`option ${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
  return value as T;
}
