#!/usr/bin/env node
// mqdashboard --namesrvAddr "a:9876;b:9876" [--port 8080] [--host 127.0.0.1]: the web console for any cluster.
import { Command } from 'commander';
import { parseNamesrvList } from '../admin/index.js';
import { configureLogging } from '../common/logger.js';
import { startDashboard } from '../dashboard/server.js';
import { errorText, fail, stopOnSignals } from './run.js';

const program = new Command('mqdashboard')
  .description('Serve the rocketmq-ts dashboard (web console) for a cluster')
  .option('-n, --namesrvAddr <list>', 'NameServer list "ip:port;ip:port" (default: NAMESRV_ADDR)')
  .option('-p, --port <port>', 'HTTP port (0 = any free port)', '8080')
  .option('--host <ip>', 'address to listen on', '127.0.0.1')
  .parse();
const opts = program.opts<{ namesrvAddr?: string; port: string; host: string }>();

async function main(): Promise<void> {
  const namesrvAddr = opts.namesrvAddr ?? process.env.NAMESRV_ADDR;
  let addrs: string[];
  try {
    addrs = parseNamesrvList(namesrvAddr);
  } catch (err) {
    return fail(`mqdashboard: ${errorText(err).replace('-n "ip:port;ip:port"', '--namesrvAddr "ip:port;ip:port"')}`);
  }
  const port = Number(opts.port);
  if (!/^\d+$/.test(opts.port) || port > 65535) return fail(`mqdashboard: --port "${opts.port}" is not a port number`);
  configureLogging();
  let dashboard;
  try {
    dashboard = await startDashboard({ namesrvAddr: addrs.join(';'), port, host: opts.host });
  } catch (err) {
    return fail(`mqdashboard: cannot serve on ${opts.host}:${port}: ${errorText(err)}`);
  }
  const running = dashboard;
  stopOnSignals([{ shutdown: () => running.close() }]);
  process.stdout.write(`rocketmq-ts dashboard on ${dashboard.url} (NameServer ${addrs.join(';')})\n`);
}

void main();
