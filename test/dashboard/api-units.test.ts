// Units of the dashboard server that need no cluster: topic kinds, the list cache, JSON rendering, failure mapping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdminError, mapBounded, topicKind } from '../../src/admin/index.js';
import { TtlCache } from '../../src/dashboard/cache.js';
import { describeFailure, HttpError } from '../../src/dashboard/http.js';
import { plain } from '../../src/dashboard/render.js';

describe('dashboard units', () => {
  it('classifies topics as NORMAL, RETRY, DLQ or SYSTEM', () => {
    const pseudo = new Set(['DefaultCluster', 'broker-a']);
    const kinds = ['orders', '%RETRY%g1', '%DLQ%g1', 'TBW102', 'SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRACE_TOPIC', 'rmq_sys_x', 'DefaultCluster',
      'broker-a', 'DefaultCluster_REPLY_TOPIC', 'OFFSET_MOVED_EVENT'].map((t) => topicKind(t, pseudo));
    assert.deepEqual(kinds, ['NORMAL', 'RETRY', 'DLQ', 'SYSTEM', 'SYSTEM', 'SYSTEM', 'SYSTEM', 'SYSTEM', 'SYSTEM', 'SYSTEM', 'SYSTEM']);
  });

  it('the list cache shares one fetch, keeps the value for its ttl, and does not keep failures', async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const cache = new TtlCache(1000, async () => {
      calls++;
      if (fail) throw new Error('down');
      return calls;
    }, () => now);
    assert.deepEqual(await Promise.all([cache.get(), cache.get()]), [1, 1]);
    now = 999;
    assert.equal(await cache.get(), 1);
    now = 1000;
    fail = true;
    await assert.rejects(cache.get(), /down/);
    fail = false;
    assert.equal(await cache.get(), 3);
    cache.clear();
    assert.equal(await cache.get(), 4);
  });

  it('renders Maps as objects, Buffers as base64, and leaves out undefined fields', () => {
    const value = { m: new Map([['a', 1], ['b', 2]]), ids: new Map([[0, 'x:1']]), buf: Buffer.from('hi'), gone: undefined, list: [new Map([['k', 'v']])] };
    assert.deepEqual(plain(value), { m: { a: 1, b: 2 }, ids: { 0: 'x:1' }, buf: 'aGk=', list: [{ k: 'v' }] });
  });

  it('maps failures to statuses: bad input 400, cluster 502, bad JSON 400, anything else 500', () => {
    assert.deepEqual(describeFailure(new HttpError(400, 'limit must be an integer')), { status: 400, message: 'limit must be an integer' });
    assert.deepEqual(describeFailure(new AdminError('get cluster info: no NameServer of [a:1] answered')), { status: 502, message: 'get cluster info: no NameServer of [a:1] answered' });
    assert.deepEqual(describeFailure(Object.assign(new SyntaxError('Unexpected end'), { status: 400, type: 'entity.parse.failed' })),
      { status: 400, message: 'the request body is not valid JSON' });
    assert.deepEqual(describeFailure(new TypeError('x is undefined')), { status: 500, message: 'x is undefined' });
  });

  it('mapBounded keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [10, 20, 30, 40, 50, 60, 70]);
    assert.equal(peak, 3);
  });
});
