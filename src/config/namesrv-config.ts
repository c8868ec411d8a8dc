// The NameServer's configuration: RocketMQ 4.9.8's NamesrvConfig and NettyServerConfig keys in one flat object.
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../common/errors.js';
import { parseJavaProperties } from './java-properties.js';
import { NETTY_SERVER_SCHEMA, defaultNettyServerConfig, type NettyServerConfig } from './netty-config.js';
import { applyProperties, formatConfig, type ConfigSchema } from './typed-config.js';

/** The fields of RocketMQ's NamesrvConfig class. */
export interface NamesrvCoreConfig {
  /** '' = unset; default $ROCKETMQ_HOME. */
  rocketmqHome: string;
  kvConfigPath: string;
  configStorePath: string;
  productEnvName: string;
  clusterTest: boolean;
  orderMessageEnable: boolean;
  /** `;`-separated keys UPDATE_NAMESRV_CONFIG may not change. */
  configBlackList: string;
}

export interface NamesrvConfig extends NamesrvCoreConfig, NettyServerConfig {}

export const NAMESRV_CONFIG_SCHEMA: ConfigSchema<NamesrvConfig> = {
  rocketmqHome: 'string',
  kvConfigPath: 'string',
  configStorePath: 'string',
  productEnvName: 'string',
  clusterTest: 'bool',
  orderMessageEnable: 'bool',
  configBlackList: 'string',
  ...NETTY_SERVER_SCHEMA,
};

const NULLABLE_KEYS: ReadonlySet<string> = new Set(['rocketmqHome']);

/** RocketMQ 4.9.8's defaults: port 9876, files under ~/namesrv. */
export function defaultNamesrvConfig(env: NodeJS.ProcessEnv = process.env): NamesrvConfig {
  const home = env['HOME'] || os.homedir();
  return {
    rocketmqHome: env['ROCKETMQ_HOME'] ?? '',
    kvConfigPath: path.join(home, 'namesrv', 'kvConfig.json'),
    configStorePath: path.join(home, 'namesrv', 'namesrv.properties'),
    productEnvName: 'center',
    clusterTest: false,
    orderMessageEnable: false,
    configBlackList: 'configBlackList;configStorePath;kvConfigPath',
    ...defaultNettyServerConfig(9876),
  };
}

export interface NamesrvConfigResult {
  config: NamesrvConfig;
  warnings: string[];
}

/** Parses a NameServer properties file (mqnamesrv -c); unknown keys are warnings, bad values throw ConfigError. */
export function parseNamesrvConfig(text: string, source: string, env: NodeJS.ProcessEnv = process.env): NamesrvConfigResult {
  const applied = applyProperties(defaultNamesrvConfig(env), NAMESRV_CONFIG_SCHEMA, parseJavaProperties(text, source), source);
  checkNamesrvConfig(applied.config, source, applied.lines);
  return { config: applied.config, warnings: applied.warnings };
}

/** `key=value` lines of every setting (GET_NAMESRV_CONFIG, mqnamesrv -p). */
export function formatNamesrvConfig(config: NamesrvConfig): string {
  return formatConfig(config, NAMESRV_CONFIG_SCHEMA, NULLABLE_KEYS);
}

export interface NamesrvConfigUpdate extends NamesrvConfigResult {
  changedKeys: Array<keyof NamesrvConfig & string>;
}

/**
 * UPDATE_NAMESRV_CONFIG: applies properties text to `config` in place, all or nothing (a bad value throws
 * ConfigError and changes nothing). Refusing configBlackList keys is the caller's job.
 */
export function applyNamesrvConfigUpdates(config: NamesrvConfig, text: string, source = 'UPDATE_NAMESRV_CONFIG'): NamesrvConfigUpdate {
  const applied = applyProperties(config, NAMESRV_CONFIG_SCHEMA, parseJavaProperties(text, source), source);
  checkNamesrvConfig(applied.config, source, applied.lines);
  const changedKeys = (Object.keys(NAMESRV_CONFIG_SCHEMA) as Array<keyof NamesrvConfig & string>).filter(
    (k) => applied.config[k] !== config[k],
  );
  Object.assign(config, applied.config);
  return { config, warnings: applied.warnings, changedKeys };
}

function checkNamesrvConfig(c: NamesrvConfig, source: string, lines: ReadonlyMap<string, number>): void {
  // 0 asks the OS for a free port (tests); RocketMQ itself always has a fixed one.
  if (c.listenPort < 0 || c.listenPort > 65535) {
    const line = lines.get('listenPort');
    throw new ConfigError(`${line === undefined ? source : `${source}:${line}`}: listenPort: "${c.listenPort}" is not a port (0-65535)`);
  }
}
