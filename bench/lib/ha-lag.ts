// Replication lag from two series of commit-log max offsets, one of the master and one of the slave, sampled
// together every few ms. Pure functions: samples in, figures out.
//
// - Lag in bytes: master offset minus slave offset of the same sampling tick.
// - Lag in ms: for each master sample (t, off), the moment the slave's offset reached `off`, minus t. That
//   moment is interpolated linearly between the last slave sample below `off` and the first at or above it
//   (the slave's offset grows steadily under a steady load); a slave that was already there at its first
//   sample after t counts as 0 ms. So the resolution is a fraction of the sampling interval, not the interval.

export interface OffsetSample {
  /** performance.now() ms: midpoint between sending the request and receiving the answer. */
  t: number;
  offset: number;
}

export interface LagFigures {
  samples: number;
  bytesP50: number;
  bytesP99: number;
  bytesMax: number;
  msP50: number;
  msP99: number;
  msMax: number;
  /** Master samples the slave never reached while sampling (lag in ms unknown for them). */
  unreached: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** When the slave series first reached `offset`, interpolated; undefined when it never did. */
export function reachedAt(slave: readonly OffsetSample[], offset: number): number | undefined {
  let lo = 0;
  let hi = slave.length;
  // First index whose offset >= `offset` (slave offsets never decrease).
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slave[mid]!.offset >= offset) hi = mid;
    else lo = mid + 1;
  }
  const at = slave[lo];
  if (at === undefined) return undefined;
  const before = slave[lo - 1];
  if (before === undefined || at.offset === before.offset) return at.t;
  return before.t + ((offset - before.offset) / (at.offset - before.offset)) * (at.t - before.t);
}

/**
 * `pairs[i]` = the master's and the slave's sample of tick i. Lag in ms is computed only for master samples
 * taken while `loaded(t)` holds (the measured period), but the slave series is searched to its end.
 */
export function lagFigures(pairs: ReadonlyArray<{ master: OffsetSample; slave: OffsetSample }>, loaded: (t: number) => boolean): LagFigures {
  const slave = pairs.map((p) => p.slave);
  const bytes: number[] = [];
  const ms: number[] = [];
  let unreached = 0;
  for (const { master, slave: s } of pairs) {
    if (!loaded(master.t)) continue;
    bytes.push(Math.max(0, master.offset - s.offset));
    const reached = reachedAt(slave, master.offset);
    if (reached === undefined) unreached++;
    else ms.push(Math.max(0, reached - master.t));
  }
  return {
    samples: bytes.length,
    bytesP50: percentile(bytes, 50),
    bytesP99: percentile(bytes, 99),
    bytesMax: bytes.length > 0 ? Math.max(...bytes) : NaN,
    msP50: percentile(ms, 50),
    msP99: percentile(ms, 99),
    msMax: ms.length > 0 ? Math.max(...ms) : NaN,
    unreached,
  };
}

/**
 * The consumer's pause after the kill: the largest gap between consecutive deliveries from `killAt` on (the
 * first gap starts at the kill). Messages the consumer had pulled before the kill are delivered from its
 * buffer first; the delivery after the largest gap is the first pulled after the failover.
 */
export function resumeAfterKill(deliveries: readonly number[], killAt: number): { resumeMs: number; fromBuffer: number } | undefined {
  let prev = killAt;
  let best: { resumeMs: number; fromBuffer: number; gap: number } | undefined;
  let count = 0;
  for (const t of deliveries) {
    if (t < killAt) continue;
    if (best === undefined || t - prev > best.gap) best = { resumeMs: t - killAt, fromBuffer: count, gap: t - prev };
    prev = t;
    count++;
  }
  return best === undefined ? undefined : { resumeMs: best.resumeMs, fromBuffer: best.fromBuffer };
}
