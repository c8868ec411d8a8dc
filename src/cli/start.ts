#!/usr/bin/env node
// The all-in-one default: a NameServer and broker-a (DefaultCluster, ASYNC_MASTER, ASYNC_FLUSH, auto-create topics)
// in one process on loopback, data in a local folder, and the dashboard (web console) next to them. `npm start` runs this.
import path from 'node:path';
import { Command } from 'commander';
import { configureLogging, defaultLogDir, getLogger } from '../common/logger.js';
import { brokerConfigFrom } from '../config/broker-config.js';
import { defaultNamesrvConfig } from '../config/namesrv-config.js';
import { BrokerController } from '../broker/broker-controller.js';
import { NamesrvController } from '../namesrv/namesrv-controller.js';
import { startDashboard } from '../dashboard/server.js';
import { errorText, fail, stopOnSignals, type Role } from './run.js';

const program = new Command('rocketmq-ts')
  .description('Start a NameServer and a broker in one process (the all-in-one default)')
  .option('--host <ip>', 'address to bind and advertise', '127.0.0.1')
  .option('--namesrv-port <port>', 'NameServer port', '9876')
  .option('--broker-port <port>', 'broker listenPort (the VIP port is listenPort - 2)', '10911')
  .option('--data-dir <dir>', 'folder for the broker store and NameServer KV config', 'store-data')
  .option('--dashboard-port <port>', 'dashboard (web console) HTTP port; 0 = no dashboard', '8080')
  .parse();
const opts = program.opts<{ host: string; namesrvPort: string; brokerPort: string; dataDir: string; dashboardPort: string }>();

function port(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}: "${text}" is not a port number`);
  return n;
}

async function main(): Promise<void> {
  let namesrvPort: number;
  let brokerPort: number;
  let dashboardPort: number;
  try {
    namesrvPort = port('--namesrv-port', opts.namesrvPort);
    brokerPort = port('--broker-port', opts.brokerPort);
    dashboardPort = port('--dashboard-port', opts.dashboardPort);
  } catch (err) {
    return fail(errorText(err));
  }
  const dataDir = path.resolve(opts.dataDir);
  configureLogging();
  const roles: Role[] = [];
  stopOnSignals(roles, () => process.stdout.write('rocketmq-ts stopped\n'));

  const namesrv = new NamesrvController({
    ...defaultNamesrvConfig(),
    listenPort: namesrvPort,
    bindAddress: opts.host,
    kvConfigPath: path.join(dataDir, 'namesrv', 'kvConfig.json'),
  });
  try {
    await namesrv.start();
  } catch (err) {
    return fail(`The Name Server failed to start on ${opts.host}:${namesrvPort}: ${errorText(err)}`);
  }
  roles.push(namesrv);
  process.stdout.write('The Name Server boot success. serializeType=JSON\n');

  const broker = new BrokerController(
    brokerConfigFrom({
      brokerClusterName: 'DefaultCluster',
      brokerName: 'broker-a',
      brokerId: 0,
      brokerRole: 'ASYNC_MASTER',
      flushDiskType: 'ASYNC_FLUSH',
      autoCreateTopicEnable: true,
      listenPort: brokerPort,
      brokerIP1: opts.host,
      bindAddress: opts.host,
      namesrvAddr: `${opts.host}:${namesrv.port}`,
      storePathRootDir: path.join(dataDir, 'broker-a'),
    }),
  );
  try {
    await broker.start();
  } catch (err) {
    getLogger('broker').error(`start failed: ${errorText(err)}`);
    await namesrv.shutdown();
    return fail(errorText(err));
  }
  roles.push(broker);
  process.stdout.write(`${broker.bootMessage()}\n`);
  if (dashboardPort !== 0) {
    try {
      const dashboard = await startDashboard({ namesrvAddr: `${opts.host}:${namesrv.port}`, port: dashboardPort, host: opts.host });
      roles.push({ shutdown: () => dashboard.close() });
      process.stdout.write(`rocketmq-ts dashboard on ${dashboard.url}\n`);
    } catch (err) {
      // The NameServer and broker are up and useful without it: say why and go on.
      process.stderr.write(`The dashboard failed to start on ${opts.host}:${dashboardPort}: ${errorText(err)} (use --dashboard-port)\n`);
    }
  }
  process.stdout.write(`data in ${dataDir}, logs in ${defaultLogDir()}; Ctrl-C to stop\n`);
}

void main();
