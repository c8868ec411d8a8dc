// Summarises a V8 .cpuprofile (node --cpu-prof): self and inclusive time per function, biggest first.
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FunctionTime {
  name: string;
  selfMs: number;
  totalMs: number;
  selfPct: number;
  totalPct: number;
}

function label(cf: CallFrame, root: string): string {
  const name = cf.functionName === '' ? '(anonymous)' : cf.functionName;
  if (cf.url === '') return name;
  let file = cf.url.replace(/^file:\/\//, '');
  if (file.startsWith(root)) file = path.relative(root, file);
  return `${name} ${file}:${cf.lineNumber + 1}`;
}

/** Self and inclusive time per function label; `root` shortens file paths. */
export function summarise(file: string, root: string): { functions: FunctionTime[]; totalMs: number } {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    let id: number | undefined = p.samples[i]!;
    const leaf = byId.get(id)!;
    const leafLabel = label(leaf.callFrame, root);
    self.set(leafLabel, (self.get(leafLabel) ?? 0) + dt);
    const seen = new Set<string>();
    while (id !== undefined) {
      const l = label(byId.get(id)!.callFrame, root);
      if (!seen.has(l)) {
        seen.add(l);
        total.set(l, (total.get(l) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  const functions = [...total.keys()].map((name) => ({
    name,
    selfMs: self.get(name) ?? 0,
    totalMs: total.get(name) ?? 0,
    selfPct: (100 * (self.get(name) ?? 0)) / all,
    totalPct: (100 * (total.get(name) ?? 0)) / all,
  }));
  return { functions, totalMs: all };
}

export function topTable(functions: FunctionTime[], by: 'self' | 'total', n: number): string {
  const sorted = [...functions].sort((a, b) => (by === 'self' ? b.selfMs - a.selfMs : b.totalMs - a.totalMs)).slice(0, n);
  const out = ['| self % | total % | function |', '| ---: | ---: | --- |'];
  for (const f of sorted) out.push(`| ${f.selfPct.toFixed(1)} | ${f.totalPct.toFixed(1)} | \`${f.name}\` |`);
  return out.join('\n');
}
