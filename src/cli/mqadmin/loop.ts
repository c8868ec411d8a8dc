// Commands that repeat (clusterList -i, clusterRT) sleep between rounds until SIGINT/SIGTERM; startMonitoring waits for it.
let stopRequested = false;
const waiters = new Set<() => void>();

/** Called from the signal handlers: pending sleeps end at once and answer false. */
export function requestStop(): void {
  stopRequested = true;
  for (const w of [...waiters]) w();
}

/** Resolves true after `ms`, or false as soon as a stop was requested. */
export function sleepUnlessStopped(ms: number): Promise<boolean> {
  if (stopRequested) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      waiters.delete(done);
      resolve(false);
    };
    const timer = setTimeout(() => {
      waiters.delete(done);
      resolve(true);
    }, ms);
    waiters.add(done);
  });
}

/** Resolves once a stop was requested (SIGINT/SIGTERM) or `signal` aborted (tests running mqadmin in-process). */
export function untilStopped(signal?: AbortSignal): Promise<void> {
  if (stopRequested || signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      waiters.delete(done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    waiters.add(done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
