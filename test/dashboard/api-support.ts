// HTTP helpers for the dashboard API tests: JSON in, status and JSON out, over real sockets with global fetch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../src/dashboard/server.js';

export interface Answer<T> {
  status: number;
  body: T;
}

/** An empty folder as staticDir: the tests do not depend on whether the UI was built. */
export function emptyStaticDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-static-'));
}

export class Api {
  constructor(readonly dashboard: Dashboard) {}

  static async start(opts: Omit<DashboardOptions, 'port'>): Promise<Api> {
    return new Api(await startDashboard({ port: 0, ...opts }));
  }

  async call<T>(method: string, urlPath: string, body?: unknown, rawBody?: string): Promise<Answer<T>> {
    const init: RequestInit = { method, signal: AbortSignal.timeout(60_000) };
    if (body !== undefined || rawBody !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = rawBody ?? JSON.stringify(body);
    }
    const res = await fetch(`${this.dashboard.url}${urlPath}`, init);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as T };
  }

  /** GET that must answer 200. */
  async get<T>(urlPath: string): Promise<T> {
    const a = await this.call<T>('GET', urlPath);
    if (a.status !== 200) throw new Error(`GET ${urlPath}: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body;
  }

  /** POST/PUT/DELETE that must answer 200. */
  async ok<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
    const a = await this.call<T>(method, urlPath, body);
    if (a.status !== 200) throw new Error(`${method} ${urlPath}: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body;
  }

  close(): Promise<void> {
    return this.dashboard.close();
  }
}

export const enc = encodeURIComponent;
