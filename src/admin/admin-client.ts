// The admin tool's connection to a cluster (RocketMQ's DefaultMQAdminExt + the MQClientAPIImpl calls it makes):
// a NameServer list with failover, one cached connection per broker, and typed request/response calls that
// either return values or throw an AdminError with a one-line reason (the CLI prints it, the dashboard shows it).
import { RemotingError } from '../common/errors.js';
import { createRequest, type RemotingCommand } from '../protocol/command.js';
import { ResponseCode } from '../protocol/codes.js';
import { parseAddress } from '../remoting/address.js';
import { RemotingClient } from '../remoting/client.js';

/** DefaultMQAdminExt's timeoutMillis default. */
export const DEFAULT_ADMIN_TIMEOUT_MS = 5000;

export interface AdminOptions {
  /** NameServer list "ip:port;ip:port". Default: the NAMESRV_ADDR environment variable. */
  namesrvAddr?: string;
  /** Per-request timeout, ms (default 5000, as DefaultMQAdminExt). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Why an admin operation failed, in one line; `code` is the broker/NameServer response code when there was one. */
export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(message: string, readonly code?: number) {
    super(message.replace(/\s*\n\s*/g, ' ').trim());
  }
}

/** "a:9876;b:9876" -> ["a:9876", "b:9876"], each checked; an empty list is an error. */
export function parseNamesrvList(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') {
    throw new AdminError('no NameServer address: use -n "ip:port;ip:port" or set NAMESRV_ADDR');
  }
  const addrs = text.split(/[;,\s]+/).map((a) => a.trim()).filter((a) => a !== '');
  if (addrs.length === 0) throw new AdminError(`no NameServer address in "${text}"`);
  for (const a of addrs) {
    try {
      parseAddress(a);
    } catch (err) {
      throw new AdminError(`bad NameServer address "${a}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return addrs;
}

/** The remark of a failed response as MQBrokerException prints it: "CODE: 17  DESC: ...". */
export function describeResponse(response: RemotingCommand): string {
  return `CODE: ${response.code}  DESC: ${response.remark ?? ''}`;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class MQAdmin {
  readonly namesrvAddrs: string[];
  readonly timeoutMs: number;
  private readonly remoting: RemotingClient;
  private namesrvIndex = 0;

  constructor(options: AdminOptions = {}) {
    const env = options.env ?? process.env;
    this.namesrvAddrs = parseNamesrvList(options.namesrvAddr ?? env.NAMESRV_ADDR);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_ADMIN_TIMEOUT_MS;
    this.remoting = new RemotingClient({ name: 'mqadmin', connectTimeoutMs: Math.min(3000, this.timeoutMs) });
  }

  /** Closes every connection. */
  close(): Promise<void> {
    return this.remoting.shutdown();
  }

  /** One request to one server; transport failures become AdminError naming `what` and the address. */
  async call(addr: string, code: number, ext: Record<string, string>, body: Buffer | undefined, what: string, timeoutMs = this.timeoutMs): Promise<RemotingCommand> {
    try {
      return await this.remoting.invoke(addr, createRequest(code, ext, body), timeoutMs);
    } catch (err) {
      if (err instanceof RemotingError) throw new AdminError(`${what}: ${err.message}`);
      throw err;
    }
  }

  /** A request to the NameServers: the current one, then the others in turn when one cannot be reached. */
  async namesrv(code: number, ext: Record<string, string>, what: string, body?: Buffer): Promise<RemotingCommand> {
    let last: unknown;
    for (let i = 0; i < this.namesrvAddrs.length; i++) {
      const index = (this.namesrvIndex + i) % this.namesrvAddrs.length;
      const addr = this.namesrvAddrs[index]!;
      try {
        const response = await this.remoting.invoke(addr, createRequest(code, ext, body), this.timeoutMs);
        this.namesrvIndex = index;
        return response;
      } catch (err) {
        if (!(err instanceof RemotingError)) throw err;
        last = err;
      }
    }
    throw new AdminError(`${what}: no NameServer of [${this.namesrvAddrs.join(';')}] answered (${reason(last)})`);
  }

  /** `call` that also requires SUCCESS. */
  async ok(addr: string, code: number, ext: Record<string, string>, body: Buffer | undefined, what: string, timeoutMs?: number): Promise<RemotingCommand> {
    const response = await this.call(addr, code, ext, body, what, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw new AdminError(`${what} at ${addr}: ${describeResponse(response)}`, response.code);
    return response;
  }

  /** `namesrv` that also requires SUCCESS. */
  async namesrvOk(code: number, ext: Record<string, string>, what: string, body?: Buffer): Promise<RemotingCommand> {
    const response = await this.namesrv(code, ext, what, body);
    if (response.code !== ResponseCode.SUCCESS) throw new AdminError(`${what}: ${describeResponse(response)}`, response.code);
    return response;
  }
}

/** The body of a successful response, or an AdminError saying it is missing. */
export function bodyOf(response: RemotingCommand, what: string): Buffer {
  if (response.body === undefined || response.body.length === 0) throw new AdminError(`${what}: the answer has no body`);
  return response.body;
}
