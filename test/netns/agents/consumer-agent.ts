// A push consumer on its own lab host: `node consumer-agent.js '<json settings>'`. Prints one JSON line per
// message delivered to the listener, then acknowledges it:
//   {"ev":"msg","key","msgId","broker","queue","offset","reconsume","t"}
// The NameServer list comes from NAMESRV_ADDR (as in the guides) unless settings.namesrvAddr is given.
import { PushConsumer, type ConsumeFromWhere, type MessageExt } from '../../../src/index.js';
import { emit, onStopSignal, readSettings } from './common.js';

interface ConsumerSettings {
  topic: string;
  group: string;
  consumeFromWhere: ConsumeFromWhere;
  namesrvAddr?: string;
  pollNameServerInterval?: number;
}

const settings = readSettings<ConsumerSettings>('consumer-agent', (v) => {
  for (const k of ['topic', 'group', 'consumeFromWhere']) if (typeof v[k] !== 'string' || v[k] === '') return `${k} must be a non-empty string`;
  return undefined;
});

const consumer = new PushConsumer({
  consumerGroup: settings.group,
  consumeFromWhere: settings.consumeFromWhere,
  ...(settings.namesrvAddr !== undefined ? { namesrvAddr: settings.namesrvAddr } : {}),
  ...(settings.pollNameServerInterval !== undefined ? { pollNameServerInterval: settings.pollNameServerInterval } : {}),
});
consumer.subscribe(settings.topic, '*');
consumer.registerMessageListener(async (msgs: MessageExt[]) => {
  for (const m of msgs) {
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
