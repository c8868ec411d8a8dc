import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/common/errors.js';
import { SerializeType } from '../../src/protocol/command.js';
import { decodeJsonHeader, encodeJsonHeader } from '../../src/protocol/header-json.js';
import { readFixture } from '../support/fixtures.js';

const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const protocolError = (pattern: RegExp) => (err: unknown) =>
  err instanceof ProtocolError && pattern.test(err.message);

test('ali-ons style header: numbers and booleans in extFields become strings, nulls are dropped', () => {
  const h = decodeJsonHeader(
    json({
      code: 310,
      language: 'JAVA',
      opaque: 5,
      flag: 0,
      version: 121,
      remark: null,
      extFields: { a: 'g', e: 0, g: 1795272765273, k: false, m: true, x: null, d: 1.5 },
    }),
  );
  assert.deepEqual(h, {
    code: 310,
    language: 'JAVA',
    version: 121,
    opaque: 5,
    flag: 0,
    remark: undefined,
    extFields: { a: 'g', e: '0', g: '1795272765273', k: 'false', m: 'true', d: '1.5' },
    serializeType: SerializeType.JSON,
  });
});

test('missing extFields, empty extFields and unknown keys are all fine', () => {
  assert.deepEqual(decodeJsonHeader(json({ code: 0, flag: 1 })).extFields, {});
  assert.deepEqual(decodeJsonHeader(json({ code: 0, extFields: {} })).extFields, {});
  const h = decodeJsonHeader(json({ code: 34, somethingNew: [1, 2], serializeTypeCurrentRPC: 'JSON' }));
  assert.equal(h.code, 34);
  assert.equal(h.language, 'JAVA');
  assert.equal(h.version, 0);
});

test('language is kept by name', () => {
  assert.equal(decodeJsonHeader(json({ code: 1, language: 'GO' })).language, 'GO');
});

test('bad headers are named precisely', () => {
  assert.throws(() => decodeJsonHeader(Buffer.from('{"code":')), protocolError(/^header is not JSON: /));
  assert.throws(() => decodeJsonHeader(Buffer.from('[1,2]')), protocolError(/^header is not JSON: expected an object/));
  assert.throws(() => decodeJsonHeader(Buffer.from('null')), protocolError(/^header is not JSON/));
  assert.throws(() => decodeJsonHeader(json({ flag: 0 })), protocolError(/"code" is missing/));
  assert.throws(() => decodeJsonHeader(json({ code: 'ten' })), protocolError(/"code" is not a 32-bit integer: "ten"/));
  assert.throws(() => decodeJsonHeader(json({ code: 1, opaque: 2 ** 31 })), protocolError(/"opaque"/));
  assert.throws(() => decodeJsonHeader(json({ code: 1, extFields: [] })), protocolError(/"extFields" is not an object/));
  assert.throws(
    () => decodeJsonHeader(json({ code: 1, extFields: { topic: { nested: 1 } } })),
    protocolError(/extFields\.topic is not a scalar \(object\)/),
  );
  assert.throws(
    () => decodeJsonHeader(Buffer.from('{"code":1,"extFields":{"__proto__":"x"}}')),
    protocolError(/__proto__/),
  );
  assert.throws(() => decodeJsonHeader(json({ code: 1, language: 3 })), protocolError(/"language" is not a string/));
});

test('numeric strings are accepted for int fields, as fastjson does', () => {
  assert.equal(decodeJsonHeader(json({ code: '105', opaque: '-3' })).opaque, -3);
});

test('encoding follows fastjson: alphabetical keys, no remark when absent, empty extFields omitted', () => {
  const base = { code: 0, language: 'JAVA', version: 409, opaque: 7, flag: 1, serializeType: SerializeType.JSON };
  assert.equal(
    encodeJsonHeader({ ...base, extFields: { offset: '0' } }),
    '{"code":0,"extFields":{"offset":"0"},"flag":1,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":409}',
  );
  assert.equal(
    encodeJsonHeader({ ...base, remark: 'r', extFields: {} }),
    '{"code":0,"flag":1,"language":"JAVA","opaque":7,"remark":"r","serializeTypeCurrentRPC":"JSON","version":409}',
  );
});

test('re-encoding the header of a captured Java request gives Java\'s bytes', () => {
  const frame = readFixture('frames', '11-PULL_MESSAGE.request.bin');
  const header = frame.subarray(8, 8 + frame.readUInt32BE(4));
  assert.equal(encodeJsonHeader(decodeJsonHeader(header)), header.toString('utf8'));
});
