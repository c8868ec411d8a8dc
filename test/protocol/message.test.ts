// Golden tests of the stored-message codec against bytes captured from Apache RocketMQ 4.9.8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { ProtocolError } from '../../src/common/errors.js';
import { BLANK_MAGIC_CODE, MAGIC_CODE, SysFlag } from '../../src/protocol/message-const.js';
import {
  decodeBatchBody,
  decodeMessage,
  decodeMessages,
  encodeProperties,
  encodeStoredMessage,
  getProperty,
  javaHashCode,
  joinBatchProperties,
  messageBodyCrc,
  parseProperties,
  tagsCodeOf,
  type DecodedMessage,
} from '../../src/protocol/message.js';
import { readFixture } from '../support/fixtures.js';

const commitlog = readFixture('store', 'commitlog', '00000000000000000000');
const S = '\u0002';
const N = '\u0001';

/** Frame body: bytes after length(4) + header-length word(4) + header. */
function frameBody(name: string): Buffer {
  const frame = readFixture('frames', name);
  const headerLength = frame.readInt32BE(4) & 0xffffff;
  return frame.subarray(8 + headerLength);
}

function at(phy: number): DecodedMessage {
  return decodeMessage(commitlog, phy);
}

test('phy 0: the first sync send, every field as captured', () => {
  const m = at(0);
  assert.equal(m.storeSize, 256);
  assert.equal(m.magic, MAGIC_CODE);
  assert.equal(m.topic, 'TopicTest');
  assert.equal(m.queueId, 2);
  assert.equal(m.queueOffset, 0);
  assert.equal(m.commitLogOffset, 0);
  assert.equal(m.sysFlag, 0);
  assert.equal(m.flag, 0);
  assert.equal(m.reconsumeTimes, 0);
  assert.equal(m.preparedTransactionOffset, 0);
  assert.deepEqual(m.bornHost, { host: '127.0.0.1', port: 37002 });
  assert.deepEqual(m.storeHost, { host: '127.0.0.2', port: 10911 });
  assert.equal(m.bornTimestamp, 1795272765273);
  assert.equal(m.storeTimestamp, 1795272765328);
  assert.equal(m.msgId, '7F00000200002A9F0000000000000000');
  assert.equal(
    m.propertiesString,
    `KEYS${N}FIXTURE_KEY_1${S}UNIQ_KEY${N}FD0000000000000000000000000000024A805FFD2B276A3087580000${S}` +
      `CLUSTER${N}DefaultCluster${S}fixtureProp${N}v1${S}TAGS${N}TagA`,
  );
  assert.deepEqual(
    [...m.properties],
    [
      ['KEYS', 'FIXTURE_KEY_1'],
      ['UNIQ_KEY', 'FD0000000000000000000000000000024A805FFD2B276A3087580000'],
      ['CLUSTER', 'DefaultCluster'],
      ['fixtureProp', 'v1'],
      ['TAGS', 'TagA'],
    ],
  );
  assert.equal(m.body.toString(), 'Hello RocketMQ fixture 1');
  assert.equal(m.bodyCRC, messageBodyCrc(m.body));
});

test('phy 256: zlib-compressed body, sysFlag 769, CRC over the compressed bytes', () => {
  const m = at(256);
  assert.equal(m.storeSize, 896);
  assert.equal(m.sysFlag, 769);
  assert.equal(m.sysFlag & SysFlag.COMPRESSED_FLAG, 1);
  assert.equal(m.sysFlag & SysFlag.COMPRESSION_TYPE_MASK, SysFlag.COMPRESSION_ZLIB_TYPE);
  assert.equal(m.queueId, 3);
  assert.equal(m.queueOffset, 0);
  assert.equal(m.body.length, 681);
  assert.equal(m.bodyCRC, messageBodyCrc(m.body));
  const inflated = zlib.inflateSync(m.body);
  assert.equal(inflated.length, 6001);
  assert.ok(inflated.toString().startsWith('fixture-big-body-0;'));
  assert.equal(m.msgId, '7F00000200002A9F0000000000000100');
});

test('phy 1152: the delayed message in SCHEDULE_TOPIC_XXXX keeps WAIT and REAL_*', () => {
  const m = at(1152);
  assert.equal(m.storeSize, 298);
  assert.equal(m.topic, 'SCHEDULE_TOPIC_XXXX');
  assert.equal(m.queueId, 1);
  assert.equal(m.queueOffset, 0);
  assert.equal(m.storeTimestamp, 1795272765387);
  assert.equal(m.msgId, '7F00000200002A9F0000000000000480');
  assert.equal(
    m.propertiesString,
    `REAL_TOPIC${N}TopicTest${S}KEYS${N}FIXTURE_DELAY${S}UNIQ_KEY${N}FD0000000000000000000000000000024A805FFD2B276A3087C70002${S}` +
      `CLUSTER${N}DefaultCluster${S}DELAY${N}2${S}WAIT${N}true${S}TAGS${N}TagC${S}REAL_QID${N}0`,
  );
});

test('phy 1450/1698/1946: one batch, consecutive queue offsets, batch-level properties appended', () => {
  const batch = decodeBatchBody(frameBody('320-SEND_BATCH_MESSAGE.request.bin'));
  assert.equal(batch.length, 3);
  const stored = [1450, 1698, 1946].map(at);
  stored.forEach((m, i) => {
    assert.equal(m.storeSize, 248);
    assert.equal(m.topic, 'BatchTest');
    assert.equal(m.queueId, 0);
    assert.equal(m.queueOffset, i);
    assert.equal(m.storeTimestamp, stored[0]!.storeTimestamp);
    assert.equal(m.properties.get('KEYS'), `BATCH_KEY_${i}`);
    assert.equal(batch[i]!.flag, 0);
    assert.equal(batch[i]!.body.toString(), `Hello batch ${i}`);
    assert.deepEqual(m.body, batch[i]!.body);
    assert.equal(joinBatchProperties(batch[i]!.properties, `CLUSTER${N}DefaultCluster${S}WAIT${N}true`), m.propertiesString);
  });
  assert.ok(stored[0]!.propertiesString.startsWith(`KEYS${N}BATCH_KEY_0${S}UNIQ_KEY${N}`));
  assert.ok(stored[0]!.propertiesString.endsWith(`${S}WAIT${N}true${S}TAGS${N}TagA${S}CLUSTER${N}DefaultCluster${S}WAIT${N}true`));
});

test('phy 2194, 2430, 2668 and the re-put delayed message at 19643', () => {
  const async = at(2194);
  assert.deepEqual([async.storeSize, async.queueId, async.queueOffset], [236, 0, 0]);
  assert.equal(async.properties.get('KEYS'), 'FIXTURE_ASYNC');
  assert.equal(async.properties.get('TAGS'), 'TagD');
  const oneway = at(2430);
  assert.deepEqual([oneway.storeSize, oneway.queueId, oneway.queueOffset], [238, 1, 0]);
  assert.equal(oneway.properties.get('KEYS'), 'FIXTURE_ONEWAY');
  assert.equal(oneway.properties.get('TAGS'), 'TagE');
  const quick = at(2668);
  assert.deepEqual([quick.storeSize, quick.queueId, quick.queueOffset], [214, 2, 1]);
  assert.equal(quick.propertiesString, `UNIQ_KEY${N}FD0000000000000000000000000000024AE95FFD2B276A3098950000${S}CLUSTER${N}DefaultCluster${S}TAGS${N}TagA`);
  assert.equal(quick.body.toString(), 'Hello RocketMQ 0');
  const reput = at(19643);
  const delayed = at(1152);
  assert.deepEqual([reput.storeSize, reput.topic, reput.queueId, reput.queueOffset], [288, 'TopicTest', 0, 21]);
  assert.equal(reput.msgId, '7F00000200002A9F0000000000004CBB');
  assert.equal(reput.storeTimestamp, 1795272770443);
  assert.equal(reput.bornTimestamp, 1795272765383);
  assert.equal(reput.propertiesString, delayed.propertiesString);
});

test('the whole segment: 4852 messages, valid CRCs, then the END record at 1048494', () => {
  const all = decodeMessages(commitlog);
  assert.equal(all.length, 4852);
  let pos = 0;
  let compressed = 0;
  for (const m of all) {
    assert.equal(m.commitLogOffset, pos, `record at ${pos} carries its own offset`);
    assert.equal(m.bodyCRC, messageBodyCrc(m.body), `CRC of record at ${pos}`);
    if (m.sysFlag !== 0) {
      assert.equal(m.sysFlag, 769);
      compressed++;
    }
    pos += m.storeSize;
  }
  assert.equal(compressed, 1);
  const last = all[all.length - 1]!;
  assert.deepEqual([last.commitLogOffset, last.storeSize, last.queueId, last.queueOffset], [1048278, 216, 3, 1211]);
  assert.equal(pos, 1048494);
  assert.equal(commitlog.readInt32BE(pos), 82);
  assert.equal(commitlog.readInt32BE(pos + 4), BLANK_MAGIC_CODE);
  assert.deepEqual(commitlog.subarray(pos, pos + 8), Buffer.from('00000052CBD43194', 'hex'));
  assert.ok(commitlog.subarray(pos + 8).every((b) => b === 0));
});

test('re-encoding every decoded message reproduces the captured bytes exactly', () => {
  for (const m of decodeMessages(commitlog)) {
    const bytes = encodeStoredMessage(
      { ...m, properties: m.propertiesString },
      m.queueOffset,
      m.commitLogOffset,
      m.storeTimestamp,
      m.storeHost,
    );
    const original = commitlog.subarray(m.commitLogOffset, m.commitLogOffset + m.storeSize);
    if (!bytes.equals(original)) assert.fail(`re-encoded record at ${m.commitLogOffset} differs`);
  }
});

test('PULL_MESSAGE FOUND body: 11 records equal the commit-log bytes at their offsets', () => {
  const body = frameBody('11-PULL_MESSAGE.response.found.bin');
  assert.equal(body.length, 2376);
  const msgs = decodeMessages(body);
  assert.equal(msgs.length, 11);
  assert.deepEqual(msgs.map((m) => m.queueOffset), [289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299]);
  assert.equal(msgs[0]!.commitLogOffset, 251784);
  assert.equal(msgs[0]!.msgId, '7F00000200002A9F000000000003D788');
  assert.equal(msgs[1]!.commitLogOffset, 252648);
  assert.equal(msgs[1]!.msgId, '7F00000200002A9F000000000003DAE8');
  let pos = 0;
  for (const m of msgs) {
    assert.equal(m.topic, 'TopicTest');
    assert.equal(m.queueId, 1);
    assert.equal(m.storeSize, 216);
    assert.deepEqual(body.subarray(pos, pos + 216), commitlog.subarray(m.commitLogOffset, m.commitLogOffset + 216));
    pos += 216;
  }
});

test('VIEW_MESSAGE_BY_ID body is the record at phy 0', () => {
  const body = frameBody('33-VIEW_MESSAGE_BY_ID.response.bin');
  assert.deepEqual(body, commitlog.subarray(0, 256));
  assert.equal(decodeMessages(body)[0]!.msgId, '7F00000200002A9F0000000000000000');
});

test('tag hashes: Java String.hashCode matches every captured consume-queue unit', () => {
  assert.equal(javaHashCode('TagA'), 2598919);
  assert.equal(javaHashCode('TagD'), 2598922);
  assert.equal(javaHashCode(''), 0);
  assert.equal(javaHashCode('TopicTest#FIXTURE_KEY_1'), 588394905);
  assert.equal(javaHashCode('\u4e2d\u6587 tag'), -40952972); // values from jshell: UTF-16 units, int32 overflow
  assert.equal(javaHashCode('\ud83d\ude00'), 1772899);
  assert.equal(tagsCodeOf(undefined), 0);
  assert.equal(tagsCodeOf(''), 0);
  let checked = 0;
  for (const q of [0, 1, 2, 3]) {
    const cq = readFixture('store', 'consumequeue', 'TopicTest', String(q), '00000000000000000000');
    for (let unit = 0; unit < 300; unit++) {
      const phy = Number(cq.readBigInt64BE(unit * 20));
      const size = cq.readInt32BE(unit * 20 + 8);
      const tagsCode = Number(cq.readBigInt64BE(unit * 20 + 12));
      const m = at(phy);
      assert.deepEqual([m.storeSize, m.queueId, m.queueOffset], [size, q, unit]);
      assert.equal(tagsCodeOf(m.properties.get('TAGS')), tagsCode);
      checked++;
    }
  }
  assert.equal(checked, 1200);
});

test('properties: 4.9.8 parsing rules, trailing separator, duplicates, malformed segments', () => {
  assert.deepEqual([...parseProperties(`a${N}1${S}b${N}2${S}`)], [['a', '1'], ['b', '2']]);
  assert.deepEqual([...parseProperties(`${S}${S}a${N}1${S}${N}x${S}y${N}${S}noSep${S}b${N}2`)], [['a', '1'], ['b', '2']]);
  assert.deepEqual([...parseProperties(`W${N}true${S}W${N}false`)], [['W', 'false']]);
  assert.deepEqual([...parseProperties('')], []);
  assert.equal(getProperty(`KEYS${N}k1 k2${S}TAGS${N}T${S}`, 'TAGS'), 'T');
  assert.equal(getProperty(`KEYS${N}k1${S}TAGS${N}${S}`, 'TAGS'), undefined);
  assert.equal(getProperty(`XTAGS${N}a${S}TAGSX${N}b`, 'TAGS'), undefined);
  assert.equal(getProperty(`WAIT${N}true${S}WAIT${N}false`, 'WAIT'), 'false');
  assert.equal(encodeProperties(new Map([['a', '1'], ['b', '2']])), `a${N}1${S}b${N}2`);
  assert.equal(encodeProperties(new Map()), '');
  assert.equal(joinBatchProperties('', 'B'), 'B');
  assert.equal(joinBatchProperties(`a${N}1${S}`, 'B'), `a${N}1${S}B`);
  assert.equal(joinBatchProperties(`a${N}1`, ''), `a${N}1`);
});

test('decodeMessage: bad input gives a ProtocolError naming the offset and the field', () => {
  const rec = Buffer.from(commitlog.subarray(0, 256));
  assert.throws(() => decodeMessage(rec.subarray(0, 6)), (e: Error) => e instanceof ProtocolError && /offset 0/.test(e.message));
  assert.throws(() => decodeMessage(rec.subarray(0, 200)), /TOTALSIZE 256 runs past the buffer end/);
  const badMagic = Buffer.from(rec);
  badMagic.writeInt32BE(0x12345678, 4);
  assert.throws(() => decodeMessage(badMagic), /MAGICCODE is 0x12345678/);
  const badSize = Buffer.concat([rec, Buffer.alloc(4)]);
  badSize.writeInt32BE(260, 0);
  assert.throws(() => decodeMessage(badSize), /TOTALSIZE 260 != computed length 256/);
  const badBody = Buffer.from(rec);
  badBody.writeInt32BE(100000, 84);
  assert.throws(() => decodeMessage(badBody), /BODYLENGTH 100000/);
  const tiny = Buffer.alloc(16);
  tiny.writeInt32BE(8, 0);
  tiny.writeInt32BE(MAGIC_CODE, 4);
  assert.throws(() => decodeMessage(tiny), /TOTALSIZE 8 is outside/);
  assert.throws(() => decodeMessage(commitlog, 1048494), /BLANK/);
  const two = Buffer.concat([rec, badMagic]);
  assert.throws(() => decodeMessages(two), /offset 256/);
});

test('decodeBatchBody: limits and errors name the record and offset', () => {
  const good = frameBody('320-SEND_BATCH_MESSAGE.request.bin');
  assert.throws(() => decodeBatchBody(good.subarray(0, 10)), /batch record 0 at offset 0: needs at least 22 bytes/);
  const badTotal = Buffer.from(good);
  badTotal.writeInt32BE(138, 137);
  assert.throws(() => decodeBatchBody(badTotal), /batch record 1 at offset 137: TOTALSIZE 138 != computed length 137/);
  const badBody = Buffer.from(good);
  badBody.writeInt32BE(-5, 16);
  assert.throws(() => decodeBatchBody(badBody), /BODYLENGTH -5/);
  const badProps = Buffer.from(good);
  badProps.writeInt16BE(30000, 20 + 13);
  assert.throws(() => decodeBatchBody(badProps), /PROPERTIESLENGTH 30000/);
  assert.deepEqual(decodeBatchBody(Buffer.alloc(0)), []);
});

test('encodeStoredMessage: IPv6 hosts set the v6 sysFlag bits and round-trip', () => {
  const bytes = encodeStoredMessage(
    {
      topic: 'T6',
      queueId: 1,
      flag: 7,
      sysFlag: SysFlag.COMPRESSED_FLAG | SysFlag.STOREHOSTADDRESS_V6_FLAG,
      bornTimestamp: 1700000000000,
      bornHost: { host: 'fd00::2', port: 5000 },
      body: Buffer.from('x'),
      properties: `TAGS${N}a`,
      reconsumeTimes: 2,
      preparedTransactionOffset: 2 ** 40,
    },
    5,
    2 ** 33,
    1700000000001,
    { host: '10.0.0.1', port: 10911 },
  );
  const m = decodeMessage(bytes);
  assert.equal(m.storeSize, 91 + 12 + 1 + 2 + 6);
  assert.equal(m.sysFlag, SysFlag.COMPRESSED_FLAG | SysFlag.BORNHOST_V6_FLAG);
  assert.deepEqual(m.bornHost, { host: 'fd00::2', port: 5000 });
  assert.deepEqual(m.storeHost, { host: '10.0.0.1', port: 10911 });
  assert.deepEqual([m.queueOffset, m.commitLogOffset, m.preparedTransactionOffset, m.reconsumeTimes, m.flag], [5, 2 ** 33, 2 ** 40, 2, 7]);
  assert.equal(m.msgId, '0A00000100002A9F0000000200000000');
});

test('an IPv4-mapped IPv6 born host is stored as IPv4 (ali-ons reads only v4 host fields)', () => {
  const m = decodeMessage(
    encodeStoredMessage(
      {
        topic: 'T', queueId: 0, flag: 0, sysFlag: 0, bornTimestamp: 1, bornHost: { host: '::FFFF:10.1.2.3', port: 9 },
        body: Buffer.alloc(0), properties: '', reconsumeTimes: 0, preparedTransactionOffset: 0,
      },
      0, 0, 2, { host: '127.0.0.2', port: 10911 },
    ),
  );
  assert.equal(m.sysFlag, 0);
  assert.deepEqual(m.bornHost, { host: '10.1.2.3', port: 9 });
});

test('encodeStoredMessage refuses a topic over 127 bytes and properties over 32767 bytes', () => {
  const base = {
    topic: 'T', queueId: 0, flag: 0, sysFlag: 0, bornTimestamp: 0, bornHost: { host: '127.0.0.1', port: 1 },
    body: Buffer.alloc(0), properties: '', reconsumeTimes: 0, preparedTransactionOffset: 0,
  };
  const host = { host: '127.0.0.1', port: 2 };
  assert.throws(() => encodeStoredMessage({ ...base, topic: 'x'.repeat(128) }, 0, 0, 0, host), /topic .* 128 bytes, max 127/);
  assert.throws(() => encodeStoredMessage({ ...base, properties: 'p'.repeat(32768) }, 0, 0, 0, host), /properties are 32768 bytes, max 32767/);
  assert.throws(() => encodeStoredMessage({ ...base, bornHost: { host: 'nohost', port: 1 } }, 0, 0, 0, host), /"nohost"/);
});
