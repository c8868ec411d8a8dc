import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyCrc32, crc32, crc32Portable } from '../../src/protocol/crc32.js';
import { readFixture } from '../support/fixtures.js';

function frameBody(frame: Buffer): Buffer {
  const headerLen = frame.readInt32BE(4) & 0xffffff;
  return frame.subarray(8 + headerLen);
}

test('crc32 of the standard check string is 0xCBF43926', () => {
  const data = Buffer.from('123456789');
  assert.equal(crc32(data), 0xcbf43926);
  assert.equal(crc32Portable(data), 0xcbf43926);
  assert.equal(crc32(Buffer.alloc(0)), 0);
});

test('bodyCrc32 matches the bodyCrc32 header of real REGISTER_BROKER requests', () => {
  const master = frameBody(readFixture('frames', '103-REGISTER_BROKER.master.request.bin'));
  const slave = frameBody(readFixture('frames', '103-REGISTER_BROKER.slave.request.bin'));
  assert.equal(bodyCrc32(master), 1000019685);
  assert.equal(bodyCrc32(slave), 881100893);
});

test('portable and native crc32 agree on arbitrary bytes and sub-ranges', () => {
  const data = Buffer.alloc(4099);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  assert.equal(crc32Portable(data), crc32(data));
  assert.equal(crc32Portable(data, 10, 500), crc32(data.subarray(10, 500)));
});

test('bodyCrc32 is never negative', () => {
  const data = Buffer.from('Hello RocketMQ fixture 1');
  const v = bodyCrc32(data);
  assert.ok(v >= 0 && v <= 0x7fffffff);
  assert.equal(v, crc32(data) & 0x7fffffff);
});
