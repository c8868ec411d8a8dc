// The figures as markdown: the targets table (median of runs) and the per-case details, written between
// markers into docs/performance.md so the hand-written analysis around them stays.
import fs from 'node:fs';
import path from 'node:path';
import type { Metrics } from './cases.js';

export const BEGIN = '<!-- bench:begin (written by bench/run.ts; edits inside are overwritten) -->';
export const END = '<!-- bench:end -->';

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Median of every metric over the runs of one case. */
export function medians(runs: Metrics[]): Metrics {
  const keys = new Set(runs.flatMap((r) => Object.keys(r)));
  return Object.fromEntries([...keys].map((k) => [k, median(runs.map((r) => r[k] ?? NaN))]));
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function fmt(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

export interface TargetRow {
  what: string;
  target: string;
  measured: string;
  apache: string;
  met: boolean | undefined;
}

export function targetTable(rows: TargetRow[]): string {
  const out = ['| what | target | rocketmq-ts (median) | Apache RocketMQ 4.9.8 | met |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) out.push(`| ${r.what} | ${r.target} | ${r.measured} | ${r.apache} | ${r.met === undefined ? 'n/a' : r.met ? 'yes' : '**no**'} |`);
  return out.join('\n');
}

/**
 * Replaces the text between the markers (or appends the block) in `file`; creates the file with `skeleton`.
 * `markers` lets another script (bench/ha.ts) own a block of its own in the same file.
 */
export function writeBlock(file: string, block: string, skeleton: string, markers: { begin: string; end: string } = { begin: BEGIN, end: END }): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : skeleton;
  const wrapped = `${markers.begin}\n${block.trimEnd()}\n${markers.end}`;
  const b = text.indexOf(markers.begin);
  const e = text.indexOf(markers.end);
  if (b >= 0 && e > b) text = text.slice(0, b) + wrapped + text.slice(e + markers.end.length);
  else text = `${text.trimEnd()}\n\n${wrapped}\n`;
  fs.writeFileSync(file, text);
}
