// Every frame captured from Apache RocketMQ 4.9.8 decodes to the values its README row lists, and
// re-encodes to the captured bytes (binary headers exactly; JSON headers exactly up to Java's choice
// between omitting extFields and sending "extFields":{}).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { SerializeType } from '../../src/protocol/command.js';
import { decodeCommand, encodeCommand } from '../../src/protocol/frame.js';
import { fixturePath, readFixture } from '../support/fixtures.js';

interface Expected {
  file: string;
  bytes: number;
  serializeType: SerializeType;
  headerLength: number;
  bodyLength: number;
  code: number;
  flag: number;
  opaque: number;
  version: number;
  remark?: string;
  ext: Record<string, string>;
  bodyText?: string;
}

const unescape = (s: string) => s.replace(/\\u0001/g, '\u0001').replace(/\\u0002/g, '\u0002');

/** One README row, e.g. `| frames/x.bin | 471 | who | JSON hdr 439B, body 24B; code=310 flag=0 ...; ext a=b, c=d |`. */
function parseRow(line: string): Expected {
  const cells = line.split(' | ');
  const file = cells[0].replace(/^\| frames\//, '');
  const segments = cells[3].replace(/ \|$/, '').split('; ');
  const sizes = /^(JSON|ROCKETMQ) hdr (\d+)B, body (\d+)B$/.exec(segments[0]);
  const ints = /^code=(\d+) flag=(\d+) opaque=(\d+) version=(\d+)$/.exec(segments[1]);
  assert.ok(sizes && ints, `README row for ${file} not understood: ${cells[3]}`);
  const expected: Expected = {
    file,
    bytes: Number(cells[1]),
    serializeType: sizes[1] === 'JSON' ? SerializeType.JSON : SerializeType.ROCKETMQ,
    headerLength: Number(sizes[2]),
    bodyLength: Number(sizes[3]),
    code: Number(ints[1]),
    flag: Number(ints[2]),
    opaque: Number(ints[3]),
    version: Number(ints[4]),
    ext: {},
  };
  for (const seg of segments.slice(2)) {
    if (seg.startsWith('remark=')) expected.remark = JSON.parse(seg.slice('remark='.length)) as string;
    else if (seg.startsWith('ext ')) {
      for (const pair of seg.slice(4).split(', ')) {
        const eq = pair.indexOf('=');
        expected.ext[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
      }
    } else if (seg.startsWith('body "')) expected.bodyText = JSON.parse(seg.slice(5)) as string;
    else if (seg.startsWith('body')) break; // a description of a binary or JSON body, checked elsewhere
  }
  return expected;
}

const rows = fs
  .readFileSync(fixturePath('README.md'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('| frames/'))
  .map(parseRow);

test('the README describes every captured frame file', () => {
  const files = fs.readdirSync(fixturePath('frames')).sort();
  assert.deepEqual(rows.map((r) => r.file).sort(), files);
  assert.ok(files.length >= 70);
});

for (const row of rows) {
  test(`decodes ${row.file} to the values the README lists`, () => {
    const frame = readFixture('frames', row.file);
    assert.equal(frame.length, row.bytes);
    assert.equal(frame.readUInt32BE(4) & 0xffffff, row.headerLength);
    const cmd = decodeCommand(frame);
    assert.equal(cmd.serializeType, row.serializeType);
    assert.equal(cmd.code, row.code);
    assert.equal(cmd.flag, row.flag);
    assert.equal(cmd.opaque, row.opaque);
    assert.equal(cmd.version, row.version);
    assert.equal(cmd.language, 'JAVA');
    assert.equal(cmd.remark, row.remark);
    assert.equal(cmd.body?.length ?? 0, row.bodyLength);
    for (const [key, value] of Object.entries(row.ext)) assert.equal(cmd.extFields[key], value, `extFields.${key}`);
    if (row.bodyText !== undefined) assert.equal(cmd.body?.toString('utf8'), row.bodyText);
  });

  test(`re-encodes ${row.file} like RocketMQ did`, () => {
    const frame = readFixture('frames', row.file);
    const cmd = decodeCommand(frame);
    const again = encodeCommand(cmd);
    assert.deepEqual(decodeCommand(again), cmd);
    if (row.serializeType === SerializeType.ROCKETMQ || !frame.includes('"extFields":{}')) {
      assert.ok(again.equals(frame), `bytes differ:\n${again.toString('latin1')}\n${frame.toString('latin1')}`);
    } else {
      // Java sent an empty map; we omit it, as most 4.9.8 processors do. Nothing else may differ.
      const header = (f: Buffer) => f.subarray(8, 8 + (f.readUInt32BE(4) & 0xffffff)).toString('utf8');
      assert.equal(header(again), header(frame).replace('"extFields":{},', ''));
      assert.ok(again.subarray(8 + (again.readUInt32BE(4) & 0xffffff)).equals(frame.subarray(8 + row.headerLength)));
    }
  });
}

test('spot checks that do not depend on parsing the README', () => {
  const send = decodeCommand(readFixture('frames', '310-SEND_MESSAGE_V2.rocketmq-serialize.request.bin'));
  assert.equal(send.serializeType, SerializeType.ROCKETMQ);
  assert.equal(send.extFields.g, '1795272876697');
  assert.equal(
    send.extFields.i,
    'KEYS\u0001FIXTURE_RMQ_SER\u0002UNIQ_KEY\u0001FD0000000000000000000000000000024F275FFD2B276A323A980000' +
      '\u0002WAIT\u0001true\u0002TAGS\u0001TagR',
  );
  assert.equal(send.remark, undefined);
  assert.equal(send.body?.toString(), 'Hello ROCKETMQ-serialized fixture');

  const noRoute = decodeCommand(readFixture('frames', '105-GET_ROUTEINFO_BY_TOPIC.topic_not_exist.response.bin'));
  assert.equal(
    noRoute.remark,
    'No topic route info in name server for the topic: TopicTest\nSee http://rocketmq.apache.org/docs/faq/ for further details.',
  );
  assert.deepEqual(noRoute.extFields, {});
  assert.equal(noRoute.body, undefined);

  const batch = decodeCommand(readFixture('frames', '320-SEND_BATCH_MESSAGE.response.bin'));
  assert.equal(
    batch.extFields.msgId,
    '7F00000200002A9F00000000000005AA,7F00000200002A9F00000000000006A2,7F00000200002A9F000000000000079A',
  );
});
