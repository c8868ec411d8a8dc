// Logging to the files RocketMQ users look in (~/logs/rocketmqlogs/namesrv.log, broker.log), one line per event.
// log4js gives us logback-style layouts and size-based rotation, which is what RocketMQ's logback config does.
import os from 'node:os';
import path from 'node:path';
import log4js from 'log4js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LoggingOptions {
  /** Folder for namesrv.log and broker.log. Default: $ROCKETMQ_LOG_DIR or ~/logs/rocketmqlogs. */
  dir?: string;
  /** Also echo warnings and errors to stderr. */
  console?: boolean;
  level?: 'debug' | 'info' | 'warn' | 'error';
  /** Rotate at this many bytes, keeping `backups` old files. */
  maxLogSize?: number;
  backups?: number;
}

export function defaultLogDir(): string {
  return process.env.ROCKETMQ_LOG_DIR ?? path.join(os.homedir(), 'logs', 'rocketmqlogs');
}

const LAYOUT = { type: 'pattern', pattern: '%d{yyyy-MM-dd hh:mm:ss,SSS} %p %c - %m' };

/** Configure once per process; later calls replace the configuration (tests point it at temp folders). */
export function configureLogging(options: LoggingOptions = {}): void {
  const dir = options.dir ?? defaultLogDir();
  const file = (name: string) => ({
    type: 'file',
    filename: path.join(dir, name),
    maxLogSize: options.maxLogSize ?? 128 * 1024 * 1024,
    backups: options.backups ?? 10,
    layout: LAYOUT,
  });
  const level = options.level ?? 'info';
  const namesrvAppenders = ['namesrv'];
  const brokerAppenders = ['broker'];
  if (options.console) {
    namesrvAppenders.push('stderr');
    brokerAppenders.push('stderr');
  }
  log4js.configure({
    appenders: {
      namesrv: file('namesrv.log'),
      broker: file('broker.log'),
      stderrRaw: { type: 'stderr', layout: LAYOUT },
      stderr: { type: 'logLevelFilter', appender: 'stderrRaw', level: 'warn' },
    },
    categories: {
      default: { appenders: brokerAppenders, level },
      namesrv: { appenders: namesrvAppenders, level },
    },
  });
}

/** Category "namesrv" goes to namesrv.log; every other category goes to broker.log. Silent until configured. */
export function getLogger(category: string): Logger {
  return log4js.getLogger(category);
}

/** Flush and close the log files (call before process exit). */
export function shutdownLogging(): Promise<void> {
  return new Promise((resolve) => log4js.shutdown(() => resolve()));
}
