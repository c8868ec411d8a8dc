// Dashboard page: the sampler's series of the last `minutes` (default 60).
import { Router } from 'express';
import type { MetricsResponse } from '../api-types.js';
import { query, route } from '../http.js';
import type { MetricsSampler } from '../metrics.js';

export function metricsRoutes(sampler: MetricsSampler): Router {
  const r = Router();
  r.get('/metrics', route(async (req): Promise<MetricsResponse> => sampler.snapshot(query(req).int('minutes', 1, 65) ?? 60)));
  return r;
}
