// Profiles one case of the matrix: the broker (and optionally the benchmark client) runs under
// `node --cpu-prof`; after the run the profiles are summarised as the functions with the most self time.
//
//   npx tsc -p . && node dist/bench/profile.js [--case async-inflight-256] [--duration 20] [--client] [--keep DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { CASES, prepareTopic } from './lib/cases.js';
import { BenchCluster } from './lib/cluster.js';
import { summarise, topTable } from './lib/cpuprofile.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const opts = new Command('bench/profile')
  .option('--case <id>', `one of: ${CASES.map((c) => c.id).join(', ')}`, 'async-inflight-256')
  .option('--duration <s>', 'measured seconds', (v) => Number(v), 20)
  .option('--warmup <s>', 'warm-up seconds', (v) => Number(v), 5)
  .option('--backlog <n>', 'messages in the drain case', (v) => Number(v), 500_000)
  .option('--top <n>', 'functions to list', (v) => Number(v), 25)
  .option('--client', 'profile the benchmark client processes too')
  .option('--keep <dir>', 'copy the .cpuprofile files here (open them in Chrome DevTools)')
  .parse()
  .opts<{ case: string; duration: number; warmup: number; backlog: number; top: number; client?: boolean; keep?: string }>();

async function main(): Promise<void> {
  const spec = CASES.find((c) => c.id === opts.case);
  if (spec === undefined) throw new Error(`unknown case ${opts.case}`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `rmqts-profile-${spec.id}-`));
  const brokerProf = path.join(root, 'prof-broker');
  const clientProf = path.join(root, 'prof-client');
  try {
    const cluster = await BenchCluster.start({
      root,
      flushDiskType: spec.flush,
      brokerNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${brokerProf}`],
      toolNodeArgs: opts.client ? ['--cpu-prof', `--cpu-prof-dir=${clientProf}`] : [],
    });
    try {
      const ctx = { cluster, duration: opts.duration, warmup: opts.warmup, backlog: opts.backlog, bodySize: 1024, log: (l: string) => console.log(l) };
      await prepareTopic(ctx);
      const m = await spec.run(ctx);
      console.log(`${spec.id}: ${Object.entries(m).map(([k, v]) => `${k}=${v.toFixed(2)}`).join(' ')}`);
    } finally {
      await cluster.stop();
    }
    for (const [who, dir] of [['broker', brokerProf], ['client', clientProf]] as const) {
      if (!fs.existsSync(dir)) continue;
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
      // The client side: the largest profile is the benchmark process (not the one-message topic creator).
      const sized = files.map((f) => ({ f, size: fs.statSync(f).size })).sort((a, b) => b.size - a.size);
      const main = who === 'broker' ? sized[0] : sized[0];
      if (main === undefined) continue;
      const { functions, totalMs } = summarise(main.f, REPO);
      console.log(`\n${who} profile (${(totalMs / 1000).toFixed(1)} s sampled, ${path.basename(main.f)}), by self time:\n`);
      console.log(topTable(functions, 'self', opts.top));
      console.log(`\n${who}, by inclusive time:\n`);
      console.log(topTable(functions.filter((f) => !f.name.startsWith('(')), 'total', opts.top));
      if (opts.keep) {
        fs.mkdirSync(opts.keep, { recursive: true });
        for (const f of files) fs.copyFileSync(f, path.join(opts.keep, `${who}-${path.basename(f)}`));
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/profile: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
