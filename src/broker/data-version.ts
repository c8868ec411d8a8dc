// RocketMQ's DataVersion: a timestamp and a counter bumped on every change of a config table, so the
// NameServer and slaves can tell whether what they hold is stale.
import type { DataVersion } from '../protocol/body-types.js';

export function newDataVersion(now: number): DataVersion {
  return { timestamp: now, counter: 0 };
}

export function nextVersion(dv: DataVersion, now: number): void {
  dv.timestamp = now;
  dv.counter++;
}
