// mqtools against a real NameServer and broker, each its own process (mqnamesrv, mqbroker -c FILE): the
// quickstart producer and consumer, the benchmark producer and consumer, and argument errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, type NamesrvHandle } from '../support/cluster.js';
import { describeRun, runTool } from './run-tool.js';

const RUN_TIMEOUT_MS = 60_000;
const SEND_RESULT = /^SendResult \[sendStatus=SEND_OK, msgId=([0-9A-F]{32}), offsetMsgId=([0-9A-F]{32}), messageQueue=MessageQueue \[topic=(\S+), brokerName=(\S+), queueId=(\d+)\], queueOffset=(\d+)\]$/;
const MESSAGE_LINE = /^msgId=([0-9A-F]{32}) queue=MessageQueue \[topic=(\S+), brokerName=(\S+), queueId=(\d+)\] queueOffset=(\d+) tags=(\S*) keys=(.*) reconsumeTimes=0 bornTime=\d+ body=(.*)$/;

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

function resultJson(stdout: string): Record<string, unknown> {
  const line = lines(stdout).find((l) => l.startsWith('BENCHMARK_RESULT '));
  assert.ok(line, `no BENCHMARK_RESULT line in:\n${stdout}`);
  return JSON.parse(line.slice('BENCHMARK_RESULT '.length)) as Record<string, unknown>;
}

describe('mqtools against mqnamesrv + mqbroker processes', () => {
  let cluster: TestCluster | undefined;
  let namesrv: NamesrvHandle;

  before(async () => {
    cluster = TestCluster.create('mqtools');
    namesrv = await cluster.startNamesrv();
    await cluster.startBroker({ name: 'broker-tools' });
  });

  after(async () => {
    await cluster?.shutdown();
  });

  it('producer -c 20 prints 20 SendResults in Java\'s layout; consumer -c 20 prints those 20 messages', async () => {
    const topic = `ToolsQuick_${process.pid}`;
    const pArgs = ['producer', '-n', namesrv.addr, '-t', topic, '-c', '20', '-k', 'order-1 order-2'];
    const produced = await runTool(pArgs, RUN_TIMEOUT_MS);
    assert.equal(produced.code, 0, describeRun(pArgs, produced));
    const results = lines(produced.stdout).map((l) => l.match(SEND_RESULT));
    assert.equal(results.length, 20, describeRun(pArgs, produced));
    const sentIds = new Set<string>();
    for (const m of results) {
      assert.ok(m, `not a SendResult line:\n${produced.stdout}`);
      assert.equal(m[3], topic);
      assert.equal(m[4], 'broker-tools');
      sentIds.add(m[1]!);
    }
    assert.equal(sentIds.size, 20);

    // NAMESRV_ADDR instead of -n, as RocketMQ's tools read it.
    const cArgs = ['consumer', '-g', `tools_quick_${process.pid}`, '-t', topic, '-c', '20'];
    const consumed = await runTool(cArgs, RUN_TIMEOUT_MS, { NAMESRV_ADDR: namesrv.addr });
    assert.equal(consumed.code, 0, describeRun(cArgs, consumed));
    const msgs = lines(consumed.stdout).map((l) => l.match(MESSAGE_LINE));
    assert.equal(msgs.length, 20, describeRun(cArgs, consumed));
    const bodies = new Set<string>();
    for (const m of msgs) {
      assert.ok(m, `not a message line:\n${consumed.stdout}`);
      assert.ok(sentIds.has(m[1]!), `msgId ${m[1]} was not sent`);
      assert.equal(m[2], topic);
      assert.equal(m[6], 'TagA');
      assert.equal(m[7], 'order-1 order-2');
      bodies.add(m[8]!);
    }
    assert.deepEqual([...bodies].sort(), Array.from({ length: 20 }, (_, i) => `Hello RocketMQ ${i}`).sort());
    assert.match(consumed.stderr, /Consumer Started/);
  });

  it('consumer -c stops after the count; messages beyond it are delivered to the group next time', async () => {
    const topic = `ToolsCount_${process.pid}`;
    const group = `tools_count_${process.pid}`;
    const pArgs = ['producer', '-n', namesrv.addr, '-t', topic, '-c', '6', '-b', 'same body', '--tag', 'TagB'];
    const produced = await runTool(pArgs, RUN_TIMEOUT_MS);
    assert.equal(produced.code, 0, describeRun(pArgs, produced));
    const seen: string[] = [];
    for (const count of [4, 2]) {
      const args = ['consumer', '-n', namesrv.addr, '-g', group, '-t', topic, '-e', 'TagA || TagB', '-c', String(count)];
      const r = await runTool(args, RUN_TIMEOUT_MS);
      assert.equal(r.code, 0, describeRun(args, r));
      const got = lines(r.stdout).map((l) => l.match(MESSAGE_LINE));
      assert.equal(got.length, count, describeRun(args, r));
      for (const m of got) {
        assert.ok(m);
        assert.equal(m[8], 'same body');
        seen.push(m[1]!);
      }
    }
    const sent = lines(produced.stdout).map((l) => l.match(SEND_RESULT)![1]!);
    assert.deepEqual([...seen].sort(), [...sent].sort());
  });

  it('benchmark producer for 2 s prints window lines and a summary with TPS > 0 and no failures; benchmark consumer drains them', async () => {
    const topic = `ToolsBench_${process.pid}`;
    const args = ['benchmark', 'producer', '-n', namesrv.addr, '-t', topic, '-w', '4', '-s', '256', '--duration', '2', '--report-interval', '1', '--json'];
    const r = await runTool(args, RUN_TIMEOUT_MS);
    assert.equal(r.code, 0, describeRun(args, r));
    assert.match(r.stdout, /Current Time: \S+ \S+ Send TPS: \d+ Max RT\(ms\): [\d.]+ Average RT\(ms\): [\d.]+ Send Failed: 0/);
    assert.match(r.stdout, /\[Complete\] Send Total: \d+ Send Failed: 0 Elapsed\(s\): [\d.]+ Send TPS: [\d,]+ Average RT\(ms\): [\d.]+ Max RT\(ms\): [\d.]+/);
    const result = resultJson(r.stdout);
    assert.equal(result.failed, 0, describeRun(args, r));
    assert.ok((result.tps as number) > 0 && (result.sent as number) > 0, describeRun(args, r));
    assert.ok((result.elapsedSec as number) >= 1.9 && (result.elapsedSec as number) < 10, describeRun(args, r));
    assert.ok((result.avgRtMs as number) > 0 && (result.maxRtMs as number) >= (result.avgRtMs as number));

    const sent = result.sent as number;
    const cArgs = ['benchmark', 'consumer', '-n', namesrv.addr, '-t', topic, '-g', `tools_bench_${process.pid}`, '--from', 'first',
      '-c', String(sent), '--report-interval', '0', '--json'];
    const c = await runTool(cArgs, RUN_TIMEOUT_MS);
    assert.equal(c.code, 0, describeRun(cArgs, c));
    const consumed = resultJson(c.stdout);
    assert.ok((consumed.received as number) >= sent, describeRun(cArgs, c));
    assert.ok((consumed.drainSec as number) > 0 && (consumed.tps as number) > 0, describeRun(cArgs, c));
    assert.match(c.stdout, new RegExp(`Drained ${sent} messages in [\\d.]+ s`));
  });

  it('bad arguments are one-line errors naming the option', async () => {
    const r = await runTool(['producer', '-c', 'abc'], RUN_TIMEOUT_MS);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--count must be an integer in 1\.\.\d+, got "abc"/);
    const from = await runTool(['consumer', '--from', 'middle'], RUN_TIMEOUT_MS);
    assert.equal(from.code, 1);
    assert.match(from.stderr, /--from must be last, first or timestamp, got "middle"/);
  });

  it('producer against a NameServer that is not there fails with exit code 1 and says why', async () => {
    const args = ['producer', '-n', '127.0.0.1:1', '-c', '1'];
    const r = await runTool(args, RUN_TIMEOUT_MS);
    assert.equal(r.code, 1, describeRun(args, r));
    assert.match(r.stderr, /send #0 failed|mqtools:/);
  });
});
