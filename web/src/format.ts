// How numbers, times and sizes read on every page.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function fmtInt(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '–' : integer.format(n);
}

export function fmtRate(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '–' : decimal.format(n);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local time `2026-11-21 18:22:31.123`; 0 or missing reads as a dash (RocketMQ uses 0 for "never"). */
export function fmtTime(ms: number | undefined): string {
  if (!ms || !Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function fmtBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function fmtPercent(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '–' : `${(ratio * 100).toFixed(1)} %`;
}

/** A value for `<input type="datetime-local">` from epoch ms (local time, minute precision). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Epoch ms from an `<input type="datetime-local">` value, undefined when empty or invalid. */
export function fromLocalInput(text: string): number | undefined {
  if (!text) return undefined;
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
