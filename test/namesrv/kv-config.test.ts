import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/common/errors.js';
import { KvConfig, KvConfigError } from '../../src/namesrv/kv-config.js';

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvconfig-'));
  return path.join(dir, 'namesrv', 'kvConfig.json');
}

test('put, get, delete persist in RocketMQ\'s kvConfig.json format and load back', () => {
  const file = tempFile();
  const kv = new KvConfig(file);
  kv.load(); // no file yet: empty
  assert.equal(kv.put('ORDER_TOPIC_CONFIG', 'TopicTestjjj', 'broker-a:4'), undefined);
  assert.equal(kv.put('ORDER_TOPIC_CONFIG', 'TopicTestjjj', 'broker-a:8'), 'broker-a:4');
  kv.put('other', 'k', 'v');
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), {
    configTable: { ORDER_TOPIC_CONFIG: { TopicTestjjj: 'broker-a:8' }, other: { k: 'v' } },
  });
  assert.equal(fs.existsSync(`${file}.tmp`), false, 'the temp file was renamed into place');

  const again = new KvConfig(file);
  again.load();
  assert.equal(again.get('ORDER_TOPIC_CONFIG', 'TopicTestjjj'), 'broker-a:8');
  assert.deepEqual(again.namespace('other'), { k: 'v' });
  assert.equal(again.namespace('missing'), undefined);
  assert.equal(again.delete('other', 'k'), 'v');
  assert.equal(again.delete('other', 'k'), undefined);
  assert.deepEqual(again.namespace('other'), {}, 'the namespace stays, empty, as in RocketMQ');
  assert.equal(again.get('other', 'k'), undefined);
});

test('a file written by RocketMQ (pretty-printed, numbers) loads', () => {
  const file = tempFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '{\n\t"configTable":{\n\t\t"NS":{\n\t\t\t"a":"1","b":2\n\t\t}\n\t}\n}');
  const kv = new KvConfig(file);
  kv.load();
  assert.deepEqual(kv.namespace('NS'), { a: '1', b: '2' });
});

test('a corrupt file is a ConfigError naming the file and what is wrong', () => {
  const file = tempFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (const [text, expected] of [
    ['{"configTable":', /not valid JSON/],
    ['[]', /expected a JSON object/],
    ['{"configTable":{"NS":[1]}}', /configTable\["NS"\] is not an object/],
    ['{"configTable":{"NS":{"k":{"x":1}}}}', /configTable\["NS"\]\["k"\] is not a string/],
  ] as const) {
    fs.writeFileSync(file, text);
    assert.throws(() => new KvConfig(file).load(), (err: unknown) =>
      err instanceof ConfigError && err.message.startsWith(file) && expected.test(err.message));
  }
});

test('limits on namespaces, items, key and value sizes', () => {
  const kv = new KvConfig(tempFile(), { maxNamespaces: 1, maxItems: 2, maxKeyLength: 3, maxValueLength: 4 });
  kv.put('ns', 'a', '1234');
  assert.throws(() => kv.put('ns2', 'a', 'v'), (e: unknown) => e instanceof KvConfigError && /too many KV namespaces/.test(e.message));
  assert.throws(() => kv.put('ns', 'abcd', 'v'), /KV key must be 1\.\.3 characters, got 4/);
  assert.throws(() => kv.put('ns', '', 'v'), /KV key must be 1\.\.3 characters, got 0/);
  assert.throws(() => kv.put('ns', 'b', '12345'), /KV value of ns\/b is 5 characters, the limit is 4/);
  kv.put('ns', 'b', 'v');
  kv.put('ns', 'b', 'w'); // replacing is not a new item
  assert.throws(() => kv.put('ns', 'c', 'v'), /too many KV items: the limit is 2/);
});

test('a file that cannot be written gives an error naming the path', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvconfig-'));
  const blocker = path.join(dir, 'file');
  fs.writeFileSync(blocker, '');
  const kv = new KvConfig(path.join(blocker, 'kvConfig.json')); // parent is a file
  assert.throws(() => kv.put('ns', 'k', 'v'), (e: unknown) => e instanceof KvConfigError && e.message.includes(blocker));
});
