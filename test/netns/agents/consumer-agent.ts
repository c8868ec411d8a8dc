// A push consumer on its own lab host: `node consumer-agent.js '<json settings>'`. Prints one JSON line per
// message delivered to the listener, then acknowledges it:
//   {"ev":"msg","key","msgId","broker","queue","offset","reconsume","t"}
// The NameServer list comes from NAMESRV_ADDR (as in the guides) unless settings.namesrvAddr is given.
import { PushConsumer, type MessageExt } from '../../../src/index.js';
import { emit, onStopSignal, readSettings } from './common.js';
import type { ConsumerAgentSettings as ConsumerSettings } from './settings.js';

const settings = readSettings<ConsumerSettings>('consumer-agent', (v) => {
  for (const k of ['topic', 'group', 'consumeFromWhere']) if (typeof v[k] !== 'string' || v[k] === '') return `${k} must be a non-empty string`;
  if (v.delayMs !== undefined && (!Number.isInteger(v.delayMs) || (v.delayMs as number) < 0 || (v.delayMs as number) > 60_000)) return 'delayMs must be an integer in 0..60000';
  return undefined;
});

const consumer = new PushConsumer({
  consumerGroup: settings.group,
  consumeFromWhere: settings.consumeFromWhere,
  ...(settings.namesrvAddr !== undefined ? { namesrvAddr: settings.namesrvAddr } : {}),
  ...(settings.pollNameServerInterval !== undefined ? { pollNameServerInterval: settings.pollNameServerInterval } : {}),
  ...(settings.consumeThreadMax !== undefined ? { consumeThreadMax: settings.consumeThreadMax } : {}),
  ...(settings.pullThresholdForQueue !== undefined ? { pullThresholdForQueue: settings.pullThresholdForQueue } : {}),
});
const delayMs = settings.delayMs ?? 0;
consumer.subscribe(settings.topic, '*');
consumer.registerMessageListener(async (msgs: MessageExt[]) => {
  for (const m of msgs) {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    emit({ ev: 'msg', key: m.keys.join(' '), msgId: m.msgId, broker: m.brokerName, queue: m.queueId, offset: m.queueOffset, reconsume: m.reconsumeTimes, t: Date.now() });
  }
  return 'CONSUME_SUCCESS';
});
await consumer.start();
emit({ ev: 'ready', pid: process.pid });
onStopSignal(async () => {
  await consumer.shutdown();
  emit({ ev: 'done' });
});
