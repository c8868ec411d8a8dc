#!/usr/bin/env node
// mqshutdown namesrv|broker: stop this host's NameServers or brokers gracefully, as RocketMQ's bin/mqshutdown.
//
// Like RocketMQ it finds every process of that role on the host (ours: node running mqnamesrv / mqbroker,
// see local-processes.ts), prints "The mqbroker(<pid>) is running...", sends SIGTERM and prints "Send
// shutdown request to mqbroker(<pid>) OK"; "No mqbroker running." (exit 1) when there is none. SIGTERM makes
// a broker refuse new sends, answer those in flight, unregister from every NameServer, flush and close its
// store (removing `abort`, releasing the lock) and exit 0.
//
// Beyond RocketMQ: it then waits until the processes are gone (RocketMQ's script returns at once, and the
// guides say to wait ~10 s), at most --timeout seconds (0: do not wait), and never escalates to kill -9.
// `-c FILE` stops only the processes started with that config file (e.g. one of two brokers on a host).
// The all-in-one `rocketmq-ts` process is neither role's: it hosts a NameServer and a broker together, so
// `mqshutdown broker` leaves it alone (and says so); stop it with Ctrl-C or `kill <pid>`.
import { Command, InvalidArgumentError } from 'commander';
import { listServerProcesses, resolveFrom, configFileArg, stillRunning, type LocalProcess } from './local-processes.js';

const POLL_MS = 100;
const DEFAULT_TIMEOUT_S = 60;

interface Options {
  configFile?: string;
  timeout: number;
}

function seconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of seconds >= 0');
  return n;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Processes of `kind` (with `-c` naming the same file as `configFile`, when given). */
function targets(kind: 'mqnamesrv' | 'mqbroker', configFile: string | undefined, procRoot: string): { found: LocalProcess[]; allInOne: LocalProcess[] } {
  const all = listServerProcesses(procRoot);
  const wanted = configFile === undefined ? undefined : resolveFrom(process.cwd(), configFile);
  const found = all.filter((p) => {
    if (p.kind !== kind) return false;
    if (wanted === undefined) return true;
    const own = configFileArg(p.args);
    return own !== undefined && resolveFrom(p.cwd, own) === wanted;
  });
  return { found, allInOne: all.filter((p) => p.kind === 'all-in-one') };
}

async function waitForExit(procs: LocalProcess[], timeoutMs: number, procRoot: string): Promise<LocalProcess[]> {
  const deadline = Date.now() + timeoutMs;
  let left = procs;
  for (;;) {
    const running: LocalProcess[] = [];
    for (const p of left) {
      if (stillRunning(p, procRoot)) running.push(p);
      else out(`The ${p.kind}(${p.pid}) is stopped.`);
    }
    left = running;
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function shutdown(kind: 'mqnamesrv' | 'mqbroker', opts: Options): Promise<number> {
  const procRoot = process.env.MQSHUTDOWN_PROC_ROOT ?? '/proc';
  const { found, allInOne } = targets(kind, opts.configFile, procRoot);
  if (found.length === 0) {
    out(`No ${kind} running.`);
    if (allInOne.length > 0 && opts.configFile === undefined) {
      const pids = allInOne.map((p) => p.pid).join(' ');
      out(`(all-in-one rocketmq-ts process ${pids} hosts a NameServer and a broker together; stop it with Ctrl-C or: kill ${pids})`);
    }
    return 1;
  }
  const signalled: LocalProcess[] = [];
  let failed = false;
  for (const p of found) {
    out(`The ${kind}(${p.pid}) is running...`);
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') {
        out(`The ${kind}(${p.pid}) is stopped.`);
        continue;
      }
      process.stderr.write(`Cannot send shutdown request to ${kind}(${p.pid}): ${code ?? (e as Error).message}\n`);
      failed = true;
      continue;
    }
    out(`Send shutdown request to ${kind}(${p.pid}) OK`);
    signalled.push(p);
  }
  if (opts.timeout > 0 && signalled.length > 0) {
    const left = await waitForExit(signalled, opts.timeout * 1000, procRoot);
    for (const p of left) {
      process.stderr.write(`The ${kind}(${p.pid}) is still running after ${opts.timeout} s; it may still be flushing (see its log). Not killing it.\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

const program = new Command('mqshutdown')
  .description('Stop the NameServers or brokers running on this host gracefully (SIGTERM, then wait)')
  .argument('<role>', 'namesrv or broker')
  .option('-c, --configFile <file>', 'only the processes started with this config file')
  .option('-t, --timeout <seconds>', 'wait at most this long for them to exit (0: do not wait)', seconds, DEFAULT_TIMEOUT_S)
  .showHelpAfterError()
  .action(async (role: string, opts: Options) => {
    let kind: 'mqnamesrv' | 'mqbroker';
    if (role === 'broker') kind = 'mqbroker';
    else if (role === 'namesrv') kind = 'mqnamesrv';
    else {
      process.stderr.write('Useage: mqshutdown broker | namesrv\n');
      process.exit(1);
    }
    process.exit(await shutdown(kind, opts));
  });

await program.parseAsync();
