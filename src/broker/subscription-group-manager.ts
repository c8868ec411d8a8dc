// Consumer group settings, persisted as config/subscriptionGroup.json (RocketMQ's SubscriptionGroupManager):
// built-in groups, auto-creation on first use when autoCreateSubscriptionGroup, admin updates and deletes.
import { getLogger } from '../common/logger.js';
import { ResponseCode } from '../protocol/codes.js';
import type { DataVersion, SubscriptionGroupConfig, SubscriptionGroupWrapper } from '../protocol/body-types.js';
import { decodeSubscriptionGroupWrapper, encodeSubscriptionGroupWrapper } from '../protocol/bodies.js';
import { BrokerError } from './broker-error.js';
import { ConfigFile } from './config-file.js';
import { newDataVersion, nextVersion } from './data-version.js';

export const SUBSCRIPTION_GROUP_FILE = 'subscriptionGroup.json';
export const MAX_SUBSCRIPTION_GROUPS = 100_000;
/** The Java client's Validators.CHARACTER_MAX_LENGTH for group names. */
export const MAX_GROUP_NAME_LENGTH = 255;
/** MixAll.CID_RMQ_SYS_PREFIX: such groups are created even when auto-creation is off. */
export const SYS_GROUP_PREFIX = 'CID_RMQ_SYS_';

const BUILT_IN_GROUPS = [
  'TOOLS_CONSUMER',
  'FILTERSRV_CONSUMER',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PULL',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
];

const log = getLogger('broker');

/** Java's `new SubscriptionGroupConfig()` defaults. */
export function newSubscriptionGroupConfig(groupName: string): SubscriptionGroupConfig {
  return {
    groupName,
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
  };
}

function describe(g: SubscriptionGroupConfig): string {
  return `SubscriptionGroupConfig [groupName=${g.groupName}, consumeEnable=${g.consumeEnable}, consumeFromMinEnable=${g.consumeFromMinEnable}, consumeBroadcastEnable=${g.consumeBroadcastEnable}, retryQueueNums=${g.retryQueueNums}, retryMaxTimes=${g.retryMaxTimes}, brokerId=${g.brokerId}, whichBrokerWhenConsumeSlowly=${g.whichBrokerWhenConsumeSlowly}, notifyConsumerIdsChangedEnable=${g.notifyConsumerIdsChangedEnable}]`;
}

export class SubscriptionGroupManager {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  readonly dataVersion: DataVersion;
  private readonly file: ConfigFile;

  constructor(
    configDir: string,
    private readonly settings: { autoCreateSubscriptionGroup: boolean },
    private readonly now: () => number = Date.now,
  ) {
    this.file = new ConfigFile(configDir, SUBSCRIPTION_GROUP_FILE);
    this.dataVersion = newDataVersion(now());
    for (const name of BUILT_IN_GROUPS) this.table.set(name, newSubscriptionGroupConfig(name));
  }

  load(): void {
    const loaded = this.file.load((text) => decodeSubscriptionGroupWrapper(text));
    if (loaded === undefined) return;
    for (const [name, g] of loaded.value.subscriptionGroupTable) this.table.set(name, g);
    this.dataVersion.timestamp = loaded.value.dataVersion.timestamp;
    this.dataVersion.counter = loaded.value.dataVersion.counter;
    log.info(`load ${loaded.file} OK, ${loaded.value.subscriptionGroupTable.size} subscription groups`);
  }

  /** The group's config without creating it. */
  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }

  /** findSubscriptionGroupConfig: the group, auto-created when allowed; undefined when it does not exist. */
  find(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.table.get(group);
    if (existing !== undefined) return existing;
    if (!this.settings.autoCreateSubscriptionGroup && !group.startsWith(SYS_GROUP_PREFIX)) return undefined;
    const created = newSubscriptionGroupConfig(group);
    this.put(created);
    log.info(`auto create a subscription group, ${describe(created)}`);
    return created;
  }

  /** UPDATE_AND_CREATE_SUBSCRIPTIONGROUP. */
  update(config: SubscriptionGroupConfig): void {
    const old = this.table.get(config.groupName);
    this.put(config);
    if (old !== undefined) log.info(`update subscription group config, old: ${describe(old)} new: ${describe(config)}`);
    else log.info(`create new subscription group, ${describe(config)}`);
  }

  delete(group: string): boolean {
    const old = this.table.get(group);
    if (old === undefined) {
      log.warn(`delete subscription group failed, subscription groupName: ${group} not exist`);
      return false;
    }
    this.table.delete(group);
    log.info(`delete subscription group OK, subscription group:${describe(old)}`);
    this.changed();
    return true;
  }

  /**
   * A slave copies its master's groups (SlaveSynchronize.syncSubscriptionGroupConfig): when the data versions
   * differ the whole table and the version are replaced and persisted. True when something was replaced.
   */
  replaceFrom(master: SubscriptionGroupWrapper): boolean {
    const dv = master.dataVersion;
    if (dv.timestamp === this.dataVersion.timestamp && dv.counter === this.dataVersion.counter) return false;
    this.table.clear();
    for (const [name, g] of master.subscriptionGroupTable) this.table.set(name, g);
    this.dataVersion.timestamp = dv.timestamp;
    this.dataVersion.counter = dv.counter;
    this.persist().catch((err: unknown) => log.error(`persist ${this.file.file} failed: ${String(err)}`));
    return true;
  }

  names(): string[] {
    return [...this.table.keys()];
  }

  wrapper(): SubscriptionGroupWrapper {
    return { subscriptionGroupTable: new Map(this.table), dataVersion: { ...this.dataVersion } };
  }

  encode(pretty = false): Buffer {
    return encodeSubscriptionGroupWrapper({ subscriptionGroupTable: this.table, dataVersion: this.dataVersion }, { pretty });
  }

  persist(): Promise<void> {
    return this.file.persist(this.encode(true).toString('utf8'));
  }

  persistSync(): void {
    this.file.persistSync(this.encode(true).toString('utf8'));
  }

  private put(config: SubscriptionGroupConfig): void {
    const name = config.groupName;
    if (name.length === 0 || name.length > MAX_GROUP_NAME_LENGTH) {
      throw new BrokerError(ResponseCode.SYSTEM_ERROR, `the group name must be 1..${MAX_GROUP_NAME_LENGTH} characters, got ${name.length}`);
    }
    if (!this.table.has(name) && this.table.size >= MAX_SUBSCRIPTION_GROUPS) {
      throw new BrokerError(ResponseCode.SYSTEM_ERROR, `this broker already holds ${MAX_SUBSCRIPTION_GROUPS} subscription groups, cannot create ${name}`);
    }
    this.table.set(name, config);
    this.changed();
  }

  private changed(): void {
    nextVersion(this.dataVersion, this.now());
    this.persist().catch((err: unknown) => log.error(`persist ${this.file.file} failed: ${String(err)}`));
  }
}
