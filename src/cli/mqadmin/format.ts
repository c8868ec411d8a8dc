// Output helpers for mqadmin: the subset of java.util.Formatter the RocketMQ tools' layouts use, so that every
// table is written with the same format strings (widths, alignment) as RocketMQ 4.9.8 prints it, and the date
// layouts of its UtilAll.
import type { MessageExt } from '../../client/message.js';
import type { MessageQueue } from '../../protocol/body-types.js';
import { formatJavaDouble } from '../../protocol/fastjson.js';

export type FmtArg = string | number | boolean | null | undefined;

const SPEC = /%(-)?(0)?(\d+)?(?:\.(\d+))?([sdfn%])/g;

function pad(text: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (left) return text + ' '.repeat(width - text.length);
  if (zero) {
    const negative = text.startsWith('-');
    const digits = negative ? text.slice(1) : text;
    return (negative ? '-' : '') + '0'.repeat(width - text.length) + digits;
  }
  return ' '.repeat(width - text.length) + text;
}

/** Java String.format for %s, %d, %f (with -, 0, width, precision), %n and %%. */
export function sprintf(format: string, ...args: FmtArg[]): string {
  let i = 0;
  return format.replace(SPEC, (_all, minus: string | undefined, zero: string | undefined, width: string | undefined, precision: string | undefined, conv: string) => {
    if (conv === 'n') return '\n';
    if (conv === '%') return '%';
    const arg = args[i++];
    const w = width === undefined ? undefined : Number(width);
    let text: string;
    if (conv === 's') {
      text = arg === null || arg === undefined ? 'null' : String(arg);
      if (precision !== undefined) text = text.slice(0, Number(precision));
    } else if (conv === 'd') {
      text = arg === null || arg === undefined ? 'null' : String(Math.trunc(Number(arg)));
    } else {
      text = arg === null || arg === undefined ? 'null' : Number(arg).toFixed(precision === undefined ? 6 : Number(precision));
    }
    return pad(text, w, minus !== undefined, zero !== undefined && conv !== 's');
  });
}

/** UtilAll.frontStringAtLeast: at most `size` characters. */
export function front(s: string, size: number): string {
  return s.length > size ? s.slice(0, size) : s;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** UtilAll.formatDate(date, "yyyy-MM-dd HH:mm:ss"), local time. */
export function formatDate(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** UtilAll.timeMillisToHumanString2: "yyyy-MM-dd HH:mm:ss,SSS". */
export function humanString2(t: number): string {
  return `${formatDate(t)},${String(new Date(t).getMilliseconds()).padStart(3, '0')}`;
}

/** UtilAll.timeMillisToHumanString: "yyyyMMddHHmmssSSS". */
export function humanString(t: number): string {
  const d = new Date(t);
  return `${String(d.getFullYear()).padStart(4, '0')}${two(d.getMonth() + 1)}${two(d.getDate())}${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Double.toString */
export function javaDouble(v: number): string {
  return formatJavaDouble(v);
}

/** Map.toString of Java: "{k=v, k2=v2}". */
export function javaMap(entries: Iterable<readonly [string, string]>): string {
  return `{${[...entries].map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

export function mqString(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}

/** InetSocketAddress.toString of an IP literal: "/127.0.0.1:37002". */
function socketString(hostPort: string): string {
  return `/${hostPort}`;
}

/** MessageExt.toString of 4.9.8 (the body as Arrays.toString of its signed bytes). */
export function messageExtString(m: MessageExt): string {
  const body = `[${[...m.body].map((b) => (b > 127 ? b - 256 : b)).join(', ')}]`;
  const message = `Message{topic='${m.topic}', flag=${m.flag}, properties=${javaMap(m.properties)}, body=${body}, transactionId='null'}`;
  return `MessageExt [brokerName=${m.brokerName === '' ? 'null' : m.brokerName}, queueId=${m.queueId}, storeSize=${m.storeSize}, queueOffset=${m.queueOffset}, `
    + `sysFlag=${m.sysFlag}, bornTimestamp=${m.bornTimestamp}, bornHost=${socketString(m.bornHost)}, storeTimestamp=${m.storeTimestamp}, `
    + `storeHost=${socketString(m.storeHost)}, msgId=${m.offsetMsgId}, commitLogOffset=${m.commitLogOffset}, bodyCRC=${m.bodyCRC}, `
    + `reconsumeTimes=${m.reconsumeTimes}, preparedTransactionOffset=${m.preparedTransactionOffset}, toString()=${message}]`;
}
