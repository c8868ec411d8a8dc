// Message ids against ids captured from Apache RocketMQ 4.9.8 (send responses, UNIQ_KEY properties).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/common/errors.js';
import {
  bytesToHost,
  createOffsetMsgId,
  createUniqId,
  decodeOffsetMsgId,
  decodeUniqId,
  hostToBytes,
  monthStart,
  uniqIdPrefix,
} from '../../src/protocol/message-id.js';
import { readFixture } from '../support/fixtures.js';

const broker = { host: '127.0.0.2', port: 10911 };

function sendResponseMsgId(name: string): string {
  const frame = readFixture('frames', name);
  const headerLength = frame.readInt32BE(4) & 0xffffff;
  const header = JSON.parse(frame.toString('utf8', 8, 8 + headerLength)) as { extFields: Record<string, string> };
  return header.extFields.msgId!;
}

test('offsetMsgId matches the ids in captured SEND responses', () => {
  assert.equal(createOffsetMsgId(broker, 0), sendResponseMsgId('310-SEND_MESSAGE_V2.response.bin'));
  assert.equal(createOffsetMsgId(broker, 256), sendResponseMsgId('310-SEND_MESSAGE_V2.compressed.response.bin'));
  assert.equal(createOffsetMsgId(broker, 1152), sendResponseMsgId('310-SEND_MESSAGE_V2.delay.response.bin'));
  assert.equal(
    [1450, 1698, 1946].map((o) => createOffsetMsgId(broker, o)).join(','),
    sendResponseMsgId('320-SEND_BATCH_MESSAGE.response.bin'),
  );
  assert.equal(createOffsetMsgId(broker, 1105368), '7F00000200002A9F000000000010DDD8');
});

test('decodeOffsetMsgId: IPv4 (32 hex) and IPv6 (56 hex), lowercase accepted', () => {
  assert.deepEqual(decodeOffsetMsgId('7F00000200002A9F000000000010DDD8'), { host: broker, commitLogOffset: 1105368 });
  assert.deepEqual(decodeOffsetMsgId('7f00000100002a9f0000000000034b52'), {
    host: { host: '127.0.0.1', port: 10911 },
    commitLogOffset: 0x34b52,
  });
  const v6 = createOffsetMsgId({ host: 'fd00::2', port: 10911 }, 2 ** 45);
  assert.equal(v6.length, 56);
  assert.equal(v6, 'FD00000000000000000000000000000200002A9F0000200000000000');
  assert.deepEqual(decodeOffsetMsgId(v6), { host: { host: 'fd00::2', port: 10911 }, commitLogOffset: 2 ** 45 });
});

test('decodeOffsetMsgId: bad ids are ProtocolErrors naming the id', () => {
  assert.throws(() => decodeOffsetMsgId('7F000002'), (e: Error) => e instanceof ProtocolError && /"7F000002"/.test(e.message));
  assert.throws(() => decodeOffsetMsgId('Z'.repeat(32)), /32 or 56 hex/);
  assert.throws(() => decodeOffsetMsgId('7F00000200002A9FFFFFFFFFFFFFFFFF'), /outside 0..2\^53/);
});

test('host literals: IPv4, IPv6 forms, RFC 5952 text, malformed input', () => {
  assert.deepEqual([...hostToBytes('10.1.2.3')], [10, 1, 2, 3]);
  const cases: Array<[string, string]> = [
    ['::1', '::1'],
    ['::', '::'],
    ['FD00:0:0:0:0:0:0:2', 'fd00::2'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:1.2.3.4', '::ffff:102:304'],
    ['fe80::1%eth0', 'fe80::1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
  ];
  for (const [input, text] of cases) assert.equal(bytesToHost(hostToBytes(input), 0, 16), text, input);
  for (const bad of ['', '1.2.3', '256.1.1.1', '01.1.1.1x', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'host.example']) {
    assert.throws(() => hostToBytes(bad), ProtocolError, bad);
  }
});

test('UNIQ_KEY: the captured Java id decodes, and our generator rebuilds it from its parts', () => {
  const captured = 'FD0000000000000000000000000000024A805FFD2B276A3087580000';
  const parts = decodeUniqId(captured);
  assert.deepEqual(parts, { host: 'fd00::2', pid: 0x4a80, salt: 0x5ffd2b27, msSinceMonthStart: 0x6a308758, counter: 0 });
  const now = monthStart(Date.UTC(2026, 10, 15)) + parts.msSinceMonthStart;
  assert.equal(createUniqId(uniqIdPrefix('fd00::2', 0x4a80, 0x5ffd2b27), now, 0), captured);
  assert.equal(createUniqId(uniqIdPrefix('fd00::2', 0x4a80, 0x5ffd2b27), now, 2).slice(-4), '0002');
});

test('UNIQ_KEY for an IPv4 client is 32 hex chars; the counter wraps at 16 bits', () => {
  const id = createUniqId(uniqIdPrefix('192.0.2.2', 0x12345, -1), Date.UTC(2026, 0, 2), 0x10001);
  assert.equal(id.length, 32);
  const parts = decodeUniqId(id);
  assert.equal(parts.host, '192.0.2.2');
  assert.equal(parts.pid, 0x2345);
  assert.equal(parts.salt, -1);
  assert.equal(parts.counter, 1);
  assert.equal(parts.msSinceMonthStart, Date.UTC(2026, 0, 2) - monthStart(Date.UTC(2026, 0, 2)));
});
