#!/usr/bin/env node
// mqnamesrv [-c FILE] [-p]: start a NameServer, as RocketMQ's bin/mqnamesrv does.
import fs from 'node:fs';
import { Command } from 'commander';
import { configureLogging, getLogger } from '../common/logger.js';
import { defaultNamesrvConfig, formatNamesrvConfig, parseNamesrvConfig } from '../config/namesrv-config.js';
import { NamesrvController } from '../namesrv/namesrv-controller.js';
import { errorText, fail, stopOnSignals } from './run.js';

const program = new Command('mqnamesrv')
  .description('Start a RocketMQ-compatible NameServer')
  .option('-c, --configFile <file>', 'NameServer config properties file')
  .option('-p, --printConfigItem', 'print all config items and exit')
  .parse();
const opts = program.opts<{ configFile?: string; printConfigItem?: boolean }>();

async function main(): Promise<void> {
  let config = defaultNamesrvConfig();
  if (opts.configFile) {
    let text: string;
    try {
      text = fs.readFileSync(opts.configFile, 'utf8');
    } catch (err) {
      return fail(`cannot read config file ${opts.configFile}: ${errorText(err)}`);
    }
    try {
      const parsed = parseNamesrvConfig(text, opts.configFile);
      config = parsed.config;
      for (const w of parsed.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`load config properties file OK, ${opts.configFile}\n`);
    } catch (err) {
      return fail(errorText(err));
    }
  }
  if (opts.printConfigItem) {
    process.stdout.write(formatNamesrvConfig(config));
    process.exit(0);
  }
  configureLogging();
  const namesrv = new NamesrvController(config);
  try {
    await namesrv.start();
  } catch (err) {
    getLogger('namesrv').error(`start failed: ${errorText(err)}`);
    return fail(`The Name Server failed to start: ${errorText(err)}`);
  }
  // Handlers first: a supervisor may send SIGTERM the moment it sees the boot line.
  stopOnSignals([namesrv]);
  process.stdout.write('The Name Server boot success. serializeType=JSON\n');
}

void main();
