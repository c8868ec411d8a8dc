// Shared life cycle for the CLI entry points: run roles until SIGINT/SIGTERM, then shut them down in order.
import { shutdownLogging } from '../common/logger.js';

export interface Role {
  shutdown(): Promise<void>;
}

/** Print a one-line reason and exit non-zero: what a user sees when a start fails. */
export async function fail(message: string): Promise<never> {
  process.stderr.write(`${message}\n`);
  await shutdownLogging();
  process.exit(1);
}

/** Shut `roles` down (last started first) on the first SIGINT or SIGTERM; a second signal forces exit. */
export function stopOnSignals(roles: Role[], onStopped?: () => void): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    for (const role of [...roles].reverse()) {
      try {
        await role.shutdown();
      } catch (err) {
        process.stderr.write(`shutdown error: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
    onStopped?.();
    await shutdownLogging();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
