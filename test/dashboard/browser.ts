// Debian's chromium driven by playwright-core for the dashboard's browser tests: headless, a fresh profile in a
// temporary folder, no network beyond loopback, a 1280x800 window (the size the screenshots are taken at).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const VIEWPORT = { width: 1280, height: 800 };

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The repo root seen from dist/test/dashboard. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The built UI the dashboard server serves (`npm run build` writes it). */
export const WEB_DIR = path.join(REPO_ROOT, 'dist', 'web');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs', 'dashboard');

/** Throws a sentence saying what to do when chromium or the built UI is missing. */
export function checkPrerequisites(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  if (!fs.existsSync(path.join(WEB_DIR, 'index.html'))) {
    throw new Error(`the dashboard UI is not built (${WEB_DIR}/index.html is missing): run \`npm run build\` first`);
  }
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far, for assertion messages. */
  problems: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      timeout: 60_000,
    });
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves docs/dashboard/<name>.png of the whole 1280x800 window. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}
