// The one place the UI talks HTTP: every request has a time limit, and every failure becomes an ApiError whose
// message is a sentence for the page (the server's `{error}` text, or what went wrong on the way).

export const DEFAULT_TIMEOUT_MS = 20_000;

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

/** `/api/x?a=1&b=2`, leaving out undefined and empty values. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function errorFromBody(status: number, text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed && typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: fall through to the status line
  }
  const snippet = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
  return `the dashboard server answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
}

async function send(method: string, path: string, body: unknown, timeoutMs: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetch(path, {
      method,
      signal: controller.signal,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (controller.signal.aborted) {
      throw new ApiError(`no answer from the dashboard server within ${Math.round(timeoutMs / 1000)} s (${method} ${path})`, 0);
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new ApiError(`cannot reach the dashboard server (${method} ${path}: ${reason})`, 0);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends a JSON request and parses the JSON answer as T (the server's contract in api-types.ts). */
export async function requestJson<T>(method: string, path: string, body?: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  const response = await send(method, path, body, timeoutMs);
  const text = await response.text();
  if (!response.ok) throw new ApiError(errorFromBody(response.status, text), response.status);
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(`the dashboard server sent something that is not JSON for ${method} ${path}`, response.status);
  }
}

export const getJson = <T>(path: string, query?: Query): Promise<T> => requestJson<T>('GET', withQuery(path, query));
