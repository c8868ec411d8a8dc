// What the request handlers share: the config, the store and the broker's managers. The controller builds
// one and hands it to every handler group, so handlers never reach into the controller itself.
import type { BrokerConfig } from '../config/broker-config.js';
import type { DataVersion } from '../protocol/body-types.js';
import type { Connection } from '../remoting/types.js';
import type { HostAddress, MessageStore } from '../store/types.js';
import type { BrokerStats } from './broker-stats.js';
import type { ConsumerManager } from './consumer-manager.js';
import type { ConsumerOffsetManager } from './consumer-offset-manager.js';
import type { ProducerManager } from './producer-manager.js';
import type { PullRequestHoldService } from './pull-request-hold-service.js';
import type { RebalanceLockManager } from './rebalance-lock-manager.js';
import type { BrokerReplication } from './replication.js';
import type { ScheduleMessageService } from './schedule-message-service.js';
import type { SubscriptionGroupManager } from './subscription-group-manager.js';
import type { TopicConfigManager } from './topic-config-manager.js';

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly store: MessageStore;
  /** brokerIP1:listenPort, the STOREHOST of every record. */
  readonly storeHost: HostAddress;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly locks: RebalanceLockManager;
  readonly pullHold: PullRequestHoldService;
  readonly schedule: ScheduleMessageService;
  readonly stats: BrokerStats;
  /** Master/slave replication (HA): SYNC_MASTER sends wait on it. */
  readonly replication?: BrokerReplication;
  /** True once shutdown began: writes are refused with SERVICE_NOT_AVAILABLE. */
  isShuttingDown(): boolean;
  /** Two-way registration with every NameServer (after admin topic changes), resolved when all answered. */
  registerWithNamesrvs(): Promise<void>;
  /** Starts watching a client connection so its channels go away when it closes. */
  watchClient(conn: Connection): void;
  /** Version of the broker config, bumped by UPDATE_BROKER_CONFIG. */
  readonly configVersion: DataVersion;
  /** Applies properties text to the live config; throws ConfigError naming the bad key. */
  updateConfig(text: string): Promise<void>;
}
