// HTTP plumbing shared by the route modules: async handlers whose failures become `{ error }` answers, and checked
// readers of query, path and body fields that answer 400 naming the field.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AdminError } from '../admin/index.js';
import { getLogger } from '../common/logger.js';
import type { ApiError } from './api-types.js';

const log = getLogger('dashboard');

/** A failure with its HTTP status: 400 for bad input, 404 for nothing there. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}

/** Wraps an async handler: its value is sent as JSON, its error goes to errorHandler. */
export function route<T>(handler: (req: Request) => Promise<T>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    handler(req).then((value) => { res.json(value); }, next);
  };
}

/** Status and one-line message of a failure: AdminError = the cluster said no or could not be reached (502). */
export function describeFailure(err: unknown): { status: number; message: string } {
  if (err instanceof HttpError) return { status: err.status, message: err.message };
  if (err instanceof AdminError) return { status: 502, message: err.message };
  const e = err as { type?: unknown; status?: unknown; message?: unknown };
  // body-parser's errors: malformed JSON, too large, wrong charset.
  if (e !== null && typeof e === 'object' && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    const message = e.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : String(e.message);
    return { status: e.status, message };
  }
  return { status: 500, message: err instanceof Error ? err.message : String(err) };
}

/** Express error middleware (four parameters, so express knows it): one log line, one JSON answer. */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const { status, message } = describeFailure(err);
  if (status >= 500) log.warn(`${req.method} ${req.originalUrl}: ${status} ${message}`);
  if (res.headersSent) return;
  const body: ApiError = { error: message.replace(/\s*\n\s*/g, ' ') };
  res.status(status).json(body);
}

// ---------------------------------------------------------------------------------------------- field readers

type Source = Record<string, unknown>;

function queryOf(req: Request): Source {
  return req.query as Source;
}

/** The JSON body as an object, or 400. */
export function bodyOf(req: Request): Source {
  const body: unknown = req.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object (Content-Type: application/json)');
  }
  return body as Source;
}

const MAX_TEXT = 4096;

function text(src: Source, name: string, max = MAX_TEXT): string | undefined {
  const v = src[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be a string`);
  if (v.length > max) throw badRequest(`${name} is longer than ${max} characters`);
  return v;
}

function requiredText(src: Source, name: string, max = MAX_TEXT): string {
  const v = text(src, name, max);
  if (v === undefined || v.trim() === '') throw badRequest(`${name} is required`);
  return v;
}

function integer(src: Source, name: string, min: number, max: number): number | undefined {
  const v = src[name];
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badRequest(`${name} must be an integer ${min}..${max}, got ${JSON.stringify(v)}`);
  return n;
}

function bool(src: Source, name: string): boolean | undefined {
  const v = src[name];
  if (v === undefined || v === '') return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw badRequest(`${name} must be true or false, got ${JSON.stringify(v)}`);
}

/** Readers over the query string or the JSON body; every one answers 400 naming the field. */
export interface Fields {
  text(name: string, max?: number): string | undefined;
  requiredText(name: string, max?: number): string;
  int(name: string, min: number, max: number): number | undefined;
  requiredInt(name: string, min: number, max: number): number;
  bool(name: string): boolean | undefined;
}

function fieldsOf(src: Source): Fields {
  return {
    text: (name, max) => text(src, name, max),
    requiredText: (name, max) => requiredText(src, name, max),
    int: (name, min, max) => integer(src, name, min, max),
    requiredInt: (name, min, max) => {
      const n = integer(src, name, min, max);
      if (n === undefined) throw badRequest(`${name} is required`);
      return n;
    },
    bool: (name) => bool(src, name),
  };
}

export function query(req: Request): Fields {
  return fieldsOf(queryOf(req));
}

export function body(req: Request): Fields {
  return fieldsOf(bodyOf(req));
}

/** A path parameter (express has already URL-decoded it). */
export function param(req: Request, name: string): string {
  const v = (req.params as Record<string, string | undefined>)[name];
  if (v === undefined || v.trim() === '') throw badRequest(`${name} is required`);
  if (v.length > MAX_TEXT) throw badRequest(`${name} is longer than ${MAX_TEXT} characters`);
  return v;
}

/** Latest ms timestamp accepted (year 2286): anything larger is a typo, not a time. */
export const MAX_TIMESTAMP = 9_999_999_999_999;

/** offset/limit of a list request (limit default 50, at most `maxLimit`) and the slice they select. */
export function pageOf<T>(req: Request, items: readonly T[], maxLimit: number): { offset: number; limit: number; items: T[] } {
  const q = query(req);
  const offset = q.int('offset', 0, 1_000_000_000) ?? 0;
  const limit = q.int('limit', 1, maxLimit) ?? Math.min(50, maxLimit);
  return { offset, limit, items: items.slice(offset, offset + limit) };
}

/** Case-insensitive substring filter of the `q` query field. */
export function matchesQuery(req: Request): (name: string) => boolean {
  const q = (query(req).text('q', 255) ?? '').trim().toLowerCase();
  return (name) => q === '' || name.toLowerCase().includes(q);
}
