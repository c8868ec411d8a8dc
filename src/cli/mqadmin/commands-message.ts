// Message commands: queryMsgById, queryMsgByKey, queryMsgByOffset, queryMsgByUniqueKey, checkMsgSendRT, sendMessage,
// consumeMessage, printMsg, printMsgByQueue, resetOffsetByTime.
import fs from 'node:fs';
import path from 'node:path';
import {
  checkMsgSendRT,
  consumeMessage,
  consumeMessageDirectly,
  parseTimestamp,
  printMsg,
  printMsgByQueue,
  queryMsgById,
  queryMsgByKey,
  queryMsgByOffset,
  queryMsgByUniqueKeyView,
  resetOffsetByTime,
  sendMessage,
  viewMessage,
  type MessageView,
  type PullEvent,
} from '../../admin/index.js';
import { Message, type MessageExt } from '../../client/message.js';
import { Producer } from '../../client/producer.js';
import type { ConsumeMessageDirectlyResult } from '../../protocol/admin-bodies.js';
import { PROPERTY_KEYS, PROPERTY_TAGS } from '../../protocol/message-const.js';
import { front, humanString2, javaMap, messageExtString, mqString } from './format.js';
import { CommandFailure, type CommandContext, type CommandSpec } from './spec.js';

/** Where the tools write message bodies (QueryMsgByIdSubCommand.createBodyFile). */
export const BODY_DIR = '/tmp/rocketmq/msgbodys';

function bodyFile(msg: MessageExt, index = 0): string {
  fs.mkdirSync(BODY_DIR, { recursive: true });
  const file = path.join(BODY_DIR, index > 0 ? `${msg.msgId}_${index}` : msg.msgId);
  fs.writeFileSync(file, msg.body);
  return file;
}

function directResultString(r: ConsumeMessageDirectlyResult): string {
  return `ConsumeMessageDirectlyResult [order=${r.order}, autoCommit=${r.autoCommit}, consumeResult=${r.consumeResult}, remark=${r.remark}, spentTimeMills=${r.spentTimeMills}]`;
}

/** The message view of queryMsgById / queryMsgByOffset (withOffsetId) and queryMsgByUniqueKey. */
function printView(ctx: CommandContext, view: MessageView, withOffsetId: boolean, index = 0): void {
  const m = view.message;
  const s = '%-20s %s%n';
  const d = '%-20s %d%n';
  if (withOffsetId) ctx.printf(s, 'OffsetID:', m.offsetMsgId);
  ctx.printf(s, 'Topic:', m.topic);
  ctx.printf(s, 'Tags:', `[${m.properties.get(PROPERTY_TAGS) ?? 'null'}]`);
  ctx.printf(s, 'Keys:', `[${m.properties.get(PROPERTY_KEYS) ?? 'null'}]`);
  ctx.printf(d, 'Queue ID:', m.queueId);
  ctx.printf(d, 'Queue Offset:', m.queueOffset);
  ctx.printf(d, 'CommitLog Offset:', m.commitLogOffset);
  ctx.printf(d, 'Reconsume Times:', m.reconsumeTimes);
  ctx.printf(s, 'Born Timestamp:', humanString2(m.bornTimestamp));
  ctx.printf(s, 'Store Timestamp:', humanString2(m.storeTimestamp));
  ctx.printf(s, 'Born Host:', m.bornHost);
  ctx.printf(s, 'Store Host:', m.storeHost);
  ctx.printf(d, 'System Flag:', m.sysFlag);
  ctx.printf(s, 'Properties:', javaMap(m.properties));
  ctx.printf(s, 'Message Body Path:', bodyFile(m, index));
  if (view.tracks === undefined) {
    ctx.printf('%n%nWARN: cannot tell who consumed it: %s%n', view.trackError);
  } else if (view.tracks.length === 0) {
    ctx.printf('%n%nWARN: No Consumer%n');
  } else {
    ctx.printf('%n%n');
    for (const t of view.tracks) {
      ctx.printf('MessageTrack [consumerGroup=%s, trackType=%s, exceptionDesc=%s]%n', t.consumerGroup, t.trackType, t.exceptionDesc ?? 'null');
    }
  }
}

function timestampOption(ctx: CommandContext, letter: string): number | undefined {
  const v = ctx.str(letter);
  return v === undefined ? undefined : parseTimestamp(v);
}

function decoder(charset: string): (b: Buffer) => string {
  let d: TextDecoder;
  try {
    d = new TextDecoder(charset);
  } catch {
    throw new CommandFailure(`unknown charset "${charset}"`);
  }
  return (b) => d.decode(b);
}

function printMessages(ctx: CommandContext, msgs: MessageExt[], decode: (b: Buffer) => string, printBody: boolean): void {
  for (const m of msgs) ctx.printf('MSGID: %s %s BODY: %s%n', m.msgId, messageExtString(m), printBody ? decode(m.body) : 'NOT PRINT BODY');
}

function printPullEvent(ctx: CommandContext, e: PullEvent, decode: (b: Buffer) => string, printBody: boolean, consumeOk: boolean): void {
  if (e.status === 'FOUND') {
    if (consumeOk) ctx.print('Consume ok\n');
    printMessages(ctx, e.messages, decode, printBody);
  } else if (e.status === 'NO_MATCHED_MSG') {
    ctx.printf('%s no matched msg. status=%s, offset=%s%n', mqString(e.mq), e.status, e.offset);
  } else {
    ctx.printf('%s print msg finished. status=%s, offset=%s%n', mqString(e.mq), e.status, e.offset);
  }
}

/** queryMsgById -s true: send the stored message again (same UNIQ_KEY), as the Java tool's resend. */
async function resend(ctx: CommandContext, msgId: string): Promise<void> {
  const admin = ctx.admin();
  const msg = await viewMessage(admin, msgId);
  const copy = new Message({ topic: msg.topic, body: msg.body, flag: msg.flag });
  for (const [k, v] of msg.properties) copy.properties.set(k, v);
  const producer = new Producer({ producerGroup: 'ReSendMsgById', namesrvAddr: admin.namesrvAddrs.join(';'), instanceName: `ReSendMsgById_${Date.now()}` });
  await producer.start();
  try {
    ctx.printf('prepare resend msg. originalMsgId=%s%n', msgId);
    const r = await producer.send(copy);
    ctx.printf('SendResult [sendStatus=%s, msgId=%s, offsetMsgId=%s, messageQueue=%s, queueOffset=%s]%n', r.sendStatus, r.msgId, r.offsetMsgId,
      mqString(r.messageQueue), r.queueOffset);
  } finally {
    await producer.shutdown();
  }
}

export const MESSAGE_COMMANDS: CommandSpec[] = [
  {
    name: 'queryMsgById',
    desc: 'Show a message by its offsetMsgId (store host + commit-log offset)',
    group: 'Message',
    options: [
      { short: 'i', long: 'msgId', arg: true, desc: 'offsetMsgId(s), comma separated', required: true },
      { short: 'g', long: 'consumerGroup', arg: true, desc: 'with -d: have this group\'s client consume the message' },
      { short: 'd', long: 'clientId', arg: true, desc: 'with -g: the consumer\'s client id' },
      { short: 's', long: 'sendMessage', arg: true, desc: 'true: send the message again' },
      { short: 'u', long: 'unitName', arg: true, desc: 'unit name of the resending producer' },
    ],
    async run(ctx) {
      const ids = ctx.req('i').split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (ctx.has('g') && ctx.has('d')) {
        for (const msgId of ids) ctx.printf('%s%n', directResultString(await consumeMessageDirectly(ctx.admin(), { group: ctx.req('g'), clientId: ctx.req('d'), msgId })));
        return;
      }
      if (ctx.has('s')) {
        if (ctx.bool('s') === true) for (const msgId of ids) await resend(ctx, msgId);
        return;
      }
      for (const msgId of ids) printView(ctx, await queryMsgById(ctx.admin(), msgId), true);
    },
  },
  {
    name: 'queryMsgByKey',
    desc: 'Find messages by key',
    group: 'Message',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'k', long: 'msgKey', arg: true, desc: 'message key', required: true },
    ],
    async run(ctx) {
      const msgs = await queryMsgByKey(ctx.admin(), ctx.req('t'), ctx.req('k'));
      ctx.printf('%-50s %4s %40s%n', '#Message ID', '#QID', '#Offset');
      for (const m of msgs) ctx.printf('%-50s %4d %40d%n', m.msgId, m.queueId, m.queueOffset);
    },
  },
  {
    name: 'queryMsgByOffset',
    desc: 'Show the message at a queue offset',
    group: 'Message',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'b', long: 'brokerName', arg: true, desc: 'broker name (not its address; see clusterList)', required: true },
      { short: 'i', long: 'queueId', arg: true, desc: 'queue id', required: true },
      { short: 'o', long: 'offset', arg: true, desc: 'queue offset', required: true },
    ],
    async run(ctx) {
      const view = await queryMsgByOffset(ctx.admin(), { topic: ctx.req('t'), brokerName: ctx.req('b'), queueId: ctx.int('i') ?? 0, offset: ctx.int('o') ?? 0 });
      if (view === undefined) throw new CommandFailure('no message at that offset');
      printView(ctx, view, true);
    },
  },
  {
    name: 'queryMsgByUniqueKey',
    desc: 'Show a message by its msgId (the client\'s UNIQ_KEY), or have a consumer consume it',
    group: 'Message',
    options: [
      { short: 'i', long: 'msgId', arg: true, desc: 'message id (UNIQ_KEY)', required: true },
      { short: 'g', long: 'consumerGroup', arg: true, desc: 'with -d: have this group\'s client consume the message' },
      { short: 'd', long: 'clientId', arg: true, desc: 'with -g: the consumer\'s client id' },
      { short: 't', long: 'topic', arg: true, desc: 'topic of the message', required: true },
      { short: 'a', long: 'showAll', arg: false, desc: 'print every copy found (at most 32)' },
    ],
    async run(ctx) {
      const topic = ctx.req('t');
      const msgId = ctx.req('i');
      if (ctx.has('g') && ctx.has('d')) {
        ctx.printf('%s%n', directResultString(await consumeMessageDirectly(ctx.admin(), { group: ctx.req('g'), clientId: ctx.req('d'), msgId, topic })));
        return;
      }
      const views = await queryMsgByUniqueKeyView(ctx.admin(), topic, msgId);
      const shown = ctx.has('a') ? views : views.slice(0, 1);
      shown.forEach((v, i) => printView(ctx, v, false, i));
    },
  },
  {
    name: 'checkMsgSendRT',
    desc: 'Send messages to a topic, queue after queue, and print each send\'s RT',
    group: 'Message',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'a', long: 'amount', arg: true, desc: 'how many messages (default 100)' },
      { short: 's', long: 'size', arg: true, desc: 'message size in bytes (default 128)' },
    ],
    async run(ctx) {
      const r = await checkMsgSendRT(ctx.admin(), { topic: ctx.req('t'), amount: ctx.int('a') ?? 100, size: ctx.int('s') ?? 128 });
      ctx.printf('%-32s  %-4s  %-20s    %s%n', '#Broker Name', '#QID', '#Send Result', '#RT');
      for (const row of r.rows) ctx.printf('%-32s  %-4s  %-20s    %s%n', row.brokerName, row.queueId, row.ok, row.rt);
      ctx.printf('Avg RT: %s%n', r.avgRT.toFixed(2));
    },
  },
  {
    name: 'sendMessage',
    desc: 'Send one message, to a given queue or by the default selection',
    group: 'Message',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'p', long: 'body', arg: true, desc: 'message body (UTF-8 text)', required: true },
      { short: 'k', long: 'key', arg: true, desc: 'message keys' },
      { short: 'c', long: 'tags', arg: true, desc: 'message tag' },
      { short: 'b', long: 'broker', arg: true, desc: 'broker name of the target queue' },
      { short: 'i', long: 'qid', arg: true, desc: 'target queue id (needs -b)' },
      { short: 'm', long: 'msgTraceEnable', arg: true, desc: 'true: also send a trace record (Pub) to RMQ_SYS_TRACE_TOPIC, keyed by the msgId and keys. Default: false' },
    ],
    async run(ctx) {
      const r = await sendMessage(ctx.admin(), {
        topic: ctx.req('t'), body: ctx.req('p'), keys: ctx.str('k'), tags: ctx.str('c'), brokerName: ctx.str('b'), queueId: ctx.int('i'),
        msgTraceEnable: ctx.bool('m') === true,
      });
      ctx.printf('%-32s  %-4s  %-20s    %s%n', '#Broker Name', '#QID', '#Send Result', '#MsgId');
      ctx.printf('%-32s  %-4s  %-20s    %s%n', r.messageQueue.brokerName, r.messageQueue.queueId, r.sendStatus, r.msgId);
    },
  },
  {
    name: 'consumeMessage',
    desc: 'Read messages of a topic (or one queue, from an offset or a time range) without committing',
    group: 'Message',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'b', long: 'brokerName', arg: true, desc: 'broker name' },
      { short: 'i', long: 'queueId', arg: true, desc: 'queue id (needs -b)' },
      { short: 'o', long: 'offset', arg: true, desc: 'start offset (needs -i)' },
      { short: 'g', long: 'consumerGroup', arg: true, desc: 'consumer group name' },
      { short: 's', long: 'beginTimestamp', arg: true, desc: 'begin time: currentTimeMillis | yyyy-MM-dd#HH:mm:ss:SSS' },
      { short: 'e', long: 'endTimestamp', arg: true, desc: 'end time: currentTimeMillis | yyyy-MM-dd#HH:mm:ss:SSS' },
      { short: 'd', long: 'end', arg: true, desc: 'same as -e (the letter the seed guides give)' },
      { short: 'c', long: 'MessageNumber', arg: true, desc: 'how many messages (default 128)' },
    ],
    async run(ctx) {
      const events = await consumeMessage(ctx.admin(), {
        topic: ctx.req('t'), brokerName: ctx.str('b'), queueId: ctx.int('i'), offset: ctx.int('o'), group: ctx.str('g'),
        begin: timestampOption(ctx, 's'), end: timestampOption(ctx, 'e') ?? timestampOption(ctx, 'd'), count: ctx.int('c'),
      });
      const decode = decoder('UTF-8');
      for (const e of events) {
        if (e.kind === 'notice') ctx.printf('%s%n', e.text);
        else printPullEvent(ctx, e.event, decode, true, true);
      }
    },
  },
  {
    name: 'printMsg',
    desc: 'Print every message of a topic, optionally filtered by tag and time',
    group: 'Message',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'c', long: 'charsetName', arg: true, desc: 'body charset, e.g. UTF-8 (default), GBK' },
      { short: 's', long: 'subExpression', arg: true, desc: 'tag filter, e.g. TagA || TagB' },
      { short: 'b', long: 'beginTimestamp', arg: true, desc: 'begin time: currentTimeMillis | yyyy-MM-dd#HH:mm:ss:SSS' },
      { short: 'e', long: 'endTimestamp', arg: true, desc: 'end time: currentTimeMillis | yyyy-MM-dd#HH:mm:ss:SSS' },
      { short: 'd', long: 'printBody', arg: true, desc: 'print bodies: true (default) | false' },
    ],
    async run(ctx) {
      const decode = decoder(ctx.str('c') ?? 'UTF-8');
      const printBody = !ctx.has('d') || ctx.bool('d') === true;
      const dumps = await printMsg(ctx.admin(), { topic: ctx.req('t'), subExpression: ctx.str('s'), begin: timestampOption(ctx, 'b'), end: timestampOption(ctx, 'e') });
      for (const q of dumps) {
        ctx.printf('minOffset=%s, maxOffset=%s, %s%n', q.minOffset, q.maxOffset, mqString(q.mq));
        for (const e of q.events) printPullEvent(ctx, e, decode, printBody, false);
        ctx.print('--------------------------------------------------------\n');
      }
    },
  },
  {
    name: 'printMsgByQueue',
    desc: 'Print the messages of one queue, optionally counting them by tag',
    group: 'Message',
    options: [
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 'a', long: 'brokerName', arg: true, desc: 'broker name', required: true },
      { short: 'i', long: 'queueId', arg: true, desc: 'queue id', required: true },
      { short: 'c', long: 'charsetName', arg: true, desc: 'body charset, e.g. UTF-8 (default), GBK' },
      { short: 's', long: 'subExpression', arg: true, desc: 'tag filter, e.g. TagA || TagB' },
      { short: 'b', long: 'beginTimestamp', arg: true, desc: 'begin time: currentTimeMillis | yyyy-MM-dd#HH:mm:ss:SSS' },
      { short: 'e', long: 'endTimestamp', arg: true, desc: 'end time: currentTimeMillis | yyyy-MM-dd#HH:mm:ss:SSS' },
      { short: 'p', long: 'printMsg', arg: true, desc: 'print the messages: true | false (default)' },
      { short: 'd', long: 'printBody', arg: true, desc: 'print bodies: true | false (default)' },
      { short: 'f', long: 'calculate', arg: true, desc: 'count messages by tag: true | false (default)' },
    ],
    async run(ctx) {
      const decode = decoder(ctx.str('c') ?? 'UTF-8');
      const r = await printMsgByQueue(ctx.admin(), {
        topic: ctx.req('t'), brokerName: ctx.req('a'), queueId: ctx.int('i') ?? 0, subExpression: ctx.str('s'),
        begin: timestampOption(ctx, 'b'), end: timestampOption(ctx, 'e'),
      });
      if (ctx.bool('p') === true) printMessages(ctx, r.messages, decode, ctx.bool('d') === true);
      if (ctx.bool('f') === true) for (const [tag, count] of r.tagCounts) ctx.printf('Tag: %-30s Count: %s%n', tag, count);
    },
  },
  {
    name: 'resetOffsetByTime',
    desc: 'Move a group\'s offsets on a topic to a point in time (consumers follow without restart)',
    group: 'Message',
    options: [
      { short: 'g', long: 'group', arg: true, desc: 'consumer group', required: true },
      { short: 't', long: 'topic', arg: true, desc: 'topic name', required: true },
      { short: 's', long: 'timestamp', arg: true, desc: 'now | currentTimeMillis | yyyy-MM-dd#HH:mm:ss:SSS', required: true },
      { short: 'f', long: 'force', arg: true, desc: 'true (default): any direction; false: only backwards' },
      { short: 'c', long: 'cplus', arg: false, desc: 'consumers are C++ clients: the request goes as language CPP and the broker sends them the offsets as a list (ResetOffsetBodyForC)' },
    ],
    async run(ctx) {
      const group = ctx.req('g');
      const topic = ctx.req('t');
      const text = ctx.req('s');
      const timestamp = parseTimestamp(text);
      const force = ctx.has('f') ? ctx.bool('f') === true : true;
      const r = await resetOffsetByTime(ctx.admin(), { group, topic, timestamp, force, cplus: ctx.has('c') });
      if (r.mode === 'online') {
        ctx.printf('rollback consumer offset by specified group[%s], topic[%s], force[%s], timestamp(string)[%s], timestamp(long)[%s]%n', group, topic, force, text, timestamp);
        ctx.printf('%-40s  %-40s  %-40s%n', '#brokerName', '#queueId', '#offset');
        for (const [mq, offset] of r.offsets) ctx.printf('%-40s  %-40d  %-40d%n', front(mq.brokerName, 32), mq.queueId, offset);
        return;
      }
      ctx.printf('rollback consumer offset by specified consumerGroup[%s], topic[%s], force[%s], timestamp(string)[%s], timestamp(long)[%s]%n', group, topic, force, text, timestamp);
      ctx.printf('%-20s  %-20s  %-20s  %-20s  %-20s  %-20s%n', '#brokerName', '#queueId', '#brokerOffset', '#consumerOffset', '#timestampOffset', '#rollbackOffset');
      for (const s of r.rollback) {
        ctx.printf('%-20s  %-20d  %-20d  %-20d  %-20d  %-20d%n', front(s.brokerName, 32), s.queueId, s.brokerOffset, s.consumerOffset, s.timestampOffset, s.rollbackOffset);
      }
    },
  },
];
