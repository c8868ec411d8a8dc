import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/common/errors.js';
import { createResponse, SerializeType, type RemotingCommand } from '../../src/protocol/command.js';
import { decodeCommand, encodeCommand, encodeCommandHead, FrameDecoder } from '../../src/protocol/frame.js';
import { readFixture } from '../support/fixtures.js';

const send = readFixture('frames', '310-SEND_MESSAGE_V2.request.bin');
const pull = readFixture('frames', '11-PULL_MESSAGE.response.found.bin');
const binary = readFixture('frames', '310-SEND_MESSAGE_V2.rocketmq-serialize.request.bin');

function frameWith(length: number, headerLenAndType: number, rest: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(length >>> 0, 0);
  b.writeUInt32BE(headerLenAndType >>> 0, 4);
  return Buffer.concat([b, rest]);
}

const protocolError = (pattern: RegExp) => (err: unknown) =>
  err instanceof ProtocolError && pattern.test(err.message);

test('decoder: several whole frames in one chunk come back as views of that chunk', () => {
  const stream = Buffer.concat([send, pull, binary]);
  const frames = new FrameDecoder().push(stream);
  assert.equal(frames.length, 3);
  assert.ok(frames[0].equals(send) && frames[1].equals(pull) && frames[2].equals(binary));
  assert.equal(frames[1].buffer, stream.buffer, 'no copy');
  assert.equal(frames[1].byteOffset, stream.byteOffset + send.length);
});

test('decoder: any split of the stream yields the same frames', () => {
  const stream = Buffer.concat([send, pull, binary, send]);
  for (const size of [1, 2, 3, 5, 7, 8, 9, 100, 471, 472, 4096]) {
    const decoder = new FrameDecoder();
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i += size) frames.push(...decoder.push(stream.subarray(i, i + size)));
    assert.equal(frames.length, 4, `chunk size ${size}`);
    assert.ok(Buffer.concat(frames).equals(stream), `chunk size ${size}`);
    assert.equal(decoder.buffered, 0);
  }
});

test('decoder: a big frame in many chunks is assembled once it is complete', () => {
  const body = Buffer.alloc(3 * 1024 * 1024, 7);
  const frame = encodeCommand({ ...decodeCommand(send), body });
  const decoder = new FrameDecoder();
  let got: Buffer[] = [];
  for (let i = 0; i < frame.length; i += 65536) {
    got = decoder.push(frame.subarray(i, i + 65536));
    if (i + 65536 < frame.length) assert.equal(got.length, 0);
  }
  assert.equal(got.length, 1);
  assert.ok(decodeCommand(got[0]).body?.equals(body));
});

test('decoder: a length below 4 is rejected with the number', () => {
  assert.throws(() => new FrameDecoder().push(frameWith(3, 0)), protocolError(/frame length 3 is less than 4/));
});

test('decoder: a 2 GiB length prefix is rejected before anything is buffered', () => {
  const decoder = new FrameDecoder();
  assert.throws(
    () => decoder.push(frameWith(0x80000000, 0)),
    protocolError(/frame of 2147483652 bytes exceeds the maximum frame length 16777216/),
  );
  assert.throws(() => new FrameDecoder(1024).push(frameWith(2000, 0)), protocolError(/2004 bytes exceeds .* 1024/));
});

test('decoder: a header length larger than the frame is rejected as soon as it is seen', () => {
  assert.throws(
    () => new FrameDecoder().push(frameWith(100, 500).subarray(0, 8)),
    protocolError(/header length 500 exceeds frame length 100 - 4/),
  );
});

test('decodeCommand: rejects what the frame decoder would not produce, naming the numbers', () => {
  assert.throws(() => decodeCommand(Buffer.from([1, 2, 3])), protocolError(/3 bytes is shorter than 8/));
  assert.throws(() => decodeCommand(send.subarray(0, 100)), protocolError(/length field says 467 .* has 100 bytes/));
  assert.throws(() => decodeCommand(frameWith(4, 5)), protocolError(/header length 5 exceeds frame length 4/));
});

test('decodeCommand: an unknown serialize type is named', () => {
  const bad = Buffer.from(send);
  bad.writeUInt8(7, 4);
  assert.throws(() => decodeCommand(bad), protocolError(/unknown serialize type 7/));
});

test('decodeCommand: garbage bytes give a ProtocolError, never another error', () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 2000; i++) {
    const len = 8 + Math.floor(random() * 60);
    const junk = Buffer.alloc(len);
    for (let j = 0; j < len; j++) junk[j] = Math.floor(random() * 256);
    junk.writeUInt32BE(len - 4, 0);
    junk[4] = random() < 0.5 ? 0 : 1;
    junk.writeUIntBE(Math.floor(random() * (len - 7)), 5, 3);
    try {
      decodeCommand(junk);
    } catch (err) {
      assert.ok(err instanceof ProtocolError, `${junk.toString('hex')}: ${String(err)}`);
    }
  }
});

test('a header that is not JSON is named as such', () => {
  const header = Buffer.from('hello');
  const frame = Buffer.concat([frameWith(4 + header.length, header.length), header]);
  assert.throws(() => decodeCommand(frame), protocolError(/^header is not JSON: /));
});

test('encodeCommandHead + body equals encodeCommand', () => {
  const cmd: RemotingCommand = decodeCommand(pull);
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const c = { ...cmd, serializeType: type };
    assert.ok(Buffer.concat([encodeCommandHead(c), c.body ?? Buffer.alloc(0)]).equals(encodeCommand(c)));
  }
});

test('a command without body has no body after decoding, in both serializations', () => {
  const req = decodeCommand(send);
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const res = createResponse({ ...req, serializeType: type }, 0, undefined, { queueId: '1' });
    const back = decodeCommand(encodeCommand(res));
    assert.equal(back.body, undefined);
    assert.deepEqual({ ...back, body: undefined }, res);
  }
});
