// Option parsers shared by the bench runners (commander).
import { InvalidArgumentError } from 'commander';

/** A commander parser for a positive number (or integer) option, with an error naming the option. */
export function positive(name: string, integer: boolean): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${name} must be a positive ${integer ? 'integer' : 'number'}`);
    return n;
  };
}
