// Waiting without fixed sleeps: every wait is on a promise or a condition, and every wait has a deadline
// whose error says what did not happen.

/** Resolves/rejects like `promise`, or rejects after `ms` with "timed out after N ms waiting for <what>". */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const text = typeof what === 'string' ? what : what();
      reject(new Error(`timed out after ${ms} ms waiting for ${text}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface WaitOptions {
  timeoutMs: number;
  /** What we are waiting for, or a function giving it with the current state (called on timeout). */
  what: string | (() => string);
  /** Poll interval (default 50 ms). */
  intervalMs?: number;
}

/**
 * Polls `condition` until it returns a truthy value (which is returned), or fails after timeoutMs.
 * Exceptions thrown by the condition count as "not yet"; the last one is reported on timeout.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions): Promise<NonNullable<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await condition();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const text = typeof options.what === 'string' ? options.what : options.what();
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${text}${cause}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

/** A promise with its resolve function, for "wait until the listener has seen N messages". */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: Error): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
