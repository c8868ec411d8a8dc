// Runs `node dist/src/cli/mqtools.js <args>` as a child process and collects its output and exit status.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/cli/mqtools.js, seen from dist/test/tools. */
export const MQTOOLS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'mqtools.js');

export interface ToolRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function describeRun(args: string[], r: ToolRun): string {
  return `mqtools ${args.join(' ')} -> code ${r.code} signal ${r.signal}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`;
}

/** Resolves when the tool exits; kills it (SIGKILL) and rejects after timeoutMs. */
export function runTool(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<ToolRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  if (!('NAMESRV_ADDR' in env)) delete childEnv.NAMESRV_ADDR;
  const child = spawn(process.execPath, [MQTOOLS, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms: ${describeRun(args, { code: null, signal: null, stdout, stderr })}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
