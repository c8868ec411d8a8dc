// mqadmin's operations as a library of typed async functions: the CLI (src/cli/mqadmin.ts) prints their results in
// RocketMQ's layout, the dashboard shows them. Nothing here prints; failures are AdminError with a one-line reason.
export { MQAdmin, AdminError, DEFAULT_ADMIN_TIMEOUT_MS, parseNamesrvList, type AdminOptions } from './admin-client.js';
export * from './api.js';
export * from './cluster-util.js';
export * from './cluster.js';
export * from './topic.js';
export * from './examine.js';
export * from './consumer.js';
export * from './message.js';
export * from './namesrv.js';
export * from './monitor.js';
export { versionDesc } from './version.js';
export * from './dashboard-queries.js';
