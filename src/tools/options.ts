// Command-line value checks shared by the tools: each failure names the option and the value, so a typo is a
// one-line error instead of a stack trace.
import { InvalidArgumentError } from 'commander';

export const DEFAULT_NAMESRV = '127.0.0.1:9876';

/** -n, else NAMESRV_ADDR, else 127.0.0.1:9876 (what RocketMQ's quickstart assumes). */
export function resolveNamesrv(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option !== undefined && option.trim() !== '') return option;
  const fromEnv = env.NAMESRV_ADDR;
  return fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : DEFAULT_NAMESRV;
}

/** A commander argParser for an integer in [min, max]. */
export function intArg(name: string, min: number, max: number): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}, got "${value}"`);
    }
    return n;
  };
}

/** A commander argParser for a number (fractions allowed) in [min, max]. */
export function numberArg(name: string, min: number, max: number): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number in ${min}..${max}, got "${value}"`);
    }
    return n;
  };
}

export type StartPoint = 'last' | 'first' | 'timestamp';

export function startPointArg(value: string): StartPoint {
  if (value === 'last' || value === 'first' || value === 'timestamp') return value;
  throw new InvalidArgumentError(`--from must be last, first or timestamp, got "${value}"`);
}

/** The push consumer's consumeFromWhere for a --from value. */
export function consumeFromWhere(from: StartPoint): 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP' {
  if (from === 'first') return 'CONSUME_FROM_FIRST_OFFSET';
  if (from === 'timestamp') return 'CONSUME_FROM_TIMESTAMP';
  return 'CONSUME_FROM_LAST_OFFSET';
}

/** A body of exactly `size` bytes of printable text (compressible as RocketMQ's benchmark body is not: varied). */
export function makeBody(size: number): Buffer {
  const body = Buffer.allocUnsafe(size);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  for (let i = 0; i < size; i++) body[i] = alphabet.charCodeAt((i * 7 + (i >> 5)) % alphabet.length);
  return body;
}
