import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderError } from '../../src/common/errors.js';
import {
  createRequest,
  createResponse,
  optionalBool,
  optionalInt,
  requireInt,
  requireLong,
  requireString,
  SerializeType,
} from '../../src/protocol/command.js';

test('a response echoes the opaque and serialization of its request', () => {
  const req = createRequest(105, { topic: 'T' }, undefined, SerializeType.ROCKETMQ);
  const res = createResponse(req, 17, 'no route');
  assert.equal(res.opaque, req.opaque);
  assert.equal(res.serializeType, SerializeType.ROCKETMQ);
  assert.equal(res.flag & 1, 1);
});

test('requests get increasing opaques', () => {
  const a = createRequest(34);
  const b = createRequest(34);
  assert.equal(b.opaque, a.opaque + 1);
});

test('header fields: required, optional, typed, with errors naming the field', () => {
  const ext = { topic: 'T', queueId: '3', offset: '9007199254740991', big: '2147483648', bad: '1x', flag: 'TRUE' };
  assert.equal(requireString(ext, 'topic'), 'T');
  assert.equal(requireInt(ext, 'queueId'), 3);
  assert.equal(requireLong(ext, 'offset'), 9007199254740991);
  assert.equal(optionalInt(ext, 'missing', 7), 7);
  assert.equal(optionalBool(ext, 'flag', false), true);
  assert.throws(() => requireString(ext, 'group'), (e: unknown) => e instanceof HeaderError && /<group> is null/.test(e.message));
  assert.throws(() => requireInt(ext, 'big'), /<big> is out of int range/);
  assert.throws(() => requireInt(ext, 'bad'), /<bad> is not an integer: "1x"/);
});
