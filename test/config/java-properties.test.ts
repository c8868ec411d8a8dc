import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/common/errors.js';
import { parseJavaProperties } from '../../src/config/java-properties.js';

const parse = (text: string) => parseJavaProperties(text, 'test.properties');

test('key=value, key: value and key value all separate a key from its value', () => {
  assert.deepEqual(parse('a=1\nb: 2\nc 3\nd = 4\ne\t:\t5\nf'), [
    { key: 'a', value: '1', line: 1 },
    { key: 'b', value: '2', line: 2 },
    { key: 'c', value: '3', line: 3 },
    { key: 'd', value: '4', line: 4 },
    { key: 'e', value: '5', line: 5 },
    { key: 'f', value: '', line: 6 },
  ]);
});

test('comments (# and !, also indented), blank lines and CRLF are skipped; line numbers stay right', () => {
  const text = '# comment\r\n\r\n   ! bang comment\r\n  key = value  \r\n\t#not=entry\r\nother=x=y';
  assert.deepEqual(parse(text), [
    { key: 'key', value: 'value  ', line: 4 }, // Java keeps trailing whitespace; typed readers trim it
    { key: 'other', value: 'x=y', line: 6 },
  ]);
});

test('a trailing backslash continues the line; leading whitespace of the next line is dropped', () => {
  assert.deepEqual(parse('dLegerPeers=n0-127.0.0.1:40911;\\\n    n1-127.0.0.1:40912\nnext=1'), [
    { key: 'dLegerPeers', value: 'n0-127.0.0.1:40911;n1-127.0.0.1:40912', line: 1 },
    { key: 'next', value: '1', line: 3 },
  ]);
  // an even number of backslashes is an escaped backslash, not a continuation
  assert.deepEqual(parse('path=C:\\\\\nb=2'), [
    { key: 'path', value: 'C:\\', line: 1 },
    { key: 'b', value: '2', line: 2 },
  ]);
  // a comment line never continues
  assert.deepEqual(parse('# note \\\nreal=1'), [{ key: 'real', value: '1', line: 2 }]);
  // continuation at the end of the file
  assert.deepEqual(parse('k=v\\'), [{ key: 'k', value: 'v', line: 1 }]);
});

test('escapes in keys and values: \\t \\n \\uXXXX \\= \\: \\\\ and a space in a key', () => {
  assert.deepEqual(parse('a\\=b\\:c\\ d=x\\ty\\nz\\u4e2d\\\\'), [{ key: 'a=b:c d', value: 'x\ty\nz中\\', line: 1 }]);
  assert.deepEqual(parse('中文键=值'), [{ key: '中文键', value: '值', line: 1 }]);
});

test('a malformed \\u escape is an error naming the file and line', () => {
  assert.throws(
    () => parse('a=1\nb=\\u12G4'),
    (e: Error) => e instanceof ConfigError && e.message === 'test.properties:2: malformed \\uxxxx escape "\\u12G4"',
  );
});

test('repeated keys are all returned in order (the caller lets the last win)', () => {
  assert.deepEqual(
    parse('k=1\nk=2').map((e) => e.value),
    ['1', '2'],
  );
});

test('input size and entry count are limited', () => {
  assert.throws(() => parse('x'.repeat(1024 * 1024 + 1)), /test.properties: 1048577 characters exceeds the limit of 1048576/);
  const many = Array.from({ length: 10_001 }, (_, i) => `k${i}=1`).join('\n');
  assert.throws(() => parse(many), /test.properties:10001: more than 10000 entries/);
});
