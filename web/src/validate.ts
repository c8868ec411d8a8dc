// Input checks shared by the forms; each returns the problem in words or undefined.

const NAME = /^[%|a-zA-Z0-9_-]+$/;

/** RocketMQ's topic and group name rule: letters, digits, % | _ -, at most 127 (topics) characters. */
export function checkName(what: string, value: string, max = 127): string | undefined {
  if (value.trim() === '') return `${what} is required`;
  if (value.length > max) return `${what} is longer than ${max} characters`;
  if (!NAME.test(value)) return `${what} may only contain letters, digits, %, |, _ and -`;
  return undefined;
}

export function checkInt(what: string, text: string, min: number, max: number): string | undefined {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n)) return `${what} must be a whole number`;
  if (n < min || n > max) return `${what} must be between ${min} and ${max}`;
  return undefined;
}

/** "host:port;host:port" with at least one entry. */
export function checkNamesrvList(text: string): string | undefined {
  const parts = text.split(';').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return 'enter at least one address, e.g. 127.0.0.1:9876';
  for (const p of parts) {
    const m = /^(.+):(\d{1,5})$/.exec(p);
    if (!m || Number(m[2]) > 65535) return `"${p}" is not host:port`;
  }
  return undefined;
}

export function hasErrors(errors: Record<string, string | undefined>): boolean {
  return Object.values(errors).some((e) => e !== undefined);
}
