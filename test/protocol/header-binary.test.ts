import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/common/errors.js';
import { SerializeType, type RemotingCommand } from '../../src/protocol/command.js';
import { binaryHeaderLength, decodeBinaryHeader, encodeBinaryHeader } from '../../src/protocol/header-binary.js';
import { readFixture } from '../support/fixtures.js';

const protocolError = (pattern: RegExp) => (err: unknown) =>
  err instanceof ProtocolError && pattern.test(err.message);

function headerOf(file: string): Buffer {
  const frame = readFixture('frames', file);
  return frame.subarray(8, 8 + (frame.readUInt32BE(4) & 0xffffff));
}

const routeRequest = headerOf('105-GET_ROUTEINFO_BY_TOPIC.rocketmq-serialize.request.bin');
const sendResponse = headerOf('310-SEND_MESSAGE_V2.rocketmq-serialize.response.bin');

test('decodes the captured binary GET_ROUTEINFO request header', () => {
  assert.deepEqual(decodeBinaryHeader(routeRequest), {
    code: 105,
    language: 'JAVA',
    version: 409,
    opaque: 0,
    flag: 0,
    remark: undefined,
    extFields: { topic: 'TBW102' },
    serializeType: SerializeType.ROCKETMQ,
  });
});

test('encodes the captured binary headers byte for byte, keeping extFields order', () => {
  for (const header of [routeRequest, sendResponse]) {
    const cmd = decodeBinaryHeader(header) as RemotingCommand;
    assert.equal(binaryHeaderLength(cmd), header.length);
    assert.ok(encodeBinaryHeader(cmd).equals(header));
  }
  assert.deepEqual(Object.keys(decodeBinaryHeader(sendResponse).extFields), [
    'msgId', 'queueId', 'queueOffset', 'TRACE_ON', 'MSG_REGION',
  ]);
});

test('language codes map to names both ways; an unknown code reads as OTHER', () => {
  const cmd = { ...decodeBinaryHeader(routeRequest), language: 'GO' } as RemotingCommand;
  const bytes = encodeBinaryHeader(cmd);
  assert.equal(bytes[2], 9);
  assert.equal(decodeBinaryHeader(bytes).language, 'GO');
  bytes[2] = 200;
  assert.equal(decodeBinaryHeader(bytes).language, 'OTHER');
});

test('remark and multibyte text round-trip; an empty remark is absent', () => {
  const cmd: RemotingCommand = {
    code: 1, language: 'JAVA', version: 409, opaque: -5, flag: 1, remark: 'früh 失败',
    extFields: { 'kéy': 'välue', empty: '' }, serializeType: SerializeType.ROCKETMQ,
  };
  assert.deepEqual(decodeBinaryHeader(encodeBinaryHeader(cmd)), cmd);
  assert.equal(decodeBinaryHeader(encodeBinaryHeader({ ...cmd, remark: '' })).remark, undefined);
});

test('truncated or inconsistent binary headers name the field and offset', () => {
  assert.throws(() => decodeBinaryHeader(routeRequest.subarray(0, 3)), protocolError(/version needs 2 bytes at offset 3/));
  const longRemark = Buffer.from(routeRequest);
  longRemark.writeInt32BE(1000, 13);
  assert.throws(() => decodeBinaryHeader(longRemark), protocolError(/remark needs 1000 bytes at offset 17/));
  const negative = Buffer.from(routeRequest);
  negative.writeInt32BE(-1, 13);
  assert.throws(() => decodeBinaryHeader(negative), protocolError(/remark needs -1 bytes/));
  const longExt = Buffer.from(routeRequest);
  longExt.writeInt32BE(100, 17);
  assert.throws(() => decodeBinaryHeader(longExt), protocolError(/extFields needs 100 bytes at offset 21/));
  const longValue = Buffer.from(routeRequest);
  longValue.writeInt32BE(99, 28);
  assert.throws(() => decodeBinaryHeader(longValue), protocolError(/extFields value of "topic" needs 99 bytes/));
  const shortExt = Buffer.from(routeRequest);
  shortExt.writeInt32BE(10, 17);
  assert.throws(() => decodeBinaryHeader(shortExt), protocolError(/"topic" runs past the extFields area/));
});
