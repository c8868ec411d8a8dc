// Transport settings with RocketMQ 4.9.8's NettyServerConfig / NettyClientConfig names and defaults.
// They keep their Netty-era names because they are keys users write in broker.conf and namesrv config;
// the Node transport honours the ones that mean something to it (ports, idle times, timeouts, limits).
import os from 'node:os';
import type { ConfigSchema } from './typed-config.js';

export interface NettyServerConfig {
  listenPort: number;
  /** Address to listen on (RocketMQ 5.x's key; 4.9.8 always binds 0.0.0.0). */
  bindAddress: string;
  serverWorkerThreads: number;
  serverCallbackExecutorThreads: number;
  serverSelectorThreads: number;
  serverOnewaySemaphoreValue: number;
  serverAsyncSemaphoreValue: number;
  serverChannelMaxIdleTimeSeconds: number;
  serverSocketSndBufSize: number;
  serverSocketRcvBufSize: number;
  writeBufferHighWaterMark: number;
  writeBufferLowWaterMark: number;
  serverSocketBacklog: number;
  serverPooledByteBufAllocatorEnable: boolean;
  useEpollNativeSelector: boolean;
}

export interface NettyClientConfig {
  clientWorkerThreads: number;
  clientCallbackExecutorThreads: number;
  clientOnewaySemaphoreValue: number;
  clientAsyncSemaphoreValue: number;
  connectTimeoutMillis: number;
  channelNotActiveInterval: number;
  clientChannelMaxIdleTimeSeconds: number;
  clientSocketSndBufSize: number;
  clientSocketRcvBufSize: number;
  clientPooledByteBufAllocatorEnable: boolean;
  clientCloseSocketIfTimeout: boolean;
  useTLS: boolean;
  writeBufferHighWaterMark: number;
  writeBufferLowWaterMark: number;
}

export const NETTY_SERVER_SCHEMA: ConfigSchema<NettyServerConfig> = {
  listenPort: 'int',
  bindAddress: 'string',
  serverWorkerThreads: 'int',
  serverCallbackExecutorThreads: 'int',
  serverSelectorThreads: 'int',
  serverOnewaySemaphoreValue: 'int',
  serverAsyncSemaphoreValue: 'int',
  serverChannelMaxIdleTimeSeconds: 'int',
  serverSocketSndBufSize: 'int',
  serverSocketRcvBufSize: 'int',
  writeBufferHighWaterMark: 'int',
  writeBufferLowWaterMark: 'int',
  serverSocketBacklog: 'int',
  serverPooledByteBufAllocatorEnable: 'bool',
  useEpollNativeSelector: 'bool',
};

export const NETTY_CLIENT_SCHEMA: ConfigSchema<NettyClientConfig> = {
  clientWorkerThreads: 'int',
  clientCallbackExecutorThreads: 'int',
  clientOnewaySemaphoreValue: 'int',
  clientAsyncSemaphoreValue: 'int',
  connectTimeoutMillis: 'int',
  channelNotActiveInterval: 'long',
  clientChannelMaxIdleTimeSeconds: 'int',
  clientSocketSndBufSize: 'int',
  clientSocketRcvBufSize: 'int',
  clientPooledByteBufAllocatorEnable: 'bool',
  clientCloseSocketIfTimeout: 'bool',
  useTLS: 'bool',
  writeBufferHighWaterMark: 'int',
  writeBufferLowWaterMark: 'int',
};

/** NettyServerConfig defaults; the broker starts from port 10911, the NameServer from 9876. */
export function defaultNettyServerConfig(listenPort: number): NettyServerConfig {
  return {
    listenPort,
    bindAddress: '0.0.0.0',
    serverWorkerThreads: 8,
    serverCallbackExecutorThreads: 0,
    serverSelectorThreads: 3,
    serverOnewaySemaphoreValue: 256,
    serverAsyncSemaphoreValue: 64,
    serverChannelMaxIdleTimeSeconds: 120,
    serverSocketSndBufSize: 0,
    serverSocketRcvBufSize: 0,
    writeBufferHighWaterMark: 0,
    writeBufferLowWaterMark: 0,
    serverSocketBacklog: 1024,
    serverPooledByteBufAllocatorEnable: true,
    useEpollNativeSelector: false,
  };
}

export function defaultNettyClientConfig(): NettyClientConfig {
  return {
    clientWorkerThreads: 4,
    clientCallbackExecutorThreads: os.availableParallelism(),
    clientOnewaySemaphoreValue: 65535,
    clientAsyncSemaphoreValue: 65535,
    connectTimeoutMillis: 3000,
    channelNotActiveInterval: 60_000,
    clientChannelMaxIdleTimeSeconds: 120,
    clientSocketSndBufSize: 0,
    clientSocketRcvBufSize: 0,
    clientPooledByteBufAllocatorEnable: false,
    clientCloseSocketIfTimeout: true,
    useTLS: false,
    writeBufferHighWaterMark: 0,
    writeBufferLowWaterMark: 0,
  };
}
