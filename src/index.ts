// rocketmq-ts package entry: the client SDK. Servers (NameServer, broker) are started through the CLI
// entry points or imported from their own modules.
export * from './client/index.js';
