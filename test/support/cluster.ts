// Real NameServer and broker processes for integration tests: each one is `node dist/src/cli/mq*.js`
// started from a temporary .properties file, with its own log folder (ROCKETMQ_LOG_DIR) and store folder
// under one temporary root. Nothing here mocks a server.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeBrokerPort, freePort } from './ports.js';
import { withTimeout } from './wait.js';

/** dist/src/cli, seen from dist/test/support. */
const CLI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli');
export const NAMESRV_SCRIPT = path.join(CLI_DIR, 'mqnamesrv.js');
export const BROKER_SCRIPT = path.join(CLI_DIR, 'mqbroker.js');

export const BOOT_TIMEOUT_MS = 20_000;
export const STOP_TIMEOUT_MS = 15_000;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type Props = Record<string, string | number | boolean>;

/** Java-properties text from a record (values written as given; no escaping is needed for our values). */
export function propertiesText(props: Props): string {
  return Object.entries(props).map(([k, v]) => `${k}=${String(v)}`).join('\n') + '\n';
}

function tail(text: string, max = 4000): string {
  return text.length <= max ? text : `…${text.slice(text.length - max)}`;
}

/** One child process with its captured output. */
export class ServerProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  exitInfo: ExitInfo | undefined;
  readonly exited: Promise<ExitInfo>;
  private readonly outputListeners = new Set<() => void>();

  constructor(
    readonly label: string,
    readonly args: string[],
    readonly env: NodeJS.ProcessEnv,
    readonly logDir: string,
    /** The program run with `args`; another one (e.g. `ip netns exec NS node ...`) only for the netns lab. */
    readonly command: string = process.execPath,
  ) {
    this.child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8');
    this.child.stderr?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const l of this.outputListeners) l();
    });
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
      for (const l of this.outputListeners) l();
    });
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        for (const l of this.outputListeners) l();
        resolve(this.exitInfo);
      });
      this.child.once('error', (err) => {
        this.stderr += `\n[spawn error] ${err.message}\n`;
        this.exitInfo = { code: null, signal: null };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** stdout, stderr and exit status, for assertion messages. */
  describe(): string {
    const exit = this.exitInfo ? `exited with code ${this.exitInfo.code} signal ${this.exitInfo.signal}` : 'still running';
    return `${this.label} (pid ${this.pid}, ${exit}, logs in ${this.logDir})\n--- stdout ---\n${tail(this.stdout)}\n--- stderr ---\n${tail(this.stderr)}`;
  }

  /**
   * Resolves with the first match of `re` in stdout (or stderr when `stream` says so). Rejects when the
   * process exits without printing it, or after timeoutMs, with the captured output.
   */
  waitForOutput(re: RegExp, timeoutMs: number, stream: 'stdout' | 'stderr' = 'stdout'): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        const m = (stream === 'stdout' ? this.stdout : this.stderr).match(re);
        if (m) {
          done();
          resolve(m);
        } else if (this.exitInfo) {
          done();
          reject(new Error(`${this.label} exited before printing ${re} on ${stream}:\n${this.describe()}`));
        }
      };
      const done = (): void => {
        clearTimeout(timer);
        this.outputListeners.delete(check);
      };
      timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${this.label} to print ${re} on ${stream}:\n${this.describe()}`));
      }, timeoutMs);
      this.outputListeners.add(check);
      check();
    });
  }

  /** Resolves with the exit status; rejects after timeoutMs with the captured output. */
  waitForExit(timeoutMs: number): Promise<ExitInfo> {
    return withTimeout(this.exited, timeoutMs, () => `${this.label} to exit:\n${this.describe()}`);
  }

  /** SIGTERM and wait for the exit (a graceful shutdown). Kills with SIGKILL if it does not exit in time. */
  async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<ExitInfo> {
    if (!this.running) return this.exitInfo!;
    this.child.kill('SIGTERM');
    try {
      return await this.waitForExit(timeoutMs);
    } catch (err) {
      this.child.kill('SIGKILL');
      await this.exited;
      throw err;
    }
  }

  /** kill -9 and wait for the exit. */
  async kill(): Promise<ExitInfo> {
    if (!this.running) return this.exitInfo!;
    this.child.kill('SIGKILL');
    return withTimeout(this.exited, 10_000, `${this.label} to die after SIGKILL`);
  }

  readLog(file: string): string {
    try {
      return fs.readFileSync(path.join(this.logDir, file), 'utf8');
    } catch {
      return '';
    }
  }
}

export interface NamesrvHandle {
  readonly port: number;
  /** "127.0.0.1:port" */
  readonly addr: string;
  readonly proc: ServerProcess;
  readonly configFile: string;
  readonly logDir: string;
  /** Contents of namesrv.log ('' if not there yet). */
  readLog(): string;
}

export interface BrokerOptions {
  /** brokerName; default "broker-<n>". */
  name?: string;
  /** Extra or overriding broker.properties keys. */
  props?: Props;
  /** NameServer address list for the `namesrvAddr` key; default: the cluster's NameServer. Null = omit the key. */
  namesrvAddr?: string | null;
  /** Extra command-line arguments after `-c FILE` (e.g. ['-n', addr]). */
  extraArgs?: string[];
  /** Extra environment variables (e.g. NAMESRV_ADDR). */
  env?: NodeJS.ProcessEnv;
  /** Do not wait for the boot line (for start-failure tests). */
  noWait?: boolean;
  /** Reuse this store folder (e.g. a second broker on the same store). */
  storeDir?: string;
  /** Reuse this listenPort instead of picking a free one. */
  port?: number;
}

export class BrokerHandle {
  proc: ServerProcess;
  private restarts = 0;

  constructor(
    private readonly cluster: TestCluster,
    readonly name: string,
    readonly port: number,
    readonly storeDir: string,
    readonly configFile: string,
    readonly logDir: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.proc = this.spawn();
  }

  /** "127.0.0.1:listenPort" */
  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The VIP channel, listenPort - 2. */
  get vipAddr(): string {
    return `127.0.0.1:${this.port - 2}`;
  }

  private spawn(): ServerProcess {
    const label = this.restarts === 0 ? `broker ${this.name}` : `broker ${this.name} (restart #${this.restarts})`;
    const proc = new ServerProcess(label, this.args, this.env, this.logDir);
    this.cluster.track(proc);
    return proc;
  }

  waitForBoot(timeoutMs = BOOT_TIMEOUT_MS): Promise<RegExpMatchArray> {
    return this.proc.waitForOutput(/The broker\[[^\]]*\] boot success[^\n]*/, timeoutMs);
  }

  /** Start again on the same config and store (the previous process must have exited). */
  async restart(): Promise<void> {
    if (this.proc.running) throw new Error(`${this.proc.label} is still running; stop or kill it before restart`);
    this.restarts++;
    this.proc = this.spawn();
    await this.waitForBoot();
  }

  stop(timeoutMs?: number): Promise<ExitInfo> {
    return this.proc.stop(timeoutMs);
  }

  kill(): Promise<ExitInfo> {
    return this.proc.kill();
  }

  /** Contents of broker.log ('' if not there yet). All restarts append to the same file. */
  readLog(): string {
    return this.proc.readLog('broker.log');
  }
}

/** Environment for a child: ours minus NAMESRV_ADDR (tests set it explicitly), plus its own log folder. */
export function childEnv(logDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NAMESRV_ADDR;
  delete env.NODE_TEST_CONTEXT; // children are servers, not test files
  return { ...env, ROCKETMQ_LOG_DIR: logDir, ...extra };
}

/** One temporary root holding the config files, stores and logs of the processes a test file starts. */
export class TestCluster {
  private readonly procs: ServerProcess[] = [];
  private brokerCount = 0;
  namesrv: NamesrvHandle | undefined;

  private constructor(readonly root: string) {}

  static create(label: string): TestCluster {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `rmqts-${label}-`));
    return new TestCluster(root);
  }

  track(proc: ServerProcess): void {
    this.procs.push(proc);
  }

  /** A new folder under the root. */
  dir(...parts: string[]): string {
    const d = path.join(this.root, ...parts);
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  async startNamesrv(props: Props = {}): Promise<NamesrvHandle> {
    const port = await freePort();
    const n = this.procs.length;
    const home = this.dir(`namesrv-${n}`);
    const logDir = this.dir(`namesrv-${n}`, 'logs');
    const configFile = path.join(home, 'namesrv.properties');
    fs.writeFileSync(
      configFile,
      propertiesText({ listenPort: port, bindAddress: '127.0.0.1', kvConfigPath: path.join(home, 'kvConfig.json'), ...props }),
    );
    const proc = new ServerProcess(`namesrv :${port}`, [NAMESRV_SCRIPT, '-c', configFile], childEnv(logDir), logDir);
    this.track(proc);
    await proc.waitForOutput(/The Name Server boot success[^\n]*/, BOOT_TIMEOUT_MS);
    const handle: NamesrvHandle = {
      port,
      addr: `127.0.0.1:${port}`,
      proc,
      configFile,
      logDir,
      readLog: () => proc.readLog('namesrv.log'),
    };
    this.namesrv ??= handle;
    return handle;
  }

  /** Writes broker.properties and starts `mqbroker -c FILE`; waits for the boot line unless noWait. */
  async startBroker(options: BrokerOptions = {}): Promise<BrokerHandle> {
    this.brokerCount++;
    const name = options.name ?? `broker-${this.brokerCount}`;
    const port = options.port ?? (await freeBrokerPort());
    const home = this.dir(`${name}-${this.brokerCount}`);
    const storeDir = options.storeDir ?? this.dir(`${name}-${this.brokerCount}`, 'store');
    const logDir = this.dir(`${name}-${this.brokerCount}`, 'logs');
    const configFile = path.join(home, 'broker.properties');
    const namesrvAddr = options.namesrvAddr === undefined ? this.namesrv?.addr : options.namesrvAddr;
    const props: Props = {
      brokerClusterName: 'TestCluster',
      brokerName: name,
      brokerId: 0,
      brokerRole: 'ASYNC_MASTER',
      flushDiskType: 'ASYNC_FLUSH',
      listenPort: port,
      brokerIP1: '127.0.0.1',
      bindAddress: '127.0.0.1',
      storePathRootDir: storeDir,
      autoCreateTopicEnable: true,
      // 8 MiB segments instead of 1 GiB keep the temporary stores small.
      mappedFileSizeCommitLog: 8 * 1024 * 1024,
      ...(namesrvAddr ? { namesrvAddr } : {}),
      ...options.props,
    };
    fs.writeFileSync(configFile, propertiesText(props));
    const args = [BROKER_SCRIPT, '-c', configFile, ...(options.extraArgs ?? [])];
    const handle = new BrokerHandle(this, name, port, storeDir, configFile, logDir, args, childEnv(logDir, options.env));
    if (!options.noWait) await handle.waitForBoot();
    return handle;
  }

  /** Starts `mqbroker` with a config text written verbatim (for malformed-config tests). Does not wait. */
  startBrokerWithText(text: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): ServerProcess {
    const n = ++this.brokerCount;
    const configFile = path.join(this.dir(`raw-broker-${n}`), 'broker.properties');
    fs.writeFileSync(configFile, text);
    return this.spawnBroker(['-c', configFile, ...extraArgs], env);
  }

  /** Runs `mqbroker <args>` as given. Does not wait. */
  spawnBroker(args: string[], env: NodeJS.ProcessEnv = {}): ServerProcess {
    const n = ++this.brokerCount;
    const logDir = this.dir(`raw-broker-${n}`, 'logs');
    const proc = new ServerProcess(`mqbroker ${args.join(' ')}`, [BROKER_SCRIPT, ...args], childEnv(logDir, env), logDir);
    this.track(proc);
    return proc;
  }

  /** kill -9 whatever still runs, wait for the exits, remove the temporary root (unless KEEP_TEST_DIRS). */
  async shutdown(): Promise<void> {
    await Promise.all(this.procs.filter((p) => p.running).map((p) => p.kill().catch(() => undefined)));
    if (!process.env.KEEP_TEST_DIRS) fs.rmSync(this.root, { recursive: true, force: true });
  }

  /** stdout/stderr of every process, for failure messages. */
  describeAll(): string {
    return this.procs.map((p) => p.describe()).join('\n\n');
  }
}
