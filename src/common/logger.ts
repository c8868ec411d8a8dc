// Logging to the files RocketMQ users look in (~/logs/rocketmqlogs/namesrv.log, broker.log), one line per event.
// log4js gives us logback-style layouts and size-based rotation, which is what RocketMQ's logback config does:
// broker.log rolls at 128 MB keeping 20 old files, namesrv.log at 100 MB keeping 5 (logback_broker.xml and
// logback_namesrv.xml of 4.9.8). Old files are broker.log.1 (newest) ... broker.log.N, uncompressed.
// $ROCKETMQ_LOG_MAX_SIZE ("64MB", "512k", bytes) and $ROCKETMQ_LOG_MAX_INDEX (old files kept) override both.
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
  /** Rotate at this many bytes (default $ROCKETMQ_LOG_MAX_SIZE, else per file as RocketMQ), keeping `backups` old files. */
  maxLogSize?: number;
  /** Old files kept (default $ROCKETMQ_LOG_MAX_INDEX, else per file as RocketMQ). */
  backups?: number;
}

interface Rotation {
  maxLogSize: number;
  backups: number;
}

const MB = 1024 * 1024;
/** RocketMQ 4.9.8 logback: broker.log 128MB x maxIndex 20, namesrv.log 100MB x maxIndex 5. */
export const DEFAULT_ROTATION: Readonly<Record<'broker' | 'namesrv', Rotation>> = {
  broker: { maxLogSize: 128 * MB, backups: 20 },
  namesrv: { maxLogSize: 100 * MB, backups: 5 },
};

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: MB, mb: MB, g: 1024 * MB, gb: 1024 * MB };

/** "128MB", "512k", "1g", "4096" → bytes; undefined when it is not a size. */
export function parseLogSize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (m === null || unit === undefined) return undefined;
  const bytes = Number(m[1]) * unit;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** The rotation settings from the environment; a bad value is named on stderr and ignored. */
export function rotationFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Rotation> {
  const out: Partial<Rotation> = {};
  const size = env.ROCKETMQ_LOG_MAX_SIZE;
  if (size !== undefined && size !== '') {
    const bytes = parseLogSize(size);
    if (bytes === undefined) process.stderr.write(`warning: ROCKETMQ_LOG_MAX_SIZE="${size}" is not a size like 128MB; using the default\n`);
    else out.maxLogSize = bytes;
  }
  const index = env.ROCKETMQ_LOG_MAX_INDEX;
  if (index !== undefined && index !== '') {
    const n = Number(index);
    if (!/^\s*\d+\s*$/.test(index) || n < 1 || n > 1000) process.stderr.write(`warning: ROCKETMQ_LOG_MAX_INDEX="${index}" is not a file count 1-1000; using the default\n`);
    else out.backups = n;
  }
  return out;
}

export function defaultLogDir(): string {
  return process.env.ROCKETMQ_LOG_DIR ?? path.join(os.homedir(), 'logs', 'rocketmqlogs');
}

const LAYOUT = { type: 'pattern', pattern: '%d{yyyy-MM-dd hh:mm:ss,SSS} %p %c - %m' };

/** Configure once per process; later calls replace the configuration (tests point it at temp folders). */
export function configureLogging(options: LoggingOptions = {}): void {
  const dir = options.dir ?? defaultLogDir();
  const fromEnv = rotationFromEnv();
  const file = (role: 'broker' | 'namesrv') => ({
    type: 'file',
    filename: path.join(dir, `${role}.log`),
    maxLogSize: options.maxLogSize ?? fromEnv.maxLogSize ?? DEFAULT_ROTATION[role].maxLogSize,
    backups: options.backups ?? fromEnv.backups ?? DEFAULT_ROTATION[role].backups,
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
      namesrv: file('namesrv'),
      broker: file('broker'),
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
