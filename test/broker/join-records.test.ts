import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinRecords } from '../../src/broker/join-records.js';

test('neighbouring views of one buffer are joined without a copy; anything else is concatenated', () => {
  const window = Buffer.alloc(12);
  window.write('aaabbbcccddd');
  const joined = joinRecords([window.subarray(0, 3), window.subarray(3, 6), window.subarray(6, 9)]);
  assert.equal(joined.toString(), 'aaabbbccc');
  assert.equal(joined.buffer, window.buffer, 'a view of the same memory');
  const gap = joinRecords([window.subarray(0, 3), window.subarray(6, 9)]);
  assert.equal(gap.toString(), 'aaaccc');
  assert.notEqual(gap.buffer, window.buffer);
  assert.equal(joinRecords([Buffer.from('x'), Buffer.from('y')]).toString(), 'xy');
  assert.equal(joinRecords([]).length, 0);
});
