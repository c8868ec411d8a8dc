// Golden tests of the HA stream codecs against the streams captured between a 4.9.8 master and slave
// (spec/fixtures/README.md, section "ha/"): every report and frame decodes to the listed values, and our
// encoder writes the same bytes again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '../../src/common/errors.js';
import {
  decodeFrames,
  decodeReports,
  encodeFrame,
  encodeFrameHeader,
  encodeReport,
  FRAME_HEADER_SIZE,
  FrameReader,
  ReportReader,
} from '../../src/ha/codec.js';
import { decodeMessages } from '../../src/protocol/message.js';
import { readFixture } from '../support/fixtures.js';

const slaveToMaster = readFixture('ha', 'slave-to-master.stream.bin');
const masterToSlave = readFixture('ha', 'master-to-slave.stream.bin');

describe('HA codec: captured 4.9.8 streams', () => {
  it('slave -> master: six reports 0, 1048576, 1081344, 1105620 x3, re-encoded byte for byte', () => {
    assert.equal(slaveToMaster.length, 48);
    const reports = decodeReports(slaveToMaster);
    assert.deepEqual(reports, [0, 1048576, 1081344, 1105620, 1105620, 1105620]);
    assert.deepEqual(Buffer.concat(reports.map(encodeReport)), slaveToMaster);
  });

  it('master -> slave: heartbeat, two data frames, two heartbeats, re-encoded byte for byte', () => {
    assert.equal(masterToSlave.length, 57104);
    const frames = decodeFrames(masterToSlave);
    assert.deepEqual(
      frames.map((f) => [f.offset, f.body.length]),
      [[1048576, 0], [1048576, 32768], [1081344, 24276], [1105620, 0], [1105620, 0]],
    );
    // Frame positions in the stream as the README lists them.
    let pos = 0;
    const positions = frames.map((f) => {
      const at = pos;
      pos += FRAME_HEADER_SIZE + f.body.length;
      return at;
    });
    assert.deepEqual(positions.slice(0, 3), [0, 12, 32792]);
    assert.deepEqual(Buffer.concat(frames.map((f) => encodeFrame(f.offset, f.body))), masterToSlave);
    assert.deepEqual(encodeFrameHeader(1048576, 32768), masterToSlave.subarray(12, 24));
  });

  it('the data frames carry whole commit-log records from 1048576 to 1105620 (the master file 00000000000001048576)', () => {
    const frames = decodeFrames(masterToSlave);
    const data = Buffer.concat(frames.map((f) => f.body));
    assert.equal(data.length, 1105620 - 1048576);
    const records = decodeMessages(data);
    const first = records[0]!;
    assert.equal(first.topic, 'TopicTest');
    assert.equal(first.queueId, 0);
    assert.equal(first.queueOffset, 1212);
    assert.equal(first.commitLogOffset, 1048576);
    assert.equal(first.msgId, '7F00000200002A9F0000000000100000');
    let phy = 1048576;
    for (const r of records) {
      assert.equal(r.commitLogOffset, phy, 'records are contiguous and say their own offset');
      phy += r.storeSize;
    }
    assert.equal(phy, 1105620, 'the stream ends on a record boundary');
    // The first data frame ends inside a record: frames are not aligned to messages.
    let end = 1048576;
    for (const r of records) if (end + r.storeSize <= 1081344) end += r.storeSize;
    assert.notEqual(end, 1081344);
  });
});

describe('HA codec: incremental readers', () => {
  it('ReportReader keeps only the last complete report, across any split', () => {
    for (let split = 0; split <= slaveToMaster.length; split++) {
      const reader = new ReportReader();
      const seen: number[] = [];
      for (const part of [slaveToMaster.subarray(0, split), slaveToMaster.subarray(split)]) {
        const v = reader.feed(part);
        if (v !== undefined) seen.push(v);
      }
      assert.equal(seen[seen.length - 1], 1105620, `split at ${split}`);
    }
    // Byte by byte: every report is seen once complete.
    const reader = new ReportReader();
    const seen: number[] = [];
    for (const b of slaveToMaster) {
      const v = reader.feed(Buffer.from([b]));
      if (v !== undefined) seen.push(v);
    }
    assert.deepEqual(seen, [0, 1048576, 1081344, 1105620, 1105620, 1105620]);
    // A report split as 3 + 7 + 6: the value that completes in the middle is the one returned.
    const two = Buffer.concat([encodeReport(7), encodeReport(9)]);
    const r2 = new ReportReader();
    assert.equal(r2.feed(two.subarray(0, 3)), undefined);
    assert.equal(r2.feed(two.subarray(3, 10)), 7);
    assert.equal(r2.feed(two.subarray(10)), 9);
  });

  it('FrameReader returns whole frames across arbitrary chunking', () => {
    const expected = decodeFrames(masterToSlave).map((f) => [f.offset, f.body.toString('hex')]);
    for (const chunk of [1, 7, 12, 13, 1000, 4096, 32779, 65536]) {
      const reader = new FrameReader(1 << 20);
      const got: Array<[number, string]> = [];
      for (let pos = 0; pos < masterToSlave.length; pos += chunk) {
        for (const f of reader.feed(masterToSlave.subarray(pos, pos + chunk))) got.push([f.offset, f.body.toString('hex')]);
      }
      assert.deepEqual(got, expected, `chunks of ${chunk}`);
      assert.equal(reader.buffered, 0);
    }
  });

  it('bad input: negative offsets, oversized or negative bodies, trailing fragments', () => {
    const negative = Buffer.alloc(12, 0xff);
    assert.throws(() => new FrameReader(100).feed(negative), ProtocolError);
    assert.throws(() => new FrameReader(100).feed(encodeFrameHeader(0, 101)), /claims 101 body bytes/);
    const negSize = encodeFrameHeader(0, 0);
    negSize.writeInt32BE(-1, 8);
    assert.throws(() => new FrameReader(100).feed(negSize), ProtocolError);
    assert.throws(() => decodeFrames(masterToSlave.subarray(0, 20)), /incomplete frame/);
    assert.throws(() => decodeReports(Buffer.alloc(9)), ProtocolError);
    assert.throws(() => new ReportReader().feed(Buffer.alloc(8, 0x80)), ProtocolError);
    assert.throws(() => encodeReport(-1), RangeError);
  });
});
