#!/usr/bin/env node
// mqbroker -c FILE [-n "a:9876;b:9876"] [-m|-p]: start a broker from a RocketMQ broker.properties file.
import fs from 'node:fs';
import { Command } from 'commander';
import { configureLogging, getLogger } from '../common/logger.js';
import { brokerConfigFrom, formatBrokerConfig, parseBrokerConfig, type BrokerConfig } from '../config/broker-config.js';
import { BrokerController } from '../broker/broker-controller.js';
import { errorText, fail, stopOnSignals } from './run.js';

const program = new Command('mqbroker')
  .description('Start a RocketMQ-compatible broker')
  .option('-c, --configFile <file>', 'broker config properties file')
  .option('-n, --namesrvAddr <addrs>', 'NameServer address list, e.g. "192.168.0.1:9876;192.168.0.2:9876"')
  .option('-m, --printImportantConfig', 'print important config items and exit')
  .option('-p, --printConfigItem', 'print all config items and exit')
  .parse();
const opts = program.opts<{ configFile?: string; namesrvAddr?: string; printImportantConfig?: boolean; printConfigItem?: boolean }>();

const IMPORTANT_KEYS = [
  'brokerClusterName', 'brokerName', 'brokerId', 'brokerRole', 'flushDiskType', 'namesrvAddr', 'brokerIP1',
  'listenPort', 'haListenPort', 'storePathRootDir', 'storePathCommitLog', 'mappedFileSizeCommitLog',
  'autoCreateTopicEnable', 'deleteWhen', 'fileReservedTime',
];

function loadConfig(): Promise<BrokerConfig> | BrokerConfig {
  let config = brokerConfigFrom({});
  if (opts.configFile) {
    let text: string;
    try {
      text = fs.readFileSync(opts.configFile, 'utf8');
    } catch (err) {
      return fail(`cannot read config file ${opts.configFile}: ${errorText(err)}`);
    }
    try {
      const parsed = parseBrokerConfig(text, opts.configFile, process.env);
      config = parsed.config;
      for (const w of parsed.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`load config properties file OK, ${opts.configFile}\n`);
    } catch (err) {
      return fail(errorText(err));
    }
  }
  if (opts.namesrvAddr) config.namesrvAddr = opts.namesrvAddr;
  return config;
}

function printImportant(config: BrokerConfig): void {
  const all = formatBrokerConfig(config).split('\n');
  const wanted = new Set(IMPORTANT_KEYS);
  process.stdout.write(all.filter((line) => wanted.has(line.split('=')[0] ?? '')).join('\n') + '\n');
}

async function main(): Promise<void> {
  const config = await loadConfig();
  if (opts.printConfigItem) {
    process.stdout.write(formatBrokerConfig(config));
    process.exit(0);
  }
  if (opts.printImportantConfig) {
    printImportant(config);
    process.exit(0);
  }
  configureLogging();
  const broker = new BrokerController(config, { configFile: opts.configFile });
  try {
    await broker.start();
  } catch (err) {
    getLogger('broker').error(`start failed: ${errorText(err)}`);
    return fail(errorText(err));
  }
  // Handlers first: a supervisor may send SIGTERM the moment it sees the boot line.
  stopOnSignals([broker]);
  process.stdout.write(`${broker.bootMessage()}\n`);
}

void main();
