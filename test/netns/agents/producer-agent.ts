// A producer on its own lab host: `node producer-agent.js '<json settings>'`. Sends from `senders` loops until
// SIGTERM, each with at most one send outstanding, and prints one JSON line per finished send:
//   {"ev":"ok","key","msgId","broker","queue","offset","t0","t1"}   SEND_OK
//   {"ev":"notok","key","status","broker","queue","offset","t0","t1"}  stored but another status
//   {"ev":"fail","key","error","t0","t1"}                             an exception (nothing acknowledged)
// t0/t1 are Date.now() when the send began/ended, so the test knows which sends were in flight at a kill.
// The NameServer list comes from NAMESRV_ADDR (as in the guides) unless settings.namesrvAddr is given.
import { Producer } from '../../../src/index.js';
import { emit, errorText, onStopSignal, readSettings } from './common.js';
import type { ProducerAgentSettings as ProducerSettings } from './settings.js';

const MAX_SENDERS = 64;

const settings = readSettings<ProducerSettings>('producer-agent', (v) => {
  for (const k of ['topic', 'group', 'keyPrefix']) if (typeof v[k] !== 'string' || v[k] === '') return `${k} must be a non-empty string`;
  if (!Number.isInteger(v.senders) || (v.senders as number) < 1 || (v.senders as number) > MAX_SENDERS) return `senders must be an integer in 1..${MAX_SENDERS}`;
  if (!Number.isInteger(v.pauseMs) || (v.pauseMs as number) < 0) return 'pauseMs must be an integer >= 0';
  return undefined;
});

const producer = new Producer({
  producerGroup: settings.group,
  ...(settings.namesrvAddr !== undefined ? { namesrvAddr: settings.namesrvAddr } : {}),
  ...(settings.sendMsgTimeout !== undefined ? { sendMsgTimeout: settings.sendMsgTimeout } : {}),
  ...(settings.pollNameServerInterval !== undefined ? { pollNameServerInterval: settings.pollNameServerInterval } : {}),
});

let stopping = false;
let wake: (() => void) | undefined;

async function pause(ms: number): Promise<void> {
  if (ms <= 0 || stopping) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => { clearTimeout(timer); resolve(); };
  });
}

async function sendOne(key: string): Promise<void> {
  const t0 = Date.now();
  try {
    const r = await producer.send({ topic: settings.topic, body: `${key} ${'x'.repeat(200)}`, keys: key });
    const where = { broker: r.messageQueue.brokerName, queue: r.messageQueue.queueId, offset: r.queueOffset };
    if (r.sendStatus === 'SEND_OK') emit({ ev: 'ok', key, msgId: r.msgId, ...where, t0, t1: Date.now() });
    else emit({ ev: 'notok', key, status: r.sendStatus, msgId: r.msgId, ...where, t0, t1: Date.now() });
  } catch (err) {
    emit({ ev: 'fail', key, error: errorText(err), t0, t1: Date.now() });
  }
}

async function sender(s: number): Promise<void> {
  for (let n = 0; !stopping; n++) {
    await sendOne(`${settings.keyPrefix}-${s}-${n}`);
    await pause(settings.pauseMs);
  }
}

await producer.start();
emit({ ev: 'ready', pid: process.pid });
const loops = Array.from({ length: settings.senders }, (_, s) => sender(s));
onStopSignal(async () => {
  stopping = true;
  wake?.();
  await Promise.all(loops);
  await producer.shutdown();
  emit({ ev: 'done' });
});
