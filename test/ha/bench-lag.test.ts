// The replication benchmark's lag and failover arithmetic (bench/lib/ha-lag.ts): figures from offset samples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lagFigures, percentile, reachedAt, resumeAfterKill, type OffsetSample } from '../../bench/lib/ha-lag.js';

const s = (t: number, offset: number): OffsetSample => ({ t, offset });

describe('bench/ha lag arithmetic', () => {
  it('percentile is nearest-rank over unsorted values', () => {
    const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    assert.equal(percentile(v, 50), 5);
    assert.equal(percentile(v, 99), 10);
    assert.equal(percentile(v, 0), 1);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('reachedAt interpolates between the slave samples around the offset', () => {
    const slave = [s(0, 0), s(10, 1000), s(20, 3000)];
    assert.equal(reachedAt(slave, 2000), 15);
    assert.equal(reachedAt(slave, 1000), 10);
    assert.equal(reachedAt(slave, 0), 0);
    assert.equal(reachedAt(slave, 3001), undefined);
  });

  it('lag in bytes pairs samples of one tick; lag in ms follows the slave until it reaches the offset', () => {
    // The slave trails the master by exactly 5 ms: it holds at t what the master held at t - 5.
    const pairs = [0, 10, 20, 30, 40].map((t) => ({ master: s(t, t * 100), slave: s(t, Math.max(0, (t - 5) * 100)) }));
    const f = lagFigures(pairs, (t) => t <= 30);
    assert.equal(f.samples, 4);
    assert.equal(f.bytesMax, 500);
    assert.equal(f.bytesP50, 500);
    assert.equal(f.msP50, 5);
    assert.equal(f.msMax, 5);
    assert.equal(f.unreached, 0);
  });

  it('a master offset the slave never reached is counted, not guessed', () => {
    const pairs = [{ master: s(0, 100), slave: s(0, 50) }, { master: s(10, 200), slave: s(10, 150) }];
    const f = lagFigures(pairs, () => true);
    assert.equal(f.unreached, 1);
    assert.equal(f.msMax, 5);
  });

  it('the consumer resumes after the largest gap from the kill on; buffered deliveries before it are counted', () => {
    const deliveries = [90, 95, 100.5, 101, 101.5, 2100, 2101, 2102];
    assert.deepEqual(resumeAfterKill(deliveries, 100), { resumeMs: 2000, fromBuffer: 3 });
    assert.equal(resumeAfterKill([10, 20], 100), undefined);
  });
});
