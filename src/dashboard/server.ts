// The dashboard's HTTP server: the JSON API under /api (every route over src/admin, the same functions mqadmin
// uses), the metrics sampler, and the built web app (dist/web) with a fallback to index.html for its routes.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { parseNamesrvList } from '../admin/index.js';
import { DashboardContext } from './context.js';
import { errorHandler, HttpError } from './http.js';
import { MetricsSampler, type SamplerOptions } from './metrics.js';
import { clusterRoutes } from './routes/cluster.js';
import { consumerRoutes } from './routes/consumers.js';
import { messageRoutes } from './routes/messages.js';
import { metricsRoutes } from './routes/metrics.js';
import { namesrvRoutes } from './routes/namesrv.js';
import { producerRoutes } from './routes/producers.js';
import { topicRoutes } from './routes/topics.js';

export interface DashboardOptions {
  /** NameServer list "a:9876;b:9876". */
  namesrvAddr: string;
  /** 0 = any free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The built web app; default the package's dist/web. */
  staticDir?: string;
  /** Sampler timings (tests make them short). */
  metrics?: SamplerOptions;
  /** Per-request timeout of the admin calls, ms. */
  adminTimeoutMs?: number;
}

export interface Dashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** dist/src/dashboard/server.js -> dist/web */
export const DEFAULT_STATIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const MAX_JSON_BODY = '2mb';
/** An operator console has few users: more sockets than this means something is wrong. */
const MAX_CONNECTIONS = 256;
const NOT_BUILT_PAGE = '<!doctype html><title>rocketmq-ts dashboard</title><p>The dashboard UI was not built (no dist/web): run <code>npm run build</code>. The API is served under <a href="api/cluster">/api</a>.</p>\n';

function apiRouter(ctx: DashboardContext, sampler: MetricsSampler): express.Router {
  const api = express.Router();
  api.use(express.json({ limit: MAX_JSON_BODY }));
  for (const routes of [namesrvRoutes(ctx), clusterRoutes(ctx), topicRoutes(ctx), consumerRoutes(ctx), producerRoutes(ctx), messageRoutes(ctx), metricsRoutes(sampler)]) {
    api.use(routes);
  }
  api.use((req: Request, _res: Response, next: NextFunction) => next(new HttpError(404, `no such API route: ${req.method} ${req.baseUrl}${req.path}`)));
  api.use(errorHandler);
  return api;
}

/** The web app's files, and index.html for any other GET (client-side routes); a one-line page when not built. */
function staticFiles(app: Express, staticDir: string): void {
  const index = path.join(staticDir, 'index.html');
  app.use(express.static(staticDir, { index: 'index.html', fallthrough: true }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!fs.existsSync(index)) {
      res.status(req.path === '/' ? 200 : 404).type('html').send(NOT_BUILT_PAGE);
      return;
    }
    res.sendFile(index);
  });
}

function createApp(ctx: DashboardContext, sampler: MetricsSampler, staticDir: string): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use('/api', apiRouter(ctx, sampler));
  staticFiles(app, staticDir);
  app.use(errorHandler);
  return app;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the dashboard; the NameServer list is checked first (a bad one is an AdminError naming it). */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  parseNamesrvList(opts.namesrvAddr);
  const host = opts.host ?? '127.0.0.1';
  const ctx = new DashboardContext(opts.namesrvAddr, opts.adminTimeoutMs);
  const sampler = new MetricsSampler(() => ctx.admin, opts.metrics);
  ctx.onSwitch = () => sampler.reset();
  const server = http.createServer(createApp(ctx, sampler, opts.staticDir ?? DEFAULT_STATIC_DIR));
  server.maxConnections = MAX_CONNECTIONS;
  let port: number;
  try {
    port = await listen(server, opts.port, host);
  } catch (err) {
    await ctx.close();
    throw err;
  }
  sampler.start();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () => {
      closing ??= (async () => {
        await sampler.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await ctx.close();
      })();
      return closing;
    },
  };
}
