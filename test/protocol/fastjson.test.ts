import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ProtocolError } from '../../src/common/errors.js';
import {
  JsonDouble,
  JsonObject,
  asBoolean,
  asEnum,
  asInt,
  asLong,
  asString,
  formatJavaDouble,
  parseFastjson,
  stringifyFastjson,
  type JsonValue,
} from '../../src/protocol/fastjson.js';
import { fixturePath, readFixture } from '../support/fixtures.js';

function frameBody(name: string): Buffer {
  const frame = readFixture('frames', name);
  return frame.subarray(8 + (frame.readInt32BE(4) & 0xffffff));
}

function obj(v: JsonValue): JsonObject {
  assert.ok(v instanceof JsonObject, `expected an object, got ${JSON.stringify(v)}`);
  return v;
}

// ------------------------------------------------------------------------------------------ parsing

test('parses standard JSON values', () => {
  const o = obj(parseFastjson('{"a":1,"b":-2.5e3,"c":"x","d":true,"e":false,"f":null,"g":[1,[2]],"h":{}}'));
  assert.equal(o.get('a'), 1);
  assert.equal(o.get('b'), -2500);
  assert.equal(o.get('c'), 'x');
  assert.equal(o.get('d'), true);
  assert.equal(o.get('e'), false);
  assert.equal(o.get('f'), null);
  assert.deepEqual(o.get('g'), [1, [2]]);
  assert.equal(obj(o.get('h') ?? null).size, 0);
  assert.equal(o.get('missing'), undefined);
});

test('parses unquoted numeric map keys as numbers (real GET_ALL_DELAY_OFFSET body)', () => {
  const o = obj(parseFastjson(frameBody('45-GET_ALL_DELAY_OFFSET.response.bin')));
  const table = obj(o.get('offsetTable') ?? null);
  assert.deepEqual(table.entries, [[2, 1]]);
  assert.deepEqual(obj(parseFastjson('{0:"a",-1:"b",10:"c"}')).entries, [
    [0, 'a'],
    [-1, 'b'],
    [10, 'c'],
  ]);
});

test('parses object-literal map keys (real GET_TOPIC_STATS_INFO body)', () => {
  const o = obj(parseFastjson(frameBody('202-GET_TOPIC_STATS_INFO.response.bin')));
  const table = obj(o.get('offsetTable') ?? null);
  assert.equal(table.size, 4);
  const [key, value] = table.entries[0]!;
  const mq = obj(key);
  assert.equal(mq.get('brokerName'), 'broker-a');
  assert.equal(mq.get('queueId'), 3);
  assert.equal(mq.get('topic'), 'TopicTest');
  assert.equal(obj(value).get('maxOffset'), 1251);
  assert.equal(obj(value).get('lastUpdateTimestamp'), 1795272798790);
});

test('parses the tab-indented store files the broker writes', () => {
  const o = obj(parseFastjson(readFixture('store', 'config', 'consumerOffset.json')));
  const table = obj(o.get('offsetTable') ?? null);
  const group4 = obj(table.get('TopicTest@please_rename_unique_group_name_4') ?? null);
  assert.deepEqual(group4.entries, [
    [0, 1252],
    [1, 1251],
    [2, 1251],
    [3, 1251],
  ]);
  const filter = obj(parseFastjson(readFixture('store', 'config', 'consumerFilter.json')));
  assert.equal(obj(filter.get('filterDataByTopic') ?? null).size, 0);
});

test('parses escapes, single quotes, unquoted identifier keys and a BOM', () => {
  const o = obj(parseFastjson('\ufeff{"s":"a\\"b\\\\c\\/d\\n\\t\\u00e9\\u4e2d", \'q\':\'it\\\'s\', name:1}'));
  assert.equal(o.get('s'), 'a"b\\c/d\n\té中');
  assert.equal(o.get('q'), "it's");
  assert.equal(o.get('name'), 1);
  assert.equal(parseFastjson('"raw 中文 text"'), 'raw 中文 text');
  assert.equal(parseFastjson(Buffer.from('"中"', 'utf8')), '中');
});

test('accepts fastjson number suffixes written with WriteClassName', () => {
  assert.deepEqual(parseFastjson('[1L,2.5D,3F]'), [1, 2.5, 3]);
});

test('the last of repeated keys wins, for small and large objects', () => {
  assert.equal(obj(parseFastjson('{"a":1,"a":2}')).get('a'), 2);
  const parts: string[] = [];
  for (let i = 0; i < 40; i++) parts.push(`"k${i}":${i}`);
  parts.push('"k7":"last"');
  const big = obj(parseFastjson(`{${parts.join(',')}}`));
  assert.equal(big.get('k39'), 39);
  assert.equal(big.get('k7'), 'last');
  assert.equal(big.has('nope'), false);
});

test('errors name what was expected, the offset, line and column', () => {
  assert.throws(
    () => parseFastjson('{\n\t"a":1,\n\t"b" 2}', { what: 'TopicList' }),
    (e: Error) =>
      e instanceof ProtocolError &&
      e.message === `TopicList: expected ':' after an object key at offset 15 (line 3, column 6), found "2}"`,
  );
  const cases: Array<[string, RegExp]> = [
    ['', /expected a value at offset 0 .*found end of input/],
    ['{"a":1', /expected ',' or '}' in an object at offset 6/],
    ['[1 2]', /expected ',' or '\]' in an array at offset 3/],
    ['"abc', /unterminated string at offset 0/],
    ['"a\\qb"', /invalid escape '\\q' in a string at offset 2/],
    ['"\\u12"', /expected 4 hex digits/],
    ['{"a":1} x', /expected end of input at offset 8/],
    ['{:1}', /expected an object key at offset 1/],
    ['-', /expected a digit at offset 1/],
    ['1.', /expected a digit after '.'/],
    ['1e', /expected a digit in the exponent/],
    ['nul', /expected a value at offset 0/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseFastjson(text), (e: Error) => e instanceof ProtocolError && re.test(e.message), text);
  }
});

test('limits nesting depth and input length', () => {
  const deep = '['.repeat(200) + ']'.repeat(200);
  assert.throws(() => parseFastjson(deep), /nesting deeper than 128/);
  assert.deepEqual(parseFastjson('[[[]]]', { maxDepth: 3 }), [[[]]]);
  assert.throws(() => parseFastjson('[[[[]]]]', { maxDepth: 3 }), /nesting deeper than 3/);
  assert.throws(() => parseFastjson('"0123456789"', { maxLength: 5, what: 'KVTable' }), /KVTable: 12 bytes exceeds the limit of 5/);
});

// ------------------------------------------------------------------------------------------ coercion

test('coercing readers convert scalars as fastjson does and name the field otherwise', () => {
  assert.equal(asString(12, 'x'), '12');
  assert.equal(asString(false, 'x'), 'false');
  assert.equal(asLong('1795272765273', 'x'), 1795272765273);
  assert.equal(asLong(' -7 ', 'x'), -7);
  assert.equal(asLong(12.9, 'x'), 12);
  assert.equal(asInt('42', 'x'), 42);
  assert.equal(asBoolean('TRUE', 'x'), true);
  assert.equal(asBoolean(0, 'x'), false);
  assert.equal(asEnum('CLUSTERING', ['BROADCASTING', 'CLUSTERING'] as const, 'x'), 'CLUSTERING');
  assert.equal(asEnum(1, ['BROADCASTING', 'CLUSTERING'] as const, 'x'), 'CLUSTERING');

  assert.throws(() => asString(undefined, 'QueueData.brokerName'), /^ProtocolError: QueueData.brokerName is missing$/);
  assert.throws(() => asString(null, 'A.b'), /A.b is missing/);
  assert.throws(() => asLong('12abc', 'QueueData.perm'), /QueueData.perm: expected an integer, got string "12abc"/);
  assert.throws(() => asLong([], 'A.n'), /A.n: expected an integer, got an array/);
  assert.throws(() => asInt('3000000000', 'A.n'), /A.n: 3000000000 does not fit a 32-bit int/);
  assert.throws(() => asBoolean('yes', 'A.flag'), /A.flag: expected a boolean, got string "yes"/);
  assert.throws(() => asString(new JsonObject(), 'A.s'), /A.s: expected a string, got an object/);
  assert.throws(() => asEnum('PUSH', ['BROADCASTING', 'CLUSTERING'] as const, 'C.m'), /C.m: "PUSH" is not one of BROADCASTING, CLUSTERING/);
  assert.throws(() => asEnum(5, ['BROADCASTING', 'CLUSTERING'] as const, 'C.m'), /C.m: expected one of/);
});

// ------------------------------------------------------------------------------------------ emitting

test('beans are written with alphabetical fields and without null fields', () => {
  assert.equal(stringifyFastjson({ zeta: 1, alpha: 'a', mid: null, gone: undefined, b: [true, null] }), '{"alpha":"a","b":[true,null],"zeta":1}');
});

test('maps keep their order; number keys are bare, object keys are objects', () => {
  assert.equal(stringifyFastjson(new Map([[2, 1], [0, 5]])), '{2:1,0:5}');
  const mq = { topic: 'T', brokerName: 'b', queueId: 0 };
  assert.equal(stringifyFastjson(new Map([[mq, { maxOffset: 3 }]])), '{{"brokerName":"b","queueId":0,"topic":"T"}:{"maxOffset":3}}');
  assert.equal(stringifyFastjson(new Map([['z', 1], ['a', null], ['b', 2]])), '{"z":1,"b":2}');
});

test('doubles are written the way Java writes them', () => {
  assert.equal(stringifyFastjson({ consumeTps: new JsonDouble(0) }), '{"consumeTps":0.0}');
  assert.equal(formatJavaDouble(100.1020020400408), '100.1020020400408');
  assert.equal(formatJavaDouble(100.1), '100.1');
  assert.equal(formatJavaDouble(5), '5.0');
  assert.equal(formatJavaDouble(-2), '-2.0');
  assert.equal(formatJavaDouble(1e7), '1.0E7');
  assert.equal(formatJavaDouble(12345678.9), '1.23456789E7');
  assert.equal(formatJavaDouble(0.001), '0.001');
  assert.equal(formatJavaDouble(0.00015), '1.5E-4');
  assert.equal(formatJavaDouble(Number.NaN), 'null');
  assert.equal(stringifyFastjson(5), '5');
});

test('strings escape quotes, backslashes and control characters but keep UTF-8 text', () => {
  assert.equal(stringifyFastjson('a"b\\c\n\t\u0001/中'), '"a\\"b\\\\c\\n\\t\\u0001/中"');
});

test('browserCompatible quotes number keys and escapes slash and non-ASCII', () => {
  const v = { brokerAddrs: new Map([[0, '127.0.0.1:10911']]), name: 'a/中' };
  assert.equal(stringifyFastjson(v, { browserCompatible: true }), '{"brokerAddrs":{"0":"127.0.0.1:10911"},"name":"a\\/\\u4E2D"}');
});

test('sortMapKeys sorts number keys numerically and string keys by code unit', () => {
  assert.equal(stringifyFastjson(new Map([[10, 'x'], [2, 'y'], [0, 'z']]), { sortMapKeys: true }), '{0:"z",2:"y",10:"x"}');
  assert.equal(stringifyFastjson(new Map([['b', 1], ['B', 2], ['a', 3]]), { sortMapKeys: true }), '{"B":2,"a":3,"b":1}');
});

test('pretty output equals every config/*.json file the 4.9.8 broker wrote, byte for byte', () => {
  for (const file of fs.readdirSync(fixturePath('store', 'config'))) {
    const text = readFixture('store', 'config', file).toString('utf8');
    assert.equal(stringifyFastjson(parseFastjson(text), { pretty: true }), text, file);
  }
});

test('pretty lists break lines only with two or more items, as fastjson ListSerializer does', () => {
  assert.equal(stringifyFastjson({ a: [1] }, { pretty: true }), '{\n\t"a":[1]\n}');
  assert.equal(stringifyFastjson({ a: [1, 2] }, { pretty: true }), '{\n\t"a":[\n\t\t1,\n\t\t2\n\t]\n}');
  assert.equal(stringifyFastjson({ a: [] }, { pretty: true }), '{\n\t"a":[]\n}');
  assert.equal(stringifyFastjson({}, { pretty: true }), '{}');
});

test('compact output of parsed bodies reproduces the captured bytes', () => {
  for (const name of ['202-GET_TOPIC_STATS_INFO.response.bin', '43-GET_ALL_CONSUMER_OFFSET.response.bin', '106-GET_BROKER_CLUSTER_INFO.response.bin']) {
    const body = frameBody(name);
    assert.equal(stringifyFastjson(parseFastjson(body)), body.toString('utf8'), name);
  }
});
