// Locates the captured Apache RocketMQ 4.9.8 bytes in ../shared/spec/fixtures (beside the repo, in CI too).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findFixturesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'shared', 'spec', 'fixtures');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find shared/spec/fixtures beside the repository');
}

export const FIXTURES_DIR = findFixturesDir();

export function fixturePath(...parts: string[]): string {
  return path.join(FIXTURES_DIR, ...parts);
}

export function readFixture(...parts: string[]): Buffer {
  return fs.readFileSync(fixturePath(...parts));
}
