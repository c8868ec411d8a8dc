// Bad bytes on the wire, against real NameServer and broker processes: each gets a clear error answer or a
// closed connection (that one connection only), the process logs what was wrong, another connection keeps
// being served meanwhile, and the process is still up at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, type RemotingCommand } from '../../src/protocol/command.js';
import { encodeCommand } from '../../src/protocol/frame.js';
import { TestCluster, type BrokerHandle, type NamesrvHandle, type ServerProcess } from '../support/cluster.js';
import { Code, WireClient, createTopic, describeResponse, getRoute, pullMessage, sendMessage, Resp } from '../support/wire.js';
import { decodeStoredMessages } from '../support/stored-message.js';
import { waitFor } from '../support/wait.js';

const TOPIC = 'BadInputTopic';

/** A frame from parts: length | serializeType<<24 | headerLength | header | body. */
function rawFrame(serializeType: number, header: Buffer, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(4 + header.length + body.length, 0);
  head.writeUInt32BE(((serializeType << 24) | header.length) >>> 0, 4);
  return Buffer.concat([head, header, body]);
}

interface Outcome {
  closed: boolean;
  response?: RemotingCommand;
}

/** Writes `bytes` on a fresh connection; resolves once the server closed it or answered anything. */
async function sendBad(addr: string, bytes: Buffer, what: string): Promise<Outcome> {
  const conn = await WireClient.connect(addr);
  try {
    conn.write(bytes);
    await waitFor(() => conn.isClosed || conn.unmatchedResponses.length > 0, {
      timeoutMs: 5000,
      what: `${addr} to answer or close the connection after ${what}`,
    });
    return { closed: conn.isClosed, response: conn.unmatchedResponses[0] };
  } finally {
    conn.close();
  }
}

/** Sends a well-formed request with a header problem; it must be answered (connection kept) with SYSTEM_ERROR. */
async function sendBadHeader(addr: string, request: RemotingCommand): Promise<RemotingCommand> {
  const conn = await WireClient.connect(addr);
  try {
    return await conn.invoke(request, 5000);
  } finally {
    conn.close();
  }
}

function logSince(read: () => string, since: number): string {
  return read().slice(since);
}

/** Waits for a line, written after `since`, that matches every pattern. */
async function expectLogLine(proc: ServerProcess, file: string, since: number, patterns: RegExp[], what: string): Promise<string> {
  return waitFor(() => logSince(() => proc.readLog(file), since).split('\n').find((line) => patterns.every((p) => p.test(line))), {
    timeoutMs: 5000,
    what: () => `a line in ${file} saying ${what} (matching ${patterns.join(' and ')}); new lines:\n${logSince(() => proc.readLog(file), since).slice(-3000)}`,
  });
}

describe('bad input to the broker and the NameServer', () => {
  let cluster: TestCluster | undefined;
  let namesrv: NamesrvHandle;
  let broker: BrokerHandle;
  let brokerGood: WireClient;
  let namesrvGood: WireClient;
  let healthRound = 0;

  before(async () => {
    cluster = TestCluster.create('badinput');
    namesrv = await cluster.startNamesrv();
    broker = await cluster.startBroker({ name: 'broker-bad' });
    brokerGood = await WireClient.connect(broker.addr);
    namesrvGood = await WireClient.connect(namesrv.addr);
    await createTopic(brokerGood, TOPIC, { readQueueNums: 1, writeQueueNums: 1 });
    await waitFor(() => getRoute(namesrvGood, TOPIC), { timeoutMs: 10_000, what: `the NameServer to route ${TOPIC}` });
  });

  after(async () => {
    brokerGood?.close();
    namesrvGood?.close();
    await cluster?.shutdown();
  });

  /** The long-lived connections still work: a send and a pull on the broker, a route lookup on the NameServer. */
  async function assertStillServing(): Promise<void> {
    const body = `health check ${++healthRound}`;
    const sent = await sendMessage(brokerGood, { topic: TOPIC, queueId: 0, body, keys: `health-${healthRound}` });
    assert.equal(sent.code, Resp.SUCCESS, `send on the healthy connection: ${describeResponse(sent)}`);
    const offset = Number(sent.extFields.queueOffset);
    const pulled = await pullMessage(brokerGood, { group: 'bad_input_health', topic: TOPIC, queueId: 0, offset, maxMsgNums: 1 });
    assert.equal(pulled.code, Resp.SUCCESS, `pull on the healthy connection: ${describeResponse(pulled)}`);
    assert.equal(decodeStoredMessages(pulled.body)[0]?.body.toString('utf8'), body);
    const route = await getRoute(namesrvGood, TOPIC);
    assert.ok(route?.brokerDatas.some((b) => b.brokerName === broker.name), 'route lookup on the healthy NameServer connection');
    assert.ok(broker.proc.running, `the broker died:\n${broker.proc.describe()}`);
    assert.ok(namesrv.proc.running, `the NameServer died:\n${namesrv.proc.describe()}`);
  }

  const targets = [
    { name: 'broker', file: 'broker.log', addr: () => broker.addr, proc: () => broker.proc },
    { name: 'NameServer', file: 'namesrv.log', addr: () => namesrv.addr, proc: () => namesrv.proc },
  ] as const;

  for (const t of targets) {
    it(`${t.name}: garbage bytes (an HTTP request) close that connection and are logged`, async () => {
      const since = t.proc().readLog(t.file).length;
      const outcome = await sendBad(t.addr(), Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'), 'an HTTP request');
      // "GET " read as a length is 1195725856: far beyond the 16 MiB frame limit.
      assert.ok(outcome.closed, `connection not closed; got ${outcome.response ? describeResponse(outcome.response) : 'nothing'}`);
      await expectLogLine(t.proc(), t.file, since, [/frame|length/i, /exceed|too (large|big|long)|max/i], 'the frame length is too large');
      await assertStillServing();
    });

    it(`${t.name}: a 2 GiB length prefix closes the connection at once (nothing is buffered)`, async () => {
      const since = t.proc().readLog(t.file).length;
      const bytes = Buffer.alloc(64, 0x41);
      bytes.writeUInt32BE(0x80000000, 0);
      const outcome = await sendBad(t.addr(), bytes, 'a 2 GiB length prefix');
      assert.ok(outcome.closed, `connection not closed; got ${outcome.response ? describeResponse(outcome.response) : 'nothing'}`);
      await expectLogLine(t.proc(), t.file, since, [/frame|length/i, /exceed|too (large|big|long)|max/i], 'the frame length is too large');
      await assertStillServing();
    });

    it(`${t.name}: a header length beyond the frame is refused`, async () => {
      const since = t.proc().readLog(t.file).length;
      const bytes = Buffer.alloc(16);
      bytes.writeUInt32BE(12, 0); // 12 bytes follow...
      bytes.writeUInt32BE(1000, 4); // ...but the JSON header claims 1000
      bytes.write('{"code"', 8);
      const outcome = await sendBad(t.addr(), bytes, 'a header length of 1000 in a 12-byte frame');
      assert.ok(outcome.closed || (outcome.response && outcome.response.code !== Resp.SUCCESS), 'neither closed nor an error answer');
      await expectLogLine(t.proc(), t.file, since, [/header/i, /length|exceed/i], 'the header length exceeds the frame');
      await assertStillServing();
    });

    it(`${t.name}: an unknown serialize type is refused`, async () => {
      const since = t.proc().readLog(t.file).length;
      const outcome = await sendBad(t.addr(), rawFrame(0x7f, Buffer.from('{"code":34,"opaque":1,"flag":0}')), 'serialize type 127');
      assert.ok(outcome.closed || (outcome.response && outcome.response.code !== Resp.SUCCESS), 'neither closed nor an error answer');
      await expectLogLine(t.proc(), t.file, since, [/serializ/i], 'the serialize type is unknown');
      await assertStillServing();
    });

    it(`${t.name}: a header that is not JSON is refused`, async () => {
      const since = t.proc().readLog(t.file).length;
      const outcome = await sendBad(t.addr(), rawFrame(0, Buffer.from('{this is not json at all')), 'a non-JSON header');
      assert.ok(outcome.closed || (outcome.response && outcome.response.code !== Resp.SUCCESS), 'neither closed nor an error answer');
      await expectLogLine(t.proc(), t.file, since, [/JSON/], 'the header is not JSON');
      await assertStillServing();
    });
  }

  it('broker: PULL_MESSAGE without consumerGroup gets SYSTEM_ERROR naming the field, and a log line', async () => {
    const since = broker.readLog().length;
    const res = await sendBadHeader(
      broker.addr,
      createRequest(Code.PULL_MESSAGE, {
        topic: TOPIC, queueId: '0', queueOffset: '0', maxMsgNums: '1', sysFlag: '4', commitOffset: '0',
        suspendTimeoutMillis: '0', subscription: '*', subVersion: '0',
      }),
    );
    assert.equal(res.code, Resp.SYSTEM_ERROR, describeResponse(res));
    assert.match(res.remark ?? '', /consumerGroup/);
    await expectLogLine(broker.proc, 'broker.log', since, [/consumerGroup/], 'consumerGroup is missing');
    await assertStillServing();
  });

  it('broker: PULL_MESSAGE with queueId "abc" gets SYSTEM_ERROR naming the field, and a log line', async () => {
    const since = broker.readLog().length;
    const res = await sendBadHeader(
      broker.addr,
      createRequest(Code.PULL_MESSAGE, {
        consumerGroup: 'bad_input_group', topic: TOPIC, queueId: 'abc', queueOffset: '0', maxMsgNums: '1', sysFlag: '4',
        commitOffset: '0', suspendTimeoutMillis: '0', subscription: '*', subVersion: '0',
      }),
    );
    assert.equal(res.code, Resp.SYSTEM_ERROR, describeResponse(res));
    assert.match(res.remark ?? '', /queueId/);
    await expectLogLine(broker.proc, 'broker.log', since, [/queueId/, /abc/], 'queueId "abc" is not a number');
    await assertStillServing();
  });

  it('broker: an unknown request code gets REQUEST_CODE_NOT_SUPPORTED and the connection stays usable', async () => {
    const conn = await WireClient.connect(broker.addr);
    try {
      const res = await conn.invoke(createRequest(9999, {}), 5000);
      assert.equal(res.code, Resp.REQUEST_CODE_NOT_SUPPORTED, describeResponse(res));
      assert.match(res.remark ?? '', /9999/);
      const ok = await conn.invoke(createRequest(Code.GET_MAX_OFFSET, { topic: TOPIC, queueId: '0' }), 5000);
      assert.equal(ok.code, Resp.SUCCESS, `same connection after the unknown code: ${describeResponse(ok)}`);
    } finally {
      conn.close();
    }
  });

  it('NameServer: GET_ROUTEINFO_BY_TOPIC without topic gets SYSTEM_ERROR naming the field, and a log line', async () => {
    const since = namesrv.readLog().length;
    const res = await sendBadHeader(namesrv.addr, createRequest(Code.GET_ROUTEINFO_BY_TOPIC, {}));
    assert.equal(res.code, Resp.SYSTEM_ERROR, describeResponse(res));
    assert.match(res.remark ?? '', /topic/);
    await expectLogLine(namesrv.proc, 'namesrv.log', since, [/topic/, /null|missing|required/i], 'topic is missing');
    await assertStillServing();
  });

  it('NameServer: UNREGISTER_BROKER with brokerId "abc" gets SYSTEM_ERROR naming the field, and a log line', async () => {
    const since = namesrv.readLog().length;
    const res = await sendBadHeader(
      namesrv.addr,
      createRequest(104, { brokerName: 'no-such-broker', brokerAddr: '127.0.0.1:1', clusterName: 'TestCluster', brokerId: 'abc' }),
    );
    assert.equal(res.code, Resp.SYSTEM_ERROR, describeResponse(res));
    assert.match(res.remark ?? '', /brokerId/);
    await expectLogLine(namesrv.proc, 'namesrv.log', since, [/brokerId/, /abc/], 'brokerId "abc" is not a number');
    await assertStillServing();
  });

  it('a frame split into single bytes is still served (the decoder reassembles it)', async () => {
    const conn = await WireClient.connect(broker.addr);
    try {
      const req = createRequest(Code.GET_MAX_OFFSET, { topic: TOPIC, queueId: '0' });
      const bytes = encodeCommand(req);
      const answer = conn.invokeRaw(req.opaque, Buffer.alloc(0), 5000, 'GET_MAX_OFFSET sent byte by byte');
      for (const b of bytes) conn.write(Buffer.from([b]));
      const res = await answer;
      assert.equal(res.code, Resp.SUCCESS, describeResponse(res));
    } finally {
      conn.close();
    }
  });

  it('both processes are still up and accept new connections', async () => {
    await assertStillServing();
    const fresh = await WireClient.connect(broker.addr);
    const res = await fresh.invoke(createRequest(Code.GET_MAX_OFFSET, { topic: TOPIC, queueId: '0' }));
    fresh.close();
    assert.equal(res.code, Resp.SUCCESS, describeResponse(res));
    assert.ok(Number(res.extFields.offset) >= healthRound, `max offset ${res.extFields.offset} < ${healthRound} health sends`);
    assert.equal(broker.proc.stderr.match(/uncaught|unhandled/i), null, `broker stderr:\n${broker.proc.stderr}`);
    assert.equal(namesrv.proc.stderr.match(/uncaught|unhandled/i), null, `namesrv stderr:\n${namesrv.proc.stderr}`);
  });
});
