import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingError } from '../../src/common/errors.js';
import { normalizeHost, parseAddress } from '../../src/remoting/address.js';

test('IPv4-mapped IPv6 hosts are shown in IPv4 form; others are kept', () => {
  assert.equal(normalizeHost('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(normalizeHost('::1'), '::1');
  assert.equal(normalizeHost('192.168.0.1'), '192.168.0.1');
});

test('host:port parsing, including bracketed IPv6, with errors naming the address', () => {
  assert.deepEqual(parseAddress('127.0.0.1:9876'), { host: '127.0.0.1', port: 9876 });
  assert.deepEqual(parseAddress('[::1]:10911'), { host: '::1', port: 10911 });
  assert.deepEqual(parseAddress('broker-a.local:10911'), { host: 'broker-a.local', port: 10911 });
  for (const bad of ['9876', ':9876', 'host:', 'host:0', 'host:65536', 'host:12a']) {
    assert.throws(() => parseAddress(bad), (err: unknown) =>
      err instanceof RemotingError && !err.retriable && err.message.includes(`"${bad}"`));
  }
});
