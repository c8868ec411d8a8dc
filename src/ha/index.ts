// Master → slave replication in RocketMQ 4.x's HA wire format (spec/ha-protocol.md).
export * from './codec.js';
export { HAClient, type HaClientOptions, type HaSlaveStore } from './ha-client.js';
export { HAService, type HaMasterStore, type HaServiceOptions, type SlaveInfo } from './ha-service.js';
export { ReplicationWaiters, type ReplicationStatus } from './replication-waiters.js';
